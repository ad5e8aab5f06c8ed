"""What a zip bomb and an oversized drop cost: wall time and peak memory, beside a normal refresh.

Each case runs in its own child process; its peak memory is that child's maximum resident set size
(from os.wait4). The files are generated here, in a temporary folder, with the fault tests' generators
(tests/faults/hostilekit.py):

  reader, bundled sellable_land.xlsx   read_drop on the bundled workbook (a normal drop)
  reader, zip bomb (N GiB inflated)    read_drop on a workbook of a few MB that inflates to N GiB
  reader, zip bomb under the size limit  one inflating to 48 MiB, under max_inflated_bytes: refused by its ratio
  reader, max_rows workbook            read_drop on a valid workbook of exactly max_rows rows
  refresh, bundled drops               `refresh --offline` with the bundled drops in a landing folder
  refresh, + zip bomb                  the same with the zip bomb dropped beside them (refused, exit 1)

    python scripts/hostile_drops_benchmark.py [--bomb-gib N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED_DROPS = PROJECT / "indicator_pipeline" / "snapshots" / "bundled" / "filedrop"
sys.path.insert(0, str(PROJECT / "tests" / "faults"))

from hostilekit import land_rows, rows_xlsx, zip_bomb  # noqa: E402

READ = "import sys; from indicator_pipeline.filedrop import FileRejected, read_drop\n" \
       "try:\n    print(read_drop(sys.argv[1]).frame.height, 'rows')\n" \
       "except FileRejected as exc:\n    print(exc); sys.exit(1)"


def run_measured(name: str, command: list[str], env: dict[str, str], log: Path) -> None:
    """Run `command` in a child; print its exit code, wall time, peak RSS and last line of output."""
    start = time.perf_counter()
    with open(log, "w") as out:
        child = subprocess.Popen(command, env=env, cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    said = (lines[-1] if lines else "")[:150]
    print(f"{name:<36} exit={child.returncode}  wall={wall:6.2f} s  peak RSS={usage.ru_maxrss / 1024:7.1f} MiB  {said}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-gib", type=float, default=1.0, help="inflated size of the zip bomb in GiB (default 1)")
    args = parser.parse_args()
    from indicator_pipeline.catalog.filedrop_formats import FORMATS

    limits = FORMATS["sellable_land"].limits
    env = {k: v for k, v in os.environ.items() if not k.startswith("INDICATOR_") and k != "DAGSTER_HOME"}
    python = [sys.executable, "-c", READ]
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        bomb = zip_bomb(root / "sellable_land_2099-01-01.xlsx", int(args.bomb_gib * 1024**3))
        print(f"zip bomb: {bomb.stat().st_size / 1024**2:.1f} MiB on disk, {args.bomb_gib:g} GiB inflated "
              f"(generated in {time.perf_counter() - started:.1f} s)")
        small_bomb = zip_bomb(root / "sellable_land_2099-01-02.xlsx", 48 * 1024**2)
        full = rows_xlsx(root / "sellable_land_full.xlsx", land_rows(limits.max_rows))
        print(f"max_rows workbook: {limits.max_rows} rows, {full.stat().st_size / 1024**2:.1f} MiB")
        (bundled_xlsx,) = BUNDLED_DROPS.glob("sellable_land*.xlsx")
        run_measured("reader, bundled sellable_land.xlsx", [*python, str(bundled_xlsx)], env, root / "log")
        run_measured(f"reader, zip bomb ({args.bomb_gib:g} GiB inflated)", [*python, str(bomb)], env, root / "log")
        run_measured("reader, zip bomb under the size limit", [*python, str(small_bomb)], env, root / "log")
        run_measured("reader, max_rows workbook", [*python, str(full)], env, root / "log")

        cli = [sys.executable, "-m", "indicator_pipeline.cli", "refresh", "--offline"]
        for name, extra in (("refresh, bundled drops", []), ("refresh, + zip bomb", [bomb])):
            landing = root / name.replace(" ", "_").replace(",", "") / "landing"
            shutil.copytree(BUNDLED_DROPS, landing)
            for path in extra:
                shutil.copy(path, landing)
            warehouse = landing.parent / "warehouse" / "indicators.duckdb"
            command = [*cli, "--warehouse", str(warehouse), "--landing-dir", str(landing)]
            run_measured(name, command, env, root / "log")


if __name__ == "__main__":
    main()
