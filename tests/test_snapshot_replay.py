"""Replay a later, revised recording of the bundled snapshot through the CLI, then the original again:
revisions become vintages, and what was known when stays answerable.

The warehouse starts as a copy of the suite's one refresh of the bundled snapshot (A, recorded
2026-11-20, tests/conftest.py); a revised copy recorded a day later (B, 2026-11-21) is replayed through
the CLI (`refresh --offline --snapshot-dir`, a subprocess), then the original (A) again in-process:
A -> B -> A. Both recordings' figures are kept as vintages, the current value is the one observed last
(B's), `status --as-of 2026-11-20` still answers with A's, and replaying the older A again adds nothing.
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
from snapshot_files import own_kolada_data

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "indicator_pipeline" / "snapshots" / "bundled"
AS_OF = "2026-11-20"  # the bundled recording's date
REVISED_ON = "2026-11-21"  # the revised copy's recording date
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
    """Replay `snapshot` as of its own recording date (the default as-of when replaying)."""
    args = ["refresh", "--offline", "--warehouse", str(warehouse)]
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


def _status(warehouse: Path, *as_of: str) -> dict[str, dict]:
    result = _cli("status", "--warehouse", str(warehouse), "--format", "json", *(["--as-of", *as_of] if as_of else []))
    assert result.returncode == 0, result.stderr
    return {row["target_id"]: row for row in json.loads(result.stdout)}


def _data_body(snapshot: Path) -> Path:
    path = own_kolada_data(snapshot)
    return path


def _statements(snapshot: Path) -> Path:
    (path,) = (snapshot / "filedrop").glob("financial_statements*.csv")
    return path


def _meta_path(body_path: Path) -> Path:
    return body_path.with_name(body_path.name.removesuffix(".body") + ".meta.json")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _revised_copy(destination: Path) -> Path:
    """A copy of the bundled snapshot recorded a day later (REVISED_ON), with REVISIONS applied to the
    data body (and its .meta.json) and EQUITY_2025 to the statements file (same name, same encoding,
    other bytes)."""
    copy = shutil.copytree(BUNDLED, destination)
    # recorded later, still declaring its figures as the bundled one does (docs/provenance.md)
    manifest = json.loads((BUNDLED / "snapshot.json").read_text(encoding="utf-8")) | {"recorded_on": REVISED_ON}
    (copy / "snapshot.json").write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    for meta_path in copy.glob("*/*.meta.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["retrieved_at"] = f"{REVISED_ON}T03:00:00+00:00"
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
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
            "WHERE indicator_id = ? AND year = ? AND municipality_code = '1283' ORDER BY loaded_at",
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
    known_before = _status(warehouse, AS_OF)
    revised_finance = _finance_view(warehouse)
    revised_vintages = {k: _vintages(warehouse, *k) for k in TRACKED}
    _refresh_in_process(warehouse)  # the bundled snapshot again (the CLI path was exercised just above)
    original = _status(warehouse)
    return {
        "known_before": known_before,
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
    # Soliditet on the revised statements: 2025 is 58.4085 < 63, final -> not_met; gap = -4.5915.
    assert revised["soliditet_min_63"]["status"] == "not_met"
    assert revised["soliditet_min_63"]["latest_value"] == pytest.approx(SOLIDITET_REVISED)
    assert revised["soliditet_min_63"]["gap"] == pytest.approx(SOLIDITET_REVISED - 63) == pytest.approx(-4.59146, abs=1e-5)
    # Untouched goals keep their snapshot status (self-financing: 2023 and 2024 below 75).
    assert revised["self_financing_min_75"]["status"] == "not_met"
    assert revised["self_financing_min_75"]["latest_value"] == pytest.approx(78.0)
    assert revised["nki_2025"]["as_of"] == REVISED_ON


def test_status_as_of_the_first_recording_answers_with_what_was_known_then(replays):
    # B was observed on 2026-11-21: judged as of the end of 2026-11-20, only A's figures were known.
    before = replays["known_before"]
    assert before["nki_2025"]["status"] == "not_met" and before["nki_2025"]["latest_value"] == 75.3
    assert before["soliditet_min_63"]["status"] == "on_track"
    assert before["soliditet_min_63"]["latest_value"] == pytest.approx(SOLIDITET_RECORDED)
    assert {row["as_of"] for row in before.values()} == {AS_OF}


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


def test_replaying_the_older_recording_again_keeps_the_later_observation_current(replays):
    # A (observed 2026-11-20) replayed after B (observed 2026-11-21): B's figures stay current, and the
    # run, as of A's recording date, reports what was known at the end of that day: A's figures.
    original = replays["original"]
    assert original["nki_2025"]["status"] == "not_met"
    assert original["nki_2025"]["latest_value"] == 75.3
    assert original["soliditet_min_63"]["status"] == "on_track"
    assert original["soliditet_min_63"]["latest_value"] == pytest.approx(SOLIDITET_RECORDED)
    with duckdb.connect(str(replays["warehouse"]), read_only=True) as con:
        current = dict(
            con.execute(
                "SELECT indicator_id, value FROM core.fact_indicator_value WHERE year = 2025 AND municipality_code = '1283' "
                "AND indicator_id IN ('nki_total', 'soliditet_incl_pensions', 'soliditet_city')"
            ).fetchall()
        )
    assert current == {"nki_total": 77.1, "soliditet_incl_pensions": 61.0, "soliditet_city": pytest.approx(SOLIDITET_REVISED)}
    # the marts show the current figures: the context row and the reconciliation are still B's
    assert replays["original_finance"] == replays["revised_finance"]


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
        # Unchanged Kolada values added no vintage on any replay: one per (indicator, year), except the
        # two revised ones, which have two (recorded, revised).
        per_key = dict(
            con.execute(
                "SELECT n, count(*) FROM (SELECT indicator_id, year, count(*) AS n "
                "FROM core.indicator_value_vintage WHERE source = 'kolada' AND municipality_code = '1283' GROUP BY ALL) GROUP BY n"
            ).fetchall()
        )
        assert per_key[2] == 2 and set(per_key) == {1, 2}
        # The only statement line that changed is equity 2025: of the city's measures only soliditet 2025 moved.
        moved = con.execute(
            "SELECT DISTINCT indicator_id, year FROM core.indicator_value_vintage "
            "WHERE source = 'computed' AND source_id = 'financial_statements' AND raw_sha256 = ?",
            [file_b],
        ).fetchall()
        assert moved == [("soliditet_city", 2025)]


def test_replaying_an_older_recording_again_adds_nothing(replays):
    # The last replay (A after B) sent values identical to vintages already observed at A's time.
    warehouse = replays["warehouse"]
    assert {k: _vintages(warehouse, *k) for k in TRACKED} == replays["revised_vintages"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        history = con.execute(
            "SELECT as_of, count(DISTINCT run_id) FROM marts.goal_status_history GROUP BY as_of ORDER BY as_of"
        ).fetchall()
    # three published refreshes: A (the suite's), B, and A again; each reported every target once
    assert [(str(d), n) for d, n in history] == [(AS_OF, 2), (REVISED_ON, 1)]


def test_the_recording_replays_with_an_earlier_as_of_without_unrecorded_requests(tmp_path):
    # Kolada's years follow the recording's date, not --as-of: mid-2025 needs no other request. Nothing
    # in the recording was observed by then (it was recorded 2026-11-20), so nothing can be judged yet.
    warehouse = tmp_path / "indicators.duckdb"
    result = _cli("refresh", "--offline", "--warehouse", str(warehouse), "--as-of", "2025-06-30")
    assert result.returncode == 0, result.stderr[-2000:]
    statuses = {row["status"] for row in _status(warehouse).values()}
    assert statuses == {"no_data", "no_numeric_target"}
