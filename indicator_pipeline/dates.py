"""Calendar arithmetic shared by the target rules and source freshness."""

from __future__ import annotations

from datetime import date


def shift_years(day: date, years: int) -> date:
    """`day` moved by whole years (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
