"""PxWebClient against a loopback server that serves SCB's real /config and slices of real TAB6471 data."""

from __future__ import annotations

import itertools
import json
import math
import time
from pathlib import Path

import polars as pl
import pytest
from werkzeug import Request, Response

from indicator_pipeline.errors import SourceError
from indicator_pipeline.sources.jsonstat import decode_jsonstat2
from indicator_pipeline.sources.pxweb import (
    DEFAULT_BASE_URL,
    DEFAULT_LANGUAGE,
    PxWebClient,
    split_selection,
)
from indicator_pipeline.sources.retry import retrying_session, source_retry
from indicator_pipeline.sources.live import LiveTransport
from indicator_pipeline.sources.transport import RecordingTransport, ReplayTransport, SnapshotDir
from tests.clock import FakeClock

CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "scb"
CONFIG = json.loads((CONFORMANCE / "config.json").read_text(encoding="utf-8"))
TAB6471 = json.loads((CONFORMANCE / "TAB6471_data.json").read_text(encoding="utf-8"))
DATA_PATH = "/api/v2/tables/TAB6471/data"
DATA_QUERY = {"lang": "sv", "outputFormat": "json-stat2"}
FULL_SELECTION = {dim: list(TAB6471["dimension"][dim]["category"]["index"]) for dim in TAB6471["id"]}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(httpserver, clock) -> PxWebClient:
    """A client asking for Swedish, the language of the recorded TAB6471 answers."""
    return PxWebClient(LiveTransport(), base_url=httpserver.url_for("/api/v2"), clock=clock, sleep=clock.sleep, lang="sv")


def serve_config(httpserver, **overrides) -> None:
    httpserver.expect_request("/api/v2/config", method="GET").respond_with_json({**CONFIG, **overrides})


def answer_from_tab6471(request: Request) -> Response:
    """Answer a data POST like SCB does, from the real TAB6471 dataset: the requested slice, with a
    left-out eliminable variable reduced to its eliminationValueCode and dropped from the answer, and
    a left-out mandatory one refused with SCB's own 400 problem."""
    asked = {s["variableCode"]: s["valueCodes"] for s in request.get_json()["selection"]}
    picked = {}
    for dim in TAB6471["id"]:
        extension = TAB6471["dimension"][dim]["extension"]
        if dim not in asked and not extension["elimination"]:
            problem = {"title": "Missing selection for mandantory variable", "status": 400}
            return Response(json.dumps(problem), status=400, content_type="application/problem+json")
        picked[dim] = asked.get(dim, [extension.get("eliminationValueCode")])
    strides = [math.prod(TAB6471["size"][k + 1 :]) for k in range(len(TAB6471["id"]))]
    index = {dim: TAB6471["dimension"][dim]["category"]["index"] for dim in TAB6471["id"]}
    positions = [[index[dim][code] for code in codes] for dim, codes in picked.items()]
    kept = [dim for dim in TAB6471["id"] if dim in asked]  # SCB answers in the table's order
    answer = {
        **TAB6471,
        "id": kept,
        "size": [len(asked[dim]) for dim in kept],
        "dimension": {
            dim: {**spec, "category": {**spec["category"], "index": {c: i for i, c in enumerate(asked[dim])}}}
            for dim, spec in ((dim, TAB6471["dimension"][dim]) for dim in kept)
        },
        "value": [
            TAB6471["value"][sum(i * s for i, s in zip(combo, strides))] for combo in itertools.product(*positions)
        ],
    }
    return Response(json.dumps(answer), content_type="application/json")


def posted_selections(httpserver) -> list[dict[str, list[str]]]:
    return [
        {s["variableCode"]: s["valueCodes"] for s in json.loads(request.data)["selection"]}
        for request, _ in httpserver.log
        if request.method == "POST"
    ]


def test_config_is_read_once_and_cached(httpserver, client):
    serve_config(httpserver)

    assert client.config()["maxDataCells"] == 150000
    assert client.config()["maxCallsPerTimeWindow"] == 3 and client.config()["timeWindow"] == 1
    assert len(httpserver.log) == 1


def test_config_without_limits_is_an_error(httpserver, client):
    serve_config(httpserver, maxDataCells=None)

    with pytest.raises(SourceError, match="config field .maxDataCells. is None, expected a positive integer"):
        client.config()


def test_metadata_is_fetched_in_the_client_language_after_the_limits(httpserver, client):
    serve_config(httpserver)
    httpserver.expect_request("/api/v2/tables/TAB6471/metadata", query_string={"lang": "sv"}).respond_with_data(
        (CONFORMANCE / "TAB6471_metadata.json").read_bytes(), content_type="application/json"
    )

    fetched = client.fetch_metadata("TAB6471")

    assert fetched.json()["extension"]["px"]["tableid"] == "TAB6471"
    assert [request.path for request, _ in httpserver.log] == ["/api/v2/config", "/api/v2/tables/TAB6471/metadata"]


def test_english_is_asked_unless_another_language_is_given(httpserver, clock):
    serve_config(httpserver)
    httpserver.expect_request("/api/v2/tables/TAB4572/metadata", query_string={"lang": "en"}).respond_with_data(
        (CONFORMANCE / "TAB4572_metadata_en.json").read_bytes(), content_type="application/json"
    )
    client = PxWebClient(LiveTransport(), base_url=httpserver.url_for("/api/v2"), clock=clock, sleep=clock.sleep)

    metadata = client.fetch_metadata("TAB4572")

    assert client.lang == DEFAULT_LANGUAGE == "en"
    assert metadata.url.endswith("/tables/TAB4572/metadata?lang=en")
    assert metadata.json()["extension"]["px"]["language"] == "en"


def test_small_selection_is_one_post_with_variables_in_the_given_order(httpserver, client):
    serve_config(httpserver)
    httpserver.expect_request(DATA_PATH, method="POST", query_string=DATA_QUERY).respond_with_handler(
        answer_from_tab6471
    )
    selection = {"Region": ["12"], "Alder": ["20-29", "30-39"], "Kon": ["1", "2"], "ContentsCode": ["000007SF"],
                 "Tid": ["2026M04"]}

    parts = client.fetch_data("TAB6471", selection)

    assert posted_selections(httpserver) == [selection]
    assert json.loads(parts[0].request_body) == {
        "selection": [{"variableCode": var, "valueCodes": codes} for var, codes in selection.items()]
    }
    frame = decode_parts(parts)
    assert frame.height == 4
    # TAB6471_data.json, Skåne län, 30-39 år, kvinnor, 2026M04: value[((9 * 11 + 3) * 3 + 2) * 4 + 3]
    assert frame.filter(pl.col("Alder") == "30-39", pl.col("Kon") == "2")["value"].item() == 99051


def decode_parts(parts) -> pl.DataFrame:
    """The json-stat2 answers of one fetch_data call as one frame."""
    return pl.concat([decode_jsonstat2(part.json(), source=part.source, url=part.url) for part in parts])


def test_selection_over_the_cell_limit_is_split_along_its_widest_variable(httpserver, client):
    serve_config(httpserver, maxDataCells=1000)
    httpserver.expect_request(DATA_PATH, method="POST", query_string=DATA_QUERY).respond_with_handler(
        answer_from_tab6471
    )

    parts = client.fetch_data("TAB6471", FULL_SELECTION)

    posted = posted_selections(httpserver)
    # 2,772 cells; one region is 11 * 3 * 1 * 4 = 132 cells, so 7 regions fit: 3 calls of 7 regions.
    assert len(posted) == len(parts) == 3
    assert [part["Region"] for part in posted] == [FULL_SELECTION["Region"][i : i + 7] for i in (0, 7, 14)]
    for part in posted:
        assert {var: codes for var, codes in part.items() if var != "Region"} == {
            var: codes for var, codes in FULL_SELECTION.items() if var != "Region"
        }
        assert math.prod(len(codes) for codes in part.values()) <= 1000
    assert decode_parts(parts).equals(decode_jsonstat2(TAB6471))


def test_split_goes_one_variable_deeper_when_one_value_is_over_the_limit():
    parts = split_selection(FULL_SELECTION, 100)

    # One region is 132 cells: each region is split again along Alder (11 values * 12 cells): 6 + 5.
    assert len(parts) == 21 * 2
    assert all(math.prod(len(codes) for codes in part.values()) <= 100 for part in parts)
    assert [part["Alder"] for part in parts[:2]] == [FULL_SELECTION["Alder"][:6], FULL_SELECTION["Alder"][6:]]
    cells = {combo for part in parts for combo in itertools.product(*part.values())}
    assert len(cells) == 2772 == sum(math.prod(len(codes) for codes in part.values()) for part in parts)


def test_chunks_are_balanced_and_as_few_as_the_limit_allows():
    parts = split_selection({"Region": [str(i) for i in range(10)], "Tid": ["2025", "2026"]}, 8)

    assert [len(part["Region"]) for part in parts] == [4, 3, 3]


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["*"], r"expression\(s\) \['\*'\]"),
        (["top(4)"], r"expression\(s\) \['top\(4\)'\]"),
        (["2026M01", "from(2026M02)"], r"expression\(s\) \['from\(2026M02\)'\]"),
        ([], "Tid selects no values"),
        (["2026M01", "2026M01"], "repeats value codes"),
    ],
)
def test_selections_whose_size_is_unknown_are_refused_before_any_call(httpserver, client, codes, message):
    with pytest.raises(ValueError, match=message):
        client.fetch_data("TAB6471", {"Region": ["12"], "ContentsCode": ["000007SF"], "Tid": codes})

    assert httpserver.log == []


def test_calls_are_spaced_to_the_configured_window(httpserver, client, clock):
    """Real config: at most 3 calls per 1 s, counting the /config call itself."""
    serve_config(httpserver)
    httpserver.expect_request("/api/v2/tables/TAB6471/metadata").respond_with_json({})

    client.config()  # t = 1000.00
    clock.now += 0.25
    client.fetch_metadata("TAB6471")  # t = 1000.25
    clock.now += 0.25
    client.fetch_metadata("TAB6471")  # t = 1000.50: third call in the window, no wait
    clock.now += 0.1
    client.fetch_metadata("TAB6471")  # t = 1000.60: waits until 1001.00, when the /config call leaves
    client.fetch_metadata("TAB6471")  # t = 1001.00: waits until 1001.25
    clock.now += 5
    client.fetch_metadata("TAB6471")  # long after: no wait

    assert clock.sleeps == pytest.approx([0.4, 0.25])
    assert len(httpserver.log) == 6


def test_a_replay_owes_scb_no_call_limit_but_its_recording_kept_it(httpserver, clock, tmp_path):
    """Recording five calls against a limit of three per second waits; replaying them never does."""
    serve_config(httpserver, maxCallsPerTimeWindow=3, timeWindow=1)
    httpserver.expect_request("/api/v2/tables/TAB6471/metadata").respond_with_json({})
    snapshot = SnapshotDir(tmp_path / "snapshot")
    base_url = httpserver.url_for("/api/v2")
    recording = PxWebClient(RecordingTransport(LiveTransport(), snapshot), base_url=base_url, clock=clock, sleep=clock.sleep)
    for _ in range(4):
        recording.fetch_metadata("TAB6471")
    assert clock.sleeps  # the fourth and fifth calls waited their turn

    replay_clock = FakeClock()
    replaying = PxWebClient(ReplayTransport(snapshot), base_url=base_url, clock=replay_clock, sleep=replay_clock.sleep)
    for _ in range(4):
        assert replaying.fetch_metadata("TAB6471").json() == {}
    assert replay_clock.sleeps == []


def test_429_with_retry_after_is_retried_by_the_retrying_session(httpserver, clock):
    serve_config(httpserver)
    httpserver.expect_oneshot_request(DATA_PATH, method="POST").respond_with_data(
        "", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_request(DATA_PATH, method="POST").respond_with_handler(answer_from_tab6471)
    transport = LiveTransport(session=retrying_session(source_retry()))
    client = PxWebClient(transport, base_url=httpserver.url_for("/api/v2"), clock=clock, sleep=clock.sleep, lang="sv")

    selection = {"Region": ["12"], "Alder": ["20-29"], "ContentsCode": ["000007SF"], "Tid": ["2026M01"]}

    started = time.monotonic()
    parts = client.fetch_data("TAB6471", selection)  # Kon left out: eliminated to its total

    assert time.monotonic() - started >= 1.0  # the server's Retry-After, waited by the session's retry
    assert [request.method for request, _ in httpserver.log] == ["GET", "POST", "POST"]
    frame = decode_parts(parts)
    assert frame.columns == ["Region", "Alder", "ContentsCode", "Tid", "value", "status"]
    assert frame["value"].to_list() == [168224.0]  # the TotSa cell for Skåne län, 20-29 år, 2026M01


PROBLEM_WITH_DETAIL = {"type": "about:blank", "title": "Illegal selection expression", "status": 400,
                       "detail": "Tid: from(", "instance": "/tables/TAB6471/data"}


@pytest.mark.parametrize(
    ("respond", "server_says"),
    [
        (answer_from_tab6471, "HTTP 400: Missing selection for mandantory variable"),  # mandatory Alder left out
        (lambda request: Response(json.dumps(PROBLEM_WITH_DETAIL), 400, content_type="application/problem+json"),
         "HTTP 400: Illegal selection expression — Tid: from("),
        (lambda request: Response("Bad Request", 400, content_type="text/plain"), "HTTP 400: Bad Request"),
    ],
)
def test_400_names_table_selection_and_what_the_server_said(httpserver, client, respond, server_says):
    serve_config(httpserver)
    httpserver.expect_request(DATA_PATH, method="POST").respond_with_handler(respond)

    with pytest.raises(SourceError) as caught:
        client.fetch_data("TAB6471", {"Region": ["12", "13"], "Tid": ["2026M01"]})

    message = str(caught.value)
    assert "table TAB6471 data for selection Region=12,13; Tid=2026M01 failed" in message
    assert server_says in message and httpserver.url_for(DATA_PATH) in message


def test_long_value_lists_are_shortened_in_errors(httpserver, client):
    serve_config(httpserver)
    httpserver.expect_request(DATA_PATH, method="POST").respond_with_data("Bad Request", 400)

    with pytest.raises(SourceError, match=r"Region=01,03,04,05,06,… \(21 values\); Tid=2026M01 failed"):
        client.fetch_data("TAB6471", {"Region": FULL_SELECTION["Region"], "Tid": ["2026M01"]})


def test_base_url_comes_from_the_environment(httpserver, monkeypatch, clock):
    serve_config(httpserver)
    monkeypatch.setenv("SCB_BASE_URL", httpserver.url_for("/api/v2/"))

    client = PxWebClient(LiveTransport(), clock=clock, sleep=clock.sleep)

    assert client.config()["defaultDataFormat"] == "json-stat2"
    assert client.base_url == httpserver.url_for("/api/v2")


def test_base_url_defaults_to_scb(monkeypatch):
    monkeypatch.delenv("SCB_BASE_URL", raising=False)

    assert PxWebClient(LiveTransport()).base_url == DEFAULT_BASE_URL


def test_unknown_table_names_the_table(httpserver, client):
    serve_config(httpserver)
    httpserver.expect_request("/api/v2/tables/TAB0000/metadata").respond_with_data("Not Found", 404)

    with pytest.raises(SourceError, match="table TAB0000 metadata failed: HTTP 404: Not Found"):
        client.fetch_metadata("TAB0000")
