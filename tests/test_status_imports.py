"""`indicator-pipeline status` prints the published table importing little more than DuckDB: none of the
refresh's heavy stack (benchmarks/README.md compares it with a bare DuckDB query of marts.goal_status)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# What printing the table needs none of: the orchestrator, the quality gate, the report's templates, Arrow.
NOT_FOR_STATUS = ("dagster", "great_expectations", "jinja2", "pyarrow", "pandas", "polars", "requests")


def status_in_a_fresh_interpreter(warehouse: Path) -> tuple[str, list[str]]:
    """`status` on `warehouse` through the CLI's entry point: what it printed, and which of NOT_FOR_STATUS it imported."""
    code = (
        "import json, sys\n"
        "from indicator_pipeline.cli import main\n"
        "code = main(['status', '--warehouse', sys.argv[1]])\n"
        f"print(json.dumps([code, sorted({{m.split('.')[0] for m in sys.modules}} & set({list(NOT_FOR_STATUS)!r}))]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("INDICATOR_") and k != "DAGSTER_HOME"}
    done = subprocess.run([sys.executable, "-c", code, str(warehouse)], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    *printed, last = done.stdout.splitlines()
    exit_code, imported = json.loads(last)
    assert exit_code == 0, done.stdout
    return "\n".join(printed), imported


def test_status_prints_the_goal_table_without_the_refresh_stack(bundled_refresh):
    printed, imported = status_in_a_fresh_interpreter(bundled_refresh.path)
    assert printed.split()[:4] == ["plan_id", "goal_id", "target_id", "status"]
    assert "nki_2025" in printed and "not_met" in printed and "\nsources (as of " in printed
    assert imported == []
