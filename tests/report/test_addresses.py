"""Pages with addresses (issue 19, item 5): every goal section and target has a stable anchor named by its
id (`goal-<goal_id>`, `target-<target_id>`), no id is used twice, and every link the pages make within the
report (the overview's, the contents', the index's to each goal) leads to an element that exists.
(tests/timeline/test_change_reason.py: a goal's earlier publications after several refreshes.)"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import duckdb

from scorecard_page import plan_goals

from indicator_pipeline.report import build_report


class Anchors(HTMLParser):
    """Every id on a page (with repeats) and every href."""

    def __init__(self, page: str):
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.ids += [attrs["id"]] if "id" in attrs else []
        self.links += [attrs["href"]] if tag == "a" else []


def test_goals_and_targets_have_unique_anchors_and_every_link_resolves(bundled_refresh, tmp_path):
    written = build_report(bundled_refresh.path, tmp_path)
    pages = {path.name: Anchors(path.read_text(encoding="utf-8")) for path in (written.index, *written.pages.values())}
    for name, page in pages.items():
        assert [i for i, n in Counter(page.ids).items() if n > 1] == [], name
    (plan_id, plan_page), = written.pages.items()
    goals, targets = plan_goals(bundled_refresh.path, plan_id)
    anchors = set(pages[plan_page.name].ids)
    assert {f"goal-{g}" for g in goals} | {f"target-{t}" for t in targets} <= anchors
    assert {f"{plan_page.name}#goal-{g}" for g in goals} <= set(pages["index.html"].links)  # the index links each goal
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        worded = [t for (t,) in con.execute("SELECT target_id FROM marts.goal_status WHERE target_text IS NOT NULL").fetchall()]
    assert len(worded) > len(targets) / 2
    assert {f"#target-{t}" for t in worded} <= set(pages[plan_page.name].links)  # the overview links each worded target
    for name, page in pages.items():
        for link in page.links:
            file, _, fragment = link.partition("#")
            assert (file or name) in pages, (name, link)  # a page the report wrote
            assert not fragment or fragment in pages[file or name].ids, (name, link)
