"""The one place that reads dates and times written as text: what a person types, and the
ISO stamps the store keeps.

Pure functions, no I/O. A date a person typed that cannot be read raises `DateError`, a
`ValueError` whose text is one plain sentence; the store turns it into its own `InvalidInput`.
A stored stamp that cannot be read gives None, and the caller shows it as it was written.
It sits beside the checklist model because the store needs it too, and the store imports
nothing above itself.
"""

from __future__ import annotations

import re
from datetime import date, datetime

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateError(ValueError):
    """A date that cannot be read; `str(error)` is a sentence safe to show a person."""


def parse_day(text: str, what: str = "date") -> date:
    """A day as typed: '2026-11-22' (surrounding spaces allowed)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DateError(f"The {what} '{text}' is not a date like 2026-11-22.") from None


def parse_since(value: str | date | None) -> date | None:
    """`--since` as a date, strictly YYYY-MM-DD; None (or a date) is passed through."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if not ISO_DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise DateError(
            f"'{value}' is not a date: give it as YYYY-MM-DD, for example 2026-01-31."
        ) from None


def moment(stamp: str | None) -> datetime | None:
    """A stored ISO timestamp as a datetime; None when empty or unreadable."""
    try:
        return datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        return None


def day_or_moment(stamp: str | None) -> date | datetime | None:
    """A stored day ('2026-11-22') as a date, or a timestamp as a datetime; None when empty or
    unreadable."""
    if not stamp:
        return None
    text = str(stamp)
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def month_before(month: str) -> str:
    """'2026-01' -> '2025-12'; anything unreadable -> '' (then every month is read)."""
    try:
        year, number = int(month[:4]), int(month[5:7])
    except ValueError:
        return ""
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"
