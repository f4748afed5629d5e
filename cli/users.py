"""`users`: add, list and change the people in a store (the permission checks and audit
entries are `services.people`'s)."""

from __future__ import annotations

import argparse

from store import ROLES

from .common import (
    CommandError,
    acting_flags,
    json_flag,
    open_store,
    out,
    read_new_passphrase,
    read_passphrase,
    sign_in_cli,
    wrote,
)


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    users = commands.add_parser("users", parents=[common], help="add and list staff accounts")
    sub = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser(
        "add",
        parents=[common],
        help="add a person (on an empty store no sign-in is needed; otherwise an admin's)",
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "--role",
        action="append",
        choices=ROLES,
        required=True,
        help="a role; repeat for several",
    )
    add.add_argument(
        "--supervisor",
        action="append",
        default=[],
        metavar="NAME",
        help="their supervisor; repeat for several",
    )
    add.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help="read the new person's passphrase from FILE (else you are asked)",
    )
    acting_flags(add, required=False)
    json_flag(add)
    ulist = sub.add_parser(
        "list", parents=[common], help="everyone, with roles and supervisors (needs a sign-in)"
    )
    acting_flags(ulist)
    json_flag(ulist)
    update = sub.add_parser(
        "update", parents=[common], help="change someone's roles or supervisors (admin)"
    )
    update.add_argument("name", metavar="NAME")
    update.add_argument("--add-role", action="append", default=[], choices=ROLES, metavar="R")
    update.add_argument("--remove-role", action="append", default=[], choices=ROLES, metavar="R")
    update.add_argument(
        "--supervisor",
        action="append",
        default=[],
        metavar="NAME",
        help="add a supervisor; repeat for several",
    )
    update.add_argument("--remove-supervisor", action="append", default=[], metavar="NAME")
    update.add_argument("--deactivate", action="store_true", help="switch the account off")
    acting_flags(update)
    json_flag(update)
    reset = _on_someone(
        sub,
        common,
        "reset-passphrase",
        "give someone a new passphrase (admin), asked twice without echo; says what "
        "they lose until their supervisor's next sign-in shares their sessions back",
    )
    reset.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help="read the new passphrase from FILE (else you are asked twice, without echo)",
    )
    reset.add_argument(
        "--lose-report-key",
        action="store_true",
        help="reset even when they are the only service lead who holds the service report "
        "key, so that nobody can read the service's figures again (refused without this)",
    )
    _on_someone(sub, common, "reactivate", "switch a switched-off account back on (admin)")
    _on_someone(
        sub,
        common,
        "unlock",
        "lift someone's lockout after too many wrong passphrases, so they can sign in again "
        "now (admin)",
    )
    own = sub.add_parser("passphrase", parents=[common], help="change your own passphrase")
    acting_flags(own)
    own.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help="read the new passphrase from FILE (else you are asked twice)",
    )
    json_flag(own)


def _on_someone(sub, common: argparse.ArgumentParser, action: str, text: str):
    """An admin's action on one person: NAME, the acting admin's flags and --json."""
    parser = sub.add_parser(action, parents=[common], help=text)
    parser.add_argument("name", metavar="NAME")
    acting_flags(parser)
    json_flag(parser)
    return parser


def cmd_users(args: argparse.Namespace) -> int:
    from checklists.loader import Library
    from services import people as people_use

    # Only adding may set up a new store (its first person); everything else needs one there.
    store = open_store(args, library=Library(), may_create=args.action == "add")
    if args.action == "list":
        sign_in_cli(store, args)  # who works here is for colleagues only
        people = store.people.all()
        by_id = {p.id: p for p in people}
        rows = [store.people.public_view(p, by_id) for p in people]
        out(
            args,
            rows,
            "\n".join(
                f"{r['name']}  ({', '.join(r['roles'])})"
                + (f"  supervised by {', '.join(r['supervisors'])}" if r["supervisors"] else "")
                + ("" if r["active"] else "  [switched off]")
                for r in rows
            )
            or "Nobody yet.",
        )
        if not args.json and people:
            from services.directory import root_fingerprint

            print(f"This store's fingerprint: {root_fingerprint(store)}")
        return 0
    if args.action == "update":
        acting = sign_in_cli(store, args)
        person, changes = people_use.update_person(
            store,
            acting,
            args.name,
            add_roles=args.add_role,
            remove_roles=args.remove_role,
            add_supervisors=args.supervisor,
            remove_supervisors=args.remove_supervisor,
            deactivate=args.deactivate,
        )
        said = f"Updated {person.name}: " + (", ".join(changes) or "nothing to change") + "."
        return _person_changed(args, store, person, changes, said)
    if args.action == "reactivate":
        acting = sign_in_cli(store, args)
        person, changes = people_use.reactivate(store, acting, args.name)
        said = (
            f"{person.name} can sign in again."
            if changes
            else f"{person.name}'s account was already on: nothing to change."
        )
        return _person_changed(args, store, person, changes, said)
    if args.action == "reset-passphrase":
        acting = sign_in_cli(store, args)
        consequences, _ = people_use.reset_consequences(store, args.name)
        new, again = read_new_passphrase(args.new_passphrase_file, args.name)
        person = people_use.reset_passphrase(
            store, acting, args.name, new, again=again, lose_report_key=args.lose_report_key
        )
        wrote(store.data_dir)
        out(
            args,
            {**store.people.public_view(person), "consequences": consequences},
            f"{person.name} has a new passphrase. {consequences}",
        )
        return 0
    if args.action == "passphrase":
        old = read_passphrase(args.passphrase_file, prompt="Current passphrase: ")
        if args.new_passphrase_file:
            new, again = read_passphrase(args.new_passphrase_file), None
        else:
            new = read_passphrase(None, prompt="New passphrase: ")
            again = read_passphrase(None, prompt="Again: ")
        person = people_use.change_passphrase(store, args.user, old, new, again)
        wrote(store.data_dir)
        out(args, {"name": person.name, "changed": True}, "Your passphrase has been changed.")
        return 0
    if args.action == "unlock":
        acting = sign_in_cli(store, args)
        person, lifted = people_use.lift_lockout(store, acting, args.name)
        name = person.name
        if lifted:
            wrote(store.data_dir)
        said = (
            f"Lifted the lockout for {name}: they can sign in again now."
            if lifted
            else f"{name} was not locked out and had no wrong passphrases counted: nothing to lift."
        )
        out(args, {"name": name, "lifted": lifted}, said)
        return 0
    # add
    acting = None
    if not store.people.is_empty():
        if not args.user:
            raise CommandError(
                "adding someone needs an admin: give --user NAME --passphrase-file FILE"
            )
        acting = sign_in_cli(store, args)
        people_use.require_admin_to_add(acting)
    passphrase, again = read_new_passphrase(args.new_passphrase_file, args.name)
    person = people_use.add_person(
        store, acting, args.name, args.role, passphrase, args.supervisor, again=again
    )
    wrote(store.data_dir)
    first = " The first person in a store is always an admin." if acting is None else ""
    out(
        args,
        store.people.public_view(person),
        f"Added {person.name} ({', '.join(person.roles)}).{first}",
    )
    return 0


def _person_changed(args, store, person, changes: list[str], said: str) -> int:
    """`users update` and `users reactivate`: the person, what changed, and where it was written."""
    if changes:
        wrote(store.data_dir)
    out(args, {**store.people.public_view(person), "changes": changes}, said)
    return 0


COMMANDS = {"users": cmd_users}
