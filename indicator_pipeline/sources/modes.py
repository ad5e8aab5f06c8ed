"""The three source modes, each a `Transport`: live (with retries), record, replay."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from indicator_pipeline.sources.retry import RetryingTransport
from indicator_pipeline.sources.transport import LiveTransport, RecordingTransport, ReplayTransport, SnapshotDir, Transport

SOURCE_MODES = ("live", "record", "replay")


def make_transport(mode: str, snapshot_dir: Path | None) -> Transport:
    """`live`, `record` (needs a snapshot dir to write) or `replay` (needs one to read)."""
    if mode == "live":
        return RetryingTransport(LiveTransport())
    if snapshot_dir is None:
        raise ValueError(f"source mode {mode!r} needs a snapshot directory")
    if mode == "record":
        snapshot = SnapshotDir(Path(snapshot_dir))
        snapshot.write_manifest(date.today())
        return RecordingTransport(RetryingTransport(LiveTransport()), snapshot)
    if mode == "replay":
        return ReplayTransport(SnapshotDir(Path(snapshot_dir)))
    raise ValueError(f"unknown source mode {mode!r}: expected one of {', '.join(SOURCE_MODES)}")
