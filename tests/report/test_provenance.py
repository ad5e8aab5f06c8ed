"""Honest figures (docs/provenance.md): the bundled snapshot's declared provenance travels with each value
into core, the marts, the exports and the scorecard (illustrative values marked, the page bannered); a
live run's values are the source's own, never illustrative, and its scorecard has no banner."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date

import duckdb
import polars as pl
import pytest

from benchmarks.loopback import BUNDLED, LoopbackSources
from indicator_pipeline.catalog import load_plan
from indicator_pipeline.cli import main
from indicator_pipeline.provenance import declared_provenance
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings

HELSINGBORG = "1283"
BANNER = re.compile(r'<div class="demo-banner"[^>]*>(.*?)</div>', re.S)
LISTED = re.compile(r'<details><summary>[^<]*\((\d+)\)</summary>\s*<ul>(.*?)</ul></details>', re.S)


def _declared_kolada() -> dict[tuple[str, int], str]:
    """(KPI, year) -> status, from provenance.json: Helsingborg's Kolada values, gender T."""
    entries = json.loads((BUNDLED / "provenance.json").read_text(encoding="utf-8"))
    return {(e["kpi_id"], e["year"]): e["status"] for e in entries if e["source"] == "kolada" and e["gender"] == "T"}


def test_every_bundled_kolada_value_carries_the_status_provenance_json_declares(bundled_refresh):
    declared = _declared_kolada()
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        rows = con.execute(
            "SELECT source_id, year, value, value_provenance FROM core.fact_indicator_value"
            " WHERE source = 'kolada' AND municipality_code = ?", [HELSINGBORG]
        ).fetchall()
    assert rows
    for kpi, year, value, provenance in rows:
        expected = None if value is None else declared[(kpi, year)]
        assert provenance == expected, (kpi, year, value)
    statuses = {(kpi, year): provenance for kpi, year, _, provenance in rows}
    # Kolada's own N03002 soliditet figures are published; the safety index N00301 is illustrative
    assert statuses[("N03002", 2025)] == "published" and statuses[("N03002", 2015)] == "published"
    assert statuses[("N00301", 2015)] == "illustrative"


def test_peers_scb_file_drops_and_computed_values_are_illustrative_and_none_is_undeclared(bundled_refresh):
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        by_source = dict(con.execute(
            "SELECT source || CASE WHEN municipality_code = ? THEN '' ELSE ' peers' END, list(DISTINCT value_provenance)"
            " FROM core.fact_indicator_value WHERE value IS NOT NULL GROUP BY 1", [HELSINGBORG]
        ).fetchall())
        goal_rows = con.execute(
            "SELECT target_id, latest_value_provenance, series_has_illustrative FROM marts.goal_status WHERE latest_value IS NOT NULL"
        ).fetchall()
        medians = con.execute("SELECT DISTINCT peer_median_provenance FROM marts.peer_comparison WHERE peer_median IS NOT NULL").fetchall()
    for source in ("scb", "filedrop", "computed", "kolada peers", "scb peers"):
        assert by_source[source] == ["illustrative"], source
    assert sorted(by_source["kolada"]) == ["derived", "illustrative", "published"]
    assert goal_rows and all(provenance in ("published", "derived", "illustrative") for _, provenance, _ in goal_rows)
    assert any(has for *_, has in goal_rows)
    assert medians == [("illustrative",)]  # every median has illustrative peers in it


def test_the_exports_carry_the_provenance_columns(bundled_refresh):
    exports = bundled_refresh.path.parent / "exports"
    goal_status = pl.read_parquet(next(exports.rglob("goal_status.parquet")))
    series = pl.read_parquet(next(exports.rglob("indicator_vs_target.parquet")))
    assert "value_provenance" in next(exports.rglob("indicator_vs_target.csv")).read_text(encoding="utf-8").splitlines()[0]
    assert {"latest_value_provenance", "assessed_value_provenance", "series_has_illustrative"} <= set(goal_status.columns)
    assert "illustrative" in series["value_provenance"].to_list()


def test_the_bundled_scorecard_marks_illustrative_values_and_banners_them(bundled_refresh, scorecard, tmp_path):
    page = scorecard.read_text(encoding="utf-8")
    banners = BANNER.findall(page)
    assert len(banners) == 1 and banners[0].startswith("<p><strong>Demonstrationsdata:</strong>")
    [(count, items)] = LISTED.findall(banners[0])  # the list is collapsed: a closed <details> says how many
    assert int(count) == items.count("<li>") > 0
    assert page.index('class="demo-banner"') < page.index('id="overview"')  # at the top
    assert page.count('class="illustrative-mark"') > 0
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        shown = con.execute(
            "SELECT indicator_title, bool_or(value_provenance = 'illustrative') FROM marts.indicator_vs_target"
            " WHERE value IS NOT NULL AND plan_id = ? GROUP BY 1", [load_plan().id],
        ).fetchall()
    named = banners[0]
    assert any(illustrative for _, illustrative in shown)
    for title, illustrative in shown:
        if illustrative:
            assert title in named, title
    assert main(["report", "--warehouse", str(bundled_refresh.path), "--out", str(tmp_path), "--lang", "en"]) == 0
    english = BANNER.findall((tmp_path / scorecard.name).read_text(encoding="utf-8"))
    assert len(english) == 1 and english[0].startswith("<p><strong>Demonstration data:</strong>")


def test_a_live_run_after_the_demonstration_has_no_illustrative_value_and_no_banner(copy_bundled_warehouse, tmp_path, monkeypatch):
    warehouse = copy_bundled_warehouse(tmp_path / "warehouse")
    landing = tmp_path / "landing"
    shutil.copytree(BUNDLED / "filedrop", landing)  # the same files, now delivered live
    with LoopbackSources() as sources:
        for name, value in sources.env().items():
            monkeypatch.setenv(name, value)
        refresh(Settings(warehouse_path=warehouse, source_mode="live", landing_dir=landing, as_of=date(2026, 11, 20)))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        current = dict(con.execute(
            "SELECT coalesce(value_provenance, 'none'), count(*) FROM core.fact_indicator_value GROUP BY 1"
        ).fetchall())
        kept = con.execute("SELECT count(*) FROM core.indicator_value_vintage WHERE value_provenance = 'illustrative'").fetchone()[0]
        marts = con.execute(
            "SELECT count(*) FROM marts.indicator_vs_target WHERE value_provenance = 'illustrative'"
            " UNION ALL SELECT count(*) FROM marts.peer_comparison WHERE 'illustrative' IN (value_provenance, peer_median_provenance)"
            " UNION ALL SELECT count(*) FROM marts.goal_status WHERE series_has_illustrative"
        ).fetchall()
    assert "illustrative" not in current and current.get("source", 0) > 0
    assert set(current) <= {"source", "derived", "none"}
    assert kept > 0  # the demonstration's vintages stay in the history, as they were
    assert marts == [(0,), (0,), (0,)]
    out = tmp_path / "report"
    assert main(["report", "--warehouse", str(warehouse), "--out", str(out)]) == 0
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not BANNER.search(text) and 'class="illustrative-mark"' not in text, page.name


def test_a_snapshot_without_declarations_declares_nothing_and_a_bad_status_is_named(tmp_path):
    assert declared_provenance(None).is_empty()
    (tmp_path / "snapshot.json").write_text('{"recorded_on": "2026-11-20"}', encoding="utf-8")
    assert declared_provenance(tmp_path).is_empty()
    (tmp_path / "kolada").mkdir()
    (tmp_path / "kolada" / "a.body").write_bytes(b"{}")
    (tmp_path / "snapshot.json").write_text(json.dumps({"provenance": [{"files": ["kolada/a.body"], "status": "made up"}]}), encoding="utf-8")
    with pytest.raises(PipelineError, match=r"provenance declaration 1: status is 'made up'; a declared figure is one of published"):
        declared_provenance(tmp_path)
