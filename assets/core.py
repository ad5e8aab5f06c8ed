"""Core: the Python steps that write core's tables (the catalogue, the vintages, the assessments).

Each is one step (its op name) writing the tables it declares; the views over them are sql_models'."""

from dagster import AssetExecutionContext, multi_asset

from assets.changes import mark_unchanged, nothing_changed_in_run, reading_connection, stage_unless_unchanged, work_connection
from assets.metadata import table_metadata
from assets.models import TableStep, table_specs
from assets.resources import PipelineResource
from indicator_pipeline.changes import PLAN_KEY
from indicator_pipeline.steps.assessment import assess_plan, judged_the_same
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.filedrop import KINDS
from indicator_pipeline.provenance import declared_provenance
from indicator_pipeline.steps.facts import add_vintages, declare_provenance
from indicator_pipeline.steps.filedrop import staging_table

CATALOGUE = ["core.dim_target", "core.dim_plan", "core.dim_goal", "core.dim_indicator", "core.goal_context_indicator", "core.index_component",
             "core.plan_source"]
VINTAGES = ["core.indicator_value_vintage"]
DECLARED = ["core.declared_provenance"]
STAGED = ["staging.kolada_values", "staging.scb_values", *(staging_table(kind) for kind in KINDS)]
ASSESSMENTS = ["core.target_assessment", "core.target_year_status", "core.target_assessment_history", "core.target_assessment_method"]


@multi_asset(
    name="catalogue_dimensions", specs=table_specs(CATALOGUE),
    description="Each plan file's goals, targets and indicators; the catalogues of plans not in the run stay as they were.",
)
def catalogue_dimensions(context: AssetExecutionContext, pipeline: PipelineResource):
    step, settings = TableStep(context, CATALOGUE), pipeline.settings

    def load(con) -> None:
        load_catalogues(con, settings.plans.plans, settings.removed_plans)

    stage_unless_unchanged(step, pipeline, PLAN_KEY, (), load, CATALOGUE[0])
    yield from step.results()


@multi_asset(
    name="declared_provenance", specs=table_specs(DECLARED, deps=STAGED),
    description="What the replayed snapshot declares about its figures (published, derived, illustrative); none for a live run.",
)
def declared_provenance_step(context: AssetExecutionContext, pipeline: PipelineResource):
    def declare(con) -> dict:
        declare_provenance(con, declared_provenance(pipeline.settings.replayed_snapshot_dir))
        return {}

    yield from _when_a_source_changed(TableStep(context, DECLARED), pipeline, DECLARED[0], "the declarations stand", declare)


@multi_asset(
    name="fact_indicator_value",
    specs=table_specs(VINTAGES, deps=["staging.observation", "staging.observation_coverage"]),
    description="Adds a vintage for every value that differs from its latest one, and a withdrawal for a row no source sends any more.",
)
def fact_indicator_value(context: AssetExecutionContext, pipeline: PipelineResource):
    def add(con) -> dict:
        added = add_vintages(con)
        return {"vintages_added": added.values, "withdrawals_added": added.withdrawals}

    yield from _when_a_source_changed(TableStep(context, VINTAGES), pipeline, VINTAGES[0], "no vintage to add", add)


def _when_a_source_changed(step: TableStep, pipeline: PipelineResource, table: str, otherwise: str, write):
    """Run `write(con)` (it returns metadata; `table`'s is added) in the run's work file, unless no source
    changed in this run."""
    if nothing_changed_in_run(step, pipeline):
        mark_unchanged(step, pipeline, f"no source changed in this run: {otherwise}")
    else:
        with work_connection(step, pipeline) as con:
            step.add_output_metadata({**write(con), **table_metadata(con, table)})
    yield from step.results()


@multi_asset(
    name="target_assessment",
    specs=table_specs(ASSESSMENTS, deps=["core.fact_indicator_value", "core.dim_target", "core.dim_indicator", "staging.kolada_kpi"]),
    description="Every target assessed by the documented rules from the values known at the end of the run's as-of date; "
    "the run's statuses are added to core.target_assessment_history.",
)
def target_assessment(context: AssetExecutionContext, pipeline: PipelineResource):
    step, settings = TableStep(context, ASSESSMENTS), pipeline.settings
    unchanged = False
    if nothing_changed_in_run(step, pipeline):
        with reading_connection(step, pipeline) as con:
            unchanged = all(judged_the_same(con, plan, settings.as_of_date()) for plan in settings.plans.plans)
    if unchanged:
        mark_unchanged(step, pipeline, f"no source changed in this run and every target judges as stored, as of {settings.as_of_date()}")
    else:
        with work_connection(step, pipeline) as con:
            # each plan's status counts, so the UI shows how every plan of the run came out (docs/plans.md)
            counts = {
                f"status/{plan.id}/{status}": n
                for plan in settings.plans.plans
                for status, n in assess_plan(con, plan, settings.as_of_date(), run_id=context.run.run_id)[0]
                .group_by("status").len().sort("status").rows()
            }
            step.add_output_metadata(
                {"as_of": settings.as_of_date().isoformat(), "plans": ", ".join(settings.plans.ids), **counts,
                 **table_metadata(con, ASSESSMENTS[0])}
            )
    yield from step.results()
