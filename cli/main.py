"""The `stepping-stones` command: the full-screen app, and subcommands for scripts and admins.

Every subcommand exits 0 on success and non-zero with one plain line on stderr on failure,
and prints JSON with `--json`. Textual is imported only when the app itself starts, so
scripted commands stay quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from store import (
    PermissionDenied,
    StoreError,
    resolve_data_dir,
)

from . import users
from .common import (
    PROG,
    CommandError,
    Parser,
    acting_flags,
    common_options,
    existing_store_folder,
    idle_lock_seconds,
    json_flag,
    open_store,
    out,
    read_passphrase,
    read_stdin,
    report_notices,
    report_writes,
    sign_in_cli,
    wrote,
)


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = Parser(
        prog=PROG,
        parents=[common],
        description="Stepping Stones: practice checklists after a contact with a woman who "
        "uses drugs during or after pregnancy, and summaries for reflective supervision. "
        "With no command, starts the full-screen app.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--idle-lock",
        type=float,
        metavar="SECONDS",
        help="lock the screen after this long with no key or mouse activity "
        "(5 to 900; default: idle_lock_seconds in <data dir>/config.toml, never more than "
        "900, else 300)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    # checklists
    checklists = commands.add_parser(
        "checklists", parents=[common], help="list, show and validate checklists"
    )
    sub = checklists.add_subparsers(dest="action", metavar="ACTION", required=True)
    validate = sub.add_parser(
        "validate", parents=[common], help="check checklist files; exit 1 on any error"
    )
    validate.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: the built-in checklists and the store's own)",
    )
    json_flag(validate)
    listing = sub.add_parser("list", parents=[common], help="the checklists you can start")
    json_flag(listing)
    show = sub.add_parser("show", parents=[common], help="one checklist in full")
    show.add_argument("id", metavar="ID")
    json_flag(show)
    reasons = sub.add_parser(
        "reasons", parents=[common], help="the reasons an item was not done, by level"
    )
    json_flag(reasons)

    users.add_parsers(commands, common)  # its own module; listed here, in its usual place

    # sessions
    sessions = commands.add_parser("sessions", parents=[common], help="list saved sessions")
    sub = sessions.add_subparsers(dest="action", metavar="ACTION", required=True)
    slist = sub.add_parser(
        "list",
        parents=[common],
        help="the sessions you may read",
        description="List the sessions you may read. With --json each answer carries "
        "response, reason (the first), reasons (all), note, requirements and shown (false "
        "when a later answer or the setup hid its item, so the summary does not count it). "
        "Responses and reasons are the project's own codes (done, partly, not_done, "
        "not_applicable; no-private-room…); only `fhir export` translates them.",
    )
    acting_flags(slist)
    slist.add_argument("--status", choices=("draft", "complete"))
    slist.add_argument("--of", metavar="NAME", help="a supervisee's sessions instead of yours")
    json_flag(slist)
    sdiscard = sub.add_parser(
        "discard",
        parents=[common],
        help="delete one of your unfinished checklists (finished sessions are never deleted)",
    )
    sdiscard.add_argument("id", metavar="ID", help="the session id (from `sessions list`)")
    acting_flags(sdiscard)
    json_flag(sdiscard)

    # audit
    audit = commands.add_parser("audit", parents=[common], help="the security audit trail")
    sub = audit.add_subparsers(dest="action", metavar="ACTION", required=True)
    alist = sub.add_parser("list", parents=[common], help="every entry (admins only)")
    acting_flags(alist)
    json_flag(alist)
    averify = sub.add_parser(
        "verify",
        parents=[common],
        help="check the chain; exit 1 if an entry was removed or changed",
    )
    averify.add_argument(
        "--anchor",
        metavar="NUMBER:HASH",
        help="an earlier `audit head`, kept outside the store folder: also prove that nothing "
        "up to that entry was cut off or rewritten",
    )
    json_flag(averify)
    ahead = sub.add_parser(
        "head",
        parents=[common],
        help="print NUMBER:HASH of the last entry; write it down (outside the store folder) "
        "for `audit verify --anchor`",
    )
    json_flag(ahead)

    # check-text
    check = commands.add_parser(
        "check-text",
        parents=[common],
        help="look for identifiers (NHS/CHI numbers, postcodes, phones, e-mails, dates of "
        "birth) in TEXT, or in standard input with '-'; exit 1 if any are found",
    )
    check.add_argument("text", nargs="?", default="-", metavar="TEXT")
    json_flag(check)

    # verify
    verify = commands.add_parser(
        "verify",
        parents=[common],
        help="check every file in the store; exit 1 if anything is wrong (changes nothing)",
    )
    json_flag(verify)

    # demo
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="fill a NEW store with synthetic people and sessions",
        description=demo_description(),
    )
    demo.add_argument(
        "--people",
        type=int,
        default=DEMO_PEOPLE,
        metavar="N",
        help=f"practitioners to create (default {DEMO_PEOPLE})",
    )
    demo.add_argument(
        "--sessions-per-person",
        type=int,
        default=20,
        metavar="M",
        help="finished sessions each, over the past year (default 20)",
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    demo.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="the passphrase every demo person gets (else you are asked)",
    )
    json_flag(demo)

    for module in command_modules():
        module.add_parsers(commands, common)
    return parser


DEMO_PEOPLE = 5


def demo_description() -> str:
    """Who `demo` makes, from the names it gives them (a light module: the parser is built on
    every start, so it loads no service and no store)."""
    from store.demo_names import LEAD_NAME, SUPERVISOR_NAME, SUPERVISOR_ROLES, practitioner_names

    first = practitioner_names(DEMO_PEOPLE)
    return (
        "Fill a new, empty store folder with invented people and sessions, to try the app: "
        f"{SUPERVISOR_NAME} ({', '.join(SUPERVISOR_ROLES)}), "
        f"{LEAD_NAME} (service lead: the service report only) and "
        f"N practitioners supervised by {SUPERVISOR_NAME} (by default {DEMO_PEOPLE}: "
        f"{', '.join(first)}), each with M finished sessions over the past year and now and "
        "then an unfinished one. Everyone gets the same passphrase: the first line of "
        "--passphrase-file FILE, else the one you are asked for; it must be one the app would "
        "accept for a real account. Nothing in it is about a real person."
    )


def command_modules() -> list:
    """Groups of subcommands kept in modules of their own (each has add_parsers and COMMANDS)."""
    from . import answer, exchange, interop, report, serve, supervision

    return [supervision, exchange, interop, report, serve, answer]


class _VersionAction(argparse.Action):
    """`--version`: the installed version is looked up only when asked for, not on every
    start (reading the package metadata costs the app's first frame a few milliseconds)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest=dest, nargs=0, help="show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        sys.stdout.write(f"{PROG} {_version()}\n")
        parser.exit()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("stepping-stones")
    except Exception:  # noqa: BLE001 - running from a source tree
        return "unknown"


# -- commands --------------------------------------------------------------------------------
def cmd_checklists(args: argparse.Namespace) -> int:
    from checklists.loader import load_library, validate_paths

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    if args.action == "validate":
        if args.paths:
            problems = validate_paths(Path(p) for p in args.paths)
        else:
            problems = load_library([data_dir / "checklists"]).problems
        errors = [p for p in problems if not p.warning]
        if args.json:
            out(
                args,
                {
                    "ok": not errors,
                    "problems": [
                        {
                            "file": p.path,
                            "line": p.line,
                            "message": p.message,
                            "level": "warning" if p.warning else "error",
                        }
                        for p in problems
                    ],
                },
                "",
            )
        else:
            for problem in problems:
                print(problem, file=sys.stderr if not problem.warning else sys.stdout)
            if not errors:
                print("All checklists are valid.")
        return 1 if errors else 0

    lib = load_library([data_dir / "checklists"])
    for problem in lib.errors:
        print(f"skipped: {problem}", file=sys.stderr)
    if args.action == "list":
        # By moment of care, as the picker lists them; a checklist without a kind is core.
        rows = [
            {
                "id": c.id,
                "version": c.version,
                "title": c.title,
                "kind": c.kind or "core",
                "when": c.when,
            }
            for c in lib.in_picker_order()
        ]
        out(
            args,
            rows,
            "\n".join(
                f"{r['id']}  (version {r['version']}, {r['kind']})  {r['title']}\n"
                f"    When: {r['when']}"
                for r in rows
            ),
        )
        return 0
    if args.action == "show":
        checklist = lib.checklists.get(args.id)
        if checklist is None:
            raise CommandError(
                f"no checklist '{args.id}' (known: {', '.join(lib.checklists) or 'none'})"
            )
        lines = [f"{checklist.title} (version {checklist.version})", checklist.when, ""]
        for section in checklist.sections:
            lines.append(f"{section.title}")
            lines += [f"  [{', '.join(i.requirements)}] {i.prompt}" for i in section.items]
        out(args, checklist.to_dict(), "\n".join(lines))
        return 0
    if args.action == "reasons":
        rows = [r.to_dict() for r in lib.reasons]
        retired = {True: " (retired)", False: ""}
        text = "\n".join(
            f"{r['level']:<9} {r['id']:<26} {r['label']}{retired[bool(r.get('retired'))]}"
            for r in rows
        )
        out(args, rows, text)
        return 0
    raise CommandError(f"unknown action {args.action}")


def cmd_sessions(args: argparse.Namespace) -> int:
    if args.action == "discard":
        return cmd_sessions_discard(args)
    from services import people as people_use
    from services import sessions as session_use

    store = open_store(args)
    person = sign_in_cli(store, args)
    people_use.reshare(store, person)
    of = store.people.require(args.of) if args.of else None
    problems: list[StoreError] = []
    sessions = session_use.readable(store, person, of=of, status=args.status, problems=problems)
    names = {p.id: p.name for p in store.people.all()}
    comments: dict[str, list[dict]] = {}
    for comment in store.supervision.comments(person, (of or person).id, problems):
        comments.setdefault(comment.session_id, []).append(comment.json_view(names))
    for problem in problems:
        sys.stderr.write(f"{PROG}: warning: {problem}\n")
    from store.sessions import NotShared
    from store.supervision import NotSharedEntry

    damaged = [p for p in problems if not isinstance(p, (NotShared, NotSharedEntry))]
    rows = [
        {
            **session_use.json_view(store, s, names.get(s.author, "unknown")),
            "comments": comments.get(s.id, []),
        }
        for s in sessions
    ]
    out(
        args,
        rows,
        "\n".join(
            f"{r['id']}  {r['status']:<8}  {r['started_at']}  {r['checklist']['id']}"
            f"  {sum(1 for a in r['answers'].values() if a['response'])} answered"
            for r in rows
        )
        or "No sessions yet.",
    )
    return 1 if damaged else 0


def cmd_sessions_discard(args: argparse.Namespace) -> int:
    from services import sessions as session_use

    store = open_store(args)
    person = sign_in_cli(store, args)
    session_use.discard_draft(store, person, args.id)
    wrote(store.data_dir)
    out(
        args,
        {"discarded": args.id, "data_dir": str(store.data_dir)},
        f"Deleted the unfinished checklist {args.id} (store: {store.data_dir}).",
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from services.demo import build

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    passphrase = read_passphrase(args.passphrase_file)
    report = build(
        data_dir,
        people=args.people,
        sessions_per_person=args.sessions_per_person,
        seed=args.seed,
        passphrase=passphrase,
    )
    wrote(data_dir)
    out(
        args,
        report,
        f"Made a demo store in {data_dir}: {report['people']} people, "
        f"{report['finished']} finished and {report['drafts']} unfinished sessions. "
        f"Sign in as {report['supervisor']} or {report['first_practitioner']}, or as "
        f"{report['lead']} (service lead) for the service report.",
    )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from services.store_health import verify

    data_dir = existing_store_folder(args)
    checked, findings = verify(data_dir)
    if args.json:
        out(
            args,
            {
                "ok": not findings,
                "data_dir": str(data_dir),
                "files_checked": checked,
                "problems": [{"file": f.file, "problem": f.problem} for f in findings],
            },
            "",
        )
    else:
        for finding in findings:
            print(finding)
        print(
            f"Checked {checked} files in {data_dir}: "
            + ("all good." if not findings else f"{len(findings)} problem(s).")
        )
    return 1 if findings else 0


def cmd_audit(args: argparse.Namespace) -> int:
    store = open_store(args, library=_empty_library())
    if args.action == "list":
        acting = sign_in_cli(store, args)
        if not acting.has("admin"):
            raise PermissionDenied("only an admin can read the audit trail")
        entries = store.audit.entries()
        out(
            args,
            entries,
            "\n".join(
                f"{e['seq']:>6}  {e['at']}  {e['event']:<20} {e.get('actor') or '-':<20} "
                f"{e.get('subject') or ''}"
                for e in entries
            )
            or "The audit trail is empty.",
        )
        return 0
    from services import audit as audit_use

    if args.action == "head":
        from services.directory import root_fingerprint

        anchor = audit_use.head(store)
        number, digest = anchor.split(":")
        root = root_fingerprint(store)  # written down with the head, away from the store
        out(args, {"anchor": anchor, "entry": int(number), "hash": digest}, anchor)
        sys.stderr.write(f"This store's fingerprint: {root}\n")  # stdout stays NUMBER:HASH
        return 0
    problems = audit_use.verify(store, args.anchor)
    text = "The audit trail is intact."
    if args.anchor is not None:
        text = f"The audit trail is intact, and holds entry {args.anchor.split(':')[0]} unchanged."
    out(
        args,
        {
            "ok": not problems,
            "entries": len(store.audit.entries()) if not problems else None,
            "problems": problems,
            "anchor": args.anchor,
        },
        "\n".join(problems) if problems else text,
    )
    return 1 if problems else 0


def cmd_check_text(args: argparse.Namespace) -> int:
    """What the identifier guard would refuse (exit 1: it must come out), what it would only
    warn about (kept once confirmed), and, as a third kind, words the language coach would
    gently suggest changing (reported, but they never fail the check)."""
    from checklists.identifiers import describe, find_identifiers
    from checklists.language import LanguageGuide, load_language

    text = read_stdin() if args.text == "-" else args.text
    findings = find_identifiers(text)
    refused = [f for f in findings if f.refused]
    warnings = [f for f in findings if not f.refused]
    guide, _problems = load_language(
        [resolve_data_dir(getattr(args, "data_dir", None)) / "checklists"]
    )
    wording = guide.find(text)
    lines = []
    if refused:
        lines.append("Would not be saved: " + describe(refused, noun="text"))
    if warnings:
        lines.append("Saved only once you confirm: " + describe(warnings, noun="text"))
    if not findings:
        lines.append("Nothing that looks like an identifier.")
    if wording:
        lines.append("Words you might put differently (a suggestion, not a rule):")
        lines += [f"  {line}" for line in LanguageGuide.describe(wording).splitlines()]
    out(
        args,
        {
            "findings": [f.to_dict() for f in findings],
            "refused": [f.to_dict() for f in refused],
            "warnings": [f.to_dict() for f in warnings],
            "language": [f.to_dict() for f in wording],
        },
        "\n".join(lines),
    )
    return 1 if refused else 0


def _empty_library():
    from checklists.loader import Library

    return Library()


COMMANDS = {
    "audit": cmd_audit,
    "check-text": cmd_check_text,
    "verify": cmd_verify,
    "checklists": cmd_checklists,
    "sessions": cmd_sessions,
    "demo": cmd_demo,
}


def run_app(args: argparse.Namespace) -> int:
    # The one place the command line reaches up into the screens, and only once the app is
    # starting: scripted commands never import Textual (tests/test_architecture.py).
    from tui.app import SteppingStonesApp

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    app = SteppingStonesApp(data_dir=data_dir, idle_lock=idle_lock_seconds(args, data_dir))
    try:
        app.run()
    finally:
        # Leave nothing of the session on the terminal or in its scrollback.
        if sys.stdout.isatty():
            sys.stdout.write("\x1b[2J\x1b[3J\x1b[H")
            sys.stdout.flush()
    return int(app.return_code or 0)


def main(argv: Sequence[str] | None = None) -> int:
    printable_paths()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return run_app(args)
        try:
            handlers = {**COMMANDS, **users.COMMANDS}
            for module in command_modules():
                handlers.update(module.COMMANDS)
            code = handlers[args.command](args)
        except BaseException:
            report_writes(say=False)  # a failure is one line (the contract): its reason
            raise
        finally:
            report_notices()
        report_writes(say=code == 0)
        return code
    except (CommandError, StoreError) as exc:
        message = str(exc).rstrip(".")
        sys.stderr.write(f"{PROG}: {message}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: stopped\n")
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def printable_paths() -> None:
    """A file or folder name may hold bytes that are not UTF-8 (a valid path all the same);
    printing one must never fail. Standard error already shows such bytes as backslash escapes;
    standard output does too, unless the locale already writes them back as they were."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None and getattr(sys.stdout, "errors", None) == "strict":
        reconfigure(errors="backslashreplace")


if __name__ == "__main__":
    raise SystemExit(main())
