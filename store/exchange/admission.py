"""Signing in from a bundle: into an empty store, the bundle maker's own sign-in that the
bundle carries is what their passphrase is checked against. (Into a store with people, the
importer signs in to it as anywhere else; who may import is `services.exchange`'s rule.)"""

from __future__ import annotations

from store.crypto import SealError, unwrap_private_key
from store.directory import replay, show_fingerprint
from store.errors import InvalidInput, SignInError
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
    if not record.get("passphrase") or record is not bundle.maker:
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


class RootNotConfirmed(InvalidInput):
    """Into an empty store, a bundle from a signed store: its root is pinned here only once
    the person has confirmed the fingerprint an admin of that store reads out."""


def _digits(text: str) -> str:
    return "".join(text.split()).casefold()


def bundle_root(bundle: Bundle) -> str | None:
    """The root of the store the bundle was made in (None: an old store, nobody signed it);
    BundleError when it carries changes that do not start from a valid root."""
    from .bundle_file import BundleError

    if not bundle.directory:
        return None
    directory = replay(bundle.directory)
    if directory.root is None:
        raise BundleError(
            f"{bundle.path}: its signed directory of people does not start from a valid root, "
            "so it cannot be trusted and nothing was imported."
        )
    return directory.root


def confirm_root(bundle: Bundle, confirmed: str | None) -> str | None:
    """The bundle's root, once `confirmed` (the fingerprint the person was read out) matches
    it; RootNotConfirmed, saying the fingerprint to check, otherwise."""
    root = bundle_root(bundle)
    if root is None:
        return None
    shown = show_fingerprint(root)
    if confirmed is None or _digits(confirmed) != _digits(shown):
        said = "" if confirmed is None else f"The fingerprint given ({confirmed}) does not match. "
        raise RootNotConfirmed(
            f"{said}This bundle comes from a store whose fingerprint is {shown}. Ask an admin "
            "of that store to read theirs out (People screen, or `users list`); only if it is "
            f"the same, import again confirming it (--root-fingerprint '{shown}'). Nothing was "
            "imported."
        )
    return root
