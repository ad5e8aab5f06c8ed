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
    source: str, last_seen: date | None, as_of: date, plan: Plan, kolada_publications: list[date]
) -> SourceFreshness:
    """`source` last retrieved (or its current file picked up) on `last_seen`, judged as of `as_of`."""
    lag = dict(plan.publication_lag_days).get("scb" if source == "scb" else "kolada")
    due, rhythm = None, "no rhythm"
    if source.startswith("filedrop_"):
        max_age = dict(plan.filedrop_max_age_days).get(source.removeprefix("filedrop_"))
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


def source_freshness(
    con: duckdb.DuckDBPyConnection, plan: Plan, as_of: date, seen: dict[str, date] | None = None
) -> list[SourceFreshness]:
    """Every source the plan reads judged as of `as_of` from the warehouse on `con`. `seen` adds later
    retrieval dates known elsewhere (e.g. Dagster's latest materialization of a source asset), per source."""
    seen, read = seen or {}, plan.sources_read()
    publications = [row[-1] for row in con.sql(sql_text("load/kolada_publication.sql")).fetchall()]
    result = []
    for source, last_seen in con.sql(sql_text("queries/source_freshness.sql")).fetchall():
        if source in read:
            latest = max(filter(None, (last_seen, seen.get(source))), default=None)
            result.append(judge(source, latest, as_of, plan, publications))
    return result


def format_sources(rows: list[SourceFreshness], as_of: date) -> str:
    """The `sources` block of `indicator-pipeline status`."""
    width = max(len(r.source) for r in rows) if rows else 6
    lines = [f"sources (as of {as_of.isoformat()})"]
    for r in rows:
        seen = r.last_seen.isoformat() if r.last_seen else "never"
        lines.append(f"  {r.source.ljust(width)}  last seen {seen.ljust(10)}  {r.describe()}")
    return "\n".join(lines)
