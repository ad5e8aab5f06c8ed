"""The scorecard report: one self-contained HTML page of every goal of the plan (issue 9, section 4).

Library code, usable without Dagster: `build_report(published, out_dir)` reads the published warehouse
read-only (or, with `as_of`, a private re-assessed copy) and writes `<out_dir>/scorecard.html`.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from indicator_pipeline.catalog import Plan
from indicator_pipeline.report.data import load_report_data
from indicator_pipeline.report.labels import LANGUAGES
from indicator_pipeline.report.render import render

REPORT_NAME = "scorecard.html"


def default_report_dir(warehouse_path: Path) -> Path:
    """`report/` beside the warehouse file."""
    return warehouse_path.parent / "report"


def build_report(published: Path, out_dir: Path, lang: str = "sv", as_of: date | None = None,
                 plan: Plan | None = None) -> Path:
    """Write the scorecard to `out_dir/scorecard.html` (atomically: a reader never sees half a page)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGUAGES)}")
    page = render(load_report_data(published, plan, as_of), lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_NAME
    partial = path.with_suffix(".html.partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, path)
    return path
