"""Signing in and the people in a store: who may add or change them, and the audit entry for
each, so the app and the command line record exactly the same trail.

The store checks passphrases, counts wrong ones and writes the people file; every entry in the
audit trail about signing in or about people is written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from store.errors import InvalidInput, PermissionDenied, SignInError, StoreError
from store.lockout import LockedOut

from . import audit, directory, report_key, service_parts

if TYPE_CHECKING:
    from store import Person, Store

__all__ = [
    "add_person",
    "change_passphrase",
    "lift_lockout",
    "locked_out",
    "reactivate",
    "require_admin_to_add",
    "reset_passphrase",
    "reset_consequences",
    "reshare",
    "set_up_first",
    "sign_in",
    "update_person",
]


def sign_in(store: Store, name: str, passphrase: str, via: str = "app") -> Person:
    """The person, with their private key, or `SignInError` (`LockedOut` after too many wrong
    passphrases). A wrong try is recorded even though it raises (`sign_in_failed`, then
    `locked_out` when it was the last one allowed). A try while the name is locked out, or one
    the store could not count, is refused before any check and recorded as `sign_in_refused`.
    Every front end signs in here, the command line's `users passphrase` too."""
    try:
        person = store.sign_in(name, passphrase)
    except SignInError as exc:
        if getattr(exc, "refused", False):
            _refused(store, exc, via)
            raise
        attempt = exc.attempt
        if attempt is not None:
            audit.record(store, "sign_in_failed", None, attempt.subject, {"via": via})
            if attempt.until is not None:
                until = {"until": attempt.until.isoformat()}
                audit.record(store, "locked_out", None, attempt.subject, until)
        raise
    audit.record(store, "sign_in", person.name, None, {"via": via}, person)
    directory.after_sign_in(store, person)  # the signed directory: services/directory.py
    told = reset_told(store, person)
    if told and told not in store.notices:
        store.notices.append(told)
    return person


def reset_told(store: Store, person: Person) -> str | None:
    """What a person is told at their first sign-in after an admin reset their passphrase:
    who did it and when, so a reset made to read their sessions (through a supervisor's
    re-share) does not pass unseen. Looks back only to their previous sign-in."""
    from contextlib import closing

    from reports.text import format_datetime

    seen_this_one = False
    try:
        with closing(store.audit.newest_first()) as entries:
            for entry in entries:
                event = entry.get("event")
                if event == "sign_in" and entry.get("actor") == person.name:
                    if seen_this_one:
                        return None  # their previous sign-in: nothing since
                    seen_this_one = True
                elif event == "passphrase_reset" and entry.get("subject") == person.name:
                    return (
                        f"{entry.get('actor') or 'An admin'} reset your passphrase on "
                        f"{format_datetime(entry.get('at'))}. If you did not ask for this, "
                        "please tell your service lead."
                    )
    except StoreError:
        return None  # an unreadable trail is reported by `audit verify`, not here
    return None


def _refused(store: Store, exc: SignInError, via: str) -> None:
    """Record a try turned away unchecked. When even that cannot be written (a full disk),
    the refusal itself still stands and is what the person is told."""
    detail = {"via": via, "why": "locked_out" if isinstance(exc, LockedOut) else "not_counted"}
    try:
        audit.record(store, "sign_in_refused", None, getattr(exc, "subject", None), detail)
    except StoreError:
        pass


def lift_lockout(store: Store, acting: Person, name: str) -> tuple[Person, bool]:
    """An admin lifts someone's lockout (and forgets their wrong tries), so they can sign in
    again now; recorded as `lockout_lifted`. False, and nothing recorded, when there was none."""
    _require_admin(acting)
    person = store.people.require(name)
    lifted = store.lockouts.lift(person.name)
    if lifted:
        audit.record(store, "lockout_lifted", acting.name, person.name, None, (person, lifted))
    return person, lifted


def locked_out(store: Store, names: Sequence[str]) -> set[str]:
    """Which of these people are locked out now (for the People screen)."""
    return store.lockouts.locked_now(list(names))


def reshare(store: Store, person: Person) -> int:
    """Share what this person can open with everyone who may read it now (a supervisor assigned
    since, a colleague whose keys were reset); returns how many records changed, recorded
    (`reshare`) only when some did."""
    from . import sessions  # the first admin sign-in after the upgrade vouches for old records

    sessions.vouch_old_records(store, person)
    changed = store.reshare_all(person)
    if changed:
        audit.record(store, "reshare", person.name, None, {"records": changed}, changed)
    service_parts.catch_up(store, person)  # older sessions gain their report part
    return changed


def set_up_first(store: Store, name: str, passphrase: str, again: str | None = None) -> Person:
    """The first account in an empty store (the welcome form): an admin and a practitioner,
    signed straight in. Added by nobody, so the store refuses it once anyone is there."""
    person = store.people.create_first(name, passphrase, again=again)
    return _added(store, None, person)


def require_admin_to_add(acting: Person) -> None:
    """Checked before a front end asks for the new person's passphrase, and again on adding."""
    if not acting.has("admin"):
        raise PermissionDenied("only an admin can add people")


def add_person(
    store: Store,
    acting: Person | None,
    name: str,
    roles: Sequence[str],
    passphrase: str,
    supervisors: Sequence[str] = (),
    again: str | None = None,
) -> Person:
    """An admin adds a colleague (`acting` is None only for the first person in an empty
    store, which the store itself makes sure of under its lock). The first person is always
    an admin as well as what was asked for, so a new store is never left with nobody able to
    add or change people."""
    if acting is not None:
        require_admin_to_add(acting)
    else:
        roles = list(dict.fromkeys(["admin", *roles]))
    person = store.people.add(
        name, list(roles), passphrase, supervisors=supervisors, acting=acting, again=again
    )
    _added(store, acting, person)
    if acting is not None and person.has("lead"):
        report_key.made_for_first_lead(store, acting)
    return person


def _added(store: Store, acting: Person | None, person: Person) -> Person:
    actor = acting.name if acting else None
    detail = {"roles": ",".join(person.roles)}
    audit.record(store, "person_added", actor, person.name, detail, person)
    return person


def _require_admin(acting: Person) -> None:
    if acting is None or not acting.has("admin") or not acting.active:
        raise PermissionDenied("Only an admin can change people's accounts.")


def update_person(
    store: Store, acting: Person, name: str, **wanted: Sequence[str] | bool
) -> tuple[Person, list[str]]:
    """An admin changes someone's roles, supervisors or switches their account off (`wanted`:
    the keywords of `PeopleStore.update`); returns the person and what changed
    (`role_added:supervisor`, …), one audit entry for each."""
    _require_admin(acting)
    person, changes = store.people.update(acting, name, **wanted)
    for change in changes:
        event, _, value = change.partition(":")
        detail = {"value": value} if value else None
        audit.record(store, event, acting.name, person.name, detail, (person, changes))
    if "role_added:lead" in changes:
        report_key.made_for_first_lead(store, acting)
    return person, changes


def reactivate(store: Store, acting: Person, name: str) -> tuple[Person, list[str]]:
    """An admin switches an account back on (`person_reactivated`; nothing when it was on)."""
    return update_person(store, acting, name, reactivate=True)


def reset_consequences(store: Store, name: str) -> tuple[str, bool]:
    """What an admin is told before resetting someone's passphrase: what the person loses and
    until when, and whether anyone can share their past records back (False: nobody can)."""
    person = store.people.require(name)
    by_id = {p.id: p for p in store.people.all()}
    sharers = [
        by_id[s].name
        for s in person.supervisors
        if s in by_id and by_id[s].active and by_id[s].public is not None
    ]
    lost = (
        f"{person.name} gets new keys, so they cannot open their past sessions and "
        "supervision records with the new passphrase"
    )
    report = _report_key_lost(store, person)
    if sharers:
        text = (
            f"{lost} until {' or '.join(sharers)} next signs in and shares them back. "
            "What they signed still checks, and new sessions are not affected."
        )
        return (f"{report} {text}", False) if report else (text, True)
    text = (
        f"{lost}, and nobody can share them back: they have no supervisor who can open them. "
        "Those records stay closed to them for good. What they signed still checks, and new "
        "sessions are not affected."
    )
    return (f"{report} {text}" if report else text, False)


def _report_key_lost(store: Store, person: Person) -> str:
    """ " ..." when resetting `person` loses the service report key for good: they are the only
    lead who holds it (the directory accepts one report key, ever, so it cannot be made
    again); "" otherwise."""
    from store.report_key import ReportKeys

    holders = ReportKeys(store.people).holders()
    if holders != [person.id]:
        return ""
    return (
        f"{person.name} is the only service lead who holds the service report key: after this "
        "reset nobody can read the service's figures again, past or future, and the key cannot "
        f"be made again. Add another service lead first: {person.name} is asked to share the "
        "key with them at their next sign-in."
    )


def reset_passphrase(
    store: Store,
    acting: Person,
    name: str,
    new: str,
    again: str | None = None,
    lose_report_key: bool = False,
) -> Person:
    """An admin gives someone a new passphrase (and new keys: see `PeopleStore`); `again`, the
    second typing, when it was asked for twice. `reset_consequences` says what it costs them.
    Refused when it would lose the service report key for good, unless the admin has been
    told so and goes on (`lose_report_key`)."""
    _require_admin(acting)
    target = store.people.find(name)
    if target is not None and not lose_report_key and _report_key_lost(store, target):
        raise InvalidInput(
            f"{target.name} is the only service lead who holds the service report key: a reset "
            "now would leave nobody able to read the service's figures. Add another service "
            f"lead and let {target.name} share the key first, or reset with --lose-report-key."
        )
    person = store.people.reset_passphrase(acting, name, new, again)
    audit.record(store, "passphrase_reset", acting.name, person.name, None, person)
    return person


def change_passphrase(
    store: Store, name: str, old: str, new: str, again: str | None = None, via: str = "cli"
) -> Person:
    """A person changes their own passphrase, knowing the old one. Checking the old one is a
    sign-in (`sign_in`): refused while the name is locked out, a wrong one counted and
    recorded, and a name nobody has answered exactly like a wrong passphrase."""
    person = sign_in(store, name, old, via)
    store.people.change_passphrase(person, old, new, again)
    audit.record(store, "passphrase_changed", person.name, person.name, None, person)
    return person
