"""json-stat2 decoding, grounded in SCB's real TAB6471 answers (tests/fixtures/conformance/scb)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import polars as pl
import pytest

from indicator_pipeline.errors import SourceError
from indicator_pipeline.sources.jsonstat import dataset_info, decode_jsonstat2, dimension_labels

CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "scb"
URL = "https://statistikdatabasen.scb.se/api/v2/tables/TAB6471/data?lang=sv&outputFormat=json-stat2"


@pytest.fixture
def data() -> dict:
    return json.loads((CONFORMANCE / "TAB6471_data.json").read_text(encoding="utf-8"))


@pytest.fixture
def metadata() -> dict:
    return json.loads((CONFORMANCE / "TAB6471_metadata.json").read_text(encoding="utf-8"))


def flat_index(region: int, alder: int, kon: int, contents: int, tid: int) -> int:
    """Row-major position in TAB6471_data.json, sizes [21, 11, 3, 1, 4], written out by hand."""
    return (((region * 11 + alder) * 3 + kon) * 1 + contents) * 4 + tid


def cell(frame: pl.DataFrame, **codes: str) -> dict:
    rows = frame.filter(*(pl.col(dim) == code for dim, code in codes.items()))
    assert rows.height == 1
    return rows.row(0, named=True)


def test_real_answer_decodes_to_one_row_per_cell(data):
    frame = decode_jsonstat2(data, url=URL)

    assert frame.height == 2772
    assert frame.schema == pl.Schema(
        {"Region": pl.Utf8, "Alder": pl.Utf8, "Kon": pl.Utf8, "ContentsCode": pl.Utf8, "Tid": pl.Utf8,
         "value": pl.Float64, "status": pl.Utf8}
    )
    assert frame.select("Region", "Alder", "Kon", "Tid").n_unique() == 2772
    assert frame["status"].null_count() == 2772
    # Skåne län (position 9), 20-29 år (2), kvinnor (2), 2026M03 (2); Stockholms län first cell; last cell.
    for (r, a, k, t), codes in {
        (9, 2, 2, 2): {"Region": "12", "Alder": "20-29", "Kon": "2", "Tid": "2026M03"},
        (0, 0, 0, 0): {"Region": "01", "Alder": "0-9", "Kon": "TotSa", "Tid": "2026M01"},
        (20, 10, 2, 3): {"Region": "25", "Alder": "100+10", "Kon": "2", "Tid": "2026M04"},
    }.items():
        assert cell(frame, **codes)["value"] == data["value"][flat_index(r, a, k, 0, t)]
    assert frame.row(flat_index(9, 2, 2, 0, 2), named=True)["Region"] == "12"


def test_category_index_as_a_list_decodes_the_same(data):
    as_list = copy.deepcopy(data)
    for spec in as_list["dimension"].values():
        index = spec["category"]["index"]
        spec["category"]["index"] = sorted(index, key=index.__getitem__)

    assert decode_jsonstat2(as_list).equals(decode_jsonstat2(data))


def test_status_symbols_keep_values_null_never_zero(data):
    data["value"][0] = data["value"][5] = data["value"][2771] = None
    data["status"] = {"0": "..", "5": ".", "2771": ":"}

    frame = decode_jsonstat2(data)

    flagged = frame.filter(pl.col("status").is_not_null())
    assert flagged["status"].to_list() == ["..", ".", ":"]
    assert flagged["value"].to_list() == [None, None, None]
    assert frame["value"].null_count() == 3 and (frame["value"] == 0).sum() == 0


@pytest.mark.parametrize(
    ("status", "expected"),
    [("p", ["p", "p"]), (["p"], ["p", "p"]), ([None, ".."], [None, ".."]), ({"1": ".."}, [None, ".."])],
)
def test_status_may_be_a_symbol_a_list_or_a_map(status, expected):
    doc = {"id": ["Tid"], "size": [2], "value": [1.5, None], "status": status,
           "dimension": {"Tid": {"category": {"index": ["2024", "2025"]}}}}

    assert decode_jsonstat2(doc)["status"].to_list() == expected


def test_eliminated_dimension_is_simply_not_a_column(data, metadata):
    """What SCB answers when `Kon` (eliminable per the metadata) is left out of the selection: the
    table's own total `TotSa` slice, with `Kon` gone from `id`, `size` and `dimension`."""
    kon = metadata["dimension"]["Kon"]
    assert kon["extension"]["elimination"] is True
    total = data["dimension"]["Kon"]["extension"]["eliminationValueCode"]
    position = data["dimension"]["Kon"]["category"]["index"][total]
    eliminated = copy.deepcopy(data)
    eliminated["id"] = ["Region", "Alder", "ContentsCode", "Tid"]
    eliminated["size"] = [21, 11, 1, 4]
    del eliminated["dimension"]["Kon"]
    eliminated["value"] = [
        data["value"][flat_index(r, a, position, 0, t)] for r in range(21) for a in range(11) for t in range(4)
    ]

    frame = decode_jsonstat2(eliminated)

    assert frame.columns == ["Region", "Alder", "ContentsCode", "Tid", "value", "status"]
    assert frame.height == 21 * 11 * 4
    full = decode_jsonstat2(data).filter(pl.col("Kon") == total).drop("Kon")
    assert frame.equals(full)


def test_labels_and_dataset_info(data):
    labels = dimension_labels(data)
    info = dataset_info(data)

    assert list(labels) == ["Region", "Alder", "Kon", "ContentsCode", "Tid"]
    assert labels["Region"]["12"] == "Skåne län" and labels["Kon"]["TotSa"].startswith("totalt")
    assert info["table_id"] == "TAB6471" and info["source"] == "SCB"
    assert info["updated"] == "2026-06-08T06:00:00Z"
    assert info["label"].startswith("Folkmängden per månad")
    assert info["units"] == {"000007SF": {"base": "antal", "decimals": 0}}
    assert len(info["notes"]) == len(data["note"]) >= 1


def test_metadata_answer_is_not_data(metadata):
    """The metadata endpoint's dataset has sizes but `value: []`: decoding it is an error, not 0 rows."""
    with pytest.raises(SourceError, match=r"makes 2006784 cells but 'value' has 0"):
        decode_jsonstat2(metadata, url=URL)
    assert math.prod(metadata["size"]) == 2006784


def malformed(data: dict, field: str, value) -> dict:
    broken = copy.deepcopy(data)
    if value is None:
        del broken[field]
    else:
        broken[field] = value
    return broken


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value", [1, 2, 3], r"'size' \[21, 11, 3, 1, 4\] makes 2772 cells but 'value' has 3"),
        ("size", [21, 11, 3, 4], r"'id' \[.*\] and 'size' \[21, 11, 3, 4\] do not pair up"),
        ("id", ["Region", "Alder", "Kön", "ContentsCode", "Tid"], r"dimension 'Kön' missing from 'dimension'"),
        ("size", [21, 11, 3, 1, 4.0], r"'size' .* is not a list of counts"),
        ("size", [21, 11, 2, 1, 6], r"dimension 'Kon' has 3 categories but 'size' says 2"),
        ("dimension", None, r"no 'dimension' field"),
        ("status", {"2772": ".."}, r"'status' key '2772' is not a cell index below 2772"),
        ("status", [".."] * 5, r"'status' is a list of 5, expected one symbol per cell \(2772\)"),
    ],
)
def test_malformed_documents_name_field_value_and_url(data, field, value, message):
    with pytest.raises(SourceError, match=message) as caught:
        decode_jsonstat2(malformed(data, field, value), url=URL)

    assert str(caught.value).startswith("scb: json-stat2") and str(caught.value).endswith(f"({URL})")


def test_non_numeric_value_is_an_error(data):
    data["value"][7] = "12 345"

    with pytest.raises(SourceError, match="'value' holds a non-number"):
        decode_jsonstat2(data, url=URL)
