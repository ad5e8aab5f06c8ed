"""Numbers, dates and yes/no written the Swedish way, as people type them in Excel. Each parser raises
ValueError quoting the cell text, which the reader puts after "file row N, column C:" unchanged.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

# Excel writes U+2212 for a minus in some locales; people type an en dash for "nothing".
MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})
MISSING = frozenset({"", "-"})

# Thousands separated by a space, a no-break space (Excel's default in sv-SE) or a narrow one.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,\d+)?")
_THOUSANDS = str.maketrans("", "", " \u00a0\u202f")

# Each month's name and the abbreviations people write for it, January first.
_MONTH_NAMES = [
    ("januari", "jan"), ("februari", "feb"), ("mars", "mar"), ("april", "apr"), ("maj",), ("juni", "jun"),
    ("juli", "jul"), ("augusti", "aug"), ("september", "sep", "sept"), ("oktober", "okt"),
    ("november", "nov"), ("december", "dec"),
]
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.?\s+([a-zåäö]+)\.?\s+(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_missing(text: str) -> bool:
    """An empty cell, or a dash standing for "no value" as Swedish tables often write it."""
    return text.strip().translate(MINUS_SIGNS) in MISSING


def parse_swedish_number(text: str) -> Decimal:
    """`12,5`, `-3`, `1 234,5` (space or no-break space between thousands) → Decimal. A decimal point is
    refused rather than guessed: in Swedish `1.234` may mean one thousand."""
    cleaned = text.strip().translate(MINUS_SIGNS)
    if not _NUMBER.fullmatch(cleaned):
        hint = " (use a decimal comma, e.g. 12,5)" if re.fullmatch(r"[+-]?[\d.]+", cleaned) else ""
        raise ValueError(f"{text!r} is not a number{hint}")
    return Decimal(cleaned.translate(_THOUSANDS).replace(",", "."))


def parse_swedish_date(text: str) -> date:
    """`3 mars 2025`, `3 mar. 2025`, `03 MARS 2025` or ISO `2025-03-03` → date."""
    cleaned = text.strip().lower()
    try:
        if _ISO_DATE.fullmatch(cleaned):
            return date.fromisoformat(cleaned)
        if (match := _DAY_MONTH_YEAR.fullmatch(cleaned)) and match[2] in MONTHS:
            return date(int(match[3]), MONTHS[match[2]], int(match[1]))
    except ValueError:  # a well-formed but impossible date, e.g. 31 april
        pass
    raise ValueError(f"{text!r} is not a date (write e.g. '3 mars 2025' or '2025-03-03')")


def parse_ja_nej(text: str) -> bool:
    answer = text.strip().lower()
    if answer not in ("ja", "nej"):
        raise ValueError(f"{text!r} is not ja or nej")
    return answer == "ja"
