"""The structured parts of finished sessions, as a service lead reads them for the service
report (issue 16): only a lead, signed in, holding the service report key, reads them, and
only as opaque parts (no session, no name). The report itself is `services.service_report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from store.report_key import ReportKeys
from store.roles import LEAD
from store.service_parts import months_between, read_months

from .errors import NotAllowed

if TYPE_CHECKING:
    from store import Person, Store

__all__ = ["PartsRead", "read_parts", "require_lead"]


@dataclass
class PartsRead:
    """What a lead reads for a period: `contacts` (one part per finished session) and
    `supervision` (one per supervision record), each with `author`/`practitioner` an opaque id;
    `rejected`, how many entries or parts were not believed (planted, altered, of an unknown
    shape), and `problems`, what they were, in plain words (never naming anyone)."""

    contacts: list[dict] = field(default_factory=list)
    supervision: list[dict] = field(default_factory=list)
    rejected: int = 0
    problems: list[str] = field(default_factory=list)
    # False: this lead does not have the report key yet (a lead who has it shares it at their
    # next sign-in); nothing could be read.
    has_key: bool = True


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
    key = ReportKeys(store.people).private_for(lead)
    if key is None:
        return PartsRead(
            has_key=False,
            problems=[
                "You do not have the service report key yet: it is shared with you when a "
                "service lead who has it next signs in and says yes."
            ],
        )
    _, directory = store.people.read_directory()
    opened = read_months(store.data_dir, months, key, directory)
    out = PartsRead(rejected=opened.rejected, problems=list(opened.problems))
    for part in opened.parts:
        (out.contacts if part["kind"] == "contact" else out.supervision).append(part)
    if out.rejected:
        out.problems.insert(
            0,
            f"{out.rejected} entr{'y was' if out.rejected == 1 else 'ies were'} not counted: "
            "not sealed for this service, not signed by someone in it, or changed since.",
        )
    return out
