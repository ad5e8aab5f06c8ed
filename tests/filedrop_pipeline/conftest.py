"""Fixtures for the file-drop pipeline tests."""

from __future__ import annotations

import pytest

ENV = ("INDICATOR_LANDING_DIR", "INDICATOR_QUARANTINE_DIR", "INDICATOR_SOURCE_MODE", "INDICATOR_SNAPSHOT_DIR",
       "INDICATOR_ARCHIVE", "INDICATOR_WAREHOUSE", "INDICATOR_AS_OF")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No deployment settings leak in; an ephemeral Dagster instance, never the user's."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("KOLADA_BASE_URL", raising=False)
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
