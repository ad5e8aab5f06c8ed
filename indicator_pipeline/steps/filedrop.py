"""File drops: bring the current file of one kind from the landing folder into staging (`load_kind`),
as docs/file-drops.md ("What the pipeline does with a file") describes: a rejected file goes to
quarantine (or stays, in a replayed snapshot's read-only folder) and fails the run with `DropRejected`,
nothing of the kind staged; otherwise the current file is archived once per file name and replaces
`staging.filedrop_<kind>`, its rows keeping the time it became current (`observed_at`), so loading
the same file again adds nothing anywhere. `landing_state` and `state_key` serve the landing sensor.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from pathlib import Path

import duckdb
import polars as pl

from indicator_pipeline.archive import Origin, RawArchive
from indicator_pipeline.catalog.filedrop_formats import FORMATS, limits_of
from indicator_pipeline.changes import Input, file_inputs
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.filedrop import DropFile, FileRejected, kind_of, read_drop
from indicator_pipeline.filedrop.errors import NotARegularFile
from indicator_pipeline.filedrop.landing import SOURCE, Skipped, candidates, move_to_quarantine, read_regular, scan
from indicator_pipeline.payloads import ArchivedPayload, register_payloads
from indicator_pipeline.settings import Settings
from indicator_pipeline.sources.transport import SnapshotDir
from indicator_pipeline.warehouse.sql import query, run_script

SNAPSHOT_FOLDER = "filedrop"  # a snapshot's folder of recorded drops


def staging_table(kind: str) -> str:
    return f"staging.filedrop_{kind}"


@dataclass(frozen=True)
class Rejection:
    error: FileRejected  # its message names the file, row, column and value
    quarantined: Path | None  # where it lies now; None when the landing folder is read-only


class DropRejected(FileRejected):
    """One or more dropped files were refused; the first one's message leads, the others are listed."""

    def __init__(self, rejections: Sequence[Rejection], landing: Path, skipped: Sequence[Skipped] = ()):
        first = rejections[0]
        super().__init__(first.error.path, first.error.detail, first.error.row, first.error.column)
        self.rejections = list(rejections)
        self.skipped = list(skipped)
        if first.quarantined is not None:
            where = f"moved to quarantine as {first.quarantined}"
        else:
            where = f"left in the read-only landing folder {landing} (a replayed snapshot): fix or remove it there"
        others = "; ".join(str(r.error) for r in rejections[1:])
        more = f"; {len(rejections) - 1} more rejected: {others}" if others else ""
        self.args = (f"{first.error} ({where}; nothing of it was loaded){more}",)


@dataclass(frozen=True)
class KindLoad:
    kind: str
    landing: Path
    current: DropFile | None  # None: no file of this kind, staging kept as it was
    payload: ArchivedPayload | None
    newly_archived: bool  # False: these bytes were already archived under this file name
    superseded: list[Path]
    staged_rows: int  # rows in the staging table afterwards (kept rows when there was no file)
    skipped: list[Skipped] = field(default_factory=list)


def files_of(kind: str, landing: Path) -> tuple[list[Path], list[Skipped]]:
    """The files a load of `kind` reads, in name order: its own and those whose name announces no kind;
    and the entries of those names that are skipped because they are not regular files."""
    files, skipped = scan(landing)
    ours = [p for p in files if kind_of(p) in (kind, None)]
    return ours, [s for s in skipped if kind_of(Path(s.name)) in (kind, None)]


def kind_inputs(kind: str, landing: Path) -> frozenset[Input]:
    """What a load of `kind` reads, by name and bytes: a new, changed or removed file is a change."""
    return file_inputs(f"filedrop_{kind}", files_of(kind, landing)[0])


def archive_drop(drop: DropFile, archive: RawArchive, now: datetime, licence: str) -> tuple[ArchivedPayload, bool]:
    """Archive the file's bytes under its name (once); the payload carries the first archiving time and
    the licence of the city's own figures (the plan's)."""
    body = read_regular(drop.path, FORMATS[drop.kind].limits.max_bytes)
    if hashlib.sha256(body).hexdigest() != drop.sha256:
        raise PipelineError(f"{drop.path.name} changed while it was being read; the next run will load it")
    origin = next(
        (o for o in archive.origins(drop.sha256) if o.source == SOURCE and o.location == drop.path.name), None
    )
    new = origin is None or not archive.object_path(drop.sha256).exists()
    if new:
        origin = origin or Origin(SOURCE, drop.path.name, now.isoformat(timespec="seconds"), licence)
        archive.put(body, origin)
    payload = ArchivedPayload(
        source=SOURCE, dataset=f"filedrop_{drop.kind}", sha256=drop.sha256, location=drop.path.name, method="FILE",
        http_status=None, retrieved_at=origin.retrieved_at, size_bytes=len(body), licence=origin.licence,
    )
    return payload, new


def stage_drop(con: duckdb.DuckDBPyConnection, drop: DropFile, payload: ArchivedPayload, now: datetime) -> None:
    """Register the payload and replace the kind's staging table with the file's rows, observed `now`
    if the file just became current (new, re-sent, or current again after a newer one was deleted),
    else when it became current, so an unchanged folder adds nothing."""
    retrieved_at = datetime.fromisoformat(payload.retrieved_at)
    held = {"kind": drop.kind, "file": drop.path.name, "sha256": drop.sha256}
    since = query(con, "load/filedrop_current_since.sql", held)
    observed_at = since["observed_at"][0] if not since.is_empty() else now
    frame = drop.frame.with_columns(
        retrieved_at=pl.lit(retrieved_at, pl.Datetime("us", "UTC")),
        observed_at=pl.lit(observed_at, pl.Datetime("us", "UTC")),
    )
    register_payloads(con, [payload])
    run_script(con, f"load/replace_filedrop_{drop.kind}.sql", {"incoming": frame})


def wall_clock() -> datetime:
    """Now, in UTC: when a drop in a landing folder is observed (tests pin it)."""
    return datetime.now(timezone.utc)


def retrieval_time(settings: Settings) -> datetime:
    """When drops are archived and observed: when they arrive (now), in every mode; only the drops a
    replayed snapshot recorded in its own read-only `filedrop/` replay on the day it was recorded
    (stable, and in order with the recorded answers). An explicit landing folder is live input."""
    if settings.landing_read_only:  # a replay's folder: its snapshot is given or the bundled one
        recorded_on = SnapshotDir(settings.effective_snapshot_dir).recorded_on()
        if recorded_on:
            return datetime.combine(recorded_on, time(0), tzinfo=timezone.utc)
    return wall_clock()


def load_kind(con: duckdb.DuckDBPyConnection, kind: str, settings: Settings) -> KindLoad:
    """Read every file of `kind`, quarantine the rejected ones (unless the landing folder is read-only)
    and raise DropRejected if any; else archive and stage the current file."""
    landing, read_only = settings.effective_landing_dir, settings.landing_read_only
    if not read_only:
        landing.mkdir(parents=True, exist_ok=True)
    now, quarantine = retrieval_time(settings), settings.effective_quarantine_dir
    valid: list[DropFile] = []  # in name order: the last one is current, the others superseded
    rejected: list[Rejection] = []
    paths, skipped = files_of(kind, landing)
    skipped += [Skipped(f"{quarantine.name}/{s.name}", s.reason) for s in scan(quarantine)[1]]
    for path in paths:
        try:
            valid.append(read_drop(path))
        except NotARegularFile as exc:  # swapped in after the folder was listed
            skipped.append(Skipped(path.name, exc.reason))
        except FileRejected as exc:
            moved = None if read_only else move_to_quarantine(path, str(exc), quarantine, now)
            rejected.append(Rejection(exc, moved))
    if rejected:
        raise DropRejected(rejected, landing, skipped)
    current = valid[-1] if valid else None
    payload, new = None, False
    if current is not None:
        payload, new = archive_drop(current, settings.archive(), now, settings.plans.filedrop_licence)
        stage_drop(con, current, payload, now)
        if settings.source_mode == "record" and settings.snapshot_dir is not None:
            record_drop(current, settings.snapshot_dir / SNAPSHOT_FOLDER)
    [(rows,)] = con.sql(f"SELECT count(*) FROM {staging_table(kind)}").fetchall()
    return KindLoad(kind, landing, current, payload, new, [d.path for d in valid[:-1]], rows, skipped)


def record_drop(drop: DropFile, folder: Path) -> None:
    """Make `drop` the only file of its kind in a snapshot's `filedrop/` folder."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / drop.path.name
    if target.resolve() == drop.path.resolve():
        return
    for other in candidates(folder):
        if kind_of(other) == drop.kind and other.name != drop.path.name:
            other.unlink()
    shutil.copyfile(drop.path, target)


def landing_state(landing: Path) -> tuple[tuple[str, str], ...]:
    """(name, sha256) of every regular `.csv`/`.xlsx` file in the landing folder, by name; empty if there
    is none. A file beyond its kind's max_bytes is not read: its size and modification time stand in."""
    return tuple((p.name, _identity(p)) for p in candidates(landing))


def _identity(path: Path) -> str:
    try:
        return hashlib.sha256(read_regular(path, limits_of(path).max_bytes)).hexdigest()
    except (FileRejected, NotARegularFile, FileNotFoundError):
        info = os.lstat(path) if os.path.lexists(path) else None
        return f"unread: {info.st_size} bytes, mtime {info.st_mtime_ns}" if info else "gone"


def landing_observation(landing: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time (ns) of every regular `.csv`/`.xlsx` file in the landing folder, by
    lstat: what the sensor compares between two ticks to tell a file still being written."""
    observed = {}
    for path in candidates(landing):
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        observed[path.name] = (info.st_size, info.st_mtime_ns)
    return observed


def state_key(state: tuple[tuple[str, str], ...]) -> str:
    """One hash for a landing state: the same files with the same bytes give the same key."""
    text = "\n".join(f"{name}\t{sha256}" for name, sha256 in state)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
