"""SCB PxWeb v2: source asset (fetch and archive) and staging asset (decode and stage)."""

from dagster import AssetExecutionContext, multi_asset

from assets.changes import stage_unless_unchanged
from assets.models import table_specs
from assets.resources import PipelineResource
from assets.sources import PEER_SET_TABLE, fetch_asset
from indicator_pipeline.payloads import ArchivedPayload
from indicator_pipeline.steps import scb as steps


def scb_tables_metadata(plan) -> dict:
    """The SCB tables the plan's indicators read (asset metadata, at load and per materialisation)."""
    return {"scb_tables": sorted({query.table_id for query in steps.table_queries(plan)})}


scb_tables_raw = fetch_asset(
    "scb_tables_raw",
    description=(
        "SCB PxWeb v2 tables of the plan's SCB indicators (their `source_id`s, listed in the metadata as "
        "`scb_tables`) for the plan's municipality, its peers and the reference rows (Riket, the county), "
        "within SCB's /config cell limit: /config, each table's metadata and the json-stat2 data answers, "
        "archived byte for byte."
    ),
    metadata=lambda settings: scb_tables_metadata(settings.plans),
)


def scb_tables_raw_for(plan):
    """`scb_tables_raw` with the plan's tables in its definition metadata (seen in the UI before a run)."""
    return scb_tables_raw.map_asset_specs(lambda spec: spec.merge_attributes(metadata=scb_tables_metadata(plan)))


@multi_asset(
    name="stg_scb_values",
    specs=table_specs(["staging.scb_values"], deps=["scb_tables_raw", PEER_SET_TABLE]),
    description=(
        "One row per SCB table cell (region, selection key, quarter) as SCB sent it; null "
        "stays null with its status symbol; the latest published quarter of each series is flagged preliminary."
    ),
)
def stg_scb_values(context: AssetExecutionContext, pipeline: PipelineResource, scb_tables_raw: list[ArchivedPayload]) -> None:
    settings = pipeline.settings
    stage_unless_unchanged(
        context, pipeline, "scb_tables_raw", scb_tables_raw,
        lambda con: steps.stage_values(con, settings.plans, scb_tables_raw, settings.archive()), "staging.scb_values",
    )
