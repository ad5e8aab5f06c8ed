"""Whether a source changed, decided inside the asset graph (docs/running.md, "A night when nothing
changed"). A night with nothing new never copies the published warehouse: steps decide against the
run's work file if one exists, else the published file read-only; the first that writes makes it.
"""

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
from dagster import AssetKey, DagsterEventType, RunsFilter
from dagster._core.storage.tags import ROOT_RUN_ID_TAG

from assets.metadata import table_metadata
from assets.resources import PipelineResource, logical_run_id
from indicator_pipeline import changes
from indicator_pipeline.payloads import ArchivedPayload
from indicator_pipeline.sources_registry import SOURCE, SOURCES
from indicator_pipeline.warehouse.publish import prepare_work_file, work_path


def run_work_file(context, pipeline: PipelineResource) -> Path:
    return work_path(pipeline.settings.warehouse_path, logical_run_id(context.run))


def reading_connection(context, pipeline: PipelineResource):
    """The warehouse as this run has it so far, to read (PipelineResource.reading_connection)."""
    return pipeline.reading_connection(context.run)


def stage_unless_unchanged(
    context,
    pipeline: PipelineResource,
    source_key: str,
    fetched: Sequence[ArchivedPayload],
    stage: Callable[[duckdb.DuckDBPyConnection], object],
    table: str,
) -> None:
    """Stage `source_key`'s data with `stage(con)`, record what it was loaded from and describe `table`, or
    skip it all when its inputs are those it was last loaded from; the metadata and the log say why."""
    settings = pipeline.settings
    inputs = SOURCE[source_key].inputs(settings, fetched)
    fingerprint = changes.fingerprint(settings.plans, settings.fetch_date())
    why = {"unchanged": False, "reason": "refresh --force or a recording: every source is loaded"}
    if settings.skips_unchanged:
        with reading_connection(context, pipeline) as con:
            load = changes.last_load(con, source_key) if con is not None else None
        change = changes.change_from(load, inputs, fingerprint)
        if change is None:  # so load is not None: change_from says "never loaded" for None
            same = f"the same {len(inputs)} inputs (sha256) under the same fingerprint as run {load.run_id}"
            reason = f"{source_key}: {same} loaded; not parsed, validated or loaded again"
            _say_unchanged(context, reason, load.run_id, inputs=len(inputs))
            return
        why = {"unchanged": False, "reason": f"{source_key}: {change}", "inputs": len(inputs)}
    context.add_output_metadata(why)
    with work_connection(context, pipeline) as con:
        stage(con)
        changes.record_load(con, source_key, inputs, fingerprint, logical_run_id(context.run))
        context.add_output_metadata(table_metadata(con, table))


def work_connection(context, pipeline: PipelineResource):
    """The run's work file, to write into; a re-execution makes it when its root run wrote nothing (so
    made none). One gone after the root run wrote into it stays an error (pipeline.work_connection)."""
    if context.run.parent_run_id is not None and not run_work_file(context, pipeline).exists() and not _wrote_in_logical_run(context):
        prepare_work_file(pipeline.settings.warehouse_path, logical_run_id(context.run))
    return pipeline.work_connection(context.run)


def materialised_in_logical_run(context) -> list:
    """The asset materialisations (event log entries) of the root run, its re-executions and this run."""
    root = logical_run_id(context.run)
    runs = {root, context.run.run_id}
    runs |= {run.run_id for run in context.instance.get_runs(filters=RunsFilter(tags={ROOT_RUN_ID_TAG: root}))}
    events = DagsterEventType.ASSET_MATERIALIZATION
    return [entry for run_id in runs for entry in context.instance.all_logs(run_id, of_type=events)]


def _wrote_in_logical_run(context) -> bool:
    """Whether the logical run materialised a step that wrote the warehouse (any but a fetch, which only
    archives, or a step that found nothing changed)."""
    fetches = {source.key for source in SOURCES if source.fetch is not None}
    return any(
        entry.dagster_event.asset_key.to_user_string() not in fetches and not says_unchanged(entry.asset_materialization)
        for entry in materialised_in_logical_run(context)
    )


def nothing_changed_in_run(context, pipeline: PipelineResource) -> bool:
    """True when this run loaded no source and stored no new statuses (it has no work file, or its
    work file records no load of this run)."""
    if not pipeline.settings.skips_unchanged:
        return False
    if not run_work_file(context, pipeline).exists():
        return True
    with reading_connection(context, pipeline) as con:
        return not changes.changed_in_run(con, logical_run_id(context.run))


def mark_unchanged(context, pipeline: PipelineResource, reason: str) -> None:
    """Say in the log and the metadata that the step had nothing to do, why, and since which run."""
    with reading_connection(context, pipeline) as con:
        since = changes.last_loading_run(con) if con is not None else None
    _say_unchanged(context, f"{reason}; the data stands as run {since} left it", since)


def _say_unchanged(context, reason: str, since: str | None, **metadata) -> None:
    context.log.info(reason)
    context.add_output_metadata({"unchanged": True, "reason": reason, "unchanged_since_run": since or "", **metadata})


def unchanged_in_run(context, asset: str) -> bool:
    """Whether `asset` materialised in this run without change (its metadata says `unchanged`)."""
    event = context.instance.get_latest_materialization_event(AssetKey(asset))
    return event is not None and event.run_id == context.run.run_id and says_unchanged(event.asset_materialization)


def says_unchanged(materialization) -> bool:
    unchanged = materialization.metadata.get("unchanged")
    return bool(unchanged is not None and unchanged.value)
