"""The service report key as the services use it (docs/service-report-key.md): made when an
admin adds the first service lead, and shared with each later lead when a lead who has it next
signs in and says yes ("Share the service report key with Lee Lead, added by Alex Admin on
3 Dec?"). Both are audited (`report_key_made`, `report_key_shared`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.report_key import ReportKeys

from . import audit
from .directory import _day

if TYPE_CHECKING:
    from store import Person, Store

__all__ = ["made_for_first_lead", "share", "waiting_leads"]


def made_for_first_lead(store: Store, admin: Person) -> bool:
    """After an admin gives someone the lead role: make the key when the store has none yet,
    wrapped for every lead (`report_key_made`). False when there was one already."""
    made = ReportKeys(store.people).make(admin)
    if made:
        audit.record(store, "report_key_made", admin.name, None, None, made)
    return made


def waiting_leads(store: Store, holder: Person) -> list[dict]:
    """The leads `holder` (signed in) could share the key with, when they have it: each as
    {"id", "name", "by", "on", "question"}, the question in the words both front ends ask."""
    keys = ReportKeys(store.people)
    if not holder.has("lead") or keys.private_for(holder) is None:
        return []
    out = []
    for waiting in keys.waiting():
        if waiting.lead_id == holder.id:
            continue
        on = _day(waiting.at)
        out.append(
            {
                "id": waiting.lead_id,
                "name": waiting.name,
                "by": waiting.by,
                "on": on,
                "question": (
                    f"Share the service report key with {waiting.name}, added by {waiting.by} "
                    f"on {on}?"
                ),
            }
        )
    return out


def share(store: Store, holder: Person, waiting: dict) -> None:
    """`holder` says yes: the key is wrapped for that lead (`report_key_shared`)."""
    ReportKeys(store.people).share(holder, waiting["id"])
    audit.record(store, "report_key_shared", holder.name, waiting["name"])
