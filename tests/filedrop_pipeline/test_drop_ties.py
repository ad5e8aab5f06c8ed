"""Loads tied at one observed_at instant resolve to the later load (issue 17)."""

from __future__ import annotations

import duckdb
import pytest

from indicator_pipeline.steps.facts import add_vintages
from indicator_pipeline.warehouse.sql import run_script

# --- the vintage rule itself: one observed_at instant, several loads --------------------------------

OBSERVATION = """
CREATE OR REPLACE TABLE staging.observation AS
SELECT '1283' AS municipality_code, 'starts' AS indicator_id, 2025 AS year, CAST($value AS DOUBLE) AS value,
       'count' AS unit, false AS preliminary, true AS complete, 'filedrop' AS source, 'self_build_plots' AS source_id,
       CAST(NULL AS VARCHAR) AS source_status, TIMESTAMPTZ '2026-11-20 00:00:00+00' AS retrieved_at,
       TIMESTAMPTZ '2026-11-20 00:00:00+00' AS observed_at, $sha AS raw_sha256, false AS withdrawn
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
