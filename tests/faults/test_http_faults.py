"""HTTP faults against the real clients and a real server on 127.0.0.1: every one fails the refresh with
one clear line naming the URL, publishes nothing (the published file is byte-for-byte unchanged) and
leaves no lock behind. The run goes through the whole Dagster graph in-process, in live mode."""

from __future__ import annotations

import json
import shutil

import pytest
from faultenv import AS_OF
from faultkit import BUNDLED, Answer, Blackhole, SourceServer, sha256

from indicator_pipeline.run import RefreshFailed, refresh
from indicator_pipeline.settings import Settings
from indicator_pipeline.warehouse.lock import lock_path
from snapshot_files import own_kolada_data

DATA = "/v3/data/kpi/"
META = "/v3/kpi/"
JSON = {"Content-Type": "application/json"}


def envelope(values: list, next_url: str | None = None) -> bytes:
    return json.dumps({"values": values, "count": len(values), "next_url": next_url, "previous_url": None}).encode()


def edited(edit):
    """A fault that answers the recorded body after `edit` changed its decoded JSON."""
    def fault(path, recorded, base):
        body = json.loads(recorded.body)
        edit(body)
        return Answer(200, json.dumps(body).encode(), JSON)
    return fault


def first_object(body):
    return body["values"][0]


TIMEOUT = lambda p, r, b: Answer(hang=True)  # noqa: E731
FAULTS = {
    # name: fault on the Kolada request whose path starts with the key, and fragments the one-line error
    # must contain. The transport-level faults come in pairs, one on the KPI metadata request and one on
    # the value request, so that one run exercises two (both source assets fail, each naming its URL).
    "read timeout + HTTP 503": {
        META: (TIMEOUT, ["kolada_kpi_metadata_raw:", "ReadTimeout", "gave up after 2 attempts"]),
        DATA: (lambda p, r, b: Answer(503, b"down for maintenance"), ["kolada_values_raw:", "gave up after 2 attempts: HTTP 503"]),
    },
    "HTTP 429 + truncated JSON": {
        META: (lambda p, r, b: Answer(429, b"slow down", {"Retry-After": "0"}), ["gave up after 2 attempts: HTTP 429"]),
        DATA: (lambda p, r, b: Answer(200, r.body[: len(r.body) // 2], JSON), ["not valid JSON"]),
    },
    "connection closed mid-body + HTML instead of JSON": {
        META: (lambda p, r, b: Answer(200, r.body, JSON, cut_after=len(r.body) // 2), ["request failed"]),
        DATA: (
            lambda p, r, b: Answer(200, b"<html><body>Service Unavailable</body></html>", {"Content-Type": "text/html"}),
            ["not valid JSON", "<html>"],
        ),
    },
    "redirect loop + repeating next_url": {
        META: (lambda p, r, b: Answer(302, b"", {"Location": b + p}), ["TooManyRedirects"]),
        DATA: (
            lambda p, r, b: Answer(200, envelope(json.loads(r.body)["values"], next_url=b + p), JSON),
            ["pagination loops"],
        ),
    },
    "answer larger than INDICATOR_HTTP_MAX_BODY + answer dripping past INDICATOR_HTTP_BODY_TIMEOUT": {
        META: (lambda p, r, b: Answer(200, b" " * (9 * 1024 * 1024), JSON), ["announces 9437184 bytes, more than the 8388608 allowed"]),
        DATA: (lambda p, r, b: Answer(200, r.body, JSON, drip=0.05), ["did not arrive within 3 s"]),
    },
    "schema change: field missing": {
        DATA: (edited(lambda body: first_object(body).pop("period")), ["stg_kolada_values:", "field 'period' is missing"]),
    },
    "schema change: new type + empty answer (values: [])": {
        META: (edited(lambda body: first_object(body).update(title=123)), ["stg_kolada_kpi:", "field 'title' is 123"]),
        DATA: (lambda p, r, b: Answer(200, envelope([]), JSON), ["kolada_values_raw:", "answered no values at all"]),
    },
}


def live_settings(warehouse) -> Settings:
    return Settings.from_env(warehouse_path=warehouse, source_mode="live", as_of=AS_OF)


def assert_failed_cleanly(warehouse, before: str, message: str, fragments: list[str], url_part: str) -> None:
    assert "\n" not in message, message
    for fragment in [*fragments, url_part, "nothing was published"]:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert sha256(warehouse) == before, "the published warehouse changed"
    assert not lock_path(warehouse).exists(), "the refresh lock was left behind"


@pytest.fixture
def live_env(clean_env, tmp_path):
    landing = tmp_path / "landing"
    if (BUNDLED / "filedrop").is_dir():
        shutil.copytree(BUNDLED / "filedrop", landing)
    clean_env.setenv("INDICATOR_LANDING_DIR", str(landing))
    return clean_env


@pytest.mark.parametrize("name", list(FAULTS))
def test_http_fault_fails_the_refresh_and_publishes_nothing(live_env, warehouse, name):
    before = sha256(warehouse)
    with SourceServer() as server:
        for path, (fault, _) in FAULTS[name].items():
            server.fault(path, fault)
        live_env.setenv("KOLADA_BASE_URL", f"{server.url}/v3")
        live_env.setenv("SCB_BASE_URL", f"{server.url}/api/v2")
        with pytest.raises(RefreshFailed) as failed:
            refresh(live_settings(warehouse))
    message = str(failed.value)
    for path, (_, fragments) in FAULTS[name].items():
        assert_failed_cleanly(warehouse, before, message, ["kolada: ", *fragments], f"{server.url}{path}")


def test_connect_timeout_fails_the_refresh_and_publishes_nothing(live_env, warehouse):
    before = sha256(warehouse)
    hole = Blackhole()
    try:
        with SourceServer() as server:
            live_env.setenv("KOLADA_BASE_URL", f"{hole.url}/v3")
            live_env.setenv("SCB_BASE_URL", f"{server.url}/api/v2")
            with pytest.raises(RefreshFailed) as failed:
                refresh(live_settings(warehouse))
    finally:
        hole.close()
    assert_failed_cleanly(warehouse, before, str(failed.value), ["ConnectTimeout", "gave up after 2 attempts"], f"{hole.url}/v3/")


def test_one_failing_source_does_not_stop_the_others(clean_env, warehouse, tmp_path):
    """Kolada's value request has no recording: that source fails, every independent branch still runs
    into the run's work file, and the run fails naming the source; nothing is published."""
    snapshot = tmp_path / "snapshot"
    shutil.copytree(BUNDLED, snapshot)
    meta = own_kolada_data(snapshot, ".meta.json")
    meta.unlink()
    before = sha256(warehouse)
    with pytest.raises(RefreshFailed) as failed:
        # forced: the other sources are unchanged, and an unchanged source is not staged (no work file at all)
        refresh(Settings(warehouse_path=warehouse, source_mode="replay", snapshot_dir=snapshot, as_of=AS_OF, force_refresh=True))
    message = str(failed.value)
    assert message.startswith("kolada_values_raw: "), message
    assert "no recorded response" in message and "api.kolada.se/v3/data/kpi/" in message
    assert sha256(warehouse) == before
    (work,) = (warehouse.parent / ".work").glob("*.duckdb")  # this run's work file, kept for inspection
    import duckdb

    with duckdb.connect(str(work), read_only=True) as con:
        def rows(table):
            return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        assert rows("staging.kolada_kpi") > 0  # Kolada's other source asset and its staging ran
        assert rows("core.dim_target") > 0  # the catalogue branch ran
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='staging'").fetchall()}
        if "scb_values" in tables:
            assert rows("staging.scb_values") > 0  # SCB ran
