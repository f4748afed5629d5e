"""Writing the structured parts (issue 16): at finishing, when a supervision record is saved,
and, for sessions finished before (or while the part could not be written), when their author
or a supervisor next signs in.

Each person has one entry per month in `service/report-YYYY-MM.json` (`service_parts`), holding
the parts of every session they finished that month. Which entry is theirs, and what is in it,
is kept in their own folder, `sessions/<person id>/report-index.json`, one row per month,
sealed for the same readers as their sessions (themselves and their supervisors), so whoever
of them adds a part rewrites the month's entry whole. In clear the row says only the month and
which of their sessions have parts (their archive already says which sessions they finished);
nothing in clear links an entry in the service file to anyone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from checklists import Checklist

from .crypto import (
    SealError,
    b64,
    new_content_key,
    open_sealed,
    seal,
    unb64,
    unwrap,
    wrap_for,
    wrap_for_reader,
)
from .errors import StoreError
from .files import StoreFile, doc, raw_table
from .people import PeopleStore, Person
from .report_key import ReportKeys
from .service_parts import expand, new_entry_id, opaque_id, pack, put_entry, sealed_entry

INDEX = "report-index.json"
TABLE = "months"
SETUP_KEEP = ("setting", "stage")  # besides these, only the yes/no setup answers


def contact_part(session, checklist: Checklist, author_sign_public: bytes) -> dict:
    """What a finished session gives the service's figures: no free text, case reference,
    exact time or name; only the items it shows (an answer to a hidden item is not counted)."""
    setup = {
        k: v
        for k, v in session.setup.items()
        if (k in SETUP_KEEP and isinstance(v, str)) or isinstance(v, bool)
    }
    answers = []
    for item in session.visible_items(checklist):
        entry = session.answers.get(item.id) or {}
        if entry.get("response") is None:
            continue
        answers.append(
            {
                "item": item.id,
                "requirements": list(entry.get("requirements") or item.requirements),
                "critical": bool(item.critical),
                "response": entry["response"],
                "reasons": list(session.reasons(item.id)),
            }
        )
    return {
        "kind": "contact",
        "checklist": session.checklist_id,
        "version": session.record["checklist"].get("version"),
        "month": str(session.record["completed_at"])[:7],
        "setup": setup,
        "flagged": session.flagged,
        "answers": answers,
        "author": opaque_id(author_sign_public),
    }


def supervision_part(month: str, practitioner_sign_public: bytes) -> dict:
    return {
        "kind": "supervision",
        "month": month,
        "practitioner": opaque_id(practitioner_sign_public),
    }


def _context(author_id: str, month: str) -> bytes:
    return f"stepping-stones/report-index:{author_id}:{month}".encode()


def _number(month: str) -> int:
    return int(month.replace("-", ""))


class PartWriter:
    """Adds parts to a person's month entries, through their sealed index."""

    def __init__(
        self,
        data_dir: Path,
        people: PeopleStore,
        readers_for: Callable[[str], dict[str, bytes]],
        folder: Callable[[str], Path],
    ) -> None:
        self.data_dir = Path(data_dir)
        self.people = people
        self.readers_for = readers_for
        self.folder = folder

    def index_file(self, author_id: str) -> StoreFile:
        return StoreFile(self.folder(author_id) / INDEX, "report-index", quarantine=True)

    def covered(self, author_id: str) -> dict[str, set[str]]:
        """Month -> the keys (session ids, `supervision:<record id>`) with a part, as the
        index says in clear (read without creating or changing anything)."""
        path = self.folder(author_id) / INDEX
        try:
            rows = raw_table(path, TABLE) if path.is_file() else []
        except StoreError:
            return {}
        out: dict[str, set[str]] = {}
        for row in rows:
            if isinstance(row.get("month"), str) and isinstance(row.get("keys"), list):
                out.setdefault(row["month"], set()).update(str(k) for k in row["keys"])
        return out

    def up_to_date(self, author_id: str) -> bool:
        """Whether the person's index was checked (or written) after their last finished
        session and supervision record were: then signing in need not look for sessions
        without parts. Only a shortcut: a wrong answer delays parts, never invents one."""
        folder = self.folder(author_id)
        try:
            index = (folder / INDEX).stat().st_mtime_ns
            others = [p.stat().st_mtime_ns for p in folder.glob("*.json") if p.name != INDEX]
        except OSError:
            return False
        return index >= max(others, default=0)

    def mark_checked(self, author_id: str) -> None:
        """Every session and record of this person that could have a part has one."""
        path = self.folder(author_id) / INDEX
        try:
            if path.is_file():
                os.utime(path)
        except OSError:
            pass

    def add(self, author_id: str, month: str, new: dict[str, dict], writer: Person) -> bool:
        """Add parts (key -> part) to `author_id`'s entry for `month`, signed by `writer` (the
        author or a supervisor, signed in). False, with nothing written, when there is no report
        key yet or the month's index is not shared with `writer` (its author or another
        supervisor adds them at their next sign-in)."""
        if writer.private_key is None or writer.public is None:
            return False
        public = ReportKeys(self.people).public()
        if public is None:
            return False
        readers = self.readers_for(author_id)
        if writer.id not in readers:
            return False
        file = self.index_file(author_id)
        file.path.parent.mkdir(parents=True, exist_ok=True)
        context = _context(author_id, month)
        with file.transaction() as db:
            table = file.table(db, TABLE)
            row = table.get(doc_id=_number(month))
            entry_id, parts = new_entry_id(), {}
            if row is not None:
                opened = self._open(dict(row), writer, context)
                if opened is None:
                    return False
                entry_id, parts = opened
            if all(key in parts for key in new):
                return True
            parts.update(new)
            keys = sorted(parts)
            blob = pack([parts[k] for k in keys])
            entry = sealed_entry(entry_id, [], writer.private_key, public, blob)
            put_entry(self.data_dir, month, entry)
            content_key = new_content_key()
            sealed = seal(
                {"entry": entry_id, "keys": keys, "parts": b64(blob)}, content_key, context
            )
            wraps = {pid: wrap_for(content_key, pub, context) for pid, pub in readers.items()}
            record = {"month": month, "keys": keys, "sealed": sealed, "readers": wraps}
            table.upsert(doc(record, _number(month)))  # the same fields, all replaced
        return True

    def _open(self, row: dict, writer: Person, context: bytes) -> tuple[str, dict] | None:
        wrap = wrap_for_reader(
            {"readers": row.get("readers") or {}}, writer.id, writer.public, writer.private_key
        )
        if wrap is None:
            return None
        try:
            key = unwrap(wrap, writer.private_key, context)
            content = open_sealed(row["sealed"], key, context)
            keys, entry_id = content["keys"], content["entry"]
            parts = expand(unb64(content["parts"]))
        except (SealError, KeyError, TypeError, ValueError):
            return None  # damaged: left as it is (a new entry would count its parts twice)
        if not isinstance(entry_id, str) or len(keys) != len(parts):
            return None
        return entry_id, dict(zip(keys, parts, strict=True))
