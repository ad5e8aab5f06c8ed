"""Shared asset settings: owner, and run-level retries for assets that call external APIs.

The HTTP layer already retries within a request; a Dagster retry re-runs the whole source asset a
little later, which helps when a source is down for minutes rather than seconds.
"""

import os
from contextlib import contextmanager
from functools import partial

from dagster import RetryRequested, asset

from indicator_pipeline.errors import SourceError
from indicator_pipeline.sources.retry import RetriesExhaustedError, is_transient

OWNERS = ["team:data-engineering"]

staging_asset = partial(asset, group_name="staging", kinds={"python", "duckdb"}, owners=OWNERS)


def source_asset(source: str):
    """The decorator for a source's fetch-and-archive assets (group `sources`, kind = the source)."""
    return partial(asset, group_name="sources", kinds={"python", source}, owners=OWNERS)
SOURCE_RETRIES = 2  # INDICATOR_SOURCE_RETRIES overrides
SOURCE_RETRY_WAIT_SECONDS = 60  # INDICATOR_SOURCE_RETRY_WAIT overrides


@contextmanager
def retry_if_transient():
    """Ask Dagster for a retry only for faults that may pass (429, 5xx, connection); fail at once otherwise."""
    try:
        yield
    except SourceError as exc:
        if isinstance(exc, RetriesExhaustedError) or is_transient(exc):
            retries = int(os.environ.get("INDICATOR_SOURCE_RETRIES", SOURCE_RETRIES))
            wait = float(os.environ.get("INDICATOR_SOURCE_RETRY_WAIT", SOURCE_RETRY_WAIT_SECONDS))
            raise RetryRequested(max_retries=retries, seconds_to_wait=wait) from exc
        raise
