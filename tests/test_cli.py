"""`indicator-pipeline` as an operator runs it: exit codes, one-line errors, status formats, env vars."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from indicator_pipeline.catalog import load_plan
from snapshot_files import default_plan_kolada, own_kolada_data

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "indicator_pipeline" / "snapshots" / "bundled"
AS_OF = "2026-11-20"
TIMEOUT = 180
FAILED = "indicator-pipeline refresh failed:"


def _env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would redirect the pipeline, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INDICATOR_") and k not in ("DAGSTER_HOME", "KOLADA_BASE_URL")}
    return {**env, **extra}


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indicator_pipeline.cli", *args],
        cwd=PROJECT,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "indicator_pipeline.cli", *args],
        cwd=PROJECT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    try:
        stdout, stderr = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _summary_line(stderr: str) -> str:
    """The CLI's own one-line failure summary (Dagster's step logs go to stderr as well)."""
    summaries = [line for line in _lines(stderr) if line.startswith(FAILED)]
    assert len(summaries) == 1, stderr[-3000:]
    assert _lines(stderr)[-1] == summaries[0], "the summary is not the last line on stderr"
    return summaries[0]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _plan_target_ids() -> list[str]:
    return [rule.id for _, rule in load_plan().targets()]


@pytest.fixture(scope="module")
def published(tmp_path_factory, copy_bundled_warehouse) -> Path:
    """A published offline refresh: a copy of the suite's one in-process refresh of the bundled snapshot
    (tests/conftest.py; a copy because the re-titled refresh below runs against it). `refresh` through
    the CLI in a subprocess is covered by test_snapshot_replay.py and the failing refreshes below."""
    warehouse = copy_bundled_warehouse(tmp_path_factory.mktemp("cli") / "wh")
    assert warehouse.is_file()
    return warehouse


@pytest.fixture(scope="module")
def failed_refreshes(published, tmp_path_factory) -> dict:
    """The two refreshes that must fail, started together (each costs a Dagster start-up) and awaited."""
    root = tmp_path_factory.mktemp("failing")

    # 1. The data request has no recording in the snapshot.
    missing = Path(shutil.copytree(BUNDLED, root / "missing"))
    meta = own_kolada_data(missing, ".meta.json")
    body = own_kolada_data(missing)
    url = json.loads(meta.read_text(encoding="utf-8"))["url"]
    meta.unlink()
    body.unlink()
    fresh_warehouse = root / "wh" / "indicators.duckdb"

    # 2. Kolada re-titled U07453 in the metadata response.
    plan_title = load_plan().indicator("nki_total").source_title
    new_title = "Företagsklimat Insikt - Totalt, Index, reviderad definition"
    retitled = Path(shutil.copytree(BUNDLED, root / "retitled"))
    (body_path,) = default_plan_kolada(retitled, "kpi")  # the default plan's KPI metadata request
    body = json.loads(body_path.read_bytes())
    (kpi,) = [k for k in body["values"] if k["id"] == "U07453"]
    assert kpi["title"] == plan_title  # the bundled recording agrees with the plan
    kpi["title"] = new_title
    body_path.write_bytes(json.dumps(body, ensure_ascii=False).encode())

    stat_before = published.stat()
    digest_before = _sha256(published)
    started = {
        "missing": _start("refresh", "--offline", "--snapshot-dir", str(missing), "--warehouse", str(fresh_warehouse), "--as-of", AS_OF),
        "retitled": _start("refresh", "--offline", "--snapshot-dir", str(retitled), "--warehouse", str(published), "--as-of", AS_OF),
    }
    results = {name: _finish(proc) for name, proc in started.items()}
    return {
        **results,
        "url": url,
        "fresh_warehouse": fresh_warehouse,
        "plan_title": plan_title,
        "new_title": new_title,
        "digest_before": digest_before,
        "stat_before": stat_before,
    }


# --- status --------------------------------------------------------------------------------------


def test_status_on_a_missing_warehouse_fails_with_one_line_naming_it(tmp_path):
    missing = tmp_path / "nowhere" / "indicators.duckdb"
    result = _cli("status", "--warehouse", str(missing))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = _lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("indicator-pipeline status failed:")
    assert str(missing) in lines[0]
    assert not missing.exists()  # status never creates a warehouse


def test_status_csv_lists_every_target(published):
    result = _cli("status", "--warehouse", str(published), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["target_id"] for r in rows] == _plan_target_ids()  # plan order: goal, then target
    assert {"goal_id", "target_id", "status", "latest_value", "target_value", "gap", "unit", "as_of", "note"} <= set(rows[0])
    nki = next(r for r in rows if r["target_id"] == "nki_2025")
    assert (nki["status"], float(nki["latest_value"]), nki["as_of"]) == ("not_met", 75.3, AS_OF)
    frame = pl.read_csv(io.StringIO(result.stdout))
    assert frame.height == len(_plan_target_ids())
    # Soliditet is judged on the city's statements: (18444 - 2180) / (35673 - 10300) x 100 = 64.0996...
    assert frame.filter(pl.col("target_id") == "soliditet_min_63")["latest_value"].to_list() == [pytest.approx(16264 / 25373 * 100)]
    # The result goal in mnkr: 253 - 40 - (-117) - 0 = 330 >= 316.
    mnkr = next(r for r in rows if r["target_id"] == "result_2025_mnkr")
    assert (mnkr["status"], float(mnkr["latest_value"]), float(mnkr["target_value"]), mnkr["unit"]) == ("met", 330.0, 316.0, "mnkr")


def test_status_json_lists_every_target(published):
    result = _cli("status", "--warehouse", str(published), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["target_id"] for r in rows] == _plan_target_ids()
    by_id = {r["target_id"]: r for r in rows}
    assert by_id["nki_2025"]["status"] == "not_met"
    assert by_id["nki_2025"]["latest_value"] == 75.3
    assert by_id["nki_2025"]["target_when"] == "2025"
    assert by_id["result_share_avg_2023_2026"]["target_when"] == "2023-2026"
    assert by_id["direction_business_climate"]["status"] == "no_numeric_target"
    assert {r["as_of"] for r in rows} == {AS_OF}


def test_status_as_of_judges_from_what_was_known_then_without_writing(published):
    before = _sha256(published)
    same_day = _cli("status", "--warehouse", str(published), "--format", "json", "--as-of", AS_OF)
    published_rows = json.loads(_cli("status", "--warehouse", str(published), "--format", "json").stdout)
    assert same_day.returncode == 0, same_day.stderr
    # the recording's own day: every goal judged as the published refresh did
    assert json.loads(same_day.stdout) == published_rows
    # the day before the recording was observed: nothing was known yet
    day_before = json.loads(_cli("status", "--warehouse", str(published), "--format", "json", "--as-of", "2026-11-19").stdout)
    assert {r["status"] for r in day_before} == {"no_data", "no_numeric_target"}
    assert {r["as_of"] for r in day_before} == {"2026-11-19"}
    assert _sha256(published) == before


def test_the_documented_history_query_answers_what_was_reported(published):
    history = (PROJECT / "docs" / "history-and-vintages.md").read_text(encoding="utf-8")
    query = history.split("What did we report at the end of March", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute(query).fetchall() == []  # the bundled refresh was published in November
        later = query.replace("2026-04-01 00:00:00+02", "2100-01-01 00:00:00+00")
        reported = {target: status for target, status, *_ in con.execute(later).fetchall()}
    assert reported["nki_2025"] == "not_met" and set(reported) == set(_plan_target_ids())


def test_status_table_is_the_default(published):
    result = _cli("status", "--warehouse", str(published))
    assert result.returncode == 0, result.stderr
    table, sources = result.stdout.split("\n\n", 1)  # the goal table, then the sources block
    lines = _lines(table)
    assert lines[0].split()[:4] == ["plan_id", "goal_id", "target_id", "status"]
    assert set(lines[1]) <= {"-", " "}
    assert [line.split()[2] for line in lines[2:]] == _plan_target_ids()
    assert "note" not in lines[0].split()
    assert sources.startswith("sources (as of ")


def test_status_table_ends_with_each_sources_freshness_as_of_the_date_asked(published):
    result = _cli("status", "--warehouse", str(published), "--as-of", "2026-12-01")
    assert result.returncode == 0, result.stderr
    block = result.stdout.split("\n\n", 1)[1]
    rows = {line.split()[0]: line for line in _lines(block)[1:]}
    assert _lines(block)[0] == "sources (as of 2026-12-01)"
    assert set(rows) == {"kolada", "scb", *(f"filedrop_{k}" for k in ("financial_statements", "safety_survey", "self_build_plots", "sellable_land"))}
    # SCB's Q3 release (30 September + 60 days) came out after the 2026-11-20 retrieval; Kolada's next is 15 December
    assert rows["scb"].endswith("last seen 2026-11-20  overdue since 2026-11-29")
    assert rows["kolada"].endswith("last seen 2026-11-20  fresh until 2026-12-15")
    assert rows["filedrop_safety_survey"].endswith("fresh until 2027-12-20")


def test_status_into_a_reader_that_stops_reading_ends_quietly(published):
    """`status | head -1`: the table goes to a pipe whose reader has gone; no failure message, exit code 1."""
    proc = _start("status", "--warehouse", str(published))
    proc.stdout.close()  # the reader stops before the table is written
    _, stderr = proc.communicate(timeout=TIMEOUT)
    assert (proc.returncode, stderr) == (1, "")


def test_status_honours_INDICATOR_WAREHOUSE(published, tmp_path):
    result = _cli("status", "--format", "json", env=_env(INDICATOR_WAREHOUSE=str(published)))
    assert result.returncode == 0, result.stderr
    assert [r["target_id"] for r in json.loads(result.stdout)] == _plan_target_ids()
    # ... and it is really the variable that is read: point it elsewhere and the error names that path.
    elsewhere = tmp_path / "other.duckdb"
    result = _cli("status", env=_env(INDICATOR_WAREHOUSE=str(elsewhere)))
    assert result.returncode == 1
    assert str(elsewhere) in result.stderr
    # --warehouse wins over the variable.
    result = _cli("status", "--format", "json", "--warehouse", str(published), env=_env(INDICATOR_WAREHOUSE=str(elsewhere)))
    assert result.returncode == 0, result.stderr


# --- refresh failures ----------------------------------------------------------------------------


def test_snapshot_dir_without_offline_or_record_is_refused(tmp_path):
    warehouse = tmp_path / "indicators.duckdb"
    result = _cli("refresh", "--snapshot-dir", str(BUNDLED), "--warehouse", str(warehouse))
    assert result.returncode == 1
    lines = _lines(result.stderr)
    assert len(lines) == 1, result.stderr  # refused before Dagster starts: nothing else on stderr
    assert lines[0].startswith(FAILED)
    assert "--snapshot-dir" in lines[0] and "--offline" in lines[0] and "--record" in lines[0]
    assert not warehouse.exists()


def test_offline_and_record_are_mutually_exclusive(tmp_path):
    result = _cli("refresh", "--offline", "--record", "--snapshot-dir", str(tmp_path))
    assert result.returncode == 2  # argparse usage error
    assert "not allowed with argument" in result.stderr


def test_missing_recording_fails_naming_the_url(failed_refreshes):
    result, url = failed_refreshes["missing"], failed_refreshes["url"]
    assert url.startswith("https://api.kolada.se/v3/data/kpi/") and "/municipality/1283/" in url
    assert result.returncode != 0
    summary = _summary_line(result.stderr)
    assert "kolada_values_raw" in summary
    assert url in summary
    assert "no recorded response" in summary
    assert result.stdout == ""
    assert not failed_refreshes["fresh_warehouse"].exists()  # nothing was published


def test_retitled_kpi_fails_and_leaves_the_published_file_untouched(failed_refreshes, published):
    result = failed_refreshes["retitled"]
    assert result.returncode == 1
    summary = _summary_line(result.stderr)
    assert "stg_kolada_kpi" in summary
    assert "U07453" in summary
    assert repr(failed_refreshes["new_title"]) in summary and repr(failed_refreshes["plan_title"]) in summary
    assert _sha256(published) == failed_refreshes["digest_before"]
    before, after = failed_refreshes["stat_before"], published.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # The published file still answers as before.
    status = _cli("status", "--warehouse", str(published), "--format", "json")
    assert status.returncode == 0
    assert {r["target_id"]: r["status"] for r in json.loads(status.stdout)}["nki_2025"] == "not_met"
