"""Sensors: a full refresh when the landing folder of file drops changes.

`landing_folder_sensor` looks at the landing folder every minute. The folder's state is the names and
content hashes of its `.csv`/`.xlsx` files; when the state differs from the one last seen (cursor),
it requests one run of `full_refresh` with the state's hash as run key, so one state never runs twice
(Dagster drops a request whose run key already ran). A file modified in the last SETTLE_SECONDS is
still being copied: the sensor waits for the next tick rather than load half a file.

Default status RUNNING: a sensor is only evaluated by the Dagster daemon (`dagster dev` or a
deployment), never by `indicator-pipeline refresh`, the tests or CI. It skips (without a run) when the
landing folder is a replayed snapshot's read-only `filedrop/` (so `dagster dev` in replay mode does
not start runs by itself), when the folder does not exist and when it is empty.
"""

import time

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from assets.resources import PipelineResource
from indicator_pipeline.steps.filedrop import landing_state, state_key

REFRESH_JOB = "full_refresh"  # assets/definitions.py refresh_job
SETTLE_SECONDS = 30
INTERVAL_SECONDS = 60


@sensor(
    name="landing_folder_sensor",
    job_name=REFRESH_JOB,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Runs full_refresh when a file in the landing folder is new or changed (by name and content hash).",
)
def landing_folder_sensor(context: SensorEvaluationContext, pipeline: PipelineResource):
    settings = pipeline.settings
    landing = settings.effective_landing_dir
    if settings.landing_read_only:
        return SkipReason(f"replay mode: {landing} is the snapshot's read-only folder of recorded drops; not watched")
    if not landing.is_dir():
        return SkipReason(f"landing folder {landing} does not exist")
    now = time.time()
    settling = [p.name for p in landing.iterdir() if p.is_file() and now - p.stat().st_mtime < SETTLE_SECONDS]
    if settling:
        return SkipReason(f"waiting for files still being written: {', '.join(sorted(settling))}")
    state = landing_state(landing)
    key = state_key(state)
    if key == context.cursor:
        return SkipReason(f"landing folder unchanged ({len(state)} files)")
    context.update_cursor(key)
    if not state:
        return SkipReason(f"landing folder {landing} is empty")
    names = ", ".join(name for name, _ in state)
    context.log.info(f"landing folder changed: {names}")
    return RunRequest(run_key=key, tags={"trigger": "landing_folder", "landing_files": names[:200]})
