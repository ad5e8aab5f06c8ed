"""The refresh lock and the publish guards, as a library (no Dagster): fast."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from faultkit import hold_in_another_process

from indicator_pipeline.cli import build_parser
from indicator_pipeline.warehouse.lock import (
    KERNEL_LOCK_NAME, POLL_SECONDS, LockError, LockHeld, RefreshLock, lock_path, publish_lock, read_holder,
)
from indicator_pipeline.warehouse.publish import PublishError, clean_stale_work_files, prepare_work_file, publish
from tests.clock import FakeClock


@pytest.fixture
def serving(tmp_path) -> Path:
    path = tmp_path / "wh" / "indicators.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    return path


def write_lock(path: Path, **fields) -> None:
    holder = {"pid": os.getpid(), "hostname": socket.gethostname(), "started_at": "2026-01-01T00:00:00+00:00", "run_id": "r0"}
    path.write_text(json.dumps({**holder, **fields}))


def test_lock_file_names_the_holder_and_is_removed_on_release(serving):
    lock = RefreshLock.for_warehouse(serving, "run-1")
    with lock.hold():
        holder = read_holder(lock_path(serving))
        assert (holder.pid, holder.hostname, holder.run_id) == (os.getpid(), socket.gethostname(), "run-1")
        assert holder.started_at.endswith("+00:00")
    assert not lock_path(serving).exists()


def test_a_second_writer_is_refused_at_once_with_one_line_naming_the_holder(serving):
    clock = FakeClock()
    with RefreshLock.for_warehouse(serving, "run-1").hold():
        with pytest.raises(LockHeld) as refused:
            RefreshLock(lock_path(serving), "run-2", clock=clock, sleep=clock.sleep).acquire()
    assert clock.sleeps == []  # no wait at all: neither for the holder nor for its details
    message = str(refused.value)
    assert message.startswith(f"another refresh (PID {os.getpid()}, started at ") and "run run-1) holds " in message
    assert message.endswith(str(lock_path(serving))) and "\n" not in message


def test_a_writer_refused_before_the_holder_wrote_its_details_waits_for_them(serving):
    """Between taking the kernel lock and writing its details a holder is briefly anonymous: the refusal
    waits for the details (a race two refreshes started together hit) instead of naming PID 0."""
    kernel = FileLock(str(serving.parent / KERNEL_LOCK_NAME), thread_local=False, is_singleton=False)
    kernel.acquire()
    try:
        late = threading.Timer(0.3, write_lock, args=(lock_path(serving),), kwargs={"run_id": "late-writer"})
        late.start()
        with pytest.raises(LockHeld) as refused:
            RefreshLock.for_warehouse(serving, "run-2").acquire()
        late.join()
    finally:
        kernel.release()
    assert f"PID {os.getpid()}" in str(refused.value) and "run late-writer" in str(refused.value)


def test_wait_takes_the_lock_once_the_holder_releases_it(serving):
    first = RefreshLock.for_warehouse(serving, "run-1")
    first.acquire()
    threading.Timer(0.5, first.release).start()
    logged = []
    second = RefreshLock.for_warehouse(serving, "run-2", log=logged.append)
    second.acquire(wait=10)
    assert read_holder(lock_path(serving)).run_id == "run-2" and "waiting up to 10 s" in logged[0]
    second.release()


def test_wait_gives_up_after_the_deadline(serving):
    clock = FakeClock()
    with RefreshLock.for_warehouse(serving, "run-1").hold():
        with pytest.raises(LockHeld, match=r"gave up after waiting 0.3 s"):
            RefreshLock(lock_path(serving), "run-2", log=lambda m: None, clock=clock, sleep=clock.sleep).acquire(wait=0.3)
    assert clock.sleeps == [POLL_SECONDS, POLL_SECONDS]  # tried at 0, 0.25 and 0.5 s, past the 0.3 s


def test_cli_has_a_wait_flag():
    args = build_parser().parse_args(["refresh", "--offline", "--wait", "30"])
    assert args.wait == 30.0
    assert build_parser().parse_args(["refresh"]).wait == 0.0


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=30)
    return child.pid


@pytest.mark.parametrize(
    "content, reason",
    [
        (None, "is not running"),  # filled in below: a PID that has exited
        ("", "corrupt"),  # a holder killed between creating and writing the file
        ("{not json", "corrupt"),
        ('{"pid": "x"}', "corrupt"),
    ],
)
def test_a_stale_lock_is_reported_and_cleared(serving, content, reason):
    path = lock_path(serving)
    if content is None:
        write_lock(path, pid=dead_pid(), run_id="dead-run")
    else:
        path.write_text(content)
    logged = []
    with RefreshLock.for_warehouse(serving, "run-2", log=logged.append).hold():
        assert read_holder(path).run_id == "run-2"
    assert len(logged) == 1 and "cleared a stale refresh lock" in logged[0] and reason in logged[0]


def test_a_lock_from_another_host_is_never_judged_stale(serving):
    holder = hold_in_another_process(serving, pid=1, hostname="some-other-host")
    try:
        with pytest.raises(LockHeld, match="on some-other-host"):
            RefreshLock.for_warehouse(serving, "run-2").acquire()
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_killed_holder_blocks_nothing_and_its_details_are_reported(serving):
    holder = hold_in_another_process(serving)
    holder.kill()  # the kernel frees its lock; its details file stays behind
    holder.wait(timeout=30)
    assert read_holder(lock_path(serving)).pid == holder.pid
    logged = []
    with RefreshLock.for_warehouse(serving, "run-2", log=logged.append).hold():
        assert read_holder(lock_path(serving)).run_id == "run-2"
    assert len(logged) == 1 and f"PID {holder.pid}" in logged[0] and "is not running" in logged[0]


def test_release_never_removes_someone_elses_lock(serving):
    lock = RefreshLock.for_warehouse(serving, "run-1", log=lambda m: None)
    lock.acquire()
    write_lock(lock_path(serving), run_id="someone-else")
    lock.release()
    assert read_holder(lock_path(serving)).run_id == "someone-else"


def test_publish_lock_is_reentrant_for_the_holding_process_and_taken_otherwise(serving):
    with RefreshLock.for_warehouse(serving, "cli-run").hold():
        with publish_lock(serving, "cli-run"):  # the CLI's own publish step
            assert read_holder(lock_path(serving)).run_id == "cli-run"
        assert read_holder(lock_path(serving)).run_id == "cli-run"  # still the CLI's
    with publish_lock(serving, "ui-run"):  # a run from the UI takes it just for publishing
        assert read_holder(lock_path(serving)).run_id == "ui-run"
    assert not lock_path(serving).exists()


def test_publish_lock_refuses_while_another_process_holds_the_lock(serving, tmp_path):
    holder = hold_in_another_process(serving)
    try:
        with pytest.raises(LockHeld, match=rf"PID {holder.pid}, .*run cli-run"):
            with publish_lock(serving, "ui-run"):
                pass
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_an_unusable_warehouse_directory_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a regular file where the warehouse folder should be")
    with pytest.raises(LockError) as failed:
        RefreshLock.for_warehouse(blocker / "wh" / "indicators.duckdb", "run-1").acquire()
    message = str(failed.value)
    assert str(blocker / "wh" / ".refresh.lock") in message and "Not a directory" in message


def test_publish_refuses_to_replace_a_file_another_run_published_meanwhile(serving):
    slow = prepare_work_file(serving, "slow-run")
    fast = prepare_work_file(serving, "fast-run")
    for work, x in ((slow, 3), (fast, 2)):  # each run adds its own row to the published t (x = 1)
        with duckdb.connect(str(work)) as con:
            con.execute("INSERT INTO t VALUES (?)", [x])
    publish(fast, serving)  # the other run published first
    with pytest.raises(PublishError, match="was replaced by another run after this run copied it"):
        publish(slow, serving)
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]  # the other run's, not this one's
    assert json.loads((serving.parent / "exports" / "manifest.json").read_text())["run_id"] == "fast-run"


def test_work_files_older_than_a_day_are_cleaned_at_publish(serving):
    work = serving.parent / ".work"
    old = prepare_work_file(serving, "old-run")
    wal = old.with_suffix(".duckdb.wal")
    wal.write_bytes(b"x")
    day_and_a_bit = time.time() - 25 * 3600
    for path in (old, wal, old.with_suffix(".base.json")):
        os.utime(path, (day_and_a_bit, day_and_a_bit))
    recent = prepare_work_file(serving, "failed-an-hour-ago")
    publish(prepare_work_file(serving, "this-run"), serving)
    assert sorted(p.name for p in work.iterdir()) == sorted([recent.name, recent.with_suffix(".base.json").name])
    assert clean_stale_work_files(serving) == []


def test_an_unwritable_work_folder_fails_clearly_and_keeps_the_published_file(serving):
    """The folder runs build in cannot be created (a regular file sits at its path): the error names
    the path and the OS error, and the published file is untouched."""
    before = serving.read_bytes()
    (serving.parent / ".work").write_text("not a folder")
    with pytest.raises(PublishError) as failed:
        prepare_work_file(serving, "run-1")
    message = str(failed.value)
    assert "\n" not in message and f"cannot create the work file {serving.parent / '.work'}" in message
    assert "[Errno 17] File exists" in message and "the published file is unchanged" in message
    assert serving.read_bytes() == before
