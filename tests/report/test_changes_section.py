"""The scorecard's "changed since the last report" when nothing changed: the bundled warehouse has one
published refresh, so no target has a previous status (tests/timeline/test_change_reason.py: the rows)."""

from __future__ import annotations

import re

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.cli import main


def section(html: str, heading: str) -> str:
    return re.split(rf"<h2[^>]*>{heading}</h2>", html, maxsplit=1)[1].split("</section>", 1)[0]


def test_one_refresh_changed_no_status(scorecard):
    changes = section(scorecard.read_text(encoding="utf-8"), "Ändrat sedan förra rapporten")
    assert "Ingen status har ändrats sedan förra rapporten." in changes and "<table" not in changes


def test_the_english_report_says_so_in_english(bundled_refresh, tmp_path):
    assert main(["report", "--warehouse", str(bundled_refresh.path), "--out", str(tmp_path), "--lang", "en"]) == 0
    page = (tmp_path / f"{load_plan().id}.html").read_text(encoding="utf-8")
    assert "No status changed since the last report." in section(page, "Changed since the last report")
