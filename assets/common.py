"""Shared asset settings: owner, and run-level retries for assets that call external APIs.

The HTTP layer already retries within a request; a Dagster retry re-runs the whole source asset a
little later, which helps when a source is down for minutes rather than seconds.
"""

from contextlib import contextmanager

from dagster import RetryRequested

from indicator_pipeline.errors import SourceError
from indicator_pipeline.sources.retry import RetriesExhaustedError, is_transient

OWNERS = ["team:data-engineering"]
SOURCE_RETRIES = 2
SOURCE_RETRY_WAIT_SECONDS = 60


@contextmanager
def retry_if_transient():
    """Ask Dagster for a retry only for faults that may pass (429, 5xx, connection); fail at once otherwise."""
    try:
        yield
    except SourceError as exc:
        if isinstance(exc, RetriesExhaustedError) or is_transient(exc):
            raise RetryRequested(max_retries=SOURCE_RETRIES, seconds_to_wait=SOURCE_RETRY_WAIT_SECONDS) from exc
        raise
