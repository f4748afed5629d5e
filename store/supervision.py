"""What supervision adds to a practitioner's sessions: comments and supervision records.

Both are kept with the practitioner's sessions, in `sessions/<person id>/supervision.json`,
and sealed the same way: the clear part says only who, when and which session; what was said
(a comment's text, a record's notes and actions) is sealed for the practitioner and their
supervisors, so a copied file reveals nothing and only those two can read it.

A comment is what a supervisor writes on one session ("let's talk about this"); the
practitioner sees new ones at their next sign-in. A supervision record is what was agreed in
a supervision meeting; the next summary starts from its date and shows its actions.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import NamedTuple

from checklists import dates

from .crypto import SealError, sign, signature_ok
from .errors import InvalidInput, NotFound, PermissionDenied, StoreError
from .files import StoreFile
from .people import PeopleStore, Person, now_iso
from .sealed_table import (
    Linked,
    SealedRecord,
    SealedTable,
    doc_id,
    in_person_folder,
    name_in,
    note_once,
)

COMMENTS = "comments"
RECORDS = "records"
FILE_NAME = "supervision.json"
COMMENT_LIMIT = 2000
NOTES_LIMIT = 8000
ACTION_LIMIT = 300
MAX_ACTIONS = 20
MAX_PRESENT = 10


def signed_part(record: dict) -> bytes:
    """What a writer's signature covers: who wrote what about whom, when, and the sealed
    content itself. Not who may read it (re-sharing changes that) nor seen / done / revision
    (the clear part either person may change later)."""
    sealed = record.get("sealed") or {}
    part = {
        "v": 1,
        "kind": record.get("kind"),
        "id": record.get("id"),
        "author": record.get("author"),
        "by": record.get("by"),
        "session_id": record.get("session_id"),
        "date": record.get("date"),
        "created_at": record.get("created_at"),
        "content": sealed.get("content"),
    }
    return json.dumps(part, sort_keys=True, separators=(",", ":")).encode()


def context(record: dict) -> bytes:
    """What the sealed part is bound to: moving it to another person or kind breaks it."""
    return f"{record['kind']}|{record['id']}|{record['author']}".encode()


def was_supervisor(people: PeopleStore, person_id: str, writer_id: object, day: str) -> bool:
    """Whether `writer_id` was `person_id`'s supervisor on `day`: the one place that question
    is asked. A signed store answers from its signed changes' dates (a link made as the person
    joined counts from the start); an old store not signed yet can only say who supervises
    them now."""
    if not isinstance(writer_id, str):
        return False
    try:
        _, directory = people.read_directory()
    except StoreError:
        return False
    if directory.signed:
        return directory.supervised_on(person_id, writer_id, day)
    person = people.get(person_id)
    return person is not None and writer_id in person.supervisors


class Ignored(NamedTuple):
    """A supervision record a summary did not start from, and why (in plain words)."""

    record: dict
    why: str


class NotSharedEntry(StoreError):
    """Sealed for its readers, and this person is not (yet) one of them."""


@dataclass
class Entry(SealedRecord):
    """A comment or a supervision record, opened: `record` in clear, `content` unsealed."""

    record: dict
    content: dict
    key: bytes | None = field(default=None, repr=False, compare=False)
    readers: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def by(self) -> str:
        return self.record["by"]

    @property
    def revision(self) -> int:
        return int(self.record.get("revision", 1))


class Comment(Entry):
    @property
    def session_id(self) -> str:
        return self.record["session_id"]

    @property
    def text(self) -> str:
        return self.content.get("text", "")

    @property
    def seen(self) -> bool:
        return bool(self.record.get("seen_at"))

    def json_view(self, names: dict[str, str]) -> dict:
        return {
            "id": self.id,
            "session_id": self.session_id,
            "by": names.get(self.by, "unknown"),
            "created_at": self.record["created_at"],
            "seen": self.seen,
            "text": self.text,
        }


class SupervisionRecord(Entry):
    @property
    def date(self) -> str:
        return self.record["date"]

    @property
    def actions(self) -> list[dict]:
        """The agreed actions as written (sealed and signed), each with whether it is done
        now (kept in the clear part: either person ticks it off without re-signing)."""
        done = self.record.get("done") or {}
        return [
            {**action, "done": bool(done.get(action.get("id"), action.get("done", False)))}
            for action in self.content.get("actions", [])
        ]

    def json_view(self, names: dict[str, str]) -> dict:
        return {
            "id": self.id,
            "date": self.date,
            "by": names.get(self.by, "unknown"),
            "of": names.get(self.author, "unknown"),
            "created_at": self.record["created_at"],
            "updated_at": self.record["updated_at"],
            "present": list(self.content.get("present", [])),
            "sessions": list(self.content.get("sessions", [])),
            "notes": self.content.get("notes", ""),
            "actions": [dict(a) for a in self.actions],
        }


KINDS: dict[str, type[Entry]] = {"comment": Comment, "record": SupervisionRecord}
TABLES = {"comment": COMMENTS, "record": RECORDS}


def parse_date(text: str, what: str = "date") -> str:
    try:
        return dates.parse_day(text, what).isoformat()
    except dates.DateError as exc:
        raise InvalidInput(str(exc)) from None


def _meeting_date(when: str | None, stamp: str) -> str:
    if not when:
        return stamp[:10]
    day = parse_date(when)
    if day > Date.today().isoformat():
        raise InvalidInput(
            f"The meeting date {day} is in the future: write the record on or after the day."
        )
    return day


def new_action(text: str, owner: str, due: str | None = None) -> dict:
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("An agreed action needs some words.")
    if len(text) > ACTION_LIMIT:
        raise InvalidInput(f"An agreed action can be up to {ACTION_LIMIT} characters.")
    return {
        "id": uuid.uuid4().hex[:12],
        "text": text,
        "owner": owner,
        "due": parse_date(due, "due date") if due else None,
        "done": False,
    }


class SupervisionStore:
    def __init__(
        self, root: Path, people: PeopleStore, readers_for, notices: list[str] | None = None
    ) -> None:
        self.root = Path(root)
        self.people = people
        # Who may read what is written about a practitioner: the same people as their sessions.
        self.readers_for = readers_for
        self.notices = notices if notices is not None else []
        self.sealed = SealedTable(
            self.root, readers_for, context, self.notices, whose=name_in(people)
        )

    def file(self, author_id: str) -> StoreFile:
        return self.sealed.file(author_id, FILE_NAME, "supervision")

    # -- sealing -----------------------------------------------------------------------------
    def seal_entry(self, entry: Entry, writer: Person) -> dict:
        """The on-disk form, sealed for its readers and signed by its writer. Written once:
        later changes (seen, done, readers) touch only the clear part, so the signature
        holds."""
        clear = {k: v for k, v in entry.record.items() if k not in ("sealed", "signature")}
        record = self.sealed.seal(entry, clear, entry.content)
        if writer.private_key is None or writer.id != record["by"]:
            raise PermissionDenied("Only the person who writes a supervision note signs it.")
        record["signature"] = sign(writer.private_key, signed_part(record))
        return record

    def check_signature(self, record: dict, signer: Person | None = None) -> None:
        """SealError unless the entry was signed by the person it says wrote it."""
        signer = signer or self.people.get(record.get("by") or "")
        signature = record.get("signature")
        if (
            signer is None
            or not isinstance(signature, str)
            or not signature_ok(signer.sign_publics, signed_part(record), signature)
        ):
            raise SealError(
                f"A supervision {record.get('kind', 'entry')} could not be checked as written by "
                "the person it names: it may have been altered, so it is not shown."
            )

    def open_entry(self, record: dict, reader: Person, signer: Person | None = None) -> Entry:
        wrap = self.sealed.wrap_of(record, reader)
        if wrap is None:
            raise NotSharedEntry(
                f"A supervision {record.get('kind', 'entry')} has not been shared with "
                f"{reader.name} yet."
            )
        self.check_signature(record, signer)
        opened = self.sealed.unseal(record, wrap, reader)
        kind = KINDS.get(record.get("kind"), Entry)
        return kind(opened.clear, opened.content, opened.key, opened.readers)

    # -- permissions -------------------------------------------------------------------------
    def _require_supervisor(self, by: Person, author_id: str, what: str) -> Person:
        author = self.people.get(author_id)
        if author is None:
            raise NotFound("That person is not in this store.")
        if by.id not in author.supervisors:
            raise PermissionDenied(
                f"Only {author.name}'s supervisor can {what}; you are not their supervisor."
            )
        return author

    def _require_reader(self, reader: Person, author_id: str) -> None:
        author = self.people.get(author_id)
        if author is None or not (author.id == reader.id or reader.id in author.supervisors):
            raise PermissionDenied(
                "You can only read supervision of your own work or your supervisees'."
            )

    # -- writing -----------------------------------------------------------------------------
    def _add(
        self, kind: str, by: Person, author_id: str, about: dict, content: dict, stamp: str, **after
    ):
        """Write a new entry of `kind` by `by` about `author_id`, signed by them: `about` says
        what it concerns (a session, a meeting's date), `content` is what is sealed."""
        entry = KINDS[kind](
            {
                "id": str(uuid.uuid4()),
                "kind": kind,
                "author": author_id,
                "by": by.id,
                **about,
                "created_at": stamp,
                "updated_at": stamp,
                "revision": 1,
                **after,
            },
            content,
        )
        self.sealed.put(self.file(author_id), TABLES[kind], self.seal_entry(entry, by))
        return entry

    def add_comment(self, by: Person, author_id: str, session_id: str, text: str) -> Comment:
        """A supervisor's comment on one of their supervisee's sessions."""
        self._require_supervisor(by, author_id, "comment on their sessions")
        text = text.strip()
        if not text:
            raise InvalidInput("A comment needs some words.")
        if len(text) > COMMENT_LIMIT:
            raise InvalidInput(f"A comment can be up to {COMMENT_LIMIT} characters.")
        about = {"session_id": session_id}
        return self._add("comment", by, author_id, about, {"text": text}, now_iso(), seen_at=None)

    def add_record(
        self,
        by: Person,
        of: Person,
        notes: str,
        when: str | None = None,
        present: list[str] | None = None,
        sessions: list[str] | None = None,
        actions: list[dict] | None = None,
    ) -> SupervisionRecord:
        """What was agreed in a supervision meeting with `of`."""
        self._require_supervisor(by, of.id, "write their supervision record")
        notes = notes.strip()
        if len(notes) > NOTES_LIMIT:
            raise InvalidInput(f"Supervision notes can be up to {NOTES_LIMIT} characters.")
        actions = list(actions or [])
        if len(actions) > MAX_ACTIONS:
            raise InvalidInput(f"A record can hold up to {MAX_ACTIONS} agreed actions.")
        present = [" ".join(p.split()) for p in (present or [by.name, of.name]) if p.strip()]
        if len(present) > MAX_PRESENT:
            raise InvalidInput(f"Name up to {MAX_PRESENT} people who were there.")
        stamp = now_iso()
        content = {
            "present": present,
            "sessions": list(sessions or []),
            "notes": notes,
            "actions": actions,
        }
        return self._add("record", by, of.id, {"date": _meeting_date(when, stamp)}, content, stamp)

    def set_action_done(
        self, reader: Person, author_id: str, record_id: str, action_id: str, done: bool
    ) -> SupervisionRecord:
        """The practitioner or their supervisor marks an agreed action done (or not)."""
        record = self.record(reader, author_id, record_id)
        if action_id not in {a.get("id") for a in record.actions}:
            raise NotFound("That action is not in this supervision record.")
        file = self.file(author_id)
        with file.transaction() as db:
            table = file.table(db, RECORDS)
            current = dict(table.get(doc_id=doc_id(record_id)) or record.record)
            ticks = {**(current.get("done") or {}), action_id: bool(done)}
            clear = {
                "done": ticks,
                "revision": int(current.get("revision", 1)) + 1,
                "updated_at": now_iso(),
            }
            table.update(clear, doc_ids=[doc_id(record_id)])
        record.record.update(clear)
        return record

    def mark_seen(self, reader: Person, comments: list[Comment]) -> None:
        """The practitioner has seen these comments (only they can mark them)."""
        ids = {c.id for c in comments if c.author == reader.id and not c.seen}
        if not ids:
            return
        stamp = now_iso()
        file = self.file(reader.id)
        with file.transaction() as db:
            table = file.table(db, COMMENTS)
            for entry_id in ids:
                if table.contains(doc_id=doc_id(entry_id)):
                    table.update({"seen_at": stamp}, doc_ids=[doc_id(entry_id)])
        for comment in comments:
            if comment.id in ids:
                comment.record["seen_at"] = stamp

    # -- reading -----------------------------------------------------------------------------
    @staticmethod
    def kind_of(path: Path) -> str | None:
        """The kind "supervision" for a person's supervision file under `sessions/`, else None."""
        if path.name == FILE_NAME and in_person_folder(path):
            return "supervision"
        return None

    def table(self, author_id: str, db, kind: str):
        """The table of `kind` ("comment" or "record") in the file held open in
        `self.file(author_id).transaction()`."""
        return self.file(author_id).table(db, TABLES[kind])

    def peek(self, author_id: str, kind: str) -> list[dict]:
        """Entries of `kind` read straight from disk: never creates, migrates or sets aside a
        file (a dry run must not change one byte)."""
        return self.sealed.peek(author_id, FILE_NAME, TABLES[kind])

    def raw(self, author_id: str, kind: str) -> list[dict]:
        file = self.file(author_id)
        if not file.exists():
            return []
        return self.sealed.rows(file, TABLES[kind])

    def _entries(
        self, reader: Person, author_id: str, kind: str, problems: list[StoreError] | None
    ) -> list:
        """The entries of `kind` about `author_id` that `reader` can open; one about someone
        else (moved or copied into this person's file) is named, never opened as theirs."""
        self._require_reader(reader, author_id)
        try:
            rows = self.raw(author_id, kind)
        except Linked as exc:
            if problems is None:
                raise
            note_once(problems, exc)
            return []
        return self.sealed.open_each(
            rows,
            lambda record: self.open_entry(record, reader),
            problems,
            lambda _record: f"A supervision {kind} is damaged, so it cannot be opened.",
            owner=author_id,
            elsewhere=lambda _record, where: (
                f"A supervision {kind} in {where} is about someone else"
            ),
        )

    def comments(
        self, reader: Person, author_id: str, problems: list[StoreError] | None = None
    ) -> list[Comment]:
        entries = self._entries(reader, author_id, "comment", problems)
        return sorted(entries, key=lambda c: c.record["created_at"])

    def unseen_comments(self, person: Person, problems: list[StoreError] | None = None):
        """New comments on this person's own sessions, oldest first."""
        return [
            c
            for c in self.comments(person, person.id, problems)
            if not c.seen and c.by != person.id
        ]

    def records(
        self, reader: Person, author_id: str, problems: list[StoreError] | None = None
    ) -> list[SupervisionRecord]:
        """Supervision records about `author_id`, newest meeting first."""
        entries = self._entries(reader, author_id, "record", problems)
        return sorted(entries, key=lambda r: (r.date, r.record["created_at"]), reverse=True)

    def record(self, reader: Person, author_id: str, record_id: str) -> SupervisionRecord:
        for record in self.records(reader, author_id):
            if record.id == record_id:
                return record
        raise NotFound(f"There is no supervision record {record_id}.")

    def last_record_date(self, author_id: str, until: str | None = None) -> str | None:
        """The date of the latest verified meeting on or before `until` (default: today)."""
        last, _ignored = self.last_verified(author_id, until)
        return last["date"] if last else None

    def last_verified(
        self, author_id: str, until: str | None = None
    ) -> tuple[dict | None, list[Ignored]]:
        """The latest supervision record on or before `until` (default: today) whose
        signature holds and whose writer was the person's supervisor on its date, as stored;
        and the later ones that were passed over, each with why. Read from the clear part and
        the public keys alone (no passphrase needed), so a summary's period never starts from
        a record nobody can vouch for."""
        until = until or Date.today().isoformat()
        try:
            rows = self.raw(author_id, "record")
        except Linked:  # nothing through a link is theirs (named when their records are read)
            return None, []
        candidates = [r for r in rows if isinstance(r.get("date"), str) and r["date"] <= until]
        candidates.sort(key=lambda r: (r["date"], str(r.get("created_at"))), reverse=True)
        ignored: list[Ignored] = []
        for record in candidates:
            why = self._not_to_count(record, author_id)
            if why is None:
                return record, ignored
            ignored.append(Ignored(record, why))
        return None, ignored

    def _not_to_count(self, record: dict, author_id: str) -> str | None:
        if record.get("author") != author_id:  # moved or copied here from someone else's file
            return "about someone else: it was moved or copied into this person's file"
        try:
            self.check_signature(record)
        except StoreError:
            return "not signed by the person it names, or changed since (its date included)"
        if not was_supervisor(self.people, author_id, record.get("by"), record["date"]):
            return "written by someone who was not the person's supervisor on that date"
        return None

    # -- sharing -----------------------------------------------------------------------------
    def reshare(self, author_id: str, reader: Person) -> int:
        """Bring every entry about `author_id` in line with who may read it now (at sign-in)."""
        try:
            file = self.file(author_id)
        except Linked:  # never re-shared through a link (named when it is read)
            return 0
        if not file.exists():
            return 0
        needed = self.readers_for(author_id)
        return self.sealed.reshare(
            file,
            TABLES.values(),
            lambda record: self.sealed.rewrapped(
                record, needed, lambda it: self.open_entry(it, reader)
            ),
            author_id,
        )
