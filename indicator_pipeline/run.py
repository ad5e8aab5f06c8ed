"""Run the Dagster asset graph in-process: the same definitions the UI and the schedule use."""

from __future__ import annotations

import os

from indicator_pipeline.errors import PipelineError
from indicator_pipeline.settings import Settings


class RefreshFailed(PipelineError):
    pass


def refresh(settings: Settings) -> str:
    """Materialise every asset; returns a one-line summary or raises naming the failed step."""
    from dagster import DagsterEventType, DagsterInstance, materialize

    from assets.definitions import build_definitions

    defs = build_definitions(settings)
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    if not result.success:
        failures = [
            f"{event.step_key}: {event.step_failure_data.error.message.strip()}"
            for event in result.all_events
            if event.event_type == DagsterEventType.STEP_FAILURE
        ]
        raise RefreshFailed("; ".join(failures) or "the run failed before any step ran")
    materialised = sum(1 for e in result.all_events if e.event_type == DagsterEventType.ASSET_MATERIALIZATION)
    return f"refreshed {materialised} assets into {settings.warehouse_path} (run {result.run_id})"
