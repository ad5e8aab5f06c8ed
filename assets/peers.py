"""The peer set: Kolada's municipality list (and the peer group) fetched and archived, then staged
as the run's set of municipalities (core.peer_set) that Kolada and SCB are asked for."""

from dagster import AssetExecutionContext

from assets.changes import record_loaded, skip_unchanged
from assets.common import retry_if_transient, source_asset, staging_asset
from assets.metadata import payload_metadata, table_metadata
from assets.resources import PipelineResource
from indicator_pipeline.payloads import ArchivedPayload
from indicator_pipeline.steps import peers as steps


@source_asset("kolada", retried=True)(
    description=(
        "Kolada v3 municipality list (/v3/municipality) and, when the peers are a Kolada municipality group, the "
        "group with its members (/v3/municipality_groups/{id}), archived byte for byte."
    ),
)
def kolada_municipalities_raw(context: AssetExecutionContext, pipeline: PipelineResource) -> list[ArchivedPayload]:
    settings = pipeline.settings
    with retry_if_transient(context):
        refs = steps.fetch(settings.peer_spec, settings.transport(), settings.archive())
    context.add_output_metadata({"peers_requested_as": settings.peer_spec.describe(), **payload_metadata(refs)})
    return refs


@staging_asset(
    description=(
        "staging.kolada_municipality (Kolada's municipality list) and core.peer_set: the plan's municipality, its "
        "peers and the reference rows (Riket, the county) that Kolada and SCB are asked for in this run."
    ),
)
def stg_peer_set(context: AssetExecutionContext, pipeline: PipelineResource, kolada_municipalities_raw: list[ArchivedPayload]) -> None:
    settings = pipeline.settings
    inputs = steps.peer_inputs(settings.peer_spec, kolada_municipalities_raw)
    with pipeline.work_connection(context.run) as con:
        if skip_unchanged(context, pipeline, con, "kolada_municipalities_raw", inputs):
            return
        peers = steps.stage(con, settings.plan, settings.peer_spec, kolada_municipalities_raw, settings.archive(), settings.peers_where)
        record_loaded(context, pipeline, con, "kolada_municipalities_raw", inputs)
        context.add_output_metadata(
            {"peers": len(peers.peers), "references": ", ".join(peers.references), **table_metadata(con, "core.peer_set")}
        )
