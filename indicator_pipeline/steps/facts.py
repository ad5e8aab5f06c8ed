"""Turn staged observations into vintages of the core fact table: new and revised values, and
withdrawals of rows the sources no longer send."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from indicator_pipeline.warehouse.sql import run_script


@dataclass(frozen=True)
class VintagesAdded:
    values: int  # new or changed observations
    withdrawals: int  # rows a covering answer no longer sends


def declare_provenance(con: duckdb.DuckDBPyConnection, declared: pl.DataFrame) -> None:
    """Store what the run's replayed snapshot declares about its payloads' figures (indicator_pipeline/
    provenance.py; empty for a live run) in place of the last run's."""
    run_script(con, "load/declare_provenance.sql", {"incoming_provenance": declared})


def add_vintages(con: duckdb.DuckDBPyConnection) -> VintagesAdded:
    """Add a vintage for each new or changed observation, then withdraw what is no longer sent; first, the
    current vintages of a warehouse published before provenance was kept get theirs."""
    run_script(con, "load/backfill_provenance.sql")
    added = []
    for script in ("load/add_vintages.sql", "load/add_withdrawals.sql"):
        before = con.table("core.indicator_value_vintage").shape[0]
        run_script(con, script)
        added.append(con.table("core.indicator_value_vintage").shape[0] - before)
    return VintagesAdded(*added)
