"""The issue's two examples and a direction goal through the real pipeline: a live refresh against a
Kolada stand-in on 127.0.0.1 (pytest-httpserver) answering real KPI metadata and the series below,
then marts.goal_status and marts.goal_status_methods read from the published warehouse."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from indicator_pipeline.cli import main
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings

CATALOGUE = Path(__file__).resolve().parent / "fixtures" / "conformance" / "kolada" / "kpi_catalogue_plan_subset.json"
BUNDLED_KOLADA = Path(__file__).resolve().parents[1] / "indicator_pipeline" / "snapshots" / "bundled" / "kolada"
# A live refresh observes its answers at the wall-clock time, so the as-of date is pinned to that day and
# the years are counted back from it: the last five whole years, and a target for this year (not over).
AS_OF = date.today()
YEAR = AS_OF.year
# {KPI: {year: value}} for Helsingborg (1283): two points a year up, about five down, next to nothing.
SERIES = {
    "N03002": dict(zip(range(YEAR - 4, YEAR), (53.0, 55.0, 57.0, 59.0))),
    "N03103": dict(zip(range(YEAR - 5, YEAR), (80.0, 75.0, 70.0, 65.0, 61.0))),
    "N03001": dict(zip(range(YEAR - 5, YEAR), (50.0, 50.1, 50.0, 50.2, 50.1))),
}
INDICATORS = {"rising": "N03002", "falling": "N03103", "flat": "N03001"}
PLAN = "\n".join([
    "[plan]", 'id = "trend-demo"', 'title = "Trend demo"', 'municipality_code = "1283"', 'municipality_name = "Helsingborg"',
    f"plan_year = {YEAR}", f"first_year = {YEAR - 5}",
    *(f'[[indicators]]\nid = "{name}"\ntitle = "{name}"\nunit = "percent"\nsource = "kolada"\nsource_id = "{kpi}"'
      for name, kpi in INDICATORS.items()),
    # at least 60 this year, on the rising and on the falling series
    *(f'[[goals]]\nid = "{name}"\ntitle = "{name}"\n[[goals.targets]]\nid = "{name}_60"\nkind = "threshold_in_year"\n'
      f'indicator = "{name}"\nvalue = 60\nyear = {YEAR}' for name in ("rising", "falling")),
    '[[goals]]\nid = "more"\ntitle = "Fler i arbete"\ndirection = "increase"\nindicators = ["rising", "falling", "flat"]',
])


def kolada(request: Request) -> Response:
    """Kolada v3: the real metadata of the KPIs asked for, SERIES for the KPIs, municipalities and years asked
    for, and anything else (the municipality list) as the bundled snapshot recorded it."""
    path = request.path
    if "/kpi/" not in path:
        return Response(recorded(path), content_type="application/json")
    ids = set(re.search(r"/kpi/([^/?]+)", path).group(1).split(","))
    if path.startswith("/v3/data/"):
        years = {int(y) for y in re.search(r"/year/([^/?]+)", path).group(1).split(",")}
        values = [
            {"values": [{"gender": "T", "count": 1, "status": "", "value": value}], "kpi": kpi, "period": year, "municipality": "1283"}
            for kpi in sorted(ids & set(SERIES)) for year, value in SERIES[kpi].items() if year in years
        ] if "1283" in path else []
    else:
        values = [k for k in json.loads(CATALOGUE.read_text(encoding="utf-8")) if k["id"] in ids]
    body = {"values": values, "count": len(values), "next_url": None, "previous_url": None}
    return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")


def recorded(path: str) -> bytes:
    for meta in sorted(BUNDLED_KOLADA.glob("GET-*.meta.json")):
        if f"{path}?" in json.loads(meta.read_text(encoding="utf-8"))["url"]:
            return meta.with_name(meta.name.removesuffix(".meta.json") + ".body").read_bytes()
    raise LookupError(f"no recorded Kolada answer for {path}")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    folder = tmp_path_factory.mktemp("trend")
    (folder / "plan.toml").write_text(PLAN, encoding="utf-8")
    (folder / "landing").mkdir()
    server = HTTPServer(host="127.0.0.1")
    server.expect_request(re.compile(r"^/v3/")).respond_with_handler(kolada)
    server.start()
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("KOLADA_BASE_URL", server.url_for("/v3"))
            warehouse = folder / "warehouse" / "indicators.duckdb"
            refresh(Settings(warehouse_path=warehouse, source_mode="live", landing_dir=folder / "landing",
                             plan_path=folder / "plan.toml", as_of=AS_OF))
    finally:
        server.stop()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        yield con


def by_target(con, sql: str) -> dict:
    return {row[0]: row[1:] for row in con.execute(sql).fetchall()}


def test_the_issues_examples_are_judged_by_the_trend(published):
    rows = by_target(published, "SELECT target_id, status, method, method_sensitive, note FROM marts.goal_status")
    assert rows["rising_60"][:3] == ("on_track", "linear_projection", True)
    assert f"projects 61 for {YEAR}" in rows["rising_60"][3]  # 59 + 2
    assert rows["falling_60"][:3] == ("off_track", "linear_projection", True)
    assert f"projects 55.8 for {YEAR}" in rows["falling_60"][3]  # 70.2 - 3 * 4.8


def test_the_methods_mart_has_every_method_of_every_target(published):
    rows = published.execute(
        "SELECT target_id, method, status, is_declared, method_sensitive FROM marts.goal_status_methods"
    ).fetchall()
    statuses = {(t, m): s for t, m, s, _, _ in rows}
    targets = {"rising_60", "falling_60", "more__rising", "more__falling", "more__flat"}
    assert set(statuses) == {(t, m) for t in targets for m in ("linear_projection", "cagr_ratio", "latest_value")}
    assert statuses[("rising_60", "latest_value")] == "off_track" and statuses[("rising_60", "cagr_ratio")] == "on_track"
    assert statuses[("falling_60", "latest_value")] == "on_track" and statuses[("falling_60", "cagr_ratio")] == "on_track"
    assert {t for t, m, _, declared, _ in rows if declared} == targets
    assert all(m == "linear_projection" for _, m, _, declared, _ in rows if declared)
    sensitive = {t for t, _, _, _, flag in rows if flag}
    assert sensitive == {"rising_60", "falling_60"}  # the directions agree across methods


def test_a_direction_goal_gets_a_verdict_per_indicator(published):
    rows = by_target(published, "SELECT target_id, target_kind, status, progress_band FROM marts.goal_status WHERE goal_id = 'more'")
    assert rows == {
        "more__rising": ("direction", "improving", "substantial"),
        "more__falling": ("direction", "worsening", "deterioration"),
        "more__flat": ("direction", "stable", "limited"),
    }
    years = {s for (s,) in published.execute(
        "SELECT DISTINCT status FROM marts.indicator_vs_target WHERE target_id LIKE 'more__%' AND role = 'target'"
    ).fetchall()}
    assert years == {"no_numeric_target"}  # a year alone is no verdict on a trend


def test_the_report_marks_the_method_sensitive_targets(published, tmp_path):
    warehouse = published.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    assert main(["report", "--warehouse", warehouse, "--out", str(tmp_path)]) == 0
    page = (tmp_path / "trend-demo.html").read_text(encoding="utf-8")
    marked = set(re.findall(r'data-target-id="([^"]+)"[^>]*>[^\n]*?data-method-sensitive="true"', page))
    assert marked == {"rising_60", "falling_60"}
    assert "Statusen beror på bedömningsmetoden" in page and "bedömd med linjär framskrivning" in page  # the method named in Swedish
