"""Checklist sessions: the record of one contact, from the first answer to the reflection.

Layout on disk, chosen so that a key press costs the same however much history a service has:
each person has a folder `sessions/<person id>/` with `drafts.json` (their unfinished sessions:
a few kilobytes, rewritten on every answer) and one archive file per month of finishing
(`archive-2026-11.json`), written once when a session is finished.

A record keeps what listing needs (ids, author, checklist, timestamps, status) apart from
`content` (setup, answers, reflection, flag), so that the content can be sealed as a whole.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from checklists import NEEDS_REASON, RESPONSES, Checklist, Item

from .errors import InvalidInput, NotFound, ReadOnlySession
from .files import StoreFile, doc
from .people import now_iso, now_precise

TABLE = "sessions"
DRAFT = "draft"
COMPLETE = "complete"
SETUP_DEFAULTS = {"setting": "clinic", "stage": "antenatal", "case_ref": ""}
NOTE_LIMIT = 2000
REFLECTION_LIMIT = 4000


def _doc_id(session_id: str) -> int:
    return uuid.UUID(session_id).int


@dataclass
class Session:
    """A session record and the few rules that keep it honest (a finished one is read-only)."""

    record: dict

    # -- reading -----------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.record["id"]

    @property
    def author(self) -> str:
        return self.record["author"]

    @property
    def status(self) -> str:
        return self.record["status"]

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def checklist_id(self) -> str:
        return self.record["checklist"]["id"]

    @property
    def checklist_hash(self) -> str:
        return self.record["checklist"]["hash"]

    @property
    def revision(self) -> int:
        return int(self.record.get("revision", 0))

    @property
    def content(self) -> dict:
        return self.record["content"]

    @property
    def setup(self) -> dict:
        return self.content["setup"]

    @property
    def answers(self) -> dict:
        return self.content["answers"]

    @property
    def reflection(self) -> dict:
        return self.content["reflection"]

    @property
    def flagged(self) -> bool:
        return bool(self.content.get("flagged", False))

    def response(self, item_id: str) -> str | None:
        return self.answers.get(item_id, {}).get("response")

    def responses(self) -> dict[str, str | None]:
        return {item_id: a.get("response") for item_id, a in self.answers.items()}

    def visible_items(self, checklist: Checklist) -> list[Item]:
        return checklist.visible_items(self.setup, self.responses())

    def first_unanswered(self, checklist: Checklist) -> int:
        """Where resuming starts: the first shown item with no answer, else the last one."""
        items = self.visible_items(checklist)
        for index, item in enumerate(items):
            if self.response(item.id) is None:
                return index
        return max(len(items) - 1, 0)

    def unanswered(self, checklist: Checklist) -> list[Item]:
        return [item for item in self.visible_items(checklist) if self.response(item.id) is None]

    # -- changing ----------------------------------------------------------------------------
    def _touch(self) -> None:
        if not self.is_draft:
            raise ReadOnlySession()
        self.record["revision"] = self.revision + 1
        self.record["updated_at"] = now_iso()

    def _answer_entry(self, item: Item) -> dict:
        entry = self.answers.setdefault(
            item.id,
            {"response": None, "reason": None, "note": "", "answered_at": None},
        )
        # The wording as it was answered, so the session reads the same after the checklist
        # changes.
        entry["prompt"] = item.prompt
        entry["requirements"] = list(item.requirements)
        # When this entry last changed: merging two windows' edits keeps the later one.
        entry["changed_at"] = now_precise()
        return entry

    def answer(self, item: Item, response: str) -> None:
        if response not in RESPONSES:
            raise InvalidInput(f"'{response}' is not an answer.")
        self._touch()
        entry = self._answer_entry(item)
        if entry["response"] != response and response not in NEEDS_REASON:
            entry["reason"] = None
        entry["response"] = response
        entry["answered_at"] = now_iso()

    def set_reason(self, item: Item, reason_id: str | None) -> None:
        self._touch()
        entry = self._answer_entry(item)
        if entry["response"] not in NEEDS_REASON and reason_id is not None:
            raise InvalidInput("A reason goes with Partly or Not done.")
        entry["reason"] = reason_id

    def set_note(self, item: Item, note: str) -> None:
        note = note.strip()
        if len(note) > NOTE_LIMIT:
            raise InvalidInput(f"A note can be up to {NOTE_LIMIT} characters.")
        self._touch()
        self._answer_entry(item)["note"] = note

    def set_reflection(self, prompt_id: str, text: str) -> None:
        if len(text) > REFLECTION_LIMIT:
            raise InvalidInput(f"Each reflection can be up to {REFLECTION_LIMIT} characters.")
        self._touch()
        self.reflection[prompt_id] = text

    def set_flagged(self, flagged: bool) -> None:
        self._touch()
        self.content["flagged"] = bool(flagged)

    def copy(self) -> Session:
        return Session(copy.deepcopy(self.record))

    # -- views -------------------------------------------------------------------------------
    def json_view(self, author_name: str) -> dict:
        """The shape `sessions list --json` promises."""
        r = self.record
        return {
            "id": r["id"],
            "author": author_name,
            "checklist": {"id": r["checklist"]["id"], "version": r["checklist"]["version"]},
            "status": r["status"],
            "started_at": r["started_at"],
            "updated_at": r["updated_at"],
            "completed_at": r.get("completed_at"),
            "setup": dict(self.setup),
            "answers": {
                item_id: {
                    "response": a.get("response"),
                    "reason": a.get("reason"),
                    "note": a.get("note", ""),
                    "requirements": list(a.get("requirements", [])),
                }
                for item_id, a in self.answers.items()
            },
            "reflection": dict(self.reflection),
            "flagged": self.flagged,
        }


def merge_drafts(disk: dict, mine: dict) -> dict:
    """Combine two edits of one draft so that no answer, note or reflection is lost.

    Each answer keeps whichever side changed it last; reflection fields keep this window's
    text unless it is empty; the flag is kept if either side set it.
    """
    merged = copy.deepcopy(mine)
    answers = merged["content"]["answers"]
    for item_id, theirs in disk["content"].get("answers", {}).items():
        ours = answers.get(item_id)
        if ours is None or theirs.get("changed_at", "") > ours.get("changed_at", ""):
            answers[item_id] = copy.deepcopy(theirs)
    reflection = merged["content"]["reflection"]
    for prompt_id, text in disk["content"].get("reflection", {}).items():
        if text and not reflection.get(prompt_id):
            reflection[prompt_id] = text
    merged["content"]["flagged"] = bool(
        merged["content"].get("flagged") or disk["content"].get("flagged")
    )
    merged["revision"] = max(int(disk.get("revision", 0)), int(mine.get("revision", 0))) + 1
    merged["updated_at"] = max(disk.get("updated_at", ""), mine.get("updated_at", ""))
    return merged


def new_session(author_id: str, checklist: Checklist, setup: dict) -> Session:
    stamp = now_iso()
    full_setup = {**SETUP_DEFAULTS, **{q.id: False for q in checklist.setup_questions}, **setup}
    return Session(
        {
            "id": str(uuid.uuid4()),
            "author": author_id,
            "checklist": {
                "id": checklist.id,
                "version": checklist.version,
                "hash": checklist.content_hash,
                "title": checklist.title,
            },
            "status": DRAFT,
            "revision": 1,
            "started_at": stamp,
            "updated_at": stamp,
            "completed_at": None,
            "content": {"setup": full_setup, "answers": {}, "reflection": {}, "flagged": False},
        }
    )


class SessionStore:
    """Per-person draft and archive files under `<data dir>/sessions/`."""

    def __init__(self, root: Path, notices: list[str] | None = None) -> None:
        self.root = Path(root)
        self.notices = notices if notices is not None else []
        self._files: dict[Path, StoreFile] = {}

    def _file(self, path: Path, kind: str) -> StoreFile:
        if path not in self._files:
            self._files[path] = StoreFile(path, kind, quarantine=True, notices=self.notices)
        return self._files[path]

    def person_dir(self, person_id: str) -> Path:
        return self.root / person_id

    def drafts_file(self, person_id: str) -> StoreFile:
        return self._file(self.person_dir(person_id) / "drafts.json", "drafts")

    def archive_file(self, person_id: str, month: str) -> StoreFile:
        return self._file(self.person_dir(person_id) / f"archive-{month}.json", "archive")

    def archive_files(self, person_id: str) -> list[StoreFile]:
        folder = self.person_dir(person_id)
        if not folder.is_dir():
            return []
        return [
            self.archive_file(person_id, p.stem.removeprefix("archive-"))
            for p in sorted(folder.glob("archive-*.json"))
        ]

    # -- writing -----------------------------------------------------------------------------
    def save_draft(self, session: Session) -> int:
        """Put the draft on disk; returns the revision now stored.

        When the copy on disk is as new as this one or newer, another window (or another copy
        of the app) has saved the same draft meanwhile: the two are merged, each answer keeping
        its latest change, rather than one overwriting the other.
        """
        if not session.is_draft:
            raise ReadOnlySession()
        file = self.drafts_file(session.author)
        with file.transaction() as db:
            table = file.table(db, TABLE)
            current = table.get(doc_id=_doc_id(session.id))
            record = session.record
            if current is not None and int(current.get("revision", 0)) >= session.revision:
                if dict(current) == record:
                    return int(current["revision"])
                record = merge_drafts(dict(current), record)
            table.upsert(doc(copy.deepcopy(record), _doc_id(session.id)))
        return int(record["revision"])

    def finish(self, session: Session) -> Session:
        """Move a draft into the archive: archive first, then drop the draft.

        A crash between the two leaves the session in both files; reading prefers the
        archive and the next save cleans the draft, so nothing is lost or doubled.
        """
        if not session.is_draft:
            raise ReadOnlySession()
        drafts = self.drafts_file(session.author)
        with drafts.transaction() as db:
            current = drafts.table(db, TABLE).get(doc_id=_doc_id(session.id))
        done = session.copy()
        if current is not None and dict(current) != session.record:
            done = Session(merge_drafts(dict(current), session.record))
        stamp = now_iso()
        done.record.update(
            status=COMPLETE, completed_at=stamp, updated_at=stamp, revision=done.revision + 1
        )
        archive = self.archive_file(session.author, stamp[:7])
        with archive.transaction() as db:
            archive.table(db, TABLE).upsert(doc(copy.deepcopy(done.record), _doc_id(done.id)))
        self._drop_draft(session.author, session.id)
        return done

    def _drop_draft(self, person_id: str, session_id: str) -> None:
        drafts = self.drafts_file(person_id)
        with drafts.transaction() as db:
            table = drafts.table(db, TABLE)
            if table.contains(doc_id=_doc_id(session_id)):
                table.remove(doc_ids=[_doc_id(session_id)])

    def discard_draft(self, session: Session) -> None:
        if not session.is_draft:
            raise ReadOnlySession()
        self._drop_draft(session.author, session.id)

    def write_archive_bulk(self, person_id: str, records: Iterable[dict]) -> None:
        """Write many finished sessions with one rewrite per month (the demo store)."""
        by_month: dict[str, list[dict]] = {}
        for record in records:
            by_month.setdefault(record["completed_at"][:7], []).append(record)
        for month, group in by_month.items():
            file = self.archive_file(person_id, month)
            with file.transaction() as db:
                file.table(db, TABLE).insert_multiple(doc(r, _doc_id(r["id"])) for r in group)

    def write_drafts_bulk(self, person_id: str, records: Iterable[dict]) -> None:
        file = self.drafts_file(person_id)
        with file.transaction() as db:
            file.table(db, TABLE).insert_multiple(doc(r, _doc_id(r["id"])) for r in records)

    # -- reading -----------------------------------------------------------------------------
    def drafts(self, person_id: str) -> list[Session]:
        file = self.drafts_file(person_id)
        if not file.exists():
            return []
        with file.transaction() as db:
            records = [dict(r) for r in file.table(db, TABLE).all()]
        finished = {s.id for s in self.finished(person_id)} if records else set()
        for record in records:
            if record["id"] in finished:
                # Left behind by a crash (or a late save) after finishing: the archive wins.
                self._drop_draft(person_id, record["id"])
        drafts = [Session(r) for r in records if r["id"] not in finished]
        return sorted(drafts, key=lambda s: s.record["updated_at"], reverse=True)

    def finished(self, person_id: str) -> list[Session]:
        out: list[Session] = []
        for file in self.archive_files(person_id):
            with file.transaction() as db:
                out.extend(Session(dict(r)) for r in file.table(db, TABLE).all())
        return sorted(out, key=lambda s: s.record["completed_at"] or "", reverse=True)

    def all_for(self, person_id: str) -> list[Session]:
        return self.drafts(person_id) + self.finished(person_id)

    def get(self, person_id: str, session_id: str) -> Session:
        for session in self.all_for(person_id):
            if session.id == session_id:
                return session
        raise NotFound(f"There is no session {session_id}.")
