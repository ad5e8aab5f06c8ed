"""Row-count expectations scale with what was asked for (KPIs x municipalities x years), so a request
for every municipality is not stopped at a fixed ceiling, and an answer larger than any request still is."""

from __future__ import annotations

import pandas as pd
import quality_frames as frames
from quality_frames import AS_OF, assert_fails, failed

from indicator_pipeline import quality

MUNICIPALITIES = [f"{n:04d}" for n in range(1, 291)]  # 290 codes, as many as Sweden has
YEARS = range(2014, 2026)


def _all_municipalities(plan) -> pd.DataFrame:
    one = frames.kolada_values(plan)
    one = one[one.year == 2025].drop(columns="year")
    grid = pd.MultiIndex.from_product([MUNICIPALITIES, YEARS], names=["municipality_code", "year"]).to_frame(index=False)
    frame = one.drop(columns="municipality_code").merge(grid, how="cross")
    frame["year"] = frame["year"].astype("int64")
    return frame


def _parameters(plan, requested: int) -> dict:
    params = quality.run_parameters(plan, AS_OF, kolada_requested=requested)
    params["municipality_codes"] = MUNICIPALITIES  # what the run asked for
    params["compared_municipality_codes"] = MUNICIPALITIES  # ... each of which must have rows
    return params


def test_every_municipality_passes_beyond_fifty_thousand_rows(plan):
    frame = _all_municipalities(plan)
    kpis = frame.kpi_id.nunique()
    assert len(frame) == kpis * 290 * 12 > 50_000
    result = quality.validate_frame(frame, "staging_kolada_values", _parameters(plan, kpis * 290 * 12))
    assert ("expect_table_row_count_to_be_between", None) not in failed(result)
    assert result.success, result.first_failure_line()


def test_more_rows_than_were_asked_for_fail(plan):
    frame = _all_municipalities(plan)
    asked_for_one = frame.kpi_id.nunique() * 1 * 12  # one municipality's request: at most 3 genders of it
    result = quality.validate_frame(frame, "staging_kolada_values", _parameters(plan, asked_for_one))
    outcome = assert_fails(result, "expect_table_row_count_to_be_between", None)
    assert outcome.kwargs["max_value"] == 3 * asked_for_one


def test_without_a_recorded_request_the_plan_own_request_is_the_ceiling(plan):
    params = quality.run_parameters(plan, AS_OF)
    # The bundled plan asks Kolada for 15 KPIs of Helsingborg alone, 2015-2026 (12 years), 3 genders at most;
    # it has 31 indicators (Kolada, SCB, file drops, computed), each at most once a year.
    assert params["kolada_max_rows"] == 3 * 15 * 1 * 12 == 540
    assert params["fact_max_rows"] == 31 * 1 * 12 == 372
