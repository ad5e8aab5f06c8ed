"""The peer set: parsed from the plan file and the override, resolved against Kolada's real municipality
list (the bundled snapshot's recording), and the quality checks' parameters that scale with it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from benchmarks.loopback import recorded_body
from indicator_pipeline import quality
from indicator_pipeline.catalog import load_plan, parse_plan
from indicator_pipeline.catalog.peers import Municipality, PeerSpec, parse_peer_text, resolve, scb_region
from indicator_pipeline.catalog.plan_set import requests_by_municipality
from indicator_pipeline.errors import CatalogueError

KOLADA = {
    m["id"]: Municipality(m["id"], m["title"], m["type"]) for m in json.loads(recorded_body("kolada", "/v3/municipality?"))["values"]
}


def test_the_bundled_plan_compares_with_kolada_group_g37394():
    assert load_plan().peers == PeerSpec(kind="group", group_id="G37394")


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("all", PeerSpec(kind="all")),
        ("NONE", PeerSpec(kind="none")),
        ("G37394", PeerSpec(kind="group", group_id="G37394")),
        ("0580, 1280,0580", PeerSpec(kind="codes", codes=("0580", "1280"))),
    ],
)
def test_override_text(text, spec):
    assert parse_peer_text(text, "--peers") == spec


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"municipalities": ["580"]}, "'580' is not a four-digit municipality code"),
        ({"group": "37394"}, "group '37394' is not a Kolada municipality group id"),
        ({"group": "G1", "municipalities": ["0580"]}, "either municipalities"),
        ({"groups": "G1"}, "unknown field"),
    ],
)
def test_a_bad_peers_table_names_the_field_and_value(table, message):
    raw = {"plan": {"id": "p", "title": "t", "municipality_code": "1283", "municipality_name": "H", "plan_year": 2025},
           "peers": table}
    with pytest.raises(CatalogueError, match=message) as error:
        parse_plan(raw, "x.toml")
    assert "plan file x.toml [peers]" in str(error.value)


def test_all_is_every_municipality_and_riket_and_the_county_come_along():
    peers = resolve(PeerSpec(kind="all"), "1283", KOLADA, None, "test")
    assert len(peers.peers) == 289 and "1283" not in peers.peers  # 290 municipalities, the plan's own apart
    assert peers.references == ("0000", "0012") and KOLADA["0012"].name == "Region Skåne"
    assert len(peers.requested) == 292
    plan = load_plan()  # municipality 1283: its own figures are asked for alone, then the 291 others
    asked = [codes for codes, _ in requests_by_municipality([plan], {plan.id: peers.requested})]
    assert asked == [["1283"], sorted(set(peers.requested) - {"1283"})]
    assert [scb_region(code) for code in ("0000", "0012", "0180")] == ["00", "12", "0180"]


@pytest.mark.parametrize(
    ("spec", "members", "message"),
    [
        (PeerSpec(kind="codes", codes=("0180", "9999")), None, "peer 9999 is not a municipality code Kolada knows"),
        (PeerSpec(kind="codes", codes=("0012",)), None, "peer 0012 is Region Skåne \\(Kolada type L\\), not a municipality"),
        (PeerSpec(kind="group", group_id="G1"), ["0180", "0000"], "group G1 member 0000 is Riket"),
    ],
)
def test_an_unknown_code_or_a_region_stops_naming_it(spec, members, message):
    with pytest.raises(CatalogueError, match=message):
        resolve(spec, "1283", KOLADA, members, "test")


def test_check_ceilings_scale_with_the_municipalities_asked_for():
    plan = load_plan()
    one = quality.run_parameters(plan, date(2026, 11, 20))
    peers = resolve(PeerSpec(kind="all"), "1283", KOLADA, None, "test")
    every = quality.run_parameters(
        plan, date(2026, 11, 20), peer_set=[(c, peers.role(c)) for c in peers.requested], known_municipalities=list(KOLADA)
    )
    assert one["municipality_codes"] == ["1283"] and one["kolada_max_rows"] > 0
    assert every["kolada_max_rows"] == one["kolada_max_rows"] * 292
    assert every["scb_max_rows"] == one["scb_max_rows"] * 292
    assert "00" in every["scb_region_codes"] and "12" in every["scb_region_codes"]
    assert len(every["compared_municipality_codes"]) == 290  # references are not required to have rows
    assert len(every["known_municipality_codes"]) == 312
