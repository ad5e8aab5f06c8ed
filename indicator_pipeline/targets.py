"""Judge an indicator's yearly values against a goal's target rule.

Pure functions, no I/O: the warehouse loader passes the series, the as-of date and the series breaks,
and stores the `Assessment`. docs/target-rules.md states the same rules for report readers; change
the two together.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from statistics import fmean
from typing import Literal

from indicator_pipeline.catalog.model import Direction, TargetRule
from indicator_pipeline.dates import shift_years

Status = Literal["met", "not_met", "on_track", "off_track", "no_data", "no_numeric_target"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
# A year row of marts.indicator_vs_target may also be a year-to-date figure, never judged as a year.
YearStatus = Literal[Status, "incomplete"]


@dataclass(frozen=True)
class Observation:
    year: int
    value: float | None  # None = missing; never treated as 0
    preliminary: bool = False
    complete: bool = True  # False: only some of the year's periods are out (a year-to-date figure)


@dataclass(frozen=True)
class Publication:
    """When a year's figure is normally out, and how long after that a missing figure is overdue.

    With an `anchor` (a source's own year and publication date, e.g. Kolada's publ_period and
    publication_date) year Y is due on that date moved by Y - anchor year years; without one, Y is due
    `lag_days` after 31 December of Y. Overdue = the as-of date is past the due date plus `grace_days`.
    """

    lag_days: int
    grace_days: int = 0
    anchor: tuple[int, date] | None = None

    def due(self, year: int) -> date:
        if self.anchor is None:
            return date(year, 12, 31) + timedelta(days=self.lag_days)
        anchor_year, anchor_date = self.anchor
        return shift_years(anchor_date, year - anchor_year)

    def overdue(self, year: int, as_of: date) -> bool:
        return as_of > self.due(year) + timedelta(days=self.grace_days)


@dataclass(frozen=True)
class Assessment:
    target_id: str
    indicator_id: str | None
    kind: str
    status: Status
    target_value: float | None
    target_year: int | None  # threshold_in_year / amount_in_year
    period_start: int | None
    period_end: int | None
    assessed_year: int | None  # the year whose value decided (latest year for period kinds)
    assessed_value: float | None  # target-year value, latest value, period average so far, share so far
    gap: float | None  # assessed_value - target_value (signed, in the target's unit)
    latest_year: int | None
    latest_value: float | None  # for share: that year's share
    latest_preliminary: bool
    average_so_far: float | None  # period_average
    share_so_far: float | None  # share
    years_with_data: int
    years_remaining: int
    required_per_remaining_year: float | None  # period_average: yearly value still needed
    missing_years: tuple[int, ...]  # gaps inside the observed span
    excluded_years: tuple[int, ...]  # excluded because of a series break
    series_break_in_period: bool
    note: str  # one or two plain English sentences explaining the status
    failing_years: tuple[int, ...] = ()  # every-year rules: final years below the target
    pending_years: tuple[int, ...] = ()  # over, no whole figure yet, still within the source's publication lag
    overdue_years: tuple[int, ...] = ()  # over, no whole figure, past the publication lag and its grace


def is_final(observation: Observation, as_of: date) -> bool:
    """True when the year is over as of `as_of`, its figure is whole and the source does not flag it preliminary."""
    return _year_over(observation.year, as_of) and observation.complete and not observation.preliminary


def _year_over(year: int, as_of: date) -> bool:
    return as_of > date(year, 12, 31)


def year_status(rule: TargetRule, observation: Observation, as_of: date) -> YearStatus:
    """One year's status in the mart indicator_vs_target. For share rules pass the yearly share as the value."""
    if rule.kind == "none":
        return "no_numeric_target"
    if observation.value is None:
        return "no_data"
    if not observation.complete:
        return "incomplete"
    return _status(_meets(observation.value, rule.value, rule.direction), is_final(observation, as_of))


def assess(
    rule: TargetRule,
    series: Sequence[Observation],
    as_of: date,
    series_break_years: Sequence[int] = (),
    denominator: Sequence[Observation] | None = None,
    publication: Publication | None = None,
    denominator_publication: Publication | None = None,
) -> Assessment:
    """The target's status as of `as_of`. `series` may be unsorted; duplicate years raise ValueError.

    `series_break_years` are the first years of a new definition of the indicator; `denominator` is
    required for share rules (the numerator is `series`). `publication` says when a year's figure is
    normally out (None: never overdue); a year that is over without a whole figure is pending until
    then and overdue after.
    """
    observed = _values_by_year(series, rule.indicator_id)
    due = _Due(as_of, publication)
    if rule.kind == "none":
        return _assess_none(rule, observed, as_of)
    if rule.kind in ("threshold_in_year", "amount_in_year"):
        return _assess_in_year(rule, observed, as_of, series_break_years, due)
    if rule.kind == "threshold_every_year":
        return _assess_every_year(rule, observed, as_of, due)
    if rule.kind == "period_average":
        return _assess_period_average(rule, observed, as_of, series_break_years, due)
    if rule.kind == "share":
        if denominator is None:
            raise ValueError(f"target {rule.id!r}: a share rule needs the denominator series")
        den = _values_by_year(denominator, rule.denominator_indicator_id)
        return _assess_share(rule, observed, den, as_of, due, _Due(as_of, denominator_publication))
    raise ValueError(f"target {rule.id!r}: unknown kind {rule.kind!r}")


# --- the kinds -------------------------------------------------------------------------------------


def _assess_none(rule: TargetRule, observed: dict[int, Observation], as_of: date) -> Assessment:
    base = _base(rule, as_of, observed, start=None, end=None)
    return replace(base, status="no_numeric_target", note="The goal has no numeric target; it is followed up in words.")


class _Due:
    """Which years that are over lack a whole figure, and whether each is still pending or overdue."""

    def __init__(self, as_of: date, publication: Publication | None):
        self.as_of = as_of
        self.publication = publication

    def overdue(self, year: int) -> bool:
        return self.publication is not None and self.publication.overdue(year, self.as_of)

    def lacking(self, years: range, whole: Collection[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(pending, overdue) among `years` that are over and not in `whole`."""
        lacking = [y for y in years if _year_over(y, self.as_of) and y not in whole]
        overdue = tuple(y for y in lacking if self.overdue(y))
        return tuple(y for y in lacking if y not in overdue), overdue

    def expected(self, year: int) -> str:
        return f" (normally out by {self.publication.due(year).isoformat()})" if self.publication else ""


def _whole(observed: dict[int, Observation]) -> dict[int, Observation]:
    """The years with a whole-year figure: a year-to-date figure is never used as a year."""
    return {y: o for y, o in observed.items() if o.complete}


def _partial_note(observed: dict[int, Observation], years: Collection[int], rule: TargetRule) -> str:
    return _join(
        *(
            f"The {y} figure, {_fmt(observed[y].value, rule)}, covers only part of the year (year to date) and is not used as the year."
            for y in sorted(years)
            if y in observed and not observed[y].complete
        )
    )


def _pending_note(pending: Sequence[int], due: _Due) -> str:
    return _join(*(f"{y} is over but its figure is not complete yet{due.expected(y)}: it counts as still to come." for y in pending))


def _overdue_note(years: Sequence[int], due: _Due) -> str:
    return _join(*(f"The {y} figure is overdue{due.expected(y)}." for y in years))


def _assess_in_year(
    rule: TargetRule, observed: dict[int, Observation], as_of: date, breaks: Sequence[int], due: _Due
) -> Assessment:
    """The target year's value decides; before it is published, the latest earlier value indicates."""
    year = rule.year
    cut = _break_year(breaks, after=None, upto=year)
    known, excluded = _split_at(_whole(observed), cut)
    base = _base(rule, as_of, known, start=None, end=year, excluded=excluded, cut=cut)
    if year in known:
        target_year = known[year]
        return _judged(base, rule, target_year, is_final(target_year, as_of), f"The {year} value")
    if any(y > year for y in known):
        return _no_data(base, f"There is no figure for the target year {year}, although later years have one.")
    waiting = _partial_note(observed, [year], rule)
    pending, overdue = due.lacking(range(year, year + 1), known)
    base = replace(base, pending_years=pending, overdue_years=overdue)
    if overdue:
        return _no_data(base, _join(_overdue_note(overdue, due), f"The target year {year} is over, so the target cannot be judged.", waiting))
    if not known:
        return _no_data(base, _join("There is no comparable value yet.", waiting))
    latest = known[max(known)]
    caveat = _join(f"The {year} figure is not published yet{due.expected(year)}, so this is an indication.", waiting)
    return _judged(base, rule, latest, False, f"The latest value ({latest.year})", caveat)


def _assess_every_year(rule: TargetRule, observed: dict[int, Observation], as_of: date, due: _Due) -> Assessment:
    """Each year of the period must meet the target: one final year below it decides not_met, whatever
    comes after; otherwise the period is met once it is over with every year's figure final."""
    known = _window(_whole(observed), rule.start_year, rule.end_year)
    base = _base(rule, as_of, known, start=rule.start_year, end=rule.end_year)
    failing = tuple(y for y, o in known.items() if is_final(o, as_of) and not _meets(o.value, rule.value, rule.direction))
    if failing:
        worst = known[failing[-1]]
        listed = ", ".join(f"{y} ({_fmt(known[y].value, rule)})" for y in failing)
        note = f"The target must hold every year, and the final figure is below it in {listed}."
        return _decided(replace(base, failing_years=failing), "not_met", note, worst.year, worst.value)
    first = rule.start_year if rule.start_year is not None else min(known, default=as_of.year)
    last = rule.end_year if rule.end_year is not None else as_of.year
    pending, overdue = due.lacking(range(first, last + 1), known)
    base = replace(base, pending_years=pending, overdue_years=overdue, missing_years=overdue)
    waiting = _join(_pending_note(pending, due), _partial_note(observed, pending, rule))
    period_over = rule.end_year is not None and _year_over(rule.end_year, as_of)
    if period_over and rule.end_year in overdue:
        return _no_data(base, _join(_overdue_note(overdue, due), f"The period {first}-{last} is over, so the target cannot be judged."))
    if not known:
        return _no_data(base, _join("There is no value yet.", waiting))
    below = [y for y in known if not _meets(known[y].value, rule.value, rule.direction)]
    if below:
        latest_below = known[below[-1]]
        listed = ", ".join(f"{y} ({_fmt(known[y].value, rule)})" for y in below)
        note = f"The target must hold every year; the figure is below it in {listed}, not final yet."
        return _decided(base, "off_track", _join(note, waiting), latest_below.year, latest_below.value)
    latest = known[max(known)]
    decided = all(is_final(o, as_of) for o in known.values()) and not pending and (period_over or rule.end_year is None)
    subject = f"Every figure so far ({len(known)} years, the latest {latest.year})"
    note = f"{subject} meets the target of {_bound(rule)} {_fmt(rule.value, rule)}."
    if not decided:
        note += " The period is not over or some figures are not final yet."
    missing = f" No figure for {', '.join(map(str, overdue))}." if overdue else ""
    return _decided(base, "met" if decided else "on_track", _join(note + missing, waiting), latest.year, latest.value)


def _assess_period_average(
    rule: TargetRule, observed: dict[int, Observation], as_of: date, breaks: Sequence[int], due: _Due
) -> Assessment:
    start, end, target = rule.start_year, rule.end_year, rule.value
    cut = _break_year(breaks, after=start, upto=end)
    in_period, excluded = _split_at(_window(observed, start, end), cut)
    first = cut or start
    # Only whole years that are over count in the average. A year not over yet, or over but with only
    # part of its periods out (three quarters of housing starts), is still to come; past its normal
    # publication lag a missing year is overdue and counts neither as data nor as still to come.
    known = {y: o for y, o in _whole(in_period).items() if _year_over(y, as_of)}
    pending, overdue = due.lacking(range(first, end + 1), known)
    not_over = [y for y in range(first, end + 1) if not _year_over(y, as_of)]
    remaining = len(pending) + len(not_over)
    base = _base(rule, as_of, known, start=first, end=end, excluded=excluded, cut=cut)
    base = replace(base, years_remaining=remaining, missing_years=overdue, pending_years=pending, overdue_years=overdue)
    so_far = _join(_pending_note(pending, due), _partial_note(in_period, pending, rule))
    newest = max((y for y in in_period if y not in known), default=None)
    if newest is not None and newest > max(known, default=first - 1):
        current = in_period[newest]
        base = replace(base, latest_year=current.year, latest_value=current.value, latest_preliminary=True)
        if newest in not_over:
            so_far = _join(
                so_far,
                f"The {current.year} figure so far, {_fmt(current.value, rule)}, is for a year not yet over:"
                " it does not count in the average and the year counts as remaining.",
            )
    if end in overdue:
        return _no_data(base, _join(_overdue_note(overdue, due), f"The period {first}-{end} is over, so the average cannot be judged."))
    if not known:
        return _no_data(base, _join(f"There is no comparable value for a completed year of {start}-{end} yet.", so_far))
    values = [o.value for o in known.values()]
    average = fmean(values)
    latest = known[max(known)]  # the latest completed year
    subject = f"The {start}-{end} average so far ({len(values)} years)"
    if remaining == 0:
        final = all(is_final(o, as_of) for o in known.values())
        return _judged(base, rule, Observation(latest.year, average), final, subject, average_so_far=average)
    # Overdue years count neither in the average nor as still to come, hence len(values) + remaining.
    required = (target * (len(values) + remaining) - sum(values)) / remaining
    keeps_pace = _meets(latest.value, required, rule.direction)
    note = (
        f"{subject} is {_fmt(average, rule)}; reaching {_fmt(target, rule)} needs {_fmt(required, rule)} a year"
        f" over the remaining {remaining} years, and the latest completed year's value, {_fmt(latest.value, rule)}"
        f" ({latest.year}), {'keeps' if keeps_pace else 'does not keep'} that pace."
    )
    return _decided(
        base,
        "on_track" if keeps_pace else "off_track",
        _join(note, so_far),
        latest.year,
        average,
        average_so_far=average,
        required_per_remaining_year=required,
    )


def _assess_share(
    rule: TargetRule,
    numerator: dict[int, Observation],
    denominator: dict[int, Observation],
    as_of: date,
    due: _Due,
    denominator_due: _Due,
) -> Assessment:
    """Sum of the numerator over the sum of the denominator, over the whole years where both have a value."""
    start, end = rule.start_year, rule.end_year
    num = _whole(_window(numerator, start, end))
    den = _whole(_window(denominator, start, end))
    # As for averages, only whole years that are over count: the two parts of a year not yet over may
    # cover different parts of it (three quarters of starts against a whole-year file).
    years = sorted(y for y in num.keys() & den.keys() if _year_over(y, as_of))
    # One observation per year holding that year's share, so latest_* and finality read like other kinds.
    shares = {
        y: Observation(
            y,
            num[y].value / den[y].value if den[y].value else None,
            num[y].preliminary or den[y].preliminary,
        )
        for y in years
    }
    period = range(start, end + 1)
    num_pending, num_overdue = due.lacking(period, num)
    den_pending, den_overdue = denominator_due.lacking(period, den)
    overdue = tuple(sorted(set(num_overdue) | set(den_overdue)))
    pending = tuple(y for y in sorted(set(num_pending) | set(den_pending)) if y not in overdue)
    remaining = len(pending) + sum(1 for y in period if not _year_over(y, as_of))
    base = _base(rule, as_of, shares, start=start, end=end)
    base = replace(base, years_remaining=remaining, missing_years=overdue, pending_years=pending, overdue_years=overdue)
    waiting = _join(_pending_note(pending, due), _partial_note(denominator, pending, rule))
    if end in overdue:
        return _no_data(base, _join(_overdue_note((end,), due), f"The period {start}-{end} is over, so the share cannot be judged."))
    if not years:
        return _no_data(base, _join("There is no year with both the count and its total yet.", waiting))
    den_sum = sum(den[y].value for y in years)
    if den_sum == 0:
        return _no_data(base, "The total (denominator) is zero over the years with data, so no share can be computed.")
    share = sum(num[y].value for y in years) / den_sum
    final = remaining == 0 and all(is_final(o, as_of) for o in shares.values())
    subject = f"The {start}-{end} share so far ({len(years)} years)"
    caveat = _join("The figures are not final yet.", waiting)
    return _judged(base, rule, Observation(years[-1], share), final, subject, caveat, share_so_far=share)


# --- shared pieces ---------------------------------------------------------------------------------


def _values_by_year(series: Sequence[Observation], name: str | None) -> dict[int, Observation]:
    """The observations that carry a value, by year, sorted. Which of two rows for a year counts is
    the caller's decision, so duplicates raise instead of one silently winning."""
    by_year: dict[int, Observation] = {}
    for observation in series:
        if observation.year in by_year:
            raise ValueError(f"series {name!r}: duplicate year {observation.year}")
        by_year[observation.year] = observation
    return {year: by_year[year] for year in sorted(by_year) if by_year[year].value is not None}


def _window(observed: dict[int, Observation], start: int | None, end: int | None) -> dict[int, Observation]:
    return {
        year: o
        for year, o in observed.items()
        if (start is None or year >= start) and (end is None or year <= end)
    }


def _break_year(breaks: Sequence[int], after: int | None, upto: int | None) -> int | None:
    """The latest break that makes earlier values incomparable with the target's years."""
    return max((b for b in breaks if (after is None or b > after) and b <= upto), default=None)


def _split_at(known: dict[int, Observation], cut: int | None) -> tuple[dict[int, Observation], tuple[int, ...]]:
    """Split into the values comparable with the definition from `cut` on, and the years excluded."""
    if cut is None:
        return known, ()
    return {y: o for y, o in known.items() if y >= cut}, tuple(y for y in known if y < cut)


def _coverage(years: Collection[int], start: int | None, end: int | None) -> tuple[tuple[int, ...], int]:
    """Missing years (no value, before the last year with data) and years remaining (window years after it).

    A missing year is over and its figure absent: it counts neither as data nor as still to come.
    An open start means the observed span; an open end means a standing target (nothing remains).
    """
    if not years:
        return (), 0 if end is None else end - (end if start is None else start) + 1
    last = max(years)
    missing = tuple(y for y in range(min(years) if start is None else start, last) if y not in years)
    return missing, 0 if end is None else max(0, end - last)


def _base(
    rule: TargetRule,
    as_of: date,
    known: Mapping[int, Observation],
    start: int | None,
    end: int | None,
    excluded: tuple[int, ...] = (),
    cut: int | None = None,
) -> Assessment:
    """What every kind reports about the data, before a status is decided (status no_data).

    `known` are the years the rule uses, `start`/`end` the window that years_remaining and
    missing_years count in. The note holds the series-break sentence, which the decision appends.
    """
    latest = known[max(known)] if known else None
    missing, remaining = _coverage(known.keys(), start, end)
    return Assessment(
        target_id=rule.id,
        indicator_id=rule.indicator_id,
        kind=rule.kind,
        status="no_data",
        target_value=rule.value,
        target_year=rule.year,
        period_start=rule.start_year,
        period_end=rule.end_year,
        assessed_year=None,
        assessed_value=None,
        gap=None,
        latest_year=latest.year if latest else None,
        latest_value=latest.value if latest else None,
        latest_preliminary=latest is not None and not is_final(latest, as_of),
        average_so_far=None,
        share_so_far=None,
        years_with_data=len(known),
        years_remaining=remaining,
        required_per_remaining_year=None,
        missing_years=missing,
        excluded_years=excluded,
        series_break_in_period=bool(excluded),
        note=f"Values before {cut} are left out: the series changed definition that year." if excluded else "",
    )


def _no_data(base: Assessment, note: str) -> Assessment:
    return replace(base, status="no_data", note=_join(note, base.note))


def _judged(
    base: Assessment,
    rule: TargetRule,
    decisive: Observation,
    final: bool,
    subject: str,
    caveat: str = "The figures are not final yet.",
    **extra: float,
) -> Assessment:
    """Compare `decisive` with the target: met/not_met when `final`, else on_track/off_track with `caveat`."""
    meets = _meets(decisive.value, rule.value, rule.direction)
    note = (
        f"{subject} is {_fmt(decisive.value, rule)}, which {'meets' if meets else 'does not meet'}"
        f" the target of {_bound(rule)} {_fmt(rule.value, rule)}."
    )
    if not final:
        note += f" {caveat}"
    return _decided(base, _status(meets, final), note, decisive.year, decisive.value, **extra)


def _decided(base: Assessment, status: Status, note: str, year: int, value: float, **extra: float) -> Assessment:
    return replace(
        base,
        status=status,
        note=_join(note, base.note),
        assessed_year=year,
        assessed_value=value,
        gap=value - base.target_value,
        **extra,
    )


def _bound(rule: TargetRule) -> str:
    return "at least" if rule.direction == "higher" else "at most"


def _meets(value: float, target: float, direction: Direction) -> bool:
    """>= for "higher", <= for "lower". A value equal to the target up to float noise meets it, so that
    an average or a required level computed in binary floating point does not miss by 1e-15."""
    if math.isclose(value, target, rel_tol=1e-9, abs_tol=1e-12):
        return True
    return value > target if direction == "higher" else value < target


def _status(meets: bool, final: bool) -> Status:
    if final:
        return "met" if meets else "not_met"
    return "on_track" if meets else "off_track"


def _fmt(value: float, rule: TargetRule) -> str:
    if rule.kind == "share":
        return f"{value:.1%}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)
