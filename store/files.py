"""One store file: a TinyDB database with a schema version, a lock and a migration path.

Every file carries `{"_meta": {"1": {"schema": N, "kind": "..."}}}`. Opening a file written by
an older version migrates it in place (atomically, under the lock); a newer one is refused so
an old copy of the app never damages data it does not understand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Document, Table

from .errors import CorruptFileError, LostFileError, NewerSchemaError
from .storage import (
    backup_path,
    dump_json,
    lock_for,
    locked,
    open_db,
    read_tables,
    remove_stale_temp_files,
    set_aside,
    write_atomic,
)

SCHEMA_VERSION = 1
META_TABLE = "_meta"


def holds_records(data: dict | None) -> bool:
    """Whether a store file's content has any record (its format stamp aside)."""
    return bool(data) and any(table for name, table in data.items() if name != META_TABLE)


def _stamp(data: dict, kind: str) -> dict:
    data[META_TABLE] = {"1": {"schema": 1, "kind": kind}}
    return data


# (from_version) -> function(raw data, kind) -> raw data at from_version + 1.
# Version 0 is a file from before versions were stamped: its tables are already in today's
# shape, so migrating it only adds the stamp. Add a step here whenever the shape changes.
MIGRATIONS: dict[int, Callable[[dict, str], dict]] = {
    0: _stamp,
}


def schema_of(data: dict) -> int:
    meta = data.get(META_TABLE)
    if not meta:
        return 0
    try:
        return int(next(iter(meta.values()))["schema"])
    except (StopIteration, KeyError, TypeError, ValueError, AttributeError):
        return -1


def migrate(data: dict, kind: str, path: Path) -> tuple[dict, bool]:
    """Bring raw file content up to SCHEMA_VERSION; returns (data, changed)."""
    version = schema_of(data)
    if version < 0:
        raise CorruptFileError(path, "its format stamp is unreadable")
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(path, version, SCHEMA_VERSION)
    changed = False
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data, kind)
        version += 1
        changed = True
    return data, changed


class StoreFile:
    """A TinyDB file used only inside `transaction()`, which holds the inter-process lock.

    When the file turns out to be damaged, what happens depends on what it holds:
    `backup=True` (people) restores the last good copy; `quarantine=True` (sessions, checklist
    wordings) renames the damaged file for recovery and carries on with an empty one, so one
    bad file never blocks everyone else. Otherwise the error is raised and nothing is touched.
    Either way the damaged bytes are kept, never overwritten, and a notice says where.

    `new_store` (people) says whether the folder is a new store's. Only then may the file be
    missing or hold nobody; otherwise that is a loss, never a fresh start: the backup copy is
    put back (a notice, a note beside the file for `verify`, and an entry in `repairs` for the
    audit trail), or `LostFileError` stops everything. The backup is never overwritten by an
    empty file, and this is checked at every transaction, not only the first.
    """

    def __init__(
        self,
        path: Path,
        kind: str,
        *,
        backup: bool = False,
        quarantine: bool = False,
        notices: list[str] | None = None,
        new_store: Callable[[], bool] | None = None,
        repairs: list[dict] | None = None,
    ) -> None:
        self.path = Path(path)
        self.kind = kind
        self.backup = backup
        self.quarantine = quarantine
        self.notices = notices if notices is not None else []
        self.new_store = new_store
        self.repairs = repairs if repairs is not None else []
        self.lock = lock_for(self.path)
        self._db: TinyDB | None = None

    def _read_or_recover(self) -> dict | None:
        try:
            return read_tables(self.path)
        except CorruptFileError as exc:
            if not exc.damaged or not (self.backup or self.quarantine):
                raise
            damage = exc.why
        if self.backup:
            try:
                good = read_tables(backup_path(self.path))
            except CorruptFileError:
                good = None
            if good is None:
                raise CorruptFileError(self.path, f"{damage}, and there is no good backup copy")
            aside = set_aside(self.path)
            write_atomic(self.path, dump_json(good))
            self.notices.append(
                f"{self.path.name} was damaged ({damage}); it was restored from its backup copy "
                f"and the damaged file was kept as {aside.name}."
            )
            return good
        aside = set_aside(self.path)
        self.notices.append(
            f"{self.path} was damaged ({damage}). It has been kept as {aside.name} for "
            "recovery, and a new empty file started in its place; other data is unaffected."
        )
        return None

    def _open(self) -> TinyDB:
        if self._db is None:
            remove_stale_temp_files(self.path)
            data = self._read_or_recover()
            # A people file is written only once there is someone in it (`_not_lost`), with
            # its stamp; reading a new store's folder leaves it as it was.
            stamp = _stamp({}, self.kind) if self.new_store is not None else None
            db = open_db(self.path, backup=self.backup, stamp=stamp)
            if data is None:
                if stamp is None:
                    db.storage.write(_stamp({}, self.kind))
            else:
                data, changed = migrate(data, self.kind, self.path)
                if changed:
                    db.storage.write(data)
            self._db = db
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        with locked(self.lock):
            db = self._open()
            db.storage.begin()
            try:
                if self.new_store is not None:
                    self._not_lost(db)
                yield db
            finally:
                db.storage.end()

    def _not_lost(self, db: TinyDB) -> None:
        """A file that is missing or holds nobody, outside a new store: put the backup back."""
        data = db.storage.read()
        if holds_records(data) or self.new_store():
            return
        why = "is missing" if data is None else "holds nobody"
        try:
            good = read_tables(backup_path(self.path))
        except CorruptFileError as exc:
            because = f"its backup copy cannot be used ({exc.why})"
            raise LostFileError(self.path, why, because) from exc
        if not holds_records(good):
            raise LostFileError(self.path, why, "there is no backup copy to restore it from")
        aside = set_aside(self.path) if data is not None else None
        write_atomic(self.path, dump_json(good))
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        note = self.path.with_name(f"{self.path.name}.restored-{stamp[:19].replace(':', '')}")
        was = "was missing" if data is None else "held nobody"
        write_atomic(note, dump_json({"restored_at": stamp, "why": was}))
        db.storage.end()  # forget what was read: the next read is the restored file
        db.storage.begin()
        kept = f" (the emptied file was kept as {aside.name})" if aside else ""
        self.notices.append(
            f"{self.path.name} in {self.path.parent} {was}; it was restored from its backup "
            f"copy{kept}. Check why with whoever looks after this store."
        )
        self.repairs.append({"file": self.path.name, "why": "missing" if data is None else "empty"})

    def table(self, db: TinyDB, name: str) -> Table:
        # No query cache: another process may have changed the file since the last read.
        return db.table(name, cache_size=0)

    def exists(self) -> bool:
        return self.path.exists()


def doc(data: dict, doc_id: int) -> Document:
    return Document(data, doc_id=doc_id)


def raw_table(path: Path, table: str) -> list[dict]:
    """A table read straight from disk: never creates, migrates or sets aside a file."""
    data = read_tables(path)
    if not data or not isinstance(data.get(table), dict):
        return []
    return [dict(r) for r in data[table].values() if isinstance(r, dict)]
