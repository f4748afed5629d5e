"""Sessions as use cases: listing the sessions one may read, reading a supervisee's session,
discarding one's own draft, what one finished session amounts to."""

from __future__ import annotations

from checklists import Checklist
from store import Person, Session, Store
from store.errors import StoreError
from store.summary import SessionSummary, summarise_session

from . import audit
from .errors import NotAllowed

LEAD_ONLY = (
    "As a service lead you see the service's figures only, never anyone's sessions "
    "(an admin can add another role if you also see women)."
)


LEAD_HOME = (
    "You are signed in as a service lead: you see the service's figures, never anyone's "
    "sessions, notes or names."
)


def has_sessions(person: Person) -> bool:
    """Whether this person has or reads sessions at all (not a service lead with no other
    role): what the app offers them at home follows from it."""
    from store.roles import sees_sessions

    return sees_sessions(person.roles)


def require_sessions(person: Person) -> None:
    """NotAllowed for a service lead who has no other role: they see no session at all, not
    even a list of them (their own, a supervisee's, a summary or an export)."""
    from store.roles import sees_sessions

    if not sees_sessions(person.roles):
        raise NotAllowed(LEAD_ONLY)


def readable(
    store: Store,
    reader: Person,
    of: Person | None = None,
    status: str | None = None,
    problems: list[StoreError] | None = None,
    limit: int | None = None,
    since: str | None = None,
) -> list[Session]:
    """`reader`'s own sessions, or a supervisee's (`of`), as `Store.readable_sessions` lists
    them. A supervisor's reading is audited (`read_other`) with how many sessions were read,
    whatever `status` then keeps."""
    author = of or reader
    require_sessions(reader)
    store.require_reader(reader, author)  # only the author and their supervisors
    sessions = store.readable_sessions(reader, of=of, problems=problems, limit=limit, since=since)
    if author.id != reader.id:
        detail = {"sessions": len(sessions)}
        audit.record(store, "read_other", reader.name, author.name, detail, sessions)
    if status:
        sessions = [s for s in sessions if s.status == status]
    return sessions


def opened(store: Store, reader: Person, author: Person) -> None:
    """`reader` opens one of `author`'s sessions: allowed for the author and their
    supervisors; a supervisor's reading is audited (`read_other`, view `session`)."""
    require_sessions(reader)
    store.require_reader(reader, author)
    if reader.id != author.id:
        audit.record(store, "read_other", reader.name, author.name, {"view": "session"})


def discard_draft(store: Store, person: Person, session_id: str) -> None:
    """Delete one of this person's own unfinished checklists, with its audit entry.

    Only the author can, and only while it is unfinished; the audit says which session and
    never what it held.
    """
    store.sessions.discard(person.id, session_id)
    audit.record(store, "session_discarded", person.name, None, {"session": session_id})


def json_view(store: Store, session: Session, author_name: str) -> dict:
    """The session as `sessions list --json` gives it: each answer says whether its item is
    still shown (`shown`). When the checklist wording it was answered with is missing, every
    answer counts as shown, as the summaries count them."""
    try:
        shown = {item.id for item in session.visible_items(store.checklist_for(session))}
    except StoreError:
        shown = None
    return session.json_view(author_name, shown)


def summary(store: Store, session: Session, checklist: Checklist) -> SessionSummary:
    """One session's counts, and why things were not done, by reason level (the words of the
    checklist it was answered with)."""
    return summarise_session(session, checklist, store.library)


def vouch_old_records(store: Store, person: Person) -> int | None:
    """At the first admin sign-in after the upgrade to signed sessions: seal what is still in
    clear and sign a manifest of every session record from before signing, audited
    (`sessions_vouched`, with how many). Made once: not again when the audit trail says it was
    made, even if the manifest is gone. None when nothing was done."""
    from store import session_manifest

    if not (person.has("admin") and person.active and person.private_key is not None):
        return None

    def made_before() -> bool:
        return any(e.get("event") == session_manifest.EVENT for e in store.audit.entries())

    if not session_manifest.needed(store.data_dir, made_before):
        return None
    count = store.sessions.vouch_old_records(person)
    audit.record(store, session_manifest.EVENT, person.name, None, {"records": count}, count)
    return count
