"""The peer set: Kolada's municipality list (and the peer group) fetched and archived, then staged
as the run's set of municipalities (core.peer_set) that Kolada and SCB are asked for."""

from dagster import AssetExecutionContext, multi_asset

from assets.changes import stage_unless_unchanged
from assets.models import TableStep, table_specs
from assets.resources import PipelineResource
from assets.sources import PEER_SET_TABLE, fetch_asset
from indicator_pipeline.payloads import ArchivedPayload
from indicator_pipeline.steps import peers as steps

kolada_municipalities_raw = fetch_asset(
    "kolada_municipalities_raw",
    description=(
        "Kolada v3 municipality list (/v3/municipality) and, when the peers are a Kolada municipality group, the "
        "group with its members (/v3/municipality_groups/{id}), archived byte for byte."
    ),
    metadata=lambda settings: {
        f"peers_requested_as/{plan.id}": settings.peer_spec(plan).describe() for plan in settings.plans.plans
    },
)

PEER_TABLES = [PEER_SET_TABLE, "staging.kolada_municipality"]


@multi_asset(
    name="stg_peer_set",
    specs=table_specs(["staging.kolada_municipality"], deps=["kolada_municipalities_raw"])
    + table_specs([PEER_SET_TABLE], deps=["staging.kolada_municipality"]),
    description=(
        "Kolada's municipality list, and each plan's municipality, its peers and the reference rows (Riket, the "
        "county) that Kolada and SCB are asked for in this run."
    ),
)
def stg_peer_set(context: AssetExecutionContext, pipeline: PipelineResource, kolada_municipalities_raw: list[ArchivedPayload]):
    step, settings = TableStep(context, PEER_TABLES), pipeline.settings

    def stage(con) -> None:
        asked = [(plan, settings.peer_spec(plan), settings.peers_where(plan)) for plan in settings.plans.plans]
        sets = steps.stage(con, asked, kolada_municipalities_raw, settings.archive())
        step.add_output_metadata(
            {f"peers/{plan_id}": len(peers.peers) for plan_id, peers in sets.items()}
            | {f"references/{plan_id}": ", ".join(peers.references) for plan_id, peers in sets.items()}
        )

    stage_unless_unchanged(step, pipeline, "kolada_municipalities_raw", kolada_municipalities_raw, stage, PEER_SET_TABLE)
    yield from step.results()
