"""Shared asset settings: owner, and Dagster's retry policy for the assets that call external APIs: it
re-runs a whole source asset later, for a source down for minutes (the HTTP layer retries seconds).
"""

import os
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from dagster import Backoff, Failure, FreshnessPolicy, Jitter, RetryPolicy, asset

from indicator_pipeline.errors import SourceError

OWNERS = ["team:data-engineering"]

SOURCE_RETRIES = 2  # INDICATOR_SOURCE_RETRIES overrides (read when the code location loads)
SOURCE_RETRY_WAIT_SECONDS = 60  # INDICATOR_SOURCE_RETRY_WAIT overrides: the first wait, doubled for each retry

# How long after its last materialization a source asset is stale by Dagster's own freshness evaluation
# (Kolada: yearly publications, SCB: quarterly, a file drop: yearly plus a month). The finer judgement,
# from the data's own publication dates, is each source asset's `freshness` check (assets/freshness.py).
SOURCE_FRESHNESS_POLICIES = {
    "kolada": FreshnessPolicy.time_window(fail_window=timedelta(days=366), warn_window=timedelta(days=31)),
    "scb": FreshnessPolicy.time_window(fail_window=timedelta(days=92), warn_window=timedelta(days=31)),
    "filedrop": FreshnessPolicy.time_window(fail_window=timedelta(days=395), warn_window=timedelta(days=31)),
}


def source_retry_policy() -> RetryPolicy:
    """Re-run a source asset after a transient fault: INDICATOR_SOURCE_RETRIES times, waiting
    INDICATOR_SOURCE_RETRY_WAIT seconds, then twice that, each wait +/- a random share (jitter)."""
    retries = int(os.environ.get("INDICATOR_SOURCE_RETRIES", SOURCE_RETRIES))
    wait = float(os.environ.get("INDICATOR_SOURCE_RETRY_WAIT", SOURCE_RETRY_WAIT_SECONDS))
    return RetryPolicy(max_retries=retries, delay=wait, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS)


def source_asset(source: str, retried: bool = False):
    """The decorator for a source's fetch-and-archive assets, with its freshness policy; `retried`: re-run on
    transient faults (not file drops: a rejected file is in quarantine by then, so a retry would succeed)."""
    policy = source_retry_policy() if retried else None
    return partial(
        asset, group_name="sources", kinds={"python", source}, owners=OWNERS, retry_policy=policy,
        freshness_policy=SOURCE_FRESHNESS_POLICIES[source],
    )


@contextmanager
def retry_if_transient(context):
    """Leave faults that may pass (429, 5xx, connection) to the retry policy while retries are left;
    otherwise fail at once with `Failure(allow_retries=False)`, which bypasses the policy."""
    try:
        yield
    except SourceError as exc:
        # Imported on a fault only: retry.py imports the HTTP stack, which a night with nothing to do needs not.
        from indicator_pipeline.sources.retry import RetriesExhaustedError, is_transient

        retries = int(os.environ.get("INDICATOR_SOURCE_RETRIES", SOURCE_RETRIES))
        transient = isinstance(exc, RetriesExhaustedError) or is_transient(exc)
        if transient and context.retry_number < retries:
            raise
        raise Failure(description=str(exc), allow_retries=False) from exc
