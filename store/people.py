"""Staff accounts: names, roles, supervisors and passphrase hashes.

Names are NFKC-normalised and matched without regard to case or surrounding spaces, because
people type them on a shared terminal in a hurry; a name that looks like someone else's is
refused (`store.names`). Nothing secret leaves this module: passphrases are kept only as
scrypt-derived checks, and private keys only wrapped.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .crypto import (
    b64,
    new_key_pair,
    signing_public,
    unb64,
    unwrap_private_key,
    wrap_private_key,
)
from .errors import InvalidInput, PermissionDenied, SignInError
from .files import StoreFile, doc
from .names import looks_like, name_key, tidy
from .passwords import (
    burn_time,
    check_passphrase,
    needs_upgrade,
    new_secret,
    passphrase_problem,
)
from .roles import ROLES

NAME_PATTERN = re.compile(r"^[^\W_][\w .'-]{0,59}$")
TABLE = "people"


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def now_precise() -> str:
    """A timestamp fine enough to order two quick changes (microseconds, with the offset)."""
    return datetime.now().astimezone().isoformat(timespec="microseconds")


@dataclass
class Person:
    id: str
    name: str
    roles: list[str]
    supervisors: list[str] = field(default_factory=list)
    active: bool = True
    created_at: str = ""
    # The X25519 public key that sessions are sealed for (None until their first sign-in).
    public: bytes | None = field(default=None, repr=False, compare=False)
    # Ed25519 public keys that check what they sign: the current one first, then any from
    # before an admin's reset (so what they signed then still checks).
    sign_publics: list[bytes] = field(default_factory=list, repr=False, compare=False)
    # Only set on the Person returned by signing in: the unwrapped private key.
    private_key: object | None = field(default=None, repr=False, compare=False)

    def has(self, role: str) -> bool:
        return role in self.roles

    @classmethod
    def from_record(cls, record: dict) -> Person:
        keys = record.get("keys") or {}
        return cls(
            id=record["id"],
            name=record["name"],
            roles=list(record.get("roles", [])),
            supervisors=list(record.get("supervisors", [])),
            active=bool(record.get("active", True)),
            created_at=record.get("created_at", ""),
            public=unb64(keys["public"]) if keys.get("public") else None,
            sign_publics=[
                unb64(k) for k in [keys.get("sign_public"), *keys.get("sign_before", [])] if k
            ],
        )

    def to_record(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "roles": list(self.roles),
            "supervisors": list(self.supervisors),
            "active": self.active,
            "created_at": self.created_at,
        }


def _doc_id(person_id: str) -> int:
    return uuid.UUID(person_id).int


class PeopleStore:
    """Reads and writes the people file. The audit entry for each change, and who may make it,
    are the services' (`services.people`); only adding checks its caller here as well, under
    the file's lock, because "nobody yet, so no admin needed" must hold at the moment of writing."""

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
        supervisors: Sequence[str] = (),
        acting: Person | None = None,
        again: str | None = None,
    ) -> Person:
        name = tidy(name)
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
        self._check_new_passphrase(passphrase, again, name)
        person_id = str(uuid.uuid4())
        hashed, kek = new_secret(passphrase)  # slow: done before taking the lock
        private_key, keys = new_key_pair(kek, person_id)
        with self.file.transaction() as db:
            table = self.file.table(db, TABLE)
            records = [dict(r) for r in table.all()]
            if records and (acting is None or not acting.has("admin") or not acting.active):
                raise PermissionDenied("Only an admin can add people.")
            by_name = {name_key(r["name"]): r for r in records}
            if name_key(name) in by_name:
                raise InvalidInput(f"There is already someone called {name}.")
            similar = looks_like(name, [r["name"] for r in records])
            if similar:
                raise InvalidInput(
                    f"That name looks too much like {similar}, who is already here, so people "
                    "could mistake one for the other. Please write it in plain letters, or add "
                    "something that tells them apart, such as a middle initial."
                )
            supervisor_ids = []
            for supervisor in supervisors:
                record = by_name.get(name_key(supervisor))
                if record is None:
                    raise InvalidInput(f"There is nobody called {supervisor}.")
                if "supervisor" not in record.get("roles", []):
                    raise InvalidInput(f"{record['name']} does not have the supervisor role.")
                supervisor_ids.append(record["id"])
            person = Person(
                id=person_id,
                name=name,
                roles=roles,
                supervisors=supervisor_ids,
                active=True,
                created_at=now_iso(),
            )
            record = {**person.to_record(), "passphrase": hashed, "keys": keys}
            table.insert(doc(record, _doc_id(person.id)))
        added = Person.from_record(record)
        added.private_key = private_key  # the welcome form signs its creator straight in
        return added

    def insert_many(self, records: list[dict]) -> None:
        """Bulk insert of ready-made records (the demo store), in one write."""
        with self.file.transaction() as db:
            table = self.file.table(db, TABLE)
            table.insert_multiple(doc(r, _doc_id(r["id"])) for r in records)

    def authenticate(self, name: str, passphrase: str) -> Person:
        """The person with their private key unlocked, or SignInError.

        The words are the same whether the name exists or not, and an unknown name costs as
        much time as a wrong passphrase.
        """
        wrong = SignInError("That name and passphrase do not match. Please try again.")
        key = name_key(name)
        record = next((r for r in self._records() if name_key(r["name"]) == key), None)
        if record is None:
            burn_time(passphrase)
            raise wrong
        if not record.get("passphrase"):
            # Arrived in a bundle with public parts only: no passphrase on this machine yet.
            burn_time(passphrase)
            raise wrong
        kek = check_passphrase(passphrase, record.get("passphrase", {}))
        if kek is None:
            raise wrong
        if not record.get("active", True):
            raise SignInError("This account has been switched off. Please ask an admin.")
        if not record.get("keys") or record.get("passphrase", {}).get("v") != 2:
            record = self._give_keys(record["id"], passphrase)
            kek = check_passphrase(passphrase, record["passphrase"])
        person = Person.from_record(record)
        person.private_key = unwrap_private_key(record["keys"], kek, person.id)
        if needs_upgrade(record["passphrase"]):
            self._raise_cost(person, passphrase, record["passphrase"])
        if not record["keys"].get("sign_public"):
            # Keys from before signing: add the public half of the signing key once.
            sign_public = b64(signing_public(person.private_key))
            self._change(person.id, lambda r: r["keys"].update(sign_public=sign_public))
            person.sign_publics.insert(0, unb64(sign_public))
        return person

    def _raise_cost(self, person: Person, passphrase: str, checked: dict) -> None:
        """A hash from before the cost went up: made again at today's cost, with the same keys
        wrapped by the key the new hash gives (as changing one's own passphrase does). Left as
        it is if the passphrase changed meanwhile (a reset in another window)."""
        hashed, kek = new_secret(passphrase)
        wrapped = wrap_private_key(person.private_key, kek, person.id)

        def change(record: dict) -> None:
            keys = record.get("keys") or {}
            if record.get("passphrase") == checked and keys.get("public") == wrapped["public"]:
                record.update(passphrase=hashed, keys={**keys, "private": wrapped["private"]})

        self._change(person.id, change)

    def _check_new_passphrase(self, new: str, again: str | None, name: str) -> None:
        """The one rule for a new passphrase (`passphrase_problem`): the person's own name and
        the store's other names count as easy to guess."""
        others = [r["name"] for r in self._records() if name_key(r["name"]) != name_key(name)]
        problem = passphrase_problem(new, again, name=name, others=others)
        if problem:
            raise InvalidInput(problem)

    def _give_keys(self, person_id: str, passphrase: str) -> dict:
        """An account from before sealing existed: give it keys at its first sign-in."""
        hashed, kek = new_secret(passphrase)
        _, keys = new_key_pair(kek, person_id)
        return self._change(person_id, lambda r: r.update(passphrase=hashed, keys=keys))

    def _change(self, person_id: str, change) -> dict:
        with self.file.transaction() as db:
            table = self.file.table(db, TABLE)
            record = table.get(doc_id=_doc_id(person_id))
            if record is None:
                raise InvalidInput("That person is no longer in the store.")
            record = dict(record)
            change(record)
            table.upsert(doc(record, _doc_id(person_id)))
        return record

    def require(self, name: str) -> Person:
        person = self.find(name)
        if person is None:
            raise InvalidInput(f"There is nobody called {name}.")
        return person

    def change_passphrase(self, person: Person, old: str, new: str, again: str | None = None):
        """Your own passphrase: the same keys, wrapped anew, so nothing is lost."""
        self._check_new_passphrase(new, again, person.name)
        signed_in = self.authenticate(person.name, old)
        hashed, kek = new_secret(new)
        keys = wrap_private_key(signed_in.private_key, kek, person.id)

        def change(record: dict) -> None:
            keys["sign_before"] = (record.get("keys") or {}).get("sign_before", [])
            record.update(passphrase=hashed, keys=keys)

        self._change(person.id, change)

    def reset_passphrase(
        self, acting: Person, name: str, new: str, again: str | None = None
    ) -> Person:
        """An admin's reset: new keys too (nobody can unwrap the old ones without the old
        passphrase). Their supervisors' next sign-in shares their sessions with them again."""
        person = self.require(name)
        self._check_new_passphrase(new, again, person.name)
        hashed, kek = new_secret(new)
        _, keys = new_key_pair(kek, person.id)

        def reset(record: dict) -> None:
            old = record.get("keys") or {}
            before = [old.get("sign_public"), *old.get("sign_before", [])]
            keys["sign_before"] = [k for k in before if k]  # what they signed still checks
            record.update(passphrase=hashed, keys=keys)

        changed = self._change(person.id, reset)
        return Person.from_record(changed)

    def update(
        self,
        acting: Person,
        name: str,
        add_roles: Sequence[str] = (),
        remove_roles: Sequence[str] = (),
        add_supervisors: Sequence[str] = (),
        remove_supervisors: Sequence[str] = (),
        deactivate: bool = False,
        reactivate: bool = False,
    ) -> tuple[Person, list[str]]:
        """Change roles and supervisors; returns the person and a list of what changed, each
        `event` or `event:value` (`role_added:supervisor`), as the audit trail records them."""
        person = self.require(name)
        changes: list[str] = []
        roles = list(person.roles)
        for role in add_roles:
            if role not in ROLES:
                raise InvalidInput(f"Unknown role '{role}'; roles are {', '.join(ROLES)}.")
            if role not in roles:
                roles.append(role)
                changes.append(f"role_added:{role}")
        for role in remove_roles:
            if role in roles:
                roles.remove(role)
                changes.append(f"role_removed:{role}")
        if not roles:
            raise InvalidInput("Everyone needs at least one role.")
        if person.id == acting.id and "admin" not in roles:
            raise InvalidInput("You cannot remove your own admin role.")
        supervisors = list(person.supervisors)
        for supervisor_name in add_supervisors:
            supervisor = self.require(supervisor_name)
            if not supervisor.has("supervisor"):
                raise InvalidInput(f"{supervisor.name} does not have the supervisor role.")
            if supervisor.id == person.id:
                raise InvalidInput("Nobody can be their own supervisor.")
            if supervisor.id not in supervisors:
                supervisors.append(supervisor.id)
                changes.append(f"supervisor_added:{supervisor.name}")
        for supervisor_name in remove_supervisors:
            supervisor = self.require(supervisor_name)
            if supervisor.id in supervisors:
                supervisors.remove(supervisor.id)
                changes.append(f"supervisor_removed:{supervisor.name}")
        if deactivate and person.active:
            if person.id == acting.id:
                raise InvalidInput("You cannot switch off your own account.")
            changes.append("person_deactivated")
        if deactivate and reactivate:
            raise InvalidInput("Switch an account off or back on, not both at once.")
        if reactivate and not person.active:
            changes.append("person_reactivated")
        active = (person.active or reactivate) and not deactivate
        record = self._change(
            person.id,
            lambda r: r.update(roles=roles, supervisors=supervisors, active=active),
        )
        return Person.from_record(record), changes
