"""RetryingTransport against a loopback server: what is retried, how long it waits, how it gives up."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from indicator_pipeline.errors import HttpStatusError
from indicator_pipeline.sources.retry import RetriesExhaustedError, RetryingTransport
from indicator_pipeline.sources.transport import LiveTransport


def retrying(sleeps: list[float], **kwargs) -> RetryingTransport:
    """A retrying live transport that records its waits instead of sleeping; jitter fixed at half."""
    return RetryingTransport(LiveTransport(), sleep=sleeps.append, random=lambda: 0.5, **kwargs)


def test_429_with_retry_after_seconds_waits_as_told_then_succeeds(httpserver):
    httpserver.expect_oneshot_request("/data").respond_with_data("slow down", status=429, headers={"Retry-After": "2"})
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    sleeps: list[float] = []

    fetched = retrying(sleeps).request("scb", "GET", httpserver.url_for("/data"))

    assert fetched.json() == {"ok": True}
    assert sleeps == [2.0]
    assert len(httpserver.log) == 2


def test_503_with_retry_after_http_date_waits_until_then(httpserver):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    httpserver.expect_oneshot_request("/data").respond_with_data("", status=503, headers={"Retry-After": when})
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    sleeps: list[float] = []

    retrying(sleeps).request("scb", "GET", httpserver.url_for("/data"))

    assert len(sleeps) == 1 and 27 <= sleeps[0] <= 30


def test_persistent_500_gives_up_naming_url_and_attempts_after_backoff(httpserver):
    httpserver.expect_request("/data").respond_with_data("boom", status=500)
    url = httpserver.url_for("/data")
    sleeps: list[float] = []

    with pytest.raises(RetriesExhaustedError) as caught:
        retrying(sleeps, attempts=4, base_delay=1.0).request("scb", "GET", url)

    assert len(httpserver.log) == 4
    assert url in str(caught.value) and "4 attempts" in str(caught.value) and "HTTP 500" in str(caught.value)
    assert isinstance(caught.value.__cause__, HttpStatusError) and caught.value.__cause__.status == 500
    # Equal jitter with random() = 0.5: three quarters of 1, 2, 4 seconds.
    assert sleeps == [0.75, 1.5, 3.0]


def test_backoff_is_capped_by_max_delay_and_jittered_within_its_upper_half():
    transport = RetryingTransport(LiveTransport(), base_delay=1.0, max_delay=5.0, random=lambda: 1.0)
    assert [transport.backoff(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    transport.random = lambda: 0.0
    assert [transport.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 2.5, 2.5]


@pytest.mark.parametrize("status", [400, 403, 404])
def test_other_4xx_are_raised_at_once(httpserver, status):
    httpserver.expect_request("/data").respond_with_data("no such table", status=status)
    sleeps: list[float] = []

    with pytest.raises(HttpStatusError) as caught:
        retrying(sleeps).request("scb", "GET", httpserver.url_for("/data"))

    assert caught.value.status == status
    assert sleeps == [] and len(httpserver.log) == 1


def test_retry_after_beyond_max_delay_fails_at_once_saying_so(httpserver):
    httpserver.expect_request("/data").respond_with_data("", status=429, headers={"Retry-After": "3600"})
    sleeps: list[float] = []

    with pytest.raises(RetriesExhaustedError, match="Retry-After 3600 s, beyond max_delay 60 s"):
        retrying(sleeps).request("scb", "GET", httpserver.url_for("/data"))

    assert sleeps == [] and len(httpserver.log) == 1


def test_refused_connection_is_retried_then_reported():
    with socket.socket() as probe:  # a loopback port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/data"
    sleeps: list[float] = []

    with pytest.raises(RetriesExhaustedError, match="after 3 attempts: ConnectionError") as caught:
        retrying(sleeps, attempts=3).request("scb", "GET", url)

    assert url in str(caught.value)
    assert len(sleeps) == 2


def test_read_timeout_is_retried():
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/slow"
        sleeps: list[float] = []
        transport = RetryingTransport(
            LiveTransport(timeout=(1.0, 0.05)), attempts=2, sleep=sleeps.append, random=lambda: 0.5
        )

        with pytest.raises(RetriesExhaustedError, match="after 2 attempts: ReadTimeout"):
            transport.request("scb", "GET", url)

    assert sleeps == [0.75]
