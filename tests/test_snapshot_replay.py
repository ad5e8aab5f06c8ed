"""Replay an edited copy of the bundled snapshot through the CLI, then the original: revisions become vintages."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "indicator_pipeline" / "snapshots" / "bundled"
AS_OF = "2026-11-20"
TIMEOUT = 180
# The revisions written into the copy: (KPI, year) -> (recorded value, revised value).
REVISIONS = {("U07453", 2025): (75.3, 77.1), ("N03002", 2025): (64.8, 60.0)}


def _env() -> dict[str, str]:
    """The caller's environment without anything that would redirect the pipeline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INDICATOR_") and k not in ("DAGSTER_HOME", "KOLADA_BASE_URL")}
    return env


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indicator_pipeline.cli", *args],
        cwd=PROJECT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _refresh(warehouse: Path, snapshot: Path | None = None) -> None:
    args = ["refresh", "--offline", "--warehouse", str(warehouse), "--as-of", AS_OF]
    if snapshot is not None:
        args += ["--snapshot-dir", str(snapshot)]
    result = _cli(*args)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"into {warehouse}" in result.stdout


def _refresh_in_process(warehouse: Path, snapshot: Path | None = None) -> None:
    """Same graph as the CLI runs, without another ~20 s interpreter start (Dagster + GX imports)."""
    from indicator_pipeline.run import refresh
    from indicator_pipeline.settings import Settings

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DAGSTER_HOME", raising=False)
        mp.delenv("KOLADA_BASE_URL", raising=False)
        settings = Settings(
            warehouse_path=warehouse, source_mode="replay", snapshot_dir=snapshot, as_of=date.fromisoformat(AS_OF)
        )
        assert f"into {warehouse}" in refresh(settings)


def _status(warehouse: Path) -> dict[str, dict]:
    result = _cli("status", "--warehouse", str(warehouse), "--format", "json")
    assert result.returncode == 0, result.stderr
    return {row["target_id"]: row for row in json.loads(result.stdout)}


def _data_body(snapshot: Path) -> Path:
    (path,) = [p for p in (snapshot / "kolada").glob("*.body") if "year" in p.name]
    return path


def _meta_path(body_path: Path) -> Path:
    return body_path.with_name(body_path.name.removesuffix(".body") + ".meta.json")


def _revised_copy(destination: Path) -> Path:
    """A copy of the bundled snapshot with REVISIONS applied to the data body (and its .meta.json)."""
    copy = shutil.copytree(BUNDLED, destination)
    body_path = _data_body(copy)
    body = json.loads(body_path.read_bytes())
    changed = set()
    for obj in body["values"]:
        for cell in obj["values"]:
            key = (obj["kpi"], obj["period"])
            if cell["gender"] == "T" and key in REVISIONS:
                old, new = REVISIONS[key]
                assert cell["value"] == old, key
                cell["value"] = new
                changed.add(key)
    assert changed == set(REVISIONS)
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    body_path.write_bytes(data)
    meta_path = _meta_path(body_path)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sha256"] = hashlib.sha256(data).hexdigest()
    meta["headers"]["Content-Length"] = str(len(data))
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return copy


def _vintages(warehouse: Path, indicator_id: str, year: int) -> list[tuple[float, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT value, raw_sha256 FROM core.indicator_value_vintage "
            "WHERE indicator_id = ? AND year = ? ORDER BY loaded_at",
            [indicator_id, year],
        ).fetchall()


@pytest.fixture(scope="module")
def replays(tmp_path_factory):
    """Revised copy first (CLI, subprocess), then the original bundled snapshot (in-process), into one
    warehouse; `status --format json` through the CLI after each."""
    root = tmp_path_factory.mktemp("replay")
    copy = _revised_copy(root / "snapshot")
    warehouse = root / "warehouse" / "indicators.duckdb"
    _refresh(warehouse, copy)
    revised = _status(warehouse)
    revised_vintages = {k: _vintages(warehouse, *k) for k in (("nki_total", 2025), ("soliditet_incl_pensions", 2025))}
    _refresh_in_process(warehouse)  # the bundled snapshot (the CLI path was exercised just above)
    original = _status(warehouse)
    return {
        "root": root,
        "copy": copy,
        "warehouse": warehouse,
        "revised": revised,
        "revised_vintages": revised_vintages,
        "original": original,
    }


def test_revised_copy_is_what_the_status_reports(replays):
    revised = replays["revised"]
    # NKI 2025 revised to 77.1 >= 76 and final -> met; gap = 77.1 - 76 = 1.1.
    assert revised["nki_2025"]["status"] == "met"
    assert revised["nki_2025"]["latest_value"] == 77.1
    assert revised["nki_2025"]["gap"] == pytest.approx(1.1)
    # Soliditet 2025 revised to 60.0 < 63 -> not_met; gap = 60 - 63 = -3.
    assert revised["soliditet_min_63"]["status"] == "not_met"
    assert revised["soliditet_min_63"]["latest_value"] == 60.0
    assert revised["soliditet_min_63"]["gap"] == pytest.approx(-3.0)
    # Untouched goals keep their snapshot status (self-financing 72.4 < 75).
    assert revised["self_financing_min_75"]["status"] == "not_met"
    assert revised["self_financing_min_75"]["latest_value"] == 72.4


def test_bundled_snapshot_was_not_touched(replays):
    meta = json.loads(_meta_path(_data_body(BUNDLED)).read_text(encoding="utf-8"))
    assert hashlib.sha256(_data_body(BUNDLED).read_bytes()).hexdigest() == meta["sha256"]
    assert _data_body(replays["copy"]).read_bytes() != _data_body(BUNDLED).read_bytes()


def test_original_snapshot_brings_the_recorded_values_back(replays):
    original = replays["original"]
    # Back to 75.3 < 76 -> not_met and 64.8 >= 63 -> met.
    assert original["nki_2025"]["status"] == "not_met"
    assert original["nki_2025"]["latest_value"] == 75.3
    assert original["soliditet_min_63"]["status"] == "met"
    assert original["soliditet_min_63"]["latest_value"] == 64.8


def test_revision_is_a_new_vintage_not_an_overwrite(replays):
    warehouse = replays["warehouse"]
    bundled_sha = hashlib.sha256(_data_body(BUNDLED).read_bytes()).hexdigest()
    revised_sha = hashlib.sha256(_data_body(replays["copy"]).read_bytes()).hexdigest()
    assert replays["revised_vintages"] == {
        ("nki_total", 2025): [(77.1, revised_sha)],
        ("soliditet_incl_pensions", 2025): [(60.0, revised_sha)],
    }
    # Oldest first: the revised value, then the recorded one that replaced it as current.
    assert _vintages(warehouse, "nki_total", 2025) == [(77.1, revised_sha), (75.3, bundled_sha)]
    assert _vintages(warehouse, "soliditet_incl_pensions", 2025) == [(60.0, revised_sha), (64.8, bundled_sha)]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # Unchanged values added no vintage on the second replay: one per (indicator, year) except the two.
        per_key = dict(
            con.execute(
                "SELECT n, count(*) FROM (SELECT indicator_id, year, count(*) AS n "
                "FROM core.indicator_value_vintage WHERE source = 'kolada' GROUP BY ALL) GROUP BY n"
            ).fetchall()
        )
        assert per_key[2] == 2 and set(per_key) == {1, 2}
        current = con.execute(
            "SELECT value FROM core.fact_indicator_value WHERE indicator_id = 'nki_total' AND year = 2025"
        ).fetchall()
        assert current == [(75.3,)]


def test_replaying_a_revision_again_makes_it_current_again(replays, tmp_path):
    # Work on a copy so the shared warehouse stays as the other tests expect.
    warehouse = tmp_path / "indicators.duckdb"
    shutil.copyfile(replays["warehouse"], warehouse)
    shutil.copytree(replays["warehouse"].parent / "archive", tmp_path / "archive")
    _refresh_in_process(warehouse, replays["copy"])  # revised (B) again after original (A) after revised (B)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        current = dict(
            con.execute(
                "SELECT target_id, latest_value FROM marts.goal_status WHERE target_id IN ('nki_2025', 'soliditet_min_63')"
            ).fetchall()
        )
    assert current == {"nki_2025": 77.1, "soliditet_min_63": 60.0}
