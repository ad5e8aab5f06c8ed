"""The failure alert for runs under the Dagster daemon (schedule, landing sensor, UI, backfill).

`indicator-pipeline refresh` posts its own alert (indicator_pipeline/run.py) and tags its run with
ALERT_TAG, so this sensor skips such a run: one failure, one message. The message and the poster are
the library's (indicator_pipeline/alerts.py); nothing is posted when INDICATOR_ALERT_WEBHOOK is unset.
"""

from dagster import DefaultSensorStatus, RunFailureSensorContext, SkipReason, run_failure_sensor

from assets.resources import PipelineResource
from indicator_pipeline.alerts import ALERT_TAG, WEBHOOK_ENV, failure_text, send_alert, webhook_url
from indicator_pipeline.run import failure_lines, published


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
