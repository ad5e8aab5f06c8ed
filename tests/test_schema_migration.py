"""A warehouse published before columns were added is brought up to date by the schema itself
(the upgrade statements after each CREATE TABLE in sql/tables/), keeping its rows, with the columns in the order a new warehouse has them:
core.dim_indicator's reconciliation kinds, time-model fields and the plan's formulas and file-drop columns, and the time model's vintages (old
vintages count from their retrieval time, whole, not withdrawn)."""

from __future__ import annotations

import re

import duckdb

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.warehouse.models import apply_schema
from indicator_pipeline.warehouse.sql import sql_text

DIM_INDICATOR = "tables/core/dim_indicator.sql"


def added_columns() -> list[str]:
    """The core.dim_indicator columns the upgrade statements add, in the order they run."""
    return re.findall(r"ALTER TABLE core\.dim_indicator ADD COLUMN IF NOT EXISTS (\w+)", sql_text(DIM_INDICATOR))


def columns(con, table: str = "dim_indicator") -> list[str]:
    return [name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'core' AND table_name = ? "
        "ORDER BY ordinal_position", [table]
    ).fetchall()]


def old_warehouse() -> duckdb.DuckDBPyConnection:
    """core.dim_indicator as it was before the migration's columns existed, with a published row."""
    new = set(added_columns())
    old_ddl = "\n".join(
        line for line in sql_text(DIM_INDICATOR).partition("\n);")[0].splitlines()  # the CREATE TABLE
        if line.split()[:1] == [] or line.split()[0] not in new
    ) + "\n);"
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute(old_ddl)
    con.execute(
        "INSERT INTO core.dim_indicator (plan_id, indicator_id, title, unit, decimals, direction, source, "
        "reconcile_with, reconcile_tolerance) VALUES (?, 'soliditet_city', 'Soliditet', 'percent', 1, 'higher', "
        "'computed', 'soliditet_incl_pensions', 2.0)",
        [load_plan().id],
    )
    return con


def test_the_migration_adds_every_new_column_after_reconcile_tolerance():
    assert added_columns() == [
        "reconcile_kind", "reconcile_reason", "reconcile_expected_difference",
        "year_from_periods", "preliminary_periods", "publication_lag_days",
        "formula", "formula_inputs", "value_column", "year_from_rows",
    ]
    with duckdb.connect() as fresh:
        apply_schema(fresh)
        fresh_columns = columns(fresh)
    after = fresh_columns[fresh_columns.index("reconcile_tolerance") + 1 :]
    assert after == added_columns()  # the new columns directly follow reconcile_tolerance in the CREATE


def test_an_old_warehouse_gets_the_columns_and_keeps_its_rows():
    con = old_warehouse()
    assert not set(added_columns()) & set(columns(con))
    with duckdb.connect() as fresh:
        apply_schema(fresh)
        fresh_columns = columns(fresh)

    apply_schema(con)
    apply_schema(con)  # and again: a migrated warehouse is left as it is

    assert columns(con) == fresh_columns
    assert con.execute(
        "SELECT indicator_id, reconcile_tolerance, reconcile_kind FROM core.dim_indicator"
    ).fetchall() == [("soliditet_city", 2.0, None)]
    # The next refresh replaces the plan's catalogue in it, and the reconciliation mart reads it.
    load_catalogues(con, [load_plan()])
    assert con.execute(
        "SELECT reconcile_kind, reconcile_expected_difference FROM core.dim_indicator WHERE indicator_id = 'soliditet_city'"
    ).fetchone() == ("by_design", 15.0)
    assert con.execute("SELECT count(*) FROM marts.reconciliation").fetchone() == (0,)  # no facts yet, but it runs
    con.close()


NEW_VINTAGE_COLUMNS = ("observed_at", "complete", "withdrawn")


def test_old_vintages_get_observed_at_complete_and_withdrawn():
    with duckdb.connect() as con:
        apply_schema(con)
        con.execute(
            "INSERT INTO core.indicator_value_vintage (municipality_code, indicator_id, year, value, unit, preliminary,"
            " source, retrieved_at, raw_sha256, loaded_at) VALUES"
            " ('1283', 'nki_total', 2024, 74.6, 'index 0-100', false, 'kolada', TIMESTAMPTZ '2025-05-01 03:00:00+00', 'sha', now())"
        )
        for column in NEW_VINTAGE_COLUMNS:  # the table as an older version created it
            con.execute(f"ALTER TABLE core.indicator_value_vintage DROP COLUMN {column}")
        apply_schema(con)
        row = con.execute("SELECT observed_at = retrieved_at, complete, withdrawn FROM core.indicator_value_vintage").fetchone()
        assert row == (True, True, False)
        assert con.execute("SELECT count(*) FROM core.fact_indicator_value").fetchone() == (0,)  # not in any catalogue yet
