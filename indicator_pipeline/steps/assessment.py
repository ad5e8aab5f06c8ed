"""Assess every target of a plan against the values known at the as-of date, and store the result."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb
import polars as pl

from indicator_pipeline.catalog import Indicator, Plan, TargetRule
from indicator_pipeline.settings import end_of_day
from indicator_pipeline.targets import Assessment, Observation, Publication, assess, year_status
from indicator_pipeline.warehouse.models import apply_schema
from indicator_pipeline.warehouse.sql import query, run_script, sql_text

Series = dict[str, list[Observation]]

YEAR_STATUS_SCHEMA = {
    "plan_id": pl.Utf8,
    "target_id": pl.Utf8,
    "municipality_code": pl.Utf8,
    "year": pl.Int32,
    "value": pl.Float64,
    "status": pl.Utf8,
    "complete": pl.Boolean,
}
RUN_SCHEMA = {"run_id": pl.Utf8, "assessed_at": pl.Datetime("us", "UTC")}


def known_series(con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date) -> Series:
    """Each indicator's yearly values as known at the end of `as_of`, up to the as-of year."""
    rows = query(
        con,
        "load/observations_for_assessment.sql",
        {
            "plan_id": plan.id,
            "municipality_code": plan.municipality_code,
            "known_at": end_of_day(as_of),
            "last_year": as_of.year,
        },
    )
    series: Series = defaultdict(list)
    for row in rows.iter_rows(named=True):
        series[row["indicator_id"]].append(
            Observation(row["year"], row["value"], bool(row["preliminary"]), bool(row["complete"]))
        )
    return series


def publications(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, Publication | None]:
    """When each indicator's yearly figure is normally out: Kolada's own date for its KPIs where Kolada
    gives one, else the plan's lag for the indicator or its source; None: no rhythm declared."""
    kolada = {
        row["kpi_id"]: (int(row["publ_period"]), row["publication_date"])
        for row in query(con, "load/kolada_publication.sql").iter_rows(named=True)
    }
    return {indicator.id: _publication(plan, indicator, kolada) for indicator in plan.indicators}


def _publication(plan: Plan, indicator: Indicator, kolada: dict[str, tuple[int, date]]) -> Publication | None:
    lag = plan.lag_days(indicator)
    anchor = kolada.get(indicator.source_id) if indicator.source == "kolada" else None
    if lag is None and anchor is None:
        return None
    return Publication(lag_days=lag or 0, grace_days=plan.overdue_grace_days, anchor=anchor)


def yearly_values(rule: TargetRule, series: Series) -> list[Observation]:
    """The per-year values a target is judged on: the indicator itself, or numerator/denominator for
    shares (a year's share is whole only when both parts are, and preliminary when either is)."""
    values = series.get(rule.indicator_id, []) if rule.indicator_id else []
    if rule.kind != "share":
        return values
    denominators = {o.year: o for o in series.get(rule.denominator_indicator_id, [])}
    shares = []
    for numerator in values:
        denominator = denominators.get(numerator.year)
        if denominator is None or denominator.value in (None, 0) or numerator.value is None:
            continue
        shares.append(
            Observation(
                numerator.year,
                numerator.value / denominator.value,
                numerator.preliminary or denominator.preliminary,
                numerator.complete and denominator.complete,
            )
        )
    return shares


def years_to_show(rule: TargetRule, observed: list[Observation], as_of: date) -> list[int]:
    """Observed years plus the target's own years up to the as-of year, so a missing target year shows."""
    years = {o.year for o in observed}
    if rule.year is not None:
        years.add(rule.year)
    if rule.start_year is not None and rule.end_year is not None:
        years.update(range(rule.start_year, rule.end_year + 1))
    return sorted(y for y in years if y <= as_of.year)


def assess_all(con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every target of the plan judged from what was known at the end of `as_of` (reads only)."""
    series = known_series(con, plan, as_of)
    due = publications(con, plan)
    assessments, year_rows = [], []
    for _goal, rule in plan.targets():
        breaks = plan.indicator(rule.indicator_id).series_break_years if rule.indicator_id else ()
        denominator = series.get(rule.denominator_indicator_id, []) if rule.denominator_indicator_id else None
        result = assess(
            rule,
            series.get(rule.indicator_id, []),
            as_of,
            breaks,
            denominator,
            publication=due.get(rule.indicator_id),
            denominator_publication=due.get(rule.denominator_indicator_id),
        )
        assessments.append(_assessment_row(plan, result, as_of))
        if rule.kind == "none":
            continue
        observed = yearly_values(rule, series)
        by_year = {o.year: o for o in observed}
        for year in years_to_show(rule, observed, as_of):
            observation = by_year.get(year, Observation(year, None))
            year_rows.append(
                {
                    "plan_id": plan.id,
                    "target_id": rule.id,
                    "municipality_code": plan.municipality_code,
                    "year": year,
                    "value": observation.value,
                    "status": year_status(rule, observation, as_of),
                    "complete": observation.complete if observation.value is not None else None,
                }
            )
    return pl.DataFrame(assessments, infer_schema_length=None), pl.DataFrame(year_rows, schema=YEAR_STATUS_SCHEMA)


def assess_plan(
    con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date, run_id: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Assess and store: core.target_assessment and core.target_year_status are replaced, and with a
    `run_id` the assessments are added to core.target_assessment_history under that run."""
    assessment_frame, year_frame = assess_all(con, plan, as_of)
    runs = [{"run_id": run_id, "assessed_at": datetime.now(timezone.utc)}] if run_id else []
    run_script(
        con,
        "load/replace_assessments.sql",
        {
            "incoming_assessment": assessment_frame,
            "incoming_year_status": year_frame,
            "incoming_run": pl.DataFrame(runs, schema=RUN_SCHEMA),
        },
    )
    return assessment_frame, year_frame


def judged_the_same(con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date) -> bool:
    """Whether judging every target as of `as_of` gives exactly the stored assessments and year statuses
    (the as-of date apart), asked when no source changed since they were stored: if they were judged
    as of `as_of` itself they are the same without judging again. Reads only, so it also works on the
    published file opened read-only."""
    stored = con.execute(sql_text("load/assessed_as_of.sql"), {"plan_id": plan.id}).fetchall()
    if stored == [(as_of,)]:
        return True
    assessment_frame, year_frame = assess_all(con, plan, as_of)
    frames = {"incoming_assessment": assessment_frame, "incoming_year_status": year_frame}
    for name, frame in frames.items():
        con.register(name, frame.to_arrow())
    try:
        differing = query(con, "load/assessment_differences.sql", {"plan_id": plan.id})["differing"][0]
    finally:
        for name in frames:
            con.unregister(name)
    return differing == 0


@contextmanager
def assessed_copy(published: Path, plans: list[Plan], as_of: date) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private copy of the published file (which is never written) with every target
    of `plans` assessed from the vintages observed by the end of `as_of`; the copy is deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="indicator-as-of-") as folder:
        copy = Path(folder) / published.name
        shutil.copyfile(published, copy)
        with duckdb.connect(str(copy)) as con:
            apply_schema(con)  # a file published by an older version gets today's tables first
            for plan in plans:
                assess_plan(con, plan, as_of)
            yield con


def status_as_of(published: Path, plan: Plan, as_of: date) -> pl.DataFrame:
    """The goal table as it would have been reported on `as_of`."""
    with assessed_copy(published, [plan], as_of) as con:
        return query(con, "queries/goal_status_report.sql")


def _assessment_row(plan: Plan, result: Assessment, as_of: date) -> dict:
    row = dataclasses.asdict(result)
    for dropped in ("indicator_id", "kind", "target_value", "target_year", "period_start", "period_end"):
        row.pop(dropped)  # these live in core.dim_target
    for years in ("missing_years", "excluded_years", "failing_years", "pending_years", "overdue_years"):
        row[years] = list(row[years])
    return {"plan_id": plan.id, "municipality_code": plan.municipality_code, "as_of": as_of, **row}
