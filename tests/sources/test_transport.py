"""Record against a real loopback HTTP server, then replay from the snapshot directory alone."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from indicator_pipeline.errors import SnapshotMissError
from indicator_pipeline.sources.live import LiveTransport
from indicator_pipeline.sources.transport import Fetched, RecordingTransport, ReplayTransport, SnapshotDir

SOURCE = "kolada"
PATH = "/v3/kpi/U07453"
# A BOM, non-ASCII text, CRLF and trailing blanks: anything a re-encoding would change.
BODY = '\ufeff{"values": [{"id": "U07453", "title": "Företagsklimat"}]}\r\n  '.encode()


@pytest.fixture
def recorded(httpserver: HTTPServer, tmp_path: Path) -> Fetched:
    """One GET recorded into tmp_path; the server answers it exactly once."""
    httpserver.expect_oneshot_request(PATH).respond_with_data(
        BODY, content_type="application/json; charset=utf-8", headers={"X-Request-Id": "abc-123"}
    )
    return RecordingTransport(LiveTransport(), SnapshotDir(tmp_path)).request(SOURCE, "GET", httpserver.url_for(PATH))


def test_replay_returns_the_recording_without_touching_the_server(httpserver: HTTPServer, tmp_path, recorded):
    requests_before = len(httpserver.log)

    replayed = ReplayTransport(SnapshotDir(tmp_path)).request(SOURCE, "GET", httpserver.url_for(PATH))

    assert len(httpserver.log) == requests_before == 1
    assert replayed.body == BODY == recorded.body
    assert (replayed.status, replayed.headers, replayed.retrieved_at) == (
        recorded.status,
        recorded.headers,
        recorded.retrieved_at,
    )
    assert replayed.headers["X-Request-Id"] == "abc-123"
    assert replayed.sha256 == hashlib.sha256(BODY).hexdigest()


def test_body_file_on_disk_is_the_bytes_the_server_sent(tmp_path, recorded):
    (body_file,) = (tmp_path / SOURCE).glob("*.body")
    (meta_file,) = (tmp_path / SOURCE).glob("*.meta.json")

    assert body_file.read_bytes() == BODY
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    assert (meta["url"], meta["sha256"]) == (recorded.url, hashlib.sha256(BODY).hexdigest())


def test_unrecorded_request_raises_snapshot_miss_naming_the_url(httpserver: HTTPServer, tmp_path, recorded):
    url = httpserver.url_for("/v3/kpi/N03002")

    with pytest.raises(SnapshotMissError) as caught:
        ReplayTransport(SnapshotDir(tmp_path)).request(SOURCE, "GET", url)

    assert url in str(caught.value)
    assert len(httpserver.log) == 1


def test_post_recordings_are_keyed_on_the_json_body(httpserver: HTTPServer, tmp_path):
    url = httpserver.url_for("/api/v2/tables/TAB4572/data")
    recorder = RecordingTransport(LiveTransport(), SnapshotDir(tmp_path))
    for year in ("2023", "2024"):
        httpserver.expect_oneshot_request(
            "/api/v2/tables/TAB4572/data", method="POST", json={"year": year}
        ).respond_with_json({"answer": year})
        recorder.request("scb", "POST", url, {"year": year})

    replay = ReplayTransport(SnapshotDir(tmp_path))

    assert len(list((tmp_path / "scb").glob("*.meta.json"))) == 2
    assert [replay.request("scb", "POST", url, {"year": year}).json() for year in ("2023", "2024")] == [
        {"answer": "2023"},
        {"answer": "2024"},
    ]
    with pytest.raises(SnapshotMissError, match="TAB4572"):
        replay.request("scb", "POST", url, {"year": "2025"})
    assert len(httpserver.log) == 2
