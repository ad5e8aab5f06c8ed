"""The report's words in Swedish (the plan's language, the default) and English, from labels.toml, and
its numbers as each language writes them."""

from __future__ import annotations

import tomllib
from importlib.resources import files

from indicator_pipeline.wording import say, swedish

LABELS = tomllib.loads(files(__package__).joinpath("labels.toml").read_text(encoding="utf-8"))
LANGUAGES = tuple(LABELS)


def text(lang: str, key: str) -> str:
    return LABELS[lang]["text"][key]


def number(value: float | None, decimals: int, lang: str) -> str:
    """A value rounded to `decimals`, with Swedish decimal comma and space thousands in Swedish."""
    if value is None:
        return "–"
    shown = f"{value:,.{max(decimals, 0)}f}"
    if shown.startswith("-") and float(shown.replace(",", "")) == 0:
        shown = shown[1:]
    return swedish(shown) if lang == "sv" else shown


def worded(row: dict, lang: str) -> dict:
    """A goal target's row (report/goals.sql) with its note and method's name in `lang` (the English note
    where a Swedish one was never stored)."""
    note = row["note_sv"] if lang == "sv" and row["note_sv"] else row["note"]
    method = getattr(say(f"method_{row['method']}"), lang) if row["method"] else None
    return {**row, "note": note, "method_name": method}


def unit_label(lang: str, unit: str | None) -> str:
    return LABELS[lang]["units"].get(unit or "", unit or "")
