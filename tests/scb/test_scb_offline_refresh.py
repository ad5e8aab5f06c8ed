"""The bundled snapshot replayed through the same steps the assets run (catalogue -> SCB fetch and
staging -> vintages -> assessment): goal smallhouse_starts gets a measured status.

Hand check, from the bundled TAB4572 answer (småhus, quarters K1+K2+K3+K4):
  2022: 72 + 84 + 76 + 78 = 310      2023: 44 + 53 + 47 + 52 = 196
  2024: 36 + 47 + 42 + 47 = 172      2025: 51 + 64 + 59 + 67 = 241
  2026: 47 + 66 = 113 (K1-K2 only: the metadata ends at 2026K2, the latest quarter, preliminary)
As of 2026-11-20 (the snapshot's recording date) 2026 is not over, so it does not count:
  average so far = (310 + 196 + 172 + 241) / 4 = 919 / 4 = 229.75, gap 229.75 - 250 = -20.25
  required in the one remaining year (2026) = 250 * 5 - 919 = 1250 - 919 = 331
  the latest completed year, 2025, has 241 < 331 -> off_track.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey

from indicator_pipeline.settings import Settings
from indicator_pipeline.steps import scb as scb_steps
from indicator_pipeline.steps.assessment import assess_plan
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.steps.facts import add_vintages
from indicator_pipeline.warehouse.models import apply_schema

AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SCB_BASE_URL", raising=False)  # the snapshot is keyed on SCB's public URLs
        settings = Settings(warehouse_path=tmp_path_factory.mktemp("scb") / "w.duckdb", source_mode="replay")
        assert settings.as_of_date() == AS_OF  # the bundled snapshot's recorded_on
        with duckdb.connect() as con:
            apply_schema(con)
            load_catalogues(con, [settings.plan])
            refs = scb_steps.fetch(settings.plan, settings.transport(), settings.archive())
            scb_steps.stage_values(con, settings.plan, refs, settings.archive())
            add_vintages(con)
            assess_plan(con, settings.plan, settings.as_of_date())
            yield con


def test_smallhouse_starts_has_a_measured_status(con):
    row = con.execute(
        """SELECT status, average_so_far, required_per_remaining_year, gap, years_with_data, years_remaining,
                  latest_year, latest_value, latest_preliminary, assessed_year
           FROM marts.goal_status WHERE goal_id = 'smallhouse_starts'"""
    ).fetchone()
    assert row == (
        "off_track",
        pytest.approx(229.75),  # 919 / 4
        pytest.approx(331),  # 250 * 5 - 919
        pytest.approx(-20.25),
        4,
        1,
        2026,
        113.0,  # 47 + 66, shown but not counted
        True,
        2025,
    )


def test_yearly_facts_of_both_scb_indicators(con):
    facts = con.execute(
        """SELECT indicator_id, year, value, preliminary, complete FROM core.fact_indicator_value
           WHERE source = 'scb' AND year >= 2022 AND year <= 2025 ORDER BY indicator_id, year"""
    ).fetchall()
    # 2025 is whole but its quarters are inside the plan's four-quarter revision window: preliminary.
    assert facts == [
        # FLERBO: 200+160+180+210, 90+70+85+100, 75+90+80+110, 100+120+95+140
        ("apartment_block_starts", 2022, 750.0, False, True),
        ("apartment_block_starts", 2023, 345.0, False, True),
        ("apartment_block_starts", 2024, 355.0, False, True),
        ("apartment_block_starts", 2025, 455.0, True, True),
        ("smallhouse_starts", 2022, 310.0, False, True),
        ("smallhouse_starts", 2023, 196.0, False, True),
        ("smallhouse_starts", 2024, 172.0, False, True),
        ("smallhouse_starts", 2025, 241.0, True, True),
    ]
    # 2026 is not over and lacks its fourth quarter: a year-to-date figure, preliminary.
    partial = con.execute(
        """SELECT indicator_id, value, preliminary, complete FROM core.fact_indicator_value
           WHERE source = 'scb' AND year = 2026 ORDER BY indicator_id"""
    ).fetchall()
    # FLERBO 110 + 130, SMÅHUS 47 + 66: the table ends at 2026K2
    assert partial == [("apartment_block_starts", 240.0, True, False), ("smallhouse_starts", 113.0, True, False)]
    # 2019K2 is '..' (null): 2019 is 61 + 54 + 70 = 185 so far, never a year with a 0 quarter.
    assert con.execute(
        "SELECT value, preliminary, complete, source_status FROM core.fact_indicator_value "
        "WHERE indicator_id = 'smallhouse_starts' AND year = 2019"
    ).fetchone() == (185.0, True, False, "2019K2 ..; 3 of 4 quarters, year to date (missing 2019K2)")


def test_apartment_blocks_are_context_of_the_smallhouse_goal(con):
    assert con.execute(
        "SELECT indicator_id FROM core.goal_context_indicator WHERE goal_id = 'smallhouse_starts'"
    ).fetchall() == [("apartment_block_starts",)]
    assert con.execute(
        "SELECT source_selection FROM core.dim_indicator WHERE indicator_id = 'apartment_block_starts'"
    ).fetchone() == ("ContentsCode=BO0101A4;Hustyp=FLERBO",)


def test_scb_assets_are_wired_into_the_graph():
    from assets import core, scb
    from assets.definitions import ALL_ASSETS, build_definitions

    assert scb.scb_tables_raw in ALL_ASSETS and scb.stg_scb_values in ALL_ASSETS
    (raw,) = scb.scb_tables_raw.specs
    assert raw.group_name == "sources" and set(raw.kinds) == {"python", "scb"}
    (stg,) = scb.stg_scb_values.specs
    assert stg.group_name == "staging"
    assert stg.key == AssetKey(["staging", "scb_values"])
    assert {d.asset_key for d in stg.deps} == {raw.key, AssetKey(["core", "peer_set"])}  # staged after the peer set
    graph = build_definitions(Settings(warehouse_path=Path("unused.duckdb"), source_mode="replay")).resolve_asset_graph()
    (fact,) = core.fact_indicator_value.specs  # the vintages, from the observations SCB's cells become
    assert stg.key in graph.get_ancestor_asset_keys(fact.key)


def test_the_scb_source_asset_is_named_for_what_it_fetches_and_lists_the_plans_tables():
    """`scb_tables_raw` fetches whatever tables the plan names; which ones is metadata, from the plan."""
    from assets.definitions import build_definitions

    def tables(plan_path):
        defs = build_definitions(Settings(warehouse_path=Path("unused.duckdb"), plan_path=plan_path))
        (spec,) = [s for s in defs.resolve_all_asset_specs() if s.key.path == ["scb_tables_raw"]]
        return spec.metadata["scb_tables"]

    assert tables(None) == ["TAB4572"]
    assert tables(Path("lund_ks_2025")) == []  # Kolada goals only
