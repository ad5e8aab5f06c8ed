"""Target rules (indicator_pipeline.targets): every kind and its edge cases, with pinned as-of dates."""

from __future__ import annotations

from datetime import date

import pytest

from indicator_pipeline.catalog.model import TargetRule
from indicator_pipeline.targets import Observation, Publication, assess, is_final, year_status

MID_2025 = date(2025, 6, 1)  # 2024 is over, 2025 is not
SPRING_2026 = date(2026, 3, 1)  # 2025 is over
SPRING_2027 = date(2027, 3, 1)  # the 2022-2026 period is over

NKI_2025 = TargetRule(id="nki_2025", kind="threshold_in_year", indicator_id="nki_total", value=76, year=2025)
RESULT_2025 = TargetRule(id="result_2025", kind="amount_in_year", indicator_id="result_mnkr", value=316, year=2025)
SOLIDITET = TargetRule(id="soliditet", kind="threshold_every_year", indicator_id="soliditet", value=63)
SMALLHOUSES = TargetRule(
    id="smallhouses", kind="period_average", indicator_id="starts", value=250, start_year=2022, end_year=2026
)
SELF_BUILD = TargetRule(
    id="self_build",
    kind="share",
    indicator_id="self_build_starts",
    denominator_indicator_id="starts",
    value=1 / 3,
    start_year=2022,
    end_year=2026,
)
QUALITATIVE = TargetRule(id="land", kind="none", indicator_id="sellable_land")
SOLIDITET_2023_2026 = TargetRule(
    id="soliditet", kind="threshold_every_year", indicator_id="soliditet", value=63, start_year=2023, end_year=2026
)
QUARTERLY = Publication(lag_days=60, grace_days=30)  # year Y is due 1 March Y+1, overdue from 31 March


def series(values: dict[int, float | None], preliminary: tuple[int, ...] = ()) -> list[Observation]:
    """Observations in reverse year order, so that every test also covers unsorted input."""
    return [Observation(year, value, year in preliminary) for year, value in sorted(values.items(), reverse=True)]


# --- is_final and year_status ----------------------------------------------------------------------


def test_a_value_is_final_only_once_its_year_is_over_and_not_flagged():
    assert not is_final(Observation(2025, 80), date(2025, 12, 31))
    assert is_final(Observation(2025, 80), date(2026, 1, 1))
    assert not is_final(Observation(2025, 80, preliminary=True), date(2027, 1, 1))


@pytest.mark.parametrize(
    ("observation", "as_of", "expected"),
    [
        (Observation(2024, 77), MID_2025, "met"),
        (Observation(2024, 75), MID_2025, "not_met"),
        (Observation(2025, 76), MID_2025, "on_track"),  # equal meets; year not over
        (Observation(2024, 75, preliminary=True), MID_2025, "off_track"),
        (Observation(2024, None), MID_2025, "no_data"),
    ],
)
def test_year_status(observation, as_of, expected):
    assert year_status(NKI_2025, observation, as_of) == expected


def test_year_status_lower_direction_and_no_numeric_target():
    lower = TargetRule(id="costs", kind="threshold_every_year", indicator_id="costs", value=10, direction="lower")
    assert year_status(lower, Observation(2024, 9), MID_2025) == "met"
    assert year_status(lower, Observation(2024, 11), MID_2025) == "not_met"
    assert year_status(QUALITATIVE, Observation(2024, 5), MID_2025) == "no_numeric_target"


# --- threshold_in_year / amount_in_year ------------------------------------------------------------


def test_final_target_year_value_meets_the_threshold():
    result = assess(NKI_2025, series({2024: 74, 2025: 77}), SPRING_2026)
    assert result.status == "met"
    assert (result.assessed_year, result.assessed_value, result.gap) == (2025, 77, 1)
    assert (result.latest_year, result.latest_value, result.latest_preliminary) == (2025, 77, False)
    assert result.years_with_data == 2
    assert result.years_remaining == 0


def test_final_target_year_value_below_the_threshold_is_not_met():
    result = assess(NKI_2025, series({2024: 80, 2025: 75}), SPRING_2026)
    assert result.status == "not_met"
    assert result.gap == -1


@pytest.mark.parametrize(("value", "expected"), [(77, "on_track"), (75, "off_track")])
def test_preliminary_target_year_value_is_on_or_off_track(value, expected):
    result = assess(NKI_2025, series({2025: value}, preliminary=(2025,)), SPRING_2026)
    assert result.status == expected
    assert result.latest_preliminary
    assert "not final" in result.note


def test_target_year_not_over_is_preliminary_even_on_the_last_day():
    result = assess(NKI_2025, series({2025: 80}), date(2025, 12, 31))
    assert result.status == "on_track"


@pytest.mark.parametrize(("value", "expected"), [(77, "on_track"), (70, "off_track")])
def test_before_the_target_year_is_published_the_latest_earlier_value_decides(value, expected):
    result = assess(NKI_2025, series({2023: 90, 2024: value}), MID_2025)
    assert result.status == expected
    assert (result.assessed_year, result.assessed_value) == (2024, value)
    assert result.years_remaining == 1
    assert "2025 figure is not published yet" in result.note


def test_later_year_present_but_target_year_missing_is_no_data():
    result = assess(NKI_2025, series({2024: 80, 2025: None, 2026: 80}), date(2027, 3, 1))
    assert result.status == "no_data"
    assert result.assessed_value is None and result.gap is None
    assert result.missing_years == (2025,)
    assert result.latest_year == 2026
    assert "no figure for the target year 2025" in result.note


def test_values_before_a_series_break_are_ignored_nki_style():
    """Old definition up to 2023 (which met 76), new definition from 2024, target 2025."""
    old = {2019: 80, 2020: 81, 2021: 79, 2022: 80, 2023: 82}
    without_new_value = assess(NKI_2025, series(old), MID_2025, series_break_years=[2024])
    assert without_new_value.status == "no_data"
    assert without_new_value.excluded_years == (2019, 2020, 2021, 2022, 2023)
    assert without_new_value.series_break_in_period
    assert without_new_value.latest_year is None
    assert "changed definition" in without_new_value.note

    with_new_value = assess(NKI_2025, series({**old, 2024: 72}), MID_2025, series_break_years=[2024])
    assert with_new_value.status == "off_track"
    assert (with_new_value.assessed_year, with_new_value.assessed_value) == (2024, 72)
    assert with_new_value.years_with_data == 1


def test_a_break_after_the_target_year_excludes_nothing():
    result = assess(NKI_2025, series({2024: 80}), MID_2025, series_break_years=[2026])
    assert result.status == "on_track"
    assert result.excluded_years == () and not result.series_break_in_period


def test_amount_in_year():
    assert assess(RESULT_2025, series({2025: 320}), SPRING_2026).status == "met"
    assert assess(RESULT_2025, series({2025: 300}), SPRING_2026).status == "not_met"


def test_no_data_at_all():
    result = assess(NKI_2025, [], MID_2025)
    assert result.status == "no_data"
    assert (result.latest_year, result.latest_value, result.years_with_data) == (None, None, 0)
    assert result.years_remaining == 1


# --- threshold_every_year --------------------------------------------------------------------------


def test_every_year_a_final_year_below_target_is_not_met_and_listed():
    result = assess(SOLIDITET, series({2022: 60, 2023: 64}), MID_2025)
    assert result.status == "not_met"
    assert result.failing_years == (2022,)
    assert (result.assessed_year, result.gap) == (2022, -3)
    assert "2022 (60)" in result.note


def test_every_year_a_later_preliminary_year_never_hides_a_final_failure():
    result = assess(SOLIDITET_2023_2026, series({2023: 62, 2024: 70}, preliminary=(2024,)), MID_2025)
    assert result.status == "not_met"
    assert result.failing_years == (2023,)


def test_every_year_all_final_years_meeting_in_an_open_period_is_on_track():
    result = assess(SOLIDITET_2023_2026, series({2023: 64, 2024: 65}), MID_2025)
    assert result.status == "on_track"  # 2025 and 2026 are still to come
    assert (result.assessed_year, result.failing_years) == (2024, ())


def test_every_year_preliminary_year_below_target_is_off_track():
    assert assess(SOLIDITET, series({2023: 70, 2024: 62}, preliminary=(2024,)), MID_2025).status == "off_track"
    assert assess(SOLIDITET, series({2023: 64, 2024: 64}, preliminary=(2024,)), MID_2025).status == "on_track"


def test_every_year_is_met_once_the_period_is_over_with_every_year_final():
    result = assess(SOLIDITET_2023_2026, series({2023: 64, 2024: 65, 2025: 63, 2026: 66}), SPRING_2027, publication=QUARTERLY)
    assert result.status == "met"


def test_every_year_period_over_whose_last_year_never_arrived_is_no_data():
    late = date(2029, 6, 1)
    result = assess(SOLIDITET_2023_2026, series({2023: 64, 2024: 65, 2025: 66}), late, publication=QUARTERLY)
    assert result.status == "no_data"
    assert result.overdue_years == (2026,)
    assert "2026" in result.note and "overdue" in result.note
    # within the publication lag the last year is pending: still on track
    result = assess(SOLIDITET_2023_2026, series({2023: 64, 2024: 65, 2025: 66}), date(2027, 2, 1), publication=QUARTERLY)
    assert (result.status, result.pending_years) == ("on_track", (2026,))


def test_every_year_window_ignores_years_outside_it():
    windowed = TargetRule(
        id="w", kind="threshold_every_year", indicator_id="s", value=63, start_year=2020, end_year=2023
    )
    result = assess(windowed, series({2019: 10, 2021: 64, 2022: 65, 2023: None, 2024: 10}), MID_2025, publication=QUARTERLY)
    assert result.status == "no_data"  # the period 2020-2023 is over and 2023 never arrived
    assert result.overdue_years == (2020, 2023)
    result = assess(windowed, series({2019: 10, 2021: 64, 2022: 65, 2023: 66, 2024: 10}), MID_2025, publication=QUARTERLY)
    assert result.status == "met"  # 2019 and 2024 are outside the window; 2020 is missing, the rest meet
    assert (result.assessed_year, result.missing_years) == (2023, (2020,))


def test_every_year_without_data_is_no_data():
    assert assess(SOLIDITET, series({2024: None}), MID_2025).status == "no_data"


def test_direction_lower():
    lower = TargetRule(id="costs", kind="threshold_every_year", indicator_id="costs", value=10, direction="lower")
    met = assess(lower, series({2024: 9}), MID_2025)
    assert met.status == "met"
    assert met.gap == -1
    assert "at most 10" in met.note
    assert assess(lower, series({2024: 11}), MID_2025).status == "not_met"


# --- period_average --------------------------------------------------------------------------------


def test_period_not_over_required_per_remaining_year_off_track():
    result = assess(SMALLHOUSES, series({2022: 240, 2023: 210, 2024: 260}), MID_2025)
    assert result.required_per_remaining_year == pytest.approx((1250 - 710) / 2)  # 270
    assert result.status == "off_track"  # 260 a year does not reach 270
    assert result.average_so_far == pytest.approx(710 / 3)
    assert result.assessed_value == result.average_so_far
    assert result.gap == pytest.approx(710 / 3 - 250)
    assert (result.assessed_year, result.years_with_data, result.years_remaining) == (2024, 3, 2)


def test_period_not_over_on_track_when_keeping_the_latest_level_reaches_the_target():
    result = assess(SMALLHOUSES, series({2022: 240, 2023: 210, 2024: 270}), MID_2025)
    assert result.required_per_remaining_year == pytest.approx((1250 - 720) / 2)  # 265
    assert result.status == "on_track"  # the average so far (240) is below 250 all the same
    assert result.gap == pytest.approx(-10)


def test_period_missing_year_counts_neither_in_the_average_nor_as_remaining():
    result = assess(SMALLHOUSES, series({2022: 240, 2023: None, 2024: 260}), MID_2025, publication=QUARTERLY)
    assert result.missing_years == (2023,)
    assert result.average_so_far == pytest.approx(250)  # not (240 + 0 + 260) / 3
    assert (result.years_with_data, result.years_remaining) == (2, 2)
    assert result.required_per_remaining_year == pytest.approx((250 * 4 - 500) / 2)
    assert result.status == "on_track"


def test_period_series_break_inside_the_period_excludes_earlier_years():
    result = assess(SMALLHOUSES, series({2022: 400, 2023: 400, 2024: 200, 2025: 230}), SPRING_2026, [2024])
    assert result.excluded_years == (2022, 2023)
    assert result.series_break_in_period
    assert result.average_so_far == pytest.approx(215)  # with 2022-2023 it would be 307.5
    assert result.missing_years == ()
    assert result.required_per_remaining_year == pytest.approx(250 * 3 - 430)  # one year left: 320
    assert result.status == "off_track"


def test_period_break_in_the_first_year_excludes_nothing_outside_the_window():
    result = assess(SMALLHOUSES, series({2021: 10, 2022: 260}), MID_2025, series_break_years=[2022])
    assert result.excluded_years == ()
    assert result.average_so_far == 260


def test_period_complete_and_final_met_when_average_reaches_target():
    result = assess(SMALLHOUSES, series({2022: 250, 2023: 260, 2024: 240, 2025: 255, 2026: 245}), SPRING_2027)
    assert result.status == "met"  # average exactly 250
    assert result.years_remaining == 0
    assert result.required_per_remaining_year is None
    assert result.assessed_year == 2026


def test_period_complete_and_final_not_met():
    result = assess(SMALLHOUSES, series({2022: 250, 2023: 260, 2024: 240, 2025: 255, 2026: 240}), SPRING_2027)
    assert result.status == "not_met"
    assert result.gap == pytest.approx(-1)


@pytest.mark.parametrize(("last", "expected"), [(300, "on_track"), (200, "off_track")])
def test_period_complete_with_preliminary_last_year(last, expected):
    values = {2022: 250, 2023: 250, 2024: 250, 2025: 250, 2026: last}
    result = assess(SMALLHOUSES, series(values, preliminary=(2026,)), SPRING_2027)
    assert result.status == expected
    assert result.latest_preliminary


def test_period_lower_direction_required_level():
    lower = TargetRule(
        id="cost", kind="period_average", indicator_id="c", value=10, start_year=2022, end_year=2025,
        direction="lower",
    )
    result = assess(lower, series({2022: 12, 2023: 10}), MID_2025)
    assert result.required_per_remaining_year == pytest.approx((40 - 22) / 2)  # 9
    assert result.status == "off_track"  # latest 10 is above the 9 a year still allowed


NOV_2026 = date(2026, 11, 20)  # 2026 is not over: its value is a sum of three quarters


def test_period_value_for_a_year_not_over_is_latest_but_not_in_the_average():
    values = {2022: 310, 2023: 196, 2024: 172, 2025: 241, 2026: 171}
    result = assess(SMALLHOUSES, series(values, preliminary=(2026,)), NOV_2026)
    assert result.average_so_far == pytest.approx(919 / 4)  # 229.75: 2026's partial sum is left out
    assert (result.years_with_data, result.years_remaining) == (4, 1)  # 2026 is still to come
    assert result.required_per_remaining_year == pytest.approx(250 * 5 - 919)  # 331
    assert (result.latest_year, result.latest_value, result.latest_preliminary) == (2026, 171, True)
    assert result.assessed_year == 2025  # the average runs up to the latest completed year
    assert result.status == "off_track"  # 2025's 241 does not keep the pace of 331
    assert "2026 figure so far, 171" in result.note


def test_period_partial_year_is_not_taken_as_the_pace_nor_flagged_by_the_source_alone():
    # Unflagged by the source, the partial year is still not over: it neither counts nor sets the pace.
    values = {2022: 310, 2023: 196, 2024: 172, 2025: 241, 2026: 400}
    result = assess(SMALLHOUSES, series(values), NOV_2026)
    assert result.average_so_far == pytest.approx(229.75)
    assert result.latest_preliminary
    assert result.status == "off_track"


def test_period_only_a_partial_year_is_no_data_but_shows_it():
    result = assess(SMALLHOUSES, series({2022: 120}), date(2022, 9, 1))
    assert result.status == "no_data"
    assert (result.latest_year, result.latest_value, result.latest_preliminary) == (2022, 120, True)
    assert (result.years_with_data, result.years_remaining) == (0, 5)
    assert result.average_so_far is None


def test_period_completed_preliminary_year_counts_but_prevents_met():
    values = {2022: 260, 2023: 260, 2024: 260, 2025: 260, 2026: 260}
    final = assess(SMALLHOUSES, series(values), SPRING_2027)
    revised = assess(SMALLHOUSES, series(values, preliminary=(2025,)), SPRING_2027)
    assert final.status == "met"
    assert revised.average_so_far == pytest.approx(260)  # 2025 counts although SCB still revises it
    assert revised.status == "on_track"
    # Before the period is over, the preliminary completed year counts in the average as well.
    early = assess(SMALLHOUSES, series({2022: 200, 2023: 200, 2024: 200, 2025: 300}, preliminary=(2025,)), SPRING_2026)
    assert early.average_so_far == pytest.approx(225)
    assert early.required_per_remaining_year == pytest.approx(250 * 5 - 900)  # 350
    assert early.latest_year == 2025 and early.latest_preliminary


def test_period_without_data_is_no_data():
    result = assess(SMALLHOUSES, series({2020: 300}), MID_2025)
    assert result.status == "no_data"
    assert result.years_remaining == 5


# --- share -----------------------------------------------------------------------------------------


SELF_BUILD_NUMERATOR = {2022: 80, 2023: 90, 2024: 70, 2025: 90, 2026: 80}
SELF_BUILD_DENOMINATOR = {2022: 250, 2023: 250, 2024: 240, 2025: 260, 2026: 200}


def test_share_met_when_period_over_and_final():
    result = assess(
        SELF_BUILD, series(SELF_BUILD_NUMERATOR), SPRING_2027, denominator=series(SELF_BUILD_DENOMINATOR)
    )
    assert result.share_so_far == pytest.approx(410 / 1200)
    assert result.status == "met"
    assert result.required_per_remaining_year is None
    assert result.latest_value == pytest.approx(80 / 200)


def test_share_with_preliminary_denominator_is_on_track():
    denominator = series(SELF_BUILD_DENOMINATOR, preliminary=(2026,))
    result = assess(SELF_BUILD, series(SELF_BUILD_NUMERATOR), SPRING_2027, denominator=denominator)
    assert result.status == "on_track"
    assert result.latest_preliminary


def test_share_period_not_over_is_on_track():
    result = assess(
        SELF_BUILD, series({2022: 90, 2023: 80}), MID_2025, denominator=series({2022: 250, 2023: 230, 2024: 240})
    )
    assert result.status == "on_track"
    assert result.share_so_far == pytest.approx(170 / 480)
    assert result.years_remaining == 3
    assert result.assessed_year == 2023


def test_share_leaves_out_a_year_not_yet_over():
    # Mid-2025: 2025's figures cover part of the year only (e.g. two quarters of starts against a
    # whole-year file), so the share so far is over 2022-2024: (90 + 80 + 60) / (250 + 230 + 240).
    result = assess(
        SELF_BUILD,
        series({2022: 90, 2023: 80, 2024: 60, 2025: 70}),
        MID_2025,
        denominator=series({2022: 250, 2023: 230, 2024: 240, 2025: 100}),
    )
    assert result.share_so_far == pytest.approx(230 / 720)
    assert result.assessed_year == 2024


def test_share_zero_denominator_is_no_data():
    result = assess(SELF_BUILD, series({2022: 0, 2023: 0}), MID_2025, denominator=series({2022: 0, 2023: 0}))
    assert result.status == "no_data"
    assert result.share_so_far is None
    assert "zero" in result.note


def test_share_year_without_denominator_is_left_out():
    result = assess(
        SELF_BUILD,
        series({2022: 100, 2023: 500, 2024: 80}),
        MID_2025,
        denominator=series({2022: 300, 2023: None, 2024: 240}),
        denominator_publication=QUARTERLY,
    )
    assert result.share_so_far == pytest.approx(180 / 540)
    assert result.missing_years == (2023,)
    assert result.years_with_data == 2


def test_share_without_denominator_series_is_a_caller_error():
    with pytest.raises(ValueError, match="denominator"):
        assess(SELF_BUILD, series({2022: 1}), MID_2025)


# --- none, duplicates ------------------------------------------------------------------------------


def test_no_numeric_target_still_reports_the_latest_value():
    result = assess(QUALITATIVE, series({2023: 4.5, 2024: 6.0}), MID_2025)
    assert result.status == "no_numeric_target"
    assert (result.latest_year, result.latest_value) == (2024, 6.0)
    assert result.gap is None

    without_indicator = TargetRule(id="direction", kind="none", indicator_id=None)
    assert assess(without_indicator, [], MID_2025).status == "no_numeric_target"


def test_duplicate_years_raise_naming_the_year():
    with pytest.raises(ValueError, match="2024"):
        assess(NKI_2025, [Observation(2024, 70), Observation(2023, 71), Observation(2024, 72)], MID_2025)
    with pytest.raises(ValueError, match="2023"):
        assess(SELF_BUILD, series({2023: 1}), MID_2025, denominator=[Observation(2023, 3), Observation(2023, None)])


# --- incomplete years, pending and overdue figures --------------------------------------------------


def quarters_so_far(values: dict[int, float], partial: dict[int, float]) -> list[Observation]:
    """Whole years plus year-to-date figures (fewer than four quarters published)."""
    return [Observation(y, v) for y, v in values.items()] + [Observation(y, v, True, complete=False) for y, v in partial.items()]


def test_january_without_q4_the_year_is_pending_not_a_low_year():
    # 15 January 2026: 2025 has three quarters (180 so far). Summed as a year it would pull the
    # average down to 240 and flip the goal; as a pending year it counts as still to come.
    january = date(2026, 1, 15)
    result = assess(SMALLHOUSES, quarters_so_far({2022: 300, 2023: 280, 2024: 260}, {2025: 180}), january, publication=QUARTERLY)
    assert result.pending_years == (2025,)
    assert result.average_so_far == pytest.approx(280)
    assert result.years_remaining == 2  # 2025 (pending) and 2026
    assert result.required_per_remaining_year == pytest.approx((250 * 5 - 840) / 2)
    assert result.status == "on_track"
    assert (result.latest_year, result.latest_value, result.latest_preliminary) == (2025, 180, True)
    assert "2025 is over but its figure is not complete yet" in result.note
    assert "covers only part of the year" in result.note


def test_an_incomplete_year_past_its_lag_is_overdue_and_missing():
    result = assess(SMALLHOUSES, quarters_so_far({2022: 300, 2023: 280, 2024: 260}, {2025: 180}), date(2026, 6, 1), publication=QUARTERLY)
    assert (result.pending_years, result.overdue_years, result.missing_years) == ((), (2025,), (2025,))
    assert result.years_remaining == 1


def test_a_period_whose_last_year_is_overdue_is_no_data_not_on_track_for_ever():
    result = assess(SMALLHOUSES, series({2022: 300, 2023: 280, 2024: 260, 2025: 270}), date(2030, 1, 1), publication=QUARTERLY)
    assert result.status == "no_data"
    assert result.overdue_years == (2026,)
    assert "The 2026 figure is overdue (normally out by 2027-03-01)" in result.note


def test_an_incomplete_target_year_is_never_judged_as_the_year():
    # NKI-like target judged on a year-to-date figure would be wrong: it indicates from the last whole year
    series_ = [Observation(2024, 77), Observation(2025, 70, True, complete=False)]
    result = assess(NKI_2025, series_, date(2026, 1, 20), publication=QUARTERLY)
    assert (result.status, result.assessed_year, result.pending_years) == ("on_track", 2024, (2025,))
    result = assess(NKI_2025, series_, date(2026, 9, 1), publication=QUARTERLY)
    assert (result.status, result.overdue_years) == ("no_data", (2025,))


def test_share_uses_only_years_whose_both_parts_are_whole():
    result = assess(
        SELF_BUILD,
        quarters_so_far({2022: 100, 2023: 60, 2024: 80}, {}),
        date(2025, 1, 20),
        denominator=quarters_so_far({2022: 300, 2023: 200}, {2024: 150}),  # 2024: three quarters
        publication=QUARTERLY,
        denominator_publication=QUARTERLY,
    )
    assert result.share_so_far == pytest.approx(160 / 500)
    assert result.pending_years == (2024,)
    assert result.years_remaining == 3


def test_incomplete_year_row_status():
    assert year_status(SMALLHOUSES, Observation(2025, 180, True, complete=False), date(2026, 1, 15)) == "incomplete"


def test_publication_due_dates_follow_the_lag_or_the_sources_own_date():
    assert QUARTERLY.due(2025) == date(2026, 3, 1)
    assert not QUARTERLY.overdue(2025, date(2026, 3, 31)) and QUARTERLY.overdue(2025, date(2026, 4, 1))
    kolada = Publication(lag_days=240, anchor=(2025, date(2026, 4, 24)))  # Kolada's publ_period and publication_date
    assert (kolada.due(2025), kolada.due(2026), kolada.due(2023)) == (date(2026, 4, 24), date(2027, 4, 24), date(2024, 4, 24))
