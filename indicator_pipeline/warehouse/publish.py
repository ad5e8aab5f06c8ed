"""One writer, many readers: build in a private work file, then swap a finished file into place.

BI tools open the serving file read-only. DuckDB refuses a reader while a writer holds the same file,
so the pipeline never writes the serving file: each run builds in `<dir>/.work/<run_id>.duckdb`
(started as a copy of the published file, so history carries over), and publishing is a CHECKPOINT,
close and `os.replace`. Readers holding the old file keep a consistent old snapshot; new connections
see the new data; nobody sees half a refresh.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import duckdb

from indicator_pipeline.errors import PipelineError
from indicator_pipeline.warehouse.sql import apply_schema


STALE_WORK_SECONDS = 24 * 3600  # work files of failed runs are kept this long for inspection


class PublishError(PipelineError):
    pass


def work_path(serving_path: Path, run_id: str) -> Path:
    return serving_path.parent / ".work" / f"{run_id}.duckdb"


def prepare_work_file(serving_path: Path, run_id: str) -> Path:
    """The run's work file, created on first use from the published file (or empty).

    Beside it, `<run_id>.base.json` records which published file it was copied from, so that
    publishing can refuse to replace a file that another run published in the meantime.
    """
    path = work_path(serving_path, run_id)
    if path.exists():
        return path
    staging = path.with_suffix(".copying")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        base = _copy_published(serving_path, staging)
        with duckdb.connect(str(staging)) as con:
            apply_schema(con)
        _base_record(path).write_text(json.dumps(base) + "\n", encoding="utf-8")
        os.replace(staging, path)
    except (OSError, duckdb.Error) as exc:
        _unlink_quietly(staging)
        raise PublishError(
            f"cannot create the work file {path} from {serving_path}: {_describe(exc)}; the published file is unchanged"
        ) from exc
    return path


def _copy_published(serving_path: Path, staging: Path) -> dict:
    """Copy the published file (if any) to `staging`; return the identity of the file actually copied."""
    try:
        source = open(serving_path, "rb")
    except FileNotFoundError:
        return {"absent": True}
    with source, open(staging, "wb") as target:
        identity = _identity(os.fstat(source.fileno()))
        shutil.copyfileobj(source, target, 1024 * 1024)
        target.flush()
        os.fsync(target.fileno())
    return identity


def _identity(st: os.stat_result) -> dict:
    return {"dev": st.st_dev, "ino": st.st_ino, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _base_record(work_file: Path) -> Path:
    return work_file.with_suffix(".base.json")


def _check_base(work_file: Path, serving_path: Path) -> None:
    """Refuse to publish over a published file other than the one this run started from (lost update)."""
    record = _base_record(work_file)
    if not record.exists():
        raise PublishError(
            f"publish: {record} is missing, so it is unknown which published file this run started from; "
            "nothing was published (run the refresh again)"
        )
    base = json.loads(record.read_text(encoding="utf-8"))
    try:
        now = _identity(os.stat(serving_path))
    except FileNotFoundError:
        now = {"absent": True}
    if now != base:
        raise PublishError(
            f"publish: {serving_path} was replaced by another run after this run copied it; publishing would drop "
            "that run's data, so nothing was published (run the refresh again)"
        )


def publish(work_file: Path, serving_path: Path) -> None:
    """Checkpoint the work file and atomically make it the serving file (call it holding the refresh lock)."""
    if not work_file.exists():
        raise PublishError(f"publish: work file {work_file} does not exist; nothing was published")
    _check_base(work_file, serving_path)
    try:
        with duckdb.connect(str(work_file)) as con:
            con.execute("CHECKPOINT")
        _fsync(work_file)
    except (OSError, duckdb.Error) as exc:
        raise PublishError(
            f"publish: cannot checkpoint the work file {work_file}: {_describe(exc)}; the published file is unchanged"
        ) from exc
    try:
        serving_path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(work_file, serving_path)
    except OSError as exc:
        raise PublishError(f"publish: cannot replace {serving_path}: {_describe(exc)}; the published file is unchanged") from exc
    _fsync(serving_path.parent)
    _unlink_quietly(_base_record(work_file))
    clean_stale_work_files(serving_path)


def clean_stale_work_files(serving_path: Path, max_age_seconds: float = STALE_WORK_SECONDS) -> list[Path]:
    """Delete files in `.work/` not modified for `max_age_seconds` (left by failed or killed runs)."""
    folder = serving_path.parent / ".work"
    cutoff = time.time() - max_age_seconds
    removed = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            pass  # best effort: a file we cannot remove now is tried again at the next publish
    return removed


def _describe(exc: BaseException) -> str:
    """An OS error as `<strerror>: <path>`, else the exception's first line."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"[Errno {exc.errno}] {exc.strerror}{where}"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
