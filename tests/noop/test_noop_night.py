"""The no-op night: a refresh that finds every source sending what the published data was loaded from
parses, validates, loads and publishes nothing (indicator_pipeline/changes.py, noop.py, assets/changes.py),
while a changed source among unchanged ones, or an as-of date that judges the targets differently, is
processed fully."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings

PROJECT = Path(__file__).resolve().parents[2]
BUNDLED_SNAPSHOT = PROJECT / "indicator_pipeline" / "snapshots" / "bundled"
BUNDLED_AS_OF = date(2026, 11, 20)  # snapshot.json "recorded_on", the bundled refresh's as-of date
REDIRECTING = ("DAGSTER_HOME", "KOLADA_BASE_URL", "SCB_BASE_URL")
# jinja2: only the report renders with it; requests: only live fetches and alerts; pyarrow: frames a night
# with nothing to do does not build (each costs a tenth of a second or more to import)
HEAVY_MODULES = ("great_expectations", "dagster", "jinja2", "requests", "pyarrow")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in [*REDIRECTING, *(k for k in os.environ if k.startswith("INDICATOR_"))]:
        monkeypatch.delenv(name, raising=False)


def published_state(path: Path) -> tuple:
    """What a no-op must leave alone: the published file's bytes and mtime, the exports link, the report."""
    report = path.parent / "report" / "scorecard.html"
    return (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        path.stat().st_mtime_ns,
        os.readlink(path.parent / "exports"),
        report.stat().st_mtime_ns,
    )


def fetch(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def imported_after(path: Path, refresh_call: str) -> tuple[str, list[str]]:
    """Run `refresh_call` on `path` in a fresh interpreter: its summary line and which of HEAVY_MODULES it imported."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from indicator_pipeline.settings import Settings\n"
        "from indicator_pipeline.run import refresh\n"
        "from indicator_pipeline.cli import main\n"
        "settings = Settings(warehouse_path=Path(sys.argv[1]), source_mode='replay')\n"
        f"outcome = {refresh_call}\n"
        "if isinstance(outcome, str):\n    print(outcome)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY_MODULES)!r}))))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("INDICATOR_") and k not in REDIRECTING}
    done = subprocess.run([sys.executable, "-c", code, str(path)], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    return lines[0], json.loads(lines[-1])


def test_a_noop_refresh_in_a_subprocess_publishes_nothing_and_imports_neither_gx_nor_dagster(copy_bundled_warehouse, tmp_path):
    path = copy_bundled_warehouse(tmp_path / "w")
    before = published_state(path)
    summary, imported = imported_after(path, "main(['refresh', '--offline', '--warehouse', sys.argv[1]])")  # the CLI
    assert summary.startswith("nothing changed:") and "not replaced" in summary, summary
    assert imported == []  # Great Expectations alone takes seconds to import
    assert published_state(path) == before


def test_the_schedule_path_no_op_does_not_import_gx_either(copy_bundled_warehouse, tmp_path):
    """Left to the asset graph (as a scheduled or live run is), the checks of unchanged tables report
    the verdict of the run that validated them, without Great Expectations."""
    path = copy_bundled_warehouse(tmp_path / "w")
    before = published_state(path)
    summary, imported = imported_after(path, "refresh(settings, decide_first=False)")
    assert summary.startswith("nothing changed:"), summary
    assert imported == ["dagster"]
    assert published_state(path) == before
    assert not list((path.parent / ".work").glob("*.duckdb")), "the unpublished work file is removed"


def test_a_changed_file_among_unchanged_sources_is_processed_fully_and_a_removed_one_is_a_change(copy_bundled_warehouse, tmp_path):
    path = copy_bundled_warehouse(tmp_path / "w")
    landing = tmp_path / "landing"
    shutil.copytree(BUNDLED_SNAPSHOT / "filedrop", landing)
    settings = Settings(warehouse_path=path, source_mode="replay", as_of=BUNDLED_AS_OF, landing_dir=landing)
    assert refresh(settings).startswith("nothing changed:"), "the same files by name and bytes, wherever they lie"

    [(bundled_run,)] = fetch(path, "SELECT run_id FROM meta.source_load WHERE source_key = 'kolada_values_raw'")
    [(vintages_before,)] = fetch(path, "SELECT count(*) FROM core.indicator_value_vintage")
    plots = landing / "self_build_plots_2026-01-20.csv"
    plots.write_text(plots.read_text(encoding="utf-8").replace("2025;83;79", "2025;84;79"), encoding="utf-8")
    new_sha = hashlib.sha256(plots.read_bytes()).hexdigest()

    summary = refresh(settings)
    assert summary.startswith("refreshed"), summary
    loaded_by = dict(fetch(path, "SELECT source_key, run_id FROM meta.source_load"))
    run = loaded_by["filedrop_self_build_plots"]
    assert run != bundled_run
    assert {key for key, by in loaded_by.items() if by == run} == {"filedrop_self_build_plots"}
    validated = {suite for (suite,) in fetch(path, "SELECT suite FROM meta.validation_run WHERE run_id = ?", [run])}
    assert "staging_filedrop_self_build_plots" in validated and "core_fact_indicator_value" in validated
    assert "staging_kolada_values" not in validated and "staging_scb_values" not in validated
    [(vintages_after,)] = fetch(path, "SELECT count(*) FROM core.indicator_value_vintage")
    assert vintages_after > vintages_before
    assert fetch(path, "SELECT count(*) FROM core.indicator_value_vintage WHERE raw_sha256 = ? AND value = 84", [new_sha]) == [(1,)]

    plots.unlink()
    assert refresh(settings).startswith("refreshed"), "a removed file is a change"
    assert fetch(path, "SELECT count(*) FROM meta.source_input WHERE source_key = 'filedrop_self_build_plots'") == [(0,)]
    assert refresh(settings).startswith("nothing changed:")


def test_an_as_of_date_that_judges_differently_is_no_noop_but_adds_no_vintage(copy_bundled_warehouse, tmp_path):
    path = copy_bundled_warehouse(tmp_path / "w")
    assert refresh(Settings(warehouse_path=path, source_mode="replay", as_of=date(2026, 11, 21))).startswith("nothing changed:")
    [(vintages_before,)] = fetch(path, "SELECT count(*) FROM core.indicator_value_vintage")
    loads_before = fetch(path, "SELECT source_key, run_id FROM meta.source_load ORDER BY 1")

    summary = refresh(Settings(warehouse_path=path, source_mode="replay", as_of=date(2027, 6, 1)))
    assert summary.startswith("refreshed"), "years over by then change statuses"
    assert fetch(path, "SELECT DISTINCT as_of FROM core.target_assessment") == [(date(2027, 6, 1),)]
    assert fetch(path, "SELECT count(*) FROM core.indicator_value_vintage") == [(vintages_before,)]
    assert fetch(path, "SELECT source_key, run_id FROM meta.source_load ORDER BY 1") == loads_before
