"""The shipped instance settings (dagster.yaml): a run queue that runs one refresh at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

from dagster import DagsterInstance
from dagster._core.run_coordinator import QueuedRunCoordinator

from assets.definitions import REFRESH_TAG

PROJECT = Path(__file__).resolve().parents[1]


def test_instance_queues_refresh_runs_one_at_a_time(tmp_path):
    shutil.copy(PROJECT / "dagster.yaml", tmp_path / "dagster.yaml")
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 1
        limits = {limit["key"]: limit["limit"] for limit in queue.tag_concurrency_limits}
        assert limits.get(REFRESH_TAG[0]) == 1


def test_make_dev_uses_the_shipped_settings():
    makefile = (PROJECT / "Makefile").read_text()
    dev = makefile.split("\ndev:", 1)[1].split("\n\n", 1)[0]
    assert "cp dagster.yaml $(DEV_DAGSTER_HOME)/dagster.yaml" in dev
    assert "DAGSTER_HOME=$(DEV_DAGSTER_HOME)" in dev
    ignored = (PROJECT / ".gitignore").read_text().splitlines()
    assert "/dagster_home/" in ignored and ".tmp_dagster_home_*/" in ignored


def test_dg_project_settings_name_the_code_location():
    """`dg dev` / `dg check defs` load the module [tool.dg.project] names; it must hold the Definitions."""
    import importlib
    import tomllib

    from dagster import Definitions

    dg = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["dg"]
    assert dg["directory_type"] == "project"
    module = importlib.import_module(dg["project"]["code_location_target_module"])
    assert isinstance(module.defs, Definitions)
    assert "assets.definitions" in (PROJECT / "workspace.yaml").read_text()
