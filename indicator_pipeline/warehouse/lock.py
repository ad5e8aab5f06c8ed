"""One writer per warehouse (docs/operations.md, "One writer"). Only the kernel lock excludes (the
kernel frees it when its holder dies); the details file beside it only says who holds it. Reentrant
for its process: the CLI holds it for the whole run, and the publish step finds it already held.
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

from filelock import FileLock, Timeout

from indicator_pipeline.errors import PipelineError

LOCK_NAME = ".refresh.lock"  # the holder's details (JSON); the one a message names
KERNEL_LOCK_NAME = ".refresh.flock"  # the kernel lock itself (an empty file that stays)
POLL_SECONDS = 0.25
DETAILS_GRACE_SECONDS = 2.0  # how long a refused refresh waits for the holder's details to be written

logger = logging.getLogger(__name__)
_HELD: dict[Path, "RefreshLock"] = {}  # the locks this process holds, by details path


class LockError(PipelineError):
    """The lock could not be taken (the directory is unusable, or it is not ours to release)."""


class LockHeld(LockError):
    """Another live refresh holds the lock."""

    def __init__(self, holder: "Holder", path: Path, waited: float | None = None):
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


def lock_path(warehouse_path: Path) -> Path:
    return Path(warehouse_path).parent / LOCK_NAME


def _on_host(holder: Holder) -> str:
    return "" if holder.hostname == socket.gethostname() else f" on {holder.hostname}"


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

    def __init__(self, path: Path, run_id: str, log: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.path = Path(path)
        self.run_id = run_id
        self.log = log or logger.warning
        self.clock, self.sleep = clock, sleep  # what every wait (for the holder, for its details) is measured by and spent in
        self.holder: Holder | None = None  # set while we hold it
        self._kernel = FileLock(self.path.with_name(KERNEL_LOCK_NAME), thread_local=False, is_singleton=False)

    @classmethod
    def for_warehouse(cls, warehouse_path: Path, run_id: str, log: Callable[[str], None] | None = None) -> "RefreshLock":
        return cls(lock_path(warehouse_path), run_id, log)

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, waiting up to `wait` seconds for the holder; raise `LockHeld` if it stays."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self._take():
                if wait > 0:
                    self.log(f"waiting up to {wait:g} s: {LockHeld(self._current(), self.path)}")
                if wait <= 0 or not self._poll(self._take, wait, POLL_SECONDS):
                    raise LockHeld(self._current(), self.path, waited=wait)
        except OSError as exc:
            raise LockError(f"cannot create the refresh lock {self.path}: {_os_error(exc)}") from exc
        self._report_left_behind()
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        me = Holder(os.getpid(), socket.gethostname(), started, self.run_id)
        try:
            _write_atomically(self.path, json.dumps(asdict(me)) + "\n")
        except OSError as exc:
            self._kernel.release()
            raise LockError(f"cannot write the refresh lock {self.path}: {_os_error(exc)}") from exc
        self.holder = me
        _HELD[self.path] = self

    def release(self) -> None:
        """Remove the details if they still name us (never someone else's), then free the kernel lock."""
        if self.holder is None:
            return
        current = self._recorded()
        if current == self.holder:
            self.path.unlink(missing_ok=True)
        else:
            self.log(f"lock {self.path} is no longer ours at release (now {current}); left as it is")
        self.holder = None
        _HELD.pop(self.path, None)
        self._kernel.release()

    def assert_held(self) -> None:
        """Raise unless we hold the kernel lock and the details still name us (called right before publishing)."""
        current = self._recorded()
        if self.holder is None or not self._kernel.is_locked or current != self.holder:
            raise LockError(f"lost the refresh lock {self.path} (it now names {current}); nothing was published")

    @contextmanager
    def hold(self, wait: float = 0.0) -> Iterator["RefreshLock"]:
        self.acquire(wait)
        try:
            yield self
        finally:
            self.release()

    def _poll(self, attempt: Callable[[], object], seconds: float, interval: float):
        """`attempt()` again every `interval` until it answers something or `seconds` have passed."""
        deadline = self.clock() + seconds
        while not (answer := attempt()) and self.clock() < deadline:
            self.sleep(interval)
        return answer

    def _take(self) -> bool:
        try:
            self._kernel.acquire(blocking=False)
            return True
        except Timeout:
            return False

    def _current(self) -> Holder:
        """Who holds the kernel lock, from the details file. A holder writes its details just after taking
        the kernel lock, so a refusal in between waits up to DETAILS_GRACE_SECONDS for them (unknown after)."""
        holder = self._poll(self._recorded, DETAILS_GRACE_SECONDS, 0.05)
        return holder or Holder(0, socket.gethostname(), "unknown", "unknown")

    def _recorded(self) -> Holder | None:
        """The holder the details file names; None if it is gone or unreadable."""
        try:
            return read_holder(self.path)
        except ValueError:
            return None

    def _report_left_behind(self) -> None:
        """Details left by a holder that died holding the lock (the kernel has freed it): say so."""
        try:
            left = read_holder(self.path)
        except ValueError as exc:
            self.log(f"cleared a stale refresh lock {self.path}: the lock file is {exc}")
            return
        if left is not None:
            self.log(f"cleared a stale refresh lock {self.path}: PID {left.pid}{_on_host(left)} (run {left.run_id}, started at {left.started_at}) is not running")


@contextmanager
def publish_lock(warehouse_path: Path, run_id: str, log: Callable[[str], None] | None = None, wait: float = 0.0):
    """The lock around publishing: a no-op if this process already holds it (the CLI), else taken and released."""
    lock = RefreshLock.for_warehouse(warehouse_path, run_id, log)
    held = _HELD.get(lock.path)
    if held is not None:
        held.assert_held()
        yield held  # the caller's lock: not ours to release
        return
    with lock.hold(wait):
        yield lock


def _os_error(exc: OSError) -> str:
    name = errno.errorcode.get(exc.errno, "") if exc.errno else ""
    text = exc.strerror or str(exc)
    return f"{text} ({name})" if name else text


def _write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so a reader never sees half the details."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
