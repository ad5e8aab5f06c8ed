"""What a file-drop indicator measures is in the plan file (kind, value column, rows, how a year's rows
make its value), read by the warehouse's own SQL (sql/models/staging/filedrop_observation.sql)."""

from __future__ import annotations

import tomllib

import duckdb
import polars as pl
import pytest

from indicator_pipeline.catalog.load import bundled_plan_path, parse_plan
from indicator_pipeline.errors import CatalogueError
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.steps.facts import add_vintages
from indicator_pipeline.warehouse.models import apply_schema


def _plan(**changes) -> dict:
    raw = tomllib.loads(bundled_plan_path().read_text(encoding="utf-8"))
    for item in raw["indicators"]:
        if item["id"] == "sellable_business_land":
            item.update(changes)
    return raw


def _land(con, rows: list[tuple[int, str, float, bool]]) -> None:
    frame = pl.DataFrame(
        [{"year": y, "area": a, "hectares": h, "preliminary": p, "reported_on": None, "source_file": "sellable_land_x.csv",
          "raw_sha256": "c" * 64, "retrieved_at": "2026-02-10T08:00:00+00:00"} for y, a, h, p in rows],
        infer_schema_length=None,
    )
    con.register("incoming_rows", frame.to_arrow())
    con.execute("INSERT INTO staging.filedrop_sellable_land BY NAME SELECT * FROM incoming_rows")
    con.unregister("incoming_rows")


def _observed(raw: dict) -> list[tuple]:
    with duckdb.connect() as con:
        apply_schema(con)
        load_catalogues(con, [parse_plan(raw)])
        _land(con, [(2024, "Vasatorp", 12.0, False), (2024, "Tostarp", 4.0, True), (2025, "Vasatorp", 9.5, False)])
        add_vintages(con)
        return con.execute(
            "SELECT year, value, preliminary FROM core.fact_indicator_value WHERE indicator_id = 'sellable_business_land' ORDER BY year"
        ).fetchall()


def test_the_rows_of_a_year_make_its_value_as_the_plan_says():
    assert _observed(_plan()) == [(2024, 16.0, True), (2025, 9.5, False)]  # summed over the areas
    assert _observed(_plan(year_from_rows="mean")) == [(2024, 8.0, True), (2025, 9.5, False)]
    # the rows of one area only: its text column selects them
    assert _observed(_plan(source_selection={"area": "Vasatorp"})) == [(2024, 12.0, False), (2025, 9.5, False)]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"value_column": "acres"}, "value_column 'acres' is not one of hectares"),
        ({"value_column": "area"}, "value_column 'area' is not one of hectares"),  # a text column holds no value
        ({"source_selection": {"district": "Väster"}}, "source_selection 'district' is not one of sellable_land's text columns (area)"),
        ({"year_from_rows": "max"}, "year_from_rows 'max' is not one of sum, mean"),
        ({"source_id": "land_register"}, "source_id 'land_register' is not one of safety_survey"),
    ],
)
def test_a_file_drop_measure_the_format_cannot_give_is_refused_naming_the_indicator(changes, message):
    with pytest.raises(CatalogueError, match="indicator 'sellable_business_land'") as caught:
        parse_plan(_plan(**changes))
    assert message in str(caught.value)
