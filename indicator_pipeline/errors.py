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


class SnapshotMissError(SourceError):
    """Replay asked for a request that the snapshot directory has no recording of."""


class CatalogueError(PipelineError):
    """The plan file is inconsistent or names something that does not exist."""


class MetadataMismatchError(SourceError):
    """A source's metadata no longer matches the catalogue (e.g. a Kolada KPI was re-titled)."""
