"""Subcommands for reflective supervision: `summary` and `supervision comment|record|list|done`.

They act as a signed-in person, so they read only what that person may read, and every read
of someone else's summary is in the audit trail (the services do that, not this module).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from store import StoreError

from .common import (
    PROG,
    CommandError,
    acting_flags,
    file_text,
    json_flag,
    open_store,
    out,
    read_stdin,
    sign_in_cli,
    wrote,
)

FORMATS = ("json", "md", "html", "nmc")
DUE = re.compile(r"\s*\((?:due|by)\s+(\d{4}-\d{2}-\d{2})\)\s*$", re.IGNORECASE)
ANY_DUE = re.compile(r"\((?:due|by)\s+[^)]*\)\s*$", re.IGNORECASE)

if TYPE_CHECKING:  # the services load when a command runs, not when the parser is built
    from services.summaries import Summary


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    summary = commands.add_parser(
        "summary",
        parents=[common],
        help="a practitioner's summary for supervision (json, md, html or an NMC draft)",
        description="The summary for supervision: activity, the standards (7.1-7.5, 8.1-8.5), "
        "barriers, reflections, flags and last time's agreed actions. The period is since the "
        "last supervision record, else the last 3 months, unless --since/--until say otherwise.",
    )
    acting_flags(summary)
    summary.add_argument("--of", metavar="NAME", help="a supervisee's summary (supervisors)")
    summary.add_argument("--since", metavar="DATE", help="first day, like 2026-08-01")
    summary.add_argument("--until", metavar="DATE", help="last day (default: today)")
    summary.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="json (machine-readable), md (plain text), html (one printable page) or nmc "
        "(a draft NMC reflective account); default md",
    )
    summary.add_argument(
        "--session",
        metavar="ID",
        help="with --format nmc: draft the account from this one session's reflection",
    )
    summary.add_argument("--out", metavar="FILE", help="write to FILE instead of the screen")
    summary.add_argument(
        "--json",
        action="store_true",
        help="the same as --format json; with --out, print where the file went as JSON",
    )

    sup = commands.add_parser(
        "supervision", parents=[common], help="comments on sessions and supervision records"
    )
    sub = sup.add_subparsers(dest="what", metavar="ACTION", required=True)
    comment = sub.add_parser(
        "comment",
        parents=[common],
        help="comment on a supervisee's session (they see it at their next sign-in)",
    )
    comment.add_argument("session_id", metavar="SESSION_ID")
    acting_flags(comment)
    comment.add_argument("--text", required=True, help='the comment, e.g. "Let\'s talk about this"')
    json_flag(comment)

    record = sub.add_parser(
        "record",
        parents=[common],
        help="write a supervision record: who was there, notes, agreed actions",
        description="Write what a supervision meeting agreed. The next summary starts from its "
        "date. An action may end with '(due 2026-12-01)'.",
    )
    acting_flags(record)
    record.add_argument("--of", metavar="NAME", required=True, help="the supervisee")
    record.add_argument(
        "--notes-file", metavar="FILE", required=True, help="the notes ('-' reads standard input)"
    )
    record.add_argument(
        "--action",
        dest="actions",
        metavar="TEXT",
        action="append",
        default=[],
        help="an agreed action (repeat for more); owner: the supervisee",
    )
    record.add_argument("--date", metavar="DATE", help="the meeting's date (default: today)")
    record.add_argument(
        "--present",
        metavar="NAME",
        action="append",
        help="who was there (repeat; default: you and the supervisee)",
    )
    record.add_argument(
        "--session",
        metavar="ID",
        action="append",
        default=[],
        help="a session discussed (repeat)",
    )
    json_flag(record)

    listing = sub.add_parser(
        "list", parents=[common], help="supervision records and comments you may read"
    )
    acting_flags(listing)
    listing.add_argument("--of", metavar="NAME", help="a supervisee's (supervisors)")
    json_flag(listing)

    done = sub.add_parser(
        "done", parents=[common], help="mark an agreed action done (or not, with --undo)"
    )
    done.add_argument("record_id", metavar="RECORD_ID")
    done.add_argument("action_id", metavar="ACTION_ID")
    acting_flags(done)
    done.add_argument("--of", metavar="NAME", help="whose record (supervisors; default: yours)")
    done.add_argument("--undo", action="store_true", help="mark it not done")
    json_flag(done)


def _guard_text(text: str, field: str) -> None:
    """The identifier guard's policy (services.supervision), then a gentle hint about
    stigmatising words. The command line has no way to confirm a warning (a bare date), so a
    warning is refused here as well as what is always refused."""
    from services import supervision as supervising

    supervising.guard_text(text, field, confirmed=False)
    try:
        from checklists.language import default_guide
    except ImportError:  # pragma: no cover - the coach ships with the checklists package
        return
    guide = default_guide()
    hints = guide.find(text)
    if hints:
        sys.stderr.write(f"{PROG}: a suggestion: {guide.describe(hints)}\n")


def _write_or_print(args: argparse.Namespace, store, person, summary: Summary, fmt: str) -> None:
    from reports.output import render
    from services import summaries

    if not args.out:
        text = render(summary, fmt, session_id=args.session)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    path = summaries.export(store, person, summary, fmt, Path(args.out), session_id=args.session)
    what = "draft reflective account" if fmt == "nmc" else "summary"
    if args.json:
        print(json.dumps({"path": str(path), "format": fmt}))
    else:
        sys.stderr.write(f"{PROG}: wrote the {what} to {path}\n")


def cmd_summary(args: argparse.Namespace) -> int:
    fmt = args.format or ("json" if args.json else "md")
    if args.json and fmt != "json" and not args.out:
        raise CommandError(
            f"--json with --format {fmt} needs --out (it prints where the file went)"
        )
    if args.session and fmt != "nmc":
        raise CommandError("--session goes with --format nmc")
    if fmt == "nmc" and args.of:
        raise CommandError(
            "a reflective account is the practitioner's own: they draft it from their own "
            "summary (leave out --of)"
        )
    from services import summaries

    store = open_store(args)
    person = sign_in_cli(store, args)
    of = store.people.require(args.of) if args.of else None
    problems: list[StoreError] = []
    summary = summaries.build(
        store, person, of=of, since=args.since, until=args.until, problems=problems
    )
    for problem in problems:
        sys.stderr.write(f"{PROG}: warning: {problem}\n")
    _write_or_print(args, store, person, summary, fmt)
    return 0


def cmd_supervision(args: argparse.Namespace) -> int:
    from services import people as people_use
    from services import supervision as supervising
    from store.supervision import new_action

    store = open_store(args)
    person = sign_in_cli(store, args)
    people_use.reshare(store, person)
    names = {p.id: p.name for p in store.people.all()}
    if args.what == "comment":
        author = supervising.session_author(store, person, args.session_id)
        _guard_text(args.text, "comment")
        comment = supervising.add_comment(store, person, author, args.session_id, args.text)
        wrote(store.data_dir)
        out(args, comment.json_view(names), f"Comment added for {author.name}.")
        return 0
    if args.what == "record":
        of = store.people.require(args.of)
        notes = _read_notes(args.notes_file)
        _guard_text(notes, "notes")
        actions = []
        for name in args.present or []:
            _guard_text(name, "present")
        for text in args.actions:
            if ANY_DUE.search(text) and not DUE.search(text):
                raise CommandError(f"write the due date of '{text}' like (due 2026-12-01)")
            match = DUE.search(text)
            words = DUE.sub("", text) if match else text
            _guard_text(words, "action")
            actions.append(new_action(words, of.name, match.group(1) if match else None))
        record = supervising.add_record(
            store,
            person,
            of,
            notes,
            when=args.date,
            present=args.present,
            sessions=args.session,
            actions=actions,
        )
        wrote(store.data_dir)
        out(
            args,
            record.json_view(names),
            f"Supervision record saved for {of.name} ({record.date}).",
        )
        return 0
    of = store.people.require(args.of) if getattr(args, "of", None) else person
    if args.what == "done":
        record = supervising.set_action_done(
            store, person, of, args.record_id, args.action_id, not args.undo
        )
        wrote(store.data_dir)
        out(args, record.json_view(names), "Marked not done." if args.undo else "Marked done.")
        return 0
    # list
    problems: list[StoreError] = []
    records, comments = supervising.notes_of(store, person, of, problems)
    for problem in problems:
        sys.stderr.write(f"{PROG}: warning: {problem}\n")
    data = {
        "records": [r.json_view(names) for r in records],
        "comments": [c.json_view(names) for c in comments],
    }
    lines = [
        f"{r.date}  record {r.id}  by {names.get(r.by, 'unknown')}  "
        f"{sum(1 for a in r.actions if a.get('done'))}/{len(r.actions)} actions done"
        for r in records
    ] + [
        f"{c.record['created_at'][:10]}  comment on {c.session_id}  by {names.get(c.by, 'unknown')}"
        for c in comments
    ]
    out(args, data, "\n".join(lines) or "No supervision records or comments yet.")
    return 0


def _read_notes(path: str) -> str:
    if path == "-":
        return read_stdin()
    try:
        raw = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return file_text(raw, path)


COMMANDS = {"summary": cmd_summary, "supervision": cmd_supervision}
