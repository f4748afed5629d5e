"""The transfer report: what a bundle export or import did, in plain words (the app and the
command line say the same). Data in (the result or report `services.exchange` returns), text out."""

from __future__ import annotations

from store.exchange.bundle_file import KINDS

_NOUNS = {"session": "session", "comment": "comment", "record": "supervision record"}


def _counted(items: list[dict]) -> str:
    counts: dict[str, int] = {}
    for item in items:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    parts = [
        f"{n} {_NOUNS[kind]}{'' if n == 1 else 's'}" for kind in KINDS if (n := counts.get(kind))
    ]
    return ", ".join(parts) or "nothing"


def _short(item: dict) -> str:
    return f"{_NOUNS[item['kind']]} {item['id'][:8]} by {item['author']}"


def export_lines(result: dict) -> list[str]:
    """What an export did, in plain words (the app and the command line say the same)."""
    parts = []
    for kind, key in (("session", "sessions"), ("comment", "comments"), ("record", "records")):
        if result[key]:
            part = _counted([{"kind": kind}] * result[key])
            if kind == "session" and result["drafts"]:
                part += f" ({result['drafts']} unfinished)"
            parts.append(part)
    since = f", changed since {result['since']}" if result["since"] else ""
    lines = [
        f"Saved {result['path']}: {', '.join(parts) or 'nothing'} of {result['of']}{since}.",
        "Everything in it stays sealed: only the people who may read these records can open "
        "them, each with their own passphrase. It needs no extra password.",
    ]
    for item in result["left_out"]:
        lines.append(f"Left out {_NOUNS[item['kind']]} {item['id'][:8]}: {item['why']}.")
    return lines


def report_lines(report: dict) -> list[str]:
    """What an import did (or, in a dry run, would do), in plain words."""
    lines = []
    if report["dry_run"]:
        lines.append("Only a check: nothing was changed. Importing would do this:")
    if report["added"]:
        lines.append(f"Added: {_counted(report['added'])}.")
    else:
        lines.append("Nothing new to add.")
    if report["replaced"]:
        lines.append(
            f"Replaced by newer copies: {_counted(report['replaced'])} "
            "(the older copies are kept in history)."
        )
    same = [s for s in report["skipped"] if s["why"].startswith("already here")]
    if same:
        lines.append(f"Already here: {_counted(same)}.")
    for item in report["skipped"]:
        if item not in same:
            lines.append(f"Skipped {_short(item)}: {item['why']}.")
    for item in report["conflicts"]:
        lines.append(f"In conflict, {_short(item)}: {item['why']}.")
    for item in report["quarantined"]:
        lines.append(f"Set aside {_short(item)}: {item['why']} (kept as {item['file']}).")
    if report["people_added"]:
        names = ", ".join(p["name"] for p in report["people_added"])
        lines.append(f"People added: {names}.")
        lines += [
            f"  {p['name']}: {p['why']}." for p in report["people_added"] if p["why"] != "added"
        ]
    for person in report["people_conflicts"]:
        lines.append(f"Not added, {person['name']}: {person['why']}.")
    if report["checklists_added"]:
        n = report["checklists_added"]
        lines.append(f"Checklist wordings added: {n}.")
    return lines
