"""Source assets: Dagster's RetryPolicy re-runs them after a transient fault; any other fault fails at once."""

from __future__ import annotations

import pytest
import requests
from dagster import Backoff, RetryPolicy, asset, materialize

from assets.common import SOURCE_RETRIES, retry_if_transient
from assets.filedrop import filedrop_assets
from assets.kolada import kolada_kpi_metadata_raw, kolada_values_raw
from assets.scb import scb_tables_raw
from indicator_pipeline.errors import SourceError


def transient() -> SourceError:
    try:
        raise SourceError("kolada", "request failed", "http://127.0.0.1:9/v3/kpi") from requests.ConnectionError("refused")
    except SourceError as exc:
        return exc


def permanent() -> SourceError:
    return SourceError("kolada", "answered no values at all", "http://127.0.0.1:9/v3/data")


@pytest.mark.parametrize("source_asset", [kolada_kpi_metadata_raw, kolada_values_raw, scb_tables_raw])
def test_source_assets_have_a_retry_policy(source_asset):
    policy = source_asset.op.retry_policy
    assert isinstance(policy, RetryPolicy)
    assert policy.max_retries == SOURCE_RETRIES and policy.backoff == Backoff.EXPONENTIAL and policy.delay > 0


def test_file_drop_assets_are_not_retried():
    """A rejected drop is in quarantine when its asset fails: a retry would find no file and succeed."""
    assert filedrop_assets and all(drop.op.retry_policy is None for drop in filedrop_assets)


def run_failing_asset(fault: SourceError) -> int:
    """Materialise a toy source asset that always raises `fault` under a 2-retry policy; how many attempts ran."""
    attempts = []

    @asset(retry_policy=RetryPolicy(max_retries=2, delay=0))
    def flaky(context) -> None:
        attempts.append(context.retry_number)
        with retry_if_transient(context):
            raise fault

    assert not materialize([flaky], raise_on_error=False).success
    return len(attempts)


def test_transient_fault_is_retried_by_the_policy(monkeypatch):
    monkeypatch.setenv("INDICATOR_SOURCE_RETRIES", "2")
    assert run_failing_asset(transient()) == 3


def test_non_transient_fault_fails_at_once(monkeypatch):
    monkeypatch.setenv("INDICATOR_SOURCE_RETRIES", "2")
    assert run_failing_asset(permanent()) == 1


def test_retries_set_to_zero_at_run_time_fail_at_once(monkeypatch):
    monkeypatch.setenv("INDICATOR_SOURCE_RETRIES", "0")
    assert run_failing_asset(transient()) == 1
