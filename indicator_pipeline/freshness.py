"""Source freshness: is each source's data as new as its publication rhythm says it could be? A source
is overdue once the next publication after its last retrieval (a file drop: its current file's pick-up)
is past (the rhythms: docs/running.md, "What `status` prints"). The as-of date is always an input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count

import duckdb

from indicator_pipeline.catalog.model import Plan
from indicator_pipeline.targets import Publication
from indicator_pipeline.warehouse.sql import sql_text

Rhythm = tuple[str, int | None, int | None]  # source, publication lag days, max age days (Plan.rhythms)


@dataclass(frozen=True)
class SourceFreshness:
    source: str
    last_seen: date | None  # last retrieval (Kolada, SCB) or when the current file was picked up
    due: date | None  # the publication (or end of the allowed age) the data does not include yet
    rhythm: str  # how `due` was found, in words
    overdue: bool

    @property
    def overdue_since(self) -> date | None:
        return self.due if self.overdue else None

    def describe(self) -> str:
        if self.last_seen is None:
            return "never retrieved: overdue"
        if self.overdue:
            return f"overdue since {self.due.isoformat()}"
        return f"fresh until {self.due.isoformat()}" if self.due else "fresh (no rhythm set)"


def next_yearly(anchor: date, after: date) -> date:
    """The first date on `anchor`'s yearly rhythm strictly after `after`."""
    yearly = Publication(lag_days=0, anchor=(anchor.year, anchor))
    return next(yearly.due(year) for year in count(after.year) if yearly.due(year) > after)


def next_quarterly_release(after: date, lag_days: int) -> date:
    """The first quarterly release (the quarter's last day + `lag_days`) strictly after `after`."""
    lag, quarter_ends = timedelta(days=lag_days), ((3, 31), (6, 30), (9, 30), (12, 31))
    ends = (date(year, month, day) for year in count((after - lag).year - 1) for month, day in quarter_ends)
    return next(end + lag for end in ends if end + lag > after)


def judge(
    source: str, last_seen: date | None, as_of: date, lag: int | None, max_age: int | None, kolada_publications: list[date]
) -> SourceFreshness:
    """`source` last retrieved (or its current file picked up) on `last_seen`, judged as of `as_of` by
    its rhythm: `lag` days after a quarter (SCB) or a year (Kolada, where its KPIs' publication dates
    are unknown), a file drop's `max_age` in days."""
    due, rhythm = None, "no rhythm"
    if source.startswith("filedrop_"):
        rhythm = f"a new file within {max_age} days" if max_age is not None else rhythm
        if last_seen is None:
            return SourceFreshness(source, None, None, rhythm, overdue=max_age is not None)
        due = last_seen + timedelta(days=max_age) if max_age is not None else None
    elif last_seen is None:
        return SourceFreshness(source, None, None, source, overdue=True)
    elif source == "scb":
        if lag is not None:
            due, rhythm = next_quarterly_release(last_seen, lag), f"quarterly, {lag} days after the quarter"
    elif kolada_publications:  # the earliest KPI publication after the retrieval
        due = min(next_yearly(d, last_seen) for d in kolada_publications)
        rhythm = f"Kolada's publication dates of {len(kolada_publications)} KPIs"
    elif lag is not None:
        last_year_due = date(last_seen.year - 1, 12, 31) + timedelta(days=lag)
        due, rhythm = next_yearly(last_year_due, last_seen), "yearly lag"
    return SourceFreshness(source, last_seen, due, rhythm, overdue=due is not None and as_of > due)


@dataclass(frozen=True)
class PlanSources:
    """What a plan's freshness is judged by: each source it reads with its rhythm, and its Kolada KPIs,
    whose publication dates set Kolada's (never another plan's KPIs in the same warehouse)."""

    rhythms: tuple[Rhythm, ...]
    kolada_kpis: frozenset[str] = frozenset()

    @classmethod
    def of(cls, plan: Plan) -> PlanSources:
        return cls(plan.rhythms(), frozenset(i.source_id for i in plan.indicators_from("kolada") if i.source_id))


def source_freshness(
    con: duckdb.DuckDBPyConnection, sources: PlanSources, as_of: date, seen: dict[str, date] | None = None
) -> list[SourceFreshness]:
    """Each source a plan reads (`sources`: `PlanSources.of(plan)`, or as `stored_sources` reads them) judged
    as of `as_of` from the warehouse on `con`. `seen` adds later retrieval dates known elsewhere (e.g.
    Dagster's latest materialization of a source asset), per source."""
    seen, rhythm_of = seen or {}, {source: (lag, max_age) for source, lag, max_age in sources.rhythms}
    published = con.sql(sql_text("load/kolada_publication.sql")).fetchall()
    publications = [day for kpi, _, day in published if kpi in sources.kolada_kpis]
    return [
        judge(source, max(filter(None, (last_seen, seen.get(source))), default=None), as_of, *rhythm_of[source], publications)
        for source, last_seen in con.sql(sql_text("queries/source_freshness.sql")).fetchall()
        if source in rhythm_of
    ]


def stored_sources(con: duckdb.DuckDBPyConnection) -> dict[str, PlanSources]:
    """Plan id -> what its freshness is judged by, as its last refresh recorded it (core.plan_source,
    core.dim_indicator)."""
    try:
        rows = con.sql(sql_text("load/plan_sources.sql")).fetchall()
    except duckdb.CatalogException:  # a warehouse published before plans kept their sources
        return {}
    rhythms: dict[str, list[Rhythm]] = {}
    for plan_id, source, lag, max_age, _ in rows:
        rhythms.setdefault(plan_id, []).append((source, lag, max_age))
    kpis = {plan_id: frozenset(plan_kpis) for plan_id, *_, plan_kpis in rows}
    return {plan_id: PlanSources(tuple(plan_rhythms), kpis[plan_id]) for plan_id, plan_rhythms in rhythms.items()}


def format_sources(rows: list[SourceFreshness], as_of: date) -> str:
    """The `sources` block of `indicator-pipeline status`."""
    width = max(len(r.source) for r in rows) if rows else 6
    lines = [f"sources (as of {as_of.isoformat()})"]
    if not rows:
        lines.append("  none recorded for this plan (it reads none, or was last refreshed before plans kept their sources)")
    for r in rows:
        seen = r.last_seen.isoformat() if r.last_seen else "never"
        lines.append(f"  {r.source.ljust(width)}  last seen {seen.ljust(10)}  {r.describe()}")
    return "\n".join(lines)
