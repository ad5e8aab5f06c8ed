"""`make bench`'s driver runs (its quick measurements, once) and writes what it measured; no timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.measurements import MEASUREMENTS  # noqa: E402


def test_every_measurement_has_a_unique_name_and_a_floor_that_is_measured():
    names = [m.name for m in MEASUREMENTS]
    assert len(names) == len(set(names))
    assert {m.floor for m in MEASUREMENTS if m.floor} <= set(names)
    assert any(m.quick for m in MEASUREMENTS)


def test_the_quick_benchmark_runs_and_reports_each_measurement_with_memory_and_the_machine(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "benchmarks/bench.py", "--runs", "1", "--quick", "--json", str(out)],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    quick = [m.name for m in MEASUREMENTS if m.quick]
    assert sorted(report["results"]) == sorted(quick)
    for name in quick:
        figures = report["results"][name]
        assert figures["min"] <= figures["median"] <= figures["max"] and figures["peak_rss_mib"] > 0
        assert name in done.stdout
    assert {"cpu", "cores", "ram", "python", "os"} <= set(report["machine"])


def test_the_dagster_floor_has_the_refresh_jobs_shape_and_runs():
    """The floor is built from the real job's shape: the same assets, upstreams, checks and steps, every one a no-op."""
    from benchmarks.dagster_floor import counts, floor_job, real_job, run, shape_of

    real = real_job()
    floor = floor_job(json.loads(json.dumps(shape_of(real))))  # through JSON, as the benchmark hands it over
    assert counts(floor) == counts(real)
    assert counts(real)[0] > 0 and counts(real)[1] > 0
    real_graph, floor_graph = real.asset_layer.asset_graph, floor.asset_layer.asset_graph
    assert floor_graph.executable_asset_keys == real_graph.executable_asset_keys
    assert {k: floor_graph.get(k).parent_keys for k in floor_graph.executable_asset_keys} == {
        k: real_graph.get(k).parent_keys for k in real_graph.executable_asset_keys
    }
    assert floor_graph.asset_check_keys == real_graph.asset_check_keys
    blocking = [{key for key in graph.asset_check_keys if graph.get_check_spec(key).blocking} for graph in (real_graph, floor_graph)]
    assert blocking[0] == blocking[1] != set()
    result = run(floor)
    assert result.success
    assert len(result.get_asset_materialization_events()) == counts(real)[0]
    assert len(result.get_asset_check_evaluations()) == counts(real)[1]


def test_the_plans_template_makes_a_valid_plan_per_municipality(tmp_path):
    """Every generated plan loads, together with the others, as one run's plan set (plans_scale.py's 290)."""
    from benchmarks.plans_scale import generate_plans, municipalities
    from indicator_pipeline.catalog.load import load_plans

    listed = municipalities()
    assert len(listed) == 290
    paths = generate_plans(len(listed), tmp_path / "plans")
    plans = load_plans(str(tmp_path / "plans"))
    assert len(paths) == len(plans.plans) == 290
    assert {p.municipality_code for p in plans.plans} == {code for code, _ in listed}
    assert paths[0].name == "bench_1281.toml"  # the template's own municipality first: the one-plan case is the template
    assert len({p.id for p in plans.plans}) == 290 and all(p.peers.kind == "none" for p in plans.plans)


def test_the_plans_benchmark_runs_with_three_plans_and_reports_its_figures(tmp_path):
    """benchmarks/plans_scale.py end to end with 3 plans (and the one-plan case): no time is asserted."""
    out = tmp_path / "plans.json"
    done = subprocess.run(
        [sys.executable, "benchmarks/plans_scale.py", "--plans", "3", "--json", str(out)],
        cwd=PROJECT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(figures["cases"], key=int) == ["1", "3"]
    for count, case in figures["cases"].items():
        assert case["pages"] == int(count) and case["peak_rss_mib"][0] > 0 and case["report"][0] > 0
        # each plan's own municipality asked alone, the reference rows (Riket, counties) in one list
        assert case["requests"]["kolada_data"] == int(count) + 1
    assert "target <= 3x" in done.stdout and "target < 2048 MiB" in done.stdout
