"""Display helpers: decimals on goal rows, rounding half away from zero, Swedish text."""

from __future__ import annotations

import duckdb
import pytest

from indicator_pipeline.warehouse.models import apply_schema


@pytest.fixture(scope="module")
def fresh():
    with duckdb.connect() as con:
        apply_schema(con)
        yield con


@pytest.mark.parametrize(
    ("x", "decimals", "rounded", "text"),
    [
        (0.35, 1, 0.4, "0,4"),
        (-0.25, 1, -0.3, "\u22120,3"),
        (2.5, 0, 3.0, "3"),
        (-0.7000000000000028, 1, -0.7, "\u22120,7"),
        (1.005, 2, 1.0, "1,00"),  # 1.005 * 100 is 100.49999999999999 as a double
        (-0.04, 1, 0.0, "0,0"),  # never -0
        (1234567.891, 2, 1234567.89, "1\u00a0234\u00a0567,89"),
    ],
)
def test_round_display_and_format_sv(fresh, x, decimals, rounded, text):
    got = fresh.execute("SELECT marts.round_display(?::DOUBLE, ?), marts.format_sv(?::DOUBLE, ?)", [x, decimals, x, decimals]).fetchone()
    assert got == (rounded, text)


@pytest.fixture(scope="module")
def bundled(bundled_refresh):
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        yield con


def rows(con, sql, params=None):
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def test_goal_rows_carry_the_indicators_decimals(bundled):
    got = {r["target_id"]: r for r in rows(bundled, "SELECT target_id, target_kind, unit, decimals FROM marts.goal_status")}
    assert got["nki_2025"]["decimals"] == 1
    assert got["smallhouse_starts_avg_2022_2026"]["decimals"] == 0
    assert got["self_build_share_2022_2026"]["unit"] == "share" and got["self_build_share_2022_2026"]["decimals"] == 3
    expected = dict(bundled.execute(
        "SELECT t.target_id, i.decimals FROM core.dim_target t JOIN core.dim_indicator i USING (plan_id, indicator_id)"
        " WHERE t.target_kind <> 'share'"
    ).fetchall())
    assert {k: got[k]["decimals"] for k in expected} == expected


def test_the_display_view_rounds_and_writes_swedish(bundled):
    raw = rows(bundled, "SELECT gap FROM marts.goal_status WHERE target_id = 'nki_2025'")[0]
    assert raw["gap"] != -0.7 and abs(raw["gap"] + 0.7) < 1e-9  # stored unrounded
    nki = rows(bundled, "SELECT * FROM marts.goal_status_display WHERE target_id = 'nki_2025'")[0]
    assert (nki["latest_value"], nki["target_value"], nki["gap"]) == (75.3, 76.0, -0.7)
    assert (nki["latest_value_sv"], nki["target_value_sv"], nki["gap_sv"]) == ("75,3", "76,0", "\u22120,7")
    share = rows(bundled, "SELECT * FROM marts.goal_status_display WHERE target_id = 'self_build_share_2022_2026'")[0]
    assert share["target_value_sv"] == "33,3 %" and share["latest_value_sv"].endswith(" %")
    result = rows(bundled, "SELECT * FROM marts.goal_status_display WHERE target_id = 'result_share_2025'")[0]
    assert result["gap_sv"].startswith("+") and result["latest_value_sv"].endswith(" %")
    assert bundled.execute("SELECT count(*) FROM marts.goal_status_display").fetchone() == bundled.execute(
        "SELECT count(*) FROM marts.goal_status").fetchone()
