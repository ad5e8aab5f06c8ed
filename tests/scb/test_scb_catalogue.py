"""`source_selection` in the catalogue: parsed from a TOML inline table, canonicalised for joining."""

from __future__ import annotations

import tomllib

import pytest

from indicator_pipeline.catalog import load_plan, parse_plan
from indicator_pipeline.catalog.model import selection_key
from indicator_pipeline.errors import CatalogueError
from indicator_pipeline.steps.catalogue import catalogue_frames

PLAN_HEAD = """
[plan]
id = "p"
title = "t"
municipality_code = "1283"
municipality_name = "Helsingborg"
plan_year = 2025

[[goals]]
id = "g"
title = "g"
  [[goals.targets]]
  id = "none"
  kind = "none"

[[indicators]]
id = "i"
title = "i"
unit = "dwellings"
source = "scb"
source_id = "TAB4572"
"""


def plan_with(selection_line: str):
    return parse_plan(tomllib.loads(PLAN_HEAD + selection_line))


def test_key_is_sorted_by_variable_whatever_the_plan_order():
    a = plan_with('source_selection = { Hustyp = "SMÅHUS", ContentsCode = "BO0101A4" }').indicator("i")
    b = plan_with('source_selection = { ContentsCode = "BO0101A4", Hustyp = "SMÅHUS" }').indicator("i")
    assert a.source_selection == b.source_selection == (("ContentsCode", "BO0101A4"), ("Hustyp", "SMÅHUS"))
    assert a.selection_key == "ContentsCode=BO0101A4;Hustyp=SMÅHUS"
    assert selection_key({"Hustyp": "SMÅHUS", "ContentsCode": "BO0101A4"}) == a.selection_key


def test_no_selection_is_no_key():
    indicator = plan_with("").indicator("i")
    assert indicator.source_selection == () and indicator.selection_key is None


@pytest.mark.parametrize(
    "line",
    [
        'source_selection = "Hustyp=SMÅHUS"',
        "source_selection = {}",
        "source_selection = { Hustyp = 1 }",
        'source_selection = { Hustyp = ["SMÅHUS", "FLERBO"] }',
        'source_selection = { Hustyp = "A;B" }',
    ],
)
def test_bad_selections_are_plan_errors(line):
    with pytest.raises(CatalogueError, match="source_selection"):
        plan_with(line)


def test_bundled_plan_scb_indicators_and_dim_indicator_column():
    plan = load_plan()
    keys = {i.id: i.selection_key for i in plan.indicators_from("scb")}
    assert keys == {
        "smallhouse_starts": "ContentsCode=BO0101A4;Hustyp=SMÅHUS",
        "apartment_block_starts": "ContentsCode=BO0101A4;Hustyp=FLERBO",
    }
    goal = next(g for g in plan.goals if g.id == "smallhouse_starts")
    assert goal.context_indicator_ids == ("apartment_block_starts",)
    frame = catalogue_frames(plan)["incoming_indicator"]
    rows = dict(frame.select("indicator_id", "source_selection").iter_rows())
    assert rows["smallhouse_starts"] == keys["smallhouse_starts"]
    assert rows["nki_total"] is None
