"""The published formulas for progress from a trend (docs/target-rules.md, "Progress from the trend").

Pure functions, no I/O. `cagr_ratio` and the no-target `cagr_rate` are Eurostat's method as Statistics
Canada and open-sdg implement it (open-sdg/sdg-build `sdg/ProgressMeasure.py`; thresholds from Eurostat
2021); `fit` is the ordinary least squares line of `linear_projection`. Which years go in and what the
result decides is targets.py's business. `higher` is d = +1 (an increase is wanted) when True, -1 when False.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Literal

from indicator_pipeline.wording import figure, say

Band = Literal["target_achieved", "substantial", "moderate", "limited", "deterioration"]
Verdict = Literal["improving", "stable", "worsening"]
Point = tuple[int, float]  # (year, value)
ZERO = 0.001  # open-sdg replaces a base or target of 0 by this, as growth from or to 0 has no rate
ON_TRACK_RATIO = 0.95
# Eurostat's band edges: with a target on the ratio R, without one on the yearly rate P.
RATIO_BANDS = ((ON_TRACK_RATIO, "substantial"), (0.6, "moderate"), (0.0, "limited"))
RATE_BANDS = ((0.015, "substantial"), (0.005, "moderate"), (0.0, "limited"))
# A direction verdict: Eurostat's moderate edge, 0.5 % a year, made symmetric around no change.
VERDICT_EDGE = 0.005


class CannotAssess(ValueError):
    """The formula has no answer for these values: `text` says why, in a sentence's words (notes.toml's
    `key`), in English and Swedish; the message is the English."""

    def __init__(self, key: str, **params: object):
        self.text = say(key, **params)
        super().__init__(self.text.en)


@dataclass(frozen=True)
class Line:
    """y = intercept + slope * year, fitted to the points; `mean` is the mean of their values."""

    slope: float
    intercept: float
    mean: float

    def at(self, year: int) -> float:
        return self.intercept + self.slope * year


def fit(points: Sequence[Point]) -> Line:
    """The ordinary least squares line through (year, value) points (two years at least)."""
    years = [y for y, _ in points]
    if len(set(years)) < 2:
        raise CannotAssess("line_needs_two_years")
    mean_year, mean_value = fmean(years), fmean(v for _, v in points)
    slope = sum((y - mean_year) * (v - mean_value) for y, v in points) / sum((y - mean_year) ** 2 for y in years)
    return Line(slope, mean_value - slope * mean_year, mean_value)


def cagr(base: Point, latest: Point) -> float:
    """Compound annual growth rate from `base` to `latest`: (yt / y0)^(1 / (t - t0)) - 1, a base of 0
    read as 0.001. Values of different sign have no growth rate."""
    (t0, y0), (t, yt) = base, latest
    y0 = y0 or ZERO
    if t <= t0:
        raise CannotAssess("growth_over_no_years", from_year=t0, to_year=t)
    if (y0 < 0) != (yt < 0) and yt != 0:
        raise CannotAssess("values_differ_in_sign", from_year=t0, from_value=figure(y0, "g"), to_year=t, to_value=figure(yt, "g"))
    return (yt / y0) ** (1 / (t - t0)) - 1


def sign(value: float) -> int:
    """s: -1 for a negative base value, else +1 (a growth rate of a negative value runs the other way)."""
    return -1 if value < 0 else 1


def cagr_ratio(base: Point, latest: Point, target: Point, higher: bool) -> tuple[float, float, float]:
    """(R, CAGR_obs, CAGR_req): R = s * d * CAGR_obs / |CAGR_req|, the observed growth from `base` to
    `latest` against the growth `base` needs to reach `target` (year, value; a target of 0 read as 0.001)."""
    observed = cagr(base, latest)
    required = cagr(base, (target[0], target[1] or ZERO))
    if required == 0:
        raise CannotAssess("target_equals_base", year=base[0])
    return sign(base[1]) * (1 if higher else -1) * observed / abs(required), observed, required


def ratio_band(ratio: float) -> Band:
    """Eurostat's band of R: substantial >= 0.95 (on track), moderate >= 0.6, limited >= 0, else deterioration."""
    return next((band for edge, band in RATIO_BANDS if ratio >= edge), "deterioration")


def cagr_rate(base: Point, latest: Point, higher: bool) -> tuple[float, float]:
    """(P, CAGR_obs) without a target: P = s * d * CAGR_obs, the yearly growth in the wanted direction."""
    observed = cagr(base, latest)
    return sign(base[1]) * (1 if higher else -1) * observed, observed


def relative_slope(line: Line, higher: bool) -> float:
    """The line's yearly change relative to the size of the values, slope / |mean|, in the wanted direction."""
    if line.mean == 0:
        raise CannotAssess("values_average_zero")
    return (1 if higher else -1) * line.slope / abs(line.mean)


def rate_band(rate: float) -> Band:
    """Eurostat's band of a yearly rate P: substantial >= 1.5 %, moderate >= 0.5 %, limited >= 0, else deterioration."""
    return next((band for edge, band in RATE_BANDS if rate >= edge), "deterioration")


def verdict(rate: float) -> Verdict:
    """improving at >= +0.5 % a year in the wanted direction, worsening at <= -0.5 %, stable between.
    Float noise at an edge counts as on it, as a value equal to a target meets it."""
    if rate >= VERDICT_EDGE or math.isclose(rate, VERDICT_EDGE, rel_tol=1e-9):
        return "improving"
    if rate <= -VERDICT_EDGE or math.isclose(rate, -VERDICT_EDGE, rel_tol=1e-9):
        return "worsening"
    return "stable"
