"""Through the whole graph in-process: a revised value is kept as a new vintage."""

from __future__ import annotations

import shutil

from faultenv import AS_OF
from faultkit import BUNDLED, edit_snapshot_value, fact_value, open_read_only

from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings

# The as-of query of docs/history-and-vintages.md ("What was a figure as known on a given date").
AS_OF_QUERY = """
SELECT indicator_id, year, value, observed_at
FROM core.fact_indicator_value_at(TIMESTAMPTZ '{when}')
WHERE municipality_code = '1283';
"""


def test_a_revised_value_is_a_new_vintage_and_the_old_one_stays_queryable(clean_env, warehouse, tmp_path):
    """(d) The baseline was loaded from the bundled snapshot (retrieved 2026-11-20); Kolada then revises
    N00301 2024 (retrieved 2026-11-25). Both vintages are kept, the fact shows the revision, and the
    documented as-of query (docs/history-and-vintages.md) gives the old value for a date before the revision."""
    with open_read_only(warehouse) as con:
        old_value = fact_value(con, "N00301", 2024)
    snapshot = tmp_path / "revised"
    shutil.copytree(BUNDLED, snapshot)
    assert edit_snapshot_value(snapshot, "N00301", 2024, 51.7, "2026-11-25T03:00:00+00:00") == old_value
    refresh(Settings(warehouse_path=warehouse, source_mode="replay", snapshot_dir=snapshot, as_of=AS_OF))
    with open_read_only(warehouse) as con:
        (indicator,) = {i for (i,) in con.execute(
            "SELECT DISTINCT indicator_id FROM core.dim_indicator WHERE source_id = 'N00301'").fetchall()}
        vintages = con.execute(
            "SELECT value, retrieved_at::DATE::VARCHAR FROM core.indicator_value_vintage"
            " WHERE indicator_id = ? AND year = 2024 AND municipality_code = '1283' ORDER BY retrieved_at",
            [indicator],
        ).fetchall()
        assert vintages == [(old_value, "2026-11-20"), (51.7, "2026-11-25")]
        assert fact_value(con, "N00301", 2024) == 51.7

        def known_on(when: str) -> float:
            rows = con.execute(AS_OF_QUERY.format(when=when)).fetchall()
            return {(i, y): v for i, y, v, _ in rows}[(indicator, 2024)]

        assert known_on("2026-11-22 00:00:00+00") == old_value
        assert known_on("2026-11-30 00:00:00+00") == 51.7
        # and nothing else moved: every other figure has exactly one vintage per retrieval
        revised = con.execute(
            "SELECT indicator_id, year, value FROM core.indicator_value_vintage WHERE retrieved_at::DATE = DATE '2026-11-25'"
        ).fetchall()
        assert revised == [(indicator, 2024, 51.7)], revised


def test_a_failure_after_publishing_says_the_warehouse_was_published(clean_env, warehouse):
    """The report is written after the publish: if it cannot be (here a file stands where its folder
    goes), the refresh fails loudly, and says truthfully that the new warehouse is out."""
    import pytest

    from indicator_pipeline.run import RefreshFailed

    report = warehouse.parent / "report"
    shutil.rmtree(report, ignore_errors=True)
    report.write_text("not a folder", encoding="utf-8")
    before = warehouse.stat().st_mtime_ns
    with pytest.raises(RefreshFailed) as failed:  # forced: unchanged inputs would publish nothing
        refresh(Settings(warehouse_path=warehouse, source_mode="replay", as_of=AS_OF, force_refresh=True))
    message = str(failed.value)
    assert "scorecard_report" in message and f"the warehouse {warehouse} was published" in message, message
    assert "nothing was published" not in message
    assert warehouse.stat().st_mtime_ns != before  # a new file was swapped in
