"""Small text helpers shared by screens (times, counts)."""

from __future__ import annotations

from datetime import datetime

from checklists import SETTINGS, STAGES
from checklists.dates import moment as _moment

SETTING_LABELS = dict(SETTINGS)
STAGE_LABELS = dict(STAGES)


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


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def unopened_sessions(problems: list, has_supervisor: bool) -> list[str]:
    """Plain sentences for the sessions of your own that could not be opened.

    Two causes, told apart because they need different things from the person: a session
    not (yet) sealed for their current key (after an admin reset their passphrase) comes back
    when a supervisor next signs in; a damaged one is left untouched on disk for recovery.
    A colleague's session found in their folder is said apart: it is not theirs at all.
    """
    from store.crypto import SealError
    from store.sessions import NotShared, NotTheirs

    not_shared = sum(1 for p in problems if isinstance(p, NotShared))
    damaged = sum(1 for p in problems if isinstance(p, SealError))
    elsewhere = sum(1 for p in problems if isinstance(p, NotTheirs))
    other = [p for p in problems if not isinstance(p, (NotShared, SealError, NotTheirs))]
    sentences = []
    if not_shared:
        who = (
            "your supervisor's next sign-in shares them again"
            if has_supervisor
            else "nobody supervises you who could share them again: please ask an admin"
        )
        if not_shared == 1:
            who = who.replace("them", "it")
            sentences.append(f"1 of your sessions can't be opened yet: {who}.")
        else:
            sentences.append(f"{not_shared} of your sessions can't be opened yet: {who}.")
    if damaged:
        verb = "is" if damaged == 1 else "are"
        sentences.append(
            f"{_plural(damaged, 'session', 'sessions')} {verb} damaged and "
            f"{'was' if damaged == 1 else 'were'} set aside (left unchanged on disk; "
            f"`stepping-stones verify` names {'it' if damaged == 1 else 'them'})."
        )
    if elsewhere:
        one = elsewhere == 1
        sentences.append(
            f"{_plural(elsewhere, 'session', 'sessions')} in your folder "
            f"{'was' if one else 'were'} written by someone else and "
            f"{'was' if one else 'were'} left out (`stepping-stones verify` names "
            f"{'it' if one else 'them'})."
        )
    sentences.extend(str(p) for p in other)
    return sentences
