"""Retries for transient source failures, wrapped around any `Transport`.

Transient means the same request may well succeed later: 429 (rate limited), 5xx, a refused or reset
connection, a timeout. Any other 4xx is about the request itself and is raised at once. Waits grow
exponentially with jitter; a `Retry-After` on 429/503 replaces the computed wait, because the server
knows when it will take us again better than any backoff formula does.
"""

from __future__ import annotations

import itertools
import random as _random
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable

import requests

from indicator_pipeline.errors import HttpStatusError, SourceError
from indicator_pipeline.sources.transport import Fetched, Transport

RETRY_AFTER_STATUSES = frozenset({429, 503})


class RetriesExhaustedError(SourceError):
    """A transient failure outlasted every attempt. The last failure is `__cause__` and `last_error`."""

    def __init__(self, last_error: SourceError, attempts: int, reason: str):
        self.last_error = last_error
        self.attempts = attempts
        super().__init__(last_error.source, f"gave up after {attempts} attempts: {reason}", last_error.url)


def is_transient(exc: SourceError) -> bool:
    """True for 429, 5xx, and connection failures or timeouts raised by `requests`."""
    if isinstance(exc, HttpStatusError):
        return exc.status == 429 or 500 <= exc.status < 600
    return isinstance(exc.__cause__, (requests.ConnectionError, requests.Timeout))


def retry_after_seconds(exc: SourceError) -> float | None:
    """The wait a 429/503 asks for in `Retry-After` (delta-seconds or HTTP date), or None."""
    if not isinstance(exc, HttpStatusError) or exc.status not in RETRY_AFTER_STATUSES:
        return None
    value = next((v for k, v in exc.headers.items() if k.lower() == "retry-after"), "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unreadable header: fall back to our own backoff
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _describe(exc: SourceError) -> str:
    if isinstance(exc, HttpStatusError):
        return f"HTTP {exc.status}"
    cause = exc.__cause__
    return f"{cause.__class__.__name__}: {cause}"


@dataclass
class RetryingTransport:
    """A `Transport` that retries transient failures of `inner`, up to `attempts` tries in all.

    The wait before retry n (1-based) is "equal jitter": half of min(max_delay, base_delay * 2**(n-1))
    plus a random share of the other half, so clients that failed together do not return together.
    A `Retry-After` longer than `max_delay` is not shortened (that would only earn another 429):
    the request fails at once, saying how long the server asked us to wait.
    """

    inner: Transport
    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = _random.random

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")

    def request(self, source: str, method: str, url: str, json_body: dict | None = None) -> Fetched:
        for attempt in itertools.count(1):
            try:
                return self.inner.request(source, method, url, json_body)
            except SourceError as exc:
                if not is_transient(exc):
                    raise
                if attempt == self.attempts:
                    raise RetriesExhaustedError(exc, attempt, _describe(exc)) from exc
                wait = retry_after_seconds(exc)
                if wait is not None and wait > self.max_delay:
                    reason = f"{_describe(exc)} with Retry-After {wait:.0f} s, beyond max_delay {self.max_delay:g} s"
                    raise RetriesExhaustedError(exc, attempt, reason) from exc
                self.sleep(self.backoff(attempt) if wait is None else wait)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` when the server gave no Retry-After."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return ceiling / 2 + self.random() * ceiling / 2
