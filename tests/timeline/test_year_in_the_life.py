"""A year in the life (docs/target-rules.md): the real pipeline, refreshed on each step's day from the
sources as they would answer then (recordings made from the bundled snapshot, tests/timeline/timeline_recordings.py)
and a writable landing folder the city drops files into and deletes them from. The expected statuses
are read from the table in the docs, so the table and the code cannot drift apart."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path

import duckdb
import pytest

from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings
from indicator_pipeline.steps import filedrop
from indicator_pipeline.steps.assessment import status_as_of
from timeline_recordings import BUNDLED, DROP, record_day

DOCS = Path(__file__).resolve().parents[2] / "docs" / "target-rules.md"
DROPS = BUNDLED / "filedrop"
STATEMENTS = "financial_statements_2026-03-16.csv"
LAST_YEARS_STATEMENTS = "financial_statements_2025-04-15.csv"  # the 2024 annual report: 2022-2024
TYPO = "financial_statements_2026-06-10.csv"
RESULT_2025 = "2025;result;Årets resultat;253,0;"
RESULT_2025_TYPO = "2025;result;Årets resultat;25,3;"

# Småhus starts as SCB answers them during 2026: 2022-2024 whole, 2025 a quarter at a time, 2026 not out.
QUARTERS = {f"{year}K{q}": per_quarter for year, per_quarter in ((2022, 75), (2023, 65), (2024, 60)) for q in range(1, 5)}
SMALLHOUSES_2025 = {"2025K1": 50, "2025K2": 50, "2025K3": 50} | {f"2026K{q}": None for q in (1, 2)}


@dataclass
class Day:
    """How the sources answer on one step's day, and what the city does to the landing folder."""

    kolada: dict = field(default_factory=dict)
    q4_2025: float | None = None
    lands: tuple[str, ...] = ()
    deletes: tuple[str, ...] = ()


STEPS = {
    "january_without_q4": Day(kolada={("U07453", 2025): DROP}, lands=(LAST_YEARS_STATEMENTS,)),
    "accounts_in_march": Day(kolada={("U07453", 2025): DROP}, q4_2025=90, lands=(STATEMENTS,)),
    "nki_in_april": Day(kolada={("U07453", 2025): 75.3}, q4_2025=90),
    "nki_revised": Day(kolada={("U07453", 2025): 77.1}, q4_2025=90),
    "nki_withdrawn": Day(kolada={("U07453", 2025): DROP}, q4_2025=90),
    "typo_sent": Day(kolada={("U07453", 2025): DROP}, q4_2025=90, lands=(TYPO,)),
    "typo_deleted": Day(kolada={("U07453", 2025): DROP}, q4_2025=90, deletes=(TYPO,)),
}


def docs_table() -> tuple[list[str], list[dict[str, str]]]:
    """(target ids, rows) of the 'A year in the life' table."""
    section = DOCS.read_text(encoding="utf-8").split("## A year in the life", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip().strip("`") for cell in lines[0].strip("|").split("|")]
    rows = [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")))) for line in lines[2:]]
    return header[3:], rows


def land(landing: Path, name: str) -> None:
    """Drop one statements file: this year's, last year's (without 2025) or the one with a typo."""
    text = (DROPS / STATEMENTS).read_bytes().decode("utf-8-sig")
    if name == LAST_YEARS_STATEMENTS:
        text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("2025;"))
    elif name == TYPO:
        assert text.count(RESULT_2025) == 1
        text = text.replace(RESULT_2025, RESULT_2025_TYPO)
    (landing / name).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """Every step refreshed in order into one warehouse; the published goal statuses after each."""
    root = tmp_path_factory.mktemp("year")
    landing, warehouse = root / "landing", root / "warehouse" / "indicators.duckdb"
    landing.mkdir()
    for other in DROPS.glob("*"):
        if not other.name.startswith("financial_statements"):
            shutil.copyfile(other, landing / other.name)
    targets, rows = docs_table()
    statuses = {}
    with pytest.MonkeyPatch.context() as mp:
        for name in ("DAGSTER_HOME", "KOLADA_BASE_URL", "SCB_BASE_URL", *(k for k in os.environ if k.startswith("INDICATOR_"))):
            mp.delenv(name, raising=False)
        for row in rows:
            day, step = date.fromisoformat(row["date"]), STEPS[row["step"]]
            scb = {("SMÅHUS", p): v for p, v in (QUARTERS | SMALLHOUSES_2025 | {"2025K4": step.q4_2025}).items()}
            snapshot = record_day(root / row["step"], day, kolada=step.kolada, scb=scb)
            for name in step.lands:
                land(landing, name)
            for name in step.deletes:
                (landing / name).unlink()
            # the city's drops arrive on the step's day: the landing folder is observed then
            mp.setattr(filedrop, "wall_clock", lambda day=day: datetime.combine(day, time(0), tzinfo=timezone.utc))
            refresh(Settings(warehouse_path=warehouse, source_mode="replay", snapshot_dir=snapshot, landing_dir=landing))
            with duckdb.connect(str(warehouse), read_only=True) as con:
                statuses[row["step"]] = dict(
                    con.execute("SELECT target_id, status FROM marts.goal_status WHERE target_id IN ?", [targets]).fetchall()
                )
    return {"rows": rows, "targets": targets, "statuses": statuses, "warehouse": warehouse}


def test_the_docs_table_names_every_step_once():
    targets, rows = docs_table()
    assert targets == ["smallhouse_starts_avg_2022_2026", "result_2025_mnkr", "nki_2025"]
    assert [row["step"] for row in rows] == list(STEPS)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]) for row in rows)


@pytest.mark.parametrize("step", list(STEPS))
def test_status_after_each_step_is_the_documented_one(year, step):
    (row,) = [r for r in year["rows"] if r["step"] == step]
    assert year["statuses"][step] == {target: row[target] for target in year["targets"]}


def test_the_history_keeps_the_typo_and_its_repair_and_the_withdrawal(year):
    with duckdb.connect(str(year["warehouse"]), read_only=True) as con:
        result = con.execute(
            "SELECT value, CAST(observed_at AS DATE) FROM core.indicator_value_vintage "
            "WHERE indicator_id = 'result_adjusted_mnkr' AND year = 2025 ORDER BY observed_at"
        ).fetchall()
        nki = con.execute(
            "SELECT value, withdrawn, source_status FROM core.indicator_value_vintage "
            "WHERE indicator_id = 'nki_total' AND year = 2025 AND municipality_code = '1283' ORDER BY observed_at"
        ).fetchall()
        current_nki = con.execute(
            "SELECT count(*) FROM core.fact_indicator_value WHERE indicator_id = 'nki_total' AND year = 2025 "
            "AND municipality_code = '1283'"
        ).fetchone()
        reported = con.execute(
            "SELECT count(DISTINCT run_id), count(*) FROM marts.goal_status_history WHERE target_id = 'nki_2025'"
        ).fetchone()
    # 253 - 40 (exploatering) + 117 (items affecting comparability) = 330; with the typo 25.3 -> 102.3
    assert [(pytest.approx(v), str(d)) for v, d in result] == [
        (330.0, "2026-03-20"), (pytest.approx(102.3), "2026-06-10"), (330.0, "2026-06-11")
    ]
    assert nki == [(75.3, False, None), (77.1, False, None), (None, True, "withdrawn: no longer sent by the source")]
    assert current_nki == (0,)
    assert reported == (len(STEPS), len(STEPS))


def test_what_was_known_on_a_past_day_is_still_answered(year):
    # On 30 April the NKI was 75.3 (published 25 April), the accounts in: nki not_met, result met.
    from indicator_pipeline.catalog import load_plan

    table = status_as_of(year["warehouse"], load_plan(), date(2026, 4, 30))
    said = dict(zip(table["target_id"], table["status"]))
    assert (said["nki_2025"], said["result_2025_mnkr"]) == ("not_met", "met")
    nki = table.filter(table["target_id"] == "nki_2025").row(0, named=True)
    assert nki["latest_value"] == 75.3 and str(nki["as_of"]) == "2026-04-30"
