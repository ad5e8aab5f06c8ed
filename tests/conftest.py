"""Suite-wide fixtures: ONE offline refresh of the bundled snapshot, shared by every test that only reads it.

A refresh costs ~8-15 s (Dagster start-up, every Great Expectations suite), so the end-to-end, CLI
status, file-drop, quality-gate, replay and fault tests read this one published warehouse instead of
each materialising their own. It is READ-ONLY: a test that refreshes again, or otherwise writes into a
warehouse folder (work files, locks, quarantine), takes its own copy with `copy_bundled_warehouse`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED_SNAPSHOT = PROJECT / "indicator_pipeline" / "snapshots" / "bundled"
BUNDLED_AS_OF = date(2026, 11, 20)  # snapshot.json "recorded_on"
# Anything that would redirect a refresh away from the bundled snapshot and a temporary warehouse.
REDIRECTING = ("DAGSTER_HOME", "KOLADA_BASE_URL", "SCB_BASE_URL")


@dataclass(frozen=True)
class BundledRefresh:
    path: Path  # the published warehouse file (archive/ beside it)
    summary: str  # refresh()'s one-line summary
    snapshot_before: dict[str, str]  # bundled snapshot tree (relative path -> sha256) before the refresh
    snapshot_after: dict[str, str]  # ... and after it


def snapshot_tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def bundled_refresh(tmp_path_factory) -> BundledRefresh:
    """The whole asset graph, in-process, from the bundled snapshot as of 2026-11-20 into a temporary
    warehouse. Read it only (read_only DuckDB connections); copy it before changing anything."""
    from indicator_pipeline.run import refresh
    from indicator_pipeline.settings import Settings

    path = tmp_path_factory.mktemp("bundled") / "warehouse" / "indicators.duckdb"
    before = snapshot_tree(BUNDLED_SNAPSHOT)
    with pytest.MonkeyPatch.context() as mp:
        for name in [*REDIRECTING, *(k for k in os.environ if k.startswith("INDICATOR_"))]:
            mp.delenv(name, raising=False)  # ephemeral Dagster instance, public URLs, no deployment settings
        summary = refresh(Settings(warehouse_path=path, source_mode="replay", as_of=BUNDLED_AS_OF))
    assert path.is_file(), summary
    return BundledRefresh(path, summary, before, snapshot_tree(BUNDLED_SNAPSHOT))


@pytest.fixture(scope="session")
def copy_bundled_warehouse(bundled_refresh):
    """`copy(folder) -> warehouse path`: a private copy of the shared warehouse folder (file + archive)."""

    def copy(folder: Path) -> Path:
        shutil.copytree(bundled_refresh.path.parent, folder, ignore=shutil.ignore_patterns(".work", "*.lock"))
        return folder / bundled_refresh.path.name

    return copy
