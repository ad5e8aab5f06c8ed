"""The report against WCAG 2.1 AA as far as automated checking goes (issue 19, item 2): axe-core
(tests/vendor/axe-core, vendored: no network) runs in headless Chromium on every page of the bundled
report, the index and the plan's page, in Swedish and in English, and finds no violation.

Each page is copied with axe inlined and a script that runs it and writes its result into the DOM
(`<pre id="test-result">`, added after the run so it is not itself checked); Chromium dumps the DOM. The
page's Content-Security-Policy forbids scripts, so the copy's policy allows inline ones; nothing else
changes. A deliberately broken page (an image without alt text) proves the run happens and reports."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from browser import chromium_or_skip, run_chromium

from indicator_pipeline.report import build_report

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Each script ends by calling report(object): the object is written into the DOM, which Chromium dumps.
REPORT = """
function report(result) {
  const out = document.createElement("pre");
  out.id = "test-result";
  out.textContent = JSON.stringify(result);
  document.body.append(out);
}
"""
AXE_RUN = """
axe.run(document, {runOnly: {type: "tag", values: %s}}).then(
  result => report({violations: result.violations, passes: result.passes.length}),
  error => { document.title = "axe failed: " + error; });
""" % json.dumps(RULES)
# How wide the page is laid out against the window, and the elements reaching past its right edge that do
# not sit in a table's own scroll box or a closed <details>.
REFLOW_RUN = """
window.addEventListener("load", () => report({
  scroll_width: document.documentElement.scrollWidth, window_width: innerWidth,
  too_wide: [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest(".table-scroll, details:not([open])"))
    .slice(0, 5).map(e => e.outerHTML.slice(0, 120)),
}));
"""
NARROW = 500  # CSS px: headless Chromium's narrowest window
RESULT = re.compile(r'<pre id="test-result">(.*?)</pre>', re.S)
POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')


class Structure(HTMLParser):
    """What axe cannot judge alone: the language, the headings in order, the landmarks, every element by
    id, each chart's svg attributes, and per goal section how many values its charts' tables hold."""

    def __init__(self, page: str):
        super().__init__()
        self.lang, self.headings, self.landmarks, self.svgs = None, [], [], []
        self.ids: dict[str, str] = {}  # id -> tag
        self.values: dict[str, int] = {}  # goal id -> the values (cells not "–") in its charts' tables
        self._goal, self._chart_table, self._in_cell = None, False, False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if "id" in attrs:
            self.ids[attrs["id"]] = tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag in ("header", "nav", "main", "footer"):
            self.landmarks.append(tag)
        if tag == "svg":
            self.svgs.append(attrs)
        if tag == "section" and attrs.get("data-goal-id"):
            self._goal = attrs["data-goal-id"]
        if tag == "table":
            self._chart_table = (attrs.get("id") or "").endswith("-data")
        self._in_cell = tag == "td" and self._chart_table

    def handle_endtag(self, tag):
        self._chart_table = self._chart_table and tag != "table"
        self._in_cell = self._in_cell and tag != "td"

    def handle_data(self, data):
        if self._in_cell and data.strip() != "–":
            self.values[self._goal] = self.values.get(self._goal, 0) + 1


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


@pytest.fixture(scope="module")
def pages(bundled_refresh, tmp_path_factory) -> dict[str, Path]:
    """Every page of the bundled report in both languages: "<lang>/<file name>" -> path."""
    found = {}
    for lang in ("sv", "en"):
        written = build_report(bundled_refresh.path, tmp_path_factory.mktemp(f"report-{lang}"), lang)
        for path in (written.index, *written.pages.values()):
            found[f"{lang}/{path.name}"] = path
    return found


def in_chromium(chromium: str, page: str, folder: Path, scripts: list[str], *flags: str) -> dict:
    """What `scripts` report (REPORT) about `page` (HTML) rendered by Chromium."""
    script = "".join(f"<script>{text}</script>" for text in [REPORT, *scripts])
    policy = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'\">"
    checked = POLICY.sub(policy, page, count=1).replace("</body>", script + "</body>", 1)
    copy = folder / "checked.html"
    copy.write_text(checked, encoding="utf-8")
    done = run_chromium(chromium, folder / "profile", *flags, "--virtual-time-budget=60000", "--dump-dom", copy.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = RESULT.search(done.stdout)
    assert found, f"the page's script did not report: {done.stdout[:500]} {done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def axe(chromium: str, page: str, folder: Path) -> dict:
    """axe-core's result on `page`: its violations and how many rules passed."""
    return in_chromium(chromium, page, folder, [AXE.read_text(encoding="utf-8"), AXE_RUN])


def explained(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n['target']} {n['html'][:160]}" for n in v["nodes"][:5])
        for v in violations
    )


def test_axe_runs_and_reports_a_violation(chromium, tmp_path):
    broken = ('<!DOCTYPE html><html lang="en"><head><title>broken</title></head><body><main><h1>A page</h1>'
              '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10"></main></body></html>')
    result = axe(chromium, broken, tmp_path)
    assert result["passes"] > 0
    assert "image-alt" in {v["id"] for v in result["violations"]}, explained(result["violations"])


def test_every_page_has_no_violation(chromium, pages, tmp_path):
    failing = {}
    for name, path in pages.items():
        folder = tmp_path / name.replace("/", "-")
        folder.mkdir()
        result = axe(chromium, path.read_text(encoding="utf-8"), folder)
        assert result["passes"] > 0, name
        if result["violations"]:
            failing[name] = explained(result["violations"])
    assert not failing, "\n".join(f"{name}:\n{text}" for name, text in failing.items())


def test_no_page_scrolls_sideways_on_a_narrow_screen(chromium, pages, tmp_path):
    """WCAG 1.4.10 (reflow): on a phone-wide window the page fits its width; a table wider than the screen
    (the overview, peers, changes, history) scrolls in its own focusable box, not the whole page."""
    for name, path in pages.items():
        folder = tmp_path / name.replace("/", "-")
        folder.mkdir()
        result = in_chromium(chromium, path.read_text(encoding="utf-8"), folder, [REFLOW_RUN], f"--window-size={NARROW},900")
        assert result["window_width"] == NARROW, (name, result)
        assert result["scroll_width"] <= NARROW and not result["too_wide"], (name, result)


def test_language_headings_landmarks(pages):
    for name, path in pages.items():
        page = Structure(path.read_text(encoding="utf-8"))
        assert page.lang == name.split("/")[0], name
        assert page.headings[0] == 1 and page.headings.count(1) == 1, (name, page.headings)
        assert all(b <= a + 1 for a, b in zip(page.headings, page.headings[1:])), (name, page.headings)  # no level skipped
        assert [t for t in page.landmarks if t in ("header", "main", "footer")] == ["header", "main", "footer"], name


def test_every_chart_is_an_image_named_by_its_caption_and_described_by_its_values(pages, bundled_refresh):
    for name, path in pages.items():
        page = Structure(path.read_text(encoding="utf-8"))
        for svg in page.svgs:
            assert svg.get("role") == "img", (name, svg)
            assert page.ids[svg["aria-labelledby"]] == "figcaption", (name, svg)
            described = svg["aria-describedby"].split()
            assert all(ref in page.ids for ref in described) and page.ids[described[-1]] == "table", (name, svg)
    # every value the charts draw is in a table: per goal, one per (series, year) with a value in the warehouse
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        drawn = dict(con.execute(
            "SELECT goal_id, count(DISTINCT (role, indicator_id, year)) FROM marts.indicator_vs_target "
            "WHERE value IS NOT NULL GROUP BY goal_id").fetchall())
    plan_page = next(path for name, path in pages.items() if name.startswith("sv/") and not name.endswith("index.html"))
    page = Structure(plan_page.read_text(encoding="utf-8"))
    assert len(page.svgs) >= 10
    assert page.values == drawn
