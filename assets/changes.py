"""Skipping what did not change (indicator_pipeline/changes.py) inside the asset graph.

A staging step whose source sends what the warehouse's data was loaded from materialises with
metadata `unchanged: true` (and the run that loaded it) without parsing or loading; its quality check
then reports that run's validation instead of validating again (Great Expectations is not even
imported); the core, mart, publish and report steps do nothing when no source changed in the run and
the targets judge as published. `refresh --force` (the resource's `force_refresh`) and recording turn
this off.
"""

from collections.abc import Callable

from dagster import AssetKey

from assets.metadata import table_metadata
from assets.resources import PipelineResource, logical_run_id
from indicator_pipeline import changes


def run_fingerprint(pipeline: PipelineResource) -> str:
    settings = pipeline.settings
    return changes.fingerprint(settings.plan, settings.fetch_date())


def skip_unchanged(context, pipeline: PipelineResource, con, source_key: str, inputs: frozenset) -> bool:
    """True (and says so in the log and metadata) when `source_key` sends what it was last loaded from."""
    if not pipeline.settings.skips_unchanged:
        return False
    load = changes.unchanged_since(con, source_key, inputs, run_fingerprint(pipeline))
    if load is None:
        return False
    context.log.info(
        f"{source_key}: the same {len(inputs)} inputs (sha256) that run {load.run_id} loaded; not parsed, validated or loaded again"
    )
    context.add_output_metadata({"unchanged": True, "unchanged_since_run": load.run_id, "inputs": len(inputs)})
    return True


def record_loaded(context, pipeline: PipelineResource, con, source_key: str, inputs: frozenset) -> None:
    changes.record_load(con, source_key, inputs, run_fingerprint(pipeline), logical_run_id(context.run))
    context.add_output_metadata({"unchanged": False, "inputs": len(inputs)})


def stage_unless_unchanged(
    context, pipeline: PipelineResource, source_key: str, inputs: frozenset, stage: Callable[[object], object], table: str
) -> None:
    """Stage `source_key`'s data with `stage(con)`, record what it was loaded from and describe `table`;
    or skip it all when the inputs are those it was last loaded from."""
    with pipeline.work_connection(context.run) as con:
        if skip_unchanged(context, pipeline, con, source_key, inputs):
            return
        stage(con)
        record_loaded(context, pipeline, con, source_key, inputs)
        context.add_output_metadata(table_metadata(con, table))


def nothing_changed_in_run(context, pipeline: PipelineResource, con) -> bool:
    """True when this run loaded no source and stored no new statuses."""
    return pipeline.settings.skips_unchanged and not changes.changed_in_run(con, logical_run_id(context.run))


def mark_unchanged(context, con, message: str) -> None:
    """Say in the log and the metadata that the step had nothing to do, and since which run."""
    since = changes.last_loading_run(con) or ""
    context.log.info(f"{message}; the data stands as run {since} left it")
    context.add_output_metadata({"unchanged": True, "unchanged_since_run": since})


def unchanged_in_run(context, asset: str) -> bool:
    """Whether `asset` materialised in this run without change (its metadata says `unchanged`)."""
    event = context.instance.get_latest_materialization_event(AssetKey(asset))
    if event is None or event.run_id != context.run.run_id:
        return False
    unchanged = event.asset_materialization.metadata.get("unchanged")
    return bool(unchanged is not None and unchanged.value)
