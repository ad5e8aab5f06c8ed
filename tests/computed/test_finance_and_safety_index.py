"""The plan's own finance measures, their reconciliation with Kolada, and the computed safety index,
run on a real DuckDB with the warehouse's own SQL and the bundled plan's catalogue."""

from __future__ import annotations

import dataclasses
from datetime import date

import duckdb
import polars as pl
import pytest

from indicator_pipeline import quality
from indicator_pipeline.catalog import load_plan
from indicator_pipeline.catalog.model import IndexComponent, IndexMethod
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.steps.facts import add_vintages
from indicator_pipeline.warehouse.models import apply_schema, create_views

RETRIEVED = "2026-03-20T08:00:00+00:00"

STATEMENT_2025 = {
    "tax_revenue": 8225.0,
    "general_grants_equalisation": 2325.0,
    "result": 253.0,
    "exploatering_result": 40.0,
    "items_affecting_comparability": -117.0,
    "extraordinary_items": 0.0,
    "cash_flow_operations": 1131.0,
    "investments": 1450.0,
    "equity": 18444.0,
    "total_assets": 35673.0,
    "pension_obligations_pre1998_contingent": 2180.0,
    "internal_bank_loans_to_group": 10300.0,
}


def _statement_rows(year: int, lines: dict[str, float]) -> list[dict]:
    return [
        {
            "year": year,
            "line_id": line_id,
            "line": line_id,
            "amount_mnkr": amount,
            "preliminary": False,
            "reported_on": None,
            "source_file": "financial_statements_2026.csv",
            "raw_sha256": "a" * 64,
            "retrieved_at": RETRIEVED,
        }
        for line_id, amount in lines.items()
    ]


def _kolada_rows(year: int, values: dict[str, float | None]) -> list[dict]:
    return [
        {
            "kpi_id": kpi,
            "municipality_code": "1283",
            "year": year,
            "gender": "T",
            "value": value,
            "status": "",
            "is_deleted": None,
            "member_count": 1,
            "raw_sha256": "b" * 64,
            "source_url": "https://api.kolada.se/v3/data/kpi/x",
            "retrieved_at": RETRIEVED,
        }
        for kpi, value in values.items()
    ]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    frame = pl.DataFrame(rows, infer_schema_length=None)
    con.register("incoming_rows", frame.to_arrow())
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows")
    con.unregister("incoming_rows")


@pytest.fixture
def warehouse():
    con = duckdb.connect()
    apply_schema(con)
    load_catalogues(con, [load_plan()])
    yield con
    con.close()


def _values(con, indicator_id: str) -> dict[int, float | None]:
    rows = con.execute(
        "SELECT year, value FROM core.fact_indicator_value WHERE indicator_id = ? ORDER BY year", [indicator_id]
    ).fetchall()
    return dict(rows)


def test_finance_measures_follow_the_plan_definitions(warehouse):
    _insert(warehouse, "staging.filedrop_financial_statements", _statement_rows(2025, STATEMENT_2025))
    add_vintages(warehouse)
    # result excl. exploatering, jämförelsestörande and extraordinary items: 253 - 40 - (-117) - 0 = 330
    assert _values(warehouse, "result_adjusted_mnkr") == {2025: 330.0}
    # tax revenue + general grants and equalisation: 8225 + 2325 = 10550
    assert _values(warehouse, "tax_grants_equalisation_mnkr") == {2025: 10550.0}
    # 330 / 10550 × 100 = 3.1279...
    assert _values(warehouse, "result_adjusted_share")[2025] == pytest.approx(3.12796, abs=1e-5)
    # cash flow from operations / investments: 1131 / 1450 × 100 = 78.0
    assert _values(warehouse, "self_financing_city")[2025] == pytest.approx(78.0)
    # (18444 - 2180) / (35673 - 10300) × 100 = 16264 / 25373 × 100 = 64.0996...
    assert _values(warehouse, "soliditet_city")[2025] == pytest.approx(64.09963, abs=1e-5)


def test_a_missing_statement_line_makes_the_measure_missing_not_zero(warehouse):
    lines = {k: v for k, v in STATEMENT_2025.items() if k != "investments"}
    _insert(warehouse, "staging.filedrop_financial_statements", _statement_rows(2025, lines))
    add_vintages(warehouse)
    assert _values(warehouse, "self_financing_city") == {2025: None}
    assert _values(warehouse, "result_adjusted_mnkr") == {2025: 330.0}


# Kolada's 2025 figures beside the statements: N03002 53.55 is Kolada's published soliditet for Helsingborg.
KOLADA_2025 = {"N03102": 2.4, "N03103": 72.4, "N03002": 53.55, "N03010": 53000.0, "N03009": 15000.0, "N01951": 154000.0}


def _reconciled(con, statement: dict[str, float], kolada: dict[str, float]) -> dict[str, dict]:
    """marts.reconciliation for 2025 from one year of statements and Kolada values, by measure."""
    _insert(con, "staging.filedrop_financial_statements", _statement_rows(2025, statement))
    _insert(con, "staging.kolada_values", _kolada_rows(2025, kolada))
    add_vintages(con)
    create_views(con, ["marts.reconciliation"])
    cursor = con.execute("SELECT * FROM marts.reconciliation")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, values)) for values in cursor.fetchall()]
    return {row["indicator_id"]: row for row in rows}


def test_agreements_are_held_to_their_tolerance(warehouse):
    rows = _reconciled(warehouse, STATEMENT_2025, KOLADA_2025)
    # 3.128 - 2.4 = 0.728 <= 1.0: the plan expects agreement, and it holds
    share = rows["result_adjusted_share"]
    assert (share["kind"], share["reason"], share["expected_difference"], share["tolerance"]) == ("agree", None, 0.0, 1.0)
    assert share["difference"] == pytest.approx(0.72796, abs=1e-5)
    assert (share["within_tolerance"], share["within_expectation"], share["finding"]) == (True, True, None)
    # Kolada's tax base: (53000 + 15000) kr/inv × 154000 inhabitants / 1e6 = 10472 mnkr; 10550 - 10472 = 78 <= 150
    base = rows["tax_grants_equalisation_mnkr"]
    assert base["published_value"] == pytest.approx(10472.0) and base["difference"] == pytest.approx(78.0)
    assert (base["kind"], base["within_expectation"]) == ("agree", True)


def test_soliditet_is_a_by_design_comparison_within_its_expected_difference(warehouse):
    rows = _reconciled(warehouse, STATEMENT_2025, KOLADA_2025)
    soliditet = rows["soliditet_city"]
    # 64.0996 - 53.55 = 10.5496: far beyond any agreement, but the plan expects Kolada's ratio to be
    # some 15 points lower: |10.5496 - 15| = 4.4504 <= 5 -> as expected, no finding.
    assert soliditet["difference"] == pytest.approx(10.54963, abs=1e-5)
    assert (soliditet["kind"], soliditet["expected_difference"], soliditet["tolerance"]) == ("by_design", 15.0, 5.0)
    assert soliditet["reason"] == load_plan().indicator("soliditet_city").reconcile_reason
    assert "internal bank" in soliditet["reason"]
    assert (soliditet["within_tolerance"], soliditet["within_expectation"], soliditet["finding"]) == (True, True, None)


def test_a_by_design_difference_far_from_the_expected_one_is_a_finding(warehouse):
    # Kolada's ratio 61.0: 64.0996 - 61.0 = 3.0996, |3.0996 - 15| = 11.9 > 5.
    rows = _reconciled(warehouse, STATEMENT_2025, {**KOLADA_2025, "N03002": 61.0})
    soliditet = rows["soliditet_city"]
    assert (soliditet["within_tolerance"], soliditet["within_expectation"]) == (False, False)
    assert soliditet["finding"] == "soliditet_city 2025: 64.1 - 61.0 = 3.1, expected by design: 15.0 ± 5.0"


def test_a_by_design_comparison_without_an_expected_difference_is_shown_and_never_judged(warehouse):
    plan = load_plan()
    bare = dataclasses.replace(plan.indicator("soliditet_city"), reconcile_expected_difference=None, reconcile_tolerance=None)
    indicators = tuple(bare if i.id == bare.id else i for i in plan.indicators)
    load_catalogues(warehouse, [dataclasses.replace(plan, indicators=indicators)])
    rows = _reconciled(warehouse, STATEMENT_2025, {**KOLADA_2025, "N03002": 20.0})
    soliditet = rows["soliditet_city"]
    assert soliditet["difference"] == pytest.approx(44.09963, abs=1e-5)
    assert (soliditet["kind"], soliditet["expected_difference"], soliditet["tolerance"]) == ("by_design", None, None)
    assert (soliditet["within_tolerance"], soliditet["within_expectation"], soliditet["finding"]) == (None, True, None)


def test_the_check_warns_on_a_statement_typo_not_on_the_by_design_gap(warehouse):
    plan = load_plan()
    parameters = quality.run_parameters(plan, date(2026, 11, 20))
    good = _reconciled(warehouse, STATEMENT_2025, KOLADA_2025)
    assert good["soliditet_city"]["difference"] > 10  # the by-design gap is there ...
    result = quality.validate_frame(warehouse.table("marts.reconciliation").df(), "marts_reconciliation", parameters)
    assert result.success, result.first_failure_line()  # ... and is no warning

    # A typo in the statements: cash flow from operations 11310 instead of 1131. Self-financing is
    # expected to agree with Kolada's N03103 within 10 points: 780.0 - 72.4 = 707.6 -> a warning.
    with duckdb.connect() as typo:
        apply_schema(typo)
        load_catalogues(typo, [plan])
        rows = _reconciled(typo, {**STATEMENT_2025, "cash_flow_operations": 11310.0}, KOLADA_2025)
        assert rows["self_financing_city"]["within_expectation"] is False
        result = quality.validate_frame(typo.table("marts.reconciliation").df(), "marts_reconciliation", parameters)
    assert not result.success
    (failure,) = result.failures
    assert (failure.expectation_type, failure.column, failure.unexpected_count) == ("expect_column_values_to_be_null", "finding", 1)
    assert failure.unexpected_sample == ("self_financing_city 2025: 780.0 - 72.4 = 707.6, expected to agree: 0.0 ± 10.0",)


def _survey_rows(year: int, values: dict[tuple[str, str], float]) -> list[dict]:
    return [
        {
            "year": year,
            "key_figure_id": key_figure,
            "key_figure": key_figure,
            "respondent_group": group,
            "value": value,
            "unit": "percent",
            "preliminary": False,
            "reported_on": None,
            "source_file": "safety_survey_2026.csv",
            "raw_sha256": "c" * 64,
            "retrieved_at": RETRIEVED,
        }
        for (key_figure, group), value in values.items()
    ]


SURVEY_2025 = {
    ("HBG_TRYGG_BOSTADSOMRADE", "invånare"): 70.0,
    ("HBG_TRYGG_CENTRUM", "invånare"): 58.0,
    ("HBG_LAG_ORO_BROTT", "invånare"): 63.0,
    ("HBG_FORETAG_TRYGGHET", "företag"): 64.0,
    ("HBG_FORETAG_EJ_UTSATTA", "företag"): 72.0,
}


def test_safety_index_is_the_weighted_mean_of_its_key_figures(warehouse):
    _insert(warehouse, "staging.filedrop_safety_survey", _survey_rows(2025, SURVEY_2025))
    _insert(warehouse, "staging.kolada_values", _kolada_rows(2025, {"N07609": 71.0}))
    add_vintages(warehouse)
    # equal weights: (70 + 58 + 63 + 64 + 72 + 71) / 6 = 398 / 6 = 66.333...
    assert _values(warehouse, "safety_index")[2025] == pytest.approx(66.33333, abs=1e-5)
    status, preliminary = warehouse.execute(
        "SELECT source_status, preliminary FROM core.fact_indicator_value WHERE indicator_id = 'safety_index'"
    ).fetchone()
    assert status == "6 of 6 components, 100 % of the weight" and preliminary is False
    create_views(warehouse, ["marts.index_inputs"])
    inputs = warehouse.execute(
        "SELECT component_indicator_id, value, weight FROM marts.index_inputs WHERE year = 2025 ORDER BY 1"
    ).fetchall()
    assert len(inputs) == 6 and ("ntu_safe_late_evening", 71.0, 1.0) in inputs


def test_safety_index_needs_its_minimum_coverage(warehouse):
    # NTU missing: 5 of 6 equal weights = 83 % >= 80 %: computed from the five, flagged preliminary.
    _insert(warehouse, "staging.filedrop_safety_survey", _survey_rows(2025, SURVEY_2025))
    # 2024 with only three of six components (50 %): no index value, never a partial mean.
    partial = dict(list(SURVEY_2025.items())[:3])
    _insert(warehouse, "staging.filedrop_safety_survey", _survey_rows(2024, partial))
    add_vintages(warehouse)
    values = _values(warehouse, "safety_index")
    assert values[2025] == pytest.approx((70 + 58 + 63 + 64 + 72) / 5)
    assert values[2024] is None
    flags = dict(
        warehouse.execute(
            "SELECT year, preliminary FROM core.fact_indicator_value WHERE indicator_id = 'safety_index'"
        ).fetchall()
    )
    assert flags == {2024: True, 2025: True}


def test_a_lower_is_better_component_is_turned_around():
    plan = load_plan()
    index = plan.indicator("safety_index")
    method = dataclasses.replace(
        index.method,
        components=(IndexComponent("ntu_safe_late_evening", 1.0, "lower"),),
        min_coverage=1.0,
    )
    assert isinstance(method, IndexMethod)
    indicators = tuple(dataclasses.replace(i, method=method) if i.id == "safety_index" else i for i in plan.indicators)
    con = duckdb.connect()
    apply_schema(con)
    load_catalogues(con, [dataclasses.replace(plan, indicators=indicators)])
    _insert(con, "staging.kolada_values", _kolada_rows(2025, {"N07609": 30.0}))
    add_vintages(con)
    # a share of people feeling unsafe of 30 % scores 100 - 30 = 70
    assert _values(con, "safety_index") == {2025: 70.0}


def test_unchanged_index_inputs_in_another_row_order_add_no_vintage(warehouse):
    # Re-running on unchanged inputs must add nothing. The index is a floating-point mean, so it must not
    # depend on the order the component rows arrive in (e.g. the 2021 survey figures of the bundled drop:
    # a sum in another order differs in the last bit, 65.13333333333333 vs 65.13333333333334, and that
    # was stored as a revision).
    survey_2021 = {
        ("HBG_TRYGG_BOSTADSOMRADE", "invånare"): 68.2,
        ("HBG_TRYGG_CENTRUM", "invånare"): 55.1,
        ("HBG_LAG_ORO_BROTT", "invånare"): 61.0,
        ("HBG_FORETAG_TRYGGHET", "företag"): 61.3,
        ("HBG_FORETAG_EJ_UTSATTA", "företag"): 72.8,
    }
    rows = _survey_rows(2021, survey_2021)
    _insert(warehouse, "staging.filedrop_safety_survey", rows)
    _insert(warehouse, "staging.kolada_values", _kolada_rows(2021, {"N07609": 72.4}))
    add_vintages(warehouse)
    first = _values(warehouse, "safety_index")[2021]
    for order in (list(reversed(rows)), rows[2:] + rows[:2], rows[1::2] + rows[::2]):
        warehouse.execute("DELETE FROM staging.filedrop_safety_survey")
        _insert(warehouse, "staging.filedrop_safety_survey", order)
        add_vintages(warehouse)
        assert _values(warehouse, "safety_index")[2021] == first
    vintages = warehouse.execute(
        "SELECT value FROM core.indicator_value_vintage WHERE indicator_id = 'safety_index' AND year = 2021"
    ).fetchall()
    assert vintages == [(first,)], vintages
