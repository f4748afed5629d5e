"""Wrong-passphrase lockout: after 5 in a row for a name, that name waits a minute, doubling
up to an hour; an admin can lift it at any time (`users unlock`, or the People screen).

Counted by the name typed, whether or not anyone has that name, so the lockout itself never
tells a stranger which names exist.

Each try is counted under the file's lock *before* its passphrase is checked (`begin`), so
however many tries arrive at once, at most five checks run before the name is locked. A try
that cannot be counted (the disk is full, the file cannot be read) is refused unchecked.

`lockouts.json` is hostile input like every file in the store folder: when it is missing,
unreadable as JSON or holds records of the wrong shape, it is set aside and the counts are
rebuilt from the audit trail (`sign_in_failed`, `locked_out`, `sign_in`, `lockout_lifted`),
so deleting it does not lift a lock.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CorruptFileError, SignInError, StoreFullError, StoreWriteError
from .files import META_TABLE, migrate
from .people import name_key
from .storage import (
    dump_json,
    lock_for,
    locked,
    read_json,
    remove_stale_temp_files,
    set_aside,
    write_atomic,
)

if TYPE_CHECKING:
    from .audit import AuditLog

TABLE = "failures"
KIND = "lockouts"
ATTEMPTS = 5
FIRST_WAIT = timedelta(minutes=1)
# Doubling stops here: see SECURITY.md ("Guessing passphrases").
MAX_WAIT = timedelta(hours=1)
_MAX_NUMBER = 10_000  # a count or a number of lockouts beyond this is a tampered file

ASK_AN_ADMIN = (
    "An admin can lift it sooner on the People screen or with `stepping-stones users unlock NAME`."
)


class LockedOut(SignInError):
    """The name is locked until `until`. `refused` is True when this try was turned away
    unchecked because the name was already locked (the service records `sign_in_refused`
    naming `subject`, the person's name, or None for a name nobody has)."""

    def __init__(self, until: datetime, refused: bool = False) -> None:
        self.until = until
        self.refused = refused
        self.subject: str | None = None
        wait = until - datetime.now().astimezone()
        minutes = max(1, round(wait.total_seconds() / 60))
        super().__init__(
            f"Too many wrong passphrases for this name. Please wait until "
            f"{until.strftime('%H:%M:%S')} (about {minutes} minute{'s' if minutes > 1 else ''}) "
            f"and try again. {ASK_AN_ADMIN}"
        )


class NotCounted(SignInError):
    """The try could not be counted, so its passphrase was not checked."""

    refused = True
    subject: str | None = None

    def __init__(self, why: str) -> None:
        self.why = why
        super().__init__(
            f"Your sign-in could not be checked because the store could not count it ({why}). "
            "Nothing was checked. Please ask whoever looks after this computer, then try again."
        )


def wait_after(times: int) -> timedelta:
    """How long a name waits the `times`-th time it is locked (0 for the first)."""
    return min(FIRST_WAIT * (2 ** min(times, 12)), MAX_WAIT)


def _doc_id(key: str) -> str:
    return str(int(hashlib.sha256(key.encode()).hexdigest()[:15], 16))


def _number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_NUMBER


def _until(record: dict) -> datetime | None:
    raw = record.get("until")
    if raw is None:
        return None
    until = datetime.fromisoformat(raw)
    return until if until.tzinfo else until.astimezone()


def _well_formed(data: object) -> bool:
    if not isinstance(data, dict):
        return False
    table = data.get(TABLE, {})
    if not isinstance(table, dict):
        return False
    for record in table.values():
        if not isinstance(record, dict) or not _number(record.get("count")):
            return False
        if not _number(record.get("times")):
            return False
        try:
            if record.get("until") is not None and not isinstance(record["until"], str):
                return False
            _until(record)
        except ValueError:
            return False
    return True


class Lockouts:
    def __init__(self, data_dir: Path, notices: list[str], audit: AuditLog | None = None) -> None:
        self.path = Path(data_dir) / "lockouts.json"
        self.notices = notices
        self.audit = audit
        self.lock = lock_for(self.path)
        self._cleaned = False

    # -- the file ------------------------------------------------------------------------
    def _load(self) -> dict:
        """The file's content (lock held); rebuilt from the audit trail when missing or
        damaged, the damaged copy kept aside."""
        if not self._cleaned:
            remove_stale_temp_files(self.path)
            self._cleaned = True
        try:
            data = read_json(self.path)
        except CorruptFileError as exc:
            if not exc.damaged:
                raise
            data, damage = None, exc.why
        else:
            damage = None
            if data is not None:
                try:
                    data, _ = migrate(data, KIND, self.path)
                except CorruptFileError as exc:
                    data, damage = None, exc.why
                if data is not None and not _well_formed(data):
                    data, damage = None, "its records are not in the right shape"
        if data is not None:
            data.setdefault(TABLE, {})
            return data
        table = self._rebuild()
        if damage is not None:
            aside = set_aside(self.path)
            self.notices.append(
                f"{self.path} was damaged ({damage}). It has been kept as {aside.name}, and "
                "the wrong-passphrase counts were rebuilt from the audit trail."
            )
        elif table:
            self.notices.append(
                f"{self.path} was missing; the wrong-passphrase counts were rebuilt from "
                "the audit trail."
            )
        return {META_TABLE: {"1": {"schema": 1, "kind": KIND}}, TABLE: table}

    def _rebuild(self) -> dict[str, dict]:
        """The counts as the audit trail tells them. Only tries at a name someone has are
        named there, so counts for names nobody has start again (they open no account)."""
        table: dict[str, dict] = {}
        if self.audit is None:
            return table
        for entry in self.audit.readable_entries():
            event, detail = entry["event"], entry["detail"]
            name = entry["actor"] if event == "sign_in" else entry["subject"]
            if not name:
                continue
            key = _doc_id(name_key(name))
            if event in ("sign_in", "lockout_lifted"):
                table.pop(key, None)
            elif event == "sign_in_failed":
                record = table.setdefault(key, {"count": 0, "times": 0})
                record["count"] = min(record["count"] + 1, _MAX_NUMBER)
            elif event == "locked_out":
                record = table.setdefault(key, {"count": 0, "times": 0})
                try:
                    until = datetime.fromisoformat(str(detail.get("until")))
                except ValueError:
                    try:
                        until = datetime.fromisoformat(entry["at"]) + wait_after(record["times"])
                    except ValueError:
                        continue
                record.update(
                    count=0, times=min(record["times"] + 1, _MAX_NUMBER), until=until.isoformat()
                )
        return table

    def _locked_by_trail(self, name: str, now: datetime) -> datetime | None:
        """The end of a lock the audit trail shows in force for this name now, if any: its
        latest `locked_out` within the longest wait, with no sign-in or lift after it."""
        if self.audit is None:
            return None
        key = name_key(name)
        for entry in self.audit.newest_since(now - MAX_WAIT):
            event = entry["event"]
            who = entry["actor"] if event == "sign_in" else entry["subject"]
            if event not in ("sign_in", "lockout_lifted", "locked_out") or not who:
                continue
            if name_key(who) != key:
                continue
            if event != "locked_out":
                return None
            try:
                until = datetime.fromisoformat(str(entry["detail"].get("until")))
            except ValueError:
                return None
            until = until if until.tzinfo else until.astimezone()
            # Never longer than the rule allows, whatever the entry says.
            return min(until, now + MAX_WAIT) if until > now else None
        return None

    @contextmanager
    def _records(self) -> Iterator[dict[str, dict]]:
        """The table of counts under the lock, written back when it changed."""
        with locked(self.lock):
            data = self._load()
            before = None if not self.path.exists() else copy.deepcopy(data)
            try:
                yield data[TABLE]
            finally:
                # Even when the try is refused: a rebuilt table is kept for the next one.
                if data != before:
                    write_atomic(self.path, dump_json(data))

    # -- the rule --------------------------------------------------------------------------
    def begin(self, name: str, now: datetime | None = None) -> datetime | None:
        """Count a try before its passphrase is checked. LockedOut (refused) while the name is
        locked; NotCounted when the count cannot be written. Returns the time the name is now
        locked until when this is the last try allowed (it is still checked), else None."""
        now = now or datetime.now().astimezone()
        key = _doc_id(name_key(name))
        try:
            with self._records() as table:
                record = dict(table.get(key) or {"count": 0, "times": 0})
                until = _until(record)
                if until is None or until <= now:
                    # An edited file must not lift a lock the audit trail still shows.
                    until = self._locked_by_trail(name, now)
                    if until is not None:
                        record.update(count=0, times=max(record["times"], 1))
                        record["until"] = until.isoformat()
                        table[key] = record
                if until is not None and until > now:
                    raise LockedOut(until, refused=True)
                record["count"] += 1
                until = None
                if record["count"] >= ATTEMPTS:
                    until = now + wait_after(record["times"])
                    times = min(record["times"] + 1, _MAX_NUMBER)
                    record.update(count=0, times=times, until=until.isoformat())
                table[key] = record
        except StoreWriteError as exc:
            raise NotCounted(_why(exc)) from exc
        except CorruptFileError as exc:
            # This file, or the audit trail it is checked against (`_locked_by_trail`).
            raise NotCounted(f"{exc.path} cannot be used: {exc.why}") from exc
        return until

    def check(self, name: str, now: datetime | None = None) -> None:
        """Raise LockedOut (refused) while the name is locked; counts nothing."""
        now = now or datetime.now().astimezone()
        until = self.locked_until(name)
        if until is not None and until > now:
            raise LockedOut(until, refused=True)

    def locked_until(self, name: str) -> datetime | None:
        """When the name's current or last lock ends (None if it never was locked)."""
        with self._records() as table:
            record = table.get(_doc_id(name_key(name)))
        return _until(record) if record else None

    def locked_now(self, names: list[str], now: datetime | None = None) -> set[str]:
        """Which of these names are locked out now (one read of the file for them all)."""
        now = now or datetime.now().astimezone()
        with self._records() as table:
            records = {name: table.get(_doc_id(name_key(name))) for name in names}
        return {
            name
            for name, record in records.items()
            if record and (until := _until(record)) is not None and until > now
        }

    def succeeded(self, name: str) -> None:
        """The right passphrase: the name starts again from nothing."""
        with self._records() as table:
            table.pop(_doc_id(name_key(name)), None)

    def lift(self, name: str) -> bool:
        """An admin lifts the lock and forgets the wrong tries since the name's last sign-in
        (so the next lock is a minute again); False when there was nothing to forget."""
        with self._records() as table:
            return table.pop(_doc_id(name_key(name)), None) is not None


def _why(exc: StoreWriteError) -> str:
    return "the disk is full" if isinstance(exc, StoreFullError) else "it could not be saved"
