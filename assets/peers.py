"""The peer set: Kolada's municipality list (and the peer group) fetched and archived, then staged
as the run's set of municipalities (core.peer_set) that Kolada and SCB are asked for."""

from dagster import AssetExecutionContext

from assets.changes import stage_unless_unchanged
from assets.common import staging_asset
from assets.resources import PipelineResource
from assets.sources import PEER_SET_ASSET, fetch_asset
from indicator_pipeline.payloads import ArchivedPayload
from indicator_pipeline.steps import peers as steps

kolada_municipalities_raw = fetch_asset(
    "kolada_municipalities_raw",
    description=(
        "Kolada v3 municipality list (/v3/municipality) and, when the peers are a Kolada municipality group, the "
        "group with its members (/v3/municipality_groups/{id}), archived byte for byte."
    ),
    metadata=lambda settings: {"peers_requested_as": settings.peer_spec.describe()},
)


@staging_asset(
    name=PEER_SET_ASSET,
    description=(
        "staging.kolada_municipality (Kolada's municipality list) and core.peer_set: the plan's municipality, its "
        "peers and the reference rows (Riket, the county) that Kolada and SCB are asked for in this run."
    ),
)
def stg_peer_set(context: AssetExecutionContext, pipeline: PipelineResource, kolada_municipalities_raw: list[ArchivedPayload]) -> None:
    settings = pipeline.settings

    def stage(con) -> None:
        peers = steps.stage(con, settings.plan, settings.peer_spec, kolada_municipalities_raw, settings.archive(), settings.peers_where)
        context.add_output_metadata({"peers": len(peers.peers), "references": ", ".join(peers.references)})

    stage_unless_unchanged(context, pipeline, "kolada_municipalities_raw", kolada_municipalities_raw, stage, "core.peer_set")
