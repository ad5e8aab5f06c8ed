"""Assess every target of a plan against the current values, and store the result."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

import duckdb
import polars as pl

from indicator_pipeline.catalog import Plan, TargetRule
from indicator_pipeline.targets import Assessment, Observation, assess, year_status
from indicator_pipeline.warehouse.sql import query, run_script

Series = dict[str, list[Observation]]


def current_series(con: duckdb.DuckDBPyConnection, plan: Plan) -> Series:
    rows = query(
        con,
        "load/observations_for_assessment.sql",
        {"plan_id": plan.id, "municipality_code": plan.municipality_code},
    )
    series: Series = defaultdict(list)
    for row in rows.iter_rows(named=True):
        series[row["indicator_id"]].append(Observation(row["year"], row["value"], bool(row["preliminary"])))
    return series


def yearly_values(rule: TargetRule, series: Series) -> list[Observation]:
    """The per-year values a target is judged on: the indicator itself, or numerator/denominator for shares."""
    values = series.get(rule.indicator_id, []) if rule.indicator_id else []
    if rule.kind != "share":
        return values
    denominators = {o.year: o for o in series.get(rule.denominator_indicator_id, [])}
    shares = []
    for numerator in values:
        denominator = denominators.get(numerator.year)
        if denominator is None or denominator.value in (None, 0) or numerator.value is None:
            continue
        preliminary = numerator.preliminary or denominator.preliminary
        shares.append(Observation(numerator.year, numerator.value / denominator.value, preliminary))
    return shares


def years_to_show(rule: TargetRule, observed: list[Observation], as_of: date) -> list[int]:
    """Observed years plus the target's own years up to the as-of year, so a missing target year shows."""
    years = {o.year for o in observed}
    if rule.year is not None:
        years.add(rule.year)
    if rule.start_year is not None and rule.end_year is not None:
        years.update(range(rule.start_year, rule.end_year + 1))
    return sorted(y for y in years if y <= as_of.year)


def assess_plan(con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    series = current_series(con, plan)
    assessments, year_rows = [], []
    for _goal, rule in plan.targets():
        breaks = plan.indicator(rule.indicator_id).series_break_years if rule.indicator_id else ()
        denominator = series.get(rule.denominator_indicator_id, []) if rule.denominator_indicator_id else None
        result = assess(rule, series.get(rule.indicator_id, []), as_of, breaks, denominator)
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
                }
            )
    assessment_frame = pl.DataFrame(assessments, infer_schema_length=None)
    year_frame = pl.DataFrame(
        year_rows,
        schema={
            "plan_id": pl.Utf8,
            "target_id": pl.Utf8,
            "municipality_code": pl.Utf8,
            "year": pl.Int32,
            "value": pl.Float64,
            "status": pl.Utf8,
        },
    )
    run_script(
        con,
        "load/replace_assessments.sql",
        {"incoming_assessment": assessment_frame, "incoming_year_status": year_frame},
    )
    return assessment_frame, year_frame


def _assessment_row(plan: Plan, result: Assessment, as_of: date) -> dict:
    row = dataclasses.asdict(result)
    for dropped in ("indicator_id", "kind", "target_value", "target_year", "period_start", "period_end"):
        row.pop(dropped)  # these live in core.dim_target
    row["missing_years"] = list(row["missing_years"])
    row["excluded_years"] = list(row["excluded_years"])
    return {"plan_id": plan.id, "municipality_code": plan.municipality_code, "as_of": as_of, **row}
