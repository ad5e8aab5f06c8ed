"""Kolada: source assets (fetch and archive) and staging assets (parse and stage)."""

from dagster import AssetExecutionContext, multi_asset

from assets.changes import stage_unless_unchanged
from assets.models import TableStep, table_specs
from assets.resources import PipelineResource
from assets.sources import PEER_SET_TABLE, fetch_asset
from indicator_pipeline.payloads import ArchivedPayload
from indicator_pipeline.steps import kolada as steps

VALUES_TABLES = ["staging.kolada_values", "staging.kolada_coverage"]

kolada_kpi_metadata_raw = fetch_asset(
    "kolada_kpi_metadata_raw",
    description="Kolada v3 KPI metadata for every KPI in the plan (/v3/kpi/{ids}), archived byte for byte.",
)

kolada_values_raw = fetch_asset(
    "kolada_values_raw",
    description=(
        "Kolada v3 yearly values of the plan's KPIs for the plan's municipality, its peers and the reference rows "
        "(Riket, the county), in requests of at most 25 ids per list, archived byte for byte."
    ),
)


@multi_asset(
    name="stg_kolada_kpi",
    specs=table_specs(["staging.kolada_kpi"], deps=["kolada_kpi_metadata_raw"]),
    description="KPI metadata; every KPI title is checked against the catalogue (a re-titled KPI fails the run).",
)
def stg_kolada_kpi(context: AssetExecutionContext, pipeline: PipelineResource, kolada_kpi_metadata_raw: list[ArchivedPayload]) -> None:
    settings = pipeline.settings
    stage_unless_unchanged(
        context, pipeline, "kolada_kpi_metadata_raw", kolada_kpi_metadata_raw,
        lambda con: steps.stage_metadata(con, settings.plans, kolada_kpi_metadata_raw, settings.archive()), "staging.kolada_kpi",
    )


@multi_asset(
    name="stg_kolada_values",
    specs=table_specs(VALUES_TABLES, deps=["kolada_values_raw", "staging.kolada_kpi", PEER_SET_TABLE]),
    description="One row per KPI, municipality, year and gender as Kolada sent it (null stays null), and what each request covered.",
)
def stg_kolada_values(context: AssetExecutionContext, pipeline: PipelineResource, kolada_values_raw: list[ArchivedPayload]):
    step = TableStep(context, VALUES_TABLES)
    stage_unless_unchanged(
        step, pipeline, "kolada_values_raw", kolada_values_raw,
        lambda con: steps.stage_values(con, kolada_values_raw, pipeline.settings.archive()), "staging.kolada_values",
    )
    yield from step.results()
