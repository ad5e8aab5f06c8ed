"""The client's TAB4572 selection comes from SCB's real metadata, and the data answer is decoded by its
json-stat2 category index, never by the order the codes were asked in.

The metadata is SCB's own (tests/fixtures/conformance/scb/TAB4572_metadata_en.json): Hustyp is ordered
FLERBO (0), SMÅHUS (1), ContentsCode has starts BO0101A4 and completions BO0101A3, and Region and
Hustyp are eliminable.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.errors import CatalogueError
from indicator_pipeline.sources.transport import Fetched, SnapshotDir
from indicator_pipeline.steps import scb as steps
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.warehouse.models import apply_schema
from indicator_pipeline.warehouse.sql import run_script
from snapshot_files import own_scb_data_meta

ROOT = Path(__file__).resolve().parents[2]
METADATA = json.loads((ROOT / "tests" / "fixtures" / "conformance" / "scb" / "TAB4572_metadata_en.json").read_bytes())
BUNDLED = SnapshotDir(ROOT / "indicator_pipeline" / "snapshots" / "bundled")
PLAN = load_plan()


def only(plan, *indicator_ids: str, **selections: dict[str, str]):
    """The plan with just these SCB indicators, their source_selection replaced where given."""
    kept = []
    for indicator in plan.indicators:
        if indicator.source != "scb" or indicator.id in indicator_ids:
            if indicator.id in selections:
                indicator = dataclasses.replace(indicator, source_selection=tuple(sorted(selections[indicator.id].items())))
            kept.append(indicator)
    return dataclasses.replace(plan, indicators=tuple(kept))


def selection_for(plan) -> dict[str, list[str]]:
    (query,) = steps.table_queries(plan)
    return steps.data_selection(plan, query, METADATA)


# --- the selection, from the real metadata ----------------------------------------------------------


def test_the_plans_selection_is_valid_for_the_real_table():
    contents = METADATA["dimension"]["ContentsCode"]["category"]["index"]
    assert set(contents) == {"BO0101A4", "BO0101A3"}  # starts and completions are both in the table

    selection = selection_for(PLAN)

    quarters = list(METADATA["dimension"]["Tid"]["category"]["index"])
    assert selection == {
        "Region": ["1283"],
        "Hustyp": ["FLERBO", "SMÅHUS"],  # both indicators' codes, in the metadata's order
        "ContentsCode": ["BO0101A4"],  # starts only: no indicator asks for completions
        "Tid": quarters[quarters.index("2015K1"):],
    }
    assert selection["Tid"][-1] == "2026K2" and len(selection["Tid"]) == 46
    for variable, codes in selection.items():
        assert set(codes) <= set(METADATA["dimension"][variable]["category"]["index"]), variable
    assert list(selection) == METADATA["id"]  # every variable, in the table's order


def test_an_eliminable_variable_nobody_selects_is_left_out():
    # An indicator on all house types together: Hustyp is eliminable (SCB sums over it), so it is not asked.
    plan = only(PLAN, "smallhouse_starts", smallhouse_starts={"ContentsCode": "BO0101A4"})
    assert METADATA["dimension"]["Hustyp"]["extension"]["elimination"] is True

    selection = selection_for(plan)

    assert list(selection) == ["Region", "ContentsCode", "Tid"]
    assert selection["ContentsCode"] == ["BO0101A4"]


def test_a_mandatory_variable_nobody_selects_stops_the_run():
    # ContentsCode is not eliminable: an indicator that names only a house type cannot be fetched.
    plan = only(PLAN, "smallhouse_starts", smallhouse_starts={"Hustyp": "SMÅHUS"})
    assert METADATA["dimension"]["ContentsCode"]["extension"]["elimination"] is False

    with pytest.raises(CatalogueError, match="variable ContentsCode cannot be left out"):
        selection_for(plan)


def test_completions_are_selected_only_when_an_indicator_asks_for_them():
    plan = only(PLAN, "smallhouse_starts", "apartment_block_starts",
                apartment_block_starts={"Hustyp": "SMÅHUS", "ContentsCode": "BO0101A3"})

    selection = selection_for(plan)

    assert selection["Hustyp"] == ["SMÅHUS"]
    assert selection["ContentsCode"] == ["BO0101A4", "BO0101A3"]  # the metadata's order, not the plan's


# --- decoding by the category index ----------------------------------------------------------------


def bundled_answer() -> tuple[dict, dict]:
    """The bundled data answer and its recording's metadata (url, request body)."""
    meta_path = own_scb_data_meta(BUNDLED.root)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return BUNDLED.read("scb", "POST", meta["url"], meta["request_body"].encode()).json(), meta


def as_page(doc: dict, request_hustyp: list[str]) -> Fetched:
    """`doc` as SCB's answer to a request that listed Hustyp in `request_hustyp` order."""
    _, meta = bundled_answer()
    request = json.loads(meta["request_body"])
    for part in request["selection"]:
        if part["variableCode"] == "Hustyp":
            part["valueCodes"] = request_hustyp
    return Fetched("scb", "POST", meta["url"], 200, {}, json.dumps(doc, ensure_ascii=False).encode(),
                   "2026-11-20T03:00:00+00:00", json.dumps(request, ensure_ascii=False).encode())


def hustyp_listed_backwards(doc: dict) -> dict:
    """The same answer with Hustyp's `index` and `label` objects written SMÅHUS first: the positions
    (FLERBO 0, SMÅHUS 1) and the values are unchanged, only the order the keys appear in differs."""
    changed = copy.deepcopy(doc)
    category = changed["dimension"]["Hustyp"]["category"]
    category["index"] = {"SMÅHUS": category["index"]["SMÅHUS"], "FLERBO": category["index"]["FLERBO"]}
    category["label"] = {"SMÅHUS": category["label"]["SMÅHUS"], "FLERBO": category["label"]["FLERBO"]}
    return changed


def hustyp_reordered(doc: dict) -> dict:
    """The same cells in the other order: SMÅHUS 0, FLERBO 1, with the value array permuted to match
    (what SCB would send if it answered in the order the codes were asked in)."""
    changed = copy.deepcopy(doc)
    n = doc["size"][-1]
    flerbo, smahus = doc["value"][:n], doc["value"][n:]
    changed["value"] = smahus + flerbo
    changed["dimension"]["Hustyp"]["category"]["index"] = {"SMÅHUS": 0, "FLERBO": 1}
    changed["status"] = {str((int(k) + n) % (2 * n)): symbol for k, symbol in doc["status"].items()}
    return changed


def cells(frame: pl.DataFrame) -> dict[tuple[str, str], tuple[float | None, str | None]]:
    return {(row["selection_key"], row["period"]): (row["value"], row["status"]) for row in frame.iter_rows(named=True)}


SMALL = "ContentsCode=BO0101A4;Hustyp=SMÅHUS"
BLOCK = "ContentsCode=BO0101A4;Hustyp=FLERBO"


def test_bundled_answer_lists_flerbo_first():
    doc, _ = bundled_answer()
    assert doc["dimension"]["Hustyp"]["category"]["index"] == {"FLERBO": 0, "SMÅHUS": 1}
    assert doc["size"] == [1, 2, 1, 46]
    # row-major: the 46 FLERBO quarters come first; 2022K1 is quarter 28
    assert (doc["value"][28], doc["value"][46 + 28]) == (200, 72)


@pytest.mark.parametrize(
    ("variant", "request_hustyp"),
    [
        (hustyp_listed_backwards, ["SMÅHUS", "FLERBO"]),
        (hustyp_listed_backwards, ["FLERBO", "SMÅHUS"]),
        (hustyp_reordered, ["FLERBO", "SMÅHUS"]),
        (hustyp_reordered, ["SMÅHUS", "FLERBO"]),
    ],
    ids=["keys-backwards/asked-smahus-first", "keys-backwards/asked-flerbo-first",
         "index-swapped/asked-flerbo-first", "index-swapped/asked-smahus-first"],
)
def test_values_land_on_their_cells_whatever_the_order(variant, request_hustyp):
    doc, _ = bundled_answer()
    original = cells(steps.decode_cells(as_page(doc, ["FLERBO", "SMÅHUS"]), "sha"))

    decoded = cells(steps.decode_cells(as_page(variant(doc), request_hustyp), "sha"))

    assert decoded == original
    assert decoded[(SMALL, "2022K1")] == (72.0, None) and decoded[(BLOCK, "2022K1")] == (200.0, None)
    assert decoded[(SMALL, "2019K2")] == (None, "..")  # SCB's symbol stays on the småhus cell
    assert decoded[(BLOCK, "2019K2")] == (130.0, None)


def test_a_backwards_listed_answer_sums_to_the_right_indicators():
    doc, _ = bundled_answer()
    frame = steps.decode_cells(as_page(hustyp_listed_backwards(doc), ["SMÅHUS", "FLERBO"]), "sha")
    with duckdb.connect() as con:
        apply_schema(con)
        load_catalogues(con, [PLAN])
        run_script(con, "load/replace_scb_values.sql", {"incoming": frame})
        yearly = dict(
            ((indicator, year), value)
            for indicator, year, value in con.execute(
                "SELECT indicator_id, year, value FROM staging.scb_observation WHERE year IN (2022, 2025)"
            ).fetchall()
        )
    assert yearly == {
        ("smallhouse_starts", 2022): 310.0, ("smallhouse_starts", 2025): 241.0,
        ("apartment_block_starts", 2022): 750.0, ("apartment_block_starts", 2025): 455.0,
    }
