"""Several plans in one warehouse (issue 17): the bundled plans judged in one run from one fetch of each
source, each with the statuses it has alone; a plan left out of a run keeps what it had; a plan removed
explicitly is gone; a plan name that names nothing is refused in one line."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from indicator_pipeline.catalog.load import bundled_plan_names, bundled_plan_path, load_plan, load_plans
from indicator_pipeline.catalog.plan_set import requests_by_municipality
from indicator_pipeline.cli import main
from indicator_pipeline.errors import CatalogueError
from indicator_pipeline.steps.catalogue import load_catalogues
from tests.conftest import refresh_offline

PLANS_FOLDER = str(bundled_plan_path().parent)
KS, LUND, DIRECTIONS = "helsingborg-ks-2025", "lund-ks-2025-demo", "helsingborg-inriktningar-2023-2026"
STATUS = "SELECT target_id, status, latest_value FROM marts.goal_status WHERE plan_id = ? ORDER BY target_id"
# plan-scoped tables of core and marts: each must hold every plan's rows, and keep a left-out plan's
PLAN_SCOPED = ("core.dim_plan", "core.dim_goal", "core.dim_target", "core.peer_set", "core.target_assessment",
               "core.target_assessment_history", "marts.goal_status", "marts.goal_status_history")


def _rows(path: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _plans_in(path: Path, table: str) -> set[str]:
    return {plan_id for (plan_id,) in _rows(path, f"SELECT DISTINCT plan_id FROM {table}")}


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> dict[str, Path]:
    """Each bundled plan with indicators refreshed alone into a warehouse of its own."""
    paths = {}
    for plan_id, name in ((KS, "helsingborg_ks_2025"), (LUND, "lund_ks_2025"), (DIRECTIONS, "helsingborg_inriktningar_2023_2026")):
        paths[plan_id] = tmp_path_factory.mktemp(name) / "indicators.duckdb"
        assert refresh_offline(paths[plan_id], "--plan", name) == 0
    return paths


@pytest.fixture(scope="module")
def together(tmp_path_factory) -> Path:
    """`refresh --offline --plan <the bundled plans folder>`, as `make run` does."""
    path = tmp_path_factory.mktemp("together") / "indicators.duckdb"
    assert refresh_offline(path, "--plan", PLANS_FOLDER) == 0
    return path


def test_one_run_judges_every_bundled_plan_as_each_is_judged_alone(together, alone):
    assert _rows(together, "SELECT plan_id FROM core.dim_plan ORDER BY 1") == [(DIRECTIONS,), (KS,), (LUND,)]
    for plan_id, path in alone.items():
        assert _rows(together, STATUS, plan_id) == _rows(path, STATUS, plan_id), plan_id
    directions = _rows(together, STATUS, DIRECTIONS)
    # the city's four directions: a trend verdict each, on their Kolada KPIs (illustrative bundled values)
    assert {target: status for target, status, _ in directions} == {
        "employment__employment_rate_20_64": "stable", "innovation__new_firms_per_1000": "improving",
        "quality_of_life__quality_of_life_index": "worsening", "safety__safety_brp_index": "improving",
    }
    for table in PLAN_SCOPED:
        assert _plans_in(together, table) >= {KS, LUND}, table


def test_each_request_is_made_once_for_the_plans_that_need_it():
    plans = load_plans(PLANS_FOLDER)
    requested = {KS: ("0000", "0012", "0126", "1283"), LUND: ("0000", "0012", "1281"), DIRECTIONS: ("0000", "0012", "1283")}
    readers = plans.reading("kolada")
    asked = [(codes, asking.ids) for codes, asking in requests_by_municipality(readers, requested)]
    # each own municipality alone, for the plans of that municipality (Helsingborg once for the KS plan and
    # the city directions); the rest once, for all
    assert asked == [(["1281"], (LUND,)), (["1283"], (DIRECTIONS, KS)), (["0000", "0012", "0126"], (DIRECTIONS, KS, LUND))]
    assert [p.id for p in readers] == [DIRECTIONS, KS, LUND]  # the directions read Kolada KPIs too


def test_a_plan_left_out_of_a_run_keeps_its_data_and_a_removed_plan_is_gone(together, tmp_path):
    path = tmp_path / "indicators.duckdb"
    path.write_bytes(together.read_bytes())
    before = {table: _rows(path, f"SELECT * EXCLUDE (plan_file) FROM {table} WHERE plan_id = ?", LUND)
              for table in ("core.dim_plan",)}
    lund_status = _rows(path, STATUS, LUND)

    assert refresh_offline(path, "--plan", "helsingborg_ks_2025", "--force") == 0
    assert _rows(path, STATUS, LUND) == lund_status
    for table, rows in before.items():
        assert _rows(path, f"SELECT * EXCLUDE (plan_file) FROM {table} WHERE plan_id = ?", LUND) == rows
    for table in PLAN_SCOPED:
        assert LUND in _plans_in(path, table), table

    assert refresh_offline(path, "--plan", "helsingborg_ks_2025", "--remove-plan", LUND) == 0
    for table in PLAN_SCOPED:
        assert LUND not in _plans_in(path, table), table
    assert _rows(path, STATUS, KS) == _rows(together, STATUS, KS)


def test_removing_a_plan_the_warehouse_lacks_is_refused_and_publishes_nothing(together, tmp_path, capsys):
    path = tmp_path / "indicators.duckdb"
    path.write_bytes(together.read_bytes())
    published = path.read_bytes()
    assert refresh_offline(path, "--plan", "helsingborg_ks_2025", "--remove-plan", "no-such-plan", "--force") == 1
    assert "--remove-plan no-such-plan: no such plan in the warehouse" in capsys.readouterr().err
    assert path.read_bytes() == published


def test_status_lists_every_plan_and_picks_one(together, capsys):
    assert main(["status", "--warehouse", str(together), "--format", "csv"]) == 0
    plan_ids = {line.split(",")[0] for line in capsys.readouterr().out.splitlines()[1:]}
    assert plan_ids == {KS, LUND, DIRECTIONS}
    assert main(["status", "--warehouse", str(together), "--format", "csv", "--plan", "lund_ks_2025"]) == 0
    assert {line.split(",")[0] for line in capsys.readouterr().out.splitlines()[1:]} == {LUND}


def test_a_name_that_is_no_plan_is_refused_in_one_line_naming_the_bundled_plans():
    with pytest.raises(CatalogueError) as refused:
        load_plans("nosuchplan")
    message = str(refused.value)
    assert "\n" not in message and message.startswith("plan 'nosuchplan': no such file or folder, nor a bundled plan")
    assert all(name in message for name in bundled_plan_names())
    assert [p.id for p in load_plans(f"lund_ks_2025, {PLANS_FOLDER}/helsingborg_ks_2025.toml").plans] == [LUND, KS]


def test_a_file_drop_kind_read_by_plans_of_two_municipalities_is_refused(tmp_path):
    ks = bundled_plan_path("helsingborg_ks_2025.toml").read_text(encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text(
        ks.replace('id = "helsingborg-ks-2025"', 'id = "other-ks"').replace('municipality_code = "1283"', 'municipality_code = "1281"'),
        encoding="utf-8",
    )
    refused = "file drop 'financial_statements' is read by plans helsingborg-ks-2025 .1283. and other-ks .1281."
    with pytest.raises(CatalogueError, match=refused):
        load_plans(f"helsingborg_ks_2025,{other}")


def test_a_goal_serving_no_goal_of_its_parent_in_the_same_run_is_refused_at_its_line(tmp_path):
    ks = bundled_plan_path("helsingborg_ks_2025.toml").read_text(encoding="utf-8")
    served = ks.index('serves = "')
    goal = ks.rindex('id = "', 0, served)  # the goal the first `serves` belongs to
    goal_id = ks[goal + 6:ks.index('"', goal + 6)]
    broken = tmp_path / "helsingborg_ks_2025.toml"
    broken.write_text(ks[:served] + 'serves = "safty"' + ks[ks.index("\n", served):], encoding="utf-8")
    parent = bundled_plan_path("helsingborg_inriktningar_2023_2026.toml")
    with pytest.raises(CatalogueError) as refused:
        load_plans(f"{parent},{broken}")
    line = ks.count("\n", 0, goal) + 1
    assert str(refused.value) == (
        f"plan file {broken}, line {line}: goal {goal_id!r} serves 'safty', which is no goal of its parent plan "
        f"helsingborg-inriktningar-2023-2026 ({parent}; its goals: innovation, safety, quality_of_life, employment)"
    )
    assert load_plans(str(broken)).plans[0].goals  # alone, its parent refreshed on its own, the plan loads


def test_a_goal_serving_no_goal_of_its_parent_held_in_the_warehouse_is_refused_at_its_line(tmp_path, empty_warehouse):
    """The board's plan refreshed on its own, into a warehouse that holds its parent from an earlier run."""
    ks = bundled_plan_path("helsingborg_ks_2025.toml").read_text(encoding="utf-8")
    served = ks.index('serves = "')
    goal = ks.rindex('id = "', 0, served)
    goal_id = ks[goal + 6:ks.index('"', goal + 6)]
    broken = tmp_path / "helsingborg_ks_2025.toml"
    broken.write_text(ks[:served] + 'serves = "safty"' + ks[ks.index("\n", served):], encoding="utf-8")
    load_catalogues(empty_warehouse, [load_plan("helsingborg_inriktningar_2023_2026.toml")])
    load_catalogues(empty_warehouse, [load_plan()])  # the bundled board plan serves the parent's goals
    with pytest.raises(CatalogueError) as refused:
        load_catalogues(empty_warehouse, [load_plan(broken)])
    assert str(refused.value) == (
        f"plan file {broken}, line {ks.count(chr(10), 0, goal) + 1}: goal {goal_id!r} serves 'safty', which is no goal "
        "of its parent plan helsingborg-inriktningar-2023-2026 in the warehouse (its goals: innovation, safety, "
        "quality_of_life, employment)"
    )


def test_plans_whose_parents_lead_round_in_a_circle_are_refused(tmp_path):
    lund = bundled_plan_path("lund_ks_2025.toml").read_text(encoding="utf-8")
    paths = []
    for name, parent in (("a", "b"), ("b", "a")):
        path = tmp_path / f"{name}.toml"
        path.write_text(lund.replace('id = "lund-ks-2025-demo"', f'id = "{name}"\nparent = "{parent}"', 1), encoding="utf-8")
        paths.append(path)
    with pytest.raises(CatalogueError) as refused:
        load_plans(",".join(map(str, paths)))
    line = lund[:lund.index("[plan]")].count("\n") + 1
    assert str(refused.value) == f"plan file {paths[0]}, line {line}: [plan] parent leads round in a circle: a -> b -> a"
    itself = tmp_path / "itself.toml"
    itself.write_text(lund.replace('id = "lund-ks-2025-demo"', 'id = "itself"\nparent = "itself"', 1), encoding="utf-8")
    with pytest.raises(CatalogueError, match="parent leads round in a circle: itself -> itself"):
        load_plans(str(itself))


def _sources_by_plan(output: str) -> dict[str, list[str]]:
    """`status`'s sources blocks: heading (the plan id, or "" for a warehouse of one plan) -> its source lines."""
    blocks = output.split("\n\n")[1:]
    return {block.split("sources (as of")[0].rstrip(": "): block.splitlines()[1:] for block in blocks}


def test_status_judges_each_held_plans_sources_as_if_it_were_alone(together, alone, capsys, monkeypatch):
    """Freshness of the plans the warehouse holds, each by its own sources, rhythm and Kolada KPIs as the
    warehouse keeps them (core.plan_source), not by the plan the environment names (here one that does not
    exist) nor by another plan's KPIs: the same verdicts as in a warehouse of its own."""
    monkeypatch.setenv("INDICATOR_PLAN", "/nowhere/plan.toml")
    assert main(["status", "--warehouse", str(together)]) == 0
    blocks = _sources_by_plan(capsys.readouterr().out)
    ks_sources = ["kolada", "scb", *(f"filedrop_{k}" for k in ("financial_statements", "safety_survey", "self_build_plots", "sellable_land"))]
    assert {plan_id: [line.split()[0] for line in lines] for plan_id, lines in blocks.items()} == {
        DIRECTIONS: ["kolada"], KS: ks_sources, LUND: ["kolada"],  # Lund's plan and the directions read Kolada only
    }
    for plan_id, path in alone.items():
        assert main(["status", "--warehouse", str(path)]) == 0
        assert _sources_by_plan(capsys.readouterr().out) == {"": blocks[plan_id]}, plan_id
    kept = _rows(together, "SELECT source, publication_lag_days, max_age_days FROM core.plan_source WHERE plan_id = ? ORDER BY 1", KS)
    assert kept == sorted(load_plans("helsingborg_ks_2025").plans[0].rhythms())


def test_status_as_of_refuses_a_plan_the_warehouse_does_not_hold(alone, capsys, monkeypatch):
    """It used to print an empty goal table: the default plan judged against a warehouse of Lund's plan only."""
    monkeypatch.delenv("INDICATOR_PLAN", raising=False)
    assert main(["status", "--warehouse", str(alone[LUND]), "--as-of", "2026-11-25"]) == 1
    assert capsys.readouterr().err == (
        f"indicator-pipeline status failed: plan {KS} is not in the warehouse {alone[LUND]}, which holds {LUND}: "
        "give one of its plans' files with --plan\n"
    )
    assert main(["status", "--warehouse", str(alone[LUND]), "--as-of", "2026-11-25", "--plan", LUND]) == 1
    assert "--as-of judges by a plan file: lund-ks-2025-demo is no plan file" in capsys.readouterr().err
    assert main(["status", "--warehouse", str(alone[LUND]), "--as-of", "2026-11-25", "--plan", "lund_ks_2025", "--format", "csv"]) == 0
    assert {line.split(",")[0] for line in capsys.readouterr().out.splitlines()[1:]} == {LUND}
