"""Moving records between machines as one sealed bundle file: exporting and importing.

A person exports their own records, a supervisor their supervisee's, and an admin anyone's
(an admin moves data between machines; the records stay sealed, so they read nothing). An
export's audit entry is written before the file, so no export goes unrecorded. Importing
signs the importer in to the target store (or, into an empty store, checks the bundle
maker's own sign-in); each person the import adds and the import itself are audited, never
a dry run. The store (`store.exchange`) gathers, checks and merges; what a transfer did in
plain words is `reports.transfer`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from store import Person, Store
from store.directory import show_fingerprint
from store.errors import PermissionDenied
from store.exchange import (
    REPORT_LISTS,
    SUFFIX,
    Bundle,
    Import,
    bundle_root,
    confirm_root,
    default_bundle_name,
    open_target,
    parse_day,
    prepare_export,
    read_bundle,
    sign_in_from_bundle,
)
from store.exchange.bundle_file import Progress
from store.paths import check_out_path
from store.people import name_key

from . import audit, people

# What the front ends need besides the two use cases: the bundle's file name and suffix, the
# one reading of a --since day, and checking a bundle whole before anything else happens.
__all__ = [
    "SUFFIX",
    "bundle_fingerprint",
    "target_is_empty",
    "default_bundle_name",
    "export_bundle",
    "import_bundle",
    "parse_day",
    "read_bundle",
]


def export_bundle(
    store: Store,
    reader: Person,
    out_path: str | Path,
    of: Person | None = None,
    since: str | date | None = None,
    progress: Progress | None = None,
) -> dict:
    """Write one bundle of `of`'s records (default: the reader's own); returns what went in
    (`reports.transfer.export_lines` says it in words)."""
    # A wrong path or date is said before a permission problem, as it always was.
    out_path = check_out_path(store.data_dir, Path(out_path))
    day = parse_day(since)
    author = _export_subject(store, reader, of)
    pending = prepare_export(store, reader, author, out_path, day, progress)
    result = pending.result
    audit.record_first(
        store,
        "export",
        reader.name,
        author.name if author.id != reader.id else None,
        {
            "format": "bundle",
            **{key: result[key] for key in ("sessions", "comments", "records")},
            "people": len(result["people"]),
            "since": result["since"],
        },
    )
    return pending.write()


def _export_subject(store: Store, reader: Person, of: Person | None) -> Person:
    from .sessions import require_sessions

    require_sessions(reader)
    author = of or reader
    if author.id == reader.id or store.may_read(reader, author):
        return author
    if reader.has("admin") and reader.active:
        return author
    raise PermissionDenied(
        f"You can export your own records, or your supervisees' as their supervisor; "
        f"{author.name}'s can be exported by them, their supervisor or an admin."
    )


def import_bundle(
    target: Store | str | Path,
    bundle: Bundle | str | Path,
    name: str,
    passphrase: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    via: str = "cli",
    root: str | None = None,
) -> dict:
    """Merge a checked bundle into a store as `name`; returns the report
    (`reports.transfer.report_lines` says it in words).

    Into a store with people, `name` signs in to it and must be its admin or one of the
    bundle's people. Into an empty store, `name` must be the bundle's maker (the only person
    whose sign-in it carries), checked against it, and is an ordinary account there afterwards.
    Into an empty store, a bundle from a signed store needs `root`: the fingerprint of that
    store's root as an admin there read it out (`RootNotConfirmed` says which to check).
    With `dry_run` nothing is written except what signing in always writes (the audit entry,
    and the count of wrong passphrases).
    """
    if not isinstance(bundle, Bundle):
        bundle = read_bundle(bundle)
    store, empty = open_target(target)
    if empty:
        importer = sign_in_from_bundle(bundle, name, passphrase)
        # A store set up from a bundle trusts the root it came from only once the person has
        # confirmed its fingerprint, as an admin there reads it out (`root`).
        pinned = bundle_root(bundle) if dry_run else confirm_root(bundle, root)
    else:
        importer = _sign_in_to_import(store, bundle, name, passphrase, via)
    run = Import(store, bundle, importer, empty, dry_run, progress)
    for person in run.add_people():
        audit.record(
            store,
            "person_added",
            importer.name,
            person["name"],
            {"via": "import", "roles": ",".join(person["roles"])},
        )
    report = run.add_records()
    if empty and not dry_run and pinned:
        store.people.keeper.pin(pinned)
    if not dry_run:
        detail = {
            "format": "bundle",
            "bundle": bundle.digest[:16],
            "from": bundle.created_by,
            **{key: len(report[key]) for key in REPORT_LISTS},
        }
        audit.record(store, "import", importer.name, None, detail, report)
        # What the importer can open is shared at once with whoever may read it here (a
        # supervisor assigned on this machine), rather than at someone's next sign-in.
        report["reshared"] = people.reshare(store, importer)
    return report


def bundle_fingerprint(bundle: Bundle | str | Path) -> str | None:
    """The fingerprint of the root of the store a bundle was made in (None: an old store)."""
    if not isinstance(bundle, Bundle):
        bundle = read_bundle(bundle)
    root = bundle_root(bundle)
    return show_fingerprint(root) if root else None


def target_is_empty(target: Store | str | Path) -> bool:
    return open_target(target)[1]


def _sign_in_to_import(
    store: Store, bundle: Bundle, name: str, passphrase: str, via: str
) -> Person:
    """Into a store with people: its admin, or one of the bundle's people, may import."""
    person = people.sign_in(store, name, passphrase, via)
    if (person.has("admin") and person.active) or person.id in {p["id"] for p in bundle.people}:
        return person
    namesake = next((p for p in bundle.people if name_key(p["name"]) == name_key(name)), None)
    if namesake is not None:
        raise PermissionDenied(
            f"The {namesake['name']} in this bundle is a different account from yours here "
            "(made separately), so only an admin of this store can import it."
        )
    raise PermissionDenied(
        "You are not one of the people in this bundle, so only an admin of this store can "
        "import it."
    )
