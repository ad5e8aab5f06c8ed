"""SCB quarters to years, in the warehouse's own SQL (sql/load/replace_scb_values.sql and
sql/models/staging/scb_period.sql) on a real DuckDB: sums, NULLs, whole and year-to-date years, and the
plan's preliminary window."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from indicator_pipeline.catalog import parse_plan
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.steps.scb import STAGED_SCHEMA
from indicator_pipeline.warehouse.models import apply_schema
from indicator_pipeline.warehouse.sql import run_script

SMALL = "ContentsCode=BO0101A4;Hustyp=SMÅHUS"
BLOCK = "ContentsCode=BO0101A4;Hustyp=FLERBO"

PLAN = parse_plan(
    {
        "plan": {"id": "p", "title": "t", "municipality_code": "1283", "municipality_name": "Helsingborg", "plan_year": 2025},
        "indicators": [
            {"id": "small", "title": "s", "unit": "dwellings", "source": "scb", "source_id": "TAB4572",
             "source_selection": {"Hustyp": "SMÅHUS", "ContentsCode": "BO0101A4"}, "preliminary_periods": 4},
            {"id": "block", "title": "b", "unit": "dwellings", "source": "scb", "source_id": "TAB4572",
             "source_selection": {"ContentsCode": "BO0101A4", "Hustyp": "FLERBO"}, "preliminary_periods": 4},
            # the same cells read as a stock (the year's last quarter) and as a mean, with no revision window
            {"id": "stock", "title": "k", "unit": "dwellings", "source": "scb", "source_id": "TAB5000",
             "source_selection": {"Hustyp": "SMÅHUS", "ContentsCode": "BO0101A3"}, "year_from_periods": "last"},
            {"id": "level", "title": "m", "unit": "dwellings", "source": "scb", "source_id": "TAB5000",
             "source_selection": {"Hustyp": "FLERBO", "ContentsCode": "BO0101A3"}, "year_from_periods": "mean"},
        ],
        "goals": [{"id": "g", "title": "g", "targets": [{"id": "none", "kind": "none"}]}],
    }
)


def cells(selection_key: str, quarters: dict[str, float | None], status: dict[str, str] | None = None) -> list[dict]:
    status = status or {}
    return [
        {
            "table_id": "TAB4572", "region": "1283", "selection_key": selection_key, "period": period,
            "value": value, "status": status.get(period),
            "table_updated": "2026-11-13T07:00:00Z", "raw_sha256": f"sha-{period}",
            "source_url": "https://statistikdatabasen.scb.se/api/v2/tables/TAB4572/data?lang=sv&outputFormat=json-stat2",
            "retrieved_at": "2026-11-20T03:00:00+00:00",
        }
        for period, value in quarters.items()
    ]


@pytest.fixture
def con():
    with duckdb.connect() as con:
        apply_schema(con)
        load_catalogues(con, [PLAN])
        yield con


def stage(con, rows: list[dict]) -> None:
    run_script(con, "load/replace_scb_values.sql", {"incoming": pl.DataFrame(rows, schema=STAGED_SCHEMA)})


def yearly(con, indicator_id: str, with_complete: bool = False) -> dict[int, tuple]:
    rows = con.execute(
        "SELECT year, value, preliminary, source_status, complete FROM staging.scb_observation WHERE indicator_id = ? ORDER BY year",
        [indicator_id],
    ).fetchall()
    return {year: (value, preliminary, status, complete)[: 4 if with_complete else 3] for year, value, preliminary, status, complete in rows}


def test_quarters_sum_to_years_with_preliminary_flags(con):
    stage(
        con,
        cells(
            SMALL,
            {
                # 2019: complete and final: 10 + 20 + 30 + 40 = 100.
                "2019K1": 10, "2019K2": 20, "2019K3": 30, "2019K4": 40,
                # 2020: K2 not published ('..', null): 5 + 7 + 8 = 20, preliminary, never counted as 0.
                "2020K1": 5, "2020K2": None, "2020K3": 7, "2020K4": 8,
                # 2021: every quarter '..': no value at all -> NULL, not 0.
                "2021K1": None, "2021K2": None, "2021K3": None, "2021K4": None,
                # 2022: the current year, K4 not yet a row: 1 + 2 + 3 = 6 so far, year to date, preliminary.
                "2022K1": 1, "2022K2": 2, "2022K3": 3,
            },
            status={"2020K2": "..", "2021K1": "..", "2021K2": "..", "2021K3": "..", "2021K4": ".."},
        )
        + cells(
            # A series whose latest published quarter is a year's last: 2025 has all four, but they are
            # the four latest, inside the revision window, so 2025 is preliminary (60 + 70 + 80 + 90 =
            # 300); 2024 is final (4 x 50 = 200).
            BLOCK,
            {"2024K1": 50, "2024K2": 50, "2024K3": 50, "2024K4": 50,
             "2025K1": 60, "2025K2": 70, "2025K3": 80, "2025K4": 90},
        ),
    )
    assert yearly(con, "small", with_complete=True) == {
        2019: (100.0, False, None, True),
        2020: (20.0, True, "2020K2 ..; 3 of 4 quarters, year to date (missing 2020K2)", False),
        2021: (None, True, "2021K1 ..; 2021K2 ..; 2021K3 ..; 2021K4 ..; 0 of 4 quarters, year to date "
                           "(missing 2021K1, 2021K2, 2021K3, 2021K4)", False),
        2022: (6.0, True, "2022K1, 2022K2, 2022K3 preliminary: among the 4 latest published periods, which SCB revises; 3 of 4 quarters, year to date (missing 2022K4)", False),
    }
    assert yearly(con, "block", with_complete=True) == {
        2024: (200.0, False, None, True),
        2025: (300.0, True, "2025K1, 2025K2, 2025K3, 2025K4 preliminary: among the 4 latest published periods, which SCB revises", True),
    }


def test_the_revision_window_counts_back_from_the_latest_published_quarter(con):
    # Latest published: 2026K2. The window of four is 2025K3-2026K2: 2025 is whole but preliminary
    # (SCB: about 2 % underestimated after a year), 2024 is final; 2026K3 '..' is not "published".
    quarters = {f"{y}K{q}": 10 for y in (2024, 2025) for q in range(1, 5)} | {"2026K1": 5, "2026K2": 6, "2026K3": None}
    stage(con, cells(SMALL, quarters, status={"2026K3": ".."}))
    assert yearly(con, "small", with_complete=True) == {
        2024: (40.0, False, None, True),
        2025: (40.0, True, "2025K3, 2025K4 preliminary: among the 4 latest published periods, which SCB revises", True),
        2026: (11.0, True, "2026K3 ..; 2026K1, 2026K2 preliminary: among the 4 latest published periods, which SCB revises; 2 of 4 quarters, year to date (missing 2026K3, 2026K4)", False),
    }
    flags = con.execute(
        "SELECT period, period_preliminary FROM staging.scb_period WHERE indicator_id = 'small' AND period >= '2025K2' ORDER BY period"
    ).fetchall()
    assert flags == [("2025K2", False), ("2025K3", True), ("2025K4", True), ("2026K1", True), ("2026K2", True), ("2026K3", True)]


def test_a_stock_takes_the_years_last_quarter_and_a_level_the_mean(con):
    stock = "ContentsCode=BO0101A3;Hustyp=SMÅHUS"
    level = "ContentsCode=BO0101A3;Hustyp=FLERBO"
    rows = cells(stock, {"2024K1": 1, "2024K2": 2, "2024K3": 3, "2024K4": 4, "2025K1": 7, "2025K2": 8}) + cells(
        level, {"2024K1": 1, "2024K2": 2, "2024K3": 3, "2024K4": 6, "2025K1": 7, "2025K2": None}
    )
    stage(con, [{**row, "table_id": "TAB5000"} for row in rows])
    assert yearly(con, "stock", with_complete=True) == {
        2024: (4.0, False, None, True),
        2025: (8.0, False, "2 of 4 quarters, year to date (missing 2025K3, 2025K4)", False),  # the latest so far
    }
    assert yearly(con, "level", with_complete=True)[2024] == (3.0, False, None, True)
    assert yearly(con, "level", with_complete=True)[2025][3] is False


def test_staging_flags_cells_with_a_status_symbol(con):
    stage(con, cells(SMALL, {"2025K4": 9, "2026K1": 4, "2026K2": None}, status={"2026K2": ".."}))
    rows = con.execute(
        "SELECT period, value, status, preliminary, preliminary_note FROM staging.scb_values ORDER BY period"
    ).fetchall()
    assert rows == [
        ("2025K4", 9.0, None, False, None),
        ("2026K1", 4.0, None, False, None),  # the revision window is the plan's, applied per indicator
        ("2026K2", None, "..", True, "SCB status '..' (value not published)"),
    ]


def test_year_with_a_missing_quarter_row_is_never_a_whole_year(con):
    # 2023K3 has no row at all (not in the answer): 2023 is a partial sum, year to date.
    stage(con, cells(SMALL, {"2023K1": 1, "2023K2": 1, "2023K4": 1, "2024K1": 1}))
    assert yearly(con, "small", with_complete=True)[2023] == (3.0, True, "2023K2, 2023K4 preliminary: among the 4 latest published periods, which SCB revises; 3 of 4 quarters, year to date (missing 2023K3)", False)


def test_cells_of_other_selections_tables_or_periodicities_map_to_no_indicator(con):
    rows = cells(SMALL, {"2024K1": 1})
    stage(
        con,
        rows
        + [{**rows[0], "region": "1280"}, {**rows[0], "selection_key": "ContentsCode=BO0101A3;Hustyp=SMÅHUS"},
           {**rows[0], "table_id": "TAB9999"}, {**rows[0], "period": "2024M01"}],
    )
    observed = con.execute("SELECT municipality_code, indicator_id, year FROM staging.scb_observation").fetchall()
    # Another region is the same indicator for another municipality (as with Kolada); the assessment
    # reads the plan's municipality only.
    assert sorted(observed) == [("1280", "small", 2024), ("1283", "small", 2024)]


def test_observation_view_has_exactly_the_kolada_observation_shape(con):
    def shape(view: str) -> list[tuple[str, str]]:
        return con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'staging' AND table_name = ? ORDER BY ordinal_position",
            [view],
        ).fetchall()

    assert shape("scb_observation") == shape("kolada_observation")
    stage(con, cells(SMALL, {"2024K1": 1, "2024K2": 2, "2024K3": 3, "2024K4": 4}))
    union = con.execute(
        "SELECT indicator_id, year, value, preliminary, source, source_id FROM staging.observation WHERE source = 'scb'"
    ).fetchall()
    assert union == [("small", 2024, 10.0, True, "scb", "TAB4572")]  # 2024K4 is the latest quarter: preliminary
