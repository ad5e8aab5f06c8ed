"""Turn staged observations into vintages of the core fact table."""

from __future__ import annotations

import duckdb

from indicator_pipeline.warehouse.sql import run_script


def add_vintages(con: duckdb.DuckDBPyConnection) -> int:
    """Add a vintage for each new or changed observation; returns how many were added."""
    before = con.table("core.indicator_value_vintage").shape[0]
    run_script(con, "load/add_vintages.sql")
    return con.table("core.indicator_value_vintage").shape[0] - before
