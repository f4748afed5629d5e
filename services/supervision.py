"""Reflective supervision: comments on sessions, supervision records, agreed actions, reading
a supervisee's supervision notes.

Only the practitioner's supervisor writes a comment or a record; either of the two may tick
an agreed action; only the practitioner marks comments seen. Every free text passes the one
identifier guard (`services.guard`), and every change leaves its audit entry, never content.
"""

from __future__ import annotations

from checklists.identifiers import Finding
from store import Person, Store
from store.errors import NotFound, PermissionDenied, StoreError
from store.supervision import Comment, SupervisionRecord

from . import audit, guard, service_parts, sessions

# What each free text is called in the guard's messages (the same in the app and the CLI).
NOUNS = {
    "comment": "comment",
    "notes": "note",
    "present": "list of who was there",
    "action": "action",
}


def require_supervisor(store: Store, person: Person, author: Person, what: str) -> None:
    if person.id not in author.supervisors:
        raise PermissionDenied(
            f"Only {author.name}'s supervisor can {what}; you are not their supervisor."
        )


def require_reader(store: Store, person: Person, author: Person) -> None:
    sessions.require_sessions(person)
    if not store.may_read(person, author):
        raise PermissionDenied(
            "You can only read supervision of your own work or your supervisees'."
        )


def check_text(text: str, field: str) -> list[Finding]:
    """The warnings the person must confirm before `text` is kept (empty: none); raises
    `IdentifierRefused` when it holds something that may never be written."""
    return guard.warnings_in(text, NOUNS[field], field)


def guard_text(text: str, field: str, confirmed: bool = False) -> None:
    """The whole policy for one text: refused findings raise `IdentifierRefused`; warnings
    raise `NeedsConfirmation` unless the person has confirmed them."""
    guard.check(text, NOUNS[field], field, confirmed)


def session_author(store: Store, person: Person, session_id: str) -> Person:
    """The author of the session with this id, among the sessions `person` may read."""
    for author in store.readable_authors(person):
        if store.sessions.holds(author.id, session_id):
            return author
    raise NotFound(f"there is no session {session_id} that you may read")


def add_comment(
    store: Store,
    person: Person,
    author: Person,
    session_id: str,
    text: str,
    confirmed: bool = False,
) -> Comment:
    """A supervisor's comment on one of their supervisee's sessions (`comment_added`)."""
    require_supervisor(store, person, author, "comment on their sessions")
    guard.check(text, NOUNS["comment"], "comment", confirmed)
    comment = store.supervision.add_comment(person, author.id, session_id, text)
    audit.record(
        store, "comment_added", person.name, author.name, {"session": comment.session_id}, comment
    )
    return comment


def add_record(
    store: Store,
    person: Person,
    of: Person,
    notes: str,
    *,
    when: str | None = None,
    present: list[str] | None = None,
    sessions: list[str] | None = None,
    actions: list[dict] | None = None,
    confirmed: bool = False,
) -> SupervisionRecord:
    """What a supervision meeting with `of` agreed (`supervision_record_added`)."""
    require_supervisor(store, person, of, "write their supervision record")
    actions = list(actions or [])
    guard.check(notes, NOUNS["notes"], "notes", confirmed)
    guard.check(", ".join(present or []), NOUNS["present"], "present", confirmed)
    for index, action in enumerate(actions, start=1):
        guard.check(action.get("text", ""), NOUNS["action"], f"action-{index}", confirmed)
    for session_id in sessions or []:
        if not store.sessions.holds(of.id, session_id):
            raise NotFound(f"{of.name} has no session {session_id}")
    record = store.supervision.add_record(
        person, of, notes, when=when, present=present, sessions=sessions, actions=actions
    )
    audit.record(
        store, "supervision_record_added", person.name, of.name, {"actions": len(actions)}, record
    )
    service_parts.supervision_saved(store, person, of, record)
    return record


def set_action_done(
    store: Store, person: Person, author: Person, record_id: str, action_id: str, done: bool
) -> SupervisionRecord:
    """The practitioner or their supervisor ticks an agreed action done, or not."""
    require_reader(store, person, author)
    record = store.supervision.set_action_done(person, author.id, record_id, action_id, done)
    audit.record(store, "action_updated", person.name, author.name, {"done": done}, record)
    return record


def new_comments(store: Store, person: Person) -> list[Comment]:
    """Comments from a supervisor on this person's own sessions that they have not seen yet,
    oldest first: what the app shows once after signing in, and line mode says. One that
    cannot be opened is left out (the list of sessions says what could not be read)."""
    return store.supervision.unseen_comments(person, problems=[])


def mark_comments_seen(store: Store, person: Person, comments: list[Comment]) -> None:
    """The practitioner has seen these comments on their sessions (`comments_seen`)."""
    store.supervision.mark_seen(person, comments)
    audit.record(store, "comments_seen", person.name, None, {"comments": len(comments)})


def notes_of(
    store: Store, person: Person, of: Person, problems: list[StoreError] | None = None
) -> tuple[list[SupervisionRecord], list[Comment]]:
    """Supervision records and comments about `of` that `person` may read; reading a
    supervisee's is audited (`read_other`, view `supervision`)."""
    require_reader(store, person, of)
    records = store.supervision.records(person, of.id, problems)
    comments = store.supervision.comments(person, of.id, problems)
    if of.id != person.id:
        audit.record(
            store, "read_other", person.name, of.name, {"view": "supervision"}, (records, comments)
        )
    return records, comments
