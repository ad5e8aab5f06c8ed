"""Failed runs as alert text: what a run's events say failed, and the run-failure sensor that posts it
for a run under the Dagster daemon (schedule, landing sensor, UI, backfill); who posts which failure:
indicator_pipeline/alerts.py.
"""

from dagster import (
    AssetCheckSeverity, DagsterEventType, DefaultSensorStatus, RunFailureSensorContext, SkipReason,
    run_failure_sensor,
)

from assets.resources import PipelineResource
from indicator_pipeline.alerts import ALERT_TAG, WEBHOOK_ENV, failure_text, plain, send_alert, webhook_url


def failure_lines(events) -> list[str]:
    """One line per failed blocking asset check (asset, check and its first failed expectation with
    sample values: the `first_failure` metadata of assets/checks.py), then `step: reason` per failed step."""
    lines = []
    for event in events:
        evaluation = event.event_specific_data
        if event.event_type != DagsterEventType.ASSET_CHECK_EVALUATION or evaluation.passed:
            continue
        if evaluation.severity != AssetCheckSeverity.ERROR:
            continue
        key, metadata = evaluation.asset_check_key, evaluation.metadata or {}
        detail = getattr(metadata.get("first_failure"), "value", None) or evaluation.description or "failed"
        dataset = getattr(metadata.get("dataset"), "value", None)
        where = f" ({dataset})" if dataset else ""
        lines.append(f"quality check {key.asset_key.to_user_string()}/{key.name}{where} failed: {detail}")
    return lines + [
        f"{event.step_key}: {plain((event.step_failure_data.error.cause or event.step_failure_data.error).message)}"
        for event in events
        if event.event_type == DagsterEventType.STEP_FAILURE
        and event.step_failure_data.error.cls_name != "DagsterAssetCheckFailedError"  # named by its check
    ]


def published(events) -> bool:
    """Whether the run's publish step succeeded (a step after it, the report, can still fail)."""
    return any(e.event_type == DagsterEventType.STEP_SUCCESS and e.step_key == "published_warehouse" for e in events)


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
