"""Write a plan's goals, targets and indicators into the warehouse's dimension tables."""

from __future__ import annotations

import duckdb
import polars as pl

from indicator_pipeline.catalog import Plan
from indicator_pipeline.warehouse.dictionary import apply_comments
from indicator_pipeline.warehouse.formulas import apply_formula_view
from indicator_pipeline.warehouse.sql import run_script


def catalogue_frames(plan: Plan) -> dict[str, pl.DataFrame]:
    plan_row = {
        "plan_id": plan.id,
        "title": plan.title,
        "organisation": plan.organisation,
        "municipality_code": plan.municipality_code,
        "municipality_name": plan.municipality_name,
        "plan_year": plan.plan_year,
        "plan_file": plan.source_path,
    }
    indicators = [
        {
            "plan_id": plan.id,
            "indicator_id": i.id,
            "title": i.title,
            "unit": i.unit,
            "decimals": i.decimals,
            "direction": i.direction,
            "source": i.source,
            "source_id": i.source_id,
            "source_title": i.source_title,
            "source_selection": i.selection_key,
            "attribution": i.attribution,
            "series_break_years": list(i.series_break_years),
            "break_note": i.break_note,
            "note": i.note,
            "reconcile_with": i.reconcile_with,
            "reconcile_tolerance": i.reconcile_tolerance,
            "year_from_periods": i.year_from_periods,
            "preliminary_periods": i.preliminary_periods,
            "publication_lag_days": plan.lag_days(i),
            "reconcile_kind": i.reconcile_kind,
            "reconcile_reason": i.reconcile_reason,
            "reconcile_expected_difference": i.reconcile_expected_difference,
            "formula": i.formula.text if i.formula else None,
            "formula_inputs": list(i.formula.names) if i.formula else None,
            "value_column": i.value_column,
            "year_from_rows": i.year_from_rows,
        }
        for i in plan.indicators
    ]
    index_components = [
        {
            "plan_id": plan.id,
            "index_indicator_id": i.id,
            "component_indicator_id": c.indicator_id,
            "weight": c.weight,
            "direction": c.direction,
            "base_year": i.method.base_year,
            "min_coverage": i.method.min_coverage,
            "normalisation": i.method.normalisation,
        }
        for i in plan.indicators
        if i.method
        for c in i.method.components
    ]
    goals = [
        {
            "plan_id": plan.id,
            "goal_id": g.id,
            "title": g.title,
            "level": g.level,
            "area": g.area,
            "motivation": g.motivation,
            "measurable": g.measurable,
            "goal_order": order,
        }
        for order, g in enumerate(plan.goals, start=1)
    ]
    targets = [
        {
            "plan_id": plan.id,
            "target_id": t.id,
            "goal_id": g.id,
            "target_kind": t.kind,
            "indicator_id": t.indicator_id,
            "denominator_indicator_id": t.denominator_indicator_id,
            "target_value": t.value,
            "target_year": t.year,
            "period_start": t.start_year,
            "period_end": t.end_year,
            "direction": t.direction,
            "target_unit": t.unit,
            "target_text": t.text,
            "target_order": order,
        }
        for order, (g, t) in enumerate(plan.targets(), start=1)
    ]
    context = [
        {"plan_id": plan.id, "goal_id": g.id, "indicator_id": indicator_id}
        for g in plan.goals
        for indicator_id in g.context_indicator_ids
    ]
    return {
        "incoming_plan": pl.DataFrame([plan_row]),
        "incoming_indicator": pl.DataFrame(
            indicators,
            schema_overrides={
                "series_break_years": pl.List(pl.Int32),
                "source_selection": pl.Utf8,
                "reconcile_with": pl.Utf8,
                "reconcile_tolerance": pl.Float64,
                "preliminary_periods": pl.Int32,
                "publication_lag_days": pl.Int32,
                "reconcile_kind": pl.Utf8,
                "reconcile_reason": pl.Utf8,
                "reconcile_expected_difference": pl.Float64,
                "formula": pl.Utf8,
                "formula_inputs": pl.List(pl.Utf8),
                "value_column": pl.Utf8,
                "year_from_rows": pl.Utf8,
            },
        ),
        "incoming_goal": pl.DataFrame(goals),
        "incoming_target": pl.DataFrame(
            targets,
            schema_overrides={
                "target_value": pl.Float64,
                "target_year": pl.Int32,
                "period_start": pl.Int32,
                "period_end": pl.Int32,
            },
        ),
        "incoming_context": pl.DataFrame(context, schema={"plan_id": pl.Utf8, "goal_id": pl.Utf8, "indicator_id": pl.Utf8}),
        "incoming_index_component": pl.DataFrame(
            index_components,
            schema={
                "plan_id": pl.Utf8,
                "index_indicator_id": pl.Utf8,
                "component_indicator_id": pl.Utf8,
                "weight": pl.Float64,
                "direction": pl.Utf8,
                "base_year": pl.Int32,
                "min_coverage": pl.Float64,
                "normalisation": pl.Utf8,
            },
        ),
    }


def load_catalogue(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, pl.DataFrame]:
    """Replace the plan's catalogue, then the formula view its computed measures are rendered into
    (with its column comments, which a replaced view loses)."""
    frames = catalogue_frames(plan)
    run_script(con, "load/replace_catalogue.sql", frames)
    apply_formula_view(con)
    apply_comments(con)
    return frames
