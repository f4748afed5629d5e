"""Giving a service its data in other systems' shapes: HL7 FHIR R4 (`fhir`) and CSV (`csv_export`).

Both exports read sessions only through `Store.readable_sessions`, so a person exports exactly
what they may read (their own sessions, or one supervisee's with `of`). Each makes its files
in memory, so that `services.interop` writes the "export" audit entry (counts only, never
content) before any of them is on disk. What the helpers here share:

- `since` is a calendar date (YYYY-MM-DD). A session is included when the date part of its
  `started_at` (the local date on the machine where it was started) is on or after it.
- Files are written whole (a temporary file, then a rename) and readable by their owner only.
- An export never writes inside the store's own folder, so a mistyped `--out` cannot overwrite
  the store; anywhere else, files of the same name are replaced.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from checklists import dates
from store import paths
from store.errors import InvalidInput, StoreError

if TYPE_CHECKING:
    from store.people import Person
    from store.sessions import Session
    from store.store import Store


def parse_since(value: str | date | None) -> date | None:
    """`--since` as a date; InvalidInput (one plain sentence) when it is not YYYY-MM-DD."""
    try:
        return dates.parse_since(value)
    except dates.DateError as exc:
        raise InvalidInput(str(exc)) from None


def check_out_path(store: Store, path: Path, directory: bool) -> Path:
    """Refuse an output path inside the store folder, or of the wrong kind (file or folder)."""
    return paths.check_out_path(store.data_dir, path, directory)


def select_sessions(
    store: Store,
    reader: Person,
    of: Person | None,
    since: date | None,
    problems: list[StoreError],
) -> tuple[list[Session], int]:
    """The sessions `reader` may read (drafts too), started on or after `since`, oldest first,
    and how many were read before `since` left some out (what the audit trail counts).

    PermissionDenied when `of` is not the reader or one of their supervisees; sessions that
    cannot be opened (not yet shared, or damaged) are added to `problems`.
    """
    sessions = store.readable_sessions(reader, of=of, problems=problems)
    read = len(sessions)
    if since is not None:
        first = since.isoformat()
        sessions = [s for s in sessions if s.record["started_at"][:10] >= first]
    return sorted(sessions, key=lambda s: (s.record["started_at"], s.id)), read
