"""Kolada v3 client against a real HTTP server on the loopback interface (pytest-httpserver)."""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
from pathlib import Path

import polars as pl
import pytest
from pytest_httpserver import HTTPServer

from indicator_pipeline.errors import HttpStatusError, MetadataMismatchError, SourceError
from indicator_pipeline.sources.kolada import (
    DEFAULT_BASE_URL,
    KoladaClient,
    check_kpi_titles,
    parse_kpi_metadata,
    parse_values,
)
from indicator_pipeline.sources.live import LiveTransport

# Real v3 KPI objects: the plan's KPIs cut from Kolada's catalogue (tests/fixtures/conformance/README.md).
CATALOGUE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "kolada" / "kpi_catalogue_plan_subset.json"
DATA_PATH = "/v3/data/kpi/N03002/municipality/1283/year/2023"
PER_PAGE = "per_page=5000"
EXPECTED_SCHEMA = [
    ("kpi_id", pl.Utf8),
    ("municipality_code", pl.Utf8),
    ("year", pl.Int32),
    ("gender", pl.Utf8),
    ("value", pl.Float64),
    ("status", pl.Utf8),
    ("is_deleted", pl.Boolean),
    ("member_count", pl.Int32),
    ("raw_sha256", pl.Utf8),
    ("source_url", pl.Utf8),
    ("retrieved_at", pl.Utf8),
]
TITLES = {
    "U07453": "Företagsklimat Insikt - Totalt, Index, ny definition",
    "N03002": "Soliditet inkl pensionsåtag. kommun, (%)",
}


@pytest.fixture
def client(httpserver: HTTPServer) -> KoladaClient:
    return KoladaClient(LiveTransport(), base_url=httpserver.url_for("/v3"))


@pytest.fixture(scope="module")
def real_kpis() -> dict[str, dict]:
    """Real v3 KPI metadata objects, as Kolada publishes them."""
    return {kpi["id"]: kpi for kpi in json.loads(CATALOGUE.read_text(encoding="utf-8")) if kpi["id"] in TITLES}


def envelope(values: list, next_url: str | None = None) -> dict:
    return {"values": values, "count": len(values), "next_url": next_url, "previous_url": None}


def data(kpi: str, period: int, *entries: dict) -> dict:
    return {"values": list(entries), "kpi": kpi, "period": period, "municipality": "1283"}


def entry(value: float | None, gender: str = "T", **extra: object) -> dict:
    return {"gender": gender, "count": 1, "status": "", "value": value, **extra}


def serve(httpserver: HTTPServer, body: dict | list | bytes, path: str = DATA_PATH, query: str = PER_PAGE) -> None:
    handler = httpserver.expect_request(path, query_string=query)
    if isinstance(body, bytes):
        handler.respond_with_data(body, content_type="application/json")
    else:
        handler.respond_with_json(body)


def fetch_one(client: KoladaClient) -> pl.DataFrame:
    """Values of the single request at DATA_PATH."""
    return parse_values(client.fetch_values(["N03002"], ["1283"], [2023]))


def received(httpserver: HTTPServer) -> list[str]:
    """Path and query of every request the server saw, in order."""
    return [request.full_path for request, _ in httpserver.log]


# --- pagination ---------------------------------------------------------------------------------


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_next_url_is_followed_and_rows_of_all_pages_returned(httpserver: HTTPServer, client, relative: bool):
    page_2 = "page=2" if relative else f"page=2&{PER_PAGE}"
    next_url = f"?{page_2}" if relative else httpserver.url_for(f"{DATA_PATH}?{page_2}")
    serve(httpserver, envelope([data("N03002", 2023, entry(46.1))], next_url=next_url))
    serve(httpserver, {**envelope([data("N03002", 2023, entry(47.0, "K"))]), "next_url": ""}, query=page_2)

    pages = client.fetch_values(["N03002"], ["1283"], [2023])
    frame = parse_values(pages)

    assert received(httpserver) == [f"{DATA_PATH}?{PER_PAGE}", f"{DATA_PATH}?{page_2}"]
    assert frame["value"].to_list() == [46.1, 47.0]
    assert frame["source_url"].to_list() == [httpserver.url_for(f"{DATA_PATH}?{query}") for query in (PER_PAGE, page_2)]


def test_repeated_next_url_raises_naming_the_url(httpserver: HTTPServer, client):
    first = httpserver.url_for(f"{DATA_PATH}?{PER_PAGE}")
    serve(httpserver, envelope([data("N03002", 2023, entry(1.0))], next_url="?page=2"))
    serve(httpserver, envelope([], next_url=first), query="page=2")

    with pytest.raises(SourceError, match="pagination loops") as caught:
        fetch_one(client)

    assert first in str(caught.value)
    assert len(httpserver.log) == 2


def test_more_than_max_pages_raises_naming_the_url(httpserver: HTTPServer):
    serve(httpserver, envelope([], next_url="?page=2"))
    serve(httpserver, envelope([], next_url="?page=3"), query="page=2")
    client = KoladaClient(LiveTransport(), base_url=httpserver.url_for("/v3"), max_pages=2)

    with pytest.raises(SourceError, match="more than 2 pages") as caught:
        fetch_one(client)

    assert httpserver.url_for(f"{DATA_PATH}?page=3") in str(caught.value)
    assert len(httpserver.log) == 2


# --- chunking -----------------------------------------------------------------------------------


def answer_every_data_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request(re.compile("^/v3/data/")).respond_with_json(envelope([]))


def test_thirty_kpis_become_two_requests_of_25_and_5(httpserver: HTTPServer, client):
    kpis = [f"N{n:05d}" for n in range(30)]
    shuffled = random.Random(1).sample(kpis, len(kpis)) + kpis[:3]  # unsorted, with duplicates
    answer_every_data_request(httpserver)

    pages = client.fetch_values(shuffled, ["1283"], [2023])

    expected = [f"/v3/data/kpi/{','.join(chunk)}/municipality/1283/year/2023" for chunk in (kpis[:25], kpis[25:])]
    assert [request.path for request, _ in httpserver.log] == expected
    assert [page.url for page in pages] == [httpserver.url_for(f"{path}?{PER_PAGE}") for path in expected]
    assert [len(request.path.split("/")[4].split(",")) for request, _ in httpserver.log] == [25, 5]


def test_years_are_sorted_chunked_and_crossed_with_kpi_chunks(httpserver: HTTPServer, client):
    kpis = [f"U{n:05d}" for n in range(26)]
    years = list(range(1995, 2025))  # 30 years
    answer_every_data_request(httpserver)

    client.fetch_values(reversed(kpis), ["1283", "0000", "1283"], [*reversed(years), 2000])

    kpi_chunks = [",".join(kpis[:25]), kpis[25]]
    year_chunks = [",".join(map(str, years[:25])), ",".join(map(str, years[25:]))]
    assert [request.path for request, _ in httpserver.log] == [
        f"/v3/data/kpi/{k}/municipality/0000,1283/year/{y}" for k in kpi_chunks for y in year_chunks
    ]


# --- values -------------------------------------------------------------------------------------


def test_values_keep_nulls_genders_status_and_provenance(httpserver: HTTPServer, client):
    body = json.dumps(
        envelope(
            [
                data("N03002", 2023, entry(46, "T"), entry(None, "K", status="Missing"), entry(12.5, "M")),
                data("N03002", 2022, {"gender": "T", "value": None, "isdeleted": True}),
            ]
        )
    ).encode()
    serve(httpserver, body)

    frame = fetch_one(client)

    assert frame.select("gender", "year", "value", "status", "is_deleted", "member_count").rows() == [
        ("T", 2023, 46.0, "", None, 1),
        ("K", 2023, None, "Missing", None, 1),
        ("M", 2023, 12.5, "", None, 1),
        ("T", 2022, None, None, True, None),
    ]
    assert frame["value"].null_count() == 2
    assert set(frame["raw_sha256"]) == {hashlib.sha256(body).hexdigest()}
    assert set(frame["kpi_id"]) == {"N03002"} and set(frame["municipality_code"]) == {"1283"}
    assert list(frame.schema.items()) == EXPECTED_SCHEMA


def test_empty_values_give_an_empty_frame_with_the_schema(httpserver: HTTPServer, client):
    serve(httpserver, envelope([]))

    frame = fetch_one(client)

    assert frame.height == 0
    assert list(frame.schema.items()) == EXPECTED_SCHEMA


def test_body_that_is_not_json_raises_naming_the_url(httpserver: HTTPServer, client):
    serve(httpserver, b"<html>502 Bad Gateway</html>")

    with pytest.raises(SourceError, match="not valid JSON") as caught:
        fetch_one(client)

    assert httpserver.url_for(f"{DATA_PATH}?{PER_PAGE}") in str(caught.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([1, 2], ["response is [1, 2]"]),
        ({"values": {"kpi": "N03002"}}, ["'values'", "{'kpi': 'N03002'}"]),
        (envelope([data("N03002", 2023), data("N03002", "2023")]), ["values[1]", "'period'", "'2023'"]),
        (envelope([data("N03002", True)]), ["values[0]", "'period'", "True"]),
        (envelope([{"values": [], "period": 2023, "municipality": "1283"}]), ["values[0]", "'kpi'", "missing"]),
        (envelope([{**data("N03002", 2023), "municipality": 1283}]), ["values[0]", "'municipality'", "1283"]),
        (envelope([{**data("N03002", 2023), "values": None}]), ["values[0]", "'values'", "None"]),
        (envelope([data("N03002", 2023, entry(1.0), entry("12,3"))]), ["values[0].values[1]", "'value'", "'12,3'"]),
        (envelope([data("N03002", 2023, entry(False))]), ["values[0].values[0]", "'value'", "False"]),
        (envelope(["N03002"]), ["values[0]", "'N03002'", "expected an object"]),
    ],
    ids=[
        "envelope-not-object",
        "values-not-list",
        "period-string",
        "period-bool",
        "kpi-missing",
        "municipality-not-string",
        "data-values-not-list",
        "value-string",
        "value-bool",
        "data-not-object",
    ],
)
def test_malformed_values_raise_naming_field_value_and_url(httpserver: HTTPServer, client, body, expected):
    serve(httpserver, body)

    with pytest.raises(SourceError) as caught:
        fetch_one(client)

    message = str(caught.value)
    assert all(part in message for part in expected), message
    assert httpserver.url_for(f"{DATA_PATH}?{PER_PAGE}") in message


def test_http_500_raises_http_status_error_with_the_url(httpserver: HTTPServer, client):
    httpserver.expect_request(DATA_PATH).respond_with_json({"detail": "Internal Server Error"}, status=500)

    with pytest.raises(HttpStatusError) as caught:
        fetch_one(client)

    assert caught.value.status == 500
    assert httpserver.url_for(f"{DATA_PATH}?{PER_PAGE}") in str(caught.value)


# --- base URL -----------------------------------------------------------------------------------


def test_base_url_comes_from_the_environment(httpserver: HTTPServer, monkeypatch, real_kpis):
    monkeypatch.setenv("KOLADA_BASE_URL", httpserver.url_for("/v3/"))
    serve(httpserver, envelope([real_kpis["U07453"]]), path="/v3/kpi/U07453")

    pages = KoladaClient(LiveTransport()).fetch_kpi_metadata(["U07453"])

    assert KoladaClient(LiveTransport()).base_url == httpserver.url_for("/v3")
    assert received(httpserver) == [f"/v3/kpi/U07453?{PER_PAGE}"]
    assert [kpi["id"] for kpi in parse_kpi_metadata(pages)] == ["U07453"]


def test_base_url_defaults_to_the_public_api(monkeypatch):
    monkeypatch.delenv("KOLADA_BASE_URL", raising=False)

    assert KoladaClient(LiveTransport()).base_url == DEFAULT_BASE_URL == "https://api.kolada.se/v3"


# --- KPI metadata -------------------------------------------------------------------------------


def test_real_metadata_objects_parse_and_match_the_expected_titles(httpserver: HTTPServer, client, real_kpis):
    serve(httpserver, envelope([real_kpis["N03002"], real_kpis["U07453"]]), path="/v3/kpi/N03002,U07453")

    metadata = parse_kpi_metadata(client.fetch_kpi_metadata(["U07453", "N03002", "U07453"]))

    assert received(httpserver) == [f"/v3/kpi/N03002,U07453?{PER_PAGE}"]
    assert metadata == [real_kpis["N03002"], real_kpis["U07453"]]
    check_kpi_titles(metadata, TITLES)


def test_retitled_and_missing_kpis_are_reported_together(real_kpis):
    retitled = copy.deepcopy(real_kpis["U07453"])
    retitled["title"] = "Företagsklimat Insikt - Totalt, Index, gammal definition"

    with pytest.raises(MetadataMismatchError) as caught:
        check_kpi_titles([retitled], TITLES)

    message = str(caught.value)
    assert f"Kolada no longer knows KPI N03002 (expected title {TITLES['N03002']!r})" in message
    assert "U07453" in message and repr(TITLES["U07453"]) in message and repr(retitled["title"]) in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [({"title": None}, ["'title'", "None"]), ({"id": 7453}, ["'id'", "7453"])],
    ids=["title-null", "id-not-string"],
)
def test_malformed_metadata_raises_naming_field_value_and_position(
    httpserver: HTTPServer, client, real_kpis, change, expected
):
    serve(httpserver, envelope([real_kpis["N03002"], {**real_kpis["U07453"], **change}]), path="/v3/kpi/N03002,U07453")

    with pytest.raises(SourceError) as caught:
        parse_kpi_metadata(client.fetch_kpi_metadata(list(TITLES)))

    message = str(caught.value)
    assert all(part in message for part in [*expected, "values[1]", httpserver.url_for("/v3/kpi/")]), message
