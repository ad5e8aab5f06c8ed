"""The scale targets of issue 11, measured: the one- and the all-municipality refresh against the
loopback Kolada and SCB (benchmarks/loopback.py), and parse + load of the Kolada answers against
DuckDB's own read_json over the same archived payloads.

    .venv/bin/python benchmarks/scale.py [--runs N]
    .venv/bin/python benchmarks/scale.py --refresh none|all     # one refresh; prints seconds= (make bench)
    .venv/bin/python benchmarks/scale.py --parse-load|--read-json  # one timing over generated all-290 payloads

Each refresh is `indicator-pipeline refresh` (live mode, the loopback sources as KOLADA_BASE_URL and
SCB_BASE_URL, the bundled file drops as the landing folder) in a fresh child process: wall time, and
peak resident memory of that child (the loopback server runs in this process and is not counted).
"One municipality" is the plan's own with no peers (`--peers none`: Helsingborg, with Riket and
Region Skåne as reference rows); "all" is `--peers all` (290 municipalities and the two references).

Targets: all-municipality wall time within 2x the one-municipality's, peak RSS under 1.5 GB; parse +
load (stage_values: DuckDB reads the archived bodies, checks the wire format, loads staging and the
request coverage) within 3x of `read_json` reading and unnesting the same files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from benchmarks.loopback import BUNDLED, LoopbackSources  # noqa: E402
from indicator_pipeline.archive import RawArchive  # noqa: E402
from indicator_pipeline.payloads import ArchivedPayload  # noqa: E402
from indicator_pipeline.steps.kolada import stage_values  # noqa: E402
from indicator_pipeline.warehouse.models import apply_schema  # noqa: E402
from indicator_pipeline.warehouse.sql import sql_text  # noqa: E402

AS_OF = "2026-11-20"
CHILD = (  # runs the command as its own child, so that RUSAGE_CHILDREN is that command's alone
    "import resource, subprocess, sys;"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode;"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
    "sys.exit(rc)"
)


@dataclass(frozen=True)
class Sample:
    wall_s: float
    peak_mib: float


def loopback_refresh(peers: str, work: Path, sources: LoopbackSources) -> Sample:
    """One `indicator-pipeline refresh --peers PEERS` against the loopback sources, in a fresh warehouse."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(BUNDLED / "filedrop", work / "landing")
    env = {
        **os.environ, **sources.env(),
        "INDICATOR_WAREHOUSE": str(work / "w" / "indicators.duckdb"),
        "INDICATOR_LANDING_DIR": str(work / "landing"),
        "INDICATOR_SOURCE_MODE": "live",
        "INDICATOR_AS_OF": AS_OF,
        "INDICATOR_PEERS": peers,
        "INDICATOR_SOURCE_RETRIES": "0",
    }
    env.pop("DAGSTER_HOME", None)
    command = [str(Path(sys.executable).parent / "indicator-pipeline"), "refresh"]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, *command], env=env, capture_output=True, text=True, cwd=PROJECT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"scale: refresh --peers {peers} failed: {done.stderr.strip()[-500:]}")
    return Sample(wall, int(done.stdout.strip().splitlines()[-1]) / 1024)


def kolada_payloads(warehouse: Path) -> list[ArchivedPayload]:
    """The Kolada data payloads a refresh archived (raw.payload), as the staging step receives them."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.sql(sql_text("load/archived_kolada_values.sql")).fetchall()
    return [ArchivedPayload("kolada", "kolada_values", sha, url, "GET", 200, at, size, licence) for sha, url, at, size, licence in rows]


def parse_load_seconds(refs: list[ArchivedPayload], archive: RawArchive) -> tuple[float, int]:
    """stage_values into a fresh in-memory warehouse: (seconds, rows staged)."""
    con = duckdb.connect()
    apply_schema(con)
    start = time.perf_counter()
    stage_values(con, refs, archive)
    seconds = time.perf_counter() - start
    return seconds, con.table("staging.kolada_values").shape[0]


def read_json_seconds(refs: list[ArchivedPayload], archive: RawArchive) -> tuple[float, int]:
    """DuckDB's own read_json over the same files, every value object unnested: (seconds, rows)."""
    con = duckdb.connect()
    con.execute("SET VARIABLE files = ?", [sorted({str(archive.object_path(r.sha256)) for r in refs})])
    start = time.perf_counter()
    rows = con.sql(sql_text("load/read_json_floor.sql")).fetchall()[0][0]
    return time.perf_counter() - start, rows


def generated_payloads(folder: Path) -> tuple[list[ArchivedPayload], RawArchive]:
    """The all-municipality Kolada data answers, as a refresh would archive them, without the refresh:
    fetched from the loopback sources by the pipeline's own client, in the pipeline's own chunks."""
    from indicator_pipeline.catalog import load_plan
    from indicator_pipeline.catalog.peers import PeerSpec
    from indicator_pipeline.sources.live import LiveTransport
    from indicator_pipeline.steps import kolada as kolada_steps
    from indicator_pipeline.steps import peers as peer_steps

    plan, archive = load_plan(), RawArchive(folder / "archive")
    with LoopbackSources() as sources:
        os.environ.update(sources.env())
        transport = LiveTransport()
        spec = PeerSpec(kind="all")
        listing = peer_steps.fetch(spec, transport, archive)
        requested = peer_steps.peer_set(plan, spec, listing, archive, "benchmark").requested
        refs = kolada_steps.fetch_values(plan, transport, archive, int(AS_OF[:4]) - 1, requested)
    return refs, archive


def driver_mode(mode: str, peers: str | None) -> None:
    """One measurement for `make bench` (benchmarks/measurements.py): prints `seconds=<x>`."""
    with tempfile.TemporaryDirectory() as tmp:
        if mode == "refresh":
            with LoopbackSources() as sources:
                sample = loopback_refresh(peers or "none", Path(tmp), sources)
            print(f"seconds={sample.wall_s:.3f}")
            return
        refs, archive = generated_payloads(Path(tmp))
        seconds, rows = (parse_load_seconds if mode == "parse-load" else read_json_seconds)(refs, archive)
        print(f"rows={rows}\nseconds={seconds:.3f}")


def summary(name: str, samples: list[Sample]) -> Sample:
    walls = [s.wall_s for s in samples]
    peak = max(s.peak_mib for s in samples)
    print(
        f"{name:<34} runs={len(samples)}  wall median={statistics.median(walls):7.2f} s  min={min(walls):7.2f} s  "
        f"max={max(walls):7.2f} s  peak RSS max={peak:7.1f} MiB"
    )
    return Sample(statistics.median(walls), peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="refreshes per peer set (default 3)")
    parser.add_argument("--refresh", metavar="PEERS", help="one loopback refresh with these peers (none, all), for make bench")
    parser.add_argument("--parse-load", action="store_true", help="one parse + load of generated all-290 payloads")
    parser.add_argument("--read-json", action="store_true", help="DuckDB's read_json over the same payloads")
    args = parser.parse_args()
    if args.refresh or args.parse_load or args.read_json:
        driver_mode("refresh" if args.refresh else "parse-load" if args.parse_load else "read-json", args.refresh)
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, DuckDB {duckdb.__version__}")
    with tempfile.TemporaryDirectory() as tmp, LoopbackSources() as sources:
        work = Path(tmp)
        one = summary("loopback refresh, one municipality", [loopback_refresh("none", work / "one", sources) for _ in range(args.runs)])
        every = summary("loopback refresh, all 290", [loopback_refresh("all", work / "all", sources) for _ in range(args.runs)])
        print(f"  all / one wall time: {every.wall_s / one.wall_s:5.2f}x (target <= 2x); peak {every.peak_mib:.0f} MiB (target < 1536 MiB)")
        archive = RawArchive(work / "all" / "w" / "archive")
        refs = kolada_payloads(work / "all" / "w" / "indicators.duckdb")
        size = sum(r.size_bytes for r in refs) / 2**20
        loads = [parse_load_seconds(refs, archive) for _ in range(args.runs)]
        floors = [read_json_seconds(refs, archive) for _ in range(args.runs)]
        load_s, floor_s = statistics.median(s for s, _ in loads), statistics.median(s for s, _ in floors)
        print(f"Kolada payloads of the all-municipality run: {len(refs)} files, {size:.1f} MiB, {loads[0][1]} value rows")
        print(f"  parse + load (stage_values)      median={load_s:6.3f} s  min={min(s for s, _ in loads):6.3f} s  max={max(s for s, _ in loads):6.3f} s")
        print(f"  DuckDB read_json floor           median={floor_s:6.3f} s  min={min(s for s, _ in floors):6.3f} s  max={max(s for s, _ in floors):6.3f} s  ({floors[0][1]} rows)")
        print(f"  parse + load / read_json: {load_s / floor_s:5.2f}x (target <= 3x)")
        print(f"  loopback requests answered: {dict(sorted(sources.requests.items()))}")


if __name__ == "__main__":
    main()
