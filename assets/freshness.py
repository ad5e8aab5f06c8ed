"""Source freshness in Dagster (docs/scheduling.md): a non-blocking `freshness` check on each source asset,
judged by indicator_pipeline.freshness from the data's own publication rhythm; overdue is a failed WARN check.
"""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from dagster import (
    AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetChecksDefinition, AssetKey,
    AssetSelection, DefaultScheduleStatus, MetadataValue, ScheduleDefinition, asset_check, define_asset_job,
)

from assets.resources import PipelineResource
from indicator_pipeline.freshness import PlanSources, source_freshness
from indicator_pipeline.sources_registry import SOURCES

TIMEZONE = "Europe/Stockholm"

# Source asset -> the source it is judged as (the Kolada assets are one source; a file drop's kind is one).
SOURCE_OF_ASSET = {s.key: s.key if s.system == "filedrop" else s.system for s in SOURCES if s.system != "plan"}
SOURCE_ASSETS = list(SOURCE_OF_ASSET)


def last_materialized(context: AssetCheckExecutionContext, asset: str) -> date | None:
    event = context.instance.get_latest_materialization_event(AssetKey(asset))
    if event is None:
        return None
    return datetime.fromtimestamp(event.timestamp, timezone.utc).astimezone(ZoneInfo(TIMEZONE)).date()


def build_freshness_check(asset: str) -> AssetChecksDefinition:
    source = SOURCE_OF_ASSET[asset]

    @asset_check(
        asset=AssetKey(asset),
        name="freshness",
        blocking=False,
        description=f"Is {source} as new as its publication rhythm allows?"
        " (warning only; see indicator_pipeline/freshness.py)",
    )
    def _freshness(context: AssetCheckExecutionContext, pipeline: PipelineResource) -> AssetCheckResult:
        settings = pipeline.settings
        as_of = settings.as_of or datetime.now(ZoneInfo(TIMEZONE)).date()
        if source not in settings.plans.sources_read():
            return AssetCheckResult(passed=True, description=f"{source}: the plan reads nothing from it")
        # a Kolada or SCB fetch is a retrieval even with nothing staged yet; a file drop's date is its file's
        retrieved = None if asset.startswith("filedrop_") else last_materialized(context, asset)
        seen = {source: retrieved} if retrieved else {}
        # this run's work file when the run has one (a refresh), else the published file (a check-only run)
        with pipeline.reading_connection(context.run) as con:
            if con is None:
                description = "no warehouse to judge yet"
                return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN, description=description)
            verdicts = [
                next(v for v in source_freshness(con, PlanSources.of(plan), as_of, seen) if v.source == source)
                for plan in settings.plans.plans if source in plan.sources_read()
            ]
        verdict = next((v for v in verdicts if v.overdue), verdicts[0])  # overdue for any plan's rhythm is overdue
        if verdict.overdue:
            context.log.warning(f"{source}: {verdict.describe()} (last seen {verdict.last_seen or 'never'})")
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
