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
from typing import Callable, Literal

from indicator_pipeline import progress
from indicator_pipeline.catalog.model import Method, TargetRule

Status = Literal[
    "met", "not_met", "on_track", "off_track", "no_data", "no_numeric_target", "improving", "stable", "worsening"
]
# A year row of marts.indicator_vs_target may also be a year-to-date figure, never judged as a year.
YearStatus = Literal[Status, "incomplete"]
_NOT_FINAL = "The figures are not final yet."


@dataclass(frozen=True)
class Observation:
    year: int
    value: float | None  # None = missing; never treated as 0
    preliminary: bool = False
    complete: bool = True  # False: only some of the year's periods are out (a year-to-date figure)


ByYear = dict[int, Observation]


@dataclass(frozen=True)
class Publication:
    """When a year's figure is normally out: with an `anchor` (a source's own year and publication date,
    e.g. Kolada's publ_period and publication_date) that date moved by whole years, else `lag_days`
    after 31 December. Overdue = the as-of date is past the due date plus `grace_days`."""

    lag_days: int
    grace_days: int = 0
    anchor: tuple[int, date] | None = None

    def due(self, year: int) -> date:
        if self.anchor is None:
            return date(year, 12, 31) + timedelta(days=self.lag_days)
        anchor_year, anchor_date = self.anchor
        try:
            return anchor_date.replace(year=anchor_date.year + year - anchor_year)
        except ValueError:  # 29 February in a common year
            return anchor_date.replace(year=anchor_date.year + year - anchor_year, day=28)

    def overdue(self, year: int, as_of: date) -> bool:
        return as_of > self.due(year) + timedelta(days=self.grace_days)


@dataclass(frozen=True)
class Assessment:
    """A target's status and the figures behind it (the rule itself is in core.dim_target)."""

    target_id: str
    status: Status = "no_data"
    assessed_year: int | None = None  # the year whose value decided (latest year for period kinds)
    assessed_value: float | None = None  # target-year value, latest value, average or share so far
    gap: float | None = None  # assessed_value - the target (signed, in the target's unit)
    latest_year: int | None = None
    latest_value: float | None = None  # for share: that year's share
    latest_preliminary: bool = False
    average_so_far: float | None = None  # period_average
    share_so_far: float | None = None  # share
    years_with_data: int = 0
    years_remaining: int = 0
    required_per_remaining_year: float | None = None  # period_average: yearly value still needed
    missing_years: tuple[int, ...] = ()  # gaps inside the observed span
    excluded_years: tuple[int, ...] = ()  # excluded because of a series break
    series_break_in_period: bool = False
    note: str = ""  # one or two plain English sentences explaining the status
    failing_years: tuple[int, ...] = ()  # every-year rules: final years below the target
    pending_years: tuple[int, ...] = ()  # over, no whole figure yet, within the source's publication lag
    overdue_years: tuple[int, ...] = ()  # over, no whole figure, past the publication lag and its grace
    method: str = "latest_value"  # how a target not decided yet was judged (docs/target-rules.md)
    # The trend's inputs (progress.py): its band, cagr_ratio's R, its first year and value, the observed
    # and required yearly rates, the projection; and why the declared trend method was not used.
    progress_band: str | None = None
    progress_ratio: float | None = None
    trend_base_year: int | None = None
    trend_base_value: float | None = None
    observed_rate: float | None = None
    required_rate: float | None = None
    projected_value: float | None = None
    method_fallback: str | None = None


def is_final(observation: Observation, as_of: date) -> bool:
    """True when the year is over, its figure is whole and the source does not flag it preliminary."""
    return as_of > date(observation.year, 12, 31) and observation.complete and not observation.preliminary


def share_of(numerator: Observation, denominator: Observation) -> Observation:
    """A year's share (no value when a part has none or the total is 0): whole only when both parts
    are, preliminary when either is."""
    value = numerator.value / denominator.value if numerator.value is not None and denominator.value else None
    preliminary = numerator.preliminary or denominator.preliminary
    return Observation(numerator.year, value, preliminary, numerator.complete and denominator.complete)


def year_status(rule: TargetRule, observation: Observation, as_of: date) -> YearStatus:
    """One year's status in the mart indicator_vs_target. For share rules pass the yearly share as the value."""
    if rule.kind in ("none", "direction"):  # no level to compare a year with
        return "no_numeric_target"
    if observation.value is None:
        return "no_data"
    if not observation.complete:
        return "incomplete"
    return _status(_Judging(rule, as_of).meets(observation.value), is_final(observation, as_of))


def assess(
    rule: TargetRule,
    series: Sequence[Observation],
    as_of: date,
    series_break_years: Sequence[int] = (),
    denominator: Sequence[Observation] | None = None,
    publication: Publication | None = None,
    denominator_publication: Publication | None = None,
    method: Method = "latest_value",
) -> Assessment:
    """The target's status as of `as_of`. `series` may be unsorted; duplicate years raise ValueError.
    `series_break_years` are the first years of a new definition; share rules need `denominator`.
    `publication` says when a year's figure is normally out (None: never overdue). `method` judges a
    target not decided yet, and a direction."""
    observed = _values_by_year(series, rule.indicator_id)
    judging = _Judging(rule, as_of, publication, method)
    if rule.kind == "none":
        note = "The goal has no numeric target; it is followed up in words."
        return replace(judging.base(observed, None, None), status="no_numeric_target", note=note)
    if rule.kind in ("threshold_in_year", "amount_in_year"):
        return _assess_in_year(judging, observed, series_break_years)
    if rule.kind == "threshold_every_year":
        return _assess_every_year(judging, observed, series_break_years)
    if rule.kind == "period_average":
        return _assess_period_average(judging, observed, series_break_years)
    if rule.kind == "direction":
        return _assess_direction(judging, observed, series_break_years)
    if rule.kind == "share":
        if denominator is None:
            raise ValueError(f"target {rule.id!r}: a share rule needs the denominator series")
        den = _values_by_year(denominator, rule.denominator_indicator_id)
        return _assess_share(judging, observed, den, replace(judging, publication=denominator_publication))
    raise ValueError(f"target {rule.id!r}: unknown kind {rule.kind!r}")


# --- the kinds -------------------------------------------------------------------------------------


def _assess_in_year(j: _Judging, observed: ByYear, breaks: Sequence[int]) -> Assessment:
    """The target year's value decides; before it is published, the latest earlier value indicates."""
    year = j.rule.year
    known, excluded, cut = _comparable(_whole(observed), breaks, after=None, upto=year)
    base = j.base(known, None, year, excluded, cut)
    if year in known:
        return j.judged(base, known[year], j.final(known[year]), f"The {year} value")
    if any(y > year for y in known):
        return _no_data(
            base, f"There is no figure for the target year {year}, although later years have one."
        )
    waiting = j.partial_note(observed, [year])
    pending, overdue = j.lacking(range(year, year + 1), known)
    base = replace(base, pending_years=pending, overdue_years=overdue)
    if overdue:
        return j.cannot_judge(base, overdue, f"target year {year}", "target", waiting)
    if not known:
        return _no_data(base, "There is no comparable value yet.", waiting)
    # Not decided yet: the latest comparable value indicates the direction, or the trend does.
    latest = known[max(known)]
    caveat = f"The {year} figure is not published yet{j.expected(year)}, so this is an indication."
    today = j.judged(base, latest, False, f"The latest value ({latest.year})", _join(caveat, waiting))
    aim = f"the target of {j.target()} in {year}"

    def project(line: progress.Line) -> tuple[float, bool, str]:
        value = line.at(year)
        return value, j.meets(value), f"projects {j.fmt(value)} for {year}, which {_verb(j.meets(value))} {aim}"

    points = _trend_points(j, observed, breaks, year)
    return j.by_trend(today, points, (year, j.rule.value, aim), project, caveat, waiting, base.note)


def _assess_every_year(j: _Judging, observed: ByYear, breaks: Sequence[int]) -> Assessment:
    """Each year of the period must meet the target: one final year below it decides not_met, whatever
    comes after; otherwise the period is met once it is over with every year's figure final."""
    start, end = j.rule.start_year, j.rule.end_year
    known = _window(_whole(observed), start, end)
    base = j.base(known, start, end)

    def listed(years: Sequence[int]) -> str:
        return ", ".join(f"{y} ({j.fmt(known[y].value)})" for y in years)

    failing = tuple(y for y, o in known.items() if j.final(o) and not j.meets(o.value))
    if failing:
        note = f"The target must hold every year, and the final figure is below it in {listed(failing)}."
        return j.decided(base, "not_met", note, known[failing[-1]], failing_years=failing)
    first = start if start is not None else min(known, default=j.as_of.year)
    last = end if end is not None else j.as_of.year
    pending, overdue = j.lacking(range(first, last + 1), known)
    base = replace(base, pending_years=pending, overdue_years=overdue, missing_years=overdue)
    waiting = _join(j.pending_note(pending), j.partial_note(observed, pending))
    period_over = end is not None and j.over(end)
    if period_over and end in overdue:
        return j.cannot_judge(base, overdue, f"period {first}-{last}", "target")
    if not known:
        return _no_data(base, "There is no value yet.", waiting)
    below = [y for y in known if not j.meets(known[y].value)]
    if below:
        note = f"The target must hold every year; the figure is below it in {listed(below)}, not final yet."
        return j.decided(base, "off_track", _join(note, waiting), known[below[-1]])
    latest = known[max(known)]
    decided = all(j.final(o) for o in known.values()) and not pending and (period_over or end is None)
    subject = f"Every figure so far ({len(known)} years, the latest {latest.year})"
    note = f"{subject} meets the target of {j.target()}."
    if not decided:
        note += " The period is not over or some figures are not final yet."
    missing = f" No figure for {', '.join(map(str, overdue))}." if overdue else ""
    today = j.decided(base, "met" if decided else "on_track", _join(note + missing, waiting), latest)
    to_come = [y for y in range(latest.year + 1, end + 1) if y not in overdue] if end is not None else []
    if decided or not to_come:
        return today
    aim = f"the target of {j.target()} every year to {end}"

    def project(line: progress.Line) -> tuple[float, bool, str]:
        weakest = (min if j.rule.direction == "higher" else max)(to_come, key=line.at)
        value = line.at(weakest)
        years = f"{to_come[0]}-{to_come[-1]}" if len(to_come) > 1 else str(weakest)
        clause = f"projects {j.fmt(value)} for {weakest}, the weakest of the remaining years ({years})"
        return value, j.meets(value), f"{clause}, which {_verb(j.meets(value))} {aim}"

    points = _trend_points(j, observed, breaks, end)
    return j.by_trend(today, points, (end, j.rule.value, aim), project, missing.strip(), waiting)


def _assess_period_average(j: _Judging, observed: ByYear, breaks: Sequence[int]) -> Assessment:
    start, end, target = j.rule.start_year, j.rule.end_year, j.rule.value
    in_period, excluded, cut = _comparable(_window(observed, start, end), breaks, after=start, upto=end)
    first = cut or start
    # Only whole years that are over count in the average. A year not over yet, or over but with only
    # part of its periods out (three quarters of housing starts), is still to come; past its normal
    # publication lag a missing year is overdue and counts neither as data nor as still to come.
    known = {y: o for y, o in _whole(in_period).items() if j.over(y)}
    pending, overdue = j.lacking(range(first, end + 1), known)
    base = j.base(known, first, end, excluded, cut, lacking=(pending, overdue))
    so_far = _join(j.pending_note(pending), j.partial_note(in_period, pending))
    newest = max((y for y in in_period if y not in known), default=None)
    if newest is not None and newest > max(known, default=first - 1):
        current = in_period[newest]
        base = replace(base, latest_year=current.year, latest_value=current.value, latest_preliminary=True)
        if not j.over(newest):
            so_far = _join(
                so_far,
                f"The {current.year} figure so far, {j.fmt(current.value)}, is for a year not yet over:"
                " it does not count in the average and the year counts as remaining.",
            )
    if end in overdue:
        return j.cannot_judge(base, overdue, f"period {first}-{end}", "average")
    if not known:
        return _no_data(
            base, f"There is no comparable value for a completed year of {start}-{end} yet.", so_far
        )
    values = [o.value for o in known.values()]
    average, remaining = fmean(values), base.years_remaining
    latest = known[max(known)]  # the latest completed year
    subject = f"The {start}-{end} average so far ({len(values)} years)"
    if remaining == 0:
        final = all(j.final(o) for o in known.values())
        return j.judged(base, Observation(latest.year, average), final, subject, average_so_far=average)
    # Overdue years count neither in the average nor as still to come, hence len(values) + remaining.
    required = (target * (len(values) + remaining) - sum(values)) / remaining
    keeps_pace = j.meets(latest.value, required)
    note = (
        f"{subject} is {j.fmt(average)}; reaching {j.fmt(target)} needs {j.fmt(required)} a year"
        f" over the remaining {remaining} years, and the latest completed year's value, {j.fmt(latest.value)}"
        f" ({latest.year}), {'keeps' if keeps_pace else 'does not keep'} that pace."
    )
    status = "on_track" if keeps_pace else "off_track"
    extra = {"average_so_far": average, "required_per_remaining_year": required}
    today = j.decided(base, status, _join(note, so_far), Observation(latest.year, average), **extra)
    to_come = [*base.pending_years, *(y for y in range(start, end + 1) if not j.over(y))]

    def project(line: progress.Line) -> tuple[float, bool, str]:
        projected = {y: line.at(y) for y in to_come}
        whole = (sum(values) + sum(projected.values())) / (len(values) + len(projected))
        listed = ", ".join(f"{j.fmt(v)} for {y}" for y, v in projected.items())
        clause = f"projects {listed}; with them the {start}-{end} average would be {j.fmt(whole)}"
        return whole, j.meets(whole), f"{clause}, which {_verb(j.meets(whole))} the target of {j.target()}"

    aim = f"the {j.fmt(required)} a year the remaining years need by {end}"
    points = _trend_points(j, observed, breaks, end)
    return j.by_trend(today, points, (end, required, aim), project, so_far, base.note)


def _assess_share(j: _Judging, numerator: ByYear, denominator: ByYear, den_judging: _Judging) -> Assessment:
    """Sum of the numerator over the sum of the denominator, over the whole years where both have a value."""
    start, end = j.rule.start_year, j.rule.end_year
    num = _whole(_window(numerator, start, end))
    den = _whole(_window(denominator, start, end))
    # As for averages, only whole years that are over count: the two parts of a year not yet over may
    # cover different parts of it (three quarters of starts against a whole-year file).
    years = sorted(y for y in num.keys() & den.keys() if j.over(y))
    # One observation per year holding that year's share, so latest_* and finality read like other kinds.
    shares = {y: share_of(num[y], den[y]) for y in years}
    period = range(start, end + 1)
    num_pending, num_overdue = j.lacking(period, num)
    den_pending, den_overdue = den_judging.lacking(period, den)
    overdue = tuple(sorted(set(num_overdue) | set(den_overdue)))
    pending = tuple(y for y in sorted(set(num_pending) | set(den_pending)) if y not in overdue)
    base = j.base(shares, start, end, lacking=(pending, overdue))
    waiting = _join(j.pending_note(pending), j.partial_note(denominator, pending))
    if end in overdue:
        return j.cannot_judge(base, (end,), f"period {start}-{end}", "share")
    if not years:
        return _no_data(base, "There is no year with both the count and its total yet.", waiting)
    den_sum = sum(den[y].value for y in years)
    if den_sum == 0:
        return _no_data(
            base, "The total (denominator) is zero over the years with data, so no share can be computed."
        )
    share = sum(num[y].value for y in years) / den_sum
    final = base.years_remaining == 0 and all(j.final(o) for o in shares.values())
    subject = f"The {start}-{end} share so far ({len(years)} years)"
    caveat = _join(_NOT_FINAL, waiting)
    today = j.judged(base, Observation(years[-1], share), final, subject, caveat, share_so_far=share)
    return today if final else j.fallback(today, "the trend methods do not apply to a share over a period")


def _assess_direction(j: _Judging, observed: ByYear, breaks: Sequence[int]) -> Assessment:
    """improving / stable / worsening from the trend of the comparable whole years (progress.verdict):
    linear_projection's relative slope, cagr_ratio's growth from the first year to the latest, or
    latest_value's growth over the latest step, each in the wanted direction."""
    points = _trend_points(j, observed, breaks, j.as_of.year)
    _, excluded, cut = _comparable(_whole(observed), breaks, after=None, upto=j.as_of.year)
    base = j.base(points, None, None, excluded, cut)
    if len(points) < 3:
        reason = f"a direction is judged from at least three comparable whole years, and there {_are(len(points))}"
        return _no_data(base, f"No verdict: {reason}.")
    higher, wanted = j.rule.direction == "higher", "an increase" if j.rule.direction == "higher" else "a decrease"
    years = list(points)
    first, previous, last = points[years[0]], points[years[-2]], points[years[-1]]
    try:
        if j.method == "linear_projection":
            line = progress.fit([(y, o.value) for y, o in points.items()])
            rate = progress.relative_slope(line, higher)
            observed_rate = line.slope / abs(line.mean)
            how = (
                f"the least-squares line through the {len(points)} comparable whole years {first.year}-{last.year}"
                f" changes by {_signed(j, line.slope)} a year, {observed_rate:+.2%} of their mean ({j.fmt(line.mean)})"
            )
        else:  # cagr_ratio from the first year; latest_value over the latest step
            start = first if j.method == "cagr_ratio" else previous
            rate, observed_rate = progress.cagr_rate((start.year, start.value), (last.year, last.value), higher)
            how = (
                f"from {j.fmt(start.value)} in {start.year} to {j.fmt(last.value)} in {last.year}"
                f" the value changed {observed_rate:+.2%} a year"
            )
    except progress.CannotAssess as exc:
        return _no_data(base, f"No verdict by {j.method}: {exc}.")
    band, verdict = progress.rate_band(rate), progress.verdict(rate)
    by = "By the latest change" if j.method == "latest_value" else "By the trend"
    note = f"{by} ({j.method}): {how}; {wanted} is wanted, so {verdict} (Eurostat's band: {band})."
    return replace(
        base, status=verdict, note=_join(note, base.note), assessed_year=last.year, assessed_value=last.value,
        method=j.method, progress_band=band, observed_rate=observed_rate,
        trend_base_year=first.year if j.method != "latest_value" else previous.year,
        trend_base_value=first.value if j.method != "latest_value" else previous.value,
    )


# --- shared pieces ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Judging:
    """One target judged as of a date: what every kind asks (is a year over, does a value meet the
    target, which figures are pending or overdue) and the sentences the notes are made of."""

    rule: TargetRule
    as_of: date
    publication: Publication | None = None  # None: a figure is never overdue
    method: Method = "latest_value"

    def over(self, year: int) -> bool:
        return self.as_of > date(year, 12, 31)

    def final(self, observation: Observation) -> bool:
        return is_final(observation, self.as_of)

    def meets(self, value: float, target: float | None = None) -> bool:
        """>= the target (or `target`) when higher is better, <= when lower is. A value equal to it up to
        float noise meets it, so that an average or a required level in binary floating point does not
        miss by 1e-15."""
        target = self.rule.value if target is None else target
        if math.isclose(value, target, rel_tol=1e-9, abs_tol=1e-12):
            return True
        return value > target if self.rule.direction == "higher" else value < target

    def fmt(self, value: float) -> str:
        return f"{value:.1%}" if self.rule.kind == "share" else f"{value:.2f}".rstrip("0").rstrip(".")

    def target(self) -> str:
        return f"{'at least' if self.rule.direction == 'higher' else 'at most'} {self.fmt(self.rule.value)}"

    def lacking(self, years: range, whole: Collection[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(pending, overdue) among `years` that are over and not in `whole`."""
        lacking = [y for y in years if self.over(y) and y not in whole]
        overdue = tuple(y for y in lacking if self.publication and self.publication.overdue(y, self.as_of))
        return tuple(y for y in lacking if y not in overdue), overdue

    def expected(self, year: int) -> str:
        return f" (normally out by {self.publication.due(year).isoformat()})" if self.publication else ""

    def pending_note(self, pending: Sequence[int]) -> str:
        text = "{} is over but its figure is not complete yet{}: it counts as still to come."
        return _join(*(text.format(y, self.expected(y)) for y in pending))

    def partial_note(self, observed: ByYear, years: Collection[int]) -> str:
        partial = [y for y in sorted(years) if y in observed and not observed[y].complete]
        text = "The {} figure, {}, covers only part of the year (year to date) and is not used as the year."
        return _join(*(text.format(y, self.fmt(observed[y].value)) for y in partial))

    def cannot_judge(
        self, base: Assessment, overdue: Sequence[int], span: str, what: str, *more: str
    ) -> Assessment:
        """no_data: the figure of the last year of `span` is overdue, and `span` is over."""
        overdue_note = _join(*(f"The {y} figure is overdue{self.expected(y)}." for y in overdue))
        return _no_data(base, overdue_note, f"The {span} is over, so the {what} cannot be judged.", *more)

    def base(
        self,
        known: Mapping[int, Observation],
        start: int | None,
        end: int | None,
        excluded: tuple[int, ...] = (),
        cut: int | None = None,
        lacking: tuple[tuple[int, ...], tuple[int, ...]] | None = None,
    ) -> Assessment:
        """What every kind reports about the data, before a status is decided (status no_data). Missing
        years have no value before the last year with data (from `start`, else the first), remaining ones
        are the window's years after it (none without an end). A period kind passes its (pending,
        overdue) years as `lacking`: pending and not-yet-over years remain, overdue ones are missing."""
        latest = known[max(known)] if known else None
        changed = f"Values before {cut} are left out: the series changed definition that year."
        pending, overdue = lacking or ((), ())
        if lacking is not None:
            missing = overdue
            remaining = len(pending) + sum(1 for y in range(start, end + 1) if not self.over(y))
        elif latest is None:
            missing, remaining = (), 0 if end is None else end - (end if start is None else start) + 1
        else:
            span = range(min(known) if start is None else start, latest.year)
            missing = tuple(y for y in span if y not in known)
            remaining = 0 if end is None else max(0, end - latest.year)
        return Assessment(
            target_id=self.rule.id,
            latest_year=latest.year if latest else None,
            latest_value=latest.value if latest else None,
            latest_preliminary=latest is not None and not self.final(latest),
            years_with_data=len(known),
            years_remaining=remaining,
            missing_years=missing,
            excluded_years=excluded,
            series_break_in_period=bool(excluded),
            note=changed if excluded else "",
            pending_years=pending,
            overdue_years=overdue,
        )

    def judged(
        self, base: Assessment, decisive: Observation, final: bool, what: str, caveat=_NOT_FINAL, **extra
    ) -> Assessment:
        """Met/not_met on `decisive` (`what`) when `final`, else on_track/off_track and `caveat`."""
        meets = self.meets(decisive.value)
        verdict = "meets" if meets else "does not meet"
        note = f"{what} is {self.fmt(decisive.value)}, which {verdict} the target of {self.target()}."
        if not final:
            note += f" {caveat}"
        return self.decided(base, _status(meets, final), note, decisive, **extra)

    def by_trend(
        self,
        today: Assessment,
        points: ByYear,
        goal: tuple[int, float, str],
        project: Callable[[progress.Line], tuple[float, bool, str]],
        *caveats: str,
    ) -> Assessment:
        """`today` (the latest_value judgement of a target not decided yet) judged again by the trend of
        `points` under a trend method: cagr_ratio towards `goal` (year, level, its words), or
        linear_projection by `project` (what the line projects, whether that meets the target, in
        words). Status, note (then `caveats`) and method change; the assessed figures stay today's."""
        if self.method == "latest_value":
            return today
        if len(points) < 3:
            return self.fallback(today, f"it needs three comparable whole years, and there {_are(len(points))}")
        first, last = points[min(points)], points[max(points)]
        year, level, aim = goal
        trend = {"method": self.method, "trend_base_year": first.year, "trend_base_value": first.value}
        if self.method == "cagr_ratio":
            if self.meets(last.value, level):
                note = f"the latest value, {self.fmt(last.value)} ({last.year}), already meets {aim}: target achieved."
                return self.retold(today, True, note, caveats, progress_band="target_achieved", **trend)
            higher = self.rule.direction == "higher"
            try:
                ratio, observed, required = progress.cagr_ratio(
                    (first.year, first.value), (last.year, last.value), (year, level), higher
                )
            except progress.CannotAssess as exc:
                return self.fallback(today, str(exc))
            band = progress.ratio_band(ratio)
            note = (
                f"from {self.fmt(first.value)} in {first.year} to {self.fmt(last.value)} in {last.year} the value"
                f" changed {observed:+.1%} a year; meeting {aim} needs {required:+.1%} a year from {first.year}:"
                f" a ratio of {ratio:.2f}, {band} progress."
            )
            rates = {"progress_ratio": ratio, "observed_rate": observed, "required_rate": required}
            return self.retold(today, ratio >= progress.ON_TRACK_RATIO, note, caveats, progress_band=band, **rates, **trend)
        line = progress.fit([(y, o.value) for y, o in points.items()])
        projected, meets, projects = project(line)
        note = (
            f"the least-squares line through the {len(points)} comparable whole years {first.year}-{last.year}"
            f" changes by {_signed(self, line.slope)} a year and {projects}."
        )
        relative = line.slope / abs(line.mean) if line.mean else None
        return self.retold(today, meets, note, caveats, projected_value=projected, observed_rate=relative, **trend)

    def retold(self, today: Assessment, on_track: bool, how: str, caveats: Sequence[str], **trend: object):
        note = _join(f"By the trend ({self.method}): {how}", *caveats)
        return replace(today, status="on_track" if on_track else "off_track", note=note, **trend)

    def fallback(self, today: Assessment, reason: str) -> Assessment:
        """`today` judged by latest_value although a trend method was asked for, saying why."""
        if self.method == "latest_value":
            return today
        note = f"Judged by latest_value, as {self.method} cannot be used here: {reason}."
        return replace(today, note=_join(today.note, note), method_fallback=reason)

    def decided(self, base: Assessment, status: Status, note: str, decisive: Observation, **extra: object):
        """`base` with `status` and `note`, assessed on `decisive`'s year and value."""
        return replace(
            base,
            status=status,
            note=_join(note, base.note),
            assessed_year=decisive.year,
            assessed_value=decisive.value,
            gap=decisive.value - self.rule.value,
            **extra,
        )


def _values_by_year(series: Sequence[Observation], name: str | None) -> ByYear:
    """The observations that carry a value, by year, sorted. Which of two rows for a year counts is
    the caller's decision, so duplicates raise instead of one silently winning."""
    by_year: ByYear = {}
    for observation in series:
        if observation.year in by_year:
            raise ValueError(f"series {name!r}: duplicate year {observation.year}")
        by_year[observation.year] = observation
    return {year: by_year[year] for year in sorted(by_year) if by_year[year].value is not None}


def _whole(observed: ByYear) -> ByYear:
    """The years with a whole-year figure: a year-to-date figure is never used as a year."""
    return {y: o for y, o in observed.items() if o.complete}


def _window(observed: ByYear, start: int | None, end: int | None) -> ByYear:
    return {y: o for y, o in observed.items() if (start is None or y >= start) and (end is None or y <= end)}


def _comparable(
    known: ByYear, breaks: Sequence[int], after: int | None, upto: int
) -> tuple[ByYear, tuple[int, ...], int | None]:
    """The values comparable with the target's years, the years left out, and the break that leaves them
    out: the latest in (`after`, `upto`], as values from before it follow the old definition."""
    cut = max((b for b in breaks if (after is None or b > after) and b <= upto), default=None)
    if cut is None:
        return known, (), None
    return {y: o for y, o in known.items() if y >= cut}, tuple(y for y in known if y < cut), cut


def _trend_points(j: _Judging, observed: ByYear, breaks: Sequence[int], upto: int) -> ByYear:
    """The comparable whole years a trend is read from: whole years that are over, up to `upto`, from
    the latest series break on (values before it follow the old definition)."""
    known, _, _ = _comparable(_whole(observed), breaks, after=None, upto=upto)
    return {y: o for y, o in known.items() if y <= upto and j.over(y)}


def _verb(meets: bool) -> str:
    return "meets" if meets else "does not meet"


def _signed(j: _Judging, value: float) -> str:
    return ("+" if value >= 0 else "") + j.fmt(value)


def _are(count: int) -> str:
    return f"is {count}" if count == 1 else f"are {count}"


def _no_data(base: Assessment, *sentences: str) -> Assessment:
    return replace(base, status="no_data", note=_join(*sentences, base.note))


def _status(meets: bool, final: bool) -> Status:
    if final:
        return "met" if meets else "not_met"
    return "on_track" if meets else "off_track"


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)
