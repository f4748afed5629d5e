"""The signed directory of people, as the services use it (docs/signed-directory.md): what
happens after someone signs in, and what admins are shown.

After a sign-in: in an old store whose people nobody has signed yet, the first admin to sign in
signs the directory as it stands (audited `directory_signed`); the store's root is pinned on
this machine when nothing was pinned for it yet; and whatever `people.json` says about the
person that no admin's signed change backs is said to them (the store's notices, which the app
and the command line show), e.g. "Eve Mallory is listed as your supervisor without an admin's
signed change: nothing was shared".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.directory import show_fingerprint, unbacked

from . import audit

if TYPE_CHECKING:
    from store import Person, Store

__all__ = [
    "after_sign_in",
    "confirm_supervisor",
    "is_named",
    "root_fingerprint",
    "unbacked_about",
    "waiting_supervisors",
]


def after_sign_in(store: Store, person: Person) -> list[str]:
    """Sign an old store's directory (an admin's first sign-in), pin the root, and return (and
    add to the store's notices) what the file says about `person` without a signed change."""
    if person.has("admin") and person.active:
        signed = store.people.sign_directory(person)
        if signed:
            audit.record(store, "directory_signed", person.name, None, {"people": signed})
    rows, directory = store.people.read_directory()
    if not directory.signed:
        return []
    store.people.keeper.pin(directory.root)
    said = unbacked_about(store, person)
    for line in said:
        if line not in store.notices:
            store.notices.append(line)
    return said


def unbacked_about(store: Store, person: Person) -> list[str]:
    """What people.json says about `person` that no admin's signed change backs ("…your…")."""
    rows, directory = store.people.read_directory()
    if not directory.signed:
        return []
    return unbacked(rows, directory, about=person.id)


def root_fingerprint(store: Store) -> str:
    """The store's root as an admin reads it out ("3f2a 9c1b 77de 0a45"), or "not signed
    yet" for an old store nobody has signed."""
    _, directory = store.people.read_directory()
    return show_fingerprint(directory.root)


def waiting_supervisors(store: Store, person: Person) -> list[dict]:
    """Supervisors an admin added for `person` since they joined, not yet confirmed by them:
    nothing of theirs is shared with such a supervisor until they say yes, once. Each as
    {"id", "name", "by", "on", "question"}, the question in the words both front ends ask."""
    by_id = {p.id: p for p in store.people.all()}
    _, directory = store.people.read_directory()
    out = []
    for sid, by, at in store.people.waiting_supervisors(person):
        name, admin = directory.name(sid), directory.name(by)
        on = _day(at)
        out.append(
            {
                "id": sid,
                "name": name,
                "by": admin,
                "on": on,
                "question": f"Share your sessions with {name}, added by {admin} on {on}?",
                "active": sid in by_id and by_id[sid].active,
            }
        )
    return out


def is_named(waiting: dict, names: list[str]) -> bool:
    """Whether the person named this supervisor (`--confirm-supervisor NAME`), as names are
    matched everywhere: without regard to case or spaces."""
    from store.people import name_key

    return name_key(waiting["name"]) in {name_key(n) for n in names}


def confirm_supervisor(store: Store, person: Person, waiting: dict) -> None:
    """`person` says yes to sharing with a supervisor an admin added (`waiting_supervisors`),
    signed with their key and audited (`supervisor_confirmed`); their next re-share (at once,
    after signing in) shares their sessions with them."""
    store.people.confirm_supervisor(person, waiting["id"])
    audit.record(store, "supervisor_confirmed", person.name, waiting["name"])


def _day(stamp: str) -> str:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return "an unknown day"
    return f"{moment.day} {moment:%b}"
