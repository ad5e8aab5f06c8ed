"""The generated asset checks: registry coverage, and a validator that cannot run fails (never passes)."""

from __future__ import annotations

import json

import duckdb
from dagster import AssetCheckSeverity, asset, materialize

from assets.checks import QUALITY_REGISTRY, SuiteBinding, build_check, check_result, quality_checks, validate_binding
from assets.resources import PipelineResource
from indicator_pipeline import quality
from indicator_pipeline.warehouse.sql import object_files
from quality_frames import AS_OF


def test_every_suite_has_one_registry_entry_and_every_entry_a_suite_and_a_table():
    suites = {p.stem for p in quality.EXPECTATIONS_DIR.glob("*.json")}
    assert sorted(b.suite for b in QUALITY_REGISTRY) == sorted(suites)
    objects = {*object_files("tables"), *object_files("models")}
    for binding in QUALITY_REGISTRY:
        assert binding.table in objects, binding.table
    assert len(quality_checks) == len(QUALITY_REGISTRY)


def test_checks_on_data_that_feeds_the_published_warehouse_are_blocking():
    blocking = {b.table for b in QUALITY_REGISTRY if b.blocking}
    assert {
        "staging.kolada_values",
        "staging.kolada_kpi",
        "staging.scb_values",
        "staging.filedrop_safety_survey",
        "staging.filedrop_financial_statements",
        "core.fact_indicator_value",
    } <= blocking
    for check in quality_checks:
        (spec,) = check.check_specs
        binding = next(b for b in QUALITY_REGISTRY if b.check_name == spec.name)
        assert spec.blocking == binding.blocking


def test_missing_suite_file_fails(plan, params):
    result = quality.validate_frame(None, "does_not_exist", params)
    assert not result.success and "does_not_exist.json" in result.error
    assert result.failures[0].expectation_type == quality.VALIDATOR


def test_unknown_expectation_type_fails(tmp_path, plan, params):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"name": "broken", "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "kpi_id"}},
        {"type": "expect_values_to_be_lovely", "kwargs": {"column": "kpi_id"}},
    ]}), encoding="utf-8")
    import quality_frames as frames

    result = quality.validate_frame(frames.kolada_kpi(plan), path, params)
    assert not result.success
    assert "expect_values_to_be_lovely" in result.error
    assert "FAILED" in quality.render_markdown(result)


def test_empty_suite_and_missing_parameter_fail(tmp_path, plan):
    import quality_frames as frames

    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"name": "empty", "expectations": []}), encoding="utf-8")
    assert not quality.validate_frame(frames.kolada_kpi(plan), empty, {}).success
    # kolada_kpi_ids not supplied: the expectation cannot be evaluated, so the suite fails
    result = quality.validate_frame(frames.kolada_kpi(plan), "staging_kolada_kpi", {})
    assert not result.success


def test_a_polars_frame_is_converted_not_rejected(plan, params):
    import polars as pl
    import quality_frames as frames

    assert quality.validate_frame(pl.from_pandas(frames.kolada_kpi(plan)), "staging_kolada_kpi", params).success


def test_binding_to_a_missing_table_fails(plan):
    with duckdb.connect(":memory:") as con:
        result = validate_binding(SuiteBinding("staging_kolada_kpi", "staging.nope"), con, plan, AS_OF)
    assert not result.success and "staging.nope" in result.error
    assert check_result(SuiteBinding("x", "s.t"), result).severity == AssetCheckSeverity.ERROR
    assert check_result(SuiteBinding("x", "s.t", blocking=False), result).severity == AssetCheckSeverity.WARN


def test_dagster_check_whose_validator_cannot_run_fails_and_records_it(tmp_path):
    """The generated check, run by Dagster, on a suite with an unknown expectation type."""
    suite = tmp_path / "unknown_type.json"
    suite.write_text(json.dumps({"name": "unknown_type", "expectations": [{"type": "expect_nonsense", "kwargs": {}}]}), encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"

    @asset(key=["staging", "kolada_kpi"])
    def fake_staging():
        return None

    check = build_check(SuiteBinding(str(suite), "staging.kolada_kpi"))
    result = materialize(
        [fake_staging, check],
        resources={"pipeline": PipelineResource(warehouse_path=str(warehouse), as_of=AS_OF.isoformat())},
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed is False
    assert evaluation.severity == AssetCheckSeverity.ERROR
    assert "expect_nonsense" in evaluation.metadata["first_failure"].value
    work = next((tmp_path / ".work").glob("*.duckdb"))
    with duckdb.connect(str(work), read_only=True) as con:
        rows = con.execute("SELECT suite, expectation_type, success, error FROM meta.validation_result").fetchall()
    assert rows and rows[0][:3] == ("unknown_type", quality.VALIDATOR, False) and "expect_nonsense" in rows[0][3]
