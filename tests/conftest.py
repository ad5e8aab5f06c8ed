"""Suite-wide fixtures: ONE offline refresh of the bundled snapshot, shared by every test that only reads it.

A refresh costs ~8-15 s (Dagster start-up, every Great Expectations suite), so the end-to-end, CLI
status, file-drop, quality-gate, replay and fault tests read this one published warehouse instead of
each materialising their own. It is READ-ONLY: a test that refreshes again, or otherwise writes into a
warehouse folder (work files, locks, quarantine), takes its own copy with `copy_bundled_warehouse`.

Also suite-wide: the run is offline (a connection beyond loopback is refused in every test process), and
it starts with one line saying so (`what_runs`), under `-q` too.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import shutil
import socket
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from indicator_pipeline.warehouse.models import apply_schema

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED_SNAPSHOT = PROJECT / "indicator_pipeline" / "snapshots" / "bundled"
BUNDLED_AS_OF = date(2026, 11, 20)  # snapshot.json "recorded_on"
# Anything that would redirect a refresh away from the bundled snapshot and a temporary warehouse.
REDIRECTING = ("DAGSTER_HOME", "KOLADA_BASE_URL", "SCB_BASE_URL")


def refresh_offline(warehouse: Path, *flags: str) -> int:
    """`indicator-pipeline refresh --offline --warehouse W --as-of 2026-11-20 FLAGS`, as a user types it,
    with nothing of the developer's environment redirecting it (its exit code)."""
    from indicator_pipeline.cli import main

    with pytest.MonkeyPatch.context() as mp:
        for name in [*REDIRECTING, *(k for k in os.environ if k.startswith("INDICATOR_"))]:
            mp.delenv(name, raising=False)
        return main(["refresh", "--offline", "--warehouse", str(warehouse), "--as-of", BUNDLED_AS_OF.isoformat(), *flags])


@dataclass(frozen=True)
class BundledRefresh:
    path: Path  # the published warehouse file (archive/ beside it)
    summary: str  # refresh()'s one-line summary
    snapshot_before: dict[str, str]  # bundled snapshot tree (relative path -> sha256) before the refresh
    snapshot_after: dict[str, str]  # ... and after it


def what_runs() -> str:
    """The one line the test run starts with: what the tests run against."""
    recorded_on = json.loads((BUNDLED_SNAPSHOT / "snapshot.json").read_text(encoding="utf-8")).get("recorded_on", "?")
    return (
        f"what runs: offline; refreshes replay the bundled snapshot (recorded {recorded_on}) as of {BUNDLED_AS_OF.isoformat()};"
        " live-mode tests talk HTTP only to loopback servers started by the tests; any other connection is refused"
    )


class OfflineViolation(OSError):
    """A test tried to connect beyond the loopback interface."""


def _is_loopback(host) -> bool:
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return str(host).lower() == "localhost"


def _loopback_only(connect):
    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise OfflineViolation(f"tests are offline: connection to {address[0]}:{address[1]} refused (loopback only)")
        return connect(self, address)

    return guarded


_UNGUARDED = {"connect": socket.socket.connect, "connect_ex": socket.socket.connect_ex}


def pytest_configure(config):
    """Every test process (each xdist worker too) may connect to loopback addresses only. Processes the
    tests start themselves (the CLI) are run offline or against loopback servers by those tests."""
    for name, connect in _UNGUARDED.items():
        setattr(socket.socket, name, _loopback_only(connect))


def pytest_unconfigure(config):
    for name, connect in _UNGUARDED.items():
        setattr(socket.socket, name, connect)


def pytest_report_header(config):
    return what_runs()


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    """`-q` (as in `make test`) drops the report header; the line saying what runs is still printed, once."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not reporter.showheader and not hasattr(session.config, "workerinput"):
        reporter.write_line(what_runs())


def snapshot_tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def empty_warehouse():
    """An in-memory DuckDB with the warehouse's schema and nothing in it."""
    with duckdb.connect() as con:
        apply_schema(con)
        yield con


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
        # symlinks=True: `exports` stays a link to `.exports/<run_id>/`, as the pipeline publishes it
        shutil.copytree(bundled_refresh.path.parent, folder, symlinks=True, ignore=shutil.ignore_patterns(".work", "*.lock"))
        return folder / bundled_refresh.path.name

    return copy


@pytest.fixture(autouse=True)
def no_alert_webhook(monkeypatch):
    """No test posts a failure alert to a webhook from the developer's environment; the alert tests
    set INDICATOR_ALERT_WEBHOOK to a loopback receiver themselves."""
    monkeypatch.delenv("INDICATOR_ALERT_WEBHOOK", raising=False)
