"""A TinyDB storage that never leaves a half-written file, and the lock that guards it.

TinyDB's own JSONStorage rewrites the file in place (seek, write, truncate), so a kill at the
wrong moment leaves a file that no longer parses, and two processes lose each other's writes.
Here every write goes to a temporary file in the same folder, is flushed to the disk, and
replaces the old file in one `os.replace`; the folder is flushed too so the rename itself
survives a power cut. Callers hold an inter-process `FileLock` around each read-modify-write.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage

from checklists.untrusted import MAX_STORE_BYTES, UntrustedFileError, parse_json, read_capped

from .errors import CorruptFileError, StoreBusyError, StoreFullError, StoreWriteError

TEMP_SUFFIX = ".tmp"
LOCK_TIMEOUT_SECONDS = 10.0
# Files are private to the account that runs the app: other users of a shared machine
# must not be able to read them.
FILE_MODE = 0o600
DIR_MODE = 0o700


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def fsync_dir(directory: Path) -> None:
    """Flush a folder's entries, so a rename inside it survives a power cut."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def ensure_dir(directory: Path) -> None:
    """Create a folder (and any missing parents) readable by its owner only."""
    if directory.is_dir():
        return
    ensure_dir(directory.parent)
    try:
        directory.mkdir(mode=DIR_MODE)
    except FileExistsError:
        pass
    except OSError as exc:  # a read-only or forbidden place: one plain sentence, no traceback
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StoreFullError(directory) from exc
        raise StoreWriteError(directory, exc.strerror or str(exc)) from exc


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Remove temporary files a killed writer left beside `path`; call with the lock held."""
    removed = []
    prefix = _temp_prefix(path)
    if not path.parent.is_dir():
        return removed
    for candidate in path.parent.iterdir():
        if candidate.name.startswith(prefix) and candidate.name.endswith(TEMP_SUFFIX):
            try:
                candidate.unlink()
                removed.append(candidate)
            except FileNotFoundError:
                pass
    return removed


def write_atomic(path: Path, payload: bytes) -> None:
    """Write `payload` to `path` so that readers see the old content or the new, never a mix."""
    ensure_dir(path.parent)
    temp = path.with_name(f"{_temp_prefix(path)}{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except OSError as exc:
        try:
            temp.unlink()
        except OSError:
            pass
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StoreFullError(path) from exc
        raise StoreWriteError(path, exc.strerror or str(exc)) from exc
    fsync_dir(path.parent)


def read_json(path: Path) -> dict | None:
    """Read one store file; None when it does not exist yet, CorruptFileError when unusable.

    Anyone who can write the store folder can leave anything here, so the bytes go through
    the shared reader of untrusted files (`checklists.untrusted`: size, kind of file, encoding,
    nesting) and must be one JSON object.
    """
    try:
        raw = read_capped(path, MAX_STORE_BYTES)
    except UntrustedFileError as exc:
        # A file that cannot be opened may be a passing fault (permissions, a vanished
        # drive); one that is too large, not a file at all, or endless is damaged.
        passing = "cannot be read" in exc.why
        raise CorruptFileError(path, exc.why, damaged=not passing) from exc
    if raw is None:
        return None
    if not raw.strip():
        raise CorruptFileError(path, "it is empty")
    try:
        data = parse_json(raw, path)
    except UntrustedFileError as exc:
        raise CorruptFileError(path, exc.why) from exc
    if not isinstance(data, dict):
        raise CorruptFileError(path, "it does not hold a table of records")
    return data


def read_tables(path: Path) -> dict | None:
    """`read_json` of a TinyDB file, which must be tables of numbered records (TinyDB itself
    would stop with a traceback on a table that is a list, or a record that is text)."""
    data = read_json(path)
    for name, table in (data or {}).items():
        if not isinstance(table, dict) or not all(
            key.isdigit() and isinstance(record, dict) for key, record in table.items()
        ):
            raise CorruptFileError(path, f"its table '{name}' does not hold numbered records")
    return data


def dump_json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def set_aside(path: Path) -> Path:
    """Rename a damaged file out of the way (never over another file) and return its new name."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    for attempt in range(1000):
        suffix = f".corrupt-{stamp}" + (f"-{attempt}" if attempt else "")
        target = path.with_name(path.name + suffix)
        if not target.exists():
            os.rename(path, target)
            fsync_dir(path.parent)
            return target
    raise StoreWriteError(path, "too many damaged copies are already set aside")


class AtomicJSONStorage(Storage):
    """TinyDB storage over `read_json` / `write_atomic`; optionally keeps a second copy."""

    def __init__(self, path: str | Path, backup: bool = False, stamp: dict | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.backup = backup
        # Tables every write carries (the format stamp of a file first written by TinyDB).
        self.stamp = stamp or {}
        # While the caller holds the file's lock nobody else can change it, so one read
        # serves the whole transaction (TinyDB itself reads again for every step).
        self._held: dict | None = None
        self._holding = False

    def begin(self) -> None:
        self._holding = True
        self._held = None

    def end(self) -> None:
        self._holding = False
        self._held = None

    def read(self) -> dict | None:
        if self._holding and self._held is not None:
            return self._held
        data = read_tables(self.path)
        if self._holding:
            self._held = data
        return data

    def write(self, data: dict) -> None:
        if any(name not in data for name in self.stamp):
            data = {**self.stamp, **data}
        payload = dump_json(data)
        write_atomic(self.path, payload)
        if self.backup:
            write_atomic(backup_path(self.path), payload)
        if self._holding:
            self._held = data

    def close(self) -> None:
        pass


def open_db(path: Path, backup: bool = False, stamp: dict | None = None) -> TinyDB:
    return TinyDB(path, storage=AtomicJSONStorage, backup=backup, stamp=stamp)


def lock_for(path: Path) -> FileLock:
    """The inter-process lock guarding one store file (or one folder of files)."""
    ensure_dir(path.parent)
    return FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_SECONDS, mode=FILE_MODE)


@contextmanager
def locked(lock: FileLock) -> Iterator[None]:
    try:
        with lock:
            yield
    except Timeout as exc:
        raise StoreBusyError(Path(lock.lock_file)) from exc
