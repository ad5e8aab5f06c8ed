"""Each suite: a good frame passes; each kind of bad frame fails for the right expectation and values."""

from __future__ import annotations

from datetime import date

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import quality_frames as frames
from quality_frames import assert_fails

from indicator_pipeline import quality


def validate(frame, suite, params):
    return quality.validate_frame(frame, suite, params)


# ---------------------------------------------------------------------------------------------- good


@pytest.mark.parametrize(
    "suite, build",
    [
        ("staging_kolada_values", frames.kolada_values),
        ("staging_kolada_kpi", frames.kolada_kpi),
        ("core_fact_indicator_value", frames.fact),
        ("staging_scb_values", frames.scb_values),
        ("staging_filedrop_self_build_plots", lambda plan: frames.self_build_plots()),
        ("staging_filedrop_self_build_plots", lambda plan: frames.self_build_plots().iloc[0:0]),  # no file yet
        ("staging_filedrop_financial_statements", lambda plan: frames.financial_statements()),
    ],
)
def test_good_frame_passes(suite, build, plan, params):
    result = validate(build(plan), suite, params)
    assert result.success, quality.render_markdown(result)
    assert result.statistics["unsuccessful_expectations"] == 0
    assert result.statistics["evaluated_expectations"] == len(quality.load_suite(suite)["expectations"])


def test_every_suite_file_loads_and_names_itself_after_its_file():
    for path in sorted(quality.EXPECTATIONS_DIR.glob("*.json")):
        suite = quality.load_suite(path)
        assert suite["name"] == path.stem
        assert all({"type", "kwargs"} <= set(e) for e in suite["expectations"]), path


# ---------------------------------------------------------------------------------------- row conditions


def test_row_conditions_are_condition_objects_not_pandas_strings():
    """GX 1.9+ deprecates string row conditions with condition_parser; every suite uses condition objects."""
    conditions = [
        (path.name, e["kwargs"]["row_condition"])
        for path in sorted(quality.EXPECTATIONS_DIR.glob("*.json"))
        for e in quality.load_suite(path)["expectations"]
        if "row_condition" in e["kwargs"]
    ]
    assert conditions, "no suite has a row condition"
    for name, condition in conditions:
        assert isinstance(condition, dict) and condition.get("type") in ("comparison", "nullity", "and", "or"), (name, condition)
    assert not any("condition_parser" in path.read_text(encoding="utf-8") for path in quality.EXPECTATIONS_DIR.glob("*.json"))


def test_a_suite_with_a_pandas_string_row_condition_is_refused(tmp_path, plan, params):
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps({"name": "legacy", "expectations": [
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "value", "min_value": 0, "row_condition": 'unit == "persons"', "condition_parser": "pandas"}},
    ]}), encoding="utf-8")
    result = validate(frames.kolada_values(plan), path, params)
    assert not result.success and "condition object" in result.error


def test_validating_every_suite_raises_no_warning(plan, params):
    """No deprecation wall: the quality gate itself is silent, whatever the warning filters say."""
    quality._import_gx()  # importing GX is not what is measured here
    builds = {
        "staging_kolada_values": frames.kolada_values(plan),
        "staging_kolada_kpi": frames.kolada_kpi(plan),
        "staging_scb_values": frames.scb_values(plan),
        "core_fact_indicator_value": frames.fact(plan),
        "staging_filedrop_financial_statements": frames.financial_statements(),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [validate(frame, suite, params) for suite, frame in builds.items()]
    assert all(r.success for r in results), [r.first_failure_line() for r in results if not r.success]
    assert [f"{w.category.__name__}: {w.message}" for w in caught] == []


def test_comparison_row_condition_filters_rows(plan, params):
    """`unit == "index 0-100"`: 250 in an index row fails; 250 in a row of another unit (persons) is not checked."""
    good = frames.kolada_values(plan)
    inside = validate(_set(good, (good.kpi_id == "U07453") & (good.year == 2024), "value", 250.0), "staging_kolada_values", params)
    outcome = assert_fails(inside, "expect_column_values_to_be_between", "value", 250.0)
    assert outcome.kwargs["row_condition"]["parameter"] == "index 0-100"
    outside = validate(_set(good, (good.kpi_id == "N01951") & (good.year == 2024), "value", 250.0), "staging_kolada_values", params)
    assert outside.success, outside.first_failure_line()


def test_in_row_condition_filters_rows(params):
    """`line_id IN [tax_revenue, ...]` must be >= 0: a negative tax revenue fails; a negative result (a loss) passes."""
    good = frames.financial_statements()
    revenue = validate(_set(good, (good.line_id == "tax_revenue") & (good.year == 2024), "amount_mnkr", -8225.0),
                       "staging_filedrop_financial_statements", params)
    assert_fails(revenue, "expect_column_values_to_be_between", "amount_mnkr", -8225.0)
    loss = validate(_set(good, (good.line_id == "result") & (good.year == 2024), "amount_mnkr", -350.0),
                    "staging_filedrop_financial_statements", params)
    assert loss.success, loss.first_failure_line()


def test_nullity_row_condition_filters_rows(plan, params):
    """`status IS NULL` rows need a value: a missing value with SCB's status symbol passes, one without fails."""
    good = frames.scb_values(plan)
    with_symbol = _set(_set(good, good.index == 3, "value", np.nan), good.index == 3, "status", "..")
    assert validate(with_symbol, "staging_scb_values", params).success
    without_symbol = _set(good, good.index == 3, "value", np.nan)
    outcome = assert_fails(validate(without_symbol, "staging_scb_values", params), "expect_column_values_to_not_be_null", "value")
    assert outcome.unexpected_count == 1


# ------------------------------------------------------------------------------ staging.kolada_values


def _kv(plan, change):
    frame = frames.kolada_values(plan)
    return change(frame) if change else frame


def _set(frame, mask, column, value):
    frame = frame.copy()
    frame.loc[mask, column] = value
    return frame


KOLADA_CASES = {
    "missing column": (lambda f: f.drop(columns=["gender"]), "expect_table_columns_to_match_set", None, "missing gender"),
    "wrong type": (lambda f: f.assign(year=f["year"].astype("float64")), "expect_column_values_to_be_in_type_list", "year", None),
    "null kpi_id": (lambda f: _set(f, f.index == 5, "kpi_id", None), "expect_column_values_to_not_be_null", "kpi_id", None),
    "NKI 250": (lambda f: _set(f, (f.kpi_id == "U07453") & (f.year == 2025), "value", 250.0),
                "expect_column_values_to_be_between", "value", 250.0),
    "negative count": (lambda f: _set(f, (f.kpi_id == "N01951") & (f.year == 2020), "value", -5.0),
                       "expect_column_values_to_be_between", "value", -5.0),
    "year 1850": (lambda f: _set(f, f.index == 7, "year", 1850), "expect_column_values_to_be_between", "year", 1850),
    "duplicated key": (lambda f: pd.concat([f, f.iloc[[10]]], ignore_index=True), "expect_compound_columns_to_be_unique",
                       "municipality_code,kpi_id,year,gender", None),
    "KPI not in plan": (lambda f: _set(f, f.index == 0, "kpi_id", "X99999"), "expect_column_values_to_be_in_set", "kpi_id", "X99999"),
    "missing required KPI": (lambda f: f[f.kpi_id != "U07453"], "expect_column_distinct_values_to_contain_set", "kpi_id", "missing U07453"),
    "other municipality": (lambda f: _set(f, f.index == 0, "municipality_code", "0180"), "expect_column_values_to_be_in_set",
                           "municipality_code", "0180"),
    "too few rows": (lambda f: f.head(10), "expect_table_row_count_to_be_between", None, 10),
}


@pytest.mark.parametrize("case", list(KOLADA_CASES))
def test_kolada_values_bad_frame_fails_for_the_right_reason(case, plan, params):
    change, expectation, column, sample = KOLADA_CASES[case]
    result = validate(_kv(plan, change), "staging_kolada_values", params)
    outcome = assert_fails(result, expectation, column, sample)
    if case == "NKI 250":
        assert outcome.unexpected_count == 1 and len(result.failures) == 1  # only the index range, nothing else
    if case == "duplicated key":
        assert outcome.unexpected_count == 2


def test_kolada_values_nki_range_comes_from_the_catalogue_unit(plan, params):
    """250 is fine for a count (population), not for an index: the range is per catalogue unit."""
    frame = _set(frames.kolada_values(plan), (frames.kolada_values(plan).kpi_id == "N01951"), "value", 250.0)
    assert validate(frame, "staging_kolada_values", params).success


def test_kolada_values_null_value_is_allowed(plan, params):
    frame = _set(frames.kolada_values(plan), slice(None), "value", np.nan)
    assert validate(frame, "staging_kolada_values", params).success


def test_kolada_values_stale_latest_year_fails_against_the_pinned_as_of(plan):
    frame = frames.kolada_values(plan)  # latest year 2025; max_age_years 2
    assert validate(frame, "staging_kolada_values", quality.run_parameters(plan, date(2027, 12, 31))).success
    stale = quality.run_parameters(plan, date(2028, 1, 1))
    result = validate(frame, "staging_kolada_values", stale)
    outcome = assert_fails(result, "expect_column_max_to_be_between", "year", 2025)
    assert outcome.kwargs["min_value"] == 2026


def test_a_year_after_the_as_of_year_is_implausible(plan):
    frame = frames.kolada_values(plan)
    result = validate(frame, "staging_kolada_values", quality.run_parameters(plan, date(2024, 6, 1)))
    assert_fails(result, "expect_column_values_to_be_between", "year", 2025)


# ------------------------------------------------------------------------------- staging.kolada_kpi


KPI_CASES = {
    "duplicate kpi": (lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True), "expect_column_values_to_be_unique", "kpi_id", None),
    "kpi not in plan": (lambda f: _set(f, f.index == 0, "kpi_id", "X99999"), "expect_column_values_to_be_in_set", "kpi_id", "X99999"),
    "missing kpi": (lambda f: f[f.kpi_id != "N03002"], "expect_column_distinct_values_to_contain_set", "kpi_id", "missing N03002"),
    "null title": (lambda f: _set(f, f.index == 1, "title", None), "expect_column_values_to_not_be_null", "title", None),
    "too few rows": (lambda f: f.head(3), "expect_table_row_count_to_equal", None, 3),
}


@pytest.mark.parametrize("case", list(KPI_CASES))
def test_kolada_kpi_bad_frame_fails_for_the_right_reason(case, plan, params):
    change, expectation, column, sample = KPI_CASES[case]
    assert_fails(validate(change(frames.kolada_kpi(plan)), "staging_kolada_kpi", params), expectation, column, sample)


# ------------------------------------------------------------------------- core.fact_indicator_value


FACT_CASES = {
    "missing column": (lambda f: f.drop(columns=["unit"]), "expect_table_columns_to_match_set", None, "missing unit"),
    "wrong type": (lambda f: f.assign(value=f["value"].astype(str)), "expect_column_values_to_be_in_type_list", "value", None),
    "null unit": (lambda f: _set(f, f.index == 2, "unit", None), "expect_column_values_to_not_be_null", "unit", None),
    "NKI 250": (lambda f: _set(f, (f.indicator_id == "nki_total") & (f.year == 2025), "value", 250.0),
                "expect_column_values_to_be_between", "value", 250.0),
    "negative persons": (lambda f: _set(f, (f.indicator_id == "population") & (f.year == 2019), "value", -1.0),
                         "expect_column_values_to_be_between", "value", -1.0),
    "year 1850": (lambda f: _set(f, f.index == 4, "year", 1850), "expect_column_values_to_be_between", "year", 1850),
    "duplicated key": (lambda f: pd.concat([f, f.iloc[[20]]], ignore_index=True), "expect_compound_columns_to_be_unique",
                       "municipality_code,indicator_id,year", None),
    "indicator not in plan": (lambda f: _set(f, f.index == 0, "indicator_id", "made_up"), "expect_column_values_to_be_in_set",
                              "indicator_id", "made_up"),
    "missing required indicator": (lambda f: f[f.indicator_id != "smallhouse_starts"], "expect_column_distinct_values_to_contain_set",
                                   "indicator_id", "missing smallhouse_starts"),
    "too few rows": (lambda f: f.head(5), "expect_table_row_count_to_be_between", None, 5),
}


@pytest.mark.parametrize("case", list(FACT_CASES))
def test_fact_bad_frame_fails_for_the_right_reason(case, plan, params):
    change, expectation, column, sample = FACT_CASES[case]
    assert_fails(validate(change(frames.fact(plan)), "core_fact_indicator_value", params), expectation, column, sample)


def test_fact_stale_latest_year_fails(plan):
    result = validate(frames.fact(plan), "core_fact_indicator_value", quality.run_parameters(plan, date(2030, 3, 1)))
    assert_fails(result, "expect_column_max_to_be_between", "year", 2025)


# ------------------------------------------------------------------------ SCB and file-drop staging


def test_scb_values_bad_frames_fail(plan, params):
    good = frames.scb_values(plan)
    assert_fails(validate(_set(good, good.index == 0, "value", -3.0), "staging_scb_values", params),
                 "expect_column_values_to_be_between", "value", -3.0)
    assert_fails(validate(_set(good, good.index == 0, "period", "2025Q1"), "staging_scb_values", params),
                 "expect_column_values_to_match_regex", "period", "2025Q1")
    assert_fails(validate(pd.concat([good, good.iloc[[1]]], ignore_index=True), "staging_scb_values", params),
                 "expect_compound_columns_to_be_unique", "table_id,region,selection_key,period")


def test_self_build_plots_bad_frames_fail(params):
    good = frames.self_build_plots()
    assert_fails(validate(_set(good, good.index == 0, "self_build_starts", -1), "staging_filedrop_self_build_plots", params),
                 "expect_column_values_to_be_between", "self_build_starts", -1)
    assert_fails(validate(_set(good, good.index == 1, "year", 2022), "staging_filedrop_self_build_plots", params),
                 "expect_column_values_to_be_unique", "year", 2022)
