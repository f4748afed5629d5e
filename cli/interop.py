"""`stepping-stones fhir export` and `stepping-stones export-csv`: a service's data for its own
systems, as HL7 FHIR R4 resources or as a spreadsheet-friendly CSV file.

Both act as a signed-in person and export only what that person may read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from store import StoreError

from .common import PROG, acting_flags, json_flag, open_store, out, sign_in_cli


def _selection_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--of",
        metavar="NAME",
        help="a supervisee's sessions instead of yours (you must be their supervisor)",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="only sessions started on or after DATE (YYYY-MM-DD, the local date they began)",
    )


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    fhir = commands.add_parser(
        "fhir",
        parents=[common],
        help="export sessions as HL7 FHIR R4 Questionnaires and QuestionnaireResponses",
        description="HL7 FHIR R4 for health systems (UK Core is R4).",
    )
    sub = fhir.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = sub.add_parser(
        "export",
        parents=[common],
        help="write FHIR JSON files and a Bundle into a folder",
        description="Write one Questionnaire per checklist version used, one "
        "QuestionnaireResponse per session you may read (unfinished ones as in-progress), the "
        "code systems and reason value set they use, and bundle.json (a Bundle holding them "
        "all) into DIR. Answers, reasons and notes are included; case references, "
        "reflections and the author's name are not (the name only with --include-author). "
        "The project's own answer codes (not_done, not_applicable) become FHIR codes "
        "(not-done, not-applicable) here only. "
        "DIR may exist already: files of the same name in it are replaced.",
    )
    acting_flags(export)
    export.add_argument(
        "--out",
        metavar="DIR",
        required=True,
        help="the folder to write into (made if it is not there, inside a folder that is)",
    )
    _selection_flags(export)
    export.add_argument(
        "--include-author",
        action="store_true",
        help="name the practitioner who wrote each session (author.display)",
    )
    export.add_argument(
        "--bundle-type",
        choices=("collection", "transaction"),  # services.interop.BUNDLE_TYPES
        default="collection",
        help="collection (the default: a file to keep or send) or transaction (to load into a "
        "FHIR server: every entry is PUT Type/id, so loading it twice changes nothing; needs "
        "a base URL)",
    )
    export.add_argument(
        "--base-url",
        metavar="URL",
        help="your service's own address for the Questionnaire, CodeSystem and ValueSet "
        "canonical URLs (default: fhir_base_url in the store's config.toml; without either, "
        "a placeholder under example.org, with a warning)",
    )
    json_flag(export)

    csv_parser = commands.add_parser(
        "export-csv",
        parents=[common],
        help="export one CSV row per answer, de-identified unless --include-notes",
        description="Write one row per answer of every session you may read (session, "
        "checklist and version, item, requirements, response, reason and its level, setting, "
        "stage, started, completed, status, reasons, shown). An answer whose item is no "
        "longer shown (a later answer or the setup hid it) keeps its row with shown=false. "
        "Notes, case references and reflections are left out unless --include-notes; with "
        "it, a note on an item not answered yet (in an unfinished checklist) has a row with "
        "an empty response. Responses and reasons stay the project's own codes (done, "
        "partly, not_done, not_applicable; no-private-room…), as in `sessions list --json`; "
        "only `fhir export` translates them into FHIR codes. The file is UTF-8 with a "
        "byte-order mark and opens cleanly in a spreadsheet: a cell that starts with =, +, -, @, "
        "a tab or a carriage return gets an apostrophe in front of it, so that a spreadsheet "
        "shows it as text and never runs it as a formula (take the apostrophe off to get the "
        "words exactly as typed). An existing FILE is replaced.",
    )
    acting_flags(csv_parser)
    csv_parser.add_argument("--out", metavar="FILE", required=True, help="the CSV file to write")
    _selection_flags(csv_parser)
    csv_parser.add_argument(
        "--include-notes",
        action="store_true",
        help="add the free text: notes, case references and reflections",
    )
    json_flag(csv_parser)


def _prepare(args: argparse.Namespace, directory: bool, check=None):
    """Check the options, then sign in (and share what needs sharing), as `sessions` does."""
    from services import people as people_use
    from services.interop import check_out_path, parse_since

    since = parse_since(args.since)  # a bad date fails before anyone signs in
    store = open_store(args)
    out_path = check_out_path(store, Path(args.out), directory=directory)
    if check is not None:
        check(store)
    person = sign_in_cli(store, args)
    people_use.reshare(store, person)
    of = store.people.require(args.of) if args.of else None
    return store, person, of, since, out_path


def _warn(problems: list[StoreError]) -> int:
    for problem in problems:
        sys.stderr.write(f"{PROG}: warning: {problem}\n")
    from store.sessions import NotShared

    damaged = [p for p in problems if not isinstance(p, NotShared)]
    return 1 if damaged else 0


def cmd_fhir(args: argparse.Namespace) -> int:
    from services.interop import check_fhir_options, export_fhir

    def check(store) -> None:  # a bad base URL, or a transaction without one, fails first
        check_fhir_options(store, args.bundle_type, args.base_url)

    store, person, of, since, out_dir = _prepare(args, directory=True, check=check)
    problems: list[StoreError] = []
    report = export_fhir(
        store,
        person,
        out_dir,
        of=of,
        since=since,
        include_author=args.include_author,
        problems=problems,
        bundle_type=args.bundle_type,
        base_url=args.base_url,
    )
    code = _warn(problems)
    for warning in report["warnings"]:
        sys.stderr.write(f"{PROG}: warning: {warning}\n")
    out(
        args,
        report,
        f"Wrote {report['questionnaires']} questionnaire(s) and {report['responses']} "
        f"response(s) ({report['completed']} completed, {report['in_progress']} in progress) "
        f"to {report['out']}, with bundle.json (a {report['bundle_type']} bundle) holding "
        "them all.",
    )
    for sentence in report["conditions_not_expressed"]:
        sys.stderr.write(f"{PROG}: note: {sentence}\n")
    return code


def cmd_export_csv(args: argparse.Namespace) -> int:
    from services.interop import export_csv

    store, person, of, since, out_path = _prepare(args, directory=False)
    problems: list[StoreError] = []
    report = export_csv(
        store,
        person,
        out_path,
        of=of,
        since=since,
        include_notes=args.include_notes,
        problems=problems,
    )
    code = _warn(problems)
    out(
        args,
        report,
        f"Wrote {report['rows']} row(s) from {report['sessions']} session(s) to {report['out']}"
        + (" (with notes, case references and reflections)." if args.include_notes else "."),
    )
    return code


COMMANDS = {"fhir": cmd_fhir, "export-csv": cmd_export_csv}
