"""The example queries a BI user starts from (sql/queries/, shown in docs/bi-access.md) run against the bundled
warehouse, read-only, and return rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import duckdb
import pytest

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.quality import EXPECTATIONS_DIR
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


TARGETS = len(list(load_plan().targets()))  # the bundled plan's, 15
# How many rows each example returns on the bundled warehouse, counted without the example's SQL.
ROWS = {
    "goal_overview.sql": lambda con: TARGETS,  # one row per target
    "goal_series.sql": lambda con: 2 + 8,  # NKI 2024-2025 and its old definition 2016-2023 (test below)
    "data_quality_over_time.sql": lambda con: len(list(EXPECTATIONS_DIR.glob("*.json"))),  # one run, every suite once
    "reported_on_date.sql": lambda con: TARGETS,  # every target was reported by tomorrow
    # Every value of the plan's municipality: all were observed by the recording day.
    "values_known_at.sql": lambda con: scalar(con, "SELECT count(*) FROM core.fact_indicator_value WHERE municipality_code = '1283'"),
    "source_freshness.sql": lambda con: 6,  # Kolada, SCB and the four file drops
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_query_returns_the_rows_it_promises(con, name):
    frame = query(con, f"queries/{name}", EXAMPLES[name])
    assert frame.height == ROWS[name](con), name


def test_the_series_and_freshness_examples_return_the_recorded_years_and_days(con):
    series = query(con, "queries/goal_series.sql", {"target_id": "nki_2025"})
    assert series.select("role", "indicator_id", "year").rows() == [
        ("target", "nki_total", 2024), ("target", "nki_total", 2025),
        *(("context", "nki_total_old_definition", year) for year in range(2016, 2024)),
    ]
    freshness = query(con, "queries/source_freshness.sql")
    assert dict(freshness.rows()) == {
        source: date(2026, 11, 20)  # the recording's day, for the APIs and the recorded drops alike
        for source in ("kolada", "scb", "filedrop_financial_statements", "filedrop_safety_survey",
                       "filedrop_self_build_plots", "filedrop_sellable_land")
    }


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
