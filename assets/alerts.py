"""Failed runs as alert text: what a run's events say failed, and the run-failure sensor that posts it.

A run under the Dagster daemon (schedule, landing sensor, UI, backfill) is reported by the sensor
below. `indicator-pipeline refresh` posts its own alert from the same event readers
(indicator_pipeline/run.py) and tags its run with ALERT_TAG, so this sensor skips such a run: one
failure, one message. The message and the poster are the library's (indicator_pipeline/alerts.py);
nothing is posted when INDICATOR_ALERT_WEBHOOK is unset.
"""

from dagster import (
    AssetCheckSeverity,
    DagsterEventType,
    DefaultSensorStatus,
    RunFailureSensorContext,
    SkipReason,
    run_failure_sensor,
)

from assets.resources import PipelineResource
from indicator_pipeline.alerts import ALERT_TAG, WEBHOOK_ENV, failure_text, plain, send_alert, webhook_url


def failure_lines(events) -> list[str]:
    """`step: reason` for each failed blocking check and each failed step of a run's events."""
    return failed_blocking_checks(events) + [
        f"{event.step_key}: {plain((event.step_failure_data.error.cause or event.step_failure_data.error).message)}"
        for event in events
        if event.event_type == DagsterEventType.STEP_FAILURE
        and event.step_failure_data.error.cls_name != "DagsterAssetCheckFailedError"  # named by its check
    ]


def published(events) -> bool:
    """Whether the run's publish step succeeded (a step after it, the report, can still fail)."""
    return any(e.event_type == DagsterEventType.STEP_SUCCESS and e.step_key == "published_warehouse" for e in events)


def failed_blocking_checks(events) -> list[str]:
    """One entry per blocking asset check that failed: asset, check and its first failed expectation
    with sample values (the `first_failure` metadata of the checks in assets/checks.py)."""
    lines = []
    for event in events:
        if event.event_type != DagsterEventType.ASSET_CHECK_EVALUATION:
            continue
        evaluation = event.event_specific_data
        if evaluation.passed or evaluation.severity != AssetCheckSeverity.ERROR:
            continue
        key = evaluation.asset_check_key
        metadata = evaluation.metadata or {}
        detail = getattr(metadata.get("first_failure"), "value", None) or evaluation.description or "failed"
        dataset = getattr(metadata.get("dataset"), "value", None)
        where = f" ({dataset})" if dataset else ""
        lines.append(f"quality check {key.asset_key.to_user_string()}/{key.name}{where} failed: {detail}")
    return lines


@run_failure_sensor(
    name="refresh_failure_alert",
    default_status=DefaultSensorStatus.RUNNING,
    description=f"Posts one message per failed run to {WEBHOOK_ENV} (Slack/Teams incoming webhook): the run, each "
    "failed step and its reason, and whether the published warehouse is unchanged.",
)
def refresh_failure_alert(context: RunFailureSensorContext, pipeline: PipelineResource):
    run = context.dagster_run
    if run.tags.get(ALERT_TAG):
        return SkipReason(f"run {run.run_id} was started by {run.tags[ALERT_TAG]}, which posts its own alert")
    if not webhook_url():
        return SkipReason(f"{WEBHOOK_ENV} is not set: no alert for run {run.run_id}")
    events = [entry.dagster_event for entry in context.instance.all_logs(run.run_id) if entry.dagster_event is not None]
    text = failure_text(run.run_id, failure_lines(events), published(events), pipeline.settings.warehouse_path, run.job_name)
    send_alert(text, log=context.log.error)
