"""The scorecard report (docs/scorecard.md): per plan one self-contained HTML page, and an index of the
plans with their status counts; library code, usable without Dagster.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from indicator_pipeline.catalog import Plan
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.report.data import load_report_data
from indicator_pipeline.report.labels import LANGUAGES
from indicator_pipeline.report.render import render, render_index

INDEX_NAMES = ("index.html", "scorecard.html")  # the index, and the former single page's name
PAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # a plan id that names its page as it is


@dataclass(frozen=True)
class Written:
    index: Path
    pages: dict[str, Path]  # plan id -> its page, in the order reported


def default_report_dir(warehouse_path: Path) -> Path:
    """`report/` beside the warehouse file."""
    return warehouse_path.parent / "report"


def page_name(plan_id: str) -> str:
    if not PAGE_NAME.fullmatch(plan_id) or f"{plan_id}.html" in INDEX_NAMES:
        raise PipelineError(f"plan id {plan_id!r} cannot name its page: letters, digits, '.', '_' and '-', and not index or scorecard")
    return f"{plan_id}.html"


def _write(path: Path, page: str) -> None:
    """Atomically: a reader never sees half a page."""
    partial = path.with_suffix(".html.partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, path)


def build_report(published: Path, out_dir: Path, lang: str = "sv", as_of: date | None = None,
                 plans: list[Plan] | None = None, plan_ids: list[str] | None = None) -> Written:
    """Write a page per plan of `plan_ids` (None: every plan in the warehouse) and the index of them.
    With `as_of`, `plans` are re-assessed as of that day and reported (see load_report_data)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGUAGES)}")
    reports = load_report_data(published, plan_ids, as_of, plans)
    names = {plan_id: page_name(plan_id) for plan_id in reports.pages}
    pages = {plan_id: render(data, lang) for plan_id, data in reports.pages.items()}
    index = render_index(reports, names, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    for plan_id, page in pages.items():
        _write(out_dir / names[plan_id], page)
    for name in INDEX_NAMES:
        _write(out_dir / name, index)
    return Written(out_dir / INDEX_NAMES[0], {plan_id: out_dir / name for plan_id, name in names.items()})
