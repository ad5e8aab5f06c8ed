"""The load records a no-op is decided on (indicator_pipeline/changes.py), on an in-memory warehouse."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from indicator_pipeline import changes
from indicator_pipeline.catalog import load_plan
from indicator_pipeline.changes import Input


@pytest.fixture
def con(empty_warehouse):
    return empty_warehouse


def unchanged_since(con, source_key, inputs, fingerprint):
    """The last load of `source_key` if `inputs` under `fingerprint` are no change from it (noop.py's question)."""
    load = changes.last_load(con, source_key)
    return load if changes.change_from(load, inputs, fingerprint) is None else None


def test_the_same_inputs_under_the_same_fingerprint_are_unchanged_and_anything_else_is_a_change(con):
    inputs = frozenset({Input("kolada_values", "https://example.invalid/v3/data", "a" * 64)})
    assert unchanged_since(con, "kolada_values_raw", inputs, "f1") is None, "never loaded: a change"
    changes.record_load(con, "kolada_values_raw", inputs, "f1", "run-1")
    assert unchanged_since(con, "kolada_values_raw", inputs, "f1").run_id == "run-1"
    assert unchanged_since(con, "kolada_values_raw", inputs, "f2") is None, "another fingerprint"
    other = frozenset({Input("kolada_values", "https://example.invalid/v3/data", "b" * 64)})
    assert unchanged_since(con, "kolada_values_raw", other, "f1") is None, "other bytes"
    assert unchanged_since(con, "kolada_values_raw", inputs | other, "f1") is None, "one more payload"
    assert changes.changed_in_run(con, "run-1") == ["kolada_values_raw"]
    assert changes.changed_in_run(con, "run-2") == []


def test_a_source_loaded_from_nothing_is_unchanged_only_while_there_is_still_nothing(con):
    changes.record_load(con, "filedrop_sellable_land", frozenset(), "f", "run-1")
    assert unchanged_since(con, "filedrop_sellable_land", frozenset(), "f") is not None
    arrived = frozenset({Input("filedrop_sellable_land", "sellable_land_2027.xlsx", "c" * 64)})
    assert unchanged_since(con, "filedrop_sellable_land", arrived, "f") is None


def test_the_fingerprint_follows_the_plan_and_the_validation_year():
    plan = load_plan()
    assert changes.fingerprint(plan, date(2026, 11, 20)) == changes.fingerprint(plan, date(2026, 12, 31))
    assert changes.fingerprint(plan, date(2026, 11, 20)) != changes.fingerprint(plan, date(2027, 1, 1))
    other = replace(plan, source_path="", first_year=plan.first_year - 1)
    assert changes.fingerprint(other, date(2026, 11, 20)) != changes.fingerprint(plan, date(2026, 11, 20))


def test_nothing_is_skipped_when_forced_or_recording(tmp_path):
    from indicator_pipeline.settings import Settings

    warehouse = tmp_path / "indicators.duckdb"
    assert Settings(warehouse_path=warehouse, source_mode="replay").skips_unchanged
    assert Settings(warehouse_path=warehouse, source_mode="live").skips_unchanged
    assert not Settings(warehouse_path=warehouse, source_mode="replay", force_refresh=True).skips_unchanged
    # a recording must get every current file drop copied into it, changed or not
    assert not Settings(warehouse_path=warehouse, source_mode="record", snapshot_dir=tmp_path / "s").skips_unchanged


def test_a_change_says_what_changed_since_which_run(con):
    inputs = frozenset({Input("kolada_values", "https://example.invalid/v3/data", "a" * 64)})
    assert changes.change_from(None, inputs, "f1") == "never loaded into this warehouse"
    changes.record_load(con, "kolada_values_raw", inputs, "f1", "run-1")
    load = changes.last_load(con, "kolada_values_raw")
    assert changes.change_from(load, inputs, "f1") is None
    assert "run run-1 loaded it under another fingerprint" in changes.change_from(load, inputs, "f2")
    other = frozenset({Input("kolada_values", "https://example.invalid/v3/data", "b" * 64)})
    assert changes.change_from(load, other, "f1") == "1 new or changed and 1 gone of the 1 inputs (sha256) run run-1 loaded"


def test_a_warehouse_without_load_records_has_no_last_load():
    import duckdb

    with duckdb.connect() as con:  # as published by a version before the load records
        assert changes.last_load(con, "kolada_values_raw") is None
