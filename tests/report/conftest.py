"""The scorecard built once from the shared bundled refresh (read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.cli import main


@pytest.fixture(scope="session")
def scorecard(bundled_refresh, tmp_path_factory) -> Path:
    """`indicator-pipeline report` on the shared warehouse, in Swedish (the default): the plan's page."""
    out = tmp_path_factory.mktemp("scorecard")
    assert main(["report", "--warehouse", str(bundled_refresh.path), "--out", str(out)]) == 0
    return out / f"{load_plan().id}.html"
