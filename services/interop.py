"""A service's data for its own systems: HL7 FHIR R4 resources, or a spreadsheet-friendly CSV.

A person exports exactly what they may read (their own sessions, or one supervisee's with
`of`); the store (`store.interop`) selects and shapes it. Each export leaves one "export"
audit entry (counts only, never content), written before any file, so no export goes
unrecorded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from store import Person, Store, StoreError
from store.interop import check_out_path, parse_since
from store.interop.csv_export import prepare_csv
from store.interop.fhir import prepare_fhir
from store.paths import PendingFiles

from . import audit
from .sessions import require_sessions

# The checks a front end makes before anyone signs in (a bad date or --out fails first).
__all__ = ["check_out_path", "export_csv", "export_fhir", "parse_since"]


def export_fhir(
    store: Store,
    reader: Person,
    out_dir: str | Path,
    of: Person | None = None,
    since: str | date | None = None,
    include_author: bool = False,
    problems: list[StoreError] | None = None,
) -> dict:
    """Write the FHIR resources for every session `reader` may read into `out_dir`; returns
    what was written. Sessions that cannot be opened go in `problems` and are left out."""
    require_sessions(reader)
    pending = prepare_fhir(store, reader, out_dir, of, since, include_author, problems)
    keys = ("questionnaires", "include_author", "since", "unreadable")
    detail = {"format": "fhir", "sessions": pending.result["responses"]}
    return _audited(store, reader, of, pending, {**detail, **_pick(pending.result, keys)})


def export_csv(
    store: Store,
    reader: Person,
    out_path: str | Path,
    of: Person | None = None,
    since: str | date | None = None,
    include_notes: bool = False,
    problems: list[StoreError] | None = None,
) -> dict:
    """Write one CSV row per answer of every session `reader` may read; returns what was
    written. Sessions that cannot be opened go in `problems` and are left out."""
    require_sessions(reader)
    pending = prepare_csv(store, reader, out_path, of, since, include_notes, problems)
    keys = ("sessions", "rows", "include_notes", "since", "unreadable")
    return _audited(store, reader, of, pending, {"format": "csv", **_pick(pending.result, keys)})


def _pick(result: dict, keys: tuple[str, ...]) -> dict:
    return {key: result[key] for key in keys}


def _audited(
    store: Store, reader: Person, of: Person | None, pending: PendingFiles, detail: dict
) -> dict:
    """The audit entries (a supervisee's sessions read, then the export), then the files."""
    subject = of.name if of is not None and of.id != reader.id else None
    if subject is not None:
        audit.record_first(store, "read_other", reader.name, subject, {"sessions": pending.read})
    audit.record_first(store, "export", reader.name, subject, detail)
    return pending.write()
