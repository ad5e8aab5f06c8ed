"""marts.goal_status_history's change_reason on history rows written directly, for the reasons and cases the
timeline (tests/timeline/test_change_reason.py) does not reach: overdue years, a changed method, several
reasons at once, a row from before the columns were recorded, and a status that did not change."""

from __future__ import annotations

import pytest

ROW = dict(
    plan_id="p", target_id="t", municipality_code="1283", status="on_track", assessed_year=2024, assessed_value=80.0,
    latest_year=2024, latest_value=80.0, latest_preliminary=False, overdue_years=[], method="latest_value",
    target_definition="kind=threshold_in_year indicator=nki direction=higher value=76.0 year=2025", target_end_year=2025,
)


def reasons(con, *rows: dict) -> list[str | None]:
    """change_reason of each row, the rows recorded as runs one day apart in the order given."""
    for day, changes in enumerate(rows, start=1):
        row = ROW | {"run_id": f"run{day}", "assessed_at": f"2026-02-{day:02d} 03:00:00+00", "as_of": f"2026-02-{day:02d}"} | changes
        names = ", ".join(row)
        con.execute(f"INSERT INTO core.target_assessment_history ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    return [r for (r,) in con.execute("SELECT change_reason FROM marts.goal_status_history ORDER BY assessed_at").fetchall()]


def test_an_overdue_year_appearing_is_became_overdue(empty_warehouse):
    later = {"status": "no_data", "overdue_years": [2025]}
    assert reasons(empty_warehouse, {}, later) == [None, "became_overdue"]


def test_another_method_is_method_changed(empty_warehouse):
    assert reasons(empty_warehouse, {}, {"status": "off_track", "method": "cagr_ratio"}) == [None, "method_changed"]


def test_several_reasons_come_in_the_fixed_order(empty_warehouse):
    later = {"status": "off_track", "method": "linear_projection", "latest_value": 70.0, "assessed_value": 70.0,
             "target_definition": ROW["target_definition"].replace("76.0", "78.0")}
    assert reasons(empty_warehouse, {}, later) == [None, "revised_figure,plan_changed,method_changed"]


def test_a_preliminary_flag_that_turns_final_is_a_revision_only_for_a_year_already_over(empty_warehouse):
    # 2024 is over on both dates: the source dropping its preliminary flag is a revision
    assert reasons(empty_warehouse, {"latest_preliminary": True}, {"status": "met"}) == [None, "revised_figure"]


def test_a_row_from_before_the_columns_claims_no_reason_that_needs_them(empty_warehouse):
    older = {"latest_preliminary": None, "overdue_years": None, "method": None, "target_definition": None}
    later = {"status": "no_data", "overdue_years": [2025], "method": "cagr_ratio"}
    assert reasons(empty_warehouse, older, later) == [None, None]
    assert empty_warehouse.execute("SELECT list(status_changed ORDER BY assessed_at) FROM marts.goal_status_history").fetchone() == ([False, True],)


@pytest.mark.parametrize("changes", [{"latest_value": 81.0}, {"method": "cagr_ratio"}])
def test_the_same_status_has_no_reason(empty_warehouse, changes):
    assert reasons(empty_warehouse, {}, changes) == [None, None]
