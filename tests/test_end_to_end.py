"""The whole Dagster asset graph, in-process, from the bundled snapshot into a temporary warehouse.

Expected numbers are worked out by hand from the snapshot's recorded Kolada data body (the arithmetic is
in the comments) and, independently, re-read from that body with plain `json` here, so a broken
parser in the pipeline cannot agree with itself.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from statistics import fmean

import duckdb
import pytest

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings

BUNDLED = Path(__file__).resolve().parents[1] / "indicator_pipeline" / "snapshots" / "bundled"
AS_OF = date(2026, 11, 20)  # snapshot.json "recorded_on"
STATUSES = {"met", "not_met", "on_track", "off_track", "no_data", "no_numeric_target"}
# Targets whose sources other engineers are wiring now: their statuses are not asserted here.
IN_PROGRESS = {"safety_index", "smallhouse_starts", "smallhouse_self_build_share", "new_business_land"}


# --- the snapshot, read independently of the pipeline --------------------------------------------


def _data_body_path() -> Path:
    (path,) = [p for p in (BUNDLED / "kolada").glob("*.body") if "year" in p.name]
    return path


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


# --- one materialisation for the module ----------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("e2e") / "warehouse" / "indicators.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DAGSTER_HOME", raising=False)  # ephemeral Dagster instance, never the user's
        mp.delenv("KOLADA_BASE_URL", raising=False)  # the snapshot is keyed on the public URLs
        summary = refresh(Settings(warehouse_path=path, source_mode="replay", as_of=AS_OF))
    assert summary.startswith("refreshed ") and str(path) in summary
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
    assert snapshot_values[("N03002", 2025)] == 64.8
    assert snapshot_values[("N03103", 2025)] == 72.4
    assert [snapshot_values[("N03102", y)] for y in (2023, 2024, 2025)] == [4.6, 1.1, 2.4]
    assert ("N03102", 2026) not in snapshot_values
    assert snapshot_values[("N03001", 2025)] is None
    assert snapshot_values[("N07609", 2020)] is None


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


def test_soliditet_is_met(con, snapshot_values):
    row = _goal_status(con, "soliditet_min_63")
    value = snapshot_values[("N03002", 2025)]
    # threshold_every_year: the latest year (2025) decides; 64.8 >= 63 -> met; gap = 64.8 - 63 = 1.8.
    assert row["status"] == "met"
    assert row["latest_year"] == 2025
    assert row["latest_value"] == pytest.approx(value) == 64.8
    assert row["gap"] == pytest.approx(value - 63) == pytest.approx(1.8)


def test_self_financing_is_not_met(con, snapshot_values):
    row = _goal_status(con, "self_financing_min_75")
    value = snapshot_values[("N03103", 2025)]
    # 72.4 < 75 -> not_met; gap = 72.4 - 75 = -2.6.
    assert row["status"] == "not_met"
    assert row["latest_year"] == 2025
    assert row["latest_value"] == pytest.approx(value) == 72.4
    assert row["gap"] == pytest.approx(value - 75) == pytest.approx(-2.6)


def test_result_share_period_average_is_on_track(con, snapshot_values):
    row = _goal_status(con, "result_share_avg_2023_2026")
    known = [snapshot_values[("N03102", y)] for y in (2023, 2024, 2025)]
    # Average so far = (4.6 + 1.1 + 2.4) / 3 = 8.1 / 3 = 2.7.
    # One year (2026) remains; required = (2 x (3 + 1) - 8.1) / 1 = -0.1.
    # The latest value, 2.4, is >= -0.1 -> on_track; gap = 2.7 - 2 = 0.7.
    average = fmean(known)
    required = (2 * (len(known) + 1) - sum(known)) / 1
    assert average == pytest.approx(2.7)
    assert required == pytest.approx(-0.1)
    assert row["status"] == "on_track"
    assert row["average_so_far"] == pytest.approx(average)
    assert row["assessed_value"] == pytest.approx(average)
    assert row["required_per_remaining_year"] == pytest.approx(required)
    assert row["gap"] == pytest.approx(average - 2) == pytest.approx(0.7)
    assert row["years_with_data"] == 3
    assert row["years_remaining"] == 1
    assert row["latest_year"] == 2025
    assert row["latest_value"] == pytest.approx(2.4)
    assert (row["period_start"], row["period_end"]) == (2023, 2026)


def test_result_share_2025_is_not_met(con, snapshot_values):
    row = _goal_status(con, "result_share_2025")
    value = snapshot_values[("N03102", 2025)]
    # 2.4 < 3 -> not_met (final); gap = 2.4 - 3 = -0.6.
    assert row["status"] == "not_met"
    assert row["assessed_year"] == 2025
    assert row["assessed_value"] == pytest.approx(value) == 2.4
    assert row["gap"] == pytest.approx(value - 3) == pytest.approx(-0.6)


# --- every goal of the plan ----------------------------------------------------------------------


def test_every_goal_and_target_of_the_plan_is_in_goal_status(con):
    plan = load_plan()
    rows = _rows(con, "SELECT goal_id, target_id, target_kind, status, measurable FROM marts.goal_status")
    assert sorted(r["goal_id"] for r in rows) == sorted(g.id for g, _ in plan.targets())
    assert sorted(r["target_id"] for r in rows) == sorted(t.id for _, t in plan.targets())
    assert {r["status"] for r in rows} <= STATUSES
    for r in rows:
        if r["target_kind"] == "none" and r["goal_id"] not in IN_PROGRESS:
            assert r["status"] == "no_numeric_target", r
            assert r["measurable"] is False, r
    qualitative = {r["goal_id"] for r in rows if r["status"] == "no_numeric_target"} - IN_PROGRESS
    assert qualitative == {
        "direction_business_climate",
        "city_direction_innovation",
        "city_direction_safety",
        "city_direction_quality_of_life",
        "city_direction_employment",
    }


def test_status_vocabulary_everywhere(con):
    for table in ("core.target_assessment", "core.target_year_status", "marts.indicator_vs_target"):
        statuses = {s for (s,) in con.execute(f"SELECT DISTINCT status FROM {table}").fetchall()}
        assert statuses <= STATUSES, (table, statuses - STATUSES)


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
            "SELECT value, source_id FROM core.fact_indicator_value WHERE indicator_id = ? AND year = ?",
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
    facts = {s for (s,) in con.execute("SELECT DISTINCT raw_sha256 FROM core.fact_indicator_value").fetchall()}
    payloads = {s for (s,) in con.execute("SELECT sha256 FROM raw.payload").fetchall()}
    # Every Kolada value comes from the one recorded data body, whose hash we compute ourselves.
    kolada = {s for (s,) in con.execute("SELECT DISTINCT raw_sha256 FROM core.fact_indicator_value WHERE source = 'kolada'").fetchall()}
    assert kolada == {hashlib.sha256(_data_body_path().read_bytes()).hexdigest()}
    assert facts <= payloads, facts - payloads
    # Every registered payload (metadata too) is in the archive, byte for byte.
    for sha in payloads:
        obj = archive / "objects" / sha[:2] / sha
        assert obj.is_file(), obj
        assert hashlib.sha256(obj.read_bytes()).hexdigest() == sha


def test_fact_table_matches_the_snapshot_value_for_value(con, snapshot_values):
    plan = load_plan()
    indicator_by_kpi = {i.source_id: i.id for i in plan.indicators_from("kolada")}
    rows = con.execute("SELECT indicator_id, year, value FROM core.fact_indicator_value WHERE source = 'kolada'").fetchall()
    got = {(i, y): v for i, y, v in rows}
    expected = {(indicator_by_kpi[kpi], y): v for (kpi, y), v in snapshot_values.items()}
    assert got == expected


# --- re-running on unchanged inputs --------------------------------------------------------------


def _archive_files(archive: Path) -> list[str]:
    return sorted(str(p.relative_to(archive)) for p in archive.rglob("*") if p.is_file())


def test_rerun_with_unchanged_inputs_adds_nothing(warehouse):
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
        refresh(Settings(warehouse_path=warehouse, source_mode="replay", as_of=AS_OF))

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
