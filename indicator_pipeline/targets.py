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
from indicator_pipeline.wording import Text, figure, join, say

Status = Literal[
    "met", "not_met", "on_track", "off_track", "no_data", "no_numeric_target", "improving", "stable", "worsening"
]
# A year row of marts.indicator_vs_target may also be a year-to-date figure, never judged as a year.
YearStatus = Literal[Status, "incomplete"]
_NOT_FINAL = say("not_final")


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
    note_sv: str = ""  # the same in Swedish (both from notes.toml)
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
        return replace(judging.base(observed, None, None), status="no_numeric_target", **_noted(say("no_numeric_target")))
    if rule.kind in ("threshold_in_year", "amount_in_year"):
        return _assess_in_year(judging, observed, series_break_years)
    if rule.kind == "threshold_every_year":
        return _assess_every_year(judging, observed, series_break_years)
    if rule.kind == "period_average":
        return _assess_period_average(judging, observed, series_break_years)
    if rule.kind == "direction":
        return _assess_direction(judging, observed, series_break_years)
    # share: the last kind of TargetKind, which the plan model validates
    if denominator is None:
        raise ValueError(f"target {rule.id!r}: a share rule needs the denominator series")
    den = _values_by_year(denominator, rule.denominator_indicator_id)
    return _assess_share(judging, observed, den, replace(judging, publication=denominator_publication))


# --- the kinds -------------------------------------------------------------------------------------


def _assess_in_year(j: _Judging, observed: ByYear, breaks: Sequence[int]) -> Assessment:
    """The target year's value decides; before it is published, the latest earlier value indicates."""
    year = j.rule.year
    known, excluded, cut = _comparable(_whole(observed), breaks, after=None, upto=year)
    base = j.base(known, None, year, excluded, cut)
    if year in known:
        return j.judged(base, known[year], j.final(known[year]), say("subject_year_value", year=year))
    if any(y > year for y in known):
        return _no_data(base, say("no_target_year_figure", year=year))
    waiting = j.partial_note(observed, [year])
    pending, overdue = j.lacking(range(year, year + 1), known)
    base = replace(base, pending_years=pending, overdue_years=overdue)
    if overdue:
        return j.cannot_judge(base, overdue, say("span_target_year", year=year), say("what_target"), waiting)
    if not known:
        return _no_data(base, say("no_comparable_value"), waiting)
    # Not decided yet: the latest comparable value indicates the direction, or the trend does.
    latest = known[max(known)]
    caveat = say("not_published_yet", year=year, expected=j.expected(year))
    today = j.judged(base, latest, False, say("subject_latest_value", year=latest.year), join(caveat, waiting))
    aim = say("aim_in_year", target=j.target(), year=year)

    def project(line: progress.Line) -> tuple[float, bool, Text]:
        value = line.at(year)
        return value, j.meets(value), say("projects_year", value=j.fmt(value), year=year, verb=_verb(j.meets(value)), aim=aim)

    points = _trend_points(j, observed, breaks, year)
    return j.by_trend(today, points, (year, j.rule.value, aim), project, caveat, waiting, _note(base))


def _assess_every_year(j: _Judging, observed: ByYear, breaks: Sequence[int]) -> Assessment:
    """Each year of the period must meet the target: one final year below it decides not_met, whatever
    comes after; otherwise the period is met once it is over with every year's figure final."""
    start, end = j.rule.start_year, j.rule.end_year
    known = _window(_whole(observed), start, end)
    base = j.base(known, start, end)

    def listed(years: Sequence[int]) -> Text:
        return join(*(say("year_value", year=y, value=j.fmt(known[y].value)) for y in years), sep=", ")

    failing = tuple(y for y, o in known.items() if j.final(o) and not j.meets(o.value))
    if failing:
        note = say("every_year_failed", years=listed(failing))
        return j.decided(base, "not_met", note, known[failing[-1]], failing_years=failing)
    first = start if start is not None else min(known, default=j.as_of.year)
    last = end if end is not None else j.as_of.year
    pending, overdue = j.lacking(range(first, last + 1), known)
    base = replace(base, pending_years=pending, overdue_years=overdue, missing_years=overdue)
    waiting = join(j.pending_note(pending), j.partial_note(observed, pending))
    period_over = end is not None and j.over(end)
    if period_over and end in overdue:
        return j.cannot_judge(base, overdue, say("span_period", first=first, last=last), say("what_target"))
    if not known:
        return _no_data(base, say("no_value"), waiting)
    below = [y for y in known if not j.meets(known[y].value)]
    if below:
        note = say("every_year_below", years=listed(below))
        return j.decided(base, "off_track", join(note, waiting), known[below[-1]])
    latest = known[max(known)]
    decided = all(j.final(o) for o in known.values()) and not pending and (period_over or end is None)
    note = say("every_year_meets", count=len(known), year=latest.year, target=j.target())
    if not decided:
        note = join(note, say("period_not_over"))
    missing = say("no_figure_for", years=", ".join(map(str, overdue))) if overdue else Text()
    today = j.decided(base, "met" if decided else "on_track", join(note, missing, waiting), latest)
    to_come = [y for y in range(latest.year + 1, end + 1) if y not in overdue] if end is not None else []
    if decided or not to_come:
        return today
    aim = say("aim_every_year", target=j.target(), end=end)

    def project(line: progress.Line) -> tuple[float, bool, Text]:
        weakest = (min if j.rule.direction == "higher" else max)(to_come, key=line.at)
        value, meets = line.at(weakest), j.meets(line.at(weakest))
        span = (to_come[0], to_come[-1])  # a range: a hyphen in English, an en dash in Swedish
        years = Text("%d-%d" % span, "%d–%d" % span) if len(to_come) > 1 else str(weakest)
        return value, meets, say("projects_weakest", value=j.fmt(value), year=weakest, years=years, verb=_verb(meets), aim=aim)

    points = _trend_points(j, observed, breaks, end)
    return j.by_trend(today, points, (end, j.rule.value, aim), project, missing, waiting)


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
    so_far = join(j.pending_note(pending), j.partial_note(in_period, pending))
    newest = max((y for y in in_period if y not in known), default=None)
    if newest is not None and newest > max(known, default=first - 1):
        current = in_period[newest]
        base = replace(base, latest_year=current.year, latest_value=current.value, latest_preliminary=True)
        if not j.over(newest):
            so_far = join(so_far, say("year_not_over", year=current.year, value=j.fmt(current.value)))
    if end in overdue:
        return j.cannot_judge(base, overdue, say("span_period", first=first, last=end), say("what_average"))
    if not known:
        return _no_data(base, say("no_completed_year", start=start, end=end), so_far)
    values = [o.value for o in known.values()]
    average, remaining = fmean(values), base.years_remaining
    latest = known[max(known)]  # the latest completed year
    subject = say("subject_average", start=start, end=end, count=len(values))
    if remaining == 0:
        final = all(j.final(o) for o in known.values())
        return j.judged(base, Observation(latest.year, average), final, subject, average_so_far=average)
    # Overdue years count neither in the average nor as still to come, hence len(values) + remaining.
    required = (target * (len(values) + remaining) - sum(values)) / remaining
    keeps_pace = j.meets(latest.value, required)
    over = say("remaining_year") if remaining == 1 else say("remaining_years", count=remaining)
    note = say(
        "average_pace", subject=subject, average=j.fmt(average), target=j.fmt(target), required=j.fmt(required),
        remaining=over, latest=j.fmt(latest.value), year=latest.year, keeps=say("keeps" if keeps_pace else "does_not_keep"),
    )
    status = "on_track" if keeps_pace else "off_track"
    extra = {"average_so_far": average, "required_per_remaining_year": required}
    today = j.decided(base, status, join(note, so_far), Observation(latest.year, average), **extra)
    to_come = [*base.pending_years, *(y for y in range(start, end + 1) if not j.over(y))]

    def project(line: progress.Line) -> tuple[float, bool, Text]:
        projected = {y: line.at(y) for y in to_come}
        whole = (sum(values) + sum(projected.values())) / (len(values) + len(projected))
        listed = join(*(say("projected_year", value=j.fmt(v), year=y) for y, v in projected.items()), sep=", ")
        verb = _verb(j.meets(whole))
        return whole, j.meets(whole), say(
            "projects_average", values=listed, start=start, end=end, average=j.fmt(whole), verb=verb, target=j.target()
        )

    aim = say("aim_required", required=j.fmt(required), end=end)
    points = _trend_points(j, observed, breaks, end)
    return j.by_trend(today, points, (end, required, aim), project, so_far, _note(base))


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
    waiting = join(j.pending_note(pending), j.partial_note(denominator, pending))
    if end in overdue:
        return j.cannot_judge(base, (end,), say("span_period", first=start, last=end), say("what_share"))
    if not years:
        return _no_data(base, say("no_share_year"), waiting)
    den_sum = sum(den[y].value for y in years)
    if den_sum == 0:
        return _no_data(base, say("zero_total"))
    share = sum(num[y].value for y in years) / den_sum
    final = base.years_remaining == 0 and all(j.final(o) for o in shares.values())
    subject = say("subject_share", start=start, end=end, count=len(years))
    caveat = join(_NOT_FINAL, waiting)
    today = j.judged(base, Observation(years[-1], share), final, subject, caveat, share_so_far=share)
    return today if final else j.fallback(today, say("share_no_trend"))


def _assess_direction(j: _Judging, observed: ByYear, breaks: Sequence[int]) -> Assessment:
    """improving / stable / worsening from the trend of the comparable whole years (progress.verdict):
    linear_projection's relative slope, cagr_ratio's growth from the first year to the latest, or
    latest_value's growth over the latest step, each in the wanted direction."""
    points = _trend_points(j, observed, breaks, j.as_of.year)
    _, excluded, cut = _comparable(_whole(observed), breaks, after=None, upto=j.as_of.year)
    base = j.base(points, None, None, excluded, cut)
    if len(points) < 3:
        return _no_data(base, say("direction_too_few", there=_there_are(len(points))))
    higher = j.rule.direction == "higher"
    wanted = say("increase" if higher else "decrease")
    years = list(points)
    method = say(f"method_{j.method}")
    start, last = points[years[-2] if j.method == "latest_value" else years[0]], points[years[-1]]
    try:
        if j.method == "linear_projection":
            line = progress.fit([(y, o.value) for y, o in points.items()])
            rate = progress.relative_slope(line, higher)
            observed_rate = line.slope / abs(line.mean)
            how = say("line_relative", line=j.line(points, line), rate=figure(observed_rate, "+.2%"), mean=j.fmt(line.mean))
        else:  # cagr_ratio from the first year; latest_value over the latest step
            rate, observed_rate = progress.cagr_rate((start.year, start.value), (last.year, last.value), higher)
            how = j.changed(start, last, figure(observed_rate, "+.2%"))
    except progress.CannotAssess as exc:
        return _no_data(base, say("direction_cannot", method=method, reason=exc.text))
    band, verdict = progress.rate_band(rate), progress.verdict(rate)
    by = say("direction_by_latest" if j.method == "latest_value" else "direction_by_trend")
    note = say("direction", by=by, method=method, how=how, wanted=wanted, verdict=say(f"verdict_{verdict}"),
               band=say(f"band_{band}"))
    return replace(
        base, status=verdict, **_noted(join(note, _note(base))), assessed_year=last.year, assessed_value=last.value,
        method=j.method, progress_band=band, observed_rate=observed_rate, trend_base_year=start.year,
        trend_base_value=start.value,
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

    def fmt(self, value: float) -> Text:
        return figure(value, ".1%") if self.rule.kind == "share" else figure(value, ".2f", trim=True)

    def target(self) -> Text:
        return say("at_least" if self.rule.direction == "higher" else "at_most", value=self.fmt(self.rule.value))

    def line(self, points: ByYear, line: progress.Line) -> Text:
        """What the least-squares `line` through `points` does, in words."""
        slope = self.fmt(line.slope)
        sign = "+" if line.slope >= 0 else ""
        signed = Text(sign + slope.en, sign + slope.sv)
        return say("line", count=len(points), first=min(points), last=max(points), slope=signed)

    def changed(self, start: Observation, last: Observation, rate: Text) -> Text:
        return say("changed_from", from_value=self.fmt(start.value), from_year=start.year, to_value=self.fmt(last.value),
                   to_year=last.year, rate=rate)

    def lacking(self, years: range, whole: Collection[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(pending, overdue) among `years` that are over and not in `whole`."""
        lacking = [y for y in years if self.over(y) and y not in whole]
        overdue = tuple(y for y in lacking if self.publication and self.publication.overdue(y, self.as_of))
        return tuple(y for y in lacking if y not in overdue), overdue

    def expected(self, year: int) -> Text:
        return say("expected", date=self.publication.due(year).isoformat()) if self.publication else Text()

    def pending_note(self, pending: Sequence[int]) -> Text:
        return join(*(say("pending", year=y, expected=self.expected(y)) for y in pending))

    def partial_note(self, observed: ByYear, years: Collection[int]) -> Text:
        partial = [y for y in sorted(years) if y in observed and not observed[y].complete]
        return join(*(say("partial", year=y, value=self.fmt(observed[y].value)) for y in partial))

    def cannot_judge(
        self, base: Assessment, overdue: Sequence[int], span: Text, what: Text, *more: Text
    ) -> Assessment:
        """no_data: the figure of the last year of `span` is overdue, and `span` is over."""
        overdue_note = join(*(say("overdue", year=y, expected=self.expected(y)) for y in overdue))
        return _no_data(base, overdue_note, say("cannot_judge", span=span, what=what), *more)

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
        changed = say("series_changed", year=cut)
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
            **_noted(changed if excluded else Text()),
            pending_years=pending,
            overdue_years=overdue,
        )

    def judged(
        self, base: Assessment, decisive: Observation, final: bool, what: Text, caveat=_NOT_FINAL, **extra
    ) -> Assessment:
        """Met/not_met on `decisive` (`what`) when `final`, else on_track/off_track and `caveat`."""
        meets = self.meets(decisive.value)
        note = say("judged", what=what, value=self.fmt(decisive.value), verb=_verb(meets), target=self.target())
        if not final:
            note = join(note, caveat)
        return self.decided(base, _status(meets, final), note, decisive, **extra)

    def by_trend(
        self,
        today: Assessment,
        points: ByYear,
        goal: tuple[int, float, Text],
        project: Callable[[progress.Line], tuple[float, bool, Text]],
        *caveats: Text,
    ) -> Assessment:
        """`today` (the latest_value judgement of a target not decided yet) judged again by the trend of
        `points` under a trend method: cagr_ratio towards `goal` (year, level, its words), or
        linear_projection by `project` (what the line projects, whether that meets the target, in
        words). Status, note (then `caveats`) and method change; the assessed figures stay today's."""
        if self.method == "latest_value":
            return today
        if len(points) < 3:
            return self.fallback(today, say("too_few_years", there=_there_are(len(points))))
        first, last = points[min(points)], points[max(points)]
        year, level, aim = goal
        trend = {"method": self.method, "trend_base_year": first.year, "trend_base_value": first.value}
        if self.method == "cagr_ratio":
            if self.meets(last.value, level):
                note = say("already_met", value=self.fmt(last.value), year=last.year, aim=aim)
                return self.retold(today, True, note, caveats, progress_band="target_achieved", **trend)
            higher = self.rule.direction == "higher"
            try:
                ratio, observed, required = progress.cagr_ratio(
                    (first.year, first.value), (last.year, last.value), (year, level), higher
                )
            except progress.CannotAssess as exc:
                return self.fallback(today, exc.text)
            band = progress.ratio_band(ratio)
            note = say(
                "cagr_progress", changed=self.changed(first, last, figure(observed, "+.1%")), aim=aim,
                required=figure(required, "+.1%"), year=first.year, ratio=figure(ratio, ".2f"), band=say(f"band_{band}"),
            )
            rates = {"progress_ratio": ratio, "observed_rate": observed, "required_rate": required}
            return self.retold(today, ratio >= progress.ON_TRACK_RATIO, note, caveats, progress_band=band, **rates, **trend)
        line = progress.fit([(y, o.value) for y, o in points.items()])
        projected, meets, projects = project(line)
        note = say("line_projects", line=self.line(points, line), projects=projects)
        relative = line.slope / abs(line.mean) if line.mean else None
        return self.retold(today, meets, note, caveats, projected_value=projected, observed_rate=relative, **trend)

    def retold(self, today: Assessment, on_track: bool, how: Text, caveats: Sequence[Text], **trend: object):
        note = join(say("by_trend", method=say(f"method_{self.method}"), how=how), *caveats)
        return replace(today, status="on_track" if on_track else "off_track", **_noted(note), **trend)

    def fallback(self, today: Assessment, reason: Text) -> Assessment:
        """`today` judged by latest_value though a trend method was asked for, saying why (method_fallback: English)."""
        if self.method == "latest_value":
            return today
        note = say("fallback", method=say(f"method_{self.method}"), reason=reason)
        return replace(today, **_noted(join(_note(today), note)), method_fallback=reason.en)

    def decided(self, base: Assessment, status: Status, note: Text, decisive: Observation, **extra: object):
        """`base` with `status` and `note`, assessed on `decisive`'s year and value."""
        return replace(
            base,
            status=status,
            **_noted(join(note, _note(base))),
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


def _verb(meets: bool) -> Text:
    return say("meets" if meets else "does_not_meet")


def _there_are(count: int) -> Text:
    return say("there_is_one" if count == 1 else "there_are", count=count)


def _note(assessment: Assessment) -> Text:
    return Text(assessment.note, assessment.note_sv)


def _noted(note: Text) -> dict[str, str]:
    """An assessment's fields for `note` in both languages."""
    return {"note": note.en, "note_sv": note.sv}


def _no_data(base: Assessment, *sentences: Text) -> Assessment:
    return replace(base, status="no_data", **_noted(join(*sentences, _note(base))))


def _status(meets: bool, final: bool) -> Status:
    if final:
        return "met" if meets else "not_met"
    return "on_track" if meets else "off_track"

