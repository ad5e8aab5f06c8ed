"""How requests reach a source: live over HTTP, live and recorded, or replayed from a snapshot
(docs/running.md, "Source modes"). All three return the same `Fetched`, so parsing is the same in every mode.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import ClassVar, Protocol
from urllib.parse import urlsplit

import requests
import urllib3

from indicator_pipeline.errors import HttpStatusError, ResponseTooLarge, ResponseTooSlow, SnapshotMissError, SourceError
from indicator_pipeline.sources.retry import request_failed, status_failed

DEFAULT_TIMEOUT = (5.0, 60.0)  # (connect, read) seconds
# Kolada's and SCB's answers are at most a few MB here (Kolada pages hold at most 5000 values, SCB
# answers at most 150 000 cells): 64 MiB is ten times anything real and still fits in memory.
DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
# The read timeout is per read, so a server that drips one byte a minute never hits it: the whole
# body must arrive within this many seconds (a few MB take seconds; 64 MiB at 2 Mbit/s, some 4 minutes).
DEFAULT_BODY_DEADLINE = 300.0
USER_AGENT = "indicator-pipeline/0.1 (municipal goal follow-up)"
READ_SIZE = 64 * 1024


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


def _encode(json_body: dict | None) -> bytes | None:
    if json_body is None:
        return None
    return json.dumps(json_body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class LiveTransport:
    """HTTP with explicit timeouts. Non-2xx answers raise `SourceError` naming the URL. Retries are the
    session's (`retry.retrying_session`; a plain session, the default, tries once)."""

    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    session: requests.Session = field(default_factory=requests.Session)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    body_deadline: float = DEFAULT_BODY_DEADLINE
    clock: Callable[[], float] = time.monotonic  # what the body deadline is measured by
    reaches_source: ClassVar[bool] = True

    def request(self, source: str, method: str, url: str, json_body: dict | None = None) -> Fetched:
        payload = _encode(json_body)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self.session.request(method, url, data=payload, headers=headers, timeout=self.timeout, stream=True)
        except requests.RequestException as exc:
            raise request_failed(source, url, exc)  # its __cause__ is the last failure
        body = read_bounded_body(response, source, url, self.max_body_bytes, self.body_deadline, self.clock)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        fetched = Fetched(
            source, method, url, response.status_code, dict(response.headers), body, now, payload
        )
        if not 200 <= fetched.status < 300:
            error = HttpStatusError(source, url, fetched.status, fetched.headers, body)
            raise status_failed(error, response.raw)
        return fetched


def read_bounded_body(
    response: requests.Response, source: str, url: str, max_bytes: int, deadline_seconds: float,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """The whole (decoded) body of a streamed `response`, refused beyond `max_bytes` or `deadline_seconds`.
    `read1` returns what one receive brings, so the deadline is checked however slowly the server sends;
    bytes are counted after decoding, so a gzip bomb stops at the limit too."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        raise ResponseTooLarge(source, f"the answer announces {declared} bytes, more than the {max_bytes} allowed", url)
    deadline = clock() + deadline_seconds
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.raw.read1(READ_SIZE, decode_content=True):
            size += len(chunk)
            if size > max_bytes:
                raise ResponseTooLarge(source, f"the answer is larger than the {max_bytes} bytes allowed", url)
            if clock() > deadline:
                raise ResponseTooSlow(
                    source, f"the answer did not arrive within {deadline_seconds:g} s ({size} bytes by then)", url
                )
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        failure = _as_requests_error(exc)
        raise SourceError(source, f"request failed: {failure.__class__.__name__}: {exc}", url) from failure
    finally:
        response.close()
    return b"".join(chunks)


def _as_requests_error(exc: Exception) -> requests.RequestException:
    """The error `requests` itself raises for this failure while reading a body (as in
    `Response.iter_content`; a read timeout too is a ConnectionError), so the retry policy judges it alike."""
    if isinstance(exc, urllib3.exceptions.ProtocolError):
        return requests.exceptions.ChunkedEncodingError(exc)
    if isinstance(exc, urllib3.exceptions.DecodeError):
        return requests.exceptions.ContentDecodingError(exc)
    return requests.ConnectionError(exc)


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
        return self.snapshot.read(source, method, url, _encode(json_body))
