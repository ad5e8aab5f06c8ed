"""`indicator-pipeline refresh` runs as the `full_refresh` job, and a broken plan stops it before any run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster import DagsterInstance

from assets.definitions import REFRESH_TAG
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings

PROJECT = Path(__file__).resolve().parents[1]


def test_cli_refresh_is_a_run_of_full_refresh(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    settings = Settings(warehouse_path=tmp_path / "wh" / "indicators.duckdb", source_mode="replay",
                        archive_dir=tmp_path / "archive")
    refresh(settings)
    with DagsterInstance.get() as instance:
        runs = instance.get_runs()
    assert [run.job_name for run in runs] == ["full_refresh"]
    assert runs[0].tags.get(REFRESH_TAG[0]) == REFRESH_TAG[1]


def test_broken_plan_fails_the_cli_in_one_line_before_any_run(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[plan]\nid = "x"\ntitle = \n', encoding="utf-8")
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {"PATH": os.defpath, "DAGSTER_HOME": str(home), "INDICATOR_WAREHOUSE": str(tmp_path / "wh" / "w.duckdb")}
    done = subprocess.run([sys.executable, "-m", "indicator_pipeline.cli", "refresh", "--offline", "--plan", str(broken)],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines == [f"indicator-pipeline refresh failed: plan file {broken}, line 3, column 9: invalid TOML: Invalid value"], done.stderr
    assert list(home.iterdir()) == []  # no Dagster instance was even opened, so no run
    assert not (tmp_path / "wh").exists()


def test_broken_plan_fails_the_code_location_load(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[plan]\nid = "x"\n', encoding="utf-8")
    env = {"PATH": os.defpath, "INDICATOR_PLAN": str(broken), "INDICATOR_SOURCE_MODE": "replay",
           "INDICATOR_WAREHOUSE": str(tmp_path / "w.duckdb")}
    done = subprocess.run([sys.executable, "-c", "import assets.definitions"], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"CatalogueError: plan file {broken}, line 1: [plan]: missing field 'title'" in done.stderr, done.stderr
