"""The peer set: Kolada's municipality list (and the peer group) fetched and archived, then staged
as the run's set of municipalities (core.peer_set) that Kolada and SCB are asked for."""

from dagster import AssetExecutionContext, multi_asset

from assets.changes import record_loaded, skip_unchanged
from assets.common import retry_if_transient, source_asset
from assets.metadata import payload_metadata, table_metadata
from assets.models import TableStep, table_specs
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


@multi_asset(
    name="stg_peer_set",
    specs=table_specs(["staging.kolada_municipality"], deps=["kolada_municipalities_raw"]) + table_specs(["core.peer_set"], deps=["staging.kolada_municipality"]),
    description=(
        "Kolada's municipality list, and the plan's municipality, its peers and the reference rows (Riket, the "
        "county) that Kolada and SCB are asked for in this run."
    ),
)
def stg_peer_set(context: AssetExecutionContext, pipeline: PipelineResource, kolada_municipalities_raw: list[ArchivedPayload]):
    context, settings = TableStep(context, ["core.peer_set", "staging.kolada_municipality"]), pipeline.settings
    inputs = steps.peer_inputs(settings.peer_spec, kolada_municipalities_raw)
    with pipeline.work_connection(context.run) as con:
        if skip_unchanged(context, pipeline, con, "kolada_municipalities_raw", inputs):
            yield from context.results()
            return
        peers = steps.stage(con, settings.plan, settings.peer_spec, kolada_municipalities_raw, settings.archive(), settings.peers_where)
        record_loaded(context, pipeline, con, "kolada_municipalities_raw", inputs)
        context.add_output_metadata(
            {"peers": len(peers.peers), "references": ", ".join(peers.references), **table_metadata(con, "core.peer_set")}
        )
    yield from context.results()
