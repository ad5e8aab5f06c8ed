"""A warehouse published before the time model gets its new columns when the next refresh opens it
(sql/ddl/31_migrate_time_model.sql): old vintages count from their retrieval time, whole, not withdrawn."""

from __future__ import annotations

import duckdb

from indicator_pipeline.warehouse.sql import apply_schema

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
        row = con.execute(
            "SELECT observed_at = retrieved_at, complete, withdrawn FROM core.indicator_value_vintage"
        ).fetchone()
        assert row == (True, True, False)
        assert con.execute("SELECT count(*) FROM core.fact_indicator_value").fetchone() == (0,)  # not in any catalogue yet
