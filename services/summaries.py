"""The summary for supervision: building it, saving it as a file, the supervisees' overview.

Building re-shares first (what the person can open is shared with everyone who may read it),
in the app as on the command line. Reading a supervisee's summary is audited here
(`read_summary`), as is each supervisee the overview opens (`read_other`) and saving a
summary as a file (`export`): the store builds, the service audits.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from pathlib import Path

from checklists import dates
from reports.output import render
from store import Person, Store
from store.errors import InvalidInput, PermissionDenied, StoreError
from store.reports.output import save
from store.reports.period import EARLIEST, OverviewRow
from store.reports.summary_model import Summary

from . import audit, people, sessions


def build(
    store: Store,
    person: Person,
    of: Person | None = None,
    since: str | None = None,
    until: str | None = None,
    problems: list[StoreError] | None = None,
) -> Summary:
    """`person`'s own summary, or a supervisee's (`of`)."""
    from store.reports.period import build_summary

    sessions.require_sessions(person)
    if of is not None and not store.may_read(person, of):
        raise PermissionDenied(
            f"You are not {of.name}'s supervisor, so you cannot read their summary."
        )
    people.reshare(store, person)
    read = partial(sessions.readable, store)  # records a supervisor's reading (`read_other`)
    summary = build_summary(store, person, of, since, until, problems, read)
    if of is not None and of.id != person.id:
        period = {"since": summary.period.since, "until": summary.period.until}
        audit.record(store, "read_summary", person.name, of.name, period, summary)
    return summary


def step_period(since: str, until: str, step: int, today: date | None = None) -> tuple[str, str]:
    """The period of the same length just before (`step` -1) or just after (`step` 1) the
    one from `since` to `until`, as (since, until). A later period never reaches beyond
    today; when there is nothing earlier or later to show, `InvalidInput` says so."""
    today = today or date.today()
    start, end = date.fromisoformat(since[:10]), date.fromisoformat(until[:10])
    length = end - start
    if step < 0:
        end = start - timedelta(days=1)
        start = end - length
        if end < EARLIEST:
            raise InvalidInput("There is no earlier period to show.")
        start = max(start, EARLIEST)
    else:
        start = end + timedelta(days=1)
        if start > today:
            raise InvalidInput("This period already ends today: there is no later one yet.")
        end = min(start + length, today)
    return start.isoformat(), end.isoformat()


def chosen_period(since: str, until: str, today: date | None = None) -> tuple[str, str]:
    """A period a person typed, from and to (both days included), as (since, until); a date
    that cannot be read, a future date or a from date after the to date raise
    `InvalidInput` with one plain sentence."""
    today = today or date.today()
    days = []
    for text, what in ((since, "from date"), (until, "to date")):
        if not text.strip():
            raise InvalidInput(f"Please give the {what}, like {today.isoformat()}.")
        try:
            day = dates.parse_day(text, what)
        except dates.DateError as exc:
            raise InvalidInput(str(exc)) from None
        if day > today:
            raise InvalidInput(
                f"The {what} {day.isoformat()} is after today: a summary looks back, so "
                "choose today or earlier."
            )
        if day < EARLIEST:
            raise InvalidInput(f"The {what} is too early: choose {EARLIEST.isoformat()} or later.")
        days.append(day)
    if days[0] > days[1]:
        raise InvalidInput(
            f"The from date {days[0].isoformat()} is after the to date {days[1].isoformat()}: "
            "swap them, or change one."
        )
    return days[0].isoformat(), days[1].isoformat()


def overview(store: Store, person: Person) -> list[OverviewRow]:
    """A supervisor's list of their supervisees by name, each one's reading audited (in the
    order people are listed, as before the audit moved here)."""
    from store.reports.period import supervisee_overview

    sessions.require_sessions(person)
    rows = supervisee_overview(store, person)
    by_name = sorted(rows, key=lambda row: row.name.casefold())
    for row in rows:
        detail = {"sessions": row.opened, "view": "overview"}
        audit.record(store, "read_other", person.name, row.name, detail, by_name)
    return by_name


def export(
    store: Store,
    person: Person,
    summary: Summary,
    fmt: str,
    where: Path | str,
    session_id: str | None = None,
) -> Path:
    """Write the summary as a file only its owner can read; returns where it went."""
    path = save(render(summary, fmt, session_id=session_id), Path(where), store.data_dir)
    audit.record(store, "export", person.name, summary.person, {"format": f"summary-{fmt}"}, path)
    return path
