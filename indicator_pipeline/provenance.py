"""What a snapshot declares about its figures (docs/provenance.md): for each recorded payload, whether its
values are published, derived or illustrative, from the `provenance` section of its `snapshot.json`.

A declaration names payload files (paths, or glob patterns, under the snapshot's root) and either one status
for every value in them (`status`) or a file of per-value entries (`values`: Kolada `kpi_id, year, gender`,
SCB `table_id, selection, period`). It is keyed by the payload's sha256, so it applies to exactly those bytes:
a live answer, or a recording without declarations, is never covered and keeps the source's own provenance.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl

from indicator_pipeline.errors import PipelineError

DECLARED = ("published", "derived", "illustrative")  # a declared figure's provenance
NO_FIGURE = "missing"  # a declared null: nothing to qualify, so not loaded
SCHEMA = {
    "payload_sha256": pl.Utf8, "source_id": pl.Utf8, "selection_key": pl.Utf8, "period": pl.Utf8,
    "value_provenance": pl.Utf8, "reference": pl.Utf8, "declared_in": pl.Utf8,
}


def declared_provenance(root: Path | None) -> pl.DataFrame:
    """One row per declared payload (source_id NULL: every value of it) or declared value of a payload."""
    manifest = root / "snapshot.json" if root is not None else None
    declarations = json.loads(manifest.read_text(encoding="utf-8")).get("provenance", []) if manifest and manifest.is_file() else []
    rows: list[dict] = []
    declared_files: set[Path] = set()
    for number, declaration in enumerate(declarations, 1):
        where = f"{manifest}, provenance declaration {number}"
        files = [path for pattern in declaration.get("files", []) for path in sorted(root.glob(pattern)) if path.is_file()]
        if not files:
            raise PipelineError(f"{where}: files {declaration.get('files')!r} match no file of the snapshot")
        if twice := sorted(str(path) for path in declared_files.intersection(files)):
            raise PipelineError(f"{where}: {', '.join(twice)} declared twice")
        declared_files.update(files)
        entries = _entries(root, declaration, where)
        for path in files:
            sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
            name = path.relative_to(root).as_posix()
            per_source = [e for e in entries if e["source"] == path.parent.name] if entries is not None else None
            if per_source is None:
                status = _status(declaration.get("status"), where, "status")
                rows.append({"payload_sha256": sha256, "value_provenance": status, "reference": declaration.get("about"), "declared_in": name})
            rows += [{"payload_sha256": sha256, "declared_in": f"{name} ({declaration['values']})", **e} for e in per_source or ()]
    return pl.DataFrame(rows, schema=SCHEMA).unique(["payload_sha256", "source_id", "selection_key", "period"], keep="first", maintain_order=True)


def _entries(root: Path, declaration: dict, where: str) -> list[dict] | None:
    """The per-value entries of `values` (None without one), statuses checked, declared nulls left out."""
    if "values" not in declaration:
        return None
    path = root / declaration["values"]
    where = f"{where} ({path.name})"
    out = []
    for entry in json.loads(path.read_text(encoding="utf-8")):
        if entry.get("status") == NO_FIGURE:
            continue
        if entry.get("source") == "kolada":
            key = (entry["kpi_id"], f"gender={entry['gender']}", str(entry["year"]))
        elif entry.get("source") == "scb":
            key = (entry["table_id"], ";".join(f"{k}={v}" for k, v in sorted(entry["selection"].items())), entry["period"])
        else:
            raise PipelineError(f"{where}: source {entry.get('source')!r} of entry {entry!r} is not kolada or scb")
        out.append(dict(zip(("source_id", "selection_key", "period"), key), source=entry["source"],
                        value_provenance=_status(entry.get("status"), where, f"status of {key}"), reference=entry.get("reference")))
    return out


def _status(status: object, where: str, field: str) -> str:
    if status not in DECLARED:
        raise PipelineError(f"{where}: {field} is {status!r}; a declared figure is one of {', '.join(DECLARED)}")
    return status
