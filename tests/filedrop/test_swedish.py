"""Swedish numbers, dates and ja/nej as people type them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from indicator_pipeline.filedrop.swedish import (
    MONTHS, is_missing, parse_ja_nej, parse_swedish_date, parse_swedish_number
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", "12.5"),
        ("-3", "-3"),
        ("+7", "7"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234\u00a0567,25", "1234567.25"),
        ("1\u202f234", "1234"),
        ("\u22124,0", "-4.0"),
        (" 0,05 ", "0.05"),
    ],
)
def test_numbers(text, expected):
    assert parse_swedish_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["tolv", "12.5", "1.234", "12 5", "1 23,4", "12,", ",5", "45 %", ""])
def test_not_numbers(text):
    with pytest.raises(ValueError, match=f"^{text!r} is not a number"):
        parse_swedish_number(text)


def test_a_decimal_point_gets_a_hint():
    with pytest.raises(ValueError, match=r"use a decimal comma"):
        parse_swedish_number("12.5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 mars 2025", date(2025, 3, 3)),
        ("2025-03-03", date(2025, 3, 3)),
        ("03 MARS 2025", date(2025, 3, 3)),
        ("3 mar. 2025", date(2025, 3, 3)),
        ("1 januari 2024", date(2024, 1, 1)),
        ("29 feb 2024", date(2024, 2, 29)),
        ("15 maj 2025", date(2025, 5, 15)),
        ("1 sept 2025", date(2025, 9, 1)),
        ("31 okt 2025", date(2025, 10, 31)),
        ("24 december 2025", date(2025, 12, 24)),
        ("6. juni 2025", date(2025, 6, 6)),
    ],
)
def test_dates(text, expected):
    assert parse_swedish_date(text) == expected


def test_every_month_by_full_and_short_name():
    full = "januari februari mars april maj juni juli augusti september oktober november december".split()
    for number, name in enumerate(full, start=1):
        assert parse_swedish_date(f"1 {name} 2025") == date(2025, number, 1)
        assert parse_swedish_date(f"1 {name[:3]} 2025") == date(2025, number, 1)
    assert len(set(MONTHS.values())) == 12


@pytest.mark.parametrize("text", ["3 mors 2025", "31 april 2025", "2025-02-30", "3/3 2025", "mars 2025", "2025-3-3"])
def test_not_dates(text):
    with pytest.raises(ValueError, match=f"^{text!r} is not a date"):
        parse_swedish_date(text)


@pytest.mark.parametrize(("text", "expected"), [("ja", True), ("Nej", False), (" JA ", True)])
def test_ja_nej(text, expected):
    assert parse_ja_nej(text) is expected


@pytest.mark.parametrize(("text", "expected"), [("", True), ("  ", True), ("-", True), ("\u2013", True), ("0", False)])
def test_missing(text, expected):
    assert is_missing(text) is expected
