"""Whether a source changed since it was last loaded: the rule that makes a night with nothing new a
no-op (docs/running.md, "A night when nothing changed").

Every source's staged data remembers what it was loaded from (`meta.source_load`, `meta.source_input`):
the sha256 of each payload or landing file (every file of a file drop's kind, so a new, changed or
removed file is a change; the plan file for the catalogue, `PLAN_KEY`) and the fingerprint it was
loaded under. The same set under the same fingerprint is no change. The fingerprint covers the plan
file, `sql/`, `expectations/` and the suites' run parameters, not Python code: after upgrading the
pipeline, `indicator-pipeline refresh --force` processes everything.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

import duckdb
import polars as pl

from indicator_pipeline.catalog import Plan
from indicator_pipeline.catalog.plan_set import Plans
from indicator_pipeline.payloads import ArchivedPayload
from indicator_pipeline.quality import EXPECTATIONS_DIR, run_parameters
from indicator_pipeline.warehouse.sql import SQL_DIR, run_script, sql_text

PLAN_KEY = "catalogue_dimensions"  # the source key under which the plan file is recorded


@dataclass(frozen=True, order=True)
class Input:
    """One payload or file a source's data is loaded from."""

    dataset: str
    location: str  # URL or file name
    sha256: str


@dataclass(frozen=True)
class Load:
    """The record of a source's last load: which run loaded which inputs under which fingerprint."""

    run_id: str
    fingerprint: str
    inputs: frozenset[Input]


def payload_inputs(refs: Iterable[ArchivedPayload]) -> frozenset[Input]:
    return frozenset(Input(ref.dataset, ref.location, ref.sha256) for ref in refs)


def file_inputs(dataset: str, paths: Iterable[Path]) -> frozenset[Input]:
    """Each file by name and the sha256 of its bytes (hashed in chunks: a huge drop costs no memory here,
    it is refused by its kind's limits when the changed source is loaded)."""
    return frozenset(Input(dataset, path.name, _sha256_of(path)) for path in paths)


def _sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def plan_inputs(plans: Plans, removed: Iterable[str] = ()) -> frozenset[Input]:
    """The plan files, and the plans a run removes (a removal is a change of the catalogue)."""
    files = {Input("plan", Path(p.source_path).name, hashlib.sha256(_plan_bytes(p)).hexdigest()) for p in plans.plans}
    return frozenset(files | {Input("plan_removed", plan_id, hashlib.sha256(plan_id.encode()).hexdigest()) for plan_id in removed})


def fingerprint(plans: Plans, fetch_date: date) -> str:
    """sha256 over the plan files, every file in sql/ and expectations/, and the suites' run parameters
    for `fetch_date` (the date the data is validated for: they change with its year)."""
    digest = hashlib.sha256()
    for folder in (SQL_DIR, EXPECTATIONS_DIR):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    for plan in plans.plans:
        digest.update(_plan_bytes(plan))
    digest.update(json.dumps(run_parameters(plans, fetch_date), sort_keys=True).encode())
    return digest.hexdigest()


def _plan_bytes(plan: Plan) -> bytes:
    path = Path(plan.source_path) if plan.source_path else None
    return path.read_bytes() if path is not None and path.is_file() else repr(plan).encode()


def last_load(con: duckdb.DuckDBPyConnection, source_key: str) -> Load | None:
    """The record of `source_key`'s last load in this warehouse; None if it was never loaded (or the
    warehouse was published by a version without the load records)."""
    try:
        rows = _rows(con, "load/source_load.sql", {"source_key": source_key})
    except duckdb.CatalogException:
        return None
    if not rows:
        return None
    run_id, recorded_fingerprint = rows[0][:2]
    inputs = frozenset(Input(dataset, location, sha256) for *_, dataset, location, sha256 in rows if sha256)
    return Load(run_id, recorded_fingerprint, inputs)


def change_from(load: Load | None, inputs: frozenset[Input], fingerprint: str) -> str | None:
    """Why `inputs` under `fingerprint` are a change from `load`, in words; None: they are no change."""
    if load is None:
        return "never loaded into this warehouse"
    if load.fingerprint != fingerprint:
        return f"run {load.run_id} loaded it under another fingerprint (the plan file, sql/ or expectations/ changed since)"
    if load.inputs != inputs:
        return (
            f"{len(inputs - load.inputs)} new or changed and {len(load.inputs - inputs)} gone of the "
            f"{len(load.inputs)} inputs (sha256) run {load.run_id} loaded"
        )
    return None


def record_load(
    con: duckdb.DuckDBPyConnection, source_key: str, inputs: frozenset[Input], fingerprint: str, run_id: str
) -> None:
    """Record that `run_id` loaded `source_key` from `inputs` (replacing its previous record)."""
    load = pl.DataFrame(
        [{"source_key": source_key, "fingerprint": fingerprint, "run_id": run_id, "loaded_at": datetime.now(timezone.utc)}],
        schema={"source_key": pl.Utf8, "fingerprint": pl.Utf8, "run_id": pl.Utf8, "loaded_at": pl.Datetime("us", "UTC")},
    )
    rows = pl.DataFrame(
        [{"source_key": source_key, "dataset": i.dataset, "location": i.location, "sha256": i.sha256} for i in sorted(inputs)],
        schema={"source_key": pl.Utf8, "dataset": pl.Utf8, "location": pl.Utf8, "sha256": pl.Utf8},
    )
    run_script(con, "load/record_source_load.sql", {"incoming_load": load, "incoming_input": rows})


def changed_in_run(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """What run `run_id` loaded anew: its sources, and `target_assessment` when it stored new statuses."""
    return [changed for (changed,) in _rows(con, "load/changed_in_run.sql", {"run_id": run_id})]


def last_loading_run(con: duckdb.DuckDBPyConnection) -> str | None:
    """The run that loaded the newest data in this warehouse (the published run a no-op leaves standing)."""
    rows = _rows(con, "load/last_loading_run.sql")
    return rows[0][0] if rows else None


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> list[tuple]:
    """Plain tuples, not a frame: a no-op refresh asks only these small questions and so never loads
    pyarrow (which turning a result into a polars frame needs)."""
    return con.execute(sql_text(name), params or {}).fetchall()
