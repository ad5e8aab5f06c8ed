"""Why a status changed (docs/target-rules.md): the real pipeline refreshed at several as-of dates while the
city drops its statements files and the plan is edited; each published row of marts.goal_status_history
whose status differs from the target's previous one names the reason and carries the old and new figures.
The target: result_2025_mnkr, an adjusted result of at least 316 mnkr in 2025 (2024: 225; 2025: 330, with
the typo 102.3; tests/timeline/test_year_in_the_life.py)."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime, time, timezone

import duckdb
import pytest

from indicator_pipeline.catalog.load import bundled_plan_path
from indicator_pipeline.cli import main
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings
from indicator_pipeline.steps import filedrop
from test_year_in_the_life import DROPS, LAST_YEARS_STATEMENTS, STATEMENTS, TYPO, land

TARGET = "result_2025_mnkr"
TARGET_LINE = 'value = 316\n  year = 2025\n  unit = "mnkr"'
# step -> (as-of date, file landed that day, files deleted that day, the result target's level in the plan)
STEPS = {
    "accounts_of_2024": (date(2025, 11, 1), LAST_YEARS_STATEMENTS, (), 316),
    "accounts_of_2025_early": (date(2025, 12, 20), STATEMENTS, (), 316),
    "year_over": (date(2026, 1, 10), None, (), 316),
    "typo_sent": (date(2026, 1, 15), TYPO, (), 316),
    "files_of_2025_deleted": (date(2026, 1, 16), None, (TYPO, STATEMENTS), 316),
    "plan_lowered": (date(2026, 1, 17), None, (), 100),
}
HISTORY = (
    "SELECT status, change_reason, previous_status, previous_latest_year, previous_latest_value, latest_year, "
    "latest_value, previous_assessed_value, assessed_value, previous_target_definition, target_definition "
    "FROM marts.goal_status_history WHERE target_id = ? ORDER BY assessed_at"
)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Every step refreshed in order into one warehouse: the target's history rows by step, and the report."""
    root = tmp_path_factory.mktemp("reasons")
    landing, warehouse, plan = root / "landing", root / "warehouse" / "indicators.duckdb", root / "plan.toml"
    landing.mkdir()
    for other in DROPS.glob("*"):
        if not other.name.startswith("financial_statements"):
            shutil.copyfile(other, landing / other.name)
    bundled = bundled_plan_path().read_text(encoding="utf-8")
    assert bundled.count(TARGET_LINE) == 1
    with pytest.MonkeyPatch.context() as mp:
        for name in ("DAGSTER_HOME", "KOLADA_BASE_URL", "SCB_BASE_URL", *(k for k in os.environ if k.startswith("INDICATOR_"))):
            mp.delenv(name, raising=False)
        for as_of, lands, deletes, level in STEPS.values():
            plan.write_text(bundled.replace(TARGET_LINE, TARGET_LINE.replace("316", str(level))), encoding="utf-8")
            if lands:
                land(landing, lands)
            for name in deletes:
                (landing / name).unlink()
            mp.setattr(filedrop, "wall_clock", lambda day=as_of: datetime.combine(day, time(0), tzinfo=timezone.utc))
            refresh(Settings(warehouse_path=warehouse, source_mode="replay", landing_dir=landing, as_of=as_of, plan_path=plan))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(HISTORY, [TARGET]).fetchall()
        columns = [c[0] for c in con.description]
    assert len(rows) == len(STEPS)  # every step judged the target differently, so each one published
    out = root / "report"
    assert main(["report", "--warehouse", str(warehouse), "--out", str(out), "--plan", str(plan)]) == 0
    page = next(out.glob("helsingborg*.html")).read_text(encoding="utf-8")
    return {"rows": dict(zip(STEPS, (dict(zip(columns, row)) for row in rows))), "page": page}


def test_the_first_row_has_no_previous_and_no_reason(history):
    first = history["rows"]["accounts_of_2024"]
    assert (first["status"], first["previous_status"], first["change_reason"]) == ("off_track", None, None)
    assert (first["latest_year"], first["latest_value"]) == (2024, pytest.approx(225.0))


def test_a_new_year_published_is_a_new_figure(history):
    row = history["rows"]["accounts_of_2025_early"]
    assert (row["previous_status"], row["status"], row["change_reason"]) == ("off_track", "on_track", "new_figure")
    assert (row["previous_latest_year"], row["latest_year"]) == (2024, 2025)
    assert (row["previous_latest_value"], row["latest_value"]) == (pytest.approx(225.0), pytest.approx(330.0))


def test_the_target_year_ending_is_period_ended(history):
    row = history["rows"]["year_over"]
    assert (row["previous_status"], row["status"], row["change_reason"]) == ("on_track", "met", "period_ended")


def test_a_revision_between_two_refreshes_is_a_revised_figure_with_old_and_new_value(history):
    row = history["rows"]["typo_sent"]
    assert (row["previous_status"], row["status"], row["change_reason"]) == ("met", "not_met", "revised_figure")
    assert (row["previous_latest_year"], row["latest_year"]) == (2025, 2025)
    assert (row["previous_latest_value"], row["latest_value"]) == (pytest.approx(330.0), pytest.approx(102.3))
    assert (row["previous_assessed_value"], row["assessed_value"]) == (pytest.approx(330.0), pytest.approx(102.3))


def test_a_figure_gone_is_a_withdrawn_figure(history):
    # without a 2025 figure and no publication rhythm declared for the statements, 2024's 225 indicates again
    row = history["rows"]["files_of_2025_deleted"]
    assert (row["previous_status"], row["status"], row["change_reason"]) == ("not_met", "off_track", "withdrawn_figure")
    assert (row["previous_latest_year"], row["previous_latest_value"]) == (2025, pytest.approx(102.3))
    assert (row["latest_year"], row["latest_value"]) == (2024, pytest.approx(225.0))


def test_a_plan_edit_is_plan_changed(history):
    row = history["rows"]["plan_lowered"]
    assert (row["previous_status"], row["status"], row["change_reason"]) == ("off_track", "on_track", "plan_changed")
    assert "value=316.0" in row["previous_target_definition"] and "value=100.0" in row["target_definition"]
    assert row["latest_value"] == pytest.approx(row["previous_latest_value"])  # the figure itself did not move


def test_the_report_lists_what_changed_in_the_latest_run(history):
    section = history["page"].split('<h2 id="changes-title">Ändrat sedan förra rapporten</h2>', 1)[1].split("</section>", 1)[0]
    rows = section.split("<tr")[2:]  # after the header row
    assert len(rows) == 1 and f'data-target-id="{TARGET}"' in rows[0]  # only the edited target changed
    assert "Inte på väg" in rows[0] and "På väg" in rows[0] and "Målet har ändrats i planen" in rows[0]
    assert rows[0].count("225 mnkr (2024)") == 4  # assessed and latest, before and now, in whole mnkr


def test_the_goal_section_lists_the_targets_earlier_publications_newest_first(history):
    """The goal's "earlier publications": each refresh before the latest, newest first, with the day it
    judged as of and the status it published (marts.goal_status_history), so a reader can cite the goal as
    published on a day."""
    section = history["page"].split(f'id="target-{TARGET}"', 1)[1].split("</section>", 1)[0]
    shown = [row.split("</tr>", 1)[0] for row in section.split(f'<tr data-history-of="{TARGET}"')[1:]]
    earlier = [(as_of, history["rows"][step]["status"]) for step, (as_of, *_) in STEPS.items()][:-1][::-1]
    assert len(shown) == len(earlier) == 5  # the latest is the publication the page shows
    for row, (as_of, status) in zip(shown, earlier):
        assert f"<td>{as_of.isoformat()}</td>" in row and f'data-status="{status}"' in row, (as_of, row)
