"""The Dagster code location: every asset, the nightly schedule, in-process execution.

Every run of `full_refresh` (schedule, sensor, UI, backfill, `indicator-pipeline refresh`) carries the
tag REFRESH_TAG; the instance settings in dagster.yaml queue runs with it one at a time.
"""


from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)

from assets import core, filedrop, kolada, marts, models, peers, report, scb
from assets.alerts import refresh_failure_alert
from assets.checks import quality_checks
from assets.freshness import freshness_checks, freshness_job, freshness_schedule
from assets.resources import PipelineResource
from assets.sensors import landing_folder_sensor
from indicator_pipeline.settings import Settings

ALL_ASSETS = [
    peers.kolada_municipalities_raw,
    peers.stg_peer_set,
    kolada.kolada_kpi_metadata_raw,
    kolada.kolada_values_raw,
    kolada.stg_kolada_kpi,
    kolada.stg_kolada_values,
    scb.scb_tables_raw,
    scb.stg_scb_values,
    *filedrop.filedrop_assets,
    core.catalogue_dimensions,
    core.declared_provenance_step,
    core.fact_indicator_value,
    core.target_assessment,
    models.sql_models,
    marts.published_warehouse,
    report.scorecard_report,
]

REFRESH_TAG = ("indicator_pipeline/refresh", "warehouse")  # dagster.yaml: tag_concurrency_limits on this key

refresh_job = define_asset_job(
    "full_refresh",
    selection=AssetSelection.all(),
    description="Every source to the published warehouse.",
    tags={REFRESH_TAG[0]: REFRESH_TAG[1]},
)

nightly_refresh = ScheduleDefinition(
    name="nightly_full_refresh",
    job=refresh_job,
    cron_schedule="0 3 * * *",
    execution_timezone="Europe/Stockholm",
    default_status=DefaultScheduleStatus.RUNNING,  # on as soon as a daemon runs; pause in the UI or `dagster schedule stop`
)


def build_definitions(settings: Settings) -> Definitions:
    """The code location for `settings`. The plan file is read and validated here, so a broken plan
    fails the code location's load (in the UI and `dagster definitions validate`) with one line naming
    the file and line, before any run starts; each run reads it again."""
    plan = settings.plans
    return Definitions(
        assets=[scb.scb_tables_raw_for(plan) if asset is scb.scb_tables_raw else asset for asset in ALL_ASSETS],
        asset_checks=[*quality_checks, *freshness_checks],
        jobs=[refresh_job, freshness_job],
        schedules=[nightly_refresh, freshness_schedule],
        sensors=[landing_folder_sensor, refresh_failure_alert],
        resources={"pipeline": PipelineResource.from_settings(settings)},
        executor=in_process_executor,
    )


defs = build_definitions(Settings.from_env())
