"""How requests reach a source: live over HTTP (live.py), live and recorded, or replayed from a snapshot
(docs/running.md, "Source modes"). All three return the same `Fetched`, so parsing is the same in every mode.
Only live.py imports the HTTP stack: a replay, and a night with nothing to do, need none of it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar, Protocol
from urllib.parse import urlsplit

from indicator_pipeline.errors import SnapshotMissError, SourceError


@dataclass(frozen=True)
class Fetched:
    """One response exactly as the source sent it, with where and when it came from."""

    source: str
    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    retrieved_at: str  # ISO 8601, UTC
    request_body: bytes | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def json(self):
        """Decode the body as JSON (BOM tolerated), or raise an error naming the URL."""
        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            preview = self.body[:80].decode("utf-8", "replace")
            raise SourceError(
                self.source, f"response body is not valid JSON ({exc}); starts with {preview!r}", self.url
            ) from exc


class Transport(Protocol):
    # Whether requests reach the source's server: a replay does not, so it owes SCB no call-rate limit.
    reaches_source: bool

    def request(self, source: str, method: str, url: str, json_body: dict | None = None) -> Fetched: ...


def encode_json_body(json_body: dict | None) -> bytes | None:
    if json_body is None:
        return None
    return json.dumps(json_body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def request_key(method: str, url: str, request_body: bytes | None) -> str:
    """A stable file name for one request: a readable slug of the path plus a hash of the whole."""
    digest = hashlib.sha256(b"\n".join([method.encode(), url.encode(), request_body or b""])).hexdigest()
    path = urlsplit(url).path.strip("/")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")[-60:]
    return f"{method}-{slug}-{digest[:12]}"


@dataclass
class SnapshotDir:
    """A directory of recorded responses, one sub-folder per source. `snapshot.json` at its root records
    the date it was recorded: replaying it assesses the data as of that date unless another is given,
    so a recording means the same in any year."""

    root: Path

    MANIFEST = "snapshot.json"

    def write_manifest(self, recorded_on: date) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        manifest = {"recorded_on": recorded_on.isoformat()}
        (self.root / self.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

    def recorded_on(self) -> date | None:
        path = self.root / self.MANIFEST
        if not path.exists():
            return None
        return date.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["recorded_on"])

    def _paths(self, source: str, method: str, url: str, request_body: bytes | None) -> tuple[Path, Path]:
        folder, key = self.root / source, request_key(method, url, request_body)
        return folder / f"{key}.body", folder / f"{key}.meta.json"

    def write(self, fetched: Fetched) -> None:
        body_path, meta_path = self._paths(fetched.source, fetched.method, fetched.url, fetched.request_body)
        body_path.parent.mkdir(parents=True, exist_ok=True)
        body_path.write_bytes(fetched.body)
        names = ("method", "url", "request_body", "status", "headers", "retrieved_at", "sha256")
        meta = {name: getattr(fetched, name) for name in names}
        meta["request_body"] = fetched.request_body.decode() if fetched.request_body else None
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def read(self, source: str, method: str, url: str, request_body: bytes | None) -> Fetched:
        body_path, meta_path = self._paths(source, method, url, request_body)
        missing = [path.name for path in (meta_path, body_path) if not path.exists()]
        if missing:
            raise SnapshotMissError(
                source, f"no recorded response for {method} in snapshot {self.root} (missing {', '.join(missing)})", url
            )
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        fields = {name: meta[name] for name in ("method", "url", "status", "headers", "retrieved_at")}
        return Fetched(source=source, body=body_path.read_bytes(), request_body=request_body, **fields)


@dataclass
class RecordingTransport:
    """Fetches live and writes every answer into a snapshot directory, so it can be replayed."""

    live: Transport
    snapshot: SnapshotDir
    reaches_source: ClassVar[bool] = True

    def request(self, source: str, method: str, url: str, json_body: dict | None = None) -> Fetched:
        fetched = self.live.request(source, method, url, json_body)
        self.snapshot.write(fetched)
        return fetched


@dataclass
class ReplayTransport:
    """Answers from a snapshot directory only; never touches the network."""

    snapshot: SnapshotDir
    reaches_source: ClassVar[bool] = False

    def request(self, source: str, method: str, url: str, json_body: dict | None = None) -> Fetched:
        return self.snapshot.read(source, method, url, encode_json_body(json_body))
