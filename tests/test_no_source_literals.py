"""No source literal in code: what a plan measures is in its plan file, never in sql/ or Python.

Scanned: every `.sql` file under sql/ and every `.py` file under indicator_pipeline/ (but not its plans/
folder or the bundled snapshots) and assets/, comments and docstrings included. Refused, with file and
line:

- a Kolada KPI id (`N03010`, `U07453`) or an SCB table id (`TAB4572`), anywhere;
- any name a bundled plan uses for its sources, as a quoted literal: the inputs its formulas name
  (statement line ids, KPI ids), its source selections' codes (key figure ids, SCB value codes), its
  municipality's code and name, its id;
- a bundled plan's municipality name as a word (`Helsingborg`, `Lund`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.catalog.load import bundled_plan_names

PROJECT = Path(__file__).resolve().parents[1]
EXCLUDED = (PROJECT / "indicator_pipeline" / "catalog" / "plans", PROJECT / "indicator_pipeline" / "snapshots")
SOURCE_IDS = re.compile(r"\b(?:[NU]\d{5}|TAB\d+)\b")
# A literal that is a plan's name by coincidence only, per file, with the reason.
COINCIDENCES = {
    ("indicator_pipeline/quality.py", "result"): "Great Expectations' own result key, not the statement line",
}


def scanned_files() -> list[Path]:
    files = [*(PROJECT / "sql").rglob("*.sql"), *(PROJECT / "indicator_pipeline").rglob("*.py"), *(PROJECT / "assets").rglob("*.py")]
    return sorted(f for f in files if not any(f.is_relative_to(folder) for folder in EXCLUDED))


def plan_names() -> tuple[set[str], set[str]]:
    """(names refused as quoted literals, municipality names refused as words) of every bundled plan."""
    literals, words = set(), set()
    for name in bundled_plan_names():
        plan = load_plan(name)
        literals |= {plan.id, plan.municipality_code, plan.municipality_name}
        words.add(plan.municipality_name)
        for indicator in plan.indicators:
            literals |= {code for _, code in indicator.source_selection}
            if indicator.formula:
                literals |= set(indicator.formula.names)
    return literals, words


def offences(label: str, text: str, literals: set[str], words: set[str]) -> list[str]:
    """`label:line: 'hit' in: the line` for every literal found in `text` (but a known coincidence)."""
    quoted = re.compile(r"""(['"])(%s)\1""" % "|".join(re.escape(name) for name in sorted(literals)))
    worded = re.compile(r"\b(%s)\b" % "|".join(re.escape(word) for word in sorted(words)), re.IGNORECASE)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        hits = [m.group(0) for m in SOURCE_IDS.finditer(line)]
        hits += [m.group(2) for m in quoted.finditer(line)] + [m.group(1) for m in worded.finditer(line)]
        found += [f"{label}:{number}: {hit!r} in: {line.strip()}" for hit in hits if (label, hit) not in COINCIDENCES]
    return found


def test_no_plan_or_source_literal_in_sql_or_python():
    literals, words = plan_names()
    assert {"tax_revenue", "N03010", "1283", "1281"} <= literals  # the plans give the guard something to find
    found = [
        hit
        for path in scanned_files()
        for hit in offences(str(path.relative_to(PROJECT)), path.read_text(encoding="utf-8"), literals, words)
    ]
    assert not found, "source literals belong in the plan file:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        "    max(amount_mnkr) FILTER (WHERE line_id = 'tax_revenue') AS tax_revenue,",
        "WHERE kpi_id IN ('N03010', 'N03009')",
        "-- housing starts from TAB4572",
        'MUNICIPALITY = "1283"',
        "# the Helsingborg plan's figures",
    ],
)
def test_the_guard_finds_what_it_is_for(line):
    literals, words = plan_names()
    found = offences("sql/probe.sql", "-- fine\n" + line + "\n", literals, words)
    assert found and all(hit.startswith("sql/probe.sql:2: ") for hit in found), line
