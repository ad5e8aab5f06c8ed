"""Marts for BI: one asset per view in sql/marts/, plus the publish step that makes them visible."""


from dagster import AssetExecutionContext, AssetsDefinition, DagsterEventType, MetadataValue, asset

from assets.common import OWNERS
from assets.core import target_assessment
from assets.metadata import table_metadata
from assets.resources import PipelineResource
from indicator_pipeline.warehouse.dictionary import apply_comments, load_dictionary
from indicator_pipeline.warehouse.publish import PublishError, published_exports
from indicator_pipeline.warehouse.sql import run_script

# One asset per file in sql/marts/; the descriptions are the column dictionary's (sql/dictionary.toml).
MARTS = ["indicator_vs_target", "goal_status", "goal_status_display", "goal_status_history", "reconciliation", "index_inputs"]


def _mart_asset(name: str, description: str) -> AssetsDefinition:
    @asset(
        name=f"mart_{name}",
        group_name="marts",
        kinds={"duckdb"},
        owners=OWNERS,
        deps=[target_assessment],
        description=f"marts.{name}: {description}",
    )
    def _mart(context: AssetExecutionContext, pipeline: PipelineResource) -> None:
        with pipeline.work_connection(context.run.run_id) as con:
            run_script(con, f"marts/{name}.sql")
            apply_comments(con)  # a replaced view loses its comments
            context.add_output_metadata(table_metadata(con, f"marts.{name}"))

    return _mart


mart_assets = [_mart_asset(name, load_dictionary().objects[f"marts.{name}"]["description"]) for name in MARTS]


@asset(
    group_name="publish",
    kinds={"duckdb"},
    owners=OWNERS,
    deps=mart_assets,
    description="Checkpoints the run's work warehouse, copies it into the serving storage format, writes the marts' "
    "Parquet/CSV exports, and atomically swaps both into the serving path BI tools read.",
)
def published_warehouse(context: AssetExecutionContext, pipeline: PipelineResource) -> None:
    # No partial publish: Dagster skips this step when an upstream step fails; this also covers a
    # step that failed in this run without being upstream of it.
    failed = sorted({e.step_key for e in context.instance.all_logs(context.run.run_id, of_type=DagsterEventType.STEP_FAILURE)})
    if failed:
        raise PublishError(f"not publishing: {', '.join(failed)} failed in this run; the published file is unchanged")
    path = pipeline.publish_run(context.run.run_id, log=context.log.warning)
    exports = published_exports(path)
    context.add_output_metadata(
        {"path": MetadataValue.path(str(path)), "bytes": path.stat().st_size, "exports": MetadataValue.path(str(exports))}
    )
