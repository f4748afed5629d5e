"""Signing in from a bundle: into an empty store, the bundle maker's own sign-in that the
bundle carries is what their passphrase is checked against. (Into a store with people, the
importer signs in to it as anywhere else; who may import is `services.exchange`'s rule.)"""

from __future__ import annotations

from store.crypto import SealError, unwrap_private_key
from store.errors import SignInError
from store.passwords import burn_time, check_passphrase
from store.people import Person, name_key

from .reading import Bundle


def sign_in_from_bundle(bundle: Bundle, name: str, passphrase: str) -> Person:
    """Into an empty store: check the passphrase against the person's record in the bundle
    (the same check the store makes at sign-in, and the same words for a wrong name)."""
    wrong = SignInError(
        "That name and passphrase do not match anyone in this bundle. This store is empty, "
        "so the first import must be by the person who made the bundle."
    )
    record = next((p for p in bundle.people if name_key(p["name"]) == name_key(name)), None)
    if record is None:
        burn_time(passphrase)
        raise wrong
    if not record.get("passphrase"):
        burn_time(passphrase)
        raise SignInError(
            f"Only the person who made this bundle ({bundle.created_by}) can import it into an "
            "empty store: it carries their sign-in, and only public parts for everyone else."
        )
    kek = check_passphrase(passphrase, record.get("passphrase") or {})
    if kek is None:
        raise wrong
    if not record.get("active", True):
        raise SignInError("This account has been switched off. Please ask an admin.")
    person = Person.from_record(record)
    try:
        person.private_key = unwrap_private_key(record.get("keys") or {}, kek, person.id)
    except SealError:
        raise SignInError(
            f"{person.name}'s account in this bundle has no usable keys yet: sign in once on "
            "the machine it came from, then export again."
        ) from None
    return person
