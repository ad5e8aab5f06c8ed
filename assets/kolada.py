"""Kolada: source assets (fetch and archive) and staging assets (parse and stage)."""

from dagster import AssetExecutionContext, multi_asset

from assets.changes import stage_unless_unchanged
from assets.common import retry_if_transient, source_asset
from assets.metadata import payload_metadata
from assets.resources import PipelineResource
from indicator_pipeline.changes import payload_inputs
from indicator_pipeline.payloads import ArchivedPayload
from assets.models import TableStep, table_specs
from indicator_pipeline.steps import kolada as steps
from indicator_pipeline.steps import peers as peer_steps

kolada_source_asset = source_asset("kolada", retried=True)
VALUES_TABLES = ["staging.kolada_values", "staging.kolada_coverage"]


@kolada_source_asset(description="Kolada v3 KPI metadata for every KPI in the plan (/v3/kpi/{ids}), archived byte for byte.")
def kolada_kpi_metadata_raw(context: AssetExecutionContext, pipeline: PipelineResource) -> list[ArchivedPayload]:
    settings = pipeline.settings
    with retry_if_transient(context):
        refs = steps.fetch_metadata(settings.plan, settings.transport(), settings.archive())
    context.add_output_metadata(payload_metadata(refs))
    return refs


@kolada_source_asset(
    description=(
        "Kolada v3 yearly values of the plan's KPIs for the plan's municipality, its peers and the reference rows "
        "(Riket, the county), in requests of at most 25 ids per list, archived byte for byte."
    ),
)
def kolada_values_raw(
    context: AssetExecutionContext, pipeline: PipelineResource, kolada_municipalities_raw: list[ArchivedPayload]
) -> list[ArchivedPayload]:
    settings = pipeline.settings
    with retry_if_transient(context):
        peers = peer_steps.peer_set(settings.plan, settings.peer_spec, kolada_municipalities_raw, settings.archive(), settings.peers_where)
        refs = steps.fetch_values(
            settings.plan, settings.transport(), settings.archive(), settings.last_fetch_year(), peers.requested
        )
    context.add_output_metadata(payload_metadata(refs))
    return refs


@multi_asset(
    name="stg_kolada_kpi",
    specs=table_specs(["staging.kolada_kpi"], deps=["kolada_kpi_metadata_raw"]),
    description="KPI metadata; every KPI title is checked against the catalogue (a re-titled KPI fails the run).",
)
def stg_kolada_kpi(context: AssetExecutionContext, pipeline: PipelineResource, kolada_kpi_metadata_raw: list[ArchivedPayload]) -> None:
    settings = pipeline.settings
    stage_unless_unchanged(
        context, pipeline, "kolada_kpi_metadata_raw", payload_inputs(kolada_kpi_metadata_raw),
        lambda con: steps.stage_metadata(con, settings.plan, kolada_kpi_metadata_raw, settings.archive()), "staging.kolada_kpi",
    )


@multi_asset(
    name="stg_kolada_values",
    specs=table_specs(VALUES_TABLES, deps=["kolada_values_raw", "staging.kolada_kpi", "core.peer_set"]),
    description="One row per KPI, municipality, year and gender as Kolada sent it (null stays null), and what each request covered.",
)
def stg_kolada_values(context: AssetExecutionContext, pipeline: PipelineResource, kolada_values_raw: list[ArchivedPayload]):
    step = TableStep(context, VALUES_TABLES)
    stage_unless_unchanged(
        step, pipeline, "kolada_values_raw", payload_inputs(kolada_values_raw),
        lambda con: steps.stage_values(con, kolada_values_raw, pipeline.settings.archive()), "staging.kolada_values",
    )
    yield from step.results()
