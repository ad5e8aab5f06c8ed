"""Write a plan's goals, targets and indicators into the warehouse's dimension tables."""

from __future__ import annotations

import dataclasses
from typing import Sequence

import duckdb
import polars as pl

from indicator_pipeline.catalog import Plan
from indicator_pipeline.catalog.load import located
from indicator_pipeline.errors import CatalogueError, PipelineError
from indicator_pipeline.warehouse.dictionary import apply_comments
from indicator_pipeline.warehouse.formulas import FORMULA_MODEL, apply_formula_view
from indicator_pipeline.warehouse.sql import run_script, sql_text


def catalogue_frames(plan: Plan) -> dict[str, pl.DataFrame]:
    """The plan as the rows of the core.dim_* tables (sql/load/replace_catalogue.sql inserts them by
    name, casting to the tables' types): each part's own fields under the warehouse's column names,
    and what the warehouse keeps derived from them (the selection key, the formula's text and inputs,
    the publication lag after the plan's default)."""
    plan_row = {"plan_id": plan.id, "title": plan.title, "organisation": plan.organisation, "municipality_code": plan.municipality_code,
                "municipality_name": plan.municipality_name, "plan_year": plan.plan_year, "plan_file": plan.source_path,
                "parent_plan_id": plan.parent, "progress_method": plan.progress_method}
    indicators = [
        _row(plan, i, {"id": "indicator_id"}, drop=("method", "formula"))
        | {"source_selection": i.selection_key, "publication_lag_days": plan.lag_days(i), "formula": i.formula and i.formula.text,
           "formula_inputs": i.formula and list(i.formula.names)}
        for i in plan.indicators
    ]
    index_components = [
        _row(plan, c, {"indicator_id": "component_indicator_id"}) | _row(plan, i.method, drop=("components",)) | {"index_indicator_id": i.id}
        for i in plan.indicators if i.method for c in i.method.components
    ]
    goals = [_row(plan, g, GOAL_COLUMNS, drop=("targets", "context_indicator_ids")) | {"goal_order": n} for n, g in enumerate(plan.goals, 1)]
    targets = [_row(plan, t, TARGET_COLUMNS) | {"goal_id": g.id, "target_order": n} for n, (g, t) in enumerate(plan.targets(), 1)]
    context = [{"plan_id": plan.id, "goal_id": g.id, "indicator_id": i} for g in plan.goals for i in g.context_indicator_ids]
    return {
        "incoming_plan": pl.DataFrame([plan_row]),
        "incoming_indicator": _frame(indicators),
        "incoming_goal": _frame(goals),
        "incoming_target": _frame(targets),
        "incoming_context": pl.DataFrame(context, schema=dict.fromkeys(("plan_id", "goal_id", "indicator_id"), pl.Utf8)),
        "incoming_index_component": pl.DataFrame(index_components, schema=INDEX_COMPONENT_SCHEMA),
        "incoming_plan_source": pl.DataFrame(
            [(plan.id, *rhythm) for rhythm in plan.rhythms()], schema=PLAN_SOURCE_SCHEMA, orient="row"
        ),
    }


# core.dim_goal's names for a goal's fields that differ.
GOAL_COLUMNS = {"id": "goal_id", "serves": "serves_goal_id"}
# core.dim_target's names for a target rule's fields.
TARGET_COLUMNS = {"id": "target_id", "kind": "target_kind", "value": "target_value", "year": "target_year", "start_year": "period_start",
                  "end_year": "period_end", "unit": "target_unit", "text": "target_text"}
# The three frames that may have no rows are given their columns' types.
PLAN_SOURCE_SCHEMA = {"plan_id": pl.Utf8, "source": pl.Utf8, "publication_lag_days": pl.Int32, "max_age_days": pl.Int32}
INDEX_COMPONENT_SCHEMA = {"plan_id": pl.Utf8, "index_indicator_id": pl.Utf8, "component_indicator_id": pl.Utf8, "weight": pl.Float64,
                          "direction": pl.Utf8, "base_year": pl.Int32, "min_coverage": pl.Float64, "normalisation": pl.Utf8}


def _frame(rows: list[dict]) -> pl.DataFrame:
    """The rows as a frame; none (a plan without indicators, e.g. a parent plan of directions only): a
    frame of no rows that still has a column, which the insert by name needs."""
    return pl.DataFrame(rows) if rows else pl.DataFrame(schema={"plan_id": pl.Utf8})


def _row(plan: Plan, part, renames: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> dict:
    """A plan part's own fields (not the parts it holds, `drop`), renamed to their columns, with the plan's id."""
    fields = {field.name: getattr(part, field.name) for field in dataclasses.fields(part) if field.name not in drop}
    return {"plan_id": plan.id} | {(renames or {}).get(name, name): value for name, value in fields.items()}


def load_catalogues(con: duckdb.DuckDBPyConnection, plans: Sequence[Plan], removed: Sequence[str] = ()) -> None:
    """Replace each plan's catalogue and remove the plans `removed` names (ids); the other plans the
    warehouse holds keep theirs. Removing a plan the run also judges, or one the warehouse lacks, is refused."""
    both = sorted(set(removed) & {plan.id for plan in plans})
    if both:
        raise PipelineError(f"plan {', '.join(both)} is both refreshed and removed in this run (--plan, --remove-plan)")
    held = [plan_id for (plan_id,) in con.execute(sql_text("load/plan_ids.sql")).fetchall()]
    unknown = sorted(set(removed) - set(held))
    if unknown:
        raise PipelineError(f"--remove-plan {', '.join(unknown)}: no such plan in the warehouse; it has {', '.join(held) or 'none'}")
    if removed:
        run_script(con, "load/remove_plans.sql", {"removed_plan": pl.DataFrame({"plan_id": list(removed)})})
    # Every catalogue replaced in one script (its deletes name every incoming plan), then the formula view
    # rendered once from all of them: per plan, rendering it and commenting every object made loading N
    # plans' catalogues quadratic in N (some 100 s for 290 plans). A column missing from a plan's rows (no
    # index components, say) is null there. The view's column comments, which a replaced view loses, go back.
    each = [catalogue_frames(plan) for plan in plans]
    if each:
        frames = {name: pl.concat([f[name] for f in each], how="diagonal_relaxed") for name in each[0]}
        run_script(con, "load/replace_catalogue.sql", frames)
    _check_serves(con, plans)
    apply_formula_view(con)
    apply_comments(con, [FORMULA_MODEL])


def _check_serves(con: duckdb.DuckDBPyConnection, plans: Sequence[Plan]) -> None:
    """A goal of a plan loaded now serves a goal of its parent where the warehouse holds the parent (one
    judged in the same run is checked when the plans load, PlanSet). A parent refreshed on its own may
    leave a held plan's `serves` without its goal: marts.goal_tree shows it with no direction title."""
    loaded = {plan.id: plan for plan in plans}
    for plan_id, goal, serves, parent, goals in con.execute(sql_text("load/dangling_serves.sql")).fetchall():
        if plan_id in loaded:
            raise located(loaded[plan_id], CatalogueError(
                f"plan file {loaded[plan_id].source_path}: goal {goal!r} serves {serves!r}, which is no goal of its "
                f"parent plan {parent} in the warehouse (its goals: {goals})"
            ))
