"""What the report shows, read from a warehouse file with the queries in sql/report/: per plan, its page's
rows; for the index, every plan with its status counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from indicator_pipeline.catalog import Plan
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.warehouse.sql import query, query_per_plan


@dataclass(frozen=True)
class ReportData:
    """One plan's page."""

    goals: pl.DataFrame  # one row per goal target, in plan order
    series: pl.DataFrame  # yearly values of every target and context series
    sources: pl.DataFrame  # payloads per goal with retrieval time
    quality: pl.DataFrame  # the last run's validations, per goal they concern
    peers: pl.DataFrame  # per goal, each shown indicator's latest ranked year among the peers
    changes: pl.DataFrame  # targets whose status changed in the latest published refresh, and why
    history: pl.DataFrame  # per goal target, what the published refreshes before the latest one reported
    as_of_override: date | None = None  # set when assessed as of a date other than the published one


@dataclass(frozen=True)
class Reports:
    """The plans reported: the index's rows (report/plans.sql, those plans only) and each plan's page."""

    plans: pl.DataFrame
    pages: dict[str, ReportData]  # plan id -> its page, in the order asked (else plan id order)
    as_of_override: date | None = None


PAGE_FRAMES = ("goals", "series", "sources", "quality", "peers", "changes", "history")  # ReportData's frames, in its order


def _reports(con: duckdb.DuckDBPyConnection, plan_ids: list[str], as_of_override: date | None) -> Reports:
    """Each page's frames from the query sql/report/<frame>.sql, run once for all the plans and split per plan
    (one query per plan would evaluate the marts views over every plan each time: quadratic in the plans)."""
    frames = {f: query_per_plan(con, f"report/{f}.sql", plan_ids) for f in PAGE_FRAMES}
    pages = {plan_id: ReportData(*(frames[f][plan_id] for f in PAGE_FRAMES), as_of_override) for plan_id in plan_ids}
    plans = query(con, "report/plans.sql").filter(pl.col("plan_id").is_in(plan_ids))
    return Reports(plans, pages, as_of_override)


def _selected(plans: pl.DataFrame, plan_ids: list[str] | None) -> list[str]:
    """The plans asked for (all the warehouse has when none), an unknown one refused."""
    known = plans["plan_id"].unique(maintain_order=True).to_list()
    if not known:
        raise PipelineError("the warehouse has no plan to report")
    unknown = [plan_id for plan_id in plan_ids or () if plan_id not in known]
    if unknown:
        raise PipelineError(f"no plan {', '.join(map(repr, unknown))} in the warehouse; it has {', '.join(known)}")
    return list(dict.fromkeys(plan_ids)) if plan_ids else known


def load_report_data(published: Path, plan_ids: list[str] | None = None, as_of: date | None = None,
                     plans: list[Plan] | None = None) -> Reports:
    """The published statuses of the plans `plan_ids` (None: every plan in the warehouse). With `as_of`,
    `plans` (or those of `plan_ids`) re-assessed as of the end of that day in a private copy of the
    published file, as `status --as-of` does; the published file is never written."""
    if not published.is_file():
        raise PipelineError(f"no published warehouse at {published}; run `indicator-pipeline refresh` first")
    plans = plans or []
    if as_of is not None and plan_ids is None:
        plan_ids = [plan.id for plan in plans]
    if as_of is not None and not plan_ids:
        raise PipelineError("--as-of needs the plan to assess with")
    with duckdb.connect(str(published), read_only=True) as con:
        plan_ids = _selected(query(con, "report/plans.sql"), plan_ids)
        if as_of is None:
            return _reports(con, plan_ids, None)
    by_id = {plan.id: plan for plan in plans}
    if missing := [plan_id for plan_id in plan_ids if plan_id not in by_id]:
        raise PipelineError(f"--as-of needs the plan file of {', '.join(missing)} to assess with (--plan FILE or bundled name)")
    from indicator_pipeline.steps.assessment import assessed_copy

    with assessed_copy(published, [by_id[plan_id] for plan_id in plan_ids], as_of) as con:
        return _reports(con, plan_ids, as_of)
