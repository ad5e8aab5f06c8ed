"""One function per pipeline step. Dagster assets in `assets/` call these; so can anything else."""
