"""The structured parts of finished sessions, as a service lead reads them for the service
report (issue 16): only a lead, signed in, holding the service report key, reads them, and
only as opaque parts (no session, no name). The report itself is `services.service_report`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from store.report_key import ReportKeys
from store.reports.service_report_model import PartBatch
from store.roles import LEAD
from store.service_parts import months_between, read_months

from .errors import NotAllowed

if TYPE_CHECKING:
    from store import Person, Store

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

__all__ = ["PartsRead", "catch_up", "read_parts", "require_lead", "supervision_saved"]


@dataclass
class PartsRead:
    """What a lead reads for a period: `batches` of contact parts (one part per finished
    session, `contacts` one by one) and `supervision` (one part per supervision record), each
    with `author`/`practitioner` an opaque id;
    `rejected`, how many entries or parts were not believed (planted, altered, of an unknown
    shape), and `problems`, what they were, in plain words (never naming anyone)."""

    batches: list[PartBatch] = field(default_factory=list)
    supervision: list[dict] = field(default_factory=list)
    rejected: int = 0
    problems: list[str] = field(default_factory=list)
    # False: this lead does not have the report key yet (a lead who has it shares it at their
    # next sign-in); nothing could be read.
    has_key: bool = True

    @property
    def contacts(self) -> list[dict]:
        """The contact parts one by one (the report counts `batches` as they are)."""
        return [part for batch in self.batches for part in batch.parts()]


def require_lead(store: Store, person: Person) -> Person:
    """The person as the signed directory has them, when they are a service lead switched on;
    NotAllowed otherwise."""
    signed = store.people.get(person.id)
    if signed is None or not signed.has(LEAD) or not signed.active:
        raise NotAllowed("Only a service lead can read the service's figures.")
    return signed


def read_parts(store: Store, lead: Person, since: str, until: str) -> PartsRead:
    """Every part of the months `since` to `until` (YYYY-MM, both included) that `lead` (signed
    in) can open and believe. NotAllowed for anyone who is not a service lead."""
    require_lead(store, lead)
    months = months_between(since, until)
    keys = ReportKeys(store.people)
    key = keys.private_for(lead)
    if key is None:
        if keys.public() is not None and not keys.holders():
            why = (
                "Nobody holds the service report key any more (the last service lead who had "
                "it had their passphrase reset or was switched off), so the service's figures "
                "cannot be read. An admin can switch that lead back on, if that is what "
                "happened; the key cannot be made again."
            )
        else:
            why = (
                "You do not have the service report key yet: it is shared with you when a "
                "service lead who has it next signs in and says yes."
            )
        return PartsRead(has_key=False, problems=[why])
    _, directory = store.people.read_directory()
    opened = read_months(store.data_dir, months, key, directory)
    out = PartsRead(
        batches=opened.batches,
        supervision=opened.supervision,
        rejected=opened.rejected,
        problems=list(opened.problems),
    )
    if out.rejected:
        out.problems.insert(
            0,
            f"{out.rejected} entr{'y was' if out.rejected == 1 else 'ies were'} not counted: "
            "not sealed for this service, not signed by someone in it, or changed since.",
        )
    return out


# -- writing: the worker that gives older sessions their parts --------------------------------
def catch_up(store: Store, person: Person) -> int:
    """At sign-in: give every finished session and supervision record that `person` may read
    (their own, their supervisees') its structured part when it has none yet, signed by
    `person`. Idempotent (the sealed index says which have parts); one that cannot be opened
    is left for later and never stops the rest. Returns how many parts were added."""
    from store.errors import StoreError

    if person.private_key is None:
        return 0
    if ReportKeys(store.people).public() is None:
        return 0
    added = 0
    for author in store.readable_authors(person):
        try:
            added += _catch_up_author(store, person, author)
        except (StoreError, OSError, KeyError, TypeError, ValueError):
            continue  # a hostile or damaged file of one person never stops the rest
    return added


def _catch_up_author(store: Store, person: Person, author: Person) -> int:
    from store.errors import StoreError
    from store.part_writer import contact_part, supervision_part

    if store.parts.up_to_date(author.id):
        return 0
    covered = store.parts.covered(author.id)
    missing: dict[str, list[dict]] = {}
    for month in store.sessions.archive_months(author.id):
        if not MONTH.fullmatch(month):
            continue  # a file named by hand, not one of the archive's
        have = covered.get(month, set())
        for record in store.sessions.peek(author.id, month):
            if record.get("author") != author.id:
                continue  # someone else's, moved into this folder: never counted as theirs
            if record.get("status") == "complete" and record.get("id") not in have:
                missing.setdefault(month, []).append(record)
    added, complete = 0, True
    for month, records in missing.items():
        trust = store.sessions.trust()
        new = {}
        for record in records:
            try:
                session = store.sessions.open_record(record, person, trust)
                new[session.id] = contact_part(
                    session, store.checklist_for(session), author.sign_publics[0]
                )
            except (StoreError, KeyError, TypeError, ValueError):
                complete = False  # one that cannot be opened (not shared yet, damaged) waits
        if new and store.parts.add(author.id, month, new, person):
            added += len(new)
        elif new:
            complete = False
    records = [
        r
        for r in store.supervision.peek(author.id, "record")
        if isinstance(r.get("date"), str) and r.get("author") == author.id
    ]
    if any(f"supervision:{r.get('id')}" not in covered.get(r["date"][:7], set()) for r in records):
        for record in store.supervision.records(person, author.id, problems=[]):
            month = record.date[:7]
            key = f"supervision:{record.id}"
            if key in covered.get(month, set()):
                continue
            part = supervision_part(month, author.sign_publics[0])
            if store.parts.add(author.id, month, {key: part}, person):
                covered.setdefault(month, set()).add(key)
                added += 1
            else:
                complete = False
        keys = {f"supervision:{r.get('id')}": r["date"][:7] for r in records}
        complete = complete and all(k in covered.get(m, set()) for k, m in keys.items())
    if complete:
        store.parts.mark_checked(author.id)
    return added


def supervision_saved(store: Store, person: Person, of: Person, record) -> None:
    """A supervision record was just saved: its part, in `of`'s month entry. When it cannot
    be written now it is added at a later sign-in (`catch_up`)."""
    from store.errors import StoreError
    from store.part_writer import supervision_part

    if not of.sign_publics:
        return
    month = record.date[:7]
    try:
        part = supervision_part(month, of.sign_publics[0])
        store.parts.add(of.id, month, {f"supervision:{record.id}": part}, person)
    except StoreError:
        pass
