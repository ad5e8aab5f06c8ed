"""SCB PxWeb v2: source asset (fetch and archive) and staging asset (decode and stage)."""

from dagster import AssetExecutionContext

from assets.common import retry_if_transient, source_asset, staging_asset
from assets.metadata import payload_metadata, table_metadata
from assets.resources import PipelineResource
from indicator_pipeline.payloads import ArchivedPayload
from assets.peers import stg_peer_set
from indicator_pipeline.steps import peers as peer_steps
from indicator_pipeline.steps import scb as steps

scb_source_asset = source_asset("scb", retried=True)


@scb_source_asset(
    description=(
        "SCB PxWeb v2 housing starts (TAB4572, påbörjade lägenheter per kvartal) for the plan's municipality, its "
        "peers and the reference rows (Riket, the county), within SCB's /config cell limit: "
        "/config, the table metadata and the json-stat2 data answers, archived byte for byte."
    ),
)
def scb_housing_starts_raw(
    context: AssetExecutionContext, pipeline: PipelineResource, kolada_municipalities_raw: list[ArchivedPayload]
) -> list[ArchivedPayload]:
    settings = pipeline.settings
    with retry_if_transient(context):
        peers = peer_steps.peer_set(settings.plan, settings.peer_spec, kolada_municipalities_raw, settings.archive(), settings.peers_where)
        refs = steps.fetch(settings.plan, settings.transport(), settings.archive(), peers.requested)
    context.add_output_metadata(payload_metadata(refs))
    return refs


@staging_asset(
    deps=[stg_peer_set],
    description=(
        "staging.scb_values: one row per SCB table cell (region, selection key, quarter) as SCB sent it; null "
        "stays null with its status symbol; the latest published quarter of each series is flagged preliminary."
    ),
)
def stg_scb_values(context: AssetExecutionContext, pipeline: PipelineResource, scb_housing_starts_raw: list[ArchivedPayload]) -> None:
    settings = pipeline.settings
    with pipeline.work_connection(context.run) as con:
        steps.stage_values(con, settings.plan, scb_housing_starts_raw, settings.archive())
        context.add_output_metadata(table_metadata(con, "staging.scb_values"))
