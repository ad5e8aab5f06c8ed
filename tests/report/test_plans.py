"""A scorecard per plan and an index (issue 17, item 4): a warehouse holding the bundled default plan and
Lund's gets a page per plan, each with only its plan's goals, and an index whose counts are the
warehouse's and whose links lead to the pages written; `--plan` picks one, an unknown one is refused.

The two-plan warehouse: two offline refreshes into one file do not work yet (the second refresh's
quality gate on core.fact_indicator_value fails: the first plan's values are outside the second plan's
indicator set and ranges), so Lund's plan is refreshed into a file of its own and its plan-scoped core
rows, vintages and payloads are copied into a copy of the shared default-plan warehouse."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.cli import main
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.report import build_report
from scorecard_page import Page, plan_goals
from tests.conftest import BUNDLED_AS_OF, refresh_offline

LUND = "lund_ks_2025"
DEFAULT_ID, LUND_ID = load_plan().id, load_plan(LUND).id


class Index(HTMLParser):
    """The index's rows: plan id -> {status: count} (and "total"), and the links each row makes."""

    def __init__(self, html: str):
        super().__init__()
        self.counts: dict[str, dict[str, int]] = {}
        self.links: dict[str, list[str]] = {}
        self._plan, self._count = None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("data-plan-id"):
            self._plan = attrs["data-plan-id"]
            self.counts[self._plan], self.links[self._plan] = {}, []
        if tag == "td" and self._plan and attrs.get("data-count"):
            self._count = attrs["data-count"]
        if tag == "a" and self._plan:
            self.links[self._plan].append(attrs["href"])

    def handle_data(self, data):
        if self._count:
            self.counts[self._plan][self._count] = int(data)
            self._count = None


def add_plan(warehouse: Path, other: Path) -> None:
    """Copy `other`'s plan into `warehouse`: every plan-scoped core table's rows, and the vintages and
    payloads they are judged and sourced from (the views in marts follow)."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("ATTACH ? AS other (READ_ONLY)", [str(other)])
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables JOIN information_schema.columns "
            "USING (table_catalog, table_schema, table_name) WHERE table_catalog = 'other' AND table_schema = 'core' "
            "AND table_type = 'BASE TABLE' AND column_name = 'plan_id'"
        ).fetchall()
        assert ("core", "dim_plan") in tables
        for schema, name in tables:
            con.execute(f"INSERT INTO {schema}.{name} BY NAME SELECT * FROM other.{schema}.{name}")
        for table in ("core.indicator_value_vintage", "raw.payload"):
            con.execute(f"INSERT OR IGNORE INTO {table} BY NAME SELECT * FROM other.{table}")


@pytest.fixture(scope="module")
def two_plans(copy_bundled_warehouse, tmp_path_factory) -> Path:
    """The shared default-plan warehouse (copied) with Lund's plan from `refresh --offline --plan lund_ks_2025`."""
    lund = tmp_path_factory.mktemp("lund") / "indicators.duckdb"
    assert refresh_offline(lund, "--plan", LUND) == 0
    warehouse = copy_bundled_warehouse(tmp_path_factory.mktemp("two") / "warehouse")
    shutil.rmtree(warehouse.parent / "report")  # the single plan's report, written by its refresh
    add_plan(warehouse, lund)
    return warehouse


@pytest.fixture(scope="module")
def report(two_plans, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--warehouse", str(two_plans), "--out", str(out)]) == 0
    return out


def test_a_page_per_plan_and_the_index(report):
    assert sorted(p.name for p in report.iterdir()) == sorted([f"{DEFAULT_ID}.html", f"{LUND_ID}.html", "index.html", "scorecard.html"])
    assert (report / "scorecard.html").read_bytes() == (report / "index.html").read_bytes()  # an old bookmark finds the index


def test_the_refresh_writes_the_plans_page_and_the_index(bundled_refresh):
    """The scorecard_report asset, run by the shared refresh."""
    written = bundled_refresh.path.parent / "report"
    assert sorted(p.name for p in written.iterdir()) == sorted([f"{DEFAULT_ID}.html", "index.html", "scorecard.html"])


@pytest.mark.parametrize("plan_id", [DEFAULT_ID, LUND_ID])
def test_each_page_shows_only_its_plans_goals(report, two_plans, plan_id):
    goals, targets = plan_goals(two_plans, plan_id)
    html = (report / f"{plan_id}.html").read_text(encoding="utf-8")
    page = Page(html)
    assert goals and page.sections == goals  # the plans share some goal and target ids: each once, its own
    assert page.overview_rows == targets
    with duckdb.connect(str(two_plans), read_only=True) as con:
        title, municipality = con.execute("SELECT title, municipality_name FROM core.dim_plan WHERE plan_id = ?", [plan_id]).fetchone()
    assert f"<title>Måluppföljning: {title}</title>" in html and f"<p>{municipality} · " in html


def test_the_index_counts_are_the_warehouses_and_its_links_lead_to_the_pages(report, two_plans):
    with duckdb.connect(str(two_plans), read_only=True) as con:
        rows = con.sql("SELECT plan_id, status, count(*) FROM marts.goal_status GROUP BY ALL").fetchall()
    expected: dict[str, dict[str, int]] = {}
    for plan_id, status, count in rows:
        expected.setdefault(plan_id, {"total": 0})[status] = count
        expected[plan_id]["total"] += count
    index = Index((report / "index.html").read_text(encoding="utf-8"))
    assert set(expected) == {DEFAULT_ID, LUND_ID}
    shown = {plan_id: {s: n for s, n in counts.items() if n} for plan_id, counts in index.counts.items()}
    assert shown == expected  # a status column a plan has none of shows 0
    for plan_id, links in index.links.items():  # the plan's page, then each goal's section on it
        assert links == [f"{plan_id}.html", *(f"{plan_id}.html#goal-{g}" for g in plan_goals(two_plans, plan_id)[0])]
        assert Page((report / links[0]).read_text(encoding="utf-8")).overview_rows == plan_goals(two_plans, plan_id)[1]


@pytest.mark.parametrize("name", [LUND, LUND_ID])
def test_plan_picks_one_by_bundled_name_or_id(two_plans, tmp_path, name, capsys):
    assert main(["report", "--warehouse", str(two_plans), "--out", str(tmp_path), "--plan", name]) == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / f"{LUND_ID}.html"), str(tmp_path / "index.html")]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{LUND_ID}.html", "index.html", "scorecard.html"])
    assert list(Index((tmp_path / "index.html").read_text(encoding="utf-8")).counts) == [LUND_ID]


def test_an_unknown_plan_is_refused_naming_the_known_ones(two_plans, tmp_path, capsys):
    assert main(["report", "--warehouse", str(two_plans), "--out", str(tmp_path), "--plan", "no-such-plan"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "'no-such-plan'" in line and DEFAULT_ID in line and LUND_ID in line
    assert not list(tmp_path.iterdir())


def test_as_of_reassesses_the_plans_given(two_plans, tmp_path):
    before = two_plans.read_bytes()
    written = build_report(two_plans, tmp_path, as_of=BUNDLED_AS_OF.replace(year=2025), plans=[load_plan(LUND)])
    assert list(written.pages) == [LUND_ID]
    assert set(Page(written.pages[LUND_ID].read_text(encoding="utf-8")).statuses) <= {"no_data", "no_numeric_target"}
    with pytest.raises(PipelineError, match=f"plan file of {DEFAULT_ID}"):
        build_report(two_plans, tmp_path, as_of=BUNDLED_AS_OF, plans=[load_plan(LUND)], plan_ids=[DEFAULT_ID])
    assert two_plans.read_bytes() == before
