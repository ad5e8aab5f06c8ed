"""A file drop that becomes current again at the same observation time as a newer one wins (issue 17):
ties at one observed_at instant go to the latest load, and drops in an explicit landing folder are
observed when they arrive, also when the API answers are replayed."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
from pipeline_drops import BUNDLED_DROPS, SELF_BUILD

from indicator_pipeline.cli import main
from indicator_pipeline.settings import Settings
from indicator_pipeline.steps import filedrop
from indicator_pipeline.steps.facts import add_vintages
from indicator_pipeline.warehouse.sql import run_script

RECORDED = datetime(2026, 11, 20, tzinfo=timezone.utc)  # the bundled snapshot's recording day
TYPO = "self_build_plots_2026-12-01.csv"  # the 2025 starts typed 830 instead of 83


def _vintages(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT value, observed_at FROM core.indicator_value_vintage "
            "WHERE indicator_id = 'self_build_plot_starts' AND year = 2025 ORDER BY loaded_at"
        ).fetchall()


def _current(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT value FROM core.fact_indicator_value WHERE indicator_id = 'self_build_plot_starts' AND year = 2025"
        ).fetchall()


def test_deleting_a_typo_file_restores_the_good_one_when_every_drop_is_observed_at_one_instant(
    copy_bundled_warehouse, tmp_path, monkeypatch
):
    # The offline warehouse loaded the good self-build file, observed on the recording day. The clock
    # stands still at that very instant, so the typo and the good file current again are observed
    # then too: only the load order can tell which is current.
    monkeypatch.setattr(filedrop, "wall_clock", lambda: RECORDED)
    warehouse = copy_bundled_warehouse(tmp_path / "warehouse")
    landing = tmp_path / "landing"
    landing.mkdir()
    good = (BUNDLED_DROPS / SELF_BUILD).read_text(encoding="utf-8")
    (landing / SELF_BUILD).write_text(good, encoding="utf-8")
    args = ["refresh", "--offline", "--warehouse", str(warehouse), "--landing-dir", str(landing)]
    assert main(args) == 0
    assert _current(warehouse) == [(83,)]

    assert good.count("2025;83;") == 1
    (landing / TYPO).write_text(good.replace("2025;83;", "2025;830;"), encoding="utf-8")
    assert main(args) == 0
    assert _current(warehouse) == [(830,)]

    (landing / TYPO).unlink()
    assert main(args) == 0
    assert _current(warehouse) == [(83,)]  # the good file is current again
    assert _vintages(warehouse) == [(83, RECORDED), (830, RECORDED), (83, RECORDED)]  # the history keeps all three


@pytest.mark.parametrize("landing_dir", [None, Path("drops")])
def test_replayed_drops_are_observed_on_the_recording_day_only_from_the_snapshot_itself(landing_dir, tmp_path, monkeypatch):
    """The snapshot's own read-only filedrop/ replays at the recording's time (the bundled run stays
    reproducible); an explicit landing folder is live input: observed now, in every mode."""
    now = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)
    monkeypatch.setattr(filedrop, "wall_clock", lambda: now)
    landing = tmp_path / landing_dir if landing_dir else None
    replayed = Settings(warehouse_path=tmp_path / "w.duckdb", source_mode="replay", landing_dir=landing)
    assert filedrop.retrieval_time(replayed) == (now if landing else RECORDED)
    for mode in ("live", "record"):
        settings = Settings(warehouse_path=tmp_path / "w.duckdb", source_mode=mode, snapshot_dir=tmp_path / "s", landing_dir=landing)
        assert filedrop.retrieval_time(settings) == now


# --- the vintage rule itself: one observed_at instant, several loads --------------------------------

OBSERVATION = """
CREATE OR REPLACE TABLE staging.observation AS
SELECT '1283' AS municipality_code, 'starts' AS indicator_id, 2025 AS year, CAST($value AS DOUBLE) AS value,
       'count' AS unit, false AS preliminary, true AS complete, 'filedrop' AS source, 'self_build_plots' AS source_id,
       CAST(NULL AS VARCHAR) AS source_status, TIMESTAMPTZ '2026-11-20 00:00:00+00' AS retrieved_at,
       TIMESTAMPTZ '2026-11-20 00:00:00+00' AS observed_at, $sha AS raw_sha256, false AS withdrawn, 'source' AS value_provenance
"""


@pytest.fixture
def vintages() -> duckdb.DuckDBPyConnection:
    """The vintage table, its latest-vintage macro and view, and a one-row staging.observation."""
    con = duckdb.connect()
    for schema in ("core", "staging"):
        con.execute(f"CREATE SCHEMA {schema}")
    for script in ("tables/core/indicator_value_vintage.sql", "macros/core/latest_vintage_at.sql"):
        run_script(con, script)
    con.execute("CREATE VIEW core.latest_vintage AS SELECT * FROM core.latest_vintage_at(TIMESTAMPTZ 'infinity')")
    con.execute(
        "CREATE TABLE staging.observation_coverage (municipality_code VARCHAR, indicator_id VARCHAR, year_from INTEGER,"
        " year_to INTEGER, observed_at TIMESTAMPTZ, raw_sha256 VARCHAR)"
    )
    yield con
    con.close()


def _load(con: duckdb.DuckDBPyConnection, value: float, sha: str):
    con.execute(OBSERVATION, {"value": value, "sha": sha})
    return add_vintages(con)


def _known(con: duckdb.DuckDBPyConnection, at: str) -> list[tuple]:
    return con.execute(f"SELECT value FROM core.latest_vintage_at(TIMESTAMPTZ '{at}')").fetchall()


def test_loads_tied_at_one_observed_instant_resolve_to_the_later_load(vintages):
    con = vintages
    assert _load(con, 83, "good").values == 1
    assert _load(con, 830, "typo").values == 1
    assert _known(con, "infinity") == [(830,)]
    assert _load(con, 83, "good").values == 1  # the same value at the same instant as the first load: newer now
    assert _known(con, "infinity") == _known(con, "2026-11-20 00:00:00+00") == [(83,)]
    assert _load(con, 83, "good").values == 0  # and loading it again adds nothing
    assert con.execute("SELECT count(*) FROM core.indicator_value_vintage").fetchone() == (3,)


def test_the_later_load_wins_a_tie_even_if_the_clock_went_back(vintages):
    con = vintages
    _load(con, 83, "good")
    _load(con, 830, "typo")
    # the machine's clock is set back a day before the next load: loaded_at must still order the loads
    con.execute("UPDATE core.indicator_value_vintage SET loaded_at = loaded_at + INTERVAL 1 DAY")
    assert _load(con, 83, "good").values == 1
    assert _known(con, "infinity") == [(83,)]
    loaded = [t for (t,) in con.execute("SELECT loaded_at FROM core.indicator_value_vintage ORDER BY value DESC, loaded_at").fetchall()]
    assert loaded[0] < loaded[2] and len(set(loaded)) == 3
