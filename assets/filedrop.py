"""File drops: one source asset per kind, reading the landing folder into `staging.filedrop_<kind>`
(indicator_pipeline/steps/filedrop.py). A rejected file fails its asset, and so the run before it
publishes, with the reader's message naming file, row, column and value.
"""

from dagster import AssetExecutionContext, AssetsDefinition, AssetSpec, Failure, MetadataValue, multi_asset

from assets.changes import stage_unless_unchanged
from assets.common import OWNERS, SOURCE_FRESHNESS_POLICIES
from assets.models import TableStep, table_specs
from assets.resources import PipelineResource
from indicator_pipeline.filedrop import FORMATS, KINDS
from indicator_pipeline.filedrop.landing import Skipped
from indicator_pipeline.steps import filedrop as steps


def _filedrop_asset(kind: str) -> AssetsDefinition:
    source = AssetSpec(
        f"filedrop_{kind}", group_name="sources", kinds={"python", "filedrop"}, owners=OWNERS,
        freshness_policy=SOURCE_FRESHNESS_POLICIES["filedrop"],
        description=(
            f"The current `{kind}*.csv`/`.xlsx` file in the landing folder ({FORMATS[kind].description}), archived "
            "byte for byte and read into its staging table. No file: the previous rows stay. A rejected file goes "
            "to quarantine and fails the run."
        ),
    )

    @multi_asset(name=f"filedrop_{kind}", specs=[source, *table_specs([steps.staging_table(kind)], deps=[source.key.path[0]])])
    def _filedrop(context: AssetExecutionContext, pipeline: PipelineResource):
        context, settings = TableStep(context, [f"filedrop_{kind}", steps.staging_table(kind)]), pipeline.settings

        def stage(con) -> None:
            try:
                loaded = steps.load_kind(con, kind, settings)
            except steps.DropRejected as exc:
                rejected = "\n".join(
                    f"- `{r.error.path.name}`: {r.error}" + (f" → `{r.quarantined}`" if r.quarantined else "")
                    for r in exc.rejections
                )
                _log_skipped(context, exc.skipped)
                context.log.error(str(exc))
                raise Failure(
                    description=str(exc),
                    metadata={
                        "rejected_files": MetadataValue.md(rejected),
                        "skipped_entries": _skipped_text(exc.skipped),
                        "landing_dir": MetadataValue.path(str(settings.effective_landing_dir)),
                        "quarantine_dir": MetadataValue.path(str(settings.effective_quarantine_dir)),
                    },
                ) from exc
            current = loaded.current
            _log_skipped(context, loaded.skipped)
            if current is None:
                context.log.info(f"no {kind} file in {loaded.landing}; {steps.staging_table(kind)} kept as it was")
            context.add_output_metadata(
                {
                    "landing_dir": MetadataValue.path(str(loaded.landing)),
                    "file": current.path.name if current else "(none: previous rows kept)",
                    "sha256": current.sha256 if current else "",
                    "rows": current.frame.height if current else 0,
                    "newly_archived": loaded.newly_archived,
                    "superseded_files": ", ".join(p.name for p in loaded.superseded),
                    "rejected_files": 0,
                    "skipped_entries": _skipped_text(loaded.skipped),
                }
            )

        stage_unless_unchanged(context, pipeline, f"filedrop_{kind}", (), stage, steps.staging_table(kind))
        yield from context.results()

    return _filedrop


def _skipped_text(skipped: list[Skipped]) -> str:
    return "; ".join(map(str, skipped))


def _log_skipped(context: AssetExecutionContext, skipped: list[Skipped]) -> None:
    """Entries that are not regular files are never read, archived or moved; the run says which."""
    if skipped:
        context.log.warning(f"skipped, not read, archived or moved: {_skipped_text(skipped)}")


filedrop_assets = [_filedrop_asset(kind) for kind in KINDS]
