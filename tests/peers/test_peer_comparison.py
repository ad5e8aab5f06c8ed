"""marts.peer_comparison on a recording with known ranks: Kolada answers written here, parsed in bulk
from the archive by the pipeline's own staging, through vintages into the mart, on a real DuckDB."""

from __future__ import annotations

import dataclasses
import json

import duckdb
import pytest

from benchmarks.loopback import envelope, recorded_body
from indicator_pipeline.archive import RawArchive
from indicator_pipeline.catalog import load_plan
from indicator_pipeline.catalog.peers import PeerSpec
from indicator_pipeline.payloads import archive_fetched
from indicator_pipeline.sources.transport import Fetched
from indicator_pipeline.steps import kolada as kolada_steps
from indicator_pipeline.steps import peers as peer_steps
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.steps.facts import add_vintages
from indicator_pipeline.warehouse.models import apply_schema, create_views

RETRIEVED = "2026-11-20T03:00:00+00:00"
PEERS = ("0126", "0136", "0581", "1490", "1880")
# soliditet (N03002, higher is better) and NTU's share feeling safe (N07609), turned to lower-is-better
# below: {year: {municipality: value}}; None = Kolada sends null; a municipality left out is not sent.
SOLIDITET = {
    2023: {"1283": -5.0, "0126": 10.0, "0136": -74.1, "0581": 10.0, "1490": None, "0000": 40.0, "0012": 30.0},
    2024: {"1283": 12.5, "0000": 41.0},
}
NTU = {2023: {"1283": 70.0, "0126": 60.0, "0136": 80.0}}


def _data_page(kpi: str, figures: dict[int, dict[str, float | None]]) -> Fetched:
    objects = [
        {"values": [{"gender": "T", "count": 1, "status": "", "value": value}], "kpi": kpi, "period": year, "municipality": code}
        for year, by_code in figures.items()
        for code, value in by_code.items()
    ]
    codes = ",".join(sorted({"1283", *PEERS, "0000", "0012"}))
    url = f"https://api.kolada.se/v3/data/kpi/{kpi}/municipality/{codes}/year/2022,2023,2024?per_page=5000"
    return Fetched("kolada", "GET", url, 200, {}, envelope(objects), RETRIEVED)


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    plan = load_plan()
    plan = dataclasses.replace(
        plan,
        indicators=tuple(
            dataclasses.replace(i, direction="lower") if i.source_id == "N07609" else i for i in plan.indicators
        ),
    )
    archive = RawArchive(tmp_path_factory.mktemp("archive"))
    municipality_list = [
        Fetched("kolada", "GET", "https://api.kolada.se/v3/municipality?per_page=5000", 200, {},
                recorded_body("kolada", "/v3/municipality?"), RETRIEVED)
    ]
    spec = PeerSpec(kind="codes", codes=PEERS)
    con = duckdb.connect()
    apply_schema(con)
    load_catalogues(con, [plan])
    refs = archive_fetched(municipality_list, archive, peer_steps.MUNICIPALITY_DATASET, "CC BY 4.0")
    peer_steps.stage(con, [(plan, spec, "test")], refs, archive)
    pages = [_data_page("N03002", SOLIDITET), _data_page("N07609", NTU)]
    kolada_steps.stage_values(con, archive_fetched(pages, archive, "kolada_values", "CC BY 4.0"), archive)
    add_vintages(con)
    create_views(con, ["marts.peer_comparison"])
    return con


def _rows(con, indicator: str, year: int) -> dict[str, dict]:
    frame = con.sql(
        "SELECT * FROM marts.peer_comparison WHERE indicator_id = ? AND year = ?", params=[indicator, year]
    ).pl()
    return {row["municipality_code"]: row for row in frame.iter_rows(named=True)}


def test_ranks_ties_median_and_percentile_with_negative_values(comparison):
    rows = _rows(comparison, "soliditet_incl_pensions", 2023)
    assert set(rows) == {"1283", *PEERS, "0000", "0012"}  # every municipality of the set, with or without a value
    ranked = {code: (r["rank"], r["percentile"]) for code, r in rows.items() if r["rank"] is not None}
    # 10.0 and 10.0 tie for the best rank, the next rank skips; -74.1 (Laxå-like) is last
    assert ranked == {"0126": (1, pytest.approx(200 / 3)), "0581": (1, pytest.approx(200 / 3)),
                      "1283": (3, pytest.approx(100 / 3)), "0136": (4, 0.0)}
    assert {r["peer_count"] for r in rows.values()} == {4}
    assert rows["1283"]["peer_median"] == pytest.approx(2.5)  # mean of the middle two: -5 and 10
    assert rows["1283"]["distance_to_median"] == pytest.approx(-7.5)
    assert rows["1283"]["is_plan_municipality"] and not rows["1283"]["is_reference"]


def test_missing_values_are_neither_ranked_nor_counted(comparison):
    rows = _rows(comparison, "soliditet_incl_pensions", 2023)
    assert rows["1490"]["value"] is None and rows["1490"]["rank"] is None  # Kolada sent null
    assert rows["1880"]["value"] is None and rows["1880"]["rank"] is None  # Kolada sent nothing
    alone = _rows(comparison, "soliditet_incl_pensions", 2024)
    assert alone["1283"]["rank"] == 1 and alone["1283"]["peer_count"] == 1 and alone["1283"]["percentile"] is None
    assert alone["0126"]["value"] is None and alone["0126"]["rank"] is None
    assert _rows(comparison, "soliditet_incl_pensions", 2022) == {}  # a year without any value has no rows


def test_reference_rows_are_shown_but_never_ranked(comparison):
    rows = _rows(comparison, "soliditet_incl_pensions", 2023)
    for code, name in (("0000", "Riket"), ("0012", "Region Skåne")):
        assert rows[code]["is_reference"] and rows[code]["municipality_name"] == name
        assert rows[code]["rank"] is None and rows[code]["percentile"] is None
    assert rows["0000"]["value"] == 40.0 and rows["0000"]["distance_to_median"] == pytest.approx(37.5)


def test_lower_is_better_ranks_the_smallest_value_first(comparison):
    rows = _rows(comparison, "ntu_safe_late_evening", 2023)
    assert {code: r["rank"] for code, r in rows.items() if r["rank"]} == {"0126": 1, "1283": 2, "0136": 3}
    assert rows["0126"]["percentile"] == 100.0 and rows["0136"]["percentile"] == 0.0


def test_a_malformed_value_is_named_with_its_page(tmp_path):
    archive = RawArchive(tmp_path)
    body = json.dumps({"values": [{"values": [{"gender": "T", "value": "12,5"}], "kpi": "N03002", "period": 2023,
                                   "municipality": "1283"}], "count": 1, "next_url": None}).encode()
    url = "https://api.kolada.se/v3/data/kpi/N03002/municipality/1283/year/2023?per_page=5000"
    refs = archive_fetched([Fetched("kolada", "GET", url, 200, {}, body, RETRIEVED)], archive, "kolada_values", "CC BY 4.0")
    con = duckdb.connect()
    apply_schema(con)
    with pytest.raises(Exception, match=r"field 'value' is '12,5', expected a number or null.*N03002/municipality/1283"):
        kolada_steps.stage_values(con, refs, archive)
    assert con.table("staging.kolada_values").shape[0] == 0
