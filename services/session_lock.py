"""The app's screen lock and signing out: each leaves its audit entry."""

from __future__ import annotations

from store import Person, Store

from . import audit


def lock(store: Store, person: Person, idle: bool) -> None:
    """The screen locks: by the person's own key (`screen_lock`) or after idling (`idle_lock`)."""
    audit.record(store, "idle_lock" if idle else "screen_lock", person.name)


def unlock(store: Store, person: Person) -> None:
    """The same person unlocked the screen (their passphrase was checked by signing in)."""
    audit.record(store, "unlock", person.name)


def sign_out(store: Store, person: Person) -> None:
    audit.record(store, "sign_out", person.name)
