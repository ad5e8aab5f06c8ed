"""Source freshness in Dagster: a policy on each source asset, a `freshness` check judged by the rhythm.

Two layers, both visible in the UI:

- `SOURCE_FRESHNESS_POLICIES` (assets/common.py): a `FreshnessPolicy.time_window` per source asset (Kolada: a year, SCB: a
  quarter, a file drop: its rhythm), evaluated by the daemon's freshness evaluation when the instance
  enables it (`freshness: enabled: true`, as deploy/dagster.yaml does). It only knows when the asset last
  materialized.
- `freshness_checks`: one non-blocking `freshness` asset check per source asset, judged by
  indicator_pipeline.freshness from the data's own rhythm (Kolada's per-KPI publication dates, SCB's
  quarterly release, the plan's max age per file drop). It runs in every refresh right after its source
  (in-process too) and, under the daemon, every morning in the `source_freshness` job; an overdue
  source is a failed WARN check naming the date it has been overdue since.
"""

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetChecksDefinition,
    AssetKey,
    AssetSelection,
    DefaultScheduleStatus,
    MetadataValue,
    ScheduleDefinition,
    asset_check,
    define_asset_job,
)

from assets.resources import PipelineResource
from indicator_pipeline.filedrop import KINDS
from indicator_pipeline.freshness import SOURCE_OF_ASSET, SourceFreshness, source_freshness
from indicator_pipeline.warehouse.publish import work_path

TIMEZONE = "Europe/Stockholm"

SOURCE_ASSETS = [*SOURCE_OF_ASSET, *(f"filedrop_{kind}" for kind in KINDS)]


def source_of(asset: str) -> str:
    return SOURCE_OF_ASSET.get(asset, asset)


def warehouse_to_judge(serving: Path, run_id: str) -> Path | None:
    """This run's work file when the run has one (a refresh), else the published file (a check-only run)."""
    work = work_path(serving, run_id)
    if work.exists():
        return work
    return serving if serving.exists() else None


def last_materialized(context: AssetCheckExecutionContext, asset: str) -> date | None:
    event = context.instance.get_latest_materialization_event(AssetKey(asset))
    if event is None:
        return None
    return datetime.fromtimestamp(event.timestamp, timezone.utc).astimezone(ZoneInfo(TIMEZONE)).date()


def freshness_result(verdict: SourceFreshness | None, as_of: date) -> AssetCheckResult:
    if verdict is None:
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN, description="no warehouse to judge yet")
    return AssetCheckResult(
        passed=not verdict.overdue,
        severity=AssetCheckSeverity.WARN,
        description=f"{verdict.source}: {verdict.describe()}",
        metadata={
            "as_of": as_of.isoformat(),
            "last_seen": verdict.last_seen.isoformat() if verdict.last_seen else "never",
            "due": verdict.due.isoformat() if verdict.due else "",
            "overdue_since": verdict.overdue_since.isoformat() if verdict.overdue_since else "",
            "rhythm": MetadataValue.text(verdict.rhythm),
        },
    )


def build_freshness_check(asset: str) -> AssetChecksDefinition:
    @asset_check(
        asset=AssetKey(asset),
        name="freshness",
        blocking=False,
        description=f"Is {source_of(asset)} as new as its publication rhythm allows? (warning only; see indicator_pipeline/freshness.py)",
    )
    def _freshness(context: AssetCheckExecutionContext, pipeline: PipelineResource) -> AssetCheckResult:
        settings = pipeline.settings
        as_of = settings.as_of or datetime.now(ZoneInfo(TIMEZONE)).date()
        if source_of(asset) not in settings.plan.sources_read():
            return AssetCheckResult(passed=True, description=f"{source_of(asset)}: the plan reads nothing from it")
        path = warehouse_to_judge(settings.warehouse_path, context.run.run_id)
        if path is None:
            return freshness_result(None, as_of)
        # a Kolada or SCB fetch is a retrieval even when nothing is staged yet; a file drop's date is its file's
        seen = {} if asset.startswith("filedrop_") else {source_of(asset): last_materialized(context, asset)}
        with duckdb.connect(str(path), read_only=True) as con:
            verdicts = source_freshness(con, settings.plan, as_of, {k: v for k, v in seen.items() if v})
        verdict = next(v for v in verdicts if v.source == source_of(asset))
        if verdict.overdue:
            context.log.warning(f"{verdict.source}: {verdict.describe()} (last seen {verdict.last_seen or 'never'})")
        return freshness_result(verdict, as_of)

    return _freshness


freshness_checks = [build_freshness_check(asset) for asset in SOURCE_ASSETS]

# Under the daemon: the checks alone, every morning after the nightly refresh, on by default.
freshness_job = define_asset_job(
    "source_freshness",
    selection=AssetSelection.checks(*freshness_checks),
    description="Judge every source's freshness against its publication rhythm (checks only, no fetch).",
)
freshness_schedule = ScheduleDefinition(
    name="morning_source_freshness",
    job=freshness_job,
    cron_schedule="0 7 * * *",
    execution_timezone=TIMEZONE,
    default_status=DefaultScheduleStatus.RUNNING,
)
