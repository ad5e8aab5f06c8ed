"""Fixtures for the quality-gate tests: the bundled plan and the run parameters as of a pinned date."""

from __future__ import annotations

import pytest
from quality_frames import AS_OF

from indicator_pipeline import quality
from indicator_pipeline.catalog import load_plan


@pytest.fixture(scope="session")
def plan():
    return load_plan()


@pytest.fixture(scope="session")
def params(plan):
    return quality.run_parameters(plan, AS_OF)
