"""Shared asset settings: owner, and run-level retries for assets that call external APIs.

The HTTP layer already retries within a request; a Dagster retry re-runs the whole source asset a
little later, which helps when a source is down for minutes rather than seconds.
"""

import os
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from dagster import FreshnessPolicy, RetryRequested, asset

from indicator_pipeline.errors import SourceError
from indicator_pipeline.sources.retry import RetriesExhaustedError, is_transient

OWNERS = ["team:data-engineering"]

staging_asset = partial(asset, group_name="staging", kinds={"python", "duckdb"}, owners=OWNERS)


# How long after its last materialization a source asset is stale by Dagster's own freshness evaluation
# (Kolada: yearly publications, SCB: quarterly, a file drop: yearly plus a month). The finer judgement,
# from the data's own publication dates, is each source asset's `freshness` check (assets/freshness.py).
SOURCE_FRESHNESS_POLICIES = {
    "kolada": FreshnessPolicy.time_window(fail_window=timedelta(days=366), warn_window=timedelta(days=31)),
    "scb": FreshnessPolicy.time_window(fail_window=timedelta(days=92), warn_window=timedelta(days=31)),
    "filedrop": FreshnessPolicy.time_window(fail_window=timedelta(days=395), warn_window=timedelta(days=31)),
}


def source_asset(source: str):
    """The decorator for a source's fetch-and-archive assets (group `sources`, kind = the source), with
    the source's freshness policy."""
    return partial(
        asset, group_name="sources", kinds={"python", source}, owners=OWNERS, freshness_policy=SOURCE_FRESHNESS_POLICIES[source]
    )
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
