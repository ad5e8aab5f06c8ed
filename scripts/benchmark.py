"""Measure what the README promises: wall time and peak memory of the offline refresh and the tests.

Each measured command runs in its own child process; peak memory is that child's maximum resident
set size (getrusage RUSAGE_CHILDREN, read after each child so the maximum belongs to it alone).

    python scripts/benchmark.py [--runs N] [--skip-tests]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run one command in a fresh child; returns (wall seconds, peak RSS in MiB)."""
    script = (
        "import resource, subprocess, sys;"
        "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode;"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "sys.exit(rc)"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, *command], env=env, capture_output=True, text=True, cwd=PROJECT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(command)} failed with exit code {done.returncode}")
    return wall, int(done.stdout.strip()) / 1024


def report(name: str, samples: list[tuple[float, float]]) -> None:
    walls = [w for w, _ in samples]
    peaks = [p for _, p in samples]
    print(
        f"{name:<28} runs={len(samples)}  wall median={statistics.median(walls):6.2f} s  "
        f"min={min(walls):6.2f} s  max={max(walls):6.2f} s  peak RSS max={max(peaks):7.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-tests", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "INDICATOR_WAREHOUSE": str(Path(tmp) / "w" / "indicators.duckdb")}
        refresh = [str(BIN / "indicator-pipeline"), "refresh", "--offline"]
        report("offline refresh (first)", [measure(refresh, env)])
        report("offline refresh (again)", [measure(refresh, env) for _ in range(args.runs)])
        if not args.skip_tests:
            report("test suite (-n auto)", [measure([sys.executable, "-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider"], env)])


if __name__ == "__main__":
    main()
