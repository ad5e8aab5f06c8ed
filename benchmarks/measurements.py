"""The measurements `make bench` runs: a list of named commands, each compared with a floor.

To add one, append a `Measurement` to MEASUREMENTS: a name, the command (placeholders below), what
to prepare before each run (untimed), and optionally the floor it is compared with and the target
ratio. `available` can hide a measurement whose code is not there (it is listed as not available).

Placeholders: {python} this interpreter, {cli} the indicator-pipeline command, {project} the
repository, {warehouse} a warehouse refreshed once from the bundled snapshot (`built`), {fresh} a
warehouse path that `fresh` empties before each run, {shape} the refresh job's shape for the Dagster
floor (`shaped`, benchmarks/dagster_floor.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
IMPORT_FLOOR = "floor: import dagster+duckdb+polars"
STACK_FLOOR = "floor: import the refresh's stack"
DAGSTER_FLOOR = "floor: Dagster job of the same shape, no-op steps"
QUERY_FLOOR = "floor: DuckDB query of marts.goal_status"
READ_JSON_FLOOR = "floor: DuckDB read_json, same payloads"
# What an offline refresh imports to do its work: the orchestrator, the warehouse, the frames, the quality
# gate (and the pandas it validates with), the report's templates.
STACK = "dagster, duckdb, polars, great_expectations, pandas, jinja2"


class Workspace:
    """Paths and environment shared by the measurements of one benchmark run (a temporary folder)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.warehouse = folder / "built" / "indicators.duckdb"
        self.fresh = folder / "fresh" / "indicators.duckdb"
        self.shape = folder / "floor_shape.json"
        self.built = False
        # No deployment settings, no Dagster instance of the user's: every command says what it uses.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("INDICATOR_") and k != "DAGSTER_HOME"}

    def expand(self, command: list[str]) -> list[str]:
        values = {
            "python": sys.executable, "cli": str(BIN / "indicator-pipeline"), "project": str(PROJECT),
            "warehouse": str(self.warehouse), "fresh": str(self.fresh), "shape": str(self.shape),
        }
        return [part.format(**values) for part in command]


def fresh(workspace: Workspace) -> None:
    """An empty folder for the warehouse: the refresh builds everything."""
    shutil.rmtree(workspace.fresh.parent, ignore_errors=True)


def built(workspace: Workspace) -> None:
    """The bundled snapshot refreshed into {warehouse} once (so the next refresh has nothing new)."""
    if not workspace.built:
        command = workspace.expand(["{cli}", "refresh", "--offline", "--warehouse", "{warehouse}"])
        subprocess.run(command, env=workspace.env, cwd=PROJECT, check=True, capture_output=True)
        workspace.built = True


def shaped(workspace: Workspace) -> None:
    """The refresh job's shape read from the real definitions once, for the Dagster floor (untimed)."""
    if not workspace.shape.exists():
        command = workspace.expand(["{python}", "{project}/benchmarks/dagster_floor.py", "--write-shape", "{shape}"])
        subprocess.run(command, env=workspace.env, cwd=PROJECT, check=True, capture_output=True)


@dataclass(frozen=True)
class Measurement:
    name: str
    command: list[str]
    prepare: Callable[[Workspace], None] | None = None
    floor: str | None = None  # the measurement this one is compared with
    target: float | None = None  # at most this multiple of the floor's median
    target_on: str = "wall"  # which median the target judges: "wall" or "cpu" (steadier on a shared machine)
    quick: bool = False  # run by `--quick` (the test of this driver)
    available: Callable[[], bool] = field(default=lambda: True)


ONE_MUNICIPALITY = "loopback refresh, one municipality"
ONE_PLAN = "loopback refresh, one plan (Kolada goals only)"
ALL_READ_JSON_FLOOR = "floor: DuckDB read_json, all-290 Kolada answers"

MEASUREMENTS: list[Measurement] = [
    Measurement(IMPORT_FLOOR, ["{python}", "-c", "import dagster, duckdb, polars"], quick=True),
    Measurement(STACK_FLOOR, ["{python}", "-c", f"import {STACK}"]),
    Measurement(DAGSTER_FLOOR, ["{python}", "{project}/benchmarks/dagster_floor.py", "{shape}"], prepare=shaped),
    Measurement(QUERY_FLOOR, ["{python}", "-c", "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True)"
                              ".sql('SELECT * FROM marts.goal_status').fetchall()", "{warehouse}"], prepare=built),
    Measurement(READ_JSON_FLOOR, ["{python}", "{project}/benchmarks/floor_read_json.py"], quick=True),
    Measurement("offline refresh (empty warehouse)", ["{cli}", "refresh", "--offline", "--warehouse", "{fresh}"],
                prepare=fresh, floor=STACK_FLOOR, target=1.5),
    Measurement("no-op refresh", ["{cli}", "refresh", "--offline", "--warehouse", "{warehouse}"],
                prepare=built, floor=IMPORT_FLOOR, target=2),
    Measurement("no-op refresh, asset graph (schedule path)", ["{python}", "{project}/benchmarks/asset_graph_refresh.py", "{warehouse}"],
                prepare=built, floor=DAGSTER_FLOOR, target=1.25, target_on="cpu"),
    Measurement("status", ["{cli}", "status", "--warehouse", "{warehouse}"], prepare=built, floor=QUERY_FLOOR, target=2),
    # The scale path (benchmarks/scale.py): refreshes against the loopback Kolada and SCB, the plan's own
    # municipality alone (with Riket and the county) and all 290; parse + load of the all-290 Kolada answers.
    Measurement(ONE_MUNICIPALITY, ["{python}", "{project}/benchmarks/scale.py", "--refresh", "none"]),
    Measurement("loopback refresh, all 290 municipalities", ["{python}", "{project}/benchmarks/scale.py", "--refresh", "all"],
                floor=ONE_MUNICIPALITY, target=2),
    Measurement(ALL_READ_JSON_FLOOR, ["{python}", "{project}/benchmarks/scale.py", "--read-json"]),
    Measurement("parse + load, all-290 Kolada answers", ["{python}", "{project}/benchmarks/scale.py", "--parse-load"],
                floor=ALL_READ_JSON_FLOOR, target=3),
    # Several plans in one run (benchmarks/plans_scale.py, issue 17): a plan per municipality generated from
    # the Kolada-only demonstration plan, judged and reported in one refresh against the loopback Kolada.
    Measurement(ONE_PLAN, ["{python}", "{project}/benchmarks/plans_scale.py", "--case", "1"]),
    Measurement("loopback refresh, 290 plans in one run", ["{python}", "{project}/benchmarks/plans_scale.py", "--case", "290"],
                floor=ONE_PLAN, target=3),
]
