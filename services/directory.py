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

__all__ = ["after_sign_in", "root_fingerprint", "unbacked_about"]


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
