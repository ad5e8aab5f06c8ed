"""Retries for transient source failures (429, 5xx, a refused or reset connection, a timeout): urllib3's
`Retry` on the requests session (docs/operations.md, "Retries"). Any other 4xx is about the request itself
and is raised at once; `is_transient` tells Dagster's RetryPolicy (assets/common.py) what to re-run.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from indicator_pipeline.errors import HttpStatusError, SourceError

TRANSIENT_STATUSES = frozenset({429, *range(500, 600)})


class RetriesExhaustedError(SourceError):
    """A transient failure outlasted every attempt. The last failure is `__cause__` and `last_error`."""

    def __init__(self, last_error: SourceError, attempts: int, reason: str):
        self.last_error = last_error
        self.attempts = attempts
        super().__init__(last_error.source, f"gave up after {attempts} attempts: {reason}", last_error.url)


def is_transient(exc: SourceError) -> bool:
    """True for 429, 5xx, and connection failures or timeouts raised by `requests`."""
    if isinstance(exc, HttpStatusError):
        return exc.status in TRANSIENT_STATUSES
    return isinstance(exc.__cause__, (requests.ConnectionError, requests.Timeout))


class SourceRetry(Retry):
    """urllib3's `Retry`, but `Retry-After` counts on 429 and 503 only (413 is about our request), and one
    longer than `backoff_max` is not waited for (shortening it would only earn another 429): that answer
    is raised at once as `RetriesExhaustedError`. Giving up says how many attempts were made."""

    RETRY_AFTER_STATUS_CODES = frozenset({429, 503})

    def __init__(self, *args, sleep: Callable[[float], None] = time.sleep, **kwargs):
        super().__init__(*args, **kwargs)
        self._sleep = sleep

    def new(self, **kw) -> "SourceRetry":  # urllib3 makes a new Retry at every attempt: it keeps `sleep`
        return super().new(sleep=self._sleep, **kw)

    def sleep(self, response=None) -> None:
        """urllib3's wait before the next attempt: what `Retry-After` asks for, else the backoff."""
        retry_after = self.get_retry_after(response) if self.respect_retry_after_header and response else None
        wait = retry_after or self.get_backoff_time()
        if wait > 0:
            self._sleep(wait)

    def get_retry_after(self, response) -> float | None:
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def retry_after_too_long(self, response) -> float | None:
        """The wait `response` asks for when it is longer than we wait at most, else None."""
        if response.status not in self.RETRY_AFTER_STATUS_CODES:
            return None
        wait = self.get_retry_after(response)
        return wait if wait is not None and wait > self.backoff_max else None

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        try:
            if response is not None and self.retry_after_too_long(response) is not None:
                raise MaxRetryError(_pool, url, ResponseError("Retry-After beyond backoff_max"))
            return super().increment(method, url, response, error, _pool, _stacktrace)
        except MaxRetryError as exc:
            exc.attempts = len(self.history) + 1  # type: ignore[attr-defined]
            raise


def source_retry(
    attempts: int = 4, backoff: float = 1.0, max_delay: float = 60.0, sleep: Callable[[float], None] = time.sleep
) -> SourceRetry:
    """Up to `attempts` tries in all. The first retry is at once (urllib3: most faults are gone by then);
    retry n > 1 waits backoff * 2**(n-1) seconds plus a random 0..backoff (jitter, so that clients that
    failed together do not return together), at most `max_delay`; a `Retry-After` replaces that wait."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    return SourceRetry(
        total=attempts - 1,
        status_forcelist=TRANSIENT_STATUSES,
        allowed_methods=None,  # every method
        backoff_factor=backoff,
        backoff_jitter=backoff,
        backoff_max=max_delay,
        respect_retry_after_header=True,
        raise_on_status=False,  # hand back the last answer: its status, headers and body go into the error
        sleep=sleep,
    )


def retrying_session(retry: SourceRetry) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _caused(error: SourceError, cause: BaseException) -> SourceError:
    error.__cause__ = cause
    return error


def request_failed(source: str, url: str, exc: requests.RequestException) -> SourceError:
    """The error for a request that got no usable answer; `RetriesExhaustedError` once retries gave up."""
    error = _caused(SourceError(source, f"request failed: {exc.__class__.__name__}: {exc}", url), exc)
    gave_up = next((arg for arg in exc.args if hasattr(arg, "attempts")), None)  # SourceRetry's MaxRetryError
    if gave_up is None:
        return error
    reason = gave_up.reason
    return _caused(RetriesExhaustedError(error, gave_up.attempts, f"{reason.__class__.__name__}: {reason}"), error)


def status_failed(error: HttpStatusError, response) -> SourceError:
    """The error for a non-2xx answer (`response`: urllib3's, `requests.Response.raw`): a transient status
    that `SourceRetry` gave up on is `RetriesExhaustedError`, anything else `error` itself."""
    retries = getattr(response, "retries", None)
    if not isinstance(retries, SourceRetry) or error.status not in TRANSIENT_STATUSES:
        return error
    reason = f"HTTP {error.status}"
    wait = retries.retry_after_too_long(response)
    if wait is not None:
        reason += f" with Retry-After {wait:.0f} s, beyond the {retries.backoff_max:g} s we wait at most"
    return _caused(RetriesExhaustedError(error, len(retries.history) + 1, reason), error)
