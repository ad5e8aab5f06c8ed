"""Content-addressed archive of every raw payload the pipeline has read.

Bytes live once under `objects/<aa>/<sha256>`; each object has an origin file listing where it came
from (source, URL or file name, retrieval time, licence). Storing the same bytes from the same origin
again adds nothing and changes nothing, so a re-run on unchanged inputs leaves the archive as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Origin:
    source: str
    location: str  # URL for API payloads, original file name for file drops
    retrieved_at: str  # ISO 8601
    licence: str


class RawArchive:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def origin_path(self, sha256: str) -> Path:
        return self.root / "origins" / sha256[:2] / f"{sha256}.json"

    def put(self, body: bytes, origin: Origin) -> str:
        """Store `body` (if new) and record `origin` (if new for these bytes). Returns the sha256."""
        sha256 = hashlib.sha256(body).hexdigest()
        path = self.object_path(sha256)
        if not path.exists():
            _atomic_write(path, body)
        origins = self.origins(sha256)
        if not any(o.source == origin.source and o.location == origin.location for o in origins):
            records = [asdict(o) for o in (*origins, origin)]
            _atomic_write(self.origin_path(sha256), (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode())
        return sha256

    def get(self, sha256: str) -> bytes:
        return self.object_path(sha256).read_bytes()

    def origins(self, sha256: str) -> list[Origin]:
        path = self.origin_path(sha256)
        if not path.exists():
            return []
        return [Origin(**record) for record in json.loads(path.read_text(encoding="utf-8"))]


def _atomic_write(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so a killed run never leaves half an object."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
