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
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from checklists import NEEDS_REASON, RESPONSES, Checklist, Item
from checklists.dates import month_before
from checklists.identifiers import find_identifiers, refused_summary

from . import session_manifest
from .crypto import open_sealed
from .errors import InvalidInput, NotFound, ReadOnlySession, StoreError
from .files import StoreFile, doc
from .people import PeopleStore, Person, now_iso, now_precise
from .sealed_table import FOLDER as FOLDER
from .sealed_table import (
    Linked,
    SealedRecord,
    SealedTable,
    doc_id,
    document,
    in_person_folder,
    name_in,
    note_once,
    replace,
)
from .sealed_table import NotTheirs as NotTheirs
from .sealed_table import owner_of as _owner_of
from .session_rules import DiscardedElsewhere as DiscardedElsewhere
from .session_rules import FinishedElsewhere as FinishedElsewhere
from .session_rules import NotShared as NotShared
from .session_rules import answer_reasons as answer_reasons
from .session_rules import check_answers, check_shape, context
from .session_rules import merge_drafts as merge_drafts
from .session_signing import SIGNATURE, Trust, signed, unsigned

TABLE = "sessions"
_DRAFTS = "drafts.json"
_KINDS = {_DRAFTS: "drafts", "history.json": "history", "conflicts.json": "conflicts"}
DRAFT = "draft"
COMPLETE = "complete"
# The status every session in a file of each kind has (a drafts file also holds markers).
STATUS_IN = {"drafts": DRAFT, "archive": COMPLETE}
# Copies an import kept aside: older revisions ("history") and incoming conflicts; the table
# they are kept in, in each of those files.
KEPT = ("history", "conflicts")
KEPT_TABLE = "records"
SETUP_DEFAULTS = {"setting": "clinic", "stage": "antenatal", "case_ref": ""}
NOTE_LIMIT = 2000
TOMBSTONE_KEEP = timedelta(days=7)
REFLECTION_LIMIT = 4000


def archive_month(record: dict) -> str:
    """The month (YYYY-MM) of the archive file a finished session is kept in."""
    return record["completed_at"][:7]


def is_marker(record: dict) -> bool:
    """Whether a record in a drafts file is the marker a finished or deleted draft leaves."""
    return bool(record.get("finished"))


def finished_marker(session_id: str, stamp: str) -> dict:
    """What replaces a draft once it is finished, so a window still holding it cannot revive
    it (cleared after a week)."""
    return {"id": session_id, "finished": stamp}


class _ContentPart:
    """A part of an opened session's content, read by its name: the dict itself, so that a
    change to it is a change to the session."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, session: Session | None, owner: type | None = None):
        return self if session is None else session.content[self.name]


@dataclass
class Session(SealedRecord):
    """A session record and the few rules that keep it honest (a finished one is read-only)."""

    record: dict
    # The session's own content key and the wrapped copies of it for each reader.
    key: bytes | None = field(default=None, repr=False, compare=False)
    readers: dict = field(default_factory=dict, repr=False, compare=False)
    # The author's private key, when the author opened it: every save is signed with it.
    signer: object | None = field(default=None, repr=False, compare=False)

    # -- reading -----------------------------------------------------------------------------
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

    setup = _ContentPart()
    answers = _ContentPart()
    reflection = _ContentPart()

    @property
    def flagged(self) -> bool:
        return bool(self.content.get("flagged", False))

    def response(self, item_id: str) -> str | None:
        return self.answers.get(item_id, {}).get("response")

    # The reasons of one answer entry (a dict from `answers`), for readers that hold the entry.
    reasons_of = staticmethod(answer_reasons)

    def reasons(self, item_id: str) -> list[str]:
        """The reasons given for an item, in the order chosen (old records: the one)."""
        return answer_reasons(self.answers.get(item_id, {}))

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
            {"response": None, "reason": None, "reasons": [], "note": "", "answered_at": None},
        )
        # The wording as it was answered, so the session reads the same after the checklist
        # changes.
        entry["prompt"] = item.prompt
        entry["requirements"] = list(item.requirements)
        # When this entry last changed: merging two windows' edits keeps the later one.
        entry["changed_at"] = self._next_stamp()
        return entry

    def answer(self, item: Item, response: str) -> None:
        if response not in RESPONSES:
            raise InvalidInput(f"'{response}' is not an answer.")
        self._touch()
        entry = self._answer_entry(item)
        if entry["response"] != response and response not in NEEDS_REASON:
            entry["reason"] = None
            entry["reasons"] = []
        entry["response"] = response
        entry["answered_at"] = now_iso()

    def set_reason(self, item: Item, reason_id: str | None) -> None:
        self.set_reasons(item, [] if reason_id is None else [reason_id])

    def set_reasons(self, item: Item, reason_ids: list[str]) -> None:
        """The reasons for Partly or Not done, in the order given; `reason` keeps the first
        for readers that know only one."""
        chosen = list(dict.fromkeys(r for r in reason_ids if isinstance(r, str) and r))
        self._touch()
        entry = self._answer_entry(item)
        if entry["response"] not in NEEDS_REASON and chosen:
            raise InvalidInput("A reason goes with Partly or Not done.")
        entry["reasons"] = chosen
        entry["reason"] = chosen[0] if chosen else None

    def set_note(self, item: Item, note: str) -> None:
        note = note.strip()
        if len(note) > NOTE_LIMIT:
            raise InvalidInput(f"A note can be up to {NOTE_LIMIT} characters.")
        _refuse_identifiers(note)
        self._touch()
        self._answer_entry(item)["note"] = note

    def set_reflection(self, prompt_id: str, text: str) -> None:
        if len(text) > REFLECTION_LIMIT:
            raise InvalidInput(f"Each reflection can be up to {REFLECTION_LIMIT} characters.")
        _refuse_identifiers(text)
        self._touch()
        self.reflection[prompt_id] = text
        self._stamp(f"reflection.{prompt_id}")

    def set_flagged(self, flagged: bool) -> None:
        self._touch()
        self.content["flagged"] = bool(flagged)
        self._stamp("flagged")

    def _stamp(self, what: str) -> None:
        # When each part last changed, so that merging two windows keeps the later change.
        self.content.setdefault("changed", {})[what] = self._next_stamp()

    def _next_stamp(self) -> str:
        """Now, or just after the latest change already in this session if the clock has
        gone back: a later change in one window must always win over an earlier one."""
        stamps = [a.get("changed_at") or "" for a in self.answers.values()]
        stamps += list(self.content.get("changed", {}).values())
        latest = max(stamps, default="")
        now = now_precise()
        if latest and now <= latest:
            moment = datetime.fromisoformat(latest) + timedelta(microseconds=1)
            return moment.isoformat(timespec="microseconds")
        return now

    def copy(self) -> Session:
        return Session(copy.deepcopy(self.record), self.key, dict(self.readers), self.signer)

    # -- views -------------------------------------------------------------------------------
    def json_view(self, author_name: str, shown: Collection[str] | None = None) -> dict:
        """The shape `sessions list --json` promises. `shown`: the ids of the items the
        session shows now (an answer to any other was taken back when an earlier answer
        hid its item); None when that cannot be worked out, and then every answer counts."""
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
                    "reason": (answer_reasons(a) or [None])[0],
                    "reasons": answer_reasons(a),
                    "note": a.get("note", ""),
                    "requirements": list(a.get("requirements", [])),
                    "shown": shown is None or item_id in shown,
                }
                for item_id, a in self.answers.items()
            },
            "reflection": dict(self.reflection),
            "flagged": self.flagged,
        }


def _refuse_identifiers(text: str) -> None:
    """What the guard refuses is never written, whichever front end asked."""
    refusal = refused_summary(find_identifiers(text))
    if refusal:
        raise InvalidInput(f"{refusal}. Please leave out anything that could identify her.")


def new_session(author_id: str, checklist: Checklist, setup: dict) -> Session:
    stamp = now_iso()
    full_setup = {
        **SETUP_DEFAULTS,
        **{q.id: False for q in checklist.setup_questions},
        **setup,
        **dict(checklist.setup_facts),  # what the moment of care already says
    }
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
    """Per-person draft and archive files under `<data dir>/sessions/`, sealed at rest."""

    def __init__(self, root: Path, people: PeopleStore, notices: list[str] | None = None) -> None:
        self.root = Path(root)
        self.people = people
        self.notices = notices if notices is not None else []
        self.sealed = SealedTable(
            self.root, self.readers_for, context, self.notices, whose=name_in(people)
        )
        # Called with each session just finished (the store seals its structured part).
        self.on_finish: Callable[[Session], None] | None = None

    def person_dir(self, person_id: str) -> Path:
        """The person's folder (`Linked` when it is a link: never read or written as theirs)."""
        return self.sealed.folder(person_id)

    def drafts_file(self, person_id: str) -> StoreFile:
        return self.sealed.file(person_id, _DRAFTS, "drafts")

    def archive_file(self, person_id: str, month: str) -> StoreFile:
        return self.sealed.file(person_id, f"archive-{month}.json", "archive")

    def archive_months(self, person_id: str, since: str | None = None) -> list[str]:
        """The months (YYYY-MM) with an archive file, oldest first; with `since` (a date or a
        month), only that month and later."""
        folder = self.person_dir(person_id)
        if not folder.is_dir():
            return []
        months = [p.stem.removeprefix("archive-") for p in sorted(folder.glob("archive-*.json"))]
        return [m for m in months if since is None or m >= since[:7]]

    def archive_files(
        self, person_id: str, since: str | None = None, problems: list[StoreError] | None = None
    ) -> list[StoreFile]:
        """The month files, oldest first. One that is a link is never read as theirs: without
        `problems` it raises `Linked`; with, it is added there and left out."""
        files = []
        for month in self.archive_months(person_id, since):
            try:
                files.append(self.archive_file(person_id, month))
            except Linked as exc:
                if problems is None:
                    raise
                note_once(problems, exc)
        return files

    def files_of(self, person_id: str) -> list[StoreFile]:
        """The person's drafts and month files that are theirs to re-share or vouch for: none
        through a link (named whenever they are read, and by `verify`)."""
        try:
            drafts = self.drafts_file(person_id)
            months = self.archive_files(person_id, problems=[])
        except Linked:
            return []
        return ([drafts] if drafts.exists() else []) + months

    def history_file(self, person_id: str) -> StoreFile:
        """Older copies that an import replaced with newer revisions (store/exchange)."""
        return self.sealed.file(person_id, "history.json", "history", keep=False)

    def conflicts_file(self, person_id: str) -> StoreFile:
        """Incoming copies that clashed with the copy here (store/exchange)."""
        return self.sealed.file(person_id, "conflicts.json", "conflicts", keep=False)

    @staticmethod
    def kind_of(path: Path) -> str | None:
        """What a file under `sessions/<person id>/` holds, by its name (None: not one of these
        files): "drafts", "archive", "history" or "conflicts"."""
        if not in_person_folder(path):
            return None
        if path.name.startswith("archive-") and path.suffix == ".json":
            return "archive"
        return _KINDS.get(path.name)

    owner_of = staticmethod(_owner_of)

    def table(self, file: StoreFile, db):
        """The sessions table of a drafts or archive file held open in `file.transaction()`."""
        return file.table(db, TABLE)

    def records_in(self, file: StoreFile) -> list[dict]:
        """Every record in a drafts or archive file, as stored."""
        return self.sealed.rows(file, TABLE)

    def peek(self, person_id: str, month: str | None = None) -> list[dict]:
        """The records of a person's drafts file (or, with `month`, that month's archive) read
        straight from disk: never creates, migrates or sets aside a file or folder (a dry run
        must not change one byte)."""
        name = _DRAFTS if month is None else f"archive-{month}.json"
        return self.sealed.peek(person_id, name, TABLE)

    # -- sealing -----------------------------------------------------------------------------
    def readers_for(self, author_id: str) -> dict[str, bytes]:
        """Who may read an author's sessions: the author and their supervisors (public keys)."""
        people = {p.id: p for p in self.people.all()}
        author = people.get(author_id)
        if author is None:
            return {}
        wanted = [author_id, *author.supervisors]
        return {pid: people[pid].public for pid in wanted if pid in people and people[pid].public}

    def seal_record(self, session: Session) -> dict:
        """The on-disk form: metadata in clear, content sealed, signed by its author when the
        author is the one saving it (`session.signer`)."""
        clear = {k: v for k, v in session.record.items() if k not in ("content", SIGNATURE)}
        record = self.sealed.seal(session, clear, session.content)
        return signed(record, session.signer) if session.signer is not None else record

    def trust(self) -> Trust:
        """What checking who wrote each session needs, read once for a whole listing."""
        return Trust.of(self.people.all(), self.vouched())

    def vouched(self) -> frozenset[str]:
        """Hashes of records from before signing that an admin's manifest vouches for."""
        return session_manifest.vouched_in(self.root.parent)

    def vouch_old_records(self, admin: Person) -> int:
        """The first admin sign-in after the upgrade: seal what is still in clear and sign a
        manifest of every record from before signing (`session_manifest`); how many."""
        folders = (
            sorted(p for p in self.root.iterdir() if p.is_dir() and not p.is_symlink())
            if self.root.is_dir()
            else []
        )
        files = [file for folder in folders for file in self.files_of(folder.name)]
        hashes = session_manifest.seal_and_collect(files, TABLE, self._sealed_clear)
        session_manifest.write(self.root.parent, admin, hashes)
        return len(set(hashes))

    def _sealed_clear(self, record: dict) -> dict:
        """A record from before sealing, sealed for its readers now (else itself)."""
        if "content" not in record or not self.readers_for(record["author"]):
            return record
        return self.seal_record(Session(unsigned(record)))

    def open_record(self, record: dict, reader: Person, trust: Trust | None = None) -> Session:
        """Open a record for `reader`; NotShared, Unverified (not signed by its author) or
        SealError when that cannot be done."""
        check_shape(record)
        trust = trust or self.trust()
        signer = reader.private_key if reader.id == record["author"] else None
        if "content" in record:  # written before sealing existed; sealed at the next sign-in
            trust.check(record)
            check_answers(record, record["content"])
            return Session(copy.deepcopy(record), signer=signer)
        wrap = self.sealed.wrap_of(record, reader)
        if wrap is None:
            trust.check(record)  # one nobody signed is named as such, not as "not shared"
            raise NotShared(f"Session {record.get('id')} has not been shared with {reader.name}.")
        # Unsealed first, so damage is named as damage; then whether its author signed it.
        opened = self.sealed.unseal(record, wrap, reader)
        trust.check(record)
        check_answers(record, opened.content)
        clear = {k: v for k, v in opened.clear.items() if k != SIGNATURE}
        return Session({**clear, "content": opened.content}, opened.key, opened.readers, signer)

    def _open_with_key(self, record: dict, session: Session) -> dict:
        """The disk copy of `session` (same content key), opened: for merging two windows."""
        if "content" in record:
            return dict(record)
        opened = {k: v for k, v in record.items() if k not in ("sealed", SIGNATURE)}
        opened["content"] = open_sealed(record["sealed"]["content"], session.key, context(record))
        return opened

    # -- writing -----------------------------------------------------------------------------
    def save_draft(self, session: Session) -> int:
        """Put the draft on disk, sealed; returns the revision now stored.

        Whatever is on disk is merged in first (each part keeps its latest change), so another
        window or another copy of the app saving the same draft never loses an answer. A draft
        finished elsewhere meanwhile is refused with FinishedElsewhere.
        """
        if not session.is_draft:
            raise ReadOnlySession()
        file = self.drafts_file(session.author)
        if session.key is None:
            self.seal_record(session)  # make the key and wraps before taking the lock
        with file.transaction() as db:
            table = file.table(db, TABLE)
            to_write = self._merged_with(table.get(doc_id=doc_id(session.id)), session)
            replace(table, self.seal_record(to_write))
        return to_write.revision

    def _merged_with(self, current: dict | None, session: Session) -> Session:
        """`session` combined with the copy of it on disk (None: nothing there yet)."""
        if current is None:
            return session
        current = dict(current)
        if current.get("discarded"):
            raise DiscardedElsewhere()
        if current.get("finished"):
            raise FinishedElsewhere()
        readers = dict(session.readers)
        # Keep any reader a re-share added on disk meanwhile.
        for pid, wrap in (current.get("sealed") or {}).get("readers", {}).items():
            readers.setdefault(pid, wrap)
        session.readers = readers
        on_disk = self._open_with_key(current, session)
        if on_disk == session.record:
            return session
        merged = merge_drafts(on_disk, unsigned(session.record))
        return Session(merged, session.key, readers, session.signer)

    def finish(self, session: Session) -> Session:
        """Move a draft into the archive: archive first, then drop the draft.

        A crash between the two leaves the session in both files; reading prefers the
        archive and removes the leftover draft, so nothing is lost or doubled.
        """
        if not session.is_draft:
            raise ReadOnlySession()
        if session.key is None:
            self.seal_record(session)
        drafts = self.drafts_file(session.author)
        with drafts.transaction() as db:
            current = drafts.table(db, TABLE).get(doc_id=doc_id(session.id))
        done = self._merged_with(current, session.copy())
        stamp = now_iso()
        done.record.update(
            status=COMPLETE, completed_at=stamp, updated_at=stamp, revision=done.revision + 1
        )
        archive = self.archive_file(session.author, archive_month(done.record))
        self.sealed.put(archive, TABLE, self.seal_record(done))
        self._leave_tombstone(session.author, session.id, stamp)
        if self.on_finish is not None:
            self.on_finish(done)
        return done

    def _leave_tombstone(self, person_id: str, session_id: str, stamp: str) -> None:
        """Replace the draft with a marker, so a window still holding it cannot revive it.

        Markers older than a week are cleared at the same time, keeping the file small.
        """
        cutoff = (datetime.fromisoformat(stamp) - TOMBSTONE_KEEP).isoformat()
        drafts = self.drafts_file(person_id)
        with drafts.transaction() as db:
            table = drafts.table(db, TABLE)
            old = [r.doc_id for r in table.all() if is_marker(r) and r["finished"] < cutoff]
            if old:
                table.remove(doc_ids=old)
            if table.contains(doc_id=doc_id(session_id)):
                table.remove(doc_ids=[doc_id(session_id)])  # upsert would only add fields
            table.insert(document(finished_marker(session_id, stamp)))

    def _drop_draft(self, person_id: str, session_id: str) -> None:
        drafts = self.drafts_file(person_id)
        with drafts.transaction() as db:
            table = drafts.table(db, TABLE)
            if table.contains(doc_id=doc_id(session_id)):
                table.remove(doc_ids=[doc_id(session_id)])

    def discard_draft(self, session: Session) -> None:
        if not session.is_draft:
            raise ReadOnlySession()
        self.discard(session.author, session.id)

    def discard(self, person_id: str, session_id: str) -> None:
        """Delete one unfinished checklist, leaving a marker so no window can bring it back.

        Checked and replaced under one lock: a draft finished in another window meanwhile
        is never turned into a deleted one. A finished session is never deleted.
        """
        try:
            number = doc_id(session_id)
        except ValueError:
            raise NotFound("There is no unfinished checklist with that id.") from None
        drafts = self.drafts_file(person_id)
        stamp = now_iso()
        with drafts.transaction() as db:
            table = drafts.table(db, TABLE)
            record = table.get(doc_id=number) if drafts.exists() else None
            is_draft = record is not None and record.get("id") == session_id
            if is_draft and not is_marker(record):
                table.remove(doc_ids=[number])
                marker = {**finished_marker(session_id, stamp), "discarded": True}
                table.insert(doc(marker, number))
                return
        finished = ReadOnlySession(
            "That session is finished. Finished sessions are kept and never deleted."
        )
        if self.metadata(person_id, session_id) is not None:
            raise finished
        if record is not None and record.get("discarded"):
            raise NotFound("That unfinished checklist was already deleted.")
        if record is not None and record.get("finished"):
            raise finished
        raise NotFound("There is no unfinished checklist with that id.")

    def write_archive_bulk(self, person_id: str, records: Iterable[dict]) -> None:
        """Write many finished (already sealed) sessions with one rewrite per month."""
        by_month: dict[str, list[dict]] = {}
        for record in records:
            by_month.setdefault(archive_month(record), []).append(record)
        for month, group in by_month.items():
            self.sealed.put_new(self.archive_file(person_id, month), TABLE, group)

    def write_drafts_bulk(self, person_id: str, records: Iterable[dict]) -> None:
        self.sealed.put_new(self.drafts_file(person_id), TABLE, records)

    # -- reading -----------------------------------------------------------------------------
    def _open_all(
        self,
        records: list[dict],
        owner: str,
        reader: Person,
        problems: list[StoreError] | None,
    ):
        """Open the records read from `owner`'s folder: one written by someone else (moved or
        copied there, or in a file swapped between two folders) is named, never opened, even
        though its own author's signature holds."""
        trust = self.trust()
        return self.sealed.open_each(
            records,
            lambda record: self.open_record(record, reader, trust),
            problems,
            _damaged,
            owner=owner,
            elsewhere=_written_elsewhere,
        )

    def draft_records(self, person_id: str) -> list[dict]:
        """The records of the person's drafts file, as stored, without finished markers or
        drafts already finished (`Linked` when the file or folder is a link). A record in it
        by someone else is kept here, to be named when opened."""
        file = self.drafts_file(person_id)
        if not file.exists():
            return []
        records = [r for r in self.records_in(file) if not is_marker(r)]
        if not records:
            return []
        # A draft is finished into the archive of a month no earlier than the one it started in
        # (one month of slack for a clock or time zone change): older months are not read.
        first = month_before(min(str(r.get("started_at") or "")[:7] for r in records))
        finished = {
            r.get("id")
            for f in self.archive_files(person_id, since=first, problems=[])
            for r in self.records_in(f)
            if r.get("author") == person_id  # only her own finishing drops her draft
        }
        for record in records:
            if record.get("id") in finished and record.get("author") == person_id:
                # Left behind by a crash (or a late save) after finishing: the archive wins.
                self._drop_draft(person_id, record["id"])
        return [r for r in records if r.get("id") not in finished]

    def drafts(
        self, person_id: str, reader: Person, problems: list[StoreError] | None = None
    ) -> list[Session]:
        try:
            records = self.draft_records(person_id)
        except Linked as exc:
            if problems is None:
                raise
            note_once(problems, exc)
            return []
        drafts = self._open_all(records, person_id, reader, problems)
        return sorted(drafts, key=lambda s: s.record["updated_at"], reverse=True)

    def finished(
        self,
        person_id: str,
        reader: Person,
        problems: list[StoreError] | None = None,
        limit: int | None = None,
        since: str | None = None,
    ) -> list[Session]:
        """Finished sessions, newest first; with `limit`, only the newest months are read, and
        with `since` (a date), only the months from then on (a year of history stays unread)."""
        out: list[Session] = []
        try:
            files = self.archive_files(person_id, problems=problems)
        except Linked as exc:
            if problems is None:
                raise
            note_once(problems, exc)
            return []
        for file in reversed(files):  # newest month first
            if limit is not None and len(out) >= limit:
                break
            if since is not None and file.path.stem.removeprefix("archive-") < since[:7]:
                break
            out += self._open_all(self.records_in(file), person_id, reader, problems)
        out.sort(key=lambda s: s.record["completed_at"] or "", reverse=True)
        return out if limit is None else out[:limit]

    def all_for(
        self,
        person_id: str,
        reader: Person,
        problems: list[StoreError] | None = None,
        limit: int | None = None,
        since: str | None = None,
    ) -> list[Session]:
        try:
            self.person_dir(person_id)
        except Linked as exc:  # said once, not once for the drafts and again for the rest
            if problems is None:
                raise
            note_once(problems, exc)
            return []
        drafts = self.drafts(person_id, reader, problems)
        return drafts + self.finished(person_id, reader, problems, limit, since)

    def metadata(self, person_id: str, session_id: str) -> dict | None:
        """A session's clear part (dates, checklist, status) without opening it, or None. Only
        the person's own: never one of someone else's moved into their folder, nor anything
        read through a link."""
        try:
            drafts = self.draft_records(person_id)
            months = self.archive_files(person_id, problems=[])
        except Linked:
            return None
        for record in drafts:
            if record.get("id") == session_id and record.get("author") == person_id:
                return {k: v for k, v in record.items() if k != "sealed"}
        for file in reversed(months):
            for record in self.records_in(file):
                if record.get("id") == session_id and record.get("author") == person_id:
                    return {k: v for k, v in record.items() if k != "sealed"}
        return None

    def holds(self, person_id: str, session_id: str) -> bool:
        return self.metadata(person_id, session_id) is not None

    def get(self, person_id: str, session_id: str, reader: Person) -> Session:
        for session in self.all_for(person_id, reader):
            if session.id == session_id:
                return session
        raise NotFound(f"There is no session {session_id}.")

    # -- sharing -----------------------------------------------------------------------------
    def reshare(self, author_id: str, reader: Person) -> int:
        """Bring every session of `author_id` in line with who may read it now.

        Run at sign-in by the author or a supervisor: a supervisor assigned later gains the
        older sessions, one removed loses them, a person whose keys were reset gets them back,
        and a record from before sealing is sealed. Returns how many records changed.
        """
        needed = self.readers_for(author_id)
        trust = self.trust()
        # `files_of` holds nothing read through a link, and each file re-shares only the
        # records about `author_id` (`SealedTable.reshare`).
        return sum(
            self.sealed.reshare(
                file, [TABLE], lambda r: self._reshared(r, needed, reader, trust), author_id
            )
            for file in self.files_of(author_id)
        )

    def _reshared(
        self, record: dict, needed: dict[str, bytes], reader: Person, trust: Trust
    ) -> dict | None:
        """The record shared with exactly `needed`, or None when it already is. Only what its
        author signed (or a manifest vouches for) is re-shared: a planted record is left as
        it is, and named whenever it is read. Its author signs a vouched one, so it no longer
        needs the manifest (and can travel to another store)."""
        if "content" in record:  # clear content from before sealing: its author seals it
            if reader.id != record.get("author"):
                return None
            return self.seal_record(self.open_record(record, reader, trust))
        updated = self.sealed.rewrapped(
            record, needed, lambda r: self.open_record(r, reader, trust)
        )
        mine = reader.id == record.get("author") and reader.private_key is not None
        if mine and SIGNATURE not in record and trust.problem(record) is None:
            return signed(updated or record, reader.private_key)
        return updated


def _damaged(record: dict) -> str:
    return f"Session {str(record.get('id', '?'))[:40]} is damaged, so it cannot be opened."


def _written_elsewhere(record: dict, where: str) -> str:
    """The start of the sentence naming a session in `where` ("Fiona Begum's folder") that
    someone else wrote."""
    return f"Session {str(record.get('id', '?'))[:40]} in {where} was written by someone else"
