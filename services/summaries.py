"""The summary for supervision: building it, saving it as a file, the supervisees' overview.

Building re-shares first (what the person can open is shared with everyone who may read it),
in the app as on the command line. Reading a supervisee's summary is audited here
(`read_summary`), as is each supervisee the overview opens (`read_other`) and saving a
summary as a file (`export`): the store builds, the service audits.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from reports.output import render
from store import Person, Store
from store.errors import PermissionDenied, StoreError
from store.reports.output import save
from store.reports.period import OverviewRow
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


def overview(store: Store, person: Person) -> list[OverviewRow]:
    """A supervisor's list of their supervisees by name, each one's reading audited (in the
    order people are listed, as before the audit moved here)."""
    from store.reports.period import supervisee_overview

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
