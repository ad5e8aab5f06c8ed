"""Reading a scorecard page in tests: goal sections, overview rows, badges, and every tag used."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import duckdb


class Page(HTMLParser):
    """What the tests look for in a page: goal sections, overview rows, badges, and every tag used."""

    def __init__(self, html: str):
        super().__init__()
        self.sections: list[str] = []
        self.overview_rows: list[str] = []
        self.statuses: list[str] = []
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.attributes += [(tag, name, value) for name, value in attrs.items()]
        if tag == "section" and "goal" in (attrs.get("class") or "").split():
            self.sections.append(attrs.get("data-goal-id"))
        if tag == "tr" and attrs.get("data-target-id"):
            self.overview_rows.append(attrs["data-target-id"])
        if tag == "span" and attrs.get("data-status"):
            self.statuses.append(attrs["data-status"])


def plan_goals(warehouse: Path, plan_id: str | None = None) -> tuple[list[str], list[str]]:
    """Goal ids and target ids of the plan (the only one when None), in plan order, straight from the published file."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT goal_id, target_id FROM marts.goal_status WHERE plan_id = coalesce($plan_id, plan_id) ORDER BY goal_order, target_order",
            {"plan_id": plan_id},
        ).fetchall()
    return list(dict.fromkeys(g for g, _ in rows)), [t for _, t in rows]
