"""Retries on the requests session (urllib3's Retry, `SourceRetry`) against a loopback server: what is
retried, how long it waits, how it gives up, and what it tells Dagster's RetryPolicy."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from urllib3 import HTTPResponse

from indicator_pipeline.errors import HttpStatusError
from indicator_pipeline.sources.modes import live_transport_from_env
from indicator_pipeline.sources.retry import RetriesExhaustedError, is_transient, retrying_session, source_retry
from indicator_pipeline.sources.live import LiveTransport
from tests.clock import FakeClock


def retrying(timeout=(5.0, 60.0), **kwargs) -> LiveTransport:
    return LiveTransport(timeout=timeout, session=retrying_session(source_retry(**kwargs)))


def test_429_with_retry_after_seconds_waits_as_told_then_succeeds(httpserver):
    httpserver.expect_oneshot_request("/data").respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    clock = FakeClock()

    fetched = retrying(sleep=clock.sleep).request("scb", "GET", httpserver.url_for("/data"))

    assert fetched.json() == {"ok": True}
    assert len(httpserver.log) == 2
    assert clock.sleeps == [7.0]  # the server's 7 s, not the immediate first retry of the backoff


def test_retry_after_as_http_date_is_read_as_the_wait_until_then():
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    answer = HTTPResponse(body=b"", status=503, headers={"Retry-After": when})
    assert 27 <= source_retry().get_retry_after(answer) <= 30


def test_unreadable_retry_after_falls_back_to_the_backoff(httpserver):
    httpserver.expect_oneshot_request("/data").respond_with_data("", status=503, headers={"Retry-After": "soon"})
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    clock = FakeClock()

    assert retrying(sleep=clock.sleep).request("scb", "GET", httpserver.url_for("/data")).json() == {"ok": True}
    assert len(httpserver.log) == 2
    assert clock.sleeps == []  # the backoff's first retry is at once


def test_persistent_500_gives_up_naming_url_and_attempts_after_backoff(httpserver):
    httpserver.expect_request("/data").respond_with_data("boom", status=500)
    url = httpserver.url_for("/data")
    clock = FakeClock()

    with pytest.raises(RetriesExhaustedError) as caught:
        retrying(attempts=4, backoff=0.1, sleep=clock.sleep).request("scb", "GET", url)

    assert len(httpserver.log) == 4
    assert url in str(caught.value) and "gave up after 4 attempts: HTTP 500" in str(caught.value)
    assert isinstance(caught.value.__cause__, HttpStatusError) and caught.value.__cause__.status == 500
    assert caught.value.last_error.body == b"boom"  # the last answer is kept for the message
    # Waits: at once (no sleep), then 0.2 s and 0.4 s, each plus up to 0.1 s of jitter; none after the last.
    (second, third) = clock.sleeps
    assert 0.2 <= second <= 0.3 and 0.4 <= third <= 0.5


def test_backoff_doubles_with_jitter_and_is_capped_by_max_delay():
    retry = source_retry(attempts=10, backoff=1.0, max_delay=5.0)
    waits = []
    for _ in range(5):
        retry = retry.increment("GET", "/data", response=HTTPResponse(body=b"", status=500))
        waits.append([retry.get_backoff_time() for _ in range(200)])
    assert waits[0] == [0.0] * 200  # the first retry is at once
    assert all(2.0 <= w <= 3.0 for w in waits[1]) and len(set(waits[1])) > 1  # 2 s plus a random share of 1 s
    assert all(4.0 <= w <= 5.0 for w in waits[2]) and len(set(waits[2])) > 1
    assert set(waits[3]) == set(waits[4]) == {5.0}  # 8 s and 16 s, capped


@pytest.mark.parametrize("status", [400, 403, 404])
def test_other_4xx_are_raised_at_once(httpserver, status):
    httpserver.expect_request("/data").respond_with_data("no such table", status=status)

    with pytest.raises(HttpStatusError) as caught:
        retrying().request("scb", "GET", httpserver.url_for("/data"))

    assert type(caught.value) is HttpStatusError and caught.value.status == status
    assert not is_transient(caught.value) and len(httpserver.log) == 1


def test_retry_after_beyond_max_delay_fails_at_once_saying_so(httpserver):
    httpserver.expect_request("/data").respond_with_data("", status=429, headers={"Retry-After": "3600"})

    with pytest.raises(RetriesExhaustedError, match="after 1 attempts: HTTP 429 with Retry-After 3600 s, beyond the 60 s"):
        retrying().request("scb", "GET", httpserver.url_for("/data"))

    assert len(httpserver.log) == 1


def test_a_post_is_retried_too(httpserver):
    """PxWeb's data queries are POSTs that change nothing: they are retried like a GET."""
    httpserver.expect_oneshot_request("/data", method="POST").respond_with_data("", status=502)
    httpserver.expect_request("/data", method="POST").respond_with_json({"ok": True})

    assert retrying().request("scb", "POST", httpserver.url_for("/data"), {"q": 1}).json() == {"ok": True}
    assert len(httpserver.log) == 2


def test_refused_connection_is_retried_then_reported():
    with socket.socket() as probe:  # a loopback port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/data"

    with pytest.raises(RetriesExhaustedError, match="after 3 attempts: NewConnectionError") as caught:
        retrying(attempts=3, backoff=0.01).request("scb", "GET", url)

    assert url in str(caught.value) and "Connection refused" in str(caught.value)
    assert is_transient(caught.value.last_error)  # a Dagster retry may still get through later


def test_read_timeout_is_retried():
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/slow"

        with pytest.raises(RetriesExhaustedError, match="after 2 attempts: ReadTimeoutError") as caught:
            retrying(timeout=(1.0, 0.05), attempts=2, backoff=0.01).request("scb", "GET", url)

    assert is_transient(caught.value.last_error)


def test_a_plain_session_tries_once(httpserver):
    httpserver.expect_request("/data").respond_with_data("down", status=503)

    with pytest.raises(HttpStatusError) as caught:
        LiveTransport().request("scb", "GET", httpserver.url_for("/data"))

    assert type(caught.value) is HttpStatusError and is_transient(caught.value) and len(httpserver.log) == 1


def test_live_transport_takes_attempts_and_backoff_from_the_environment(monkeypatch):
    monkeypatch.setenv("INDICATOR_HTTP_ATTEMPTS", "3")
    monkeypatch.setenv("INDICATOR_HTTP_BACKOFF", "0.5")
    retry = live_transport_from_env().session.get_adapter("https://api.kolada.se/").max_retries
    assert (retry.total, retry.backoff_factor, retry.backoff_jitter) == (2, 0.5, 0.5)
    with pytest.raises(ValueError, match="at least 1"):
        source_retry(attempts=0)
