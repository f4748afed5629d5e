"""The summary for supervision: building it, saving it as a file.

Building re-shares first (what the person can open is shared with everyone who may read it),
in the app as on the command line; reading a supervisee's is audited by the summary itself
(`read_summary`). Saving it as a file is audited (`export`).
"""

from __future__ import annotations

from pathlib import Path

from reports.output import render
from store import Person, Store
from store.errors import PermissionDenied, StoreError
from store.reports.output import save

from . import audit


def build(
    store: Store,
    person: Person,
    of: Person | None = None,
    since: str | None = None,
    until: str | None = None,
    problems: list[StoreError] | None = None,
) -> dict:
    """`person`'s own summary, or a supervisee's (`of`)."""
    from store.reports.period import build_summary

    if of is not None and not store.may_read(person, of):
        raise PermissionDenied(
            f"You are not {of.name}'s supervisor, so you cannot read their summary."
        )
    store.reshare_all(person)
    return build_summary(store, person, of=of, since=since, until=until, problems=problems)


def export(
    store: Store,
    person: Person,
    summary: dict,
    fmt: str,
    where: Path | str,
    session_id: str | None = None,
) -> Path:
    """Write the summary as a file only its owner can read; returns where it went."""
    path = save(render(summary, fmt, session_id=session_id), Path(where), store.data_dir)
    audit.record(
        store, "export", person.name, summary["person"], {"format": f"summary-{fmt}"}, path
    )
    return path
