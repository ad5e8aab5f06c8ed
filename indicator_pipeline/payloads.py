"""Archiving fetched responses and getting them back, so parsing always starts from archived bytes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import duckdb
import polars as pl

from indicator_pipeline.archive import Origin, RawArchive
from indicator_pipeline.sources.transport import Fetched
from indicator_pipeline.warehouse.sql import run_script


PAYLOAD_SCHEMA = {  # the columns of raw.payload
    "sha256": pl.Utf8,
    "source": pl.Utf8,
    "dataset": pl.Utf8,
    "location": pl.Utf8,
    "http_status": pl.Int32,
    "retrieved_at": pl.Utf8,
    "size_bytes": pl.Int64,
    "licence": pl.Utf8,
}


@dataclass(frozen=True)
class ArchivedPayload:
    """A reference to one archived response: small enough to hand from asset to asset."""

    source: str
    dataset: str
    sha256: str
    location: str
    method: str
    http_status: int | None
    retrieved_at: str
    size_bytes: int
    licence: str


def archive_fetched(pages: Sequence[Fetched], archive: RawArchive, dataset: str, licence: str) -> list[ArchivedPayload]:
    refs = []
    for page in pages:
        sha256 = archive.put(page.body, Origin(page.source, page.url, page.retrieved_at, licence))
        refs.append(ArchivedPayload(
            page.source, dataset, sha256, page.url, page.method, page.status, page.retrieved_at,
            len(page.body), licence,
        ))
    return refs


def restore(ref: ArchivedPayload, archive: RawArchive) -> Fetched:
    """The archived response as a `Fetched`, for the same parsers that live responses go through."""
    return Fetched(
        source=ref.source, method=ref.method, url=ref.location, status=ref.http_status or 200, headers={},
        body=archive.get(ref.sha256), retrieved_at=ref.retrieved_at,
    )


def register_payloads(con: duckdb.DuckDBPyConnection, refs: Sequence[ArchivedPayload]) -> None:
    """Record the payloads in raw.payload (once per sha256 and location); a payload's method is not kept."""
    frame = pl.DataFrame([asdict(ref) for ref in refs], schema=PAYLOAD_SCHEMA)
    run_script(con, "load/register_payloads.sql", {"incoming": frame})
