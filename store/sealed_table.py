"""The one way sealed records are kept: sessions and supervision alike.

Every record about a practitioner lives in their folder `sessions/<person id>/`, in TinyDB
files held under an inter-process lock and replaced atomically (`files.StoreFile`; a damaged
file is set aside and a new one started). A record is filed under the integer of its UUID, so
writing it again replaces it. Its clear part says only who, when and what it belongs to; the
rest is sealed with its own content key, and that key is wrapped for each reader:

    {...clear fields..., "sealed": {"v": 1, "content": {nonce, data}, "readers": {id: wrap}}}

The sealed content is bound to a few clear fields (`context`), so a record relabelled as
another person's no longer opens. A record moved or copied whole into someone else's folder
(or a file swapped between two folders) still opens and its signature still holds, since
both say truly who it is about: so what is read from a person's folder must also be about
that person (`author`), and anything else is named (`NotTheirs`), never shown, counted or
re-shared as theirs. A person's folder, or a file in it, that is a link is never followed
(`Linked`), as `verify` names every link in the store. What differs between the kinds (which
clear fields, who signs, what the opened record is) stays with `sessions.py` and
`supervision.py`; the files, the sealing, reading past damaged records and re-sharing are
here, once.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple, Protocol, TypeVar

from tinydb.table import Document

from .crypto import (
    SEAL_VERSION,
    SealError,
    new_content_key,
    open_sealed,
    readers_match,
    rewrapped,
    seal,
    unwrap,
    wrap_for,
    wrap_for_reader,
)
from .errors import StoreError
from .files import StoreFile, doc, raw_table
from .people import Person

FOLDER = "sessions"  # the folder under the data dir that holds every person's folder
# What a hand-edited record of the wrong shape raises when read: damaged, like a broken seal.
MALFORMED = (KeyError, TypeError, ValueError, AttributeError)

Opened = TypeVar("Opened")


class NotTheirs(StoreError):
    """A record in one person's folder that is about someone else: moved or copied there, or
    in a file swapped between two folders. Left out and named; `verify` names it too."""


class Linked(StoreError):
    """A person's folder, or one of the files in it, that is a link (to a colleague's folder,
    say) rather than an ordinary folder or file: nothing is read through it or written
    through it as theirs, and `verify` names it."""


class Holder(Protocol):
    """What the table seals: an opened record with its content key and reader wraps, kept in
    memory so every save reuses them (only the content is sealed again)."""

    record: dict
    key: bytes | None
    readers: dict

    @property
    def author(self) -> str: ...


class Unsealed(NamedTuple):
    clear: dict  # the record without its sealed part
    content: dict
    key: bytes
    readers: dict


class SealedRecord:
    """The clear fields every sealed record has, for the types the two stores open."""

    record: dict

    @property
    def id(self) -> str:
        return self.record["id"]

    @property
    def author(self) -> str:
        """The practitioner the record is about (whose folder it lives in)."""
        return self.record["author"]


def doc_id(record_id: str) -> int:
    """Where a record is filed in its table (ValueError for an id that is not a UUID)."""
    return uuid.UUID(record_id).int


def document(record: dict) -> Document:
    return doc(record, doc_id(record["id"]))


def replace(table, record: dict) -> None:
    """Write `record` in place of the copy filed under its id, whole. TinyDB's `upsert` only
    adds and changes fields, so a field the new form no longer has (the clear `content` of a
    record sealed after an upgrade) would stay on disk and be read first."""

    def whole(stored: dict) -> None:
        stored.clear()
        stored.update(record)

    number = doc_id(record["id"])
    if not table.update(whole, doc_ids=[number]):
        table.insert(doc(record, number))


def name_in(people) -> Callable[[str], str]:
    """A person's name from their id (`people`: the PeopleStore), for the sentences that say
    whose folder a problem is in."""

    def whose(person_id: str) -> str:
        try:
            person = people.get(person_id)
        except StoreError:
            person = None
        return person.name if person is not None else "someone no longer in the store"

    return whose


def note_once(problems: list[StoreError], problem: StoreError) -> None:
    """Add `problem` unless the same sentence is already there (a linked folder is found by
    the sessions and again by the supervision notes read beside them: said once)."""
    if all(str(p) != str(problem) for p in problems):
        problems.append(problem)


def _elsewhere(_record: dict, where: str) -> str:
    return f"A record in {where} is about someone else"


def in_person_folder(path: Path) -> bool:
    return path.parent.parent.name == FOLDER


def owner_of(path: Path) -> str:
    """The id of the person whose folder a file is in."""
    return path.parent.name


class SealedTable:
    """Per-person files of sealed records under `<data dir>/sessions/`, for one kind of record.

    `readers_for(author id)` says who may read what is about that person now (id -> public
    key); `context(record)` what the sealed content is bound to.
    """

    def __init__(
        self,
        root: Path,
        readers_for: Callable[[str], dict[str, bytes]],
        context: Callable[[dict], bytes],
        notices: list[str],
        whose: Callable[[str], str] | None = None,
    ) -> None:
        self.root = Path(root)
        self.readers_for = readers_for
        self.context = context
        self.notices = notices
        # A person's name from their id, for the sentences that name whose folder it is.
        self.whose = whose or (lambda _person_id: "this person")
        self._files: dict[Path, StoreFile] = {}

    # -- files -------------------------------------------------------------------------------
    def folder(self, person_id: str) -> Path:
        """The person's own folder; `Linked` when it is a link to somewhere else (a colleague's
        folder, say), which is never read or written as theirs."""
        folder = self.root / person_id
        if folder.is_symlink():
            raise Linked(
                f"{self.whose(person_id)}'s folder ({self.root.name}/{person_id}) is a link to "
                "another folder, so nothing in it was read or written as theirs "
                "(`stepping-stones verify` names it)."
            )
        return folder

    def path(self, person_id: str, name: str) -> Path:
        """A person's file `name`; `Linked` when it (or their folder) is a link."""
        path = self.folder(person_id) / name
        if path.is_symlink():
            raise Linked(
                f"{name} in {self.whose(person_id)}'s folder is a link, not an ordinary file, "
                "so it was not read or written as theirs (`stepping-stones verify` names it)."
            )
        return path

    def file(self, person_id: str, name: str, kind: str, *, keep: bool = True) -> StoreFile:
        """A person's file `name`; with `keep`, the same StoreFile every time (held open
        across transactions), otherwise a new one that checks the file afresh. `Linked` when
        it, or their folder, is a link: checked at every use, not only the first."""
        path = self.path(person_id, name)
        if not keep:
            return StoreFile(path, kind, quarantine=True, notices=self.notices)
        if path not in self._files:
            self._files[path] = StoreFile(path, kind, quarantine=True, notices=self.notices)
        return self._files[path]

    def rows(self, file: StoreFile, table: str) -> list[dict]:
        """Every record of `table` in `file`, as stored (read under the lock)."""
        with file.transaction() as db:
            return [dict(r) for r in file.table(db, table).all()]

    def peek(self, person_id: str, name: str, table: str) -> list[dict]:
        """A table read straight from disk: never creates, migrates or sets aside a file or
        folder (a dry run must not change one byte)."""
        return raw_table(self.path(person_id, name), table)

    def put(self, file: StoreFile, table: str, record: dict) -> None:
        """Write one sealed record, replacing the copy filed under its id."""
        with file.transaction() as db:
            replace(file.table(db, table), record)

    def put_new(self, file: StoreFile, table: str, records: Iterable[dict]) -> None:
        """Write many new sealed records with one rewrite of the file."""
        with file.transaction() as db:
            file.table(db, table).insert_multiple(document(r) for r in records)

    # -- sealing -----------------------------------------------------------------------------
    def wraps(self, record: dict, publics: dict[str, bytes]) -> tuple[bytes, dict]:
        """A new content key for `record` and its wraps for these readers (id -> public)."""
        key = new_content_key()
        ctx = self.context(record)
        return key, {pid: wrap_for(key, public, ctx) for pid, public in publics.items()}

    def seal(self, holder: Holder, clear: dict, content: dict) -> dict:
        """The on-disk form of `clear` with `content` sealed in it. A holder sealed for the
        first time gets its key and wraps for whoever may read its author's records now."""
        if holder.key is None:
            holder.key, holder.readers = self.wraps(holder.record, self.readers_for(holder.author))
        out = dict(clear)
        out["sealed"] = {
            "v": SEAL_VERSION,
            "content": seal(content, holder.key, self.context(clear)),
            "readers": copy.deepcopy(holder.readers),
        }
        return out

    @staticmethod
    def wrap_of(record: dict, reader: Person) -> dict | None:
        """The content key wrapped for this reader's current key pair, or None when the record
        is not (yet) shared with them."""
        sealed = record.get("sealed") or {}
        return wrap_for_reader(sealed, reader.id, reader.public, reader.private_key)

    def unseal(self, record: dict, wrap: dict, reader: Person) -> Unsealed:
        """SealError when the key or the content does not open (altered, damaged)."""
        sealed = record.get("sealed") or {}
        ctx = self.context(record)
        key = unwrap(wrap, reader.private_key, ctx)
        content = open_sealed(sealed.get("content") or {}, key, ctx)
        clear = {k: v for k, v in record.items() if k != "sealed"}
        return Unsealed(clear, content, key, dict(sealed.get("readers") or {}))

    # -- reading -----------------------------------------------------------------------------
    def not_theirs(
        self, record: dict, owner: str, elsewhere: Callable[[dict, str], str] | None = None
    ) -> NotTheirs | None:
        """`NotTheirs` when `record`, read from `owner`'s folder, is about someone else (its
        `author`, which its signature covers). `elsewhere(record, "Fiona Begum's folder")`
        says what it is and what happened ("Session 3f2a… in Fiona Begum's folder was
        written by someone else")."""
        if record.get("author") == owner:
            return None
        what = (elsewhere or _elsewhere)(record, f"{self.whose(owner)}'s folder")
        return NotTheirs(f"{what}, so it was left out (`stepping-stones verify` names it).")

    def open_each(
        self,
        records: Iterable[dict],
        opener: Callable[[dict], Opened],
        problems: list[StoreError] | None,
        damaged: Callable[[dict], str],
        owner: str | None = None,
        elsewhere: Callable[[dict, str], str] | None = None,
    ) -> list[Opened]:
        """Open every record that opens. With `problems`, each one that does not is added to
        it and the rest carry on (a record of the wrong shape as a SealError worded by
        `damaged`); without, the first one raises. With `owner` (whose folder they were read
        from), a record about someone else is never opened: `NotTheirs`, worded by
        `elsewhere` (see `not_theirs`)."""
        out = []
        for record in records:
            try:
                if owner is not None:
                    moved = self.not_theirs(record, owner, elsewhere)
                    if moved is not None:
                        raise moved
                out.append(opener(record))
            except StoreError as exc:
                if problems is None:
                    raise
                problems.append(exc)
            except MALFORMED as exc:
                error = SealError(damaged(record))
                if problems is None:
                    raise error from exc
                problems.append(error)
        return out

    # -- sharing -----------------------------------------------------------------------------
    def reshare(
        self,
        file: StoreFile,
        tables: Iterable[str],
        reshared: Callable[[dict], dict | None],
        owner: str,
    ) -> int:
        """Rewrite the records of `tables` in `file` (in `owner`'s folder) that `reshared`
        gives a new form for, under one lock; returns how many. A record that cannot be opened
        or is damaged is left as it is: it is reported when read, never a reason to stop. So
        is one about someone else: re-sharing it with `owner`'s readers would let them read a
        colleague's record, and take it from the colleague."""
        total = 0
        with file.transaction() as db:
            for name in tables:
                table = file.table(db, name)
                changed = []
                for record in table.all():
                    if record.get("author") != owner:
                        continue
                    try:
                        updated = reshared(dict(record))
                    except (StoreError, *MALFORMED):
                        continue
                    if updated is not None:
                        changed.append(updated)
                for record in changed:
                    replace(table, record)
                total += len(changed)
        return total

    def rewrapped(
        self, record: dict, needed: dict[str, bytes], opener: Callable[[dict], Holder]
    ) -> dict | None:
        """`record` wrapped for exactly the readers in `needed`, or None when it already is.
        Most records at most sign-ins are decided from the clear fingerprints, unopened."""
        if readers_match((record.get("sealed") or {}).get("readers") or {}, needed):
            return None
        opened = opener(record)
        readers = rewrapped(opened.readers, opened.key, needed, self.context(record))
        if readers is None:
            return None
        return {**record, "sealed": {**record["sealed"], "readers": readers}}
