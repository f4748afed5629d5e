"""CSV export: one row per answer, de-identified unless notes are asked for.

A row is an answered item, in the checklist's order. An answer whose item the session no
longer shows (a later answer or the setup hid it; the summary does not count it) keeps its
row, marked `shown` false. With `include_notes`, a note on an item with no answer yet (in a
draft) has a row too, with an empty response. Drafts are included (their `completed_at` is
empty and `status` is `draft`). Responses and reasons are the project's own codes (`done`,
`not_done`, `no-private-room`…), as in `sessions list --json`; only the FHIR export
translates them. Columns:

    session_id, checklist_id, checklist_version, item_id, requirements ("7.1; 7.3"),
    response (done, partly, not_done, not_applicable), reason_id, reason_level
    (service, practice, woman), setting, stage, started_at, completed_at, status,
    reasons ("no-private-room; not-enough-time": every reason given, in the order chosen),
    shown (true or false: whether the session still shows the item)

`reason_id` and `reason_level` are the first reason given, as before more than one could be
chosen; `reasons` and then `shown` were added last so that the columns before them keep
their places.

and only with `include_notes`: note, case_ref, and one `reflection_<prompt id>` column per
reflection prompt (the session's reflection repeated on each of its rows).

So that it opens cleanly in a spreadsheet: UTF-8 with a byte-order mark, CRLF line endings,
quoting by the csv module, and any cell starting with = + - @ or a tab or carriage return is
prefixed with an apostrophe so it is never run as a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from store.errors import StoreError
from store.interop import check_out_path, parse_since, select_sessions
from store.paths import PendingFiles
from store.sessions import answer_reasons

if TYPE_CHECKING:
    from store.people import Person
    from store.store import Store

COLUMNS = (
    "session_id",
    "checklist_id",
    "checklist_version",
    "item_id",
    "requirements",
    "response",
    "reason_id",
    "reason_level",
    "setting",
    "stage",
    "started_at",
    "completed_at",
    "status",
    "reasons",
    "shown",
)
NOTE_COLUMNS = ("note", "case_ref")
REFLECTION_PREFIX = "reflection_"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets an apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def prepare_csv(
    store: Store,
    reader: Person,
    out_path: str | Path,
    of: Person | None = None,
    since: str | date | None = None,
    include_notes: bool = False,
    problems: list[StoreError] | None = None,
) -> PendingFiles:
    """One CSV row per answer of every session `reader` may read, ready to write.

    Sessions that cannot be opened go in `problems` and are left out. The service
    (`services.interop`) writes the audit entry, then the file.
    """
    out_path = check_out_path(store, Path(out_path), directory=False)
    since_date = parse_since(since)
    problems = problems if problems is not None else []
    sessions, read = select_sessions(store, reader, of, since_date, problems)

    reflection_ids: list[str] = []
    if include_notes:
        reflection_ids = [p.id for p in store.library.reflection]
        extra = {key for s in sessions for key in s.reflection if key not in reflection_ids}
        reflection_ids += sorted(extra)
    columns = list(COLUMNS)
    if include_notes:
        columns += [*NOTE_COLUMNS, *(REFLECTION_PREFIX + key for key in reflection_ids)]

    rows: list[list[str]] = []
    exported = 0
    for session in sessions:
        try:
            checklist = store.checklist_for(session)
        except StoreError as exc:
            problems.append(exc)
            continue
        exported += 1
        record = session.record
        shown = {item.id for item in session.visible_items(checklist)}
        for item in checklist.items:
            entry = session.answers.get(item.id) or {}
            response = entry.get("response")
            note = entry.get("note") or ""
            # An item with no answer has no row, unless its note was asked for (a draft's).
            if response is None and not (include_notes and str(note).strip()):
                continue
            reasons = answer_reasons(entry)
            reason_id = reasons[0] if reasons else ""
            reason = store.library.reason(reason_id) if reason_id else None
            row = [
                session.id,
                checklist.id,
                checklist.version,
                item.id,
                "; ".join(item.requirements),
                response or "",
                reason_id,
                reason.level if reason else "",
                session.setup.get("setting") or "",
                session.setup.get("stage") or "",
                record["started_at"],
                record.get("completed_at") or "",
                session.status,
                "; ".join(reasons),
                "true" if item.id in shown else "false",
            ]
            if include_notes:
                row += [note, session.setup.get("case_ref") or ""]
                row += [session.reflection.get(key) or "" for key in reflection_ids]
            rows.append([safe_cell(cell) for cell in row])

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    result = {
        "format": "csv",
        "out": str(out_path),
        "sessions": exported,
        "rows": len(rows),
        "columns": columns,
        "include_notes": bool(include_notes),
        "since": since_date.isoformat() if since_date else None,
        "unreadable": len(problems),
    }
    payload = buffer.getvalue().encode("utf-8-sig")
    return PendingFiles(result, [(out_path, payload)], read=read)
