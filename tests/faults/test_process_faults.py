"""Process-level faults: real `indicator-pipeline refresh` processes, readers, concurrent runs, SIGKILL,
a file-size limit. Every process started here is killed and reaped in a `finally`; every wait is bounded."""

from __future__ import annotations

import json
import queue
import re
import resource
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path

import duckdb
from faultenv import AS_OF, child_env, spawn, stop
from faultkit import BUNDLED, Answer, SourceServer, edit_snapshot_value, fact_value, open_read_only, sha256

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings
from indicator_pipeline.warehouse.lock import lock_path, read_holder

LOCK_MESSAGE = re.compile(r"another refresh \(PID \d+, started at \S+, run [0-9a-f-]+\) holds \S+\.refresh\.lock")
RUN_TIMEOUT = 150  # seconds: generous for a loaded 2-core machine; a normal refresh takes ~10 s


def exports_state(warehouse: Path) -> tuple[str, str, dict[str, str]]:
    """The published exports: the run the manifest names, the warehouse sha256 it names, every file's sha256."""
    folder = (warehouse.parent / "exports").resolve()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return manifest["run_id"], manifest["warehouse"]["sha256"], {p.name: sha256(p) for p in sorted(folder.iterdir())}


def goal_rows(path: Path) -> int:
    with open_read_only(path) as con:
        return con.execute("SELECT count(*) FROM marts.goal_status").fetchone()[0]


class StderrWatch:
    """Reads a child's stderr on a thread, so the pipe never fills and the text is there after a kill."""

    def __init__(self, process):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.thread = threading.Thread(target=self._pump, args=(process,), daemon=True)
        self.thread.start()

    def _pump(self, process):
        for line in process.stderr:
            self.lines.put(line)

    def text(self) -> str:
        self.thread.join(timeout=10)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)


def dagster_home(folder: Path) -> Path:
    """A DAGSTER_HOME of the test's own: the child writes its event log there (one SQLite file per run)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return folder


def wait_for_step_start(home: Path, step: str, process, timeout: float) -> None:
    """Until the child's Dagster event log has STEP_START for `step`. Reads the run's own event log rather
    than the console, which the CLI keeps quiet; gives up at once if the child exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the refresh exited ({process.returncode}) before step {step!r} started")
        for db in (home / "history" / "runs").glob("*.db"):
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5) as con:
                    started = con.execute(
                        "SELECT 1 FROM event_logs WHERE dagster_event_type = 'STEP_START' AND step_key = ?", [step]
                    ).fetchone()
            except sqlite3.Error:  # created but not yet initialised
                continue
            if started:
                return
        time.sleep(0.05)
    raise AssertionError(f"step {step!r} did not start within {timeout} s")


def test_reader_keeps_its_snapshot_while_concurrent_refreshes_publish_one_at_a_time(warehouse, tmp_path):
    """(a) a reader holds a read-only connection across a refresh; (b) two refreshes start at once:
    exactly one succeeds, the other refuses at once in one line naming the holder. The reader keeps its
    old snapshot; a new connection sees the new data. (--wait is covered in test_lock.py.)"""
    snapshot = tmp_path / "snapshot"
    shutil.copytree(BUNDLED, snapshot)
    old_value = edit_snapshot_value(snapshot, "N00301", 2024, 99.5, "2026-11-25T03:00:00+00:00")
    env = child_env(INDICATOR_WAREHOUSE=str(warehouse), INDICATOR_AS_OF=AS_OF.isoformat())
    args = ["refresh", "--offline", "--snapshot-dir", str(snapshot)]
    reader = open_read_only(warehouse)
    processes = []
    try:
        vintages_before = reader.execute("SELECT count(*) FROM core.indicator_value_vintage").fetchone()[0]
        processes = [spawn(args, env), spawn(args, env)]
        results = [(p.communicate(timeout=RUN_TIMEOUT), p.returncode) for p in processes]
        # the old connection still reads the old, complete snapshot
        assert fact_value(reader, "N00301", 2024) == old_value
        assert reader.execute("SELECT count(*) FROM core.indicator_value_vintage").fetchone()[0] == vintages_before
    finally:
        reader.close()
        for p in processes:
            stop(p)
    assert sorted(rc for _, rc in results) == [0, 1], [err[-800:] for (_, err), _ in results]
    (refused,) = [err for (_, err), rc in results if rc == 1]
    refusal = [line for line in refused.splitlines() if "failed" in line]
    assert len(refusal) == 1 and LOCK_MESSAGE.search(refusal[0]), refused[-1000:]
    with open_read_only(warehouse) as con:  # a new connection sees the new data
        assert fact_value(con, "N00301", 2024) == 99.5
    assert not lock_path(warehouse).exists()


def test_sigkill_during_fetch_load_and_publish_never_damages_the_published_warehouse(warehouse, tmp_path):
    """(c) SIGKILL while fetching (live, against a slow Kolada stand-in), while loading, while publishing.
    After each kill the published file opens and is unchanged (or, past the atomic swap, the complete new
    file); the next run clears the dead run's stale lock; the last run completes normally."""
    before, rows = sha256(warehouse), goal_rows(warehouse)
    assert rows == len(load_plan().targets())  # one goal_status row per target of the plan
    exports_before = exports_state(warehouse)
    assert exports_before[1] == before  # the exports name the published file
    landing = tmp_path / "landing"
    if (BUNDLED / "filedrop").is_dir():
        shutil.copytree(BUNDLED / "filedrop", landing)
    processes = []
    try:
        # 1. during fetch: Kolada takes 60 s to answer the KPI metadata request
        with SourceServer() as server:
            server.fault("/v3/kpi/", lambda p, r, b: Answer(r.status, r.body, r.headers, delay=60))
            live = child_env(INDICATOR_WAREHOUSE=str(warehouse), INDICATOR_AS_OF=AS_OF.isoformat(),
                             KOLADA_BASE_URL=f"{server.url}/v3", SCB_BASE_URL=f"{server.url}/api/v2",
                             INDICATOR_LANDING_DIR=str(landing), INDICATOR_HTTP_TIMEOUT="5,90")
            fetching = spawn(["refresh"], live)
            processes.append(fetching)
            assert server.requested.wait(RUN_TIMEOUT), "the refresh never reached Kolada"
            deadline = time.monotonic() + 30
            while not any(r.startswith("GET /v3/kpi/") for r in server.requests) and time.monotonic() < deadline:
                time.sleep(0.05)
            fetching.send_signal(signal.SIGKILL)
            stop(fetching)
        holder = read_holder(lock_path(warehouse))
        assert holder is not None and holder.pid == fetching.pid  # the dead run's lock is left behind
        assert sha256(warehouse) == before and goal_rows(warehouse) == rows
        assert exports_state(warehouse) == exports_before

        # 2. during load, 3. during publish: kill as soon as the run's Dagster event log records the step's
        # start. Each kill point is its own run (a killed run cannot go on), with its own DAGSTER_HOME.
        outcomes = {}
        for point, step in [("load", "fact_indicator_value"), ("publish", "published_warehouse")]:
            home = dagster_home(tmp_path / f"dagster-{point}")
            offline = child_env(INDICATOR_WAREHOUSE=str(warehouse), INDICATOR_AS_OF=AS_OF.isoformat(), DAGSTER_HOME=str(home))
            process = spawn(["refresh", "--offline", "--force"], offline)  # forced: unchanged inputs would skip the steps
            processes.append(process)
            watch = StderrWatch(process)
            wait_for_step_start(home, step, process, RUN_TIMEOUT)
            process.send_signal(signal.SIGKILL)
            stop(process)
            assert "cleared a stale refresh lock" in watch.text()  # the previous victim's lock
            assert goal_rows(warehouse) == rows  # opens, complete
            outcomes[point] = "unchanged" if sha256(warehouse) == before else "swapped in whole"
            assert exports_state(warehouse)[1] == sha256(warehouse)  # exports and warehouse: one run's
        assert outcomes["load"] == "unchanged"

        # 4. the next run completes normally and clears the last victim's lock
        messages = []
        summary = refresh(Settings(warehouse_path=warehouse, source_mode="replay", as_of=AS_OF, force_refresh=True), log=messages.append)
        assert "refreshed" in summary
        assert any("cleared a stale refresh lock" in m and f"PID {process.pid}" in m for m in messages), messages
        assert goal_rows(warehouse) == rows and not lock_path(warehouse).exists()
        run_id, published, _ = exports_state(warehouse)
        assert published == sha256(warehouse) and run_id in summary and run_id != exports_before[0]
    finally:
        for p in processes:
            stop(p)


def _limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))


def test_disk_full_fails_with_the_path_and_os_error_and_keeps_the_published_file(warehouse):
    """RLIMIT_FSIZE stands in for a full disk: the run cannot write its 2 MB+ work file."""
    before, exports_before = sha256(warehouse), exports_state(warehouse)
    process = spawn(["refresh", "--offline", "--force"], child_env(INDICATOR_WAREHOUSE=str(warehouse), INDICATOR_AS_OF=AS_OF.isoformat()),
                    preexec_fn=_limit_file_size)
    try:
        _, err = process.communicate(timeout=RUN_TIMEOUT)
    finally:
        stop(process)
    assert process.returncode == 1
    (line,) = [line for line in err.splitlines() if line.startswith("indicator-pipeline refresh failed")]
    assert "File too large" in line and str(warehouse.parent / ".work") in line and "nothing was published" in line, line
    assert sha256(warehouse) == before and goal_rows(warehouse) > 0
    assert exports_state(warehouse) == exports_before  # the previous exports, untouched
    assert not lock_path(warehouse).exists()
    assert not list((warehouse.parent / ".work").glob("*.copying"))  # the half copy is removed
    duckdb.connect(str(warehouse), read_only=True).close()
