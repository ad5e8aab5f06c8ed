"""marts.goal_tree: plans above plans. The bundled KS plan's targets under the city's four directions (its
parent plan, refreshed separately into the same warehouse), and the tree's edges on small plans."""

from __future__ import annotations

import tomllib

import duckdb
import pytest

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.catalog.load import parse_plan
from indicator_pipeline.steps.catalogue import catalogue_frames
from indicator_pipeline.warehouse.sql import run_script
from tests.conftest import refresh_offline

PARENT = "helsingborg_inriktningar_2023_2026"
# The KS plan's reading of which direction each goal serves (its comment), by target.
DIRECTION_OF_TARGET = {
    "nki_2025": "employment",
    "new_business_land__sellable_business_land": "employment",
    "direction_business_climate": "employment",
    "safety_index_2025": "safety",
    "smallhouse_starts_avg_2022_2026": "quality_of_life",
    "self_build_share_2022_2026": "quality_of_life",
    "result_share_avg_2023_2026": "innovation",
    "result_share_2025": "innovation",
    "result_2025_mnkr": "innovation",
    "self_financing_min_75": "innovation",
    "soliditet_min_63": "innovation",
}


@pytest.fixture(scope="module")
def both_plans(copy_bundled_warehouse, tmp_path_factory):
    """The bundled KS refresh, then `refresh --offline --plan helsingborg_inriktningar_2023_2026` into the
    same warehouse, as a user refreshes the parent plan on its own."""
    path = copy_bundled_warehouse(tmp_path_factory.mktemp("tree") / "warehouse")
    assert refresh_offline(path, "--plan", PARENT) == 0
    return path


def _rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_each_ks_target_is_under_its_city_direction_with_its_status(both_plans):
    ks, parent = load_plan(), load_plan(PARENT)
    with duckdb.connect(str(both_plans), read_only=True) as con:
        tree = _rows(con, "SELECT * FROM marts.goal_tree")
        status = {r["target_id"]: r for r in _rows(con, f"SELECT * FROM marts.goal_status WHERE plan_id = '{ks.id}'")}
        by_direction = con.execute(
            "SELECT direction_title, status, count(*) FROM marts.goal_tree GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    under = [r for r in tree if r["plan_id"] == ks.id]
    assert sorted(r["target_id"] for r in under) == sorted(t.id for _, t in ks.targets()) == sorted(DIRECTION_OF_TARGET)
    titles = {g.id: g.title for g in parent.goals}
    for row in under:
        direction = DIRECTION_OF_TARGET[row["target_id"]]
        assert (row["direction_plan_id"], row["direction_goal_id"], row["direction_title"], row["depth"]) == (
            parent.id, direction, titles[direction], 1
        ), row
        assert row["direction_plan_title"] == parent.title and row["plan_title"] == ks.title
        # the status and latest figures the KS plan's own assessment gives
        expected = status[row["target_id"]]
        assert (row["status"], row["latest_year"], row["latest_value"]) == (
            expected["status"], expected["latest_year"], expected["latest_value"]
        ), row
    # every direction has KS goals under it, and shows its own trend verdict on its Kolada KPI beside them
    own = {r["direction_goal_id"]: (r["depth"], r["target_kind"], r["status"]) for r in tree if r["plan_id"] == parent.id}
    assert own == {
        "innovation": (0, "direction", "improving"), "safety": (0, "direction", "improving"),
        "quality_of_life": (0, "direction", "worsening"), "employment": (0, "direction", "stable"),
    }
    assert len(tree) == len(under) + len(own)
    # "how are the city's directions doing" in one query, e.g. the bundled snapshot's soliditet and
    # self-financing goals on track and the 2025 result goals met under innovation
    counts = {(d, s): n for d, s, n in by_direction}
    assert sum(n for (d, _), n in counts.items() if d == titles["safety"]) == 1 + 1
    assert sum(n for (d, _), n in counts.items() if d == titles["innovation"]) == 5 + 1
    assert sum(n for (d, _), n in counts.items() if d == titles["employment"]) == 3 + 1
    assert counts[(titles["employment"], "not_met")] == 1  # NKI 75.3 against 76
    assert counts[(titles["employment"], "no_numeric_target")] == 1  # knowledge-intensive companies: in words
    assert counts[(titles["employment"], "improving")] == 1  # new sellable land, 2022-2025


def test_the_parent_refresh_leaves_the_ks_plan_judged_as_before(both_plans, bundled_refresh):
    query = "SELECT plan_id, target_id, status, latest_year, latest_value FROM marts.goal_status ORDER BY ALL"
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        before = con.execute(query).fetchall()
    with duckdb.connect(str(both_plans), read_only=True) as con:
        after = con.execute(query).fetchall()
        plans = dict(con.execute("SELECT plan_id, parent_plan_id FROM core.dim_plan").fetchall())
    assert [r for r in after if r[0] == load_plan().id] == before
    assert {r[1]: r[2] for r in after if r[0] == load_plan(PARENT).id} == {
        "innovation__new_firms_per_1000": "improving", "safety__safety_brp_index": "improving",
        "quality_of_life__quality_of_life_index": "worsening", "employment__employment_rate_20_64": "stable",
    }
    assert plans == {load_plan().id: load_plan(PARENT).id, load_plan(PARENT).id: None}


# --- the tree's edges, on small plans ------------------------------------------------------------


def _plan(head: str, goals: dict[str, str | None]) -> dict:
    """A plan of qualitative goals (goal id -> the parent's goal it serves)."""
    text = f"[plan]\n{head}\nmunicipality_code = \"0000\"\nmunicipality_name = \"X\"\nplan_year = 2025\n"
    for goal, serves in goals.items():
        text += f'[[goals]]\nid = "{goal}"\ntitle = "{goal} title"\nmeasurable = false\n'
        text += f'serves = "{serves}"\n' if serves else ""
        text += f'  [[goals.targets]]\n  id = "{goal}_t"\n  kind = "none"\n'
    return tomllib.loads(text)


def _tree(con, plans: list[dict]) -> list[tuple]:
    """The plans' catalogues loaded, then marts.goal_tree's rows by plan and goal."""
    for raw in plans:
        run_script(con, "load/replace_catalogue.sql", catalogue_frames(parse_plan(raw)))
    return con.execute(
        "SELECT direction_plan_id, direction_plan_title, direction_goal_id, direction_title, depth, plan_id, goal_id, target_id"
        " FROM marts.goal_tree ORDER BY plan_id, goal_id"
    ).fetchall()


def test_the_tree_keeps_unserved_parents_orphans_and_top_level_plans(empty_warehouse):
    con = empty_warehouse
    plans = [
        _plan('id = "top"\ntitle = "Directions"', {"a": None, "b": None}),
        _plan('id = "board"\ntitle = "Board"\nparent = "top"', {"g1": "a", "g2": "nowhere", "g3": None}),
        _plan('id = "orphan"\ntitle = "Orphan"\nparent = "not_loaded"', {"h": "a"}),
        _plan('id = "alone"\ntitle = "Alone"', {"x": None}),
    ]
    rows = _tree(con, plans)
    assert rows == [
        ("alone", "Alone", "x", "x title", 0, "alone", "x", "x_t"),  # a plan without a parent: its goals at the top
        ("top", "Directions", "a", "a title", 1, "board", "g1", "g1_t"),
        ("top", "Directions", "nowhere", None, 1, "board", "g2", "g2_t"),  # serves no goal of the parent
        ("top", "Directions", None, None, 1, "board", "g3", "g3_t"),  # serves nothing
        ("not_loaded", None, "a", None, 1, "orphan", "h", "h_t"),  # the parent is not in this warehouse
        ("top", "Directions", "b", "b title", 0, "top", "b", "b_t"),  # a direction no goal serves appears once
    ]


def test_the_tree_follows_goals_up_through_every_level_to_the_top(empty_warehouse):
    con = empty_warehouse
    plans = [
        _plan('id = "top"\ntitle = "Directions"', {"a": None, "b": None}),
        _plan('id = "board"\ntitle = "Board"\nparent = "top"', {"g1": "a", "g2": "a"}),
        _plan('id = "unit"\ntitle = "Unit"\nparent = "board"', {"u1": "g1", "u2": "nowhere", "u3": None}),
        # two plans each the other's parent: followed once round, then they stop (their goals serve each
        # other, so both targets of kind none are followed through the other and neither is shown)
        _plan('id = "loop_a"\ntitle = "Loop A"\nparent = "loop_b"', {"x": "y"}),
        _plan('id = "loop_b"\ntitle = "Loop B"\nparent = "loop_a"', {"y": "x"}),
    ]
    rows = _tree(con, plans)
    assert rows == [
        ("top", "Directions", "a", "a title", 1, "board", "g2", "g2_t"),  # g1 is served by u1: followed through it
        ("top", "Directions", "b", "b title", 0, "top", "b", "b_t"),
        ("top", "Directions", "a", "a title", 2, "unit", "u1", "u1_t"),  # unit -> board's g1 -> the city's a
        ("board", "Board", "nowhere", None, 1, "unit", "u2", "u2_t"),  # serves no goal of its parent: stops there
        ("board", "Board", None, None, 1, "unit", "u3", "u3_t"),  # serves nothing
    ]
