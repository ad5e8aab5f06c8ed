"""Source freshness judged against each source's publication rhythm, with pinned as-of dates."""

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from indicator_pipeline.catalog.load import bundled_plan_path, load_plan
from indicator_pipeline.errors import CatalogueError
from indicator_pipeline.freshness import PlanSources, judge, next_quarterly_release, next_yearly, source_freshness

RETRIEVED = date(2026, 11, 20)  # the bundled snapshot's recording day


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def rhythm(plan, source: str) -> tuple[int | None, int | None]:
    """The plan's (publication lag days, max age days) for `source`."""
    return next(kept for name, *kept in plan.rhythms() if name == source)


def test_yearly_and_quarterly_rhythms():
    assert next_yearly(date(2026, 12, 15), RETRIEVED) == date(2026, 12, 15)
    assert next_yearly(date(2026, 5, 5), RETRIEVED) == date(2027, 5, 5)  # already out when retrieved
    assert next_yearly(date(2024, 2, 29), date(2024, 3, 1)) == date(2025, 2, 28)
    assert next_quarterly_release(RETRIEVED, 60) == date(2026, 11, 29)  # Q3 ends 30 September
    assert next_quarterly_release(date(2026, 11, 29), 60) == date(2027, 3, 1)  # Q4 ends 31 December


def test_kolada_is_overdue_from_the_first_kpi_publication_after_its_retrieval(plan):
    publications = [date(2026, 5, 5), date(2026, 12, 15), date(2027, 2, 24)]
    on_the_day = judge("kolada", RETRIEVED, date(2026, 12, 15), *rhythm(plan, "kolada"), publications)
    day_after = judge("kolada", RETRIEVED, date(2026, 12, 16), *rhythm(plan, "kolada"), publications)
    assert (on_the_day.overdue, on_the_day.due) == (False, date(2026, 12, 15))
    assert (day_after.overdue, day_after.overdue_since) == (True, date(2026, 12, 15))
    assert day_after.describe() == "overdue since 2026-12-15"
    refetched = judge("kolada", date(2026, 12, 16), date(2027, 1, 10), *rhythm(plan, "kolada"), publications)
    assert (refetched.overdue, refetched.due) == (False, date(2027, 2, 24))


def test_kolada_without_publication_dates_follows_the_plans_yearly_lag(plan):
    lag = dict(plan.publication_lag_days)["kolada"]
    verdict = judge("kolada", RETRIEVED, date(2027, 9, 1), *rhythm(plan, "kolada"), [])
    assert verdict.due == date(2025, 12, 31) + timedelta(days=lag) + timedelta(days=365)  # the 2026 figure
    assert verdict.overdue


def test_scb_is_overdue_after_the_next_quarterly_release(plan):
    assert not judge("scb", RETRIEVED, date(2026, 11, 29), *rhythm(plan, "scb"), []).overdue
    assert judge("scb", RETRIEVED, date(2026, 11, 30), *rhythm(plan, "scb"), []).describe() == "overdue since 2026-11-29"


def test_a_file_drop_is_overdue_once_older_than_its_kinds_max_age(plan):
    ages = dict(plan.filedrop_max_age_days)
    assert set(ages) == {"financial_statements", "safety_survey", "self_build_plots", "sellable_land"}
    due = date(2026, 4, 1) + timedelta(days=ages["safety_survey"])
    assert not judge("filedrop_safety_survey", date(2026, 4, 1), due, *rhythm(plan, "filedrop_safety_survey"), []).overdue
    late = judge("filedrop_safety_survey", date(2026, 4, 1), due + timedelta(days=1), *rhythm(plan, "filedrop_safety_survey"), [])
    assert late.describe() == f"overdue since {due.isoformat()}"
    never = judge("filedrop_safety_survey", None, date(2026, 1, 1), *rhythm(plan, "filedrop_safety_survey"), [])
    assert never.overdue and never.describe() == "never retrieved: overdue"
    no_rhythm = judge("filedrop_safety_survey", None, date(2030, 1, 1), None, None, [])
    assert not no_rhythm.overdue


def test_source_freshness_reads_the_warehouse_and_takes_later_dates_from_elsewhere(bundled_refresh, plan):
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        rows = {r.source: r for r in source_freshness(con, PlanSources.of(plan), date(2026, 12, 1))}
        later = {r.source: r for r in source_freshness(con, PlanSources.of(plan), date(2026, 12, 1), seen={"scb": date(2026, 11, 30)})}
    assert rows["scb"].last_seen == RETRIEVED and rows["scb"].overdue_since == date(2026, 11, 29)
    assert rows["kolada"].due == date(2026, 12, 15) and not rows["kolada"].overdue  # Kolada's N00610 publication
    assert later["scb"].last_seen == date(2026, 11, 30) and not later["scb"].overdue
    assert all(r.last_seen == RETRIEVED for name, r in rows.items() if name.startswith("filedrop_"))


def test_the_plan_rejects_a_max_age_for_a_kind_that_does_not_exist(tmp_path):
    text = bundled_plan_path().read_text(encoding="utf-8").replace("sellable_land = 395", "sellable_lands = 395")
    (tmp_path / "plan.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="filedrop_max_age_days.*'sellable_lands' is not one of"):
        load_plan(tmp_path / "plan.toml")


# --- in Dagster ------------------------------------------------------------------------------------


def _freshness_evaluations(result) -> dict[str, object]:
    return {
        e.asset_key.to_user_string(): e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "freshness"
    }


def test_every_source_asset_declares_a_freshness_policy_and_a_freshness_check():
    from dagster import AssetKey

    from assets.definitions import ALL_ASSETS, build_definitions
    from assets.freshness import SOURCE_ASSETS
    from indicator_pipeline.settings import Settings

    graph = build_definitions(Settings(warehouse_path=Path("unused.duckdb"))).resolve_asset_graph()
    sources = sorted(k.to_user_string() for a in ALL_ASSETS for k in a.keys if a.group_names_by_key[k] == "sources")
    assert sorted(SOURCE_ASSETS) == sources
    for name in sources:
        node = graph.get(AssetKey(name))
        assert node.freshness_policy is not None, name
        assert any(c.name == "freshness" for c in node.check_keys), name
    windows = {name: graph.get(AssetKey(name)).freshness_policy.fail_window.to_timedelta().days for name in sources}
    assert windows["scb_tables_raw"] == 92 and windows["kolada_values_raw"] == 366


def test_the_morning_freshness_job_flags_an_overdue_source_in_dagster(copy_bundled_warehouse, tmp_path):
    from dagster import AssetCheckSeverity, DagsterInstance

    from assets.definitions import build_definitions
    from indicator_pipeline.settings import Settings

    warehouse = copy_bundled_warehouse(tmp_path / "warehouse")
    defs = build_definitions(Settings(warehouse_path=warehouse, source_mode="replay", as_of=date(2026, 12, 1)))
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("source_freshness").execute_in_process(instance=instance)
        assert result.success
        evaluations = _freshness_evaluations(result)
    assert set(evaluations) >= {"scb_tables_raw", "kolada_values_raw", "filedrop_safety_survey"}
    scb = evaluations["scb_tables_raw"]
    assert not scb.passed and scb.severity == AssetCheckSeverity.WARN
    assert scb.metadata["overdue_since"].value == "2026-11-29"
    assert evaluations["kolada_values_raw"].passed and evaluations["filedrop_safety_survey"].passed
    assert not (warehouse.parent / ".work").exists() or not any((warehouse.parent / ".work").iterdir())  # judged the published file
