"""Issue 17's scale target, measured: one refresh judging a plan per municipality (290 plans, Kolada goals
only) against the same refresh judging one plan, both live against the loopback Kolada (benchmarks/loopback.py).

    .venv/bin/python benchmarks/plans_scale.py [--plans N] [--runs R] [--steps] [--json FILE]
    .venv/bin/python benchmarks/plans_scale.py --case N        # one refresh of N plans; prints seconds= (make bench)

The plans are generated from a template (default: the bundled demonstration plan lund_ks_2025, whose
indicators are all Kolada KPIs or computed from them, and which has no [peers]: each plan is compared
with its reference rows only, Riket and its county): per municipality of type K in Kolada's list in the
bundled snapshot, the template's [plan] with its id, title, organisation, municipality code and name
substituted; the template's own municipality first, so the one-plan case is the template itself.

Each case is `indicator_pipeline.run.refresh(Settings(...))`, as `indicator-pipeline refresh --plan FOLDER`
runs it (live mode, the loopback base URL as KOLADA_BASE_URL and SCB_BASE_URL, the as-of date pinned),
into a fresh warehouse, in its own child process (measured by benchmarks/bench.py's `run_once`: wall,
CPU = user + system, peak RSS of that child alone; the loopback server runs here and is not counted).
The refresh's last step, `scorecard_report`, calls `build_report` for every plan in the warehouse (a page
per plan and the index): the child times that call by wrapping it, so the report is written once and
timed on its own. The server counts the requests it answered.

Targets (issue 17): the N-plan wall time within 3x the one-plan's, peak RSS under 2 GB. `--steps` also
prints where the time of the last N-plan run went, per step of the refresh job (from its event log).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.bench import Result, compile_bytecode, run_once  # noqa: E402
from benchmarks.loopback import LoopbackSources, recorded_body  # noqa: E402

AS_OF = "2026-11-20"
TEMPLATE = PROJECT / "indicator_pipeline" / "catalog" / "plans" / "lund_ks_2025.toml"
WALL_TARGET = 3.0  # N plans within this multiple of one plan's wall time
MEMORY_TARGET_MIB = 2048

# One case in its own interpreter: refresh the plans in argv[1] into the warehouse argv[2], the report step
# timed by wrapping build_report (the scorecard_report asset imports it when it runs); prints one JSON line.
# With argv[3] (a Dagster home), the run is recorded there and its step times are printed too.
CHILD = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
import indicator_pipeline.report as report
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings
timed = {}
original = report.build_report
def build_report(*args, **kwargs):
    start = time.perf_counter()
    written = original(*args, **kwargs)
    timed["report_s"] = time.perf_counter() - start
    timed["pages"] = len(written.pages)
    return written
report.build_report = build_report
imported = time.perf_counter()
settings = Settings(plan_path=Path(sys.argv[1]), warehouse_path=Path(sys.argv[2]), source_mode="live", as_of=sys.argv[4])
summary = refresh(settings)
done = time.perf_counter()
steps = {}
if sys.argv[3]:
    from dagster import DagsterEventType, DagsterInstance
    with DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        logged = [(e.timestamp, e.dagster_event) for e in instance.all_logs(run.run_id) if e.dagster_event]
    starts = {e.step_key: at for at, e in logged if e.event_type == DagsterEventType.STEP_START}
    ends = {e.step_key: at for at, e in logged if e.event_type == DagsterEventType.STEP_SUCCESS}
    steps = {key: ends[key] - starts[key] for key in starts if key in ends}
print("result=" + json.dumps({"import_s": imported - started, "refresh_s": done - imported, "steps": steps,
                              "summary": summary, **timed}))
"""


def municipalities() -> list[tuple[str, str]]:
    """(code, name) of every municipality (type K) in Kolada's list in the bundled snapshot, by code."""
    listed = json.loads(recorded_body("kolada", "/v3/municipality?"))["values"]
    return sorted((m["id"], m["title"]) for m in listed if m["type"] == "K")


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def generate_plans(count: int, folder: Path, template: Path = TEMPLATE) -> list[Path]:
    """`count` plans from `template`, one per municipality (the template's own first), as files in `folder`:
    the [plan] table's id, title, organisation, municipality_code and municipality_name substituted."""
    text = template.read_text(encoding="utf-8")
    head = re.search(r"^\[plan\]\n(.*?)(?=^\[)", text, re.MULTILINE | re.DOTALL)
    if head is None:
        raise SystemExit(f"{template}: no [plan] table followed by another table")
    own = re.search(r'^municipality_code = "([0-9]{4})"', head.group(1), re.MULTILINE)
    listed = municipalities()
    if count > len(listed):
        raise SystemExit(f"{count} plans asked for, and Kolada lists {len(listed)} municipalities")
    chosen = sorted(listed, key=lambda m: (m[0] != (own.group(1) if own else None), m[0]))[:count]
    template_id = re.search(r'^id = "(.*)"', head.group(1), re.MULTILINE).group(1)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for code, name in chosen:
        fields = {
            "id": f"bench-{code}", "title": f"Benchmarkplan {code} {name}, från {template_id} (ej antagen)",
            "organisation": f"{name} (benchmark)", "municipality_code": code, "municipality_name": name,
        }
        table = head.group(1)
        for key, value in fields.items():
            table, found = re.subn(rf"^{key} = .*$", lambda _: f"{key} = {_toml_string(value)}", table, count=1, flags=re.MULTILINE)
            if not found:
                table = f"{key} = {_toml_string(value)}\n{table}"
        path = folder / f"bench_{code}.toml"
        path.write_text(text[: head.start(1)] + table + text[head.end(1):], encoding="utf-8")
        paths.append(path)
    return paths


@dataclass
class Case(Result):
    """bench.py's figures of one case (`seconds`: wall), with the child's own timings and the server's count."""

    plans: int = 1
    refresh: list[float] = field(default_factory=list)
    report: list[float] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    steps: dict[str, float] = field(default_factory=dict)

    def median_of(self, name: str) -> float:
        return statistics.median(getattr(self, name))


def run_case(count: int, work: Path, sources: LoopbackSources, steps: bool = False) -> tuple[float, float, float, dict]:
    """One refresh of `count` generated plans into a fresh warehouse, in a child: (wall, CPU, peak RSS MiB,
    what the child reported)."""
    shutil.rmtree(work, ignore_errors=True)
    plans = work / "plans"
    generate_plans(count, plans)
    (work / "landing").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INDICATOR_") and k != "DAGSTER_HOME"}
    env |= {**sources.env(), "INDICATOR_LANDING_DIR": str(work / "landing"), "INDICATOR_SOURCE_RETRIES": "0"}
    home = ""
    if steps:
        home = str(work / "dagster_home")
        Path(home).mkdir()
        env["DAGSTER_HOME"] = home
    command = [sys.executable, "-c", CHILD, str(plans), str(work / "w" / "indicators.duckdb"), home, AS_OF]
    wall, cpu, rss, stdout = run_once(command, env)
    reported = json.loads(next(line for line in reversed(stdout.splitlines()) if line.startswith("result="))[7:])
    if reported.get("pages") != count:
        raise SystemExit(f"plans_scale: {count} plans refreshed, and the report wrote {reported.get('pages')} pages")
    return wall, cpu, rss, reported


def measure(counts: list[int], runs: int, steps: bool = False) -> list[Case]:
    cases = [Case(f"{count} plans", plans=count) for count in counts]
    with tempfile.TemporaryDirectory(prefix="indicator-plans-") as tmp, LoopbackSources() as sources:
        for _ in range(runs):
            for case in cases:
                before = dict(sources.requests)
                wall, cpu, rss, reported = run_case(case.plans, Path(tmp) / f"plans-{case.plans}", sources, steps)
                case.seconds.append(wall)
                case.cpu.append(cpu)
                case.rss_mib.append(rss)
                case.refresh.append(reported["refresh_s"])
                case.report.append(reported["report_s"])
                case.pages = reported["pages"]
                case.requests = {k: n - before.get(k, 0) for k, n in sources.requests.items() if n > before.get(k, 0)}
                case.steps = reported["steps"]
                print(f"  {case.plans} plans: {wall:.1f} s wall, {cpu:.1f} s CPU, {rss:.0f} MiB, report {reported['report_s']:.2f} s",
                      flush=True)
    return cases


def verdicts(cases: list[Case]) -> list[str]:
    one, many = cases[0], cases[-1]
    ratio = many.median / one.median
    peak = max(many.rss_mib)
    return [
        f"{many.plans} plans / 1 plan, wall: {ratio:.2f}x (CPU {many.median_of('cpu') / one.median_of('cpu'):.2f}x); "
        f"target <= {WALL_TARGET:g}x: {'met' if ratio <= WALL_TARGET else 'NOT met'}",
        f"peak RSS of the {many.plans}-plan run: {peak:.0f} MiB; target < {MEMORY_TARGET_MIB} MiB: "
        f"{'met' if peak < MEMORY_TARGET_MIB else 'NOT met'}",
    ]


def print_table(cases: list[Case]) -> None:
    print(f"{'plans':>5}  runs  wall s (median)  min s  max s  CPU s  peak RSS MiB  refresh s  report s  pages  "
          "Kolada data requests  all requests")
    for c in cases:
        print(f"{c.plans:>5}  {len(c.seconds):>4}  {c.median:15.2f}  {min(c.seconds):5.2f}  {max(c.seconds):5.2f}  "
              f"{c.median_of('cpu'):5.2f}  {max(c.rss_mib):12.1f}  {c.median_of('refresh'):9.2f}  {c.median_of('report'):8.2f}  "
              f"{c.pages:5}  {c.requests.get('kolada_data', 0):20}  {sum(c.requests.values()):12}")
    for line in verdicts(cases):
        print(line)
    print(f"requests of the {cases[-1].plans}-plan run: {dict(sorted(cases[-1].requests.items()))}")


def print_steps(case: Case) -> None:
    total = sum(case.steps.values())
    print(f"steps of the last {case.plans}-plan run (their sum {total:.2f} s of {case.seconds[-1]:.2f} s wall), largest first:")
    for key, seconds in sorted(case.steps.items(), key=lambda item: -item[1])[:15]:
        print(f"  {key:<50} {seconds:7.2f}  {seconds / case.seconds[-1]:6.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=len(municipalities()), help="plans in the large case (default: every municipality)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each case (default 1)")
    parser.add_argument("--steps", action="store_true", help="record the runs in a Dagster home and print the step times")
    parser.add_argument("--case", type=int, metavar="N", help="one refresh of N plans, printing seconds= (for make bench)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.case:
        with tempfile.TemporaryDirectory(prefix="indicator-plans-") as tmp, LoopbackSources() as sources:
            wall, _, _, reported = run_case(args.case, Path(tmp), sources)
        print(f"report_s={reported['report_s']:.3f} requests={sum(sources.requests.values())}\nseconds={wall:.3f}")
        return 0
    compile_bytecode()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average at start "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    cases = measure([1, args.plans], args.runs, args.steps)
    print()
    print_table(cases)
    if args.steps:
        print_steps(cases[-1])
    if args.json:
        figures = {
            str(c.plans): {"wall": c.seconds, "cpu": c.cpu, "peak_rss_mib": c.rss_mib, "refresh": c.refresh, "report": c.report,
                           "pages": c.pages, "requests": c.requests, "steps": c.steps}
            for c in cases
        }
        args.json.write_text(json.dumps({"cases": figures, "verdicts": verdicts(cases)}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
