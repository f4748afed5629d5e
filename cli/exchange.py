"""`stepping-stones export` and `stepping-stones import`: records between machines as a bundle.

An outreach laptop has no network; its sessions reach the clinic store as one bundle file
carried across (and a new laptop is set up from the clinic the same way). The bundle keeps
every record sealed for its readers, so a lost USB stick reveals nothing and needs no extra
password. The work itself is in `services.exchange` and its words in `reports.transfer`; the
app's Export and Import screens call the same functions.
"""

from __future__ import annotations

import argparse
import sys

from .common import (
    PROG,
    acting_flags,
    ask_yes,
    json_flag,
    on_terminal,
    open_store,
    out,
    read_passphrase,
    sign_in_cli,
    wrote,
)

EXPORT_HELP = (
    "Write one bundle file of sessions, supervision comments and supervision records, for "
    "another Stepping Stones store. Everything stays sealed for the people who may read it "
    "(the author and their supervisors): the bundle needs no extra password, and a lost copy "
    "reveals no answers, notes or reflections. It also carries the people needed to read the "
    "records (with their passphrase-protected keys, exactly as this store holds them, so they "
    "sign in there with the same passphrase), the checklist wordings used, and a SHA-256 "
    "manifest so that damage is caught on import. By default: your own records. With --of: "
    "a supervisee's (as their supervisor) or anyone's (as an admin, to move data between "
    "machines; it stays sealed, so an admin reads nothing). The export is in the audit trail. "
    "Exit status 1 if a record could not be exported (it is named; the rest are in the file)."
)

IMPORT_HELP = (
    "Merge a bundle into this store. The whole bundle is checked first: one cut short, "
    "altered or not a bundle is refused and the store is left exactly as it was. Then: new "
    "records are added; a record already here unchanged is skipped; a newer revision replaces "
    "the copy here, which is kept in history; an older one is skipped; two different changes "
    "of one record are a conflict (this store keeps its copy, the incoming one is kept beside "
    "it in conflicts.json). A record that cannot be used here is set aside in "
    "<data dir>/quarantine/ and named, and the rest carry on. Importing the same bundle again "
    "changes nothing. Into a store with people, --user signs in to it and must be its admin "
    "or one of the bundle's people; anyone but an admin imports only their own and their "
    "supervisees' records, only an admin adds new people, and nobody arrives as an admin. "
    "Into an empty store, --user must be one of the bundle's people (their passphrase is "
    "checked against the bundle) and is an ordinary account here afterwards. "
    "Exit status: 0 when everything could be merged; 1 when anything was in conflict, set "
    "aside or left out (the report says what; whatever could be merged was), or on an error."
)


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    export = commands.add_parser(
        "export",
        parents=[common],
        help="write a sealed bundle of records for another store (a laptop, the clinic)",
        description=EXPORT_HELP,
    )
    acting_flags(export)
    export.add_argument(
        "--out",
        metavar="FILE",
        required=True,
        help="the bundle file to write (outside the store folder; an existing FILE is "
        "replaced); it is readable only by you",
    )
    export.add_argument(
        "--of",
        metavar="NAME",
        help="a supervisee's records (their supervisor) or anyone's (an admin) instead of yours",
    )
    export.add_argument(
        "--since",
        metavar="DATE",
        help="only records changed on or after DATE (YYYY-MM-DD)",
    )
    json_flag(export)

    imp = commands.add_parser(
        "import",
        parents=[common],
        help="merge a bundle from another store into this one (--dry-run to check first)",
        description=IMPORT_HELP,
    )
    imp.add_argument("file", metavar="FILE", help="the bundle file")
    acting_flags(imp)
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="say what importing would do and change nothing; only your sign-in is recorded "
        "in the audit trail, as every sign-in is",
    )
    imp.add_argument(
        "--root-fingerprint",
        metavar="FINGERPRINT",
        help="into an empty store: the fingerprint of the root of the store the bundle was "
        "made in, as an admin there reads it out (People screen or `users list`); without it "
        "you are asked on a terminal",
    )
    json_flag(imp)


def cmd_export(args: argparse.Namespace) -> int:
    from reports.transfer import export_lines
    from services import people as people_use
    from services.exchange import export_bundle

    store = open_store(args)
    person = sign_in_cli(store, args)
    people_use.reshare(store, person)  # what travels is shared with everyone who may read it now
    of = store.people.require(args.of) if args.of else None
    result = export_bundle(store, person, args.out, of=of, since=args.since)
    out(args, result, "\n".join(export_lines(result)))
    if result["left_out"]:
        sys.stderr.write(
            f"{PROG}: {len(result['left_out'])} record(s) could not be exported and were left "
            "out (see above)\n"
        )
        return 1
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from reports.transfer import report_lines
    from services.exchange import import_bundle, read_bundle

    bundle = read_bundle(args.file)  # checked whole before the store is even opened
    passphrase = read_passphrase(args.passphrase_file)
    # Importing may set up a new store from a bundle (an empty laptop), as adding its first
    # person may; a dry run only reads, so it never makes a folder.
    store = open_store(args, may_create=not args.dry_run)
    root = args.root_fingerprint
    if root is None and not args.dry_run and on_terminal():
        root = _ask_root(store, bundle)
    report = import_bundle(store, bundle, args.user, passphrase, dry_run=args.dry_run, root=root)
    if not args.dry_run:
        wrote(store.data_dir)
    out(args, report, "\n".join(report_lines(report)))
    trouble = _trouble(report)
    if trouble:
        sys.stderr.write(f"{PROG}: {trouble}: see the report\n")
        return 1
    return 0


def _trouble(report: dict) -> str:
    parts = []
    for key, words in (
        ("conflicts", "in conflict"),
        ("quarantined", "set aside"),
        ("people_conflicts", "people not added"),
    ):
        if report[key]:
            parts.append(f"{len(report[key])} {words}")
    return ", ".join(parts)


COMMANDS = {"export": cmd_export, "import": cmd_import}


def _ask_root(store, bundle) -> str | None:
    """Into an empty store, from a signed one: show the root's fingerprint and ask the person
    to compare it with what an admin of that store reads out."""
    from services.exchange import bundle_fingerprint, target_is_empty

    shown = bundle_fingerprint(bundle)
    if shown is None or not target_is_empty(store):
        return None
    sys.stderr.write(
        f"This bundle comes from a store whose fingerprint is {shown}.\n"
        "Ask an admin of that store to read theirs out (People screen, or `users list`).\n"
    )
    return shown if ask_yes("Is it the same?") else None
