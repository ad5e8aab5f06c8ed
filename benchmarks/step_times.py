"""Where an offline refresh's time goes: start-up (imports, loading the definitions), then each step of
the refresh job, from the job's own step events.

    python benchmarks/step_times.py [--runs N]

Each run is a fresh interpreter refreshing the bundled snapshot into an empty warehouse, the job run
as indicator_pipeline/run.py runs it (in process, ephemeral instance); the table gives each part's
median wall time over the runs, largest first. The figures are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

# One refresh in a fresh interpreter; prints {part: seconds} as JSON.
ONE_REFRESH = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from dagster import DagsterEventType, DagsterInstance
from assets.definitions import build_definitions
from indicator_pipeline.run import FULL_REFRESH
from indicator_pipeline.settings import Settings
imported = time.perf_counter()
job = build_definitions(Settings(warehouse_path=Path(sys.argv[1]), source_mode="replay")).resolve_job_def(FULL_REFRESH)
loaded = time.perf_counter()
with DagsterInstance.ephemeral() as instance:
    result = job.execute_in_process(instance=instance, run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})
    ended = time.perf_counter()
    logged = [(entry.timestamp, entry.dagster_event) for entry in instance.all_logs(result.run_id) if entry.dagster_event]
starts = {event.step_key: at for at, event in logged if event.event_type == DagsterEventType.STEP_START}
ends = {event.step_key: at for at, event in logged if event.event_type == DagsterEventType.STEP_SUCCESS}
parts = {"start-up: imports": imported - started, "start-up: definitions": loaded - imported}
parts.update({f"step {key}": ends[key] - starts[key] for key in starts})
parts["run outside the steps (planning, events, instance)"] = (ended - loaded) - sum(ends[k] - starts[k] for k in starts)
parts["total"] = ended - started
print(json.dumps(parts))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="indicator-steps-") as folder:
            done = subprocess.run([sys.executable, "-c", ONE_REFRESH, str(Path(folder) / "indicators.duckdb")],
                                  cwd=PROJECT, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"the refresh failed: {done.stderr.strip()[-2000:]}")
            runs.append(json.loads(done.stdout.splitlines()[-1]))
    medians = {part: statistics.median(run[part] for run in runs) for part in runs[0]}
    total = medians.pop("total")
    width = max(map(len, medians))
    print(f"{'part':<{width}}  median s   share")
    for part, seconds in sorted(medians.items(), key=lambda item: -item[1]):
        print(f"{part:<{width}}  {seconds:8.2f}  {seconds / total:6.1%}")
    print(f"{'total':<{width}}  {total:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
