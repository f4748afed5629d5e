"""Small text helpers shared by screens (times, counts)."""

from __future__ import annotations

from datetime import datetime

from checklists import SETTINGS, STAGES

SETTING_LABELS = dict(SETTINGS)
STAGE_LABELS = dict(STAGES)


def _moment(iso: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def friendly_time(iso: str | None, now: datetime | None = None) -> str:
    """'today 10:42', 'yesterday 16:05' or 'Mon 16 Nov 2026 10:42'."""
    moment = _moment(iso)
    if moment is None:
        return iso or "—"
    now = now or datetime.now(moment.tzinfo)
    clock = moment.strftime("%H:%M")
    days = (now.date() - moment.date()).days
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"yesterday {clock}"
    return f"{moment.strftime('%a')} {moment.day} {moment.strftime('%b %Y')} {clock}"


def short_date(iso: str | None, now: datetime | None = None) -> str:
    """'20 Nov 17:52' this year, '20 Nov 2025' before: short enough for a table at 80 columns."""
    moment = _moment(iso)
    if moment is None:
        return iso or "—"
    now = now or datetime.now(moment.tzinfo)
    if moment.year == now.year:
        return f"{moment.day} {moment.strftime('%b %H:%M')}"
    return f"{moment.day} {moment.strftime('%b %Y')}"
