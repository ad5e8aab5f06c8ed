"""Run the Dagster asset graph in-process: the same definitions the UI and the schedule use."""

from __future__ import annotations

import os
import sys
import uuid
from contextlib import ExitStack
from typing import Callable

from indicator_pipeline.alerts import ALERT_TAG, failure_text, plain, send_alert
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.noop import nothing_changed
from indicator_pipeline.settings import Settings
from indicator_pipeline.warehouse.lock import RefreshLock


FULL_REFRESH = "full_refresh"


class RefreshFailed(PipelineError):
    pass


def refresh(
    settings: Settings,
    wait: float = 0.0,
    log: Callable[[str], None] | None = None,
    log_level: str = "CRITICAL",
    decide_first: bool = True,
) -> str:
    """Materialise every asset holding the warehouse's refresh lock (refused at once if another refresh
    holds it, unless told to `wait` that many seconds); returns a one-line summary or raises naming the
    failed step. Dagster's console log shows only records at `log_level` or above (the full event log is
    in DAGSTER_HOME when set). A refresh that fails before its run starts (a broken plan file, the lock
    refused, an unusable instance) alerts as a failed run does. When replaying and nothing changed
    (indicator_pipeline/noop.py), returns saying so without starting Dagster; `decide_first=False`
    leaves that to the asset graph, as a scheduled run does."""
    run_id = str(uuid.uuid4())
    with ExitStack() as held:
        try:
            settings.plans  # read and validated before anything starts: a broken plan file is one line, file and line
            held.enter_context(RefreshLock.for_warehouse(settings.warehouse_path, run_id, log or _stderr).hold(wait))
            unchanged = nothing_changed(settings) if decide_first else None
            if unchanged is not None:
                return unchanged
            from dagster import DagsterInstance

            from assets.definitions import build_definitions

            # The job the schedule and sensor run, with its tags.
            job = build_definitions(settings).resolve_job_def(FULL_REFRESH)
            make = DagsterInstance.get if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral
            # Disposed on exit: an ephemeral instance's temporary artifact folder is removed now, not by the GC.
            instance = held.enter_context(make())
        except Exception as exc:
            send_alert(failure_text(run_id, [f"not started: {plain(str(exc))}"], False, settings.warehouse_path, FULL_REFRESH))
            raise
        return _refresh(settings, job, instance, run_id, log_level)


def _stderr(message: str) -> None:
    print(f"indicator-pipeline: {message}", file=sys.stderr, flush=True)


def _refresh(settings: Settings, job, instance, run_id: str, log_level: str) -> str:
    from dagster import DagsterEventType

    from assets.alerts import failure_lines, published
    from assets.changes import says_unchanged

    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    # Tagged: this process reports its failure itself, so the daemon's run-failure sensor (which sees
    # the run when DAGSTER_HOME is shared with a daemon) does not send a second alert.
    result = job.execute_in_process(
        instance=instance, raise_on_error=False, run_id=run_id, run_config=run_config, tags={ALERT_TAG: "cli"}
    )
    if not result.success:
        failures = failure_lines(result.all_events)
        reason = _one_line(failures) or "the run failed before any step ran"
        was_published = published(result.all_events)
        send_alert(failure_text(result.run_id, failures, was_published, settings.warehouse_path, job.name))
        # A step after publishing (the report) can fail on a published warehouse.
        outcome = (
            f"the warehouse {settings.warehouse_path} was published; only what comes after publishing failed"
            if was_published else f"nothing was published: {settings.warehouse_path} is unchanged"
        )
        raise RefreshFailed(f"{reason} [{outcome}]")
    materialised = [e for e in result.all_events if e.event_type == DagsterEventType.ASSET_MATERIALIZATION]
    unchanged = [e.asset_key.to_user_string() for e in materialised if says_unchanged(e.event_specific_data.materialization)]
    if "published_warehouse" in unchanged:
        return (
            f"nothing changed: {len(unchanged)} of {len(materialised)} assets found their inputs unchanged; nothing parsed, "
            f"validated or loaded again, no vintage added, {settings.warehouse_path} not replaced (run {result.run_id})"
        )
    return f"refreshed {len(materialised)} assets into {settings.warehouse_path} (run {result.run_id})"


def _one_line(failures: list[str]) -> str:
    """`step: message` items as one line; steps that failed with the same message are named together."""
    steps_by_message: dict[str, list[str]] = {}
    for failure in failures:
        step, _, message = failure.partition(": ")
        steps_by_message.setdefault(" ".join(message.split()), []).append(step)
    return "; ".join(f"{', '.join(dict.fromkeys(steps))}: {message}" for message, steps in steps_by_message.items())
