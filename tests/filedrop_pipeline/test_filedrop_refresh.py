"""File drops through the whole Dagster graph: the bundled drops offline, and a bad drop in a landing folder."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pipeline_drops import BUNDLED, BUNDLED_DROPS, SELF_BUILD, tree

from indicator_pipeline.cli import main

AS_OF = date(2026, 11, 20)  # snapshot.json "recorded_on"
MEASURED = {"met", "not_met", "on_track", "off_track"}
DROP_FILES = {
    "safety_survey": "safety_survey_2026-02-13.csv",
    "financial_statements": "financial_statements_2026-03-16.csv",
    "self_build_plots": SELF_BUILD,
    "sellable_land": "sellable_land_2026-02-10.xlsx",
}


def _query(path: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _facts(path: Path, indicator_id: str) -> list[tuple]:
    sql = (
        "SELECT year, value, preliminary FROM core.fact_indicator_value "
        "WHERE indicator_id = ? AND municipality_code = '1283' ORDER BY year"
    )
    return _query(path, sql, [indicator_id])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the bundled snapshot, offline -----------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(bundled_refresh) -> tuple[Path, dict, dict]:
    """The suite's one offline refresh of the bundled snapshot (tests/conftest.py), read-only here, with
    the bundled snapshot's tree before and after it."""
    return bundled_refresh.path, bundled_refresh.snapshot_before, bundled_refresh.snapshot_after


def test_offline_refresh_never_touches_the_bundled_drops(bundled):
    path, before, after = bundled
    assert before == after == tree(BUNDLED)  # ... nor did any test since
    assert any(name.startswith("filedrop/") for name in before)
    assert not (BUNDLED.parent / "quarantine").exists() and not (BUNDLED / "quarantine").exists()


def test_every_bundled_drop_is_staged_and_registered(bundled):
    path, _, _ = bundled
    counts = {kind: _query(path, f"SELECT count(*) FROM staging.filedrop_{kind}")[0][0] for kind in DROP_FILES}
    assert counts == {"safety_survey": 35, "financial_statements": 48, "self_build_plots": 4, "sellable_land": 8}
    payloads = _query(path, "SELECT dataset, location, sha256, licence FROM raw.payload WHERE source = 'filedrop' ORDER BY 1")
    assert [(d, loc, sha) for d, loc, sha, _ in payloads] == [
        (f"filedrop_{kind}", name, _sha256(BUNDLED_DROPS / name)) for kind, name in sorted(DROP_FILES.items())
    ]
    assert {licence for *_, licence in payloads} == {"Helsingborgs stad"}
    archive = path.parent / "archive"
    for _, _, sha, _ in payloads:
        assert _sha256(archive / "objects" / sha[:2] / sha) == sha


def test_self_build_starts_and_sellable_land_become_indicator_values(bundled):
    path, _, _ = bundled
    assert _facts(path, "self_build_plot_starts") == [(2022, 95, False), (2023, 61, False), (2024, 58, False), (2025, 83, False)]
    # hectares summed over the year's areas; 2025 is preliminary because its Norra Ekeberga row is
    assert _facts(path, "sellable_business_land") == [(2022, 14.0, False), (2023, 27.5, False), (2024, 27.5, False), (2025, 41.0, True)]
    sources = _query(
        path,
        "SELECT DISTINCT indicator_id, source, source_id, municipality_code FROM core.fact_indicator_value "
        "WHERE source = 'filedrop' AND source_id <> 'safety_survey' ORDER BY 1",
    )
    assert sources == [
        ("self_build_plot_starts", "filedrop", "self_build_plots", "1283"),
        ("sellable_business_land", "filedrop", "sellable_land", "1283"),
    ]


def test_new_business_land_shows_its_latest_hectares(bundled):
    path, _, _ = bundled
    [(status, year, value)] = _query(
        path,
        "SELECT status, latest_year, latest_value FROM marts.goal_status"
        " WHERE target_id = 'new_business_land__sellable_business_land'",
    )
    assert (status, year, value) == ("improving", 2025, 41.0)  # more land each year 2022-2025, no number set


def test_self_build_share_is_measured_once_smallhouse_starts_are_there(bundled):
    path, _, _ = bundled
    assert _facts(path, "smallhouse_starts")  # SCB is wired: no skipping any more
    [(status, share)] = _query(
        path, "SELECT status, share_so_far FROM core.target_assessment WHERE target_id = 'self_build_share_2022_2026'"
    )
    assert status in MEASURED
    starts = dict((y, v) for y, v, _ in _facts(path, "smallhouse_starts"))
    expected = (95 + 61 + 58 + 83) / sum(starts[y] for y in range(2022, 2026))
    assert share == pytest.approx(expected)


# --- a bad drop in a writable landing folder --------------------------------------------------------


def test_bad_drop_fails_the_refresh_is_quarantined_and_changes_nothing(bundled, tmp_path, capsys):
    # Start from the published offline warehouse and its archive; then the city drops files into a
    # writable landing folder (explicit --landing-dir) while the APIs are still replayed.
    warehouse = tmp_path / "warehouse" / "indicators.duckdb"
    shutil.copytree(bundled[0].parent, warehouse.parent, ignore=shutil.ignore_patterns(".work", "*.lock"))
    archive = warehouse.parent / "archive"
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(BUNDLED_DROPS / SELF_BUILD, landing)  # the very file the offline run loaded
    bad = landing / "self_build_plots_2026-06-01.csv"
    bad_text = (BUNDLED_DROPS / SELF_BUILD).read_text(encoding="utf-8").replace("2023;61;", "2023;sextioett;")
    bad.write_text(bad_text, encoding="utf-8")
    published = _sha256(warehouse)
    archived = tree(archive)
    vintages = _query(warehouse, "SELECT count(*), max(loaded_at) FROM core.indicator_value_vintage")
    staged = {kind: _query(warehouse, f"SELECT * FROM staging.filedrop_{kind} ORDER BY ALL") for kind in DROP_FILES}
    args = ["refresh", "--offline", "--warehouse", str(warehouse), "--landing-dir", str(landing), "--as-of", AS_OF.isoformat()]

    assert main(args) == 1

    reason = "self_build_plots_2026-06-01.csv row 3, column self_build_starts: 'sextioett' is not a number"
    stderr = capsys.readouterr().err
    assert "indicator-pipeline refresh failed: filedrop_self_build_plots:" in stderr and reason in stderr
    quarantined = tmp_path / "quarantine" / bad.name
    assert quarantined.read_text(encoding="utf-8") == bad_text
    assert (tmp_path / "quarantine" / f"{bad.name}.reason.txt").read_text(encoding="utf-8").startswith(reason + "\n")
    assert sorted(p.name for p in landing.iterdir()) == [SELF_BUILD]
    assert _sha256(warehouse) == published  # the published warehouse, byte for byte
    assert tree(archive) == archived  # nothing of the bad file was archived

    # Without the bad file the next refresh works. The landing folder holds the same self-build file
    # the offline run loaded and no file of the other kinds: nothing changes anywhere.
    assert main(args) == 0
    assert _query(warehouse, "SELECT count(*), max(loaded_at) FROM core.indicator_value_vintage") == vintages
    assert tree(archive) == archived
    assert {kind: _query(warehouse, f"SELECT * FROM staging.filedrop_{kind} ORDER BY ALL") for kind in DROP_FILES} == staged
    assert _facts(warehouse, "self_build_plot_starts") == [(2022, 95, False), (2023, 61, False), (2024, 58, False), (2025, 83, False)]
