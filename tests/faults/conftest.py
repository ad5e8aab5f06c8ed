"""Fixtures for the fault tests: the suite's published baseline warehouse, copied fresh for each test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # faultkit, faultenv

from faultenv import FAST_FAILURE_ENV, VARIABLES  # noqa: E402


@pytest.fixture
def clean_env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in FAST_FAILURE_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.fixture(scope="session")
def baseline_dir(bundled_refresh) -> Path:
    """A warehouse folder with one published refresh of the bundled snapshot (and its archive): the
    suite's shared one (tests/conftest.py). Never written to: tests get a copy (`warehouse`)."""
    return bundled_refresh.path.parent


@pytest.fixture
def warehouse(copy_bundled_warehouse, tmp_path) -> Path:
    """This test's own copy of the baseline; returns the published file's path."""
    return copy_bundled_warehouse(tmp_path / "warehouse")
