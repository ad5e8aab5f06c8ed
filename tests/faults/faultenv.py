"""Environment and child-process helpers of the fault tests.

Kept out of conftest.py so that test modules import them by a name no other folder's conftest shares
(`from conftest import ...` resolved to whichever conftest pytest loaded last)."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 20)  # the bundled snapshot's recording date
CLI = [str(PROJECT / ".venv" / "bin" / "python"), "-m", "indicator_pipeline.cli"]

# Keep faults fast: small timeouts and body limits, two tries per request, no Dagster-level re-run of a source step.
FAST_FAILURE_ENV = {
    "INDICATOR_HTTP_TIMEOUT": "0.5,0.5",
    "INDICATOR_HTTP_ATTEMPTS": "2",
    "INDICATOR_HTTP_BACKOFF": "0.01",
    "INDICATOR_SOURCE_RETRIES": "0",
    "INDICATOR_HTTP_MAX_BODY": str(8 * 1024 * 1024),  # the bundled answers are at most some 100 KB
    "INDICATOR_HTTP_BODY_TIMEOUT": "3",
}
VARIABLES = ["DAGSTER_HOME", "INDICATOR_ALERT_WEBHOOK", "KOLADA_BASE_URL", "SCB_BASE_URL", "INDICATOR_WAREHOUSE", "INDICATOR_SOURCE_MODE",
             "INDICATOR_SNAPSHOT_DIR", "INDICATOR_ARCHIVE", "INDICATOR_PLAN", "INDICATOR_AS_OF",
             "INDICATOR_LANDING_DIR", "INDICATOR_QUARANTINE_DIR"]


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(FAST_FAILURE_ENV)
    env.update(extra)
    return env


def spawn(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([*CLI, *args], env=env, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def stop(process: subprocess.Popen) -> None:
    """Kill and reap a child if it is still running (used in finally blocks)."""
    if process.poll() is None:
        process.kill()
    try:
        process.communicate(timeout=10)
    except (subprocess.TimeoutExpired, ValueError):
        pass
