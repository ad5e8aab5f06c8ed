"""One writer, many readers: build in a private work file, then swap a finished file into place.

DuckDB refuses a reader while a writer holds a file, so no run ever writes the serving file BI tools
read (docs/operations.md, "Publishing"; the exports link: docs/bi-access.md, "Exports").
"""

from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import suppress
from pathlib import Path

import duckdb

from indicator_pipeline.errors import PipelineError
from indicator_pipeline.warehouse.exports import fsync as _fsync, write_exports
from indicator_pipeline.warehouse.models import apply_schema
from indicator_pipeline.warehouse.sql import sql_text


STALE_WORK_SECONDS = 24 * 3600  # work files of failed runs are kept this long for inspection
DEFAULT_STORAGE_VERSION = "v1.1.0"  # the oldest storage format DuckDB 2 writes that DuckDB >= 1.1 reads
EXPORTS = "exports"  # the link beside the serving file
EXPORT_VERSIONS = ".exports"  # the folder of published export sets, one per run
KEEP_EXPORTS = 3  # export sets kept: the published one and the two before it
MOVED_ASIDE = "before-links-"  # a real folder found at `exports` is moved to `.exports/before-links-<time>`


class PublishError(PipelineError):
    pass


def work_path(serving_path: Path, run_id: str) -> Path:
    return serving_path.parent / ".work" / f"{run_id}.duckdb"


def prepare_work_file(serving_path: Path, run_id: str, create: bool = True) -> Path:
    """The run's work file, created on first use from the published file (or empty), with
    `<run_id>.base.json` saying which published file, so publishing refuses to overwrite a newer one.
    `create=False` (a re-execution continuing its root run): a missing file is an error, as a fresh copy
    would lack what the earlier run staged."""
    path = work_path(serving_path, run_id)
    if path.exists():
        return path
    if not create:
        raise PublishError(
            f"the work file {path} of run {run_id} is gone (failed runs' work files are removed after "
            f"{STALE_WORK_SECONDS // 3600} h), so this re-execution cannot continue it; start a new refresh; "
            "the published file is unchanged"
        )
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


def publish(work_file: Path, serving_path: Path, storage_version: str = DEFAULT_STORAGE_VERSION) -> None:
    """Make the finished work file the serving file, with its exports (call it holding the refresh lock).
    Both are built in `.work/` and only then swapped in, exports first: a failure before that changes nothing."""
    if not work_file.exists():
        raise PublishError(f"publish: work file {work_file} does not exist; nothing was published")
    _check_base(work_file, serving_path)
    run_id = work_file.stem
    built = work_file.with_suffix(".serving")
    exports_built = work_file.with_suffix(".exports")
    try:
        try:
            with duckdb.connect(str(work_file)) as con:
                con.execute("CHECKPOINT")
            _unlink_quietly(built)
            with duckdb.connect() as con:  # every object of the work file, into `built` in `storage_version`
                con.execute(sql_text("publish/attach_work.sql"), {"work_file": str(work_file)})
                serving = {"serving_file": str(built), "storage_version": storage_version}
                con.execute(sql_text("publish/attach_serving.sql"), serving)
                con.execute(sql_text("publish/copy_to_serving.sql"))
            _fsync(built)
            shutil.rmtree(exports_built, ignore_errors=True)
            write_exports(built, exports_built, run_id, serving_path.name)
        except (OSError, duckdb.Error) as exc:
            raise PublishError(
                f"publish: cannot build the serving file and exports from {work_file}: {_describe(exc)}; "
                "the published file and exports are unchanged"
            ) from exc
        _check_base(work_file, serving_path)
        _swap_in(built, exports_built, serving_path, run_id)
    finally:
        _unlink_quietly(built)
        shutil.rmtree(exports_built, ignore_errors=True)
    discard(work_file)
    clean_old_exports(serving_path)
    clean_stale_work_files(serving_path)


def discard(work_file: Path) -> None:
    """Drop a run's work file (published, or a run that changed nothing: then the published file, its
    exports and their modification times stay exactly as they were)."""
    _unlink_quietly(work_file)
    _unlink_quietly(work_file.with_suffix(".duckdb.wal"))
    _unlink_quietly(_base_record(work_file))


def _swap_in(built: Path, exports_built: Path, serving_path: Path, run_id: str) -> None:
    """Move the exports into `.exports/<run_id>/`, point `exports` at them, then replace the serving
    file; if that last step fails, point `exports` back, so exports and warehouse stay one run's."""
    folder = serving_path.parent
    versions = folder / EXPORT_VERSIONS
    link = folder / EXPORTS
    version = versions / run_id
    temporary_link = folder / f".{EXPORTS}.{run_id}.link"
    try:
        versions.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(version, ignore_errors=True)
        os.replace(exports_built, version)
        _fsync(versions)
        previous = os.readlink(link) if link.is_symlink() else None
        if previous is None and os.path.lexists(link):
            # a real folder (e.g. a copy made without links): kept, once
            os.replace(link, versions / f"{MOVED_ASIDE}{time.strftime('%Y%m%dT%H%M%S')}")
        _unlink_quietly(temporary_link)
        os.symlink(os.path.join(EXPORT_VERSIONS, run_id), temporary_link, target_is_directory=True)
        os.replace(temporary_link, link)
    except OSError as exc:
        _unlink_quietly(temporary_link)
        shutil.rmtree(version, ignore_errors=True)
        raise PublishError(f"publish: cannot publish the exports at {link}: {_describe(exc)}; the published file is unchanged") from exc
    try:
        serving_path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(built, serving_path)
    except OSError as exc:
        _point_back(link, previous, temporary_link)
        raise PublishError(
            f"publish: cannot replace {serving_path}: {_describe(exc)}; the published file and exports are unchanged"
        ) from exc
    _fsync(folder)


def _point_back(link: Path, previous: str | None, temporary_link: Path) -> None:
    with suppress(OSError):  # best effort: the manifest's warehouse sha256 still tells readers they differ
        if previous is None:
            _unlink_quietly(link)
        else:
            _unlink_quietly(temporary_link)
            os.symlink(previous, temporary_link, target_is_directory=True)
            os.replace(temporary_link, link)


def published_exports(serving_path: Path) -> Path | None:
    """The folder the `exports` link points at now (read every file from it for one run's set)."""
    link = serving_path.parent / EXPORTS
    return link.resolve() if link.exists() else None


def clean_old_exports(serving_path: Path) -> None:
    """Delete export sets beyond the KEEP_EXPORTS newest; never the one `exports` points at, nor a folder
    that was at `exports` before it became a link (`before-links-*`: not the pipeline's to delete)."""
    versions = serving_path.parent / EXPORT_VERSIONS
    current = published_exports(serving_path)
    found = versions.iterdir() if versions.is_dir() else []
    sets = [p for p in found if p.is_dir() and not p.name.startswith(MOVED_ASIDE)]
    for path in sorted(sets, key=lambda p: p.stat().st_mtime, reverse=True)[KEEP_EXPORTS:]:
        if current is None or path.resolve() != current:
            shutil.rmtree(path, ignore_errors=True)


def clean_stale_work_files(serving_path: Path) -> list[Path]:
    """Delete files in `.work/` not modified for STALE_WORK_SECONDS (left by failed or killed runs); best
    effort: a file that cannot be removed now is tried again at the next publish."""
    folder = serving_path.parent / ".work"
    cutoff = time.time() - STALE_WORK_SECONDS
    removed = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        with suppress(OSError):
            if path.stat().st_mtime >= cutoff:
                continue
            if path.is_dir():
                shutil.rmtree(path)  # an exports folder a killed run left half written
            else:
                path.unlink()
            removed.append(path)
    return removed


def _describe(exc: BaseException) -> str:
    """An OS error as `<strerror>: <path>`, else the exception's first line."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"[Errno {exc.errno}] {exc.strerror}{where}"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__


def _unlink_quietly(path: Path) -> None:
    with suppress(OSError):
        path.unlink(missing_ok=True)

