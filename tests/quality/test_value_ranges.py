"""Value ranges hold for every Swedish municipality's real values and still stop garbage.

Each case goes through the real check code (assets/checks.py `validate_binding`: the table read out of
DuckDB, the check's own `prepare`, the suite from expectations/, the run parameters) for the same plan
pointed at the municipality the value belongs to.

Real figures (Kolada v3, gender T, as recorded in the project's reference notes): N03002 soliditet incl.
pensions, Laxå (1860) 2015: -74.1 and Burlöv (1231) 2021: 75.0. The other extremes are real in shape (a
negative N03009 where a municipality pays more into equalisation than it receives, as Danderyd (0162)
does; a loss year; self-financing far above 100 or below 0), their sizes illustrative.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd
import pytest
import quality_frames as frames
from quality_frames import AS_OF, assert_fails

from assets.checks import QUALITY_REGISTRY, validate_binding
from indicator_pipeline import quality

KOLADA = next(b for b in QUALITY_REGISTRY if b.suite == "staging_kolada_values")
FACT = next(b for b in QUALITY_REGISTRY if b.suite == "core_fact_indicator_value")
LAXA, BURLOV, DANDERYD, HELSINGBORG = "1860", "1231", "0162", "1283"


def _check(binding, frame: pd.DataFrame, plan) -> quality.ValidationOutcome:
    """Write `frame` as the binding's table in a fresh DuckDB and run the binding's check on it."""
    schema, _ = binding.table.split(".")
    with duckdb.connect(":memory:") as con:
        con.execute(f"CREATE SCHEMA {schema}")
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {binding.table} AS SELECT * FROM frame")
        return validate_binding(binding, con, plan, AS_OF)


def _kolada(plan, municipality: str, kpi: str, year: int, value: float):
    """The plan's Kolada values for `municipality`, with one KPI-year set to `value` (as stored: no unit column)."""
    local = replace(plan, municipality_code=municipality)
    frame = frames.kolada_values(local).drop(columns=["unit"]).assign(municipality_code=municipality)
    frame.loc[(frame.kpi_id == kpi) & (frame.year == year), "value"] = value
    assert ((frame.kpi_id == kpi) & (frame.year == year)).sum() == 1
    return _check(KOLADA, frame, local)


COMPUTED = {"soliditet_city": 45.0, "result_adjusted_share": 2.5, "self_financing_city": 80.0, "safety_index": 66.0,
            "result_adjusted_mnkr": 250.0, "tax_grants_equalisation_mnkr": 10500.0}


def _fact(plan, municipality: str, indicator: str, year: int, value: float):
    """The fact table for `municipality` (API indicators plus computed ones), one indicator-year set to `value`."""
    local = replace(plan, municipality_code=municipality)
    frame = frames.fact(local).drop(columns=["measure"])
    computed = [
        {**frame.iloc[0].to_dict(), "indicator_id": i.id, "year": year_, "value": COMPUTED[i.id], "unit": i.unit,
         "source": i.source, "source_id": i.source_id}
        for i in plan.indicators if i.id in COMPUTED for year_ in (2023, 2024, 2025)
    ]
    frame = pd.concat([frame, pd.DataFrame(computed).astype(frame.dtypes.to_dict())], ignore_index=True)
    frame["municipality_code"] = municipality
    frame.loc[(frame.indicator_id == indicator) & (frame.year == year), "value"] = value
    assert ((frame.indicator_id == indicator) & (frame.year == year)).sum() == 1
    return _check(FACT, frame, local)


# ------------------------------------------------------------------------------------------ real values pass

REAL_KOLADA = {
    "Laxå soliditet -74.1": (LAXA, "N03002", 2015, -74.1),
    "Burlöv soliditet 75.0": (BURLOV, "N03002", 2021, 75.0),
    "negative general grants and equalisation": (DANDERYD, "N03009", 2024, -10500.0),
    "a loss year": (LAXA, "N03102", 2016, -9.6),
    "a loss before extraordinary items": (LAXA, "N03001", 2016, -9.9),
    "self-financing far above 100": (DANDERYD, "N03103", 2020, 640.0),
    "self-financing below 0": (LAXA, "N03103", 2015, -35.0),
    "an index at its bounds": (HELSINGBORG, "U07453", 2025, 100.0),
    "a share at 0": (HELSINGBORG, "N07609", 2024, 0.0),
}


REAL_FACT = {
    "Laxå soliditet -74.1": (LAXA, "soliditet_incl_pensions", 2015, -74.1),
    "negative general grants and equalisation": (DANDERYD, "general_grants_per_inhabitant", 2024, -10500.0),
    "the city's own soliditet, negative": (LAXA, "soliditet_city", 2024, -60.0),
    "the city's own result share, a loss year": (LAXA, "result_adjusted_share", 2024, -9.6),
    "the city's own self-financing far above 100": (DANDERYD, "self_financing_city", 2025, 640.0),
    "a loss in mnkr": (LAXA, "result_adjusted_mnkr", 2024, -55.0),
}


@pytest.mark.parametrize("table, case", [("kolada", c) for c in REAL_KOLADA] + [("fact", c) for c in REAL_FACT])
def test_real_extremes_pass(table, case, plan):
    build, cases = {"kolada": (_kolada, REAL_KOLADA), "fact": (_fact, REAL_FACT)}[table]
    result = build(plan, *cases[case])
    assert result.success, result.first_failure_line()


def test_statements_of_a_municipality_that_pays_into_equalisation_pass_and_negative_revenue_fails(plan):
    statements = next(b for b in QUALITY_REGISTRY if b.suite == "staging_filedrop_financial_statements")
    good = frames.financial_statements()
    payer = good.assign(amount_mnkr=good.amount_mnkr.where(good.line_id != "general_grants_equalisation", -480.0))
    result = _check(statements, payer, replace(plan, municipality_code=DANDERYD))
    assert result.success, result.first_failure_line()
    garbage = good.assign(amount_mnkr=good.amount_mnkr.where(good.line_id != "total_assets", -35673.0))
    assert_fails(_check(statements, garbage, plan), "expect_column_values_to_be_between", "amount_mnkr", -35673.0)


# ------------------------------------------------------------------------------------------ garbage fails

GARBAGE_KOLADA = {
    "negative population": ("N01951", 2020, -5.0),
    "an index of 250": ("U07453", 2025, 250.0),
    "a share of 250": ("N00610", 2024, 250.0),  # passed the old percent range of -100 to 500
    "a negative share": ("N00611", 2024, -3.0),
    "soliditet above 100": ("N03002", 2023, 101.0),
    "soliditet as a fraction times 100 twice": ("N03002", 2023, -4930.0),
    "a result beyond the whole revenue": ("N03102", 2023, -150.0),
    "negative tax revenue": ("N03010", 2023, -45000.0),
    "a total in kronor for kr per inhabitant": ("N03009", 2023, 2.3e9),
    "self-financing as an amount in kronor": ("N03103", 2023, 1.2e6),
}


GARBAGE_FACT = {
    "negative population": ("population", 2019, -1.0),
    "an index of 250": ("safety_index", 2024, 250.0),
    "a share of 250": ("safe_outdoors_dark", 2024, 250.0),
    "the city's own soliditet above 100": ("soliditet_city", 2024, 6400.0),
    "the city's own result share beyond the revenue": ("result_adjusted_share", 2024, 250.0),
    "negative tax revenue per inhabitant": ("tax_revenue_per_inhabitant", 2023, -45000.0),
    "negative dwellings": ("smallhouse_starts", 2023, -12.0),
}


@pytest.mark.parametrize("table, case", [("kolada", c) for c in GARBAGE_KOLADA] + [("fact", c) for c in GARBAGE_FACT])
def test_garbage_fails_its_range(table, case, plan):
    """Only the range fails, and only for the one bad value."""
    build, cases = {"kolada": (_kolada, GARBAGE_KOLADA), "fact": (_fact, GARBAGE_FACT)}[table]
    key, year, value = cases[case]
    result = build(plan, HELSINGBORG, key, year, value)
    outcome = assert_fails(result, "expect_column_values_to_be_between", "value", value)
    assert outcome.unexpected_count == 1 and len(result.failures) == 1, result.first_failure_line()


# --------------------------------------------------------------------------- every indicator has its range


def _value_ranges(suite: str) -> list[dict]:
    return [e for e in quality.load_suite(suite)["expectations"]
            if e["type"] == "expect_column_values_to_be_between" and e["kwargs"].get("column") == "value"]


def _selected(frame: pd.DataFrame, expectation: dict) -> pd.Series:
    """The rows GX checks for this expectation: its row condition turned into a query by GX's pandas engine."""
    from great_expectations.execution_engine import PandasExecutionEngine
    from great_expectations.expectations.row_conditions import deserialize_row_condition

    condition = expectation["kwargs"].get("row_condition")
    if condition is None:
        return pd.Series(True, index=frame.index)
    query = PandasExecutionEngine().condition_to_filter_clause(deserialize_row_condition(condition))
    return frame.index.isin(frame.query(query).index)


@pytest.mark.parametrize("suite, key", [("staging_kolada_values", "kpi_id"), ("core_fact_indicator_value", "indicator_id")])
def test_every_indicator_of_the_plan_has_a_range_and_a_percent_exactly_one(suite, key, plan):
    """A percent KPI is either a share (0-100) or one named ratio, never both and never neither."""
    quality._import_gx()
    if suite == "staging_kolada_values":
        frame = pd.DataFrame({"kpi_id": sorted(quality.catalogue_units(plan, "kolada"))})
        frame["unit"] = frame["kpi_id"].map(quality.catalogue_units(plan, "kolada"))
    else:
        frame = frames.with_fact_measure(pd.DataFrame({"indicator_id": [i.id for i in plan.indicators]}), plan)
        frame["unit"] = frame["indicator_id"].map({i.id: i.unit for i in plan.indicators})
    ranges = _value_ranges(suite)
    count = sum(pd.Series(_selected(frame, e), index=frame.index).astype(int) for e in ranges)
    unranged = frame.loc[count == 0, key].tolist()
    assert unranged == [], f"{suite}: no value range for {unranged}"
    percent = frame[frame.unit == "percent"]
    twice = percent.loc[count[percent.index] != 1, key].tolist()
    assert twice == [], f"{suite}: percent indicators under more than one range: {twice}"
    assert {"N00610", "N03002"} <= set(frame.get("measure", frame[key])[percent.index])  # shares and ratios both there
