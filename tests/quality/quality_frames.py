"""Good frames for every suite, built from the plan (no warehouse needed), and helpers to read results."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from indicator_pipeline import quality

AS_OF = date(2026, 11, 20)
YEARS = list(range(2015, 2026))
SHA = "ab" * 32
RETRIEVED = pd.Timestamp("2026-11-20T03:00:00Z")
VALUE_BY_UNIT = {"index 0-100": 70.0, "percent": 12.5, "persons": 150000.0, "kr per inhabitant": 45000.0,
                 "dwellings": 240.0, "hectares": 10.0}


def kolada_values(plan) -> pd.DataFrame:
    units = quality.catalogue_units(plan, "kolada")
    rows = [
        {"kpi_id": kpi, "municipality_code": plan.municipality_code, "year": year, "gender": "T",
         "value": VALUE_BY_UNIT[unit], "status": "", "is_deleted": False, "member_count": 1, "raw_sha256": SHA,
         "source_url": "https://api.kolada.se/v3/data", "retrieved_at": RETRIEVED}
        for kpi, unit in sorted(units.items()) for year in YEARS
    ]
    frame = _typed(pd.DataFrame(rows), ints=("year", "member_count"))
    frame.loc[3, "value"] = np.nan  # Kolada sends nulls: allowed
    return with_kolada_unit(frame, plan)


def with_kolada_unit(frame: pd.DataFrame, plan) -> pd.DataFrame:
    frame = frame.copy()
    frame["unit"] = frame["kpi_id"].map(quality.catalogue_units(plan, "kolada"))
    return frame


def kolada_kpi(plan) -> pd.DataFrame:
    ids = sorted(quality.catalogue_units(plan, "kolada"))
    rows = [{"kpi_id": k, "title": f"title {k}", "description": "d", "is_divided_by_gender": False,
             "municipality_type": "K", "publ_period": "2025", "raw_sha256": SHA} for k in ids]
    return pd.DataFrame(rows)


def fact(plan) -> pd.DataFrame:
    rows = [
        {"municipality_code": plan.municipality_code, "indicator_id": i.id, "year": year, "value": VALUE_BY_UNIT[i.unit],
         "unit": i.unit, "preliminary": False, "source": i.source, "source_id": i.source_id, "source_status": None,
         "retrieved_at": RETRIEVED, "raw_sha256": SHA, "loaded_at": RETRIEVED}
        for i in plan.indicators if i.source in ("kolada", "scb") for year in YEARS
    ]
    return with_fact_measure(_typed(pd.DataFrame(rows), ints=("year",)), plan)


def with_fact_measure(frame: pd.DataFrame, plan) -> pd.DataFrame:
    """What the fact table's check adds (assets/checks.py fact_measures): the measure of each row's indicator."""
    frame = frame.copy()
    frame["measure"] = frame["indicator_id"].map(quality.indicator_measures(plan))
    return frame


def scb_values(plan) -> pd.DataFrame:
    rows = [
        {"table_id": t, "region": plan.municipality_code, "selection_key": sel, "period": f"{year}K{q}", "value": 60.0,
         "status": None, "preliminary": False, "raw_sha256": SHA, "source_url": "https://api.scb.se", "retrieved_at": RETRIEVED}
        for t in sorted(quality.catalogue_units(plan, "scb")) for sel in ("Hustyp=SMÅHUS", "Hustyp=FLERBO")
        for year in YEARS for q in (1, 2, 3, 4)
    ]
    frame = pd.DataFrame(rows)
    frame["unit"] = frame["table_id"].map(quality.catalogue_units(plan, "scb"))
    frame["year"] = frame["period"].str.slice(0, 4).astype("int64")
    return frame


def self_build_plots() -> pd.DataFrame:
    return _typed(pd.DataFrame([
        {"year": y, "self_build_starts": 80, "plots_sold": 70, "preliminary": False, "reported_on": pd.Timestamp(f"{y + 1}-01-20"),
         "source_file": "self_build_plots.csv", "raw_sha256": SHA, "retrieved_at": RETRIEVED} for y in (2022, 2023, 2024, 2025)
    ]), ints=("year", "self_build_starts", "plots_sold"))


FINANCIAL_LINES = {"tax_revenue": 8225.0, "general_grants_equalisation": 2325.0, "result": 462.0, "equity": 18444.0,
                   "total_assets": 35673.0, "investments": 1465.0, "items_affecting_comparability": -140.0}


def financial_statements() -> pd.DataFrame:
    return _typed(pd.DataFrame([
        {"year": y, "line_id": line_id, "line": line_id, "amount_mnkr": amount, "preliminary": False,
         "reported_on": pd.Timestamp(f"{y + 1}-03-01"), "source_file": "financial_statements.csv", "raw_sha256": SHA,
         "retrieved_at": RETRIEVED}
        for y in (2023, 2024, 2025) for line_id, amount in FINANCIAL_LINES.items()
    ]), ints=("year",))


def _typed(frame: pd.DataFrame, ints=()) -> pd.DataFrame:
    for name in ints:
        frame[name] = frame[name].astype("int32")
    return frame


def failed(result: quality.ValidationOutcome) -> dict[tuple[str, str | None], quality.ExpectationOutcome]:
    return {(o.expectation_type, o.column): o for o in result.failures}


def assert_fails(result: quality.ValidationOutcome, expectation: str, column: str | None, sample=None) -> quality.ExpectationOutcome:
    """The validation failed, and failed for this expectation (with this value among the sample)."""
    assert not result.success, "validation passed"
    assert result.error is None, result.error
    failures = failed(result)
    assert (expectation, column) in failures, f"{expectation} on {column} did not fail; failed: {sorted(failures, key=str)}"
    outcome = failures[(expectation, column)]
    if sample is not None:
        assert sample in outcome.unexpected_sample or sample == outcome.observed_value, outcome
    return outcome
