"""The three source modes, each a `Transport`: live (with retries), record, replay. The transports are
imported when one is made, so that reading the settings (e.g. for `status`) does not import the HTTP stack."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indicator_pipeline.sources.live import LiveTransport
    from indicator_pipeline.sources.transport import Transport

SOURCE_MODES = ("live", "record", "replay")
# (variable, keyword, type): source_retry's tuning, and LiveTransport's body limits (which must be positive)
RETRY_ENV = (("INDICATOR_HTTP_ATTEMPTS", "attempts", int), ("INDICATOR_HTTP_BACKOFF", "backoff", float))
LIMITS_ENV = (
    ("INDICATOR_HTTP_MAX_BODY", "max_body_bytes", int),
    ("INDICATOR_HTTP_BODY_TIMEOUT", "body_deadline", float),
)


def live_transport_from_env() -> LiveTransport:
    """LiveTransport on a retrying session (`retry.source_retry`), tuned by the optional INDICATOR_HTTP_*
    variables (docs/operations.md, "Retries"); INDICATOR_HTTP_TIMEOUT is "CONNECT,READ" or one number."""
    from indicator_pipeline.sources.retry import retrying_session, source_retry
    from indicator_pipeline.sources.live import DEFAULT_TIMEOUT, LiveTransport

    env = os.environ
    timeout = DEFAULT_TIMEOUT
    if env.get("INDICATOR_HTTP_TIMEOUT"):
        parts = [float(part) for part in env["INDICATOR_HTTP_TIMEOUT"].split(",")]
        if len(parts) not in (1, 2) or min(parts) <= 0:
            raise ValueError(f"INDICATOR_HTTP_TIMEOUT={env['INDICATOR_HTTP_TIMEOUT']!r}: expected CONNECT,READ seconds")
        timeout = (parts[0], parts[-1])
    tuning = {key: kind(env[name]) for name, key, kind in RETRY_ENV if env.get(name)}
    limits = {key: kind(env[name]) for name, key, kind in LIMITS_ENV if env.get(name)}
    for name, key, _ in LIMITS_ENV:
        if limits.get(key, 1) <= 0:
            raise ValueError(f"{name}={env[name]!r}: must be positive")
    return LiveTransport(timeout=timeout, session=retrying_session(source_retry(**tuning)), **limits)


def make_transport(mode: str, snapshot_dir: Path | None) -> Transport:
    """`live`, `record` (into `snapshot_dir`) or `replay` (from it); Settings admits no other, nor these without it."""
    from indicator_pipeline.sources.transport import RecordingTransport, ReplayTransport, SnapshotDir

    if mode == "live":
        return live_transport_from_env()
    snapshot = SnapshotDir(Path(snapshot_dir))
    if mode == "record":
        snapshot.write_manifest(date.today())
        return RecordingTransport(live_transport_from_env(), snapshot)
    return ReplayTransport(snapshot)
