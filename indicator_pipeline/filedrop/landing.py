"""The landing folder, untrusted (often a shared network folder): which entries are drops, how one is
read safely, and how a rejected one goes to quarantine (docs/untrusted-input.md). Only regular files
directly inside it are read, decided by `lstat`, which never opens anything (a named pipe would block).
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from indicator_pipeline.catalog.filedrop_formats import SUFFIXES
from indicator_pipeline.filedrop.errors import FileRejected, NotARegularFile

SOURCE = "filedrop"
IGNORED_PREFIXES = (".", "~$")  # hidden files (a sender's temporary name) and Excel's lock files


@dataclass(frozen=True)
class Skipped:
    """An entry that looks like a drop but is not read, archived or moved."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name} ({self.reason})"


def scan(folder: Path) -> tuple[list[Path], list[Skipped]]:
    """The `.csv`/`.xlsx` entries of `folder` (none if it is no folder), by name, but not hidden ones or
    Excel's `~$` lock files: the regular files, and the others with why they are skipped."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for name in sorted(os.listdir(folder)) if folder.is_dir() else []:
        if not name.lower().endswith(SUFFIXES) or name.startswith(IGNORED_PREFIXES):
            continue
        reason = unsafe_reason(folder, name)
        if reason is None:
            files.append(folder / name)
        elif reason:
            skipped.append(Skipped(name, reason))
    return files, skipped


def candidates(landing: Path) -> list[Path]:
    return scan(landing)[0]


def unsafe_reason(folder: Path, name: str) -> str | None:
    """Why `folder/name` must not be read or moved, None if it is a plain file ("" if it vanished)."""
    if "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        return "its name contains a path separator"
    path = folder / name
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return ""
    if stat.S_ISLNK(info.st_mode):
        return f"a symbolic link to {os.readlink(path)}"
    if not stat.S_ISREG(info.st_mode):
        return _kind_of_entry(info.st_mode)
    if info.st_nlink > 1:
        return f"a hard link: the same file has {info.st_nlink} names, possibly outside the landing folder"
    return None  # a plain file named without a separator: it cannot resolve outside the folder


_ENTRY_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a device",
                stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}


def _kind_of_entry(mode: int) -> str:
    return _ENTRY_KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file `path`, opened without following a link or blocking (a named pipe
    swapped in after the folder was listed) and checked on the open file: NotARegularFile for anything
    else, FileRejected for more than `max_bytes` (also for a file that grows while it is read)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotARegularFile(path, "a symbolic link") from exc
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(path, _kind_of_entry(info.st_mode))
        if info.st_size > max_bytes:
            raise FileRejected(path, f"the file is {info.st_size} bytes, more than the {max_bytes} allowed (max_bytes)")
        body = handle.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise FileRejected(path, f"the file grew beyond the {max_bytes} bytes allowed (max_bytes) while it was read")
    return body


def move_to_quarantine(path: Path, reason: str, quarantine: Path, now: datetime) -> Path:
    """Move `path` into `quarantine` under its own name (timestamped if taken), with `<name>.reason.txt`.
    A name is taken by anything there, a dangling symbolic link included, so nothing in quarantine is
    ever followed or overwritten; the reason file is created new, never written through a link."""
    quarantine.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%S")
    names = itertools.chain(
        [path.name], (f"{path.stem}.{stamp}{'' if n == 1 else f'-{n}'}{path.suffix}" for n in itertools.count(1))
    )
    target = next(
        quarantine / name for name in names
        if not os.path.lexists(quarantine / name) and not os.path.lexists(quarantine / f"{name}.reason.txt")
    )
    shutil.move(path, target)
    reason_file = target.with_name(f"{target.name}.reason.txt")
    fd = os.open(reason_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(f"{reason}\nrejected at {now.isoformat(timespec='seconds')}\n")
    return target
