"""`make bench`: time named commands against their floors, each in its own child process.

    python benchmarks/bench.py [--runs N] [--quick] [--only NAME ...] [--json FILE]

Every measurement (benchmarks/measurements.py) is a command run `--runs` times in a fresh child; the
table gives the median wall time with min and max, the median CPU time (user + system: steadier
than wall time on a shared machine), the child's peak resident memory, and, where the measurement
names a floor, the ratios of the medians (wall and CPU), judged against its target on the one the
measurement names. A measurement whose command prints `seconds=<x>` is timed by that figure (its own
timing, without interpreter start-up) instead of the child's wall time. Bytecode is compiled once
before measuring, so no run pays for compiling sources. `--quick` runs only the measurements marked
quick (for the test that keeps this driver working); nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.measurements import MEASUREMENTS, Measurement, Workspace  # noqa: E402

# Runs `argv` and prints one JSON line: wall seconds, CPU seconds and peak RSS of that child alone
# (this wrapper has no other child, so RUSAGE_CHILDREN is the command's), its exit code and output.
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss,
                  "rc": done.returncode, "stdout": done.stdout[-4000:], "stderr": done.stderr[-4000:]}))
"""
REPORTED = re.compile(r"^seconds=([0-9.]+)$", re.MULTILINE)


@dataclass
class Result:
    name: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    last_output: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(seconds, CPU seconds, peak RSS MiB, stdout) of one run of `command` in a fresh child."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], env=env, cwd=PROJECT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"benchmark wrapper failed: {done.stderr.strip()}")
    child = json.loads(done.stdout.splitlines()[-1])
    if child["rc"] != 0:
        raise SystemExit(f"benchmark: {' '.join(command)} exited {child['rc']}: {child['stderr'].strip()[-1000:]}")
    reported = REPORTED.findall(child["stdout"])
    seconds = float(reported[-1]) if reported else child["wall"]
    return seconds, child["cpu"], child["rss_kib"] / 1024, child["stdout"]


def measure(measurement: Measurement, workspace: Workspace, runs: int) -> Result:
    result = Result(measurement.name)
    for _ in range(runs):
        if measurement.prepare is not None:
            measurement.prepare(workspace)
        seconds, cpu, rss, output = run_once(workspace.expand(measurement.command), workspace.env)
        result.seconds.append(seconds)
        result.cpu.append(cpu)
        result.rss_mib.append(rss)
        said = [line for line in output.strip().splitlines() if line and not REPORTED.match(line)]
        result.last_output = said[-1] if said else ""
    return result


def machine() -> dict[str, str]:
    """The machine as Python's standard library reports it (no system files read)."""
    cpu = platform.processor() or platform.machine()
    try:
        ram = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 1024**3:.1f} GiB"
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows) or no such name
        ram = "unknown"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load average at start": load,
    }


def ratios(measurement: Measurement, results: dict[str, Result]) -> tuple[float, float] | None:
    """(wall, CPU) ratio of the medians against the measurement's floor, if both were measured."""
    if measurement.floor is None or measurement.floor not in results:
        return None
    mine, floor = results[measurement.name], results[measurement.floor]
    return mine.median / floor.median, statistics.median(mine.cpu) / statistics.median(floor.cpu)


def ratio_text(measurement: Measurement, results: dict[str, Result]) -> str:
    if (both := ratios(measurement, results)) is None:
        return ""
    wall, cpu = both
    text = f"{wall:5.2f}x {measurement.floor} (CPU {cpu:.2f}x)"
    if measurement.target is not None:
        judged = cpu if measurement.target_on == "cpu" else wall
        text += f"; target <= {measurement.target:g}x {measurement.target_on}: {'met' if judged <= measurement.target else 'NOT met'}"
    return text


def compile_bytecode() -> None:
    """Write the bytecode of the installed packages and the project once (untimed), so that no measurement
    pays for compiling Python sources: a shell with PYTHONDONTWRITEBYTECODE set would otherwise compile
    every module at every start (several seconds for Dagster alone)."""
    packages = {str(init.parent) for init in PROJECT.glob("*/__init__.py")}
    folders = sorted({path for path in sys.path if path.endswith("site-packages")} | packages)
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], capture_output=True, check=False)


def print_table(chosen: list[Measurement], results: dict[str, Result]) -> None:
    width = max(len(m.name) for m in chosen)
    print(f"{'measurement':<{width}}  runs  median s   min s   max s  CPU s (median)  peak RSS MiB  ratio")
    for m in chosen:
        r = results[m.name]
        print(
            f"{m.name:<{width}}  {len(r.seconds):>4}  {r.median:8.2f}  {min(r.seconds):6.2f}  {max(r.seconds):6.2f}"
            f"  {statistics.median(r.cpu):14.2f}  {max(r.rss_mib):12.1f}  {ratio_text(m, results)}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--quick", action="store_true", help="only the measurements marked quick")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these measurements (their floors come along)")
    parser.add_argument("--json", type=Path, help="also write the results and the machine to this file")
    args = parser.parse_args(argv)

    chosen = [m for m in MEASUREMENTS if (m.quick or not args.quick) and m.available()]
    if args.only:
        wanted = set(args.only) | {m.floor for m in MEASUREMENTS if m.name in args.only and m.floor}
        chosen = [m for m in chosen if m.name in wanted]
    skipped = [m.name for m in MEASUREMENTS if not m.available()]
    facts = machine()
    for key, value in facts.items():
        print(f"{key}: {value}")
    if skipped:
        print(f"not available here: {', '.join(skipped)}")
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="indicator-bench-") as folder:
        workspace = Workspace(Path(folder))
        results: dict[str, Result] = {}
        for measurement in chosen:
            started = time.perf_counter()
            results[measurement.name] = measure(measurement, workspace, args.runs)
            print(f"  measured {measurement.name} ({time.perf_counter() - started:.0f} s): {results[measurement.name].last_output[:160]}",
                  flush=True)
        shutil.rmtree(folder, ignore_errors=True)
    print()
    print_table(chosen, results)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": facts,
                    "runs": args.runs,
                    "results": {
                        m.name: {
                            "median": results[m.name].median, "min": min(results[m.name].seconds),
                            "max": max(results[m.name].seconds), "cpu_median": statistics.median(results[m.name].cpu),
                            "peak_rss_mib": max(results[m.name].rss_mib), "floor": m.floor, "target": m.target,
                            "target_on": m.target_on,
                            "ratio": (ratios(m, results) or (None, None))[0], "cpu_ratio": (ratios(m, results) or (None, None))[1],
                        }
                        for m in chosen
                    },
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
