"""A full refresh when the landing folder of file drops changes (docs/file-drops.md, "The landing-folder
sensor"). The run key is the hash of the folder's state, so one state never runs twice; the cursor
keeps each file's size and modification time, so a file still being copied waits a tick.
"""

import json

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from assets.resources import PipelineResource
from indicator_pipeline.steps.filedrop import landing_observation, landing_state, state_key

REFRESH_JOB = "full_refresh"  # assets/definitions.py refresh_job
INTERVAL_SECONDS = 60


def _read_cursor(cursor: str | None) -> tuple[str | None, dict[str, list[int]]]:
    """(state key of the last run requested, {file: [size, mtime_ns]} seen at the last tick).
    A cursor from before the files were observed is the bare state key."""
    if not cursor:
        return None, {}
    try:
        data = json.loads(cursor)
    except ValueError:
        return cursor, {}
    return data.get("key"), data.get("seen", {})


def _cursor(key: str | None, seen: dict[str, tuple[int, int]]) -> str:
    return json.dumps({"key": key, "seen": {name: list(observed) for name, observed in seen.items()}}, sort_keys=True)


@sensor(
    job_name=REFRESH_JOB,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Runs full_refresh when a file in the landing folder is new or changed (by name and content hash) "
    "and its size and modification time have stayed the same for one tick.",
)
def landing_folder_sensor(context: SensorEvaluationContext, pipeline: PipelineResource):
    settings = pipeline.settings
    landing = settings.effective_landing_dir
    if settings.landing_read_only:
        return SkipReason(f"replay mode: {landing} is the snapshot's read-only folder of recorded drops; not watched")
    if not landing.is_dir():
        return SkipReason(f"landing folder {landing} does not exist")
    last_key, seen = _read_cursor(context.cursor)
    observed = landing_observation(landing)
    settling = sorted(name for name, now in observed.items() if seen.get(name) != list(now))
    if settling:
        context.update_cursor(_cursor(last_key, observed))
        return SkipReason(f"waiting one tick for files that are new or still changing: {', '.join(settling)}")
    state = landing_state(landing)
    key = state_key(state)
    if key == last_key:
        return SkipReason(f"landing folder unchanged ({len(state)} files)")
    context.update_cursor(_cursor(key, observed))
    if not state:
        return SkipReason(f"landing folder {landing} is empty")
    names = ", ".join(name for name, _ in state)
    context.log.info(f"landing folder changed: {names}")
    return RunRequest(run_key=key, tags={"trigger": "landing_folder", "landing_files": names[:200]})
