"""The shipped instance settings (dagster.yaml): a run queue that runs one refresh at a time."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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
    assert "DAGSTER_HOME=$(DEV_DAGSTER_HOME)" in dev and "$(BIN)/dg dev" in dev
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


def test_dg_check_defs_passes():
    """The supported `dg` CLI loads and checks the code location from [tool.dg] (what `make dev` serves)."""
    dg = Path(sys.executable).parent / "dg"
    env = {**os.environ, "VIRTUAL_ENV": str(Path(sys.executable).parents[1])}
    result = subprocess.run([str(dg), "check", "defs"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout


def test_the_dagster_family_is_pinned_to_one_release():
    """dagster-postgres and dagster-dg-cli pin dagster exactly: every dagster package in the lock is of one
    release, the libraries (0.x) numbered alongside the core (1.13.N <-> 0.29.N)."""
    pins = dict(re.findall(r"^(dagster[a-z-]*)==(\S+)$", (PROJECT / "requirements.lock").read_text(), re.MULTILINE))
    assert {"dagster", "dagster-webserver", "dagster-postgres", "dagster-dg-cli"} <= set(pins)
    core = {name: v for name, v in pins.items() if v.startswith("1.")}
    libraries = {name: v for name, v in pins.items() if v.startswith("0.")}
    assert set(core.values()) == {pins["dagster"]}, core
    patch = pins["dagster"].rsplit(".", 1)[1]
    assert {v.rsplit(".", 1)[1] for v in libraries.values()} == {patch}, libraries
