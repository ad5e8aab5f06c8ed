"""Assess every target of a plan against the values known at the as-of date, and store the result."""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb
import polars as pl

from indicator_pipeline.catalog import Plan, TargetRule
from indicator_pipeline.catalog.model import METHODS
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.settings import end_of_day
from indicator_pipeline.targets import Observation, Publication, assess, share_of, year_status
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
# What core.target_assessment_method keeps of each method's assessment (besides the keys and the method asked).
METHOD_FIELDS = ("status", "progress_band", "progress_ratio", "trend_base_year", "trend_base_value", "observed_rate",
                 "required_rate", "projected_value", "method_fallback", "latest_year", "latest_value", "note", "note_sv")


def known_series(con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date) -> Series:
    """Each indicator's yearly values as known at the end of `as_of`, up to the as-of year."""
    params = {"plan_id": plan.id, "municipality_code": plan.municipality_code, "last_year": as_of.year}
    rows = query(con, "load/observations_for_assessment.sql", params | {"known_at": end_of_day(as_of)})
    series: Series = defaultdict(list)
    for indicator_id, year, value, preliminary, complete in rows.iter_rows():
        series[indicator_id].append(Observation(year, value, bool(preliminary), bool(complete)))
    return series


def publications(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, Publication | None]:
    """When each indicator's yearly figure is normally out: Kolada's own date for its KPIs where Kolada
    gives one, else the plan's lag for the indicator or its source; None: no rhythm declared."""
    rows = query(con, "load/kolada_publication.sql").rows()
    kolada = {kpi: (int(year), published) for kpi, year, published in rows}
    result: dict[str, Publication | None] = {}
    for indicator in plan.indicators:
        lag = plan.lag_days(indicator)
        anchor = kolada.get(indicator.source_id) if indicator.source == "kolada" else None
        rhythm = lag is not None or anchor is not None
        result[indicator.id] = Publication(lag or 0, plan.overdue_grace_days, anchor) if rhythm else None
    return result


def yearly_values(rule: TargetRule, series: Series) -> list[Observation]:
    """The per-year values a target is judged on: the indicator itself, or its yearly shares."""
    values = series.get(rule.indicator_id, []) if rule.indicator_id else []
    if rule.kind != "share":
        return values
    denominators = {o.year: o for o in series.get(rule.denominator_indicator_id, [])}
    shares = (share_of(o, denominators[o.year]) for o in values if o.year in denominators)
    return [share for share in shares if share.value is not None]


def years_to_show(rule: TargetRule, observed: list[Observation], as_of: date) -> list[int]:
    """Observed years plus the target's own years up to the as-of year, so a missing target year shows."""
    years = {o.year for o in observed} | ({rule.year} if rule.year is not None else set())
    if rule.start_year is not None and rule.end_year is not None:
        years.update(range(rule.start_year, rule.end_year + 1))
    return sorted(y for y in years if y <= as_of.year)


def assess_all(con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date) -> dict[str, pl.DataFrame]:
    """Every target of the plan judged from what was known at the end of `as_of` (reads only): the
    frames incoming_assessment (by the target's method), incoming_assessment_method (by every method)
    and incoming_year_status of the load scripts."""
    series = known_series(con, plan, as_of)
    due = publications(con, plan)
    assessments, by_method, year_rows = [], [], []
    keys = {"plan_id": plan.id, "municipality_code": plan.municipality_code, "as_of": as_of}
    for _goal, rule in plan.targets():
        breaks = plan.indicator(rule.indicator_id).series_break_years if rule.indicator_id else ()
        denominator = series.get(rule.denominator_indicator_id, []) if rule.denominator_indicator_id else None
        numerator = series.get(rule.indicator_id, [])
        publication, den_publication = due.get(rule.indicator_id), due.get(rule.denominator_indicator_id)
        judged = {m: assess(rule, numerator, as_of, breaks, denominator, publication, den_publication, m) for m in METHODS}
        assessments.append(keys | asdict(judged[rule.method or plan.progress_method]))  # the rule: core.dim_target
        by_method += [
            keys | {"target_id": rule.id, "method": m, "method_used": a.method} | {f: getattr(a, f) for f in METHOD_FIELDS}
            for m, a in judged.items()
        ]
        if rule.kind == "none":
            continue
        observed = yearly_values(rule, series)
        by_year = {o.year: o for o in observed}
        for year in years_to_show(rule, observed, as_of):
            o = by_year.get(year, Observation(year, None))
            complete = o.complete if o.value is not None else None
            status = year_status(rule, o, as_of)
            year_rows.append((plan.id, rule.id, plan.municipality_code, year, o.value, status, complete))
    return {
        "incoming_assessment": pl.DataFrame(assessments, infer_schema_length=None),
        "incoming_assessment_method": pl.DataFrame(by_method, infer_schema_length=None),
        "incoming_year_status": pl.DataFrame(year_rows, schema=YEAR_STATUS_SCHEMA, orient="row"),
    }


def assess_plan(
    con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date, run_id: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Assess and store: core.target_assessment(_method) and core.target_year_status are replaced, and with a
    `run_id` the assessments are added to core.target_assessment_history under that run."""
    frames = assess_all(con, plan, as_of)
    runs = [{"run_id": run_id, "assessed_at": datetime.now(timezone.utc)}] if run_id else []
    frames["incoming_run"] = pl.DataFrame(runs, schema=RUN_SCHEMA)
    run_script(con, "load/replace_assessments.sql", frames)
    return frames["incoming_assessment"], frames["incoming_year_status"]


def judged_the_same(con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date) -> bool:
    """Whether judging every target as of `as_of` gives exactly the stored assessments and year statuses
    (the as-of date apart), asked when no source changed since they were stored: if they were judged
    as of `as_of` itself they are the same without judging again. Reads only, so it also works on the
    published file opened read-only."""
    stored = con.execute(sql_text("load/assessed_as_of.sql"), {"plan_id": plan.id}).fetchall()
    if stored == [(as_of,)]:
        return True
    frames = assess_all(con, plan, as_of)
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
    of `plans` assessed from the vintages observed by the end of `as_of`; the copy is deleted afterwards.
    A plan the warehouse does not hold is refused: it has no catalogue there to judge by."""
    with duckdb.connect(str(published), read_only=True) as con:
        held = [plan_id for (plan_id,) in con.execute(sql_text("load/plan_ids.sql")).fetchall()]
    missing = [plan.id for plan in plans if plan.id not in held]
    if missing:
        raise PipelineError(
            f"plan {', '.join(missing)} is not in the warehouse {published}, which holds {', '.join(held) or 'no plan'}: "
            "give one of its plans' files with --plan"
        )
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
        return query(con, "queries/goal_status_report.sql", {"plan_id": plan.id})
