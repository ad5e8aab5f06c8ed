"""The published progress formulas (indicator_pipeline/progress.py) against numbers worked out by hand
from docs/target-rules.md ("Progress from the trend")."""

from __future__ import annotations

import pytest

from indicator_pipeline import progress
from indicator_pipeline.progress import CannotAssess


def test_observed_and_required_growth_and_their_ratio():
    # 53 -> 59 over 2022-2025: (59/53)^(1/3) - 1 = 1.11321^(1/3) - 1 = 0.03640;
    # 60 by 2026 from 53 in 2022: (60/53)^(1/4) - 1 = 1.13208^(1/4) - 1 = 0.03150; R = 0.03640 / 0.03150 = 1.155.
    ratio, observed, required = progress.cagr_ratio((2022, 53), (2025, 59), (2026, 60), higher=True)
    assert observed == pytest.approx(0.03640, abs=1e-5)
    assert required == pytest.approx(0.03150, abs=1e-5)
    assert ratio == pytest.approx(1.155, abs=1e-3)
    assert progress.ratio_band(ratio) == "substantial"


def test_a_decrease_wanted_turns_the_ratio_around():
    # 80 -> 61 over 2021-2025 while 60 is wanted by 2026 as a ceiling: growth -6.55 % a year
    # ((61/80)^(1/4) = 0.93446); required (60/80)^(1/5) - 1 = -5.59 %; R = -1 * -0.06554 / 0.05591 = 1.172.
    ratio, observed, required = progress.cagr_ratio((2021, 80), (2025, 61), (2026, 60), higher=False)
    assert observed == pytest.approx(-0.06554, abs=1e-5)
    assert required == pytest.approx(-0.05591, abs=1e-5)
    assert ratio == pytest.approx(1.172, abs=1e-3)


def test_a_negative_base_growing_towards_zero_is_an_increase():
    # -10 -> -5 over two years: (0.5)^(1/2) - 1 = -0.2929; s = -1, so P = +0.2929 when an increase is wanted.
    rate, observed = progress.cagr_rate((2020, -10), (2022, -5), higher=True)
    assert observed == pytest.approx(-0.29289, abs=1e-5)
    assert rate == pytest.approx(0.29289, abs=1e-5)
    assert progress.verdict(rate) == "improving"


def test_zero_is_read_as_a_thousandth_and_a_change_of_sign_has_no_rate():
    assert progress.cagr((2020, 0), (2021, 0.002)) == pytest.approx(1.0)  # 0.002 / 0.001 - 1
    ratio, _, required = progress.cagr_ratio((2020, 1), (2021, 0.5), (2022, 0), higher=False)
    assert required == pytest.approx(0.001 ** 0.5 - 1)
    with pytest.raises(CannotAssess, match="differ in sign"):
        progress.cagr((2020, 3), (2022, -1))
    with pytest.raises(CannotAssess, match="no years"):
        progress.cagr((2022, 3), (2022, 4))


def test_least_squares_line():
    # 80, 75, 70, 65, 61 over 2021-2025: mean year 2023, mean 70.2; sum dx*dy = -48, sum dx^2 = 10 -> slope -4.8,
    # 2026: 70.2 + 3 * -4.8 = 55.8.
    line = progress.fit([(2021, 80), (2022, 75), (2023, 70), (2024, 65), (2025, 61)])
    assert line.slope == pytest.approx(-4.8)
    assert line.at(2026) == pytest.approx(55.8)
    assert line.mean == pytest.approx(70.2)
    # relative slope -4.8 / 70.2 = -6.84 % a year; a decrease wanted makes it +6.84 %
    assert progress.relative_slope(line, higher=False) == pytest.approx(0.06838, abs=1e-5)
    with pytest.raises(CannotAssess):
        progress.fit([(2021, 1), (2021, 2)])
    with pytest.raises(CannotAssess, match="average 0"):
        progress.relative_slope(progress.fit([(2020, -1), (2021, 1)]), higher=True)


@pytest.mark.parametrize(
    ("ratio", "band"),
    [(0.95, "substantial"), (0.9499, "moderate"), (0.6, "moderate"), (0.5999, "limited"), (0.0, "limited"), (-0.01, "deterioration")],
)
def test_ratio_bands(ratio, band):
    assert progress.ratio_band(ratio) == band


@pytest.mark.parametrize(
    ("rate", "band", "verdict"),
    [
        (0.015, "substantial", "improving"),
        (0.0149, "moderate", "improving"),
        (0.005, "moderate", "improving"),
        (0.0049, "limited", "stable"),
        (0.0, "limited", "stable"),
        (-0.0049, "deterioration", "stable"),
        (-0.005, "deterioration", "worsening"),
    ],
)
def test_rate_bands_and_verdicts(rate, band, verdict):
    assert progress.rate_band(rate) == band
    assert progress.verdict(rate) == verdict
