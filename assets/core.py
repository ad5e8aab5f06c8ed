"""Core: the catalogue as dimensions, the yearly values with vintages, the target assessments."""


from dagster import AssetExecutionContext, asset

from assets.changes import mark_unchanged, nothing_changed_in_run, reading_connection, stage_unless_unchanged, work_connection
from assets.common import OWNERS
from assets.metadata import table_metadata
from assets.resources import PipelineResource
from assets.kolada import stg_kolada_values
from assets.filedrop import filedrop_assets
from assets.scb import stg_scb_values
from indicator_pipeline.changes import PLAN_KEY
from indicator_pipeline.steps.assessment import assess_plan, judged_the_same
from indicator_pipeline.steps.catalogue import load_catalogue
from indicator_pipeline.steps.facts import add_vintages


@asset(
    group_name="core",
    kinds={"python", "duckdb"},
    owners=OWNERS,
    description="core.dim_plan, dim_goal, dim_target, dim_indicator: the plan file's goals, targets and indicators.",
)
def catalogue_dimensions(context: AssetExecutionContext, pipeline: PipelineResource) -> None:
    plan = pipeline.settings.plan
    stage_unless_unchanged(context, pipeline, PLAN_KEY, (), lambda con: load_catalogue(con, plan), "core.dim_target")


@asset(
    group_name="core",
    kinds={"duckdb"},
    owners=OWNERS,
    deps=[catalogue_dimensions, stg_kolada_values, stg_scb_values, *filedrop_assets],
    description=(
        "core.fact_indicator_value: the current yearly value of every indicator, with unit, source, retrieval "
        "time and raw payload hash; every earlier version is kept in core.indicator_value_vintage."
    ),
)
def fact_indicator_value(context: AssetExecutionContext, pipeline: PipelineResource) -> None:
    if nothing_changed_in_run(context, pipeline):
        mark_unchanged(context, pipeline, "no source changed in this run: no vintage to add")
        return
    with pipeline.work_connection(context.run) as con:
        added = add_vintages(con)
        context.add_output_metadata(
            {"vintages_added": added.values, "withdrawals_added": added.withdrawals,
             **table_metadata(con, "core.fact_indicator_value")}
        )


@asset(
    group_name="core",
    kinds={"python", "duckdb"},
    owners=OWNERS,
    deps=[fact_indicator_value],
    description=(
        "core.target_assessment and core.target_year_status: every target assessed by the documented rules from the "
        "values known at the end of the run's as-of date; the run's statuses are added to core.target_assessment_history."
    ),
)
def target_assessment(context: AssetExecutionContext, pipeline: PipelineResource) -> None:
    settings = pipeline.settings
    if nothing_changed_in_run(context, pipeline):
        with reading_connection(context, pipeline) as con:
            unchanged = judged_the_same(con, settings.plan, settings.as_of_date())
        if unchanged:
            mark_unchanged(context, pipeline, f"no source changed in this run and every target judges as stored, as of {settings.as_of_date()}")
            return
    with work_connection(context, pipeline) as con:
        assessments, _ = assess_plan(con, settings.plan, settings.as_of_date(), run_id=context.run.run_id)
        counts = assessments.group_by("status").len().sort("status").rows()
        context.add_output_metadata(
            {"as_of": settings.as_of_date().isoformat(), **{f"status/{s}": n for s, n in counts},
             **table_metadata(con, "core.target_assessment")}
        )
