"""Archiving fetched responses and getting them back, so parsing always starts from archived bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import duckdb
import polars as pl

from indicator_pipeline.archive import Origin, RawArchive
from indicator_pipeline.sources.transport import Fetched
from indicator_pipeline.warehouse.sql import run_script


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
        refs.append(
            ArchivedPayload(
                source=page.source,
                dataset=dataset,
                sha256=sha256,
                location=page.url,
                method=page.method,
                http_status=page.status,
                retrieved_at=page.retrieved_at,
                size_bytes=len(page.body),
                licence=licence,
            )
        )
    return refs


def restore(ref: ArchivedPayload, archive: RawArchive) -> Fetched:
    """The archived response as a `Fetched`, for the same parsers that live responses go through."""
    return Fetched(
        source=ref.source,
        method=ref.method,
        url=ref.location,
        status=ref.http_status or 200,
        headers={},
        body=archive.get(ref.sha256),
        retrieved_at=ref.retrieved_at,
    )


def register_payloads(con: duckdb.DuckDBPyConnection, refs: Sequence[ArchivedPayload]) -> None:
    """Record the payloads in raw.payload (once per sha256 and location)."""
    frame = pl.DataFrame(
        [
            {
                "sha256": r.sha256,
                "source": r.source,
                "dataset": r.dataset,
                "location": r.location,
                "http_status": r.http_status,
                "retrieved_at": r.retrieved_at,
                "size_bytes": r.size_bytes,
                "licence": r.licence,
            }
            for r in refs
        ],
        schema={
            "sha256": pl.Utf8,
            "source": pl.Utf8,
            "dataset": pl.Utf8,
            "location": pl.Utf8,
            "http_status": pl.Int32,
            "retrieved_at": pl.Utf8,
            "size_bytes": pl.Int64,
            "licence": pl.Utf8,
        },
    )
    run_script(con, "load/register_payloads.sql", {"incoming": frame})
