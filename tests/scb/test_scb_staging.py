"""SCB end to end through the real HTTP stack: a loopback PxWeb server -> PxWebClient -> steps.scb
(fetch, archive, stage) -> DuckDB (staging.scb_values and the yearly staging.scb_observation).

The server serves SCB's real /config and real TAB4572 metadata (as bundled), and answers data POSTs by
slicing the bundled TAB4572 data answer to exactly the requested codes, as SCB does.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import duckdb
import pytest
from werkzeug import Request, Response

from indicator_pipeline.archive import RawArchive
from indicator_pipeline.catalog import load_plan
from indicator_pipeline.errors import SourceError
from indicator_pipeline.sources.live import LiveTransport
from indicator_pipeline.sources.transport import SnapshotDir
from indicator_pipeline.steps import scb as steps
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.warehouse.models import apply_schema
from snapshot_files import own_scb_data_meta

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "indicator_pipeline" / "snapshots" / "bundled"
BASE = "https://statistikdatabasen.scb.se/api/v2"
DATA_URL = f"{BASE}/tables/TAB4572/data?lang=en&outputFormat=json-stat2"
SNAPSHOT = SnapshotDir(BUNDLED)
CONFIG = SNAPSHOT.read("scb", "GET", f"{BASE}/config", None).body  # SCB's real /config bytes
METADATA = SNAPSHOT.read("scb", "GET", f"{BASE}/tables/TAB4572/metadata?lang=en", None).body  # SCB's real bytes


def bundled_data() -> dict:
    meta = json.loads(own_scb_data_meta(BUNDLED).read_text(encoding="utf-8"))
    return SNAPSHOT.read("scb", "POST", meta["url"], meta["request_body"].encode()).json()


DATA = bundled_data()


def answer(request: Request) -> Response:
    asked = {s["variableCode"]: s["valueCodes"] for s in request.get_json()["selection"]}
    assert list(asked) == DATA["id"], "every variable, in the table's order"
    strides = [math.prod(DATA["size"][k + 1 :]) for k in range(len(DATA["id"]))]
    index = {dim: DATA["dimension"][dim]["category"]["index"] for dim in DATA["id"]}
    values, status = [], {}

    def walk(k: int, offset: int) -> None:
        if k == len(DATA["id"]):
            if str(offset) in DATA.get("status", {}):
                status[str(len(values))] = DATA["status"][str(offset)]
            values.append(DATA["value"][offset])
            return
        for code in asked[DATA["id"][k]]:
            walk(k + 1, offset + index[DATA["id"][k]][code] * strides[k])

    walk(0, 0)
    dimension = {}
    for dim, spec in DATA["dimension"].items():
        codes = asked[dim]
        category = {**spec["category"], "index": {c: i for i, c in enumerate(codes)},
                    "label": {c: spec["category"]["label"][c] for c in codes}}
        dimension[dim] = {**spec, "category": category}
    doc = {**DATA, "size": [len(asked[d]) for d in DATA["id"]], "dimension": dimension, "value": values}
    doc.pop("status", None)
    if status:
        doc["status"] = status
    return Response(json.dumps(doc, ensure_ascii=False), content_type="application/json; charset=UTF-8")


@pytest.fixture
def scb_server(httpserver, monkeypatch):
    monkeypatch.setenv("SCB_BASE_URL", httpserver.url_for("/api/v2"))
    return httpserver


def serve(httpserver, config: bytes = CONFIG) -> None:
    httpserver.expect_request("/api/v2/config", method="GET").respond_with_data(config, content_type="application/json")
    httpserver.expect_request("/api/v2/tables/TAB4572/metadata", method="GET", query_string="lang=en").respond_with_data(
        METADATA, content_type="application/json; charset=UTF-8"
    )
    httpserver.expect_request(
        "/api/v2/tables/TAB4572/data", method="POST", query_string="lang=en&outputFormat=json-stat2"
    ).respond_with_handler(answer)


def staged(tmp_path, plan):
    archive = RawArchive(tmp_path / "archive")
    refs = steps.fetch(plan, LiveTransport(), archive)
    con = duckdb.connect()
    apply_schema(con)
    load_catalogues(con, [plan])
    frame = steps.stage_values(con, plan, refs, archive)
    return refs, con, frame


def test_fetch_and_stage_from_a_loopback_pxweb_server(scb_server, tmp_path):
    serve(scb_server)
    plan = dataclasses.replace(load_plan(), first_year=2019)
    refs, con, frame = staged(tmp_path, plan)

    assert [r.dataset for r in refs] == ["scb_config", "scb_table_metadata", "scb_data"]
    assert all(RawArchive(tmp_path / "archive").get(r.sha256) for r in refs)  # every payload archived
    posted = [json.loads(req.get_data()) for req, _ in scb_server.log if req.method == "POST"]
    quarters = [f"{y}K{q}" for y in range(2019, 2027) for q in range(1, 5)][:-2]  # 2019K1..2026K2 from the metadata
    assert posted == [
        {"selection": [
            {"valueCodes": ["1283"], "variableCode": "Region"},
            {"valueCodes": ["FLERBO", "SMÅHUS"], "variableCode": "Hustyp"},  # the metadata's order
            {"valueCodes": ["BO0101A4"], "variableCode": "ContentsCode"},
            {"valueCodes": quarters, "variableCode": "Tid"},
        ]}
    ]
    assert frame.height == 2 * len(quarters)
    q2019 = con.execute(
        "SELECT value, status, preliminary FROM staging.scb_values WHERE period = '2019K2' AND selection_key LIKE '%SMÅHUS'"
    ).fetchone()
    assert q2019 == (None, "..", True)  # null stays null, with SCB's symbol
    assert con.execute("SELECT count(*) FROM raw.payload WHERE source = 'scb'").fetchone() == (3,)

    rows = con.execute(
        "SELECT year, value, preliminary, complete FROM staging.scb_observation WHERE indicator_id = 'smallhouse_starts'"
    ).fetchall()
    years = {year: (value, preliminary, complete) for year, value, preliminary, complete in rows}
    assert years[2019] == (185.0, True, False)  # 61 + 70 + 54 with 2019K2 '..': year to date, never a year
    assert years[2022] == (310.0, False, True)
    assert years[2025] == (241.0, True, True)  # whole, but inside the plan's four-quarter revision window
    assert years[2026] == (113.0, True, False)  # 47 + 66, K3 and K4 not yet published: year to date
    assert set(years) == set(range(2019, 2027))


def test_a_small_cell_limit_splits_the_query_and_staging_is_the_same(scb_server, tmp_path):
    config = json.loads(CONFIG)
    serve(scb_server, json.dumps({**config, "maxDataCells": 19, "maxCallsPerTimeWindow": 100}).encode())
    plan = dataclasses.replace(load_plan(), first_year=2024)
    refs, con, frame = staged(tmp_path, plan)
    data_refs = [r for r in refs if r.dataset == "scb_data"]
    assert len(data_refs) == 2  # 2 house types x 10 quarters (2024K1-2026K2) = 20 cells > 19
    assert frame.height == 20
    years = dict(con.execute("SELECT year, value FROM staging.scb_observation WHERE indicator_id = 'smallhouse_starts'").fetchall())
    assert years == {2024: 172.0, 2025: 241.0, 2026: 113.0}


def test_a_selection_the_table_lacks_stops_before_any_data_is_asked(scb_server, tmp_path):
    serve(scb_server)
    plan = load_plan()
    wrong = dataclasses.replace(plan.indicator("smallhouse_starts"), source_selection=(("ContentsCode", "BO0101A4"), ("Hustyp", "RADHUS")))
    plan = dataclasses.replace(plan, indicators=tuple(wrong if i.id == wrong.id else i for i in plan.indicators))
    with pytest.raises(SourceError, match="Hustyp=RADHUS"):
        steps.fetch(plan, LiveTransport(), RawArchive(tmp_path / "archive"))
    assert not [req for req, _ in scb_server.log if req.method == "POST"]
