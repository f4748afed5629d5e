"""Staff accounts: names, roles, supervisors and passphrase hashes.

Names are matched without regard to case or surrounding spaces, because people type them
on a shared terminal in a hurry. Nothing secret ever leaves this module except through
`verify_passphrase`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from .errors import InvalidInput, PermissionDenied, SignInError
from .files import StoreFile, doc
from .passwords import burn_time, hash_passphrase, passphrase_problem, verify_passphrase

ROLES: tuple[str, ...] = ("practitioner", "supervisor", "admin")
NAME_PATTERN = re.compile(r"^[^\W_][\w .'-]{0,59}$")
TABLE = "people"


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def now_precise() -> str:
    """A timestamp fine enough to order two quick changes (microseconds, with the offset)."""
    return datetime.now().astimezone().isoformat(timespec="microseconds")


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class Person:
    id: str
    name: str
    roles: list[str]
    supervisors: list[str] = field(default_factory=list)
    active: bool = True
    created_at: str = ""

    def has(self, role: str) -> bool:
        return role in self.roles

    @classmethod
    def from_record(cls, record: dict) -> Person:
        return cls(
            id=record["id"],
            name=record["name"],
            roles=list(record.get("roles", [])),
            supervisors=list(record.get("supervisors", [])),
            active=bool(record.get("active", True)),
            created_at=record.get("created_at", ""),
        )


def _doc_id(person_id: str) -> int:
    return uuid.UUID(person_id).int


class PeopleStore:
    def __init__(self, file: StoreFile) -> None:
        self.file = file

    def _records(self) -> list[dict]:
        with self.file.transaction() as db:
            return [dict(r) for r in self.file.table(db, TABLE).all()]

    def all(self) -> list[Person]:
        people = [Person.from_record(r) for r in self._records()]
        return sorted(people, key=lambda p: name_key(p.name))

    def is_empty(self) -> bool:
        return not self._records()

    def find(self, name: str) -> Person | None:
        key = name_key(name)
        for record in self._records():
            if name_key(record["name"]) == key:
                return Person.from_record(record)
        return None

    def get(self, person_id: str) -> Person | None:
        for record in self._records():
            if record["id"] == person_id:
                return Person.from_record(record)
        return None

    def public_view(self, person: Person, by_id: dict[str, Person] | None = None) -> dict:
        """What `users list --json` shows: nothing secret."""
        by_id = by_id or {p.id: p for p in self.all()}
        return {
            "name": person.name,
            "roles": list(person.roles),
            "supervisors": [by_id[s].name for s in person.supervisors if s in by_id],
            "active": person.active,
        }

    def create_first(self, name: str, passphrase: str, again: str | None = None) -> Person:
        """The welcome form: the first account is an admin and a practitioner."""
        return self.add(name, ["admin", "practitioner"], passphrase, again=again)

    def add(
        self,
        name: str,
        roles: list[str],
        passphrase: str,
        supervisors: list[str] = (),  # type: ignore[assignment]
        acting: Person | None = None,
        again: str | None = None,
    ) -> Person:
        name = " ".join(name.split())
        if not NAME_PATTERN.match(name):
            raise InvalidInput(
                "A name needs 1 to 60 letters, digits, spaces, hyphens or apostrophes, "
                "starting with a letter or digit."
            )
        roles = list(dict.fromkeys(roles))
        bad = [r for r in roles if r not in ROLES]
        if bad or not roles:
            raise InvalidInput(
                f"Unknown role '{bad[0]}'; roles are {', '.join(ROLES)}."
                if bad
                else f"Give at least one role ({', '.join(ROLES)})."
            )
        problem = passphrase_problem(passphrase, again)
        if problem:
            raise InvalidInput(problem)
        hashed = hash_passphrase(passphrase)  # slow: done before taking the lock
        with self.file.transaction() as db:
            table = self.file.table(db, TABLE)
            records = [dict(r) for r in table.all()]
            if records and (acting is None or not acting.has("admin") or not acting.active):
                raise PermissionDenied("Only an admin can add people.")
            keys = {name_key(r["name"]): r for r in records}
            if name_key(name) in keys:
                raise InvalidInput(f"There is already someone called {name}.")
            supervisor_ids = []
            for supervisor in supervisors:
                record = keys.get(name_key(supervisor))
                if record is None:
                    raise InvalidInput(f"There is nobody called {supervisor}.")
                if "supervisor" not in record.get("roles", []):
                    raise InvalidInput(f"{record['name']} does not have the supervisor role.")
                supervisor_ids.append(record["id"])
            person = Person(
                id=str(uuid.uuid4()),
                name=name,
                roles=roles,
                supervisors=supervisor_ids,
                active=True,
                created_at=now_iso(),
            )
            record = {**person.__dict__, "passphrase": hashed}
            table.insert(doc(record, _doc_id(person.id)))
        return person

    def insert_many(self, records: list[dict]) -> None:
        """Bulk insert of ready-made records (the demo store), in one write."""
        with self.file.transaction() as db:
            table = self.file.table(db, TABLE)
            table.insert_multiple(doc(r, _doc_id(r["id"])) for r in records)

    def authenticate(self, name: str, passphrase: str) -> Person:
        """The person, or SignInError with the same words whether the name exists or not."""
        wrong = SignInError("That name and passphrase do not match. Please try again.")
        key = name_key(name)
        record = next((r for r in self._records() if name_key(r["name"]) == key), None)
        if record is None:
            burn_time(passphrase)
            raise wrong
        if not verify_passphrase(passphrase, record.get("passphrase", {})):
            raise wrong
        person = Person.from_record(record)
        if not person.active:
            raise SignInError("This account has been switched off. Please ask an admin.")
        return person
