"""One writer, many readers: build in a private work file, then swap a finished file into place.

BI tools open the serving file read-only. DuckDB refuses a reader while a writer holds the same file,
so the pipeline never writes the serving file: each run builds in `<dir>/.work/<run_id>.duckdb`
(started as a copy of the published file, so history carries over), and publishing is a CHECKPOINT,
close and `os.replace`. Readers holding the old file keep a consistent old snapshot; new connections
see the new data; nobody sees half a refresh.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from indicator_pipeline.errors import PipelineError
from indicator_pipeline.warehouse.sql import apply_schema


class PublishError(PipelineError):
    pass


def work_path(serving_path: Path, run_id: str) -> Path:
    return serving_path.parent / ".work" / f"{run_id}.duckdb"


def prepare_work_file(serving_path: Path, run_id: str) -> Path:
    """The run's work file, created on first use from the published file (or empty)."""
    path = work_path(serving_path, run_id)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".copying")
    if serving_path.exists():
        shutil.copyfile(serving_path, staging)
    with duckdb.connect(str(staging)) as con:
        apply_schema(con)
    os.replace(staging, path)
    return path


def publish(work_file: Path, serving_path: Path) -> None:
    """Checkpoint the work file and atomically make it the serving file."""
    if not work_file.exists():
        raise PublishError(f"publish: work file {work_file} does not exist; nothing was published")
    with duckdb.connect(str(work_file)) as con:
        con.execute("CHECKPOINT")
    _fsync(work_file)
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(work_file, serving_path)
    except OSError as exc:
        raise PublishError(f"publish: cannot replace {serving_path}: {exc}; the published file is unchanged") from exc
    _fsync(serving_path.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
