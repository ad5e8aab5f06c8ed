"""One writer per warehouse: a lock file `<warehouse dir>/.refresh.lock` taken with O_CREAT|O_EXCL.

The file holds the holder's PID, hostname, start time and run id (JSON), so a refused refresh can say
who is in the way. Creating it with O_EXCL is atomic on a local file system: of two refreshes racing,
exactly one creates the file; the other sees who holds it and refuses (or waits, if asked to).

A lock is *stale* when its holder cannot be running: the PID is not alive on this host, or the file
is unreadable or corrupt (a holder killed between creating and writing it leaves an empty file).
A stale lock is reported through `log` and cleared; a lock held by another host is never judged
stale (its PID means nothing here) and has to be removed by hand if that host is gone.

The lock is reentrant for the process that holds it: the CLI takes it for the whole run, and the
publish step, running in the same process, finds it already held by itself. A run started from the
Dagster UI or the schedule takes it only around publishing.

Clearing a stale lock renames it to a private name first and re-checks what it renamed, so two
processes clearing the same stale lock at once cannot delete a fresh lock taken in between.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from indicator_pipeline.errors import PipelineError

LOCK_NAME = ".refresh.lock"
POLL_SECONDS = 0.25
CORRUPT_RECHECK_SECONDS = 0.2  # a lock file seen empty may be mid-write: look once more before calling it stale

logger = logging.getLogger(__name__)


class LockError(PipelineError):
    """The lock could not be taken (the directory is unusable, or it is not ours to release)."""


class LockHeld(LockError):
    """Another live refresh holds the lock."""

    def __init__(self, holder: "Holder", path: Path, waited: float | None = None):
        self.holder = holder
        self.path = path
        after = f" (gave up after waiting {waited:g} s)" if waited else ""
        super().__init__(
            f"another refresh (PID {holder.pid}{_on_host(holder)}, started at {holder.started_at}, "
            f"run {holder.run_id}) holds {path}{after}"
        )


@dataclass(frozen=True)
class Holder:
    pid: int
    hostname: str
    started_at: str
    run_id: str

    @classmethod
    def me(cls, run_id: str) -> "Holder":
        return cls(os.getpid(), socket.gethostname(), datetime.now(timezone.utc).isoformat(timespec="seconds"), run_id)

    def is_this_process(self) -> bool:
        return self.pid == os.getpid() and self.hostname == socket.gethostname()


def lock_path(warehouse_path: Path) -> Path:
    return Path(warehouse_path).parent / LOCK_NAME


def _on_host(holder: Holder) -> str:
    return "" if holder.hostname == socket.gethostname() else f" on {holder.hostname}"


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return _not_a_zombie(pid)


def _not_a_zombie(pid: int) -> bool:
    """A killed child that nobody has reaped yet still answers kill(0): it holds nothing any more."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def read_holder(path: Path) -> Holder | None:
    """The holder recorded in `path`; None if the file is gone. Raises ValueError if it is corrupt."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"unreadable ({exc})") from exc
    try:
        data = json.loads(text)
        return Holder(int(data["pid"]), str(data["hostname"]), str(data["started_at"]), str(data["run_id"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"corrupt ({text[:60]!r})") from exc


class RefreshLock:
    """The warehouse's writer lock. `acquire()` / `release()`, or use `hold()` as a context manager."""

    def __init__(self, path: Path, run_id: str, log: Callable[[str], None] | None = None):
        self.path = Path(path)
        self.run_id = run_id
        self.log = log or logger.warning
        self.holder: Holder | None = None  # set while we hold it

    @classmethod
    def for_warehouse(cls, warehouse_path: Path, run_id: str, log: Callable[[str], None] | None = None) -> "RefreshLock":
        return cls(lock_path(warehouse_path), run_id, log)

    # --- taking and giving back -----------------------------------------------------------------

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, waiting up to `wait` seconds for a live holder; raise `LockHeld` if it stays."""
        deadline = time.monotonic() + max(0.0, wait)
        announced = False
        while True:
            holder = self._try_create()
            if holder is None:
                return
            if time.monotonic() >= deadline:
                raise LockHeld(holder, self.path, waited=wait)
            if not announced:
                self.log(f"waiting up to {wait:g} s: {LockHeld(holder, self.path)}")
                announced = True
            time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))

    def release(self) -> None:
        """Remove the lock file if it is still ours (never someone else's)."""
        if self.holder is None:
            return
        try:
            current = read_holder(self.path)
        except ValueError:
            current = None
        if current == self.holder:
            self.path.unlink(missing_ok=True)
        else:
            self.log(f"lock {self.path} is no longer ours at release (now {current}); left as it is")
        self.holder = None

    def assert_held(self) -> None:
        """Raise unless the lock file still names us (called right before publishing)."""
        try:
            current = read_holder(self.path)
        except ValueError:
            current = None
        if self.holder is None or current != self.holder:
            raise LockError(f"lost the refresh lock {self.path} (it now names {current}); nothing was published")

    @contextmanager
    def hold(self, wait: float = 0.0) -> Iterator["RefreshLock"]:
        self.acquire(wait)
        try:
            yield self
        finally:
            self.release()

    # --- internals ------------------------------------------------------------------------------

    def _try_create(self) -> Holder | None:
        """Create the lock (returns None), or return the live holder that is in the way."""
        for _ in range(3):  # a stale lock is cleared and creation tried again
            me = Holder.me(self.run_id)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self._live_holder()
                if holder is not None:
                    return holder
                continue
            except OSError as exc:
                raise LockError(f"cannot create the refresh lock {self.path}: {_os_error(exc)}") from exc
            try:
                os.write(fd, (json.dumps(asdict(me)) + "\n").encode())
                os.fsync(fd)
            except OSError as exc:
                os.close(fd)
                self.path.unlink(missing_ok=True)
                raise LockError(f"cannot write the refresh lock {self.path}: {_os_error(exc)}") from exc
            os.close(fd)
            self.holder = me
            return None
        raise LockError(f"could not take the refresh lock {self.path}: it keeps reappearing as stale")

    def _live_holder(self) -> Holder | None:
        """The holder of an existing lock file if it is live; otherwise clear the stale lock and return None."""
        try:
            holder = read_holder(self.path)
        except ValueError:
            time.sleep(CORRUPT_RECHECK_SECONDS)
            try:
                holder = read_holder(self.path)
            except ValueError as exc:
                self._clear_stale(None, f"the lock file is {exc}")
                return None
        if holder is None:
            return None  # released meanwhile
        if holder.hostname != socket.gethostname() or _pid_alive(holder.pid):
            return holder
        self._clear_stale(holder, f"PID {holder.pid} (run {holder.run_id}, started at {holder.started_at}) is not running")
        return None

    def _clear_stale(self, judged: Holder | None, reason: str) -> None:
        aside = self.path.with_name(f"{self.path.name}.stale.{os.getpid()}.{time.monotonic_ns()}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return  # someone else cleared it
        try:
            moved = read_holder(aside)
        except ValueError:
            moved = None
        if moved != judged:
            # Between our look and the rename someone took a fresh lock: put it back.
            try:
                os.link(aside, self.path)
            except FileExistsError:
                pass
            aside.unlink(missing_ok=True)
            return
        aside.unlink(missing_ok=True)
        self.log(f"cleared a stale refresh lock {self.path}: {reason}")


@contextmanager
def publish_lock(warehouse_path: Path, run_id: str, log: Callable[[str], None] | None = None, wait: float = 0.0):
    """The lock around publishing: a no-op if this process already holds it (the CLI), else taken and released."""
    lock = RefreshLock.for_warehouse(warehouse_path, run_id, log)
    try:
        current = read_holder(lock.path)
    except ValueError:
        current = None
    if current is not None and current.is_this_process():
        lock.holder = current
        lock.assert_held()
        yield lock  # the caller's lock: not ours to release
        return
    with lock.hold(wait):
        yield lock


def _os_error(exc: OSError) -> str:
    name = errno.errorcode.get(exc.errno, "") if exc.errno else ""
    text = exc.strerror or str(exc)
    return f"{text} ({name})" if name else text
