"""Requests over HTTP: explicit timeouts, a bounded body, and the retrying session's verdicts
(retry.py). The one transport that imports `requests`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import ClassVar

import requests
import urllib3

from indicator_pipeline.errors import HttpStatusError, ResponseTooLarge, ResponseTooSlow, SourceError
from indicator_pipeline.sources.retry import request_failed, status_failed
from indicator_pipeline.sources.transport import Fetched, encode_json_body

DEFAULT_TIMEOUT = (5.0, 60.0)  # (connect, read) seconds
# Kolada's and SCB's answers are at most a few MB here (Kolada pages hold at most 5000 values, SCB
# answers at most 150 000 cells): 64 MiB is ten times anything real and still fits in memory.
DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
# The read timeout is per read, so a server that drips one byte a minute never hits it: the whole
# body must arrive within this many seconds (a few MB take seconds; 64 MiB at 2 Mbit/s, some 4 minutes).
DEFAULT_BODY_DEADLINE = 300.0
USER_AGENT = "indicator-pipeline/0.1 (municipal goal follow-up)"
READ_SIZE = 64 * 1024


@dataclass
class LiveTransport:
    """HTTP with explicit timeouts. Non-2xx answers raise `SourceError` naming the URL. Retries are the
    session's (`retry.retrying_session`; a plain session, the default, tries once)."""

    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    session: requests.Session = field(default_factory=requests.Session)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    body_deadline: float = DEFAULT_BODY_DEADLINE
    clock: Callable[[], float] = time.monotonic  # what the body deadline is measured by
    reaches_source: ClassVar[bool] = True

    def request(self, source: str, method: str, url: str, json_body: dict | None = None) -> Fetched:
        payload = encode_json_body(json_body)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self.session.request(method, url, data=payload, headers=headers, timeout=self.timeout, stream=True)
        except requests.RequestException as exc:
            raise request_failed(source, url, exc)  # its __cause__ is the last failure
        body = read_bounded_body(response, source, url, self.max_body_bytes, self.body_deadline, self.clock)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        fetched = Fetched(
            source, method, url, response.status_code, dict(response.headers), body, now, payload
        )
        if not 200 <= fetched.status < 300:
            error = HttpStatusError(source, url, fetched.status, fetched.headers, body)
            raise status_failed(error, response.raw)
        return fetched


def read_bounded_body(
    response: requests.Response, source: str, url: str, max_bytes: int, deadline_seconds: float,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """The whole (decoded) body of a streamed `response`, refused beyond `max_bytes` or `deadline_seconds`.
    `read1` returns what one receive brings, so the deadline is checked however slowly the server sends;
    bytes are counted after decoding, so a gzip bomb stops at the limit too."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        raise ResponseTooLarge(source, f"the answer announces {declared} bytes, more than the {max_bytes} allowed", url)
    deadline = clock() + deadline_seconds
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.raw.read1(READ_SIZE, decode_content=True):
            size += len(chunk)
            if size > max_bytes:
                raise ResponseTooLarge(source, f"the answer is larger than the {max_bytes} bytes allowed", url)
            if clock() > deadline:
                raise ResponseTooSlow(
                    source, f"the answer did not arrive within {deadline_seconds:g} s ({size} bytes by then)", url
                )
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        failure = _as_requests_error(exc)
        raise SourceError(source, f"request failed: {failure.__class__.__name__}: {exc}", url) from failure
    finally:
        response.close()
    return b"".join(chunks)


def _as_requests_error(exc: Exception) -> requests.RequestException:
    """The error `requests` itself raises for this failure while reading a body (as in
    `Response.iter_content`; a read timeout too is a ConnectionError), so the retry policy judges it alike."""
    if isinstance(exc, urllib3.exceptions.ProtocolError):
        return requests.exceptions.ChunkedEncodingError(exc)
    if isinstance(exc, urllib3.exceptions.DecodeError):
        return requests.exceptions.ContentDecodingError(exc)
    return requests.ConnectionError(exc)
