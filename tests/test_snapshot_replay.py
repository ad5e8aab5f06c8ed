"""Replay an edited copy of the bundled snapshot through the CLI, then the original: revisions become vintages.

The warehouse starts as a copy of the suite's one refresh of the bundled snapshot (A, tests/conftest.py);
the revised copy (B) is replayed through the CLI (`refresh --offline --snapshot-dir`, a subprocess), then
the original (A) again in-process: A -> B -> A. Both snapshots' figures are kept as vintages, and the
last replay shows that a figure going back to an earlier vintage's value becomes current again.
"""

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
# The revisions written into the copy's Kolada body: (KPI, year) -> (recorded value, revised value).
REVISIONS = {("U07453", 2025): (75.3, 77.1), ("N03002", 2025): (53.55, 61.0)}
# ... and into the copy's financial statements file (UTF-8 with BOM, decimal commas): equity 2025.
EQUITY_2025 = ("2025;equity;Eget kapital;18 444,0;", "2025;equity;Eget kapital;17 000,0;")
# Soliditet on the city's statements, by hand:
#   recorded: (18444 - 2180) / (35673 - 10300) x 100 = 16264 / 25373 x 100 = 64.0996  (>= 63: met)
#   revised:  (17000 - 2180) / (35673 - 10300) x 100 = 14820 / 25373 x 100 = 58.4085  (< 63: not_met)
SOLIDITET_RECORDED = 16264 / 25373 * 100
SOLIDITET_REVISED = 14820 / 25373 * 100


def _env() -> dict[str, str]:
    """The caller's environment without anything that would redirect the pipeline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INDICATOR_") and k not in ("DAGSTER_HOME", "KOLADA_BASE_URL", "SCB_BASE_URL")}
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
    """Same graph as the CLI runs, without another interpreter start (Dagster + GX imports, ~12 s)."""
    from indicator_pipeline.run import refresh
    from indicator_pipeline.settings import Settings

    with pytest.MonkeyPatch.context() as mp:
        for name in ("DAGSTER_HOME", "KOLADA_BASE_URL", "SCB_BASE_URL", *(k for k in os.environ if k.startswith("INDICATOR_"))):
            mp.delenv(name, raising=False)
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


def _statements(snapshot: Path) -> Path:
    (path,) = (snapshot / "filedrop").glob("financial_statements*.csv")
    return path


def _meta_path(body_path: Path) -> Path:
    return body_path.with_name(body_path.name.removesuffix(".body") + ".meta.json")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _revised_copy(destination: Path) -> Path:
    """A copy of the bundled snapshot with REVISIONS applied to the data body (and its .meta.json) and
    EQUITY_2025 to the statements file (same name, same encoding, other bytes)."""
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
    statements = _statements(copy)
    raw = statements.read_bytes()
    old, new = (line.encode("utf-8") for line in EQUITY_2025)
    assert raw.count(old) == 1 and raw.startswith(b"\xef\xbb\xbf")
    statements.write_bytes(raw.replace(old, new))
    return copy


def _vintages(warehouse: Path, indicator_id: str, year: int) -> list[tuple[float, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT value, raw_sha256 FROM core.indicator_value_vintage "
            "WHERE indicator_id = ? AND year = ? ORDER BY loaded_at",
            [indicator_id, year],
        ).fetchall()


def _finance_view(warehouse: Path) -> dict:
    """The soliditet goal's Kolada context row and its reconciliation row for 2025."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        context = con.execute(
            "SELECT value, role, status, target_value FROM marts.indicator_vs_target "
            "WHERE target_id = 'soliditet_min_63' AND indicator_id = 'soliditet_incl_pensions' AND year = 2025"
        ).fetchall()
        reconciliation = con.execute(
            "SELECT own_value, published_value, difference, kind, expected_difference, tolerance, within_expectation "
            "FROM marts.reconciliation "
            "WHERE indicator_id = 'soliditet_city' AND year = 2025"
        ).fetchall()
    return {"context": context, "reconciliation": reconciliation}


TRACKED = (("nki_total", 2025), ("soliditet_incl_pensions", 2025), ("soliditet_city", 2025))


@pytest.fixture(scope="module")
def replays(tmp_path_factory, copy_bundled_warehouse):
    """A (the shared refresh, copied) -> B (revised copy, CLI subprocess) -> A (in-process), into one
    warehouse; `status --format json` through the CLI after B and after the last A."""
    root = tmp_path_factory.mktemp("replay")
    copy = _revised_copy(root / "snapshot")
    warehouse = copy_bundled_warehouse(root / "warehouse")
    initial_vintages = {k: _vintages(warehouse, *k) for k in TRACKED}
    _refresh(warehouse, copy)
    revised = _status(warehouse)
    revised_finance = _finance_view(warehouse)
    revised_vintages = {k: _vintages(warehouse, *k) for k in TRACKED}
    _refresh_in_process(warehouse)  # the bundled snapshot again (the CLI path was exercised just above)
    original = _status(warehouse)
    return {
        "root": root,
        "copy": copy,
        "warehouse": warehouse,
        "initial_vintages": initial_vintages,
        "revised": revised,
        "revised_finance": revised_finance,
        "revised_vintages": revised_vintages,
        "original": original,
        "original_finance": _finance_view(warehouse),
    }


def test_revised_copy_is_what_the_status_reports(replays):
    revised = replays["revised"]
    # NKI 2025 revised to 77.1 >= 76 and final -> met; gap = 77.1 - 76 = 1.1.
    assert revised["nki_2025"]["status"] == "met"
    assert revised["nki_2025"]["latest_value"] == 77.1
    assert revised["nki_2025"]["gap"] == pytest.approx(1.1)
    # Soliditet on the revised statements: 58.4085 < 63 -> not_met; gap = 58.4085 - 63 = -4.5915.
    assert revised["soliditet_min_63"]["status"] == "not_met"
    assert revised["soliditet_min_63"]["latest_value"] == pytest.approx(SOLIDITET_REVISED)
    assert revised["soliditet_min_63"]["gap"] == pytest.approx(SOLIDITET_REVISED - 63) == pytest.approx(-4.59146, abs=1e-5)
    # Untouched goals keep their snapshot status (self-financing 1131 / 1450 = 78.0 >= 75).
    assert revised["self_financing_min_75"]["status"] == "met"
    assert revised["self_financing_min_75"]["latest_value"] == pytest.approx(78.0)


def test_revised_kolada_ratio_shows_as_context_and_in_the_reconciliation(replays):
    # Kolada's N03002 2025 revised to 61.0: the goal's context row carries it (no target, no status), and
    # the reconciliation compares it with the city's revised 58.4085: -2.5915, where the plan expects
    # Kolada's ratio some 15 points lower: |-2.5915 - 15| = 17.5915 > 5 -> not as expected.
    finance = replays["revised_finance"]
    assert finance["context"] == [(61.0, "context", "no_numeric_target", None)]
    ((own, published, difference, kind, expected, tolerance, within),) = finance["reconciliation"]
    assert own == pytest.approx(SOLIDITET_REVISED) and published == 61.0
    assert difference == pytest.approx(SOLIDITET_REVISED - 61.0) == pytest.approx(-2.59146, abs=1e-5)
    assert (kind, expected, tolerance, within) == ("by_design", 15.0, 5.0, False)


def test_bundled_snapshot_was_not_touched(replays):
    meta = json.loads(_meta_path(_data_body(BUNDLED)).read_text(encoding="utf-8"))
    assert _sha(_data_body(BUNDLED)) == meta["sha256"]
    assert _data_body(replays["copy"]).read_bytes() != _data_body(BUNDLED).read_bytes()
    assert EQUITY_2025[0].encode() in _statements(BUNDLED).read_bytes()
    assert _statements(replays["copy"]).read_bytes() != _statements(BUNDLED).read_bytes()


def test_original_snapshot_brings_the_recorded_values_back(replays):
    original = replays["original"]
    # Back to 75.3 < 76 -> not_met and 64.0996 >= 63 -> met.
    assert original["nki_2025"]["status"] == "not_met"
    assert original["nki_2025"]["latest_value"] == 75.3
    assert original["soliditet_min_63"]["status"] == "met"
    assert original["soliditet_min_63"]["latest_value"] == pytest.approx(SOLIDITET_RECORDED)
    # Kolada's 53.55 is back as context; 64.0996 - 53.55 = 10.5496 is within 15 +- 5, as the plan expects.
    finance = replays["original_finance"]
    assert finance["context"] == [(53.55, "context", "no_numeric_target", None)]
    ((own, published, difference, kind, expected, tolerance, within),) = finance["reconciliation"]
    assert (own, published) == (pytest.approx(SOLIDITET_RECORDED), 53.55)
    assert difference == pytest.approx(10.54963, abs=1e-5)
    assert (kind, expected, tolerance, within) == ("by_design", 15.0, 5.0, True)


def test_revision_is_a_new_vintage_not_an_overwrite(replays):
    warehouse = replays["warehouse"]
    bundled_sha, revised_sha = _sha(_data_body(BUNDLED)), _sha(_data_body(replays["copy"]))
    file_a, file_b = _sha(_statements(BUNDLED)), _sha(_statements(replays["copy"]))
    recorded = {
        ("nki_total", 2025): [(75.3, bundled_sha)],
        ("soliditet_incl_pensions", 2025): [(53.55, bundled_sha)],
        ("soliditet_city", 2025): [(pytest.approx(SOLIDITET_RECORDED), file_a)],
    }
    assert replays["initial_vintages"] == recorded
    assert replays["revised_vintages"] == {
        ("nki_total", 2025): [(75.3, bundled_sha), (77.1, revised_sha)],
        ("soliditet_incl_pensions", 2025): [(53.55, bundled_sha), (61.0, revised_sha)],
        # the city's measure carries the hash of the statements file it was computed from
        ("soliditet_city", 2025): [(pytest.approx(SOLIDITET_RECORDED), file_a), (pytest.approx(SOLIDITET_REVISED), file_b)],
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # Unchanged Kolada values added no vintage on either replay: one per (indicator, year), except the
        # two revised ones, which have three (recorded, revised, recorded again).
        per_key = dict(
            con.execute(
                "SELECT n, count(*) FROM (SELECT indicator_id, year, count(*) AS n "
                "FROM core.indicator_value_vintage WHERE source = 'kolada' GROUP BY ALL) GROUP BY n"
            ).fetchall()
        )
        assert per_key[3] == 2 and set(per_key) == {1, 3}
        # The only statement line that changed is equity 2025: of the city's measures only soliditet 2025 moved.
        moved = con.execute(
            "SELECT DISTINCT indicator_id, year FROM core.indicator_value_vintage "
            "WHERE source = 'computed' AND source_id = 'financial_statements' AND raw_sha256 = ?",
            [file_b],
        ).fetchall()
        assert moved == [("soliditet_city", 2025)]


def test_replaying_an_earlier_snapshot_again_makes_its_values_current_again(replays):
    # The last replay (A after B) brought back values identical to older vintages: they are current
    # again, each as a new vintage after the revision, never deduplicated against the old one.
    warehouse = replays["warehouse"]
    bundled_sha, revised_sha = _sha(_data_body(BUNDLED)), _sha(_data_body(replays["copy"]))
    file_a, file_b = _sha(_statements(BUNDLED)), _sha(_statements(replays["copy"]))
    assert _vintages(warehouse, "nki_total", 2025) == [(75.3, bundled_sha), (77.1, revised_sha), (75.3, bundled_sha)]
    assert _vintages(warehouse, "soliditet_incl_pensions", 2025) == [(53.55, bundled_sha), (61.0, revised_sha), (53.55, bundled_sha)]
    assert _vintages(warehouse, "soliditet_city", 2025) == [
        (pytest.approx(SOLIDITET_RECORDED), file_a), (pytest.approx(SOLIDITET_REVISED), file_b), (pytest.approx(SOLIDITET_RECORDED), file_a)
    ]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        current = dict(
            con.execute(
                "SELECT target_id, latest_value FROM marts.goal_status WHERE target_id IN ('nki_2025', 'soliditet_min_63')"
            ).fetchall()
        )
    assert current == {"nki_2025": 75.3, "soliditet_min_63": pytest.approx(SOLIDITET_RECORDED)}
