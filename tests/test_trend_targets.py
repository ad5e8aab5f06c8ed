"""Targets not decided yet judged by the trend, and direction goals (docs/target-rules.md, "Progress from
the trend"): indicator_pipeline.targets.assess with each method, on series worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from indicator_pipeline.catalog.model import TargetRule
from indicator_pipeline.targets import Observation, assess

AS_OF = date(2026, 11, 20)
NKI_2026 = TargetRule(id="nki_2026", kind="threshold_in_year", indicator_id="nki", value=60, year=2026)


def series(first: int, *values: float, preliminary: bool = False) -> list[Observation]:
    return [Observation(first + i, v, preliminary) for i, v in enumerate(values)]


RISING = series(2022, 53, 55, 57, 59)  # two points a year, 60 wanted in 2026
FALLING = series(2021, 80, 75, 70, 65, 61)  # about five points a year down


@pytest.mark.parametrize(
    ("observed", "statuses"),
    [
        (RISING, {"latest_value": "off_track", "linear_projection": "on_track", "cagr_ratio": "on_track"}),
        # cagr_ratio, as open-sdg: a latest value that already meets the target is "target achieved"
        (FALLING, {"latest_value": "on_track", "linear_projection": "off_track", "cagr_ratio": "on_track"}),
    ],
    ids=["rising", "falling"],
)
def test_the_issues_examples_by_each_method(observed, statuses):
    for method, status in statuses.items():
        result = assess(NKI_2026, observed, AS_OF, method=method)
        assert (method, result.status, result.method, result.method_fallback) == (method, status, method, None)


def test_the_trend_notes_state_their_inputs():
    linear = assess(NKI_2026, FALLING, AS_OF, method="linear_projection")
    assert linear.projected_value == pytest.approx(55.8)  # 70.2 - 3 * 4.8
    assert linear.trend_base_year == 2021 and linear.trend_base_value == 80
    assert "5 comparable whole years 2021-2025 changes by -4.8 a year and projects 55.8 for 2026" in linear.note
    assert "does not meet the target of at least 60 in 2026" in linear.note
    assert linear.note.endswith("The 2026 figure is not published yet, so this is an indication.")
    cagr = assess(NKI_2026, RISING, AS_OF, method="cagr_ratio")
    assert (cagr.progress_band, round(cagr.progress_ratio, 3)) == ("substantial", 1.155)
    assert "from 53 in 2022 to 59 in 2025 the value changed +3.6% a year" in cagr.note
    assert "needs +3.1% a year from 2022: a ratio of 1.16, substantial progress" in cagr.note
    # the figures behind it stay the latest value's
    assert (cagr.assessed_year, cagr.assessed_value, cagr.gap) == (2025, 59, -1)
    achieved = assess(NKI_2026, FALLING, AS_OF, method="cagr_ratio")
    assert achieved.progress_band == "target_achieved" and "already meets the target" in achieved.note


def test_the_latest_value_note_is_todays_word_for_word():
    assert assess(NKI_2026, RISING, AS_OF, method="latest_value").note == (
        "The latest value (2025) is 59, which does not meet the target of at least 60."
        " The 2026 figure is not published yet, so this is an indication."
    )


def test_fewer_than_three_comparable_whole_years_fall_back_to_the_latest_value():
    two = RISING[-2:]
    today = assess(NKI_2026, two, AS_OF, method="latest_value")
    for method in ("linear_projection", "cagr_ratio"):
        result = assess(NKI_2026, two, AS_OF, method=method)
        assert (result.status, result.method) == (today.status, "latest_value")
        assert result.method_fallback == "it needs three comparable whole years, and there are 2"
        assert result.note == f"{today.note} Judged by latest_value, as {method} cannot be used here: {result.method_fallback}."
    # a series break leaves two comparable years of four; a year-to-date figure is never a year
    broken = assess(NKI_2026, RISING, AS_OF, series_break_years=(2024,), method="linear_projection")
    assert broken.method == "latest_value" and broken.excluded_years == (2022, 2023)
    partial = [*RISING[:2], Observation(2024, 40, complete=False)]
    assert assess(NKI_2026, partial, AS_OF, method="linear_projection").method_fallback is not None


def test_values_of_different_sign_fall_back_with_the_reason():
    result_mnkr = TargetRule(id="r", kind="amount_in_year", indicator_id="result", value=100, year=2026)
    observed = series(2022, -40, -10, 20, 50)
    cagr = assess(result_mnkr, observed, AS_OF, method="cagr_ratio")
    assert cagr.method == "latest_value" and "differ in sign" in cagr.method_fallback
    linear = assess(result_mnkr, observed, AS_OF, method="linear_projection")  # 50 + 30 = 80 < 100
    assert (linear.method, linear.status, linear.projected_value) == ("linear_projection", "off_track", pytest.approx(80))


def test_a_decided_target_is_judged_the_same_by_every_method():
    observed = [*RISING, Observation(2026, 58)]
    judged = {m: assess(NKI_2026, observed, date(2027, 6, 1), method=m) for m in ("latest_value", "linear_projection", "cagr_ratio")}
    assert {(a.status, a.method, a.note) for a in judged.values()} == {(judged["latest_value"].status, "latest_value", judged["latest_value"].note)}
    assert judged["latest_value"].status == "not_met"


def test_a_period_average_projects_its_remaining_years():
    # 2020-2024: 100, 150, 200, 250, 300 (50 a year); 2022-2026 average of at least 295, as of mid-2025.
    # Latest value: the remaining 2025-2026 need (295 * 5 - 750) / 2 = 362.5 a year; 300 does not keep that pace.
    # Linear: 2025 350 and 2026 400, so (750 + 750) / 5 = 300 >= 295.
    rule = TargetRule(id="avg", kind="period_average", indicator_id="x", value=295, start_year=2022, end_year=2026)
    observed = series(2020, 100, 150, 200, 250, 300)
    as_of = date(2025, 6, 1)
    assert assess(rule, observed, as_of, method="latest_value").status == "off_track"
    linear = assess(rule, observed, as_of, method="linear_projection")
    assert (linear.status, linear.projected_value) == ("on_track", pytest.approx(300))
    assert "projects 350 for 2025, 400 for 2026; with them the 2022-2026 average would be 300" in linear.note
    # cagr: 100 -> 300 over four years, 31.6 % a year, against 362.5 by 2026 from 100 in 2020, 23.9 % a year: R 1.32
    cagr = assess(rule, observed, as_of, method="cagr_ratio")
    assert (cagr.status, cagr.progress_band, round(cagr.progress_ratio, 2)) == ("on_track", "substantial", 1.32)


def test_a_level_every_year_projects_its_remaining_years():
    # 70, 68, 66, 64 over 2021-2024 meet 63 so far; the line gives 62 in 2025 and 60 in 2026.
    rule = TargetRule(id="sol", kind="threshold_every_year", indicator_id="x", value=63, start_year=2023, end_year=2026)
    observed = series(2021, 70, 68, 66, 64)
    as_of = date(2025, 6, 1)
    assert assess(rule, observed, as_of, method="latest_value").status == "on_track"
    linear = assess(rule, observed, as_of, method="linear_projection")
    assert (linear.status, linear.projected_value) == ("off_track", pytest.approx(60))
    assert "projects 60 for 2026, the weakest of the remaining years (2025-2026)" in linear.note
    assert assess(rule, observed, as_of, method="cagr_ratio").progress_band == "target_achieved"


def test_a_share_is_judged_on_the_share_so_far_whatever_the_method():
    rule = TargetRule(id="s", kind="share", indicator_id="n", denominator_indicator_id="d", value=0.3, start_year=2022, end_year=2026)
    num, den = series(2022, 10, 20, 30), series(2022, 100, 100, 100)
    today = assess(rule, num, AS_OF, denominator=den, method="latest_value")
    trend = assess(rule, num, AS_OF, denominator=den, method="linear_projection")
    assert (trend.status, trend.method) == (today.status, "latest_value")
    assert trend.note.startswith(today.note) and "do not apply to a share" in trend.note


DIRECTION = TargetRule(id="jobs__employed", kind="direction", indicator_id="employed", direction="higher")


@pytest.mark.parametrize(
    ("rule", "observed", "verdict"),
    [
        (DIRECTION, RISING, "improving"),  # +2 a year on a mean of 56: +3.6 % a year
        (TargetRule(id="d", kind="direction", indicator_id="x", direction="lower"), FALLING, "improving"),
        (DIRECTION, FALLING, "worsening"),
        (DIRECTION, series(2022, 100, 100.2, 100.4), "stable"),  # +0.2 % a year, under 0.5 %
    ],
)
def test_direction_verdicts_by_every_method(rule, observed, verdict):
    for method in ("linear_projection", "cagr_ratio", "latest_value"):
        result = assess(rule, observed, AS_OF, method=method)
        assert (method, result.status) == (method, verdict)
        assert result.method == method and result.gap is None and result.assessed_value == observed[-1].value


def test_a_direction_needs_three_comparable_whole_years():
    result = assess(DIRECTION, RISING[:2], AS_OF, method="linear_projection")
    assert result.status == "no_data"
    assert "at least three comparable whole years, and there are 2" in result.note


def test_direction_inputs():
    cagr = assess(DIRECTION, RISING, AS_OF, method="cagr_ratio")
    assert (cagr.trend_base_year, cagr.trend_base_value, cagr.progress_band) == (2022, 53, "substantial")
    assert cagr.observed_rate == pytest.approx((59 / 53) ** (1 / 3) - 1)
    linear = assess(DIRECTION, RISING, AS_OF, method="linear_projection")
    assert linear.observed_rate == pytest.approx(2 / 56)
    latest = assess(DIRECTION, RISING, AS_OF, method="latest_value")
    assert (latest.trend_base_year, latest.observed_rate) == (2024, pytest.approx(2 / 57))


def test_a_plan_declares_methods_and_direction_goals():
    import tomllib

    from indicator_pipeline.catalog.load import bundled_plan_path, parse_plan
    from indicator_pipeline.errors import CatalogueError

    raw = tomllib.loads(bundled_plan_path().read_text(encoding="utf-8"))
    assert parse_plan(raw).progress_method == "linear_projection"  # no declaration: the default
    raw["plan"]["progress_method"] = "cagr_ratio"
    raw["goals"][0]["targets"][0]["method"] = "latest_value"
    raw["goals"].append({"id": "jobs", "title": "Fler i arbete", "direction": "decrease", "indicators": ["nki_total", "result_adjusted_mnkr"]})
    plan = parse_plan(raw)
    assert (plan.progress_method, plan.goals[0].targets[0].method) == ("cagr_ratio", "latest_value")
    assert [(t.id, t.kind, t.indicator_id, t.direction) for t in plan.goals[-1].targets] == [
        ("jobs__nki_total", "direction", "nki_total", "lower"),
        ("jobs__result_adjusted_mnkr", "direction", "result_adjusted_mnkr", "lower"),
    ]
    for goal, problem in (
        ({"direction": "up", "indicators": ["nki_total"]}, "direction 'up' is not one of increase, decrease"),
        ({"direction": "increase"}, "names its indicators"),
        ({"direction": "increase", "indicators": ["nowhere"]}, "unknown indicator 'nowhere'"),
    ):
        raw["goals"][-1] = {"id": "jobs", "title": "Fler i arbete", **goal}
        with pytest.raises(CatalogueError, match=problem):
            parse_plan(raw)
    raw["goals"].pop()
    raw["plan"]["progress_method"] = "gut_feeling"
    with pytest.raises(CatalogueError, match="progress_method 'gut_feeling' is not one of linear_projection, cagr_ratio, latest_value"):
        parse_plan(raw)
