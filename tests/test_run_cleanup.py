"""An in-process refresh releases what its Dagster instance took: nothing is left for the garbage collector."""

from __future__ import annotations

import os
import tempfile
from datetime import date

import pytest

from indicator_pipeline.run import RefreshFailed, refresh
from indicator_pipeline.settings import Settings


def test_a_refresh_removes_its_ephemeral_instance_folder_itself(tmp_path, monkeypatch):
    """The ephemeral instance's artifact folder (a TemporaryDirectory) is gone when refresh() returns, even
    after a failed run. Left to the GC, it is removed later with `ResourceWarning: Implicitly cleaning up`."""
    for name in [k for k in os.environ if k.startswith("INDICATOR_") or k == "DAGSTER_HOME"]:
        monkeypatch.delenv(name)  # the ephemeral instance, not a deployment's
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where TemporaryDirectory() makes its folders
    empty_snapshot = tmp_path / "snapshot"
    empty_snapshot.mkdir()
    settings = Settings(warehouse_path=tmp_path / "w" / "indicators.duckdb", source_mode="replay", snapshot_dir=empty_snapshot,
                        as_of=date(2026, 11, 20))
    with pytest.raises(RefreshFailed):  # nothing recorded to replay: the run starts, then fails
        refresh(settings)
    assert list(temp.iterdir()) == []
