"""What the report shows, read from a warehouse file with the queries in sql/report/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from indicator_pipeline.catalog import Plan
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.warehouse.sql import query


@dataclass(frozen=True)
class ReportData:
    goals: pl.DataFrame  # one row per goal target, in plan order
    series: pl.DataFrame  # yearly values of every target and context series
    sources: pl.DataFrame  # payloads per goal with retrieval time
    quality: pl.DataFrame  # the last run's validations, per goal they concern
    peers: pl.DataFrame  # per goal, each shown indicator's latest ranked year among the peers
    as_of_override: date | None = None  # set when assessed as of a date other than the published one


def load(con: duckdb.DuckDBPyConnection, as_of_override: date | None = None) -> ReportData:
    return ReportData(
        goals=query(con, "report/goals.sql"),
        series=query(con, "report/series.sql"),
        sources=query(con, "report/sources.sql"),
        quality=query(con, "report/quality.sql"),
        peers=query(con, "report/peers.sql"),
        as_of_override=as_of_override,
    )


def load_report_data(published: Path, plan: Plan | None = None, as_of: date | None = None) -> ReportData:
    """The published statuses; with `as_of`, every target re-assessed from the values known at the end
    of that day, in a private copy of the published file (as `status --as-of` does). The published file
    is never written."""
    if as_of is not None and plan is None:
        raise PipelineError("--as-of needs the plan to assess with")
    if not published.is_file():
        raise PipelineError(f"no published warehouse at {published}; run `indicator-pipeline refresh` first")
    if as_of is None:
        with duckdb.connect(str(published), read_only=True) as con:
            return load(con)
    from indicator_pipeline.steps.assessment import assessed_copy

    with assessed_copy(published, plan, as_of) as con:
        return load(con, as_of_override=as_of)
