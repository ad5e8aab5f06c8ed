"""The example queries a BI user starts from (sql/queries/, shown in docs/bi-access.md) run against the bundled
warehouse, read-only, and return rows."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from indicator_pipeline.warehouse.sql import SQL_DIR, query

BI_GUIDE = SQL_DIR.parent / "docs" / "bi-access.md"
RECORDED = datetime(2026, 11, 20, 23, 59, 59, tzinfo=timezone(timedelta(hours=1)))  # the bundled recording's day
EXAMPLES = {
    "goal_overview.sql": {},
    "goal_series.sql": {"target_id": "nki_2025"},
    "data_quality_over_time.sql": {},
    "reported_on_date.sql": {"reported_by": datetime.now(timezone.utc) + timedelta(days=1)},
    "values_known_at.sql": {"known_at": RECORDED, "municipality_code": "1283"},
    "source_freshness.sql": {},
}


def scalar(con, sql: str):
    (row,) = con.execute(sql).fetchall()
    return row[0]


@pytest.fixture(scope="module")
def con(bundled_refresh):
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as connection:
        yield connection


def test_every_query_file_is_an_example_here_and_in_the_bi_guide():
    guide = BI_GUIDE.read_text(encoding="utf-8")
    files = {p.name for p in (SQL_DIR / "queries").glob("*.sql")} - {"goal_status_report.sql"}  # the status command's
    assert files == set(EXAMPLES)
    assert [name for name in EXAMPLES if f"sql/queries/{name}" not in guide] == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_query_returns_rows(con, name):
    frame = query(con, f"queries/{name}", EXAMPLES[name])
    assert frame.height > 0, name


def test_the_examples_say_what_they_promise(con):
    overview = query(con, "queries/goal_overview.sql")
    nki = overview.filter(overview["target_text"].is_not_null() & (overview["gap_sv"] == "\u22120,7"))
    assert nki.height == 1 and nki["status"][0] == "not_met"
    series = query(con, "queries/goal_series.sql", {"target_id": "nki_2025"})
    assert set(series["role"]) == {"target", "context"}
    assert series.filter(series["role"] == "target")["target_value"].unique().to_list() == [76.0]
    quality = query(con, "queries/data_quality_over_time.sql")
    assert quality["expectations"].sum() == scalar(con, "SELECT count(*) FROM meta.validation_result")
    assert query(con, "queries/reported_on_date.sql", {"reported_by": datetime(2000, 1, 1, tzinfo=timezone.utc)}).height == 0
    reported = query(con, "queries/reported_on_date.sql", EXAMPLES["reported_on_date.sql"])
    assert reported.height == scalar(con, "SELECT count(*) FROM core.dim_target")
    then = query(con, "queries/values_known_at.sql", EXAMPLES["values_known_at.sql"])
    assert not then["revised_since"].any()  # nothing observed after the recording day
    assert query(con, "queries/values_known_at.sql", {"known_at": datetime(2000, 1, 1, tzinfo=timezone.utc), "municipality_code": "1283"}).height == 0
