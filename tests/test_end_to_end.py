"""The whole Dagster asset graph, in-process, from the bundled snapshot into a temporary warehouse.

Expected numbers are worked out by hand from the snapshot's recorded Kolada data body and its bundled
file drops (financial_statements*.csv, safety_survey*.csv; the arithmetic is in the comments) and,
independently, re-read from those files here with plain `json` and `csv` (decimal commas, `;`, a BOM,
Windows-1252), so a broken parser or a broken SQL formula in the pipeline cannot agree with itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date
from pathlib import Path
from statistics import fmean

import duckdb
import pytest

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings
from snapshot_files import own_kolada_data

BUNDLED = Path(__file__).resolve().parents[1] / "indicator_pipeline" / "snapshots" / "bundled"
AS_OF = date(2026, 11, 20)  # snapshot.json "recorded_on"
STATUSES = {"met", "not_met", "on_track", "off_track", "no_data", "no_numeric_target", "improving", "stable", "worsening"}
MEASURED = {"met", "not_met", "on_track", "off_track"}


# --- the snapshot, read independently of the pipeline --------------------------------------------


def _data_body_path() -> Path:
    return own_kolada_data(BUNDLED)


@pytest.fixture(scope="module")
def snapshot_values() -> dict[tuple[str, int], float | None]:
    """(KPI id, year) -> gender-T value, straight from the recorded JSON (None = Kolada null)."""
    body = json.loads(_data_body_path().read_bytes())
    values = {}
    for obj in body["values"]:
        assert obj["municipality"] == "1283"
        for cell in obj["values"]:
            if cell["gender"] == "T":
                values[(obj["kpi"], obj["period"])] = cell["value"]
    return values


def _swedish_number(text: str) -> float:
    """'18 444,0' -> 18444.0 (thousands separated by a space or a no-break space, decimal comma)."""
    return float(re.sub(r"\s", "", text).replace(",", "."))


def _drop(prefix: str) -> Path:
    (path,) = (BUNDLED / "filedrop").glob(f"{prefix}*.csv")
    return path


@pytest.fixture(scope="module")
def statements() -> dict[tuple[int, str], float]:
    """(year, line_id) -> amount in mnkr, read straight from the bundled financial_statements CSV
    (UTF-8 with a BOM, `;`, decimal commas)."""
    raw = _drop("financial_statements").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM is part of what the pipeline must cope with
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    lines = {(int(r["year"]), r["line_id"]): _swedish_number(r["amount_mnkr"]) for r in rows}
    assert len(lines) == len(rows) == 48  # 4 years x 12 lines, no duplicates
    return lines


@pytest.fixture(scope="module")
def survey() -> dict[tuple[int, str], float]:
    """(year, key_figure_id) -> value, read straight from the bundled safety_survey CSV (Windows-1252)."""
    raw = _drop("safety_survey").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really Windows-1252 (å, ä, ö as single bytes)
    rows = list(csv.DictReader(io.StringIO(raw.decode("cp1252")), delimiter=";"))
    return {(int(r["year"]), r["key_figure_id"]): _swedish_number(r["value"]) for r in rows}


def _measures(lines: dict[tuple[int, str], float], year: int) -> dict[str, float]:
    """The plan's own finance measures for `year`, by the plan's definitions (see the plan file)."""
    line = {k: v for (y, k), v in lines.items() if y == year}
    result_adjusted = line["result"] - line["exploatering_result"] - line["items_affecting_comparability"] - line["extraordinary_items"]
    tax_base = line["tax_revenue"] + line["general_grants_equalisation"]
    return {
        "result_adjusted_mnkr": result_adjusted,
        "tax_grants_equalisation_mnkr": tax_base,
        "result_adjusted_share": 100 * result_adjusted / tax_base,
        "self_financing_city": 100 * line["cash_flow_operations"] / line["investments"],
        "soliditet_city": 100 * (line["equity"] - line["pension_obligations_pre1998_contingent"])
        / (line["total_assets"] - line["internal_bank_loans_to_group"]),
    }


# The city's survey key figures in the safety index (plan file: safety_index.method), with NTU from Kolada.
SURVEY_COMPONENTS = {
    "HBG_TRYGG_BOSTADSOMRADE": "city_safe_home_area_evening",
    "HBG_TRYGG_CENTRUM": "city_safe_centre_evening",
    "HBG_LAG_ORO_BROTT": "city_low_worry_crime",
    "HBG_FORETAG_TRYGGHET": "business_perceived_safety",
    "HBG_FORETAG_EJ_UTSATTA": "business_not_victimised",
}


# --- one materialisation for the whole suite --------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(bundled_refresh) -> Path:
    """The suite's one in-process refresh of the bundled snapshot (tests/conftest.py). Read-only here:
    the re-run test below works on its own copy."""
    path = bundled_refresh.path
    assert bundled_refresh.summary.startswith("refreshed ") and str(path) in bundled_refresh.summary
    assert path.exists()
    return path


@pytest.fixture
def con(warehouse):
    # Per test, so no connection is open (and cached by DuckDB per path) when a test refreshes again.
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        yield connection


def _rows(con, sql: str, params=None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _goal_status(con, target_id: str) -> dict:
    rows = _rows(con, "SELECT * FROM marts.goal_status WHERE target_id = ?", [target_id])
    assert len(rows) == 1, f"{target_id}: {len(rows)} rows in marts.goal_status"
    return rows[0]


# --- marts.goal_status for the Kolada goals ------------------------------------------------------


def test_snapshot_holds_the_figures_the_expectations_are_built_on(snapshot_values):
    # Guard: the literals below are what PROVENANCE.md lists; if the bundled snapshot changes,
    # this fails first and the hand arithmetic in the other tests must be redone.
    assert snapshot_values[("U07453", 2025)] == 75.3
    assert snapshot_values[("U07453", 2024)] == 74.6
    assert snapshot_values[("N03002", 2025)] == 53.55  # Kolada's published figure
    assert snapshot_values[("N03002", 2020)] is None  # not in the Kolada pull: missing
    assert snapshot_values[("N03103", 2025)] == 72.4
    assert [snapshot_values[("N03102", y)] for y in (2023, 2024, 2025)] == [4.6, 1.1, 2.4]
    assert ("N03102", 2026) not in snapshot_values
    assert snapshot_values[("N03001", 2025)] is None
    assert snapshot_values[("N07609", 2020)] is None
    assert snapshot_values[("N07609", 2025)] == 73.8


def test_file_drops_hold_the_figures_the_expectations_are_built_on(statements, survey):
    # Same guard for the bundled city files: the literals in the hand arithmetic below.
    assert {k: statements[(2025, k)] for k in (
        "tax_revenue", "general_grants_equalisation", "result", "exploatering_result",
        "items_affecting_comparability", "extraordinary_items", "cash_flow_operations", "investments",
        "equity", "total_assets", "pension_obligations_pre1998_contingent", "internal_bank_loans_to_group",
    )} == {
        "tax_revenue": 8225.0, "general_grants_equalisation": 2325.0, "result": 253.0, "exploatering_result": 40.0,
        "items_affecting_comparability": -117.0, "extraordinary_items": 0.0, "cash_flow_operations": 1131.0,
        "investments": 1450.0, "equity": 18444.0, "total_assets": 35673.0,
        "pension_obligations_pre1998_contingent": 2180.0, "internal_bank_loans_to_group": 10300.0,
    }
    assert [statements[(y, "result")] for y in (2023, 2024)] == [441.0, 110.0]
    assert [statements[(y, "exploatering_result")] for y in (2023, 2024)] == [60.0, 25.0]
    assert [statements[(y, "items_affecting_comparability")] for y in (2023, 2024)] == [-35.0, -140.0]
    assert [statements[(y, "tax_revenue")] for y in (2023, 2024)] == [7485.0, 7830.0]
    assert [statements[(y, "general_grants_equalisation")] for y in (2023, 2024)] == [2105.0, 2205.0]
    assert [statements[(y, "cash_flow_operations")] for y in (2022, 2023, 2024)] == [1050.0, 1005.0, 1010.0]
    assert [statements[(y, "investments")] for y in (2022, 2023, 2024)] == [1180.0, 1390.0, 1465.0]
    assert [survey[(2025, k)] for k in SURVEY_COMPONENTS] == [70.3, 58.1, 63.4, 64.2, 74.2]
    assert [survey[(2020, k)] for k in SURVEY_COMPONENTS] == [67.5, 54.0, 60.2, 60.1, 73.5]
    assert min(y for y, _ in survey) == 2019 and len(survey) == 35


def test_nki_2025_is_not_met(con, snapshot_values):
    row = _goal_status(con, "nki_2025")
    value = snapshot_values[("U07453", 2025)]
    # 2025 is over on 2026-11-20 and Kolada sends no preliminary flag, so the value is final:
    # 75.3 < 76 -> not_met; gap = 75.3 - 76 = -0.7.
    assert row["status"] == "not_met"
    assert row["goal_id"] == "business_climate_nki"
    assert row["latest_year"] == row["assessed_year"] == 2025
    assert row["latest_value"] == pytest.approx(value) == 75.3
    assert row["target_value"] == 76
    assert row["gap"] == pytest.approx(value - 76) == pytest.approx(-0.7)
    assert row["latest_preliminary"] is False
    assert row["unit"] == "index 0-100"
    assert row["as_of"] == AS_OF
    # U07453 has only 2024 and 2025, both from the break year 2024 on: nothing excluded.
    assert row["excluded_years"] == []
    assert row["series_break_in_period"] is False


def test_soliditet_is_on_track_every_year_of_the_period_so_far(con, statements):
    row = _goal_status(con, "soliditet_min_63")
    value = _measures(statements, 2025)["soliditet_city"]
    # The plan's measure, from the city's statements (not Kolada's N03002):
    # 2025 soliditet = (equity - pre-1998 pensions) / (total assets - internal bank loans to group) x 100
    #                = (18444 - 2180) / (35673 - 10300) x 100 = 16264 / 25373 x 100 = 64.0996...
    # threshold_every_year over 2023-2026: 2023 64.0, 2024 63.6, 2025 64.1 all final and >= 63, but the
    # period runs to 2026 -> on_track (met only once 2026 is final too); the latest year is 2025.
    assert value == pytest.approx(16264 / 25373 * 100) == pytest.approx(64.09963, abs=1e-5)
    assert row["indicator_id"] == "soliditet_city"
    assert row["status"] == "on_track"
    assert (row["latest_year"], row["failing_years"]) == (2025, [])
    assert row["latest_value"] == pytest.approx(value)
    assert row["gap"] == pytest.approx(value - 63) == pytest.approx(1.09963, abs=1e-5)
    assert row["unit"] == "percent"


def test_self_financing_below_target_in_a_final_year_is_not_met(con, statements):
    row = _goal_status(con, "self_financing_min_75")
    # cash flow from operations / investments, each year of 2023-2026 against 75: 2023 1005/1390 = 72.30
    # and 2024 1010/1465 = 68.94 are final and below -> not_met, whatever 2025 (1131/1450 = 78.0) says.
    assert _measures(statements, 2025)["self_financing_city"] == pytest.approx(78.0)
    assert row["indicator_id"] == "self_financing_city"
    assert row["status"] == "not_met"
    assert row["failing_years"] == [2023, 2024]
    assert row["assessed_year"] == 2024
    assert row["gap"] == pytest.approx(1010 / 1465 * 100 - 75)
    assert "2023 (72.3)" in row["note"] and "2024 (68.94)" in row["note"]
    # Each year against 75 in indicator_vs_target (2022 is before the period but shown as observed).
    rows = _rows(
        con,
        "SELECT year, value, status FROM marts.indicator_vs_target "
        "WHERE target_id = 'self_financing_min_75' AND role = 'target' ORDER BY year",
    )
    assert [r["year"] for r in rows] == [2022, 2023, 2024, 2025, 2026]
    for r in rows[:4]:
        assert r["value"] == pytest.approx(_measures(statements, r["year"])["self_financing_city"]), r
    assert [r["status"] for r in rows] == ["met", "not_met", "not_met", "met", "no_data"]
    assert [round(r["value"], 2) for r in rows[:4]] == [88.98, 72.30, 68.94, 78.0]


def test_result_share_period_average_is_on_track(con, statements):
    row = _goal_status(con, "result_share_avg_2023_2026")
    known = [_measures(statements, y)["result_adjusted_share"] for y in (2023, 2024, 2025)]
    # result adjusted = result - exploatering - items affecting comparability - extraordinary items,
    # share = result adjusted / (tax revenue + general grants and equalisation) x 100:
    #   2023: 441 - 60 - (-35) - 0 = 416;  416 / (7485 + 2105) x 100 = 416 / 9590 x 100 = 4.3378
    #   2024: 110 - 25 - (-140) - 0 = 225; 225 / (7830 + 2205) x 100 = 225 / 10035 x 100 = 2.2422
    #   2025: 253 - 40 - (-117) - 0 = 330; 330 / (8225 + 2325) x 100 = 330 / 10550 x 100 = 3.1280
    # Average so far = (4.3378 + 2.2422 + 3.1280) / 3 = 9.7080 / 3 = 3.2360.
    # One year (2026) remains; required = (2 x (3 + 1) - 9.7080) / 1 = -1.7080.
    # The latest value, 3.1280, is >= -1.7080 -> on_track; gap = 3.2360 - 2 = 1.2360.
    hand = [416 / 9590 * 100, 225 / 10035 * 100, 330 / 10550 * 100]
    assert known == pytest.approx(hand)
    average = fmean(known)
    required = (2 * (len(known) + 1) - sum(known)) / 1
    assert average == pytest.approx(3.23599, abs=1e-5)
    assert required == pytest.approx(-1.70796, abs=1e-5)
    assert row["indicator_id"] == "result_adjusted_share"
    assert row["status"] == "on_track"
    assert row["average_so_far"] == pytest.approx(average)
    assert row["assessed_value"] == pytest.approx(average)
    assert row["required_per_remaining_year"] == pytest.approx(required)
    assert row["gap"] == pytest.approx(average - 2) == pytest.approx(1.23599, abs=1e-5)
    assert row["years_with_data"] == 3
    assert row["years_remaining"] == 1
    assert row["latest_year"] == 2025
    assert row["latest_value"] == pytest.approx(known[-1])
    assert (row["period_start"], row["period_end"]) == (2023, 2026)


def test_result_share_2025_is_met(con, statements):
    row = _goal_status(con, "result_share_2025")
    value = _measures(statements, 2025)["result_adjusted_share"]
    # 330 / 10550 x 100 = 3.1280 >= 3 -> met (2025 is over, the statements are not preliminary); gap = 0.1280.
    assert value == pytest.approx(3.12796, abs=1e-5)
    assert row["status"] == "met"
    assert row["assessed_year"] == 2025
    assert row["assessed_value"] == pytest.approx(value)
    assert row["gap"] == pytest.approx(value - 3) == pytest.approx(0.12796, abs=1e-5)


def test_result_2025_in_mnkr_is_met(con, statements):
    row = _goal_status(con, "result_2025_mnkr")
    value = _measures(statements, 2025)["result_adjusted_mnkr"]
    # amount_in_year: 253 - 40 - (-117) - 0 = 330 mnkr >= 316 -> met; gap = 330 - 316 = 14 mnkr.
    assert value == 330.0
    assert row["goal_id"] == "result_share"
    assert row["target_kind"] == "amount_in_year"
    assert row["indicator_id"] == "result_adjusted_mnkr"
    assert row["unit"] == "mnkr"
    assert row["status"] == "met"
    assert (row["assessed_year"], row["target_year"], row["target_value"]) == (2025, 2025, 316)
    assert row["assessed_value"] == pytest.approx(value)
    assert row["gap"] == pytest.approx(14.0)


def test_finance_facts_match_the_statements_for_every_year(con, statements):
    years = sorted({y for y, _ in statements})
    assert years == [2022, 2023, 2024, 2025]
    rows = _rows(
        con,
        "SELECT indicator_id, year, value, source, source_id, preliminary, raw_sha256 FROM core.fact_indicator_value "
        "WHERE source = 'computed' AND source_id = 'financial_statements'",
    )
    got = {(r["indicator_id"], r["year"]): r["value"] for r in rows}
    expected = {(m, y): v for y in years for m, v in _measures(statements, y).items()}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key
    # One statements file, hence one hash: the file's own bytes.
    assert {r["raw_sha256"] for r in rows} == {hashlib.sha256(_drop("financial_statements").read_bytes()).hexdigest()}
    assert {r["preliminary"] for r in rows} == {False}


# --- the Kolada ratios: context beside the city's measures, and reconciled with them ---------------


def test_kolada_ratios_are_context_rows_never_targets(con, snapshot_values):
    expected = {
        "soliditet_min_63": ("soliditet_incl_pensions", "N03002"),
        "self_financing_min_75": ("self_financing_investments", "N03103"),
        "result_share_avg_2023_2026": ("result_share_of_tax", "N03102"),  # the goal's first target
    }
    for target_id, (indicator, kpi) in expected.items():
        rows = _rows(
            con,
            "SELECT * FROM marts.indicator_vs_target WHERE target_id = ? AND indicator_id = ? ORDER BY year",
            [target_id, indicator],
        )
        years = sorted(y for (k, y), v in snapshot_values.items() if k == kpi)
        assert [r["year"] for r in rows] == years, target_id
        assert {r["role"] for r in rows} == {"context"}
        assert {r["status"] for r in rows} == {"no_numeric_target"}
        assert all(r["target_value"] is None and r["in_target_period"] is False for r in rows)
        assert {r["source"] for r in rows} == {"kolada"} and {r["source_id"] for r in rows} == {kpi}
        assert {r["year"]: r["value"] for r in rows} == {y: snapshot_values[(kpi, y)] for y in years}
    # Kolada's figures are there as context: N03002 2025 53.55 (Kolada's published soliditet, some 10-15
    # points below the plan's own measure by definition), N03103 2025 72.4, N03102 2023-2025 4.6, 1.1, 2.4.
    context = {
        (r["indicator_id"], r["year"]): r["value"]
        for r in _rows(con, "SELECT indicator_id, year, value FROM marts.indicator_vs_target WHERE role = 'context'")
    }
    assert context[("soliditet_incl_pensions", 2025)] == 53.55
    assert context[("soliditet_incl_pensions", 2020)] is None
    assert context[("self_financing_investments", 2025)] == 72.4
    assert fmean(context[("result_share_of_tax", y)] for y in (2023, 2024, 2025)) == pytest.approx(2.7)
    # ... and no target of the plan is judged on a Kolada finance ratio any more.
    kolada_finance = {"soliditet_incl_pensions", "self_financing_investments", "result_share_of_tax",
                      "result_before_extraordinary_share"}
    assert not {t.indicator_id for _, t in load_plan().targets()} & kolada_finance


def test_reconciliation_of_the_citys_measures_with_kolada(con, statements, snapshot_values):
    plan = load_plan()
    rows = {
        (r["indicator_id"], r["year"]): r
        for r in _rows(con, "SELECT * FROM marts.reconciliation WHERE municipality_code = '1283'")
    }
    # Kolada's tax base in mnkr: (N03010 + N03009) kr/inv x N01951 inhabitants / 1e6.
    def kolada_tax_base(year):
        return (snapshot_values[("N03010", year)] + snapshot_values[("N03009", year)]) * snapshot_values[("N01951", year)] / 1e6

    published = {
        "soliditet_city": lambda y: snapshot_values[("N03002", y)],
        "self_financing_city": lambda y: snapshot_values[("N03103", y)],
        "result_adjusted_share": lambda y: snapshot_values[("N03102", y)],
        "tax_grants_equalisation_mnkr": kolada_tax_base,
    }
    assert set(rows) == {(m, y) for m in published for y in (2022, 2023, 2024, 2025)}
    for (measure, year), r in rows.items():
        own = _measures(statements, year)[measure]
        pub = published[measure](year)
        indicator = plan.indicator(measure)
        tolerance = indicator.reconcile_tolerance
        expected = 0.0 if indicator.reconcile_kind == "agree" else indicator.reconcile_expected_difference
        assert r["published_indicator_id"] == indicator.reconcile_with
        assert r["own_value"] == pytest.approx(own), (measure, year)
        assert r["published_value"] == pytest.approx(pub), (measure, year)
        assert r["difference"] == pytest.approx(own - pub), (measure, year)
        assert (r["kind"], r["reason"], r["expected_difference"], r["tolerance"]) == (
            indicator.reconcile_kind, indicator.reconcile_reason, expected, tolerance
        )
        within = abs(own - pub - expected) <= tolerance
        assert r["within_tolerance"] is within and r["within_expectation"] is within, (measure, year)
        assert (r["finding"] is None) is within, (measure, year)
    # By hand, 2025:
    #   soliditet 64.0996 - 53.55 = 10.5496: by design, expected 15 +- 5: |10.5496 - 15| = 4.4504 -> as expected
    #   self-financing 78.0 - 72.4 = 5.6 <= 10.0                    -> within
    #   result share 3.1280 - 2.4 = 0.7280 <= 1.0                   -> within
    #   tax base 10550 - (53050 + 15010) x 154020 / 1e6 = 10550 - 10482.6012 = 67.3988 <= 150 -> within
    r2025 = {m: rows[(m, 2025)] for m in published}
    assert r2025["soliditet_city"]["difference"] == pytest.approx(10.54963, abs=1e-5)
    assert r2025["self_financing_city"]["difference"] == pytest.approx(5.6)
    assert r2025["result_adjusted_share"]["difference"] == pytest.approx(0.72796, abs=1e-5)
    assert r2025["tax_grants_equalisation_mnkr"]["published_value"] == pytest.approx(10482.6012)
    assert r2025["tax_grants_equalisation_mnkr"]["difference"] == pytest.approx(67.3988)
    assert all(r["within_expectation"] is True for r in r2025.values())
    assert [r2025[m]["kind"] for m in published] == ["by_design", "agree", "agree", "agree"]
    assert [r2025[m]["expected_difference"] for m in published] == [15.0, 0.0, 0.0, 0.0]
    assert [r2025[m]["tolerance"] for m in published] == [5.0, 10.0, 1.0, 150.0]  # the plan file's
    # Kolada's soliditet is 10.5-15.7 points below the plan's in 2022-2025 (2022: 63.1991 - 47.50 = 15.6991,
    # 2023: 64.0000 - 49.29 = 14.7100, 2024: 63.6005 - 52.16 = 11.4405; 2025 above): all within 15 +- 5, no warning.
    soliditet = [rows[("soliditet_city", y)] for y in (2022, 2023, 2024, 2025)]
    assert [r["difference"] for r in soliditet] == pytest.approx([15.69908, 14.71000, 11.44048, 10.54963], abs=1e-5)
    assert {r["within_expectation"] for r in soliditet} == {True} and {r["finding"] for r in soliditet} == {None}
    # 2024: 225 / 10035 x 100 = 2.2422 against Kolada's 1.1: 1.1422 > 1.0 -> outside (a warning, not a stop).
    assert rows[("result_adjusted_share", 2024)]["difference"] == pytest.approx(1.14215, abs=1e-5)
    assert rows[("result_adjusted_share", 2024)]["within_tolerance"] is False
    assert rows[("result_adjusted_share", 2024)]["finding"] == (
        "result_adjusted_share 2024: 2.24 - 1.1 = 1.14, expected to agree: 0.0 ± 1.0"
    )
    # The only findings on the bundled data: the adjusted result share in 2022 and 2024.
    findings = sorted((m, y) for (m, y), r in rows.items() if r["finding"] is not None)
    assert findings == [("result_adjusted_share", 2022), ("result_adjusted_share", 2024)]


# --- the city's safety index ---------------------------------------------------------------------


def test_safety_index_2025_is_the_mean_of_its_six_components(con, survey, snapshot_values):
    row = _goal_status(con, "safety_index_2025")
    components = [survey[(2025, k)] for k in SURVEY_COMPONENTS] + [snapshot_values[("N07609", 2025)]]
    value = fmean(components)
    # Equal weights, all 0-100 and higher-is-better:
    # (70.3 + 58.1 + 63.4 + 64.2 + 74.2 + 73.8) / 6 = 404.0 / 6 = 67.333... >= 62 -> met; gap 5.333...
    assert value == pytest.approx(404.0 / 6)
    assert row["indicator_id"] == "safety_index"
    assert row["status"] == "met"
    assert (row["assessed_year"], row["target_value"]) == (2025, 62)
    assert row["assessed_value"] == pytest.approx(value)
    assert row["gap"] == pytest.approx(value - 62)
    fact = _rows(con, "SELECT * FROM core.fact_indicator_value WHERE indicator_id = 'safety_index' AND year = 2025")[0]
    assert fact["source"] == "computed" and fact["preliminary"] is False
    assert fact["source_status"] == "6 of 6 components, 100 % of the weight"
    inputs = _rows(
        con,
        "SELECT component_indicator_id, value, score, weight, index_value FROM marts.index_inputs "
        "WHERE index_indicator_id = 'safety_index' AND year = 2025 ORDER BY component_indicator_id",
    )
    expected = {SURVEY_COMPONENTS[k]: survey[(2025, k)] for k in SURVEY_COMPONENTS}
    expected["ntu_safe_late_evening"] = snapshot_values[("N07609", 2025)]
    assert {r["component_indicator_id"]: r["value"] for r in inputs} == pytest.approx(expected)
    assert all(r["score"] == pytest.approx(r["value"]) and r["weight"] == 1 for r in inputs)
    assert [r["index_value"] for r in inputs] == pytest.approx([value] * 6)


def test_safety_index_2020_uses_five_of_six_components_and_is_preliminary(con, survey, snapshot_values):
    # Kolada's N07609 2020 is null: the index is the mean of the five survey figures, which carry 5/6 = 83 %
    # of the weight (>= the plan's min_coverage 0.8): (67.5 + 54.0 + 60.2 + 60.1 + 73.5) / 5 = 315.3 / 5 = 63.06,
    # flagged preliminary because a component is missing.
    assert snapshot_values[("N07609", 2020)] is None
    value = fmean(survey[(2020, k)] for k in SURVEY_COMPONENTS)
    assert value == pytest.approx(63.06)
    fact = _rows(con, "SELECT * FROM core.fact_indicator_value WHERE indicator_id = 'safety_index' AND year = 2020")[0]
    assert fact["value"] == pytest.approx(value)
    assert fact["preliminary"] is True
    assert fact["source_status"] == "5 of 6 components, 83 % of the weight"
    inputs = {r[0] for r in con.execute(
        "SELECT component_indicator_id FROM marts.index_inputs WHERE index_indicator_id = 'safety_index' AND year = 2020"
    ).fetchall()}
    assert inputs == set(SURVEY_COMPONENTS.values())
    # In the mart the preliminary flag travels with the value.
    mart = _rows(con, "SELECT preliminary FROM marts.indicator_vs_target WHERE indicator_id = 'safety_index' AND year = 2020")
    assert mart == [{"preliminary": True}]


def test_safety_index_every_year_from_the_base_year(con, survey, snapshot_values):
    # base_year 2019 (the survey starts then); each year the mean of the components that have a value.
    got = dict(con.execute("SELECT year, value FROM core.fact_indicator_value WHERE indicator_id = 'safety_index'").fetchall())
    expected = {}
    for year in range(2019, 2026):
        values = [survey[(year, k)] for k in SURVEY_COMPONENTS] + [snapshot_values[("N07609", year)]]
        expected[year] = fmean(v for v in values if v is not None)
    assert got == pytest.approx(expected)
    # Kolada's BRP+ index N00301 is shown beside it as context, never in its place.
    brp = _rows(con, "SELECT DISTINCT role, status FROM marts.indicator_vs_target WHERE indicator_id = 'safety_brp_index'")
    assert brp == [{"role": "context", "status": "no_numeric_target"}]


# --- housing starts, the self-build share, business land -----------------------------------------


def test_smallhouse_starts_period_average_is_off_track(con):
    row = _goal_status(con, "smallhouse_starts_avg_2022_2026")
    # SCB TAB4572 småhus quarters summed (see tests/scb/test_scb_offline_refresh.py):
    # 2022 310, 2023 196, 2024 172, 2025 241; 2026 (K1-K2, preliminary, not over) 113 does not count.
    # average so far = 919 / 4 = 229.75; required in 2026 = 250 x 5 - 919 = 331; 241 < 331 -> off_track.
    assert row["status"] == "off_track"
    assert row["average_so_far"] == pytest.approx(229.75)
    assert row["required_per_remaining_year"] == pytest.approx(331)
    assert row["gap"] == pytest.approx(229.75 - 250)
    assert (row["years_with_data"], row["years_remaining"]) == (4, 1)
    assert (row["latest_year"], row["latest_value"], row["latest_preliminary"]) == (2026, 113.0, True)


def test_self_build_share_so_far(con):
    row = _goal_status(con, "self_build_share_2022_2026")
    self_build = _rows(
        con,
        "SELECT year, value FROM core.fact_indicator_value WHERE indicator_id = 'self_build_plot_starts' ORDER BY year",
    )
    raw = list(csv.DictReader(io.StringIO(_drop("self_build_plots").read_text(encoding="utf-8-sig")), delimiter=";"))
    from_file = {int(r["year"]): float(r["self_build_starts"]) for r in raw}
    assert {r["year"]: r["value"] for r in self_build} == from_file == {2022: 95, 2023: 61, 2024: 58, 2025: 83}
    # Years with both figures: 2022-2025. share = (95 + 61 + 58 + 83) / (310 + 196 + 172 + 241) = 297 / 919
    # = 0.3232 < 1/3; 2026 remains, so it is an indication: off_track; gap = 0.3232 - 0.3333 = -0.0102.
    share = sum(from_file.values()) / (310 + 196 + 172 + 241)
    assert share == pytest.approx(297 / 919)
    assert row["unit"] == "share"
    assert row["status"] == "off_track"
    assert row["share_so_far"] == pytest.approx(share)
    assert row["assessed_value"] == pytest.approx(share)
    assert row["gap"] == pytest.approx(share - 1 / 3)


def test_share_rows_keep_the_lineage_and_flags_of_both_parts(con):
    rows = _rows(
        con,
        "SELECT year, value, preliminary, complete, status, source, raw_sha256, denominator_indicator_id, denominator_value, "
        "denominator_preliminary, denominator_source, denominator_raw_sha256 FROM marts.indicator_vs_target "
        "WHERE target_id = 'self_build_share_2022_2026' AND role = 'target' ORDER BY year",
    )
    by_year = {r["year"]: r for r in rows}
    files = {sha for (sha,) in con.execute("SELECT sha256 FROM raw.payload WHERE source = 'filedrop'").fetchall()}
    answers = {sha for (sha,) in con.execute("SELECT sha256 FROM raw.payload WHERE source = 'scb'").fetchall()}
    for year in (2022, 2023, 2024, 2025):
        r = by_year[year]
        assert (r["source"], r["denominator_source"], r["denominator_indicator_id"]) == ("filedrop", "scb", "smallhouse_starts")
        assert r["raw_sha256"] in files and r["denominator_raw_sha256"] in answers
        assert r["value"] == pytest.approx(_rows(con, "SELECT value FROM core.fact_indicator_value WHERE "
                                                      "indicator_id = 'self_build_plot_starts' AND year = ?", [year])[0]["value"]
                                           / r["denominator_value"])
    # 2025's småhus starts are whole but inside SCB's revision window: the share row is preliminary too
    assert (by_year[2024]["preliminary"], by_year[2025]["preliminary"], by_year[2025]["denominator_preliminary"]) == (False, True, True)
    assert by_year[2025]["status"] == "on_track"  # 83 / 241 = 0.344 meets a third, but not final


def test_new_business_land_has_its_hectares_and_a_trend_verdict(con):
    row = _goal_status(con, "new_business_land__sellable_business_land")
    # Bundled sellable_land drop (XLSX): hectares summed by year; 2025 = 41.0, preliminary. The goal wants
    # more land and sets no number: the least-squares line through 2022-2025 rises (improving).
    assert (row["status"], row["target_kind"], row["method"]) == ("improving", "direction", "linear_projection")
    assert row["measurable"] is False
    assert (row["latest_year"], row["latest_value"], row["unit"]) == (2025, 41.0, "hectares")


# --- every goal of the plan ----------------------------------------------------------------------


def test_every_goal_and_target_of_the_plan_is_in_goal_status(con):
    plan = load_plan()
    rows = _rows(con, "SELECT goal_id, target_id, target_kind, status, measurable FROM marts.goal_status")
    assert len(rows) == len(plan.targets())
    assert sorted(r["goal_id"] for r in rows) == sorted(g.id for g, _ in plan.targets())
    assert sorted(r["target_id"] for r in rows) == sorted(t.id for _, t in plan.targets())
    assert {r["status"] for r in rows} <= STATUSES
    for r in rows:
        if r["target_kind"] == "none":
            assert r["status"] == "no_numeric_target", r
            assert r["measurable"] is False, r
        elif r["target_kind"] == "direction":  # a wanted direction, no number
            assert r["status"] in ("improving", "stable", "worsening"), r
            assert r["measurable"] is False, r
        else:
            # Every source is wired: every measurable goal has a measured status on the bundled snapshot.
            assert r["status"] in MEASURED, r
            assert r["measurable"] is True, r
    qualitative = {r["goal_id"] for r in rows if r["status"] not in MEASURED}
    assert qualitative == {g.id for g in plan.goals if not g.measurable} == {
        "new_business_land",
        "direction_business_climate",
    }  # the city's four directions are the parent plan's goals (helsingborg_inriktningar_2023_2026)


def test_status_vocabulary_everywhere(con):
    for table, allowed in (
        ("core.target_assessment", STATUSES),
        ("core.target_year_status", STATUSES | {"incomplete"}),  # a year-to-date row is never judged as a year
        ("marts.indicator_vs_target", STATUSES | {"incomplete"}),
    ):
        statuses = {s for (s,) in con.execute(f"SELECT DISTINCT status FROM {table}").fetchall()}
        assert statuses <= allowed, (table, statuses - allowed)


# --- marts.indicator_vs_target -------------------------------------------------------------------


def test_nki_target_rows_carry_unit_and_series_break(con, snapshot_values):
    rows = _rows(
        con,
        "SELECT * FROM marts.indicator_vs_target WHERE target_id = 'nki_2025' AND role = 'target' ORDER BY year",
    )
    # U07453 (new definition) has 2024 and 2025 only; 2025 is also the target year.
    assert [r["year"] for r in rows] == [2024, 2025]
    assert {r["indicator_id"] for r in rows} == {"nki_total"}
    assert {r["source_id"] for r in rows} == {"U07453"}
    assert {r["unit"] for r in rows} == {"index 0-100"}
    assert [r["value"] for r in rows] == [snapshot_values[("U07453", 2024)], snapshot_values[("U07453", 2025)]]
    by_year = {r["year"]: r for r in rows}
    assert by_year[2024]["series_break_before"] is True  # series_break_years = [2024]
    assert by_year[2025]["series_break_before"] is False
    assert by_year[2025]["in_target_period"] is True
    # Each year against 76: 74.6 and 75.3 both below, both final.
    assert by_year[2024]["status"] == by_year[2025]["status"] == "not_met"
    assert {r["target_value"] for r in rows} == {76}


def test_old_nki_definition_is_context_never_target(con, snapshot_values):
    rows = _rows(con, "SELECT * FROM marts.indicator_vs_target WHERE source_id = 'U07451' OR indicator_id = 'nki_total_old_definition'")
    old_years = sorted(y for (kpi, y), v in snapshot_values.items() if kpi == "U07451" and v is not None)
    assert old_years == [2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023]
    assert sorted(r["year"] for r in rows) == old_years
    assert {r["role"] for r in rows} == {"context"}
    assert {r["status"] for r in rows} == {"no_numeric_target"}
    assert all(r["target_value"] is None for r in rows)
    # ... and U07451 never feeds an assessment: no target is defined on it.
    targets_on_old = con.execute(
        "SELECT count(*) FROM core.dim_target WHERE indicator_id = 'nki_total_old_definition'"
    ).fetchone()[0]
    assert targets_on_old == 0


def test_in_target_period_is_never_null(con):
    nulls = con.execute("SELECT count(*) FROM marts.indicator_vs_target WHERE in_target_period IS NULL").fetchone()[0]
    assert nulls == 0


def test_kolada_nulls_stay_null_never_zero(con, snapshot_values):
    for kpi, year, indicator in (("N03001", 2025, "result_before_extraordinary_share"), ("N07609", 2020, "ntu_safe_late_evening")):
        assert snapshot_values[(kpi, year)] is None
        rows = _rows(
            con,
            "SELECT value, source_id FROM core.fact_indicator_value WHERE indicator_id = ? AND year = ? AND municipality_code = '1283'",
            [indicator, year],
        )
        assert rows == [{"value": None, "source_id": kpi}], (kpi, year)
        # As a context series it is shown with its NULL, not 0.
        mart = _rows(con, "SELECT value, role FROM marts.indicator_vs_target WHERE indicator_id = ? AND year = ?", [indicator, year])
        assert mart and all(m["value"] is None and m["role"] == "context" for m in mart), mart
    zeros = con.execute("SELECT count(*) FROM core.fact_indicator_value WHERE source = 'kolada' AND value = 0").fetchone()[0]
    assert zeros == 0  # the Kolada snapshot has no genuine 0 value


def test_target_rows_without_value_are_no_data(con):
    # Neither Kolada null above sits on a target indicator (both are context series), so check the
    # rule itself on every target row: no value <-> no_data (kind none aside).
    rows = _rows(
        con,
        "SELECT target_id, year, value, status, target_kind FROM marts.indicator_vs_target "
        "WHERE role = 'target' AND target_kind <> 'none'",
    )
    assert rows
    for r in rows:
        assert (r["value"] is None) == (r["status"] == "no_data"), r


def test_every_fact_row_leads_to_archived_bytes(con, warehouse):
    archive = warehouse.parent / "archive"
    assert con.execute("SELECT count(*) FROM core.fact_indicator_value WHERE raw_sha256 IS NULL").fetchone()[0] == 0
    payloads = {s for (s,) in con.execute("SELECT sha256 FROM raw.payload").fetchall()}
    # Source rows (Kolada, SCB, file drops) name the payload they were parsed from.
    facts = {s for (s,) in con.execute("SELECT DISTINCT raw_sha256 FROM core.fact_indicator_value WHERE source <> 'computed'").fetchall()}
    assert facts <= payloads, facts - payloads
    # Every Kolada value of Helsingborg comes from its recorded data body, whose hash we compute ourselves
    # (the peers' from their own answer).
    kolada = {s for (s,) in con.execute(
        "SELECT DISTINCT raw_sha256 FROM core.fact_indicator_value WHERE source = 'kolada' AND municipality_code = '1283'"
    ).fetchall()}
    assert kolada == {hashlib.sha256(_data_body_path().read_bytes()).hexdigest()}
    # Computed finance measures carry the statements file's hash (an archived payload) ...
    finance = {s for (s,) in con.execute(
        "SELECT DISTINCT raw_sha256 FROM core.fact_indicator_value WHERE source = 'computed' AND source_id = 'financial_statements'"
    ).fetchall()}
    assert finance == {hashlib.sha256(_drop("financial_statements").read_bytes()).hexdigest()} and finance <= payloads
    # ... and a computed index row a hash over its inputs' hashes: marts.index_inputs lists the inputs,
    # and every input's payload is archived.
    index_rows = _rows(
        con,
        "SELECT indicator_id, year, raw_sha256 FROM core.fact_indicator_value "
        "WHERE indicator_id IN (SELECT index_indicator_id FROM core.index_component)",
    )
    assert {r["indicator_id"] for r in index_rows} == {"safety_index"} and len(index_rows) == 7  # 2019-2025
    for r in index_rows:
        inputs = _rows(
            con,
            "SELECT component_indicator_id, raw_sha256 FROM marts.index_inputs "
            "WHERE index_indicator_id = ? AND year = ? ORDER BY component_indicator_id",
            [r["indicator_id"], r["year"]],
        )
        assert len(inputs) >= 5, r
        assert {i["raw_sha256"] for i in inputs} <= payloads, r
        combined = hashlib.sha256(",".join(i["raw_sha256"] for i in inputs).encode()).hexdigest()
        assert r["raw_sha256"] == combined, r  # sha256 over the components' hashes, in component order
    # The other computed rows (Kolada's tax base in mnkr) come from archived payloads too.
    other = {s for (s,) in con.execute(
        "SELECT DISTINCT raw_sha256 FROM core.fact_indicator_value WHERE source = 'computed' AND source_id = 'kolada_amounts'"
    ).fetchall()}
    assert other <= payloads
    # Every registered payload (metadata too) is in the archive, byte for byte.
    for sha in payloads:
        obj = archive / "objects" / sha[:2] / sha
        assert obj.is_file(), obj
        assert hashlib.sha256(obj.read_bytes()).hexdigest() == sha


def test_fact_table_matches_the_snapshot_value_for_value(con, snapshot_values):
    plan = load_plan()
    indicator_by_kpi = {i.source_id: i.id for i in plan.indicators_from("kolada")}
    rows = con.execute(
        "SELECT indicator_id, year, value FROM core.fact_indicator_value WHERE source = 'kolada' AND municipality_code = '1283'"
    ).fetchall()
    got = {(i, y): v for i, y, v in rows}
    expected = {(indicator_by_kpi[kpi], y): v for (kpi, y), v in snapshot_values.items()}
    assert got == expected


# --- re-running on unchanged inputs --------------------------------------------------------------


def _archive_files(archive: Path) -> list[str]:
    return sorted(str(p.relative_to(archive)) for p in archive.rglob("*") if p.is_file())


def test_rerun_with_unchanged_inputs_adds_nothing(copy_bundled_warehouse, tmp_path):
    warehouse = copy_bundled_warehouse(tmp_path / "warehouse")  # the shared warehouse stays read-only
    archive = warehouse.parent / "archive"
    with duckdb.connect(str(warehouse), read_only=True) as before:
        vintages_before = before.execute("SELECT count(*) FROM core.indicator_value_vintage").fetchone()[0]
        payloads_before = before.execute("SELECT count(*) FROM raw.payload").fetchone()[0]
        loaded_before = before.execute("SELECT max(loaded_at) FROM core.indicator_value_vintage").fetchone()[0]
    files_before = _archive_files(archive)
    inode_before = warehouse.stat().st_ino
    assert vintages_before > 0 and files_before

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DAGSTER_HOME", raising=False)
        mp.delenv("KOLADA_BASE_URL", raising=False)
        # forced: every step runs again (without it the refresh is a no-op: tests/noop/)
        refresh(Settings(warehouse_path=warehouse, source_mode="replay", as_of=AS_OF, force_refresh=True))

    with duckdb.connect(str(warehouse), read_only=True) as fresh:
        assert fresh.execute("SELECT count(*) FROM core.indicator_value_vintage").fetchone()[0] == vintages_before
        assert fresh.execute("SELECT count(*) FROM raw.payload").fetchone()[0] == payloads_before
        assert fresh.execute("SELECT max(loaded_at) FROM core.indicator_value_vintage").fetchone()[0] == loaded_before
        assert fresh.execute("SELECT status FROM marts.goal_status WHERE target_id = 'nki_2025'").fetchone()[0] == "not_met"
    # A new file was published (the second run really ran), yet it holds the same history.
    assert warehouse.stat().st_ino != inode_before
    assert _archive_files(archive) == files_before
    # The run's work file was swapped into place, not left behind.
    assert not list((warehouse.parent / ".work").glob("*.duckdb"))
