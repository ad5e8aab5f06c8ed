"""The publish step: makes the run's marts (every model in sql/models/marts/) visible to BI tools."""


from dagster import AssetExecutionContext, AssetKey, DagsterEventType, MetadataValue, asset

from assets.changes import mark_unchanged, materialised_in_logical_run, nothing_changed_in_run, run_work_file
from assets.common import OWNERS
from assets.models import sql_models
from assets.resources import PipelineResource, logical_run_id
from indicator_pipeline.warehouse.publish import PublishError, discard, published_exports


@asset(
    group_name="publish",
    kinds={"duckdb"},
    owners=OWNERS,
    # every view (the marts, and core.latest_vintage that nothing reads), and the one table no view reads:
    # core.plan_source, which `status` judges freshness by
    deps=[*sql_models.keys, AssetKey(["core", "plan_source"])],
    description="Checkpoints the run's work warehouse, copies it into the serving storage format, writes the marts' "
    "Parquet/CSV exports, and atomically swaps both into the serving path BI tools read.",
)
def published_warehouse(context: AssetExecutionContext, pipeline: PipelineResource) -> None:
    # No partial publish: Dagster skips this step when an upstream step fails; this also covers a
    # step that failed in this run without being upstream of it.
    failed = sorted({e.step_key for e in context.instance.all_logs(context.run.run_id, of_type=DagsterEventType.STEP_FAILURE)})
    if failed:
        raise PublishError(f"not publishing: {', '.join(failed)} failed in this run; the published file is unchanged")
    # A re-execution ("Re-execute from failure") continues its root run's work file: publish only when
    # every asset upstream of this one has been materialised by the root run or one of its re-executions.
    materialised = {entry.dagster_event.asset_key for entry in materialised_in_logical_run(context)}
    missing = sorted(key.to_user_string() for key in _required_upstream(context) - materialised)
    if missing:
        raise PublishError(
            f"not publishing: {', '.join(missing)} not materialised in run {logical_run_id(context.run)} or its "
            "re-executions; the published file is unchanged"
        )
    if nothing_changed_in_run(context, pipeline):
        mark_unchanged(context, pipeline, f"nothing changed in this run: {pipeline.settings.warehouse_path} not replaced")
        discard(run_work_file(context, pipeline))  # unpublished, if it made one: it changed nothing
        context.add_output_metadata({"published": False})
        return
    path = pipeline.publish_run(context.run, log=context.log.warning)
    exports = published_exports(path)
    context.add_output_metadata(
        {"published": True, "path": MetadataValue.path(str(path)), "bytes": path.stat().st_size,
         "exports": MetadataValue.path(str(exports))}
    )


def _required_upstream(context: AssetExecutionContext) -> set[AssetKey]:
    """The assets upstream of this one that the logical run selected (its root run's selection)."""
    upstream = context.job_def.asset_layer.asset_graph.get_ancestor_asset_keys(context.asset_key)
    root = context.instance.get_run_by_id(logical_run_id(context.run))
    selection = root.asset_selection if root is not None else None
    return set(upstream) if selection is None else set(upstream) & set(selection)

