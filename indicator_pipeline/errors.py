"""Errors the pipeline raises on purpose.

Every message names the source and, where there is one, the URL, field and value, so that a failed
nightly run can be understood from its one-line summary.
"""


class PipelineError(Exception):
    """Base class: a failure the operator should read, not a bug."""


class SourceError(PipelineError):
    """A source answered something we cannot use (HTTP error, malformed body, changed schema)."""

    def __init__(self, source: str, message: str, url: str | None = None):
        self.source = source
        self.url = url
        where = f" ({url})" if url else ""
        super().__init__(f"{source}: {message}{where}")


class HttpStatusError(SourceError):
    """The source answered with a non-2xx status. Keeps status, headers and body for retry logic."""

    def __init__(self, source: str, url: str, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body
        detail = body[:300].decode("utf-8", "replace").strip()
        super().__init__(source, f"HTTP {status}: {detail}" if detail else f"HTTP {status}", url)


class ResponseTooLarge(SourceError):
    """A source's answer is larger than the transport's limit (INDICATOR_HTTP_MAX_BODY); never retried."""


class ResponseTooSlow(SourceError):
    """A source's answer did not arrive whole within the transport's deadline (INDICATOR_HTTP_BODY_TIMEOUT)."""


class SnapshotMissError(SourceError):
    """Replay asked for a request that the snapshot directory has no recording of."""


class CatalogueError(PipelineError):
    """The plan file is inconsistent or names something that does not exist."""


class MetadataMismatchError(SourceError):
    """A source's metadata no longer matches the catalogue (e.g. a Kolada KPI was re-titled)."""
