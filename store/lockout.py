"""Wrong-passphrase lockout: after 5 in a row for a name, that name waits a minute, doubling.

Counted by the name typed, whether or not anyone has that name, so the lockout itself never
tells a stranger which names exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from .errors import SignInError
from .files import StoreFile, doc
from .people import name_key

TABLE = "failures"
ATTEMPTS = 5
FIRST_WAIT = timedelta(minutes=1)


class LockedOut(SignInError):
    def __init__(self, until: datetime) -> None:
        self.until = until
        wait = until - datetime.now().astimezone()
        minutes = max(1, round(wait.total_seconds() / 60))
        super().__init__(
            f"Too many wrong passphrases for this name. Please wait until "
            f"{until.strftime('%H:%M:%S')} (about {minutes} minute{'s' if minutes > 1 else ''}) "
            "and try again, or ask an admin."
        )


def _doc_id(key: str) -> int:
    import hashlib

    return int(hashlib.sha256(key.encode()).hexdigest()[:15], 16)


class Lockouts:
    def __init__(self, data_dir: Path, notices: list[str]) -> None:
        self.file = StoreFile(
            Path(data_dir) / "lockouts.json", "lockouts", quarantine=True, notices=notices
        )

    def check(self, name: str, now: datetime | None = None) -> None:
        """Raise LockedOut while the name is locked."""
        now = now or datetime.now().astimezone()
        with self.file.transaction() as db:
            record = self.file.table(db, TABLE).get(doc_id=_doc_id(name_key(name)))
        if record and record.get("until"):
            until = datetime.fromisoformat(record["until"])
            if until > now:
                raise LockedOut(until)

    def failed(self, name: str, now: datetime | None = None) -> datetime | None:
        """Count a wrong passphrase; returns the time the name is locked until, if it now is."""
        now = now or datetime.now().astimezone()
        key = name_key(name)
        with self.file.transaction() as db:
            table = self.file.table(db, TABLE)
            # Only counts are kept, under a hash of the name: never the name itself.
            record = dict(table.get(doc_id=_doc_id(key)) or {"count": 0, "times": 0})
            record["count"] += 1
            until = None
            if record["count"] >= ATTEMPTS:
                until = now + FIRST_WAIT * (2 ** record["times"])
                record.update(count=0, times=record["times"] + 1, until=until.isoformat())
            table.upsert(doc(record, _doc_id(key)))
        return until

    def succeeded(self, name: str) -> None:
        key = name_key(name)
        with self.file.transaction() as db:
            table = self.file.table(db, TABLE)
            if table.contains(doc_id=_doc_id(key)):
                table.remove(doc_ids=[_doc_id(key)])
