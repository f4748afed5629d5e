"""`stepping-stones report`: the service report, for service leads (issue 16).

Team-level figures only, over whole calendar months; see docs/service-report-format.md.
"""

from __future__ import annotations

import argparse
import sys

from .common import PROG, CommandError, acting_flags, open_store, out, sign_in_cli

FORMATS = ("json", "md", "html", "csv")


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser(
        "report",
        parents=[common],
        help="the service report: team-level barriers and figures (service leads only)",
        description="The service's barriers, the care they blocked, supervision coverage and "
        "what is working, counted over whole calendar months from every finished session's "
        "structured part. Team-level figures only: a figure under 5, or from fewer than 3 "
        "practitioners, says 'fewer than 5' (null in JSON). No names, notes, reflections or "
        "case references. Default: the last three full months, as Markdown (JSON with --json).",
    )
    acting_flags(report)
    report.add_argument(
        "--since", metavar="YYYY-MM", help="the first month (default: 3 months back)"
    )
    report.add_argument("--until", metavar="YYYY-MM", help="the last month (default: last month)")
    report.add_argument(
        "--format", choices=FORMATS, help="json, md, html or csv (default md, or json with --json)"
    )
    report.add_argument(
        "--out", metavar="FILE", help="write the report to FILE (outside the store folder)"
    )
    report.add_argument(
        "--json",
        action="store_true",
        help="the same as --format json; with --out, print where the file went as JSON (so "
        "another --format needs --out)",
    )


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from services import service_report

    fmt = args.format or ("json" if args.json else "md")
    if args.json and fmt != "json" and not args.out:
        raise CommandError(
            f"--json and --format {fmt} cannot be used together without --out (with --out, "
            f"--json prints where the {fmt} file went)"
        )
    since, until = service_report.chosen_period(args.since, args.until)  # before signing in
    store = open_store(args)
    if args.out:
        service_report.check_out(store, Path(args.out))  # before signing in, too
    person = sign_in_cli(store, args)
    report = service_report.build(store, person, since, until, fmt)
    for problem in report.problems:
        sys.stderr.write(f"{PROG}: note: {problem}\n")
    text = service_report.render(report.data, fmt)
    if not args.out:
        sys.stdout.write(text)
        return 0
    path = service_report.save(store, text, args.out)
    period = report.data["period"]
    out(
        args,
        {"out": str(path), "format": fmt, "since": period["since"], "until": period["until"]},
        f"Wrote the service report for {period['since']} to {period['until']} ({fmt}) to {path}.",
    )
    return 0


COMMANDS = {"report": cmd_report}
