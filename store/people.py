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
    SealError,
    b64,
    new_key_pair,
    public_bytes,
    signing_public,
    unb64,
    unwrap_private_key,
    wrap_private_key,
)
from .directory import (
    CHANGES,
    CONFIRMED,
    FACTS,
    Directory,
    Keeper,
    confirmed_links,
    effective_rows,
    new_change,
    new_confirmation,
    replay,
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
from .pins import Pins
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


def _created(row: dict) -> str:
    return str(row.get("created_at", ""))


def _append(changes, change: dict) -> None:
    """One more signed change, filed after every change there (whatever else is in the file)."""
    changes.insert(doc(change, max((c.doc_id for c in changes.all()), default=0) + 1))


class PeopleStore:
    """Reads and writes the people file. The audit entry for each change, and who may make it,
    are the services' (`services.people`); only adding checks its caller here as well, under
    the file's lock, because "nobody yet, so no admin needed" must hold at the moment of writing."""

    def __init__(self, file: StoreFile, keeper: Keeper | None = None) -> None:
        self.file = file
        self.keeper = keeper or Keeper(file.path.parent, Pins())
        self._signed_seen: tuple[object, dict[str, list[str]]] | None = None

    def _rows(self) -> list[dict]:
        """The people rows as they are in the file (believed only through `_records`)."""
        with self.file.transaction() as db:
            return [dict(r) for r in self.file.table(db, TABLE).all()]

    def _records(self) -> list[dict]:
        """The people the signed directory vouches for (store/directory.py); an old store
        whose people nobody has signed yet: the rows, as before."""
        with self.file.transaction() as db:
            rows = [dict(r) for r in self.file.table(db, TABLE).all()]
            changes = [dict(c) for c in self.file.table(db, CHANGES).all()]
            confirmations = [dict(c) for c in self.file.table(db, CONFIRMED).all()]
        directory = self.keeper.state(changes)
        if not directory.signed:
            return rows
        return effective_rows(rows, directory, confirmed_links(directory, confirmations))

    def read_directory(self) -> tuple[list[dict], Directory]:
        """(the rows as in the file, what the signed changes say); DirectoryRefused when the
        store's root is not the one pinned for it."""
        with self.file.transaction() as db:
            rows = [dict(r) for r in self.file.table(db, TABLE).all()]
            changes = [dict(c) for c in self.file.table(db, CHANGES).all()]
        return rows, self.keeper.state(changes)

    def _signed_supervisors(self, person: Person) -> list[str]:
        """Their supervisors as signed, including any not yet confirmed (read once for a
        whole list of people: the file is read again only when it changed)."""
        try:
            stat = self.file.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp is None or self._signed_seen is None or self._signed_seen[0] != stamp:
            _, directory = self.read_directory()
            signed = {pid: f["supervisors"] for pid, f in directory.people.items()}
            self._signed_seen = (stamp, signed if directory.signed else {})
        facts = self._signed_seen[1].get(person.id)
        return list(facts) if facts is not None else list(person.supervisors)

    def waiting_supervisors(self, person: Person) -> list[tuple[str, str, str]]:
        """Supervisors an admin linked `person` to since they were added, not yet confirmed by
        them: (supervisor id, who linked them, when). Nothing is shared with them until then."""
        with self.file.transaction() as db:
            changes = [dict(c) for c in self.file.table(db, CHANGES).all()]
            confirmations = [dict(c) for c in self.file.table(db, CONFIRMED).all()]
        directory = self.keeper.state(changes)
        done = confirmed_links(directory, confirmations)
        return [
            (sid, by, at)
            for (pid, sid), (by, at, _) in directory.newly_linked.items()
            if pid == person.id and (pid, sid) not in done
        ]

    def confirm_supervisor(self, person: Person, supervisor_id: str) -> None:
        """`person` (signed in) says yes to sharing with a supervisor an admin linked them to."""
        if person.private_key is None:
            raise PermissionDenied("Sign in again first: a confirmation is signed with your key.")
        with self.file.transaction() as db:
            changes = [dict(c) for c in self.file.table(db, CHANGES).all()]
            directory = self.keeper.state(changes)
            if (person.id, supervisor_id) not in directory.newly_linked:
                raise InvalidInput("Nobody was added as your supervisor under that name.")
            confirmation = new_confirmation(directory, person, supervisor_id)
            _append(self.file.table(db, CONFIRMED), confirmation)

    def all(self) -> list[Person]:
        people = [Person.from_record(r) for r in self._records()]
        return sorted(people, key=lambda p: name_key(p.name))

    def is_empty(self) -> bool:
        return not self._rows()

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
        """What `users list --json` shows: nothing secret. Supervisors as an admin set them
        (signed), including any the person has yet to confirm."""
        by_id = by_id or {p.id: p for p in self.all()}
        return {
            "name": person.name,
            "roles": list(person.roles),
            "supervisors": [by_id[s].name for s in self._signed_supervisors(person) if s in by_id],
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
            rows = [dict(r) for r in table.all()]
            changes = self.file.table(db, CHANGES)
            directory = self.keeper.state([dict(c) for c in changes.all()])
            records = effective_rows(rows, directory) if directory.signed else rows
            if rows and (acting is None or not acting.has("admin") or not acting.active):
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
            added = Person.from_record(record)
            added.private_key = private_key  # the welcome form signs its creator straight in
            first = not rows
            if first or directory.signed:  # the first person's own record is the root
                signed = new_change(directory, added if first else acting, record, "person_added")
                _append(changes, signed)
            table.insert(doc(record, _doc_id(person.id)))
        if first:
            self.keeper.pin(keys["sign_public"])
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
        public = (record.get("keys") or {}).get("public")
        if public and record.get("passphrase", {}).get("v") == 2:
            try:  # a wrapped key that is not the signed one's signs nobody in
                opened = unwrap_private_key(record["keys"], kek, record["id"])
            except SealError:
                raise wrong from None
            if b64(public_bytes(opened)) != public:
                raise wrong
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

    def _change(self, person_id: str, change, signer: Person | None = None, event="") -> dict:
        """Change one row; in a signed store, with `signer` (an admin, signed in), the change
        is signed too, under the same lock (without, the row alone changes: an envelope, or
        something the signed directory goes on ignoring)."""
        with self.file.transaction() as db:
            table = self.file.table(db, TABLE)
            record = table.get(doc_id=_doc_id(person_id))
            if record is None:
                raise InvalidInput("That person is no longer in the store.")
            record = dict(record)
            changes = self.file.table(db, CHANGES)
            directory = self.keeper.state([dict(c) for c in changes.all()])
            if signer is not None and directory.signed:
                # What is signed is the signed facts changed, never what the row says now.
                rows = [dict(r) for r in table.all()]
                vouched = effective_rows(rows, directory)
                base = next((r for r in vouched if r["id"] == person_id), None)
                if base is None:
                    raise InvalidInput("That person is not in the signed directory.")
                change(base)
                signed = new_change(directory, signer, base, event)
                _append(changes, signed)
                record.update({k: base[k] for k in FACTS})  # the row heals to the signed facts
            change(record)
            table.upsert(doc(record, _doc_id(person_id)))
        return record

    def vouched(self, db) -> tuple[list[dict], Directory]:
        """Inside a transaction: the people the directory vouches for (an old store: the
        rows), and the directory."""
        rows = [dict(r) for r in self.file.table(db, TABLE).all()]
        directory = self.keeper.state([dict(c) for c in self.file.table(db, CHANGES).all()])
        return (effective_rows(rows, directory) if directory.signed else rows), directory

    def for_bundle(self) -> tuple[list[dict], list[dict]]:
        """(the people the directory vouches for, the signed changes) as a bundle carries
        them: only vouched facts travel, with the chain that proves them."""
        with self.file.transaction() as db:
            rows, directory = self.vouched(db)
            changes = (
                [dict(c) for c in self.file.table(db, CHANGES).all()] if directory.signed else []
            )
        return rows, changes

    def adopt_changes(self, db, changes: list[dict]) -> None:
        """Inside a transaction, into an empty store: the signed changes of the store a bundle
        was made in, whose root the person importing it has confirmed."""
        table = self.file.table(db, CHANGES)
        if not len(table):
            table.insert_multiple(doc(dict(c), n) for n, c in enumerate(changes, 1))

    def put_signed(self, db, signer: Person, records: list[dict], event: str) -> None:
        """Inside a transaction: write these new people, each with a change signed by `signer`
        when the store is signed (an import by an admin)."""
        changes = self.file.table(db, CHANGES)
        directory = self.keeper.state([dict(c) for c in changes.all()])
        table = self.file.table(db, TABLE)
        for record in records:
            if directory.signed:
                _append(changes, new_change(directory, signer, record, event))
                directory = self.keeper.state([dict(c) for c in changes.all()])
            table.upsert(doc(record, _doc_id(record["id"])))

    def sign_directory(self, admin: Person) -> int:
        """An old store's first admin sign-in after the upgrade: sign the directory as it
        stands, the admin's own record first (the root), then everyone else's; returns how
        many changes were signed (0 when it was signed already). The root is pinned."""
        if admin.private_key is None or not admin.has("admin"):
            return 0
        with self.file.transaction() as db:
            changes = self.file.table(db, CHANGES)
            if len(changes):
                return 0
            rows = [dict(r) for r in self.file.table(db, TABLE).all()]
            own = next((r for r in rows if r.get("id") == admin.id), None)
            if own is None or (own.get("keys") or {}).get("public") != b64(admin.public or b""):
                return 0
            directory = Directory()
            signed = []
            for row in [own, *sorted((r for r in rows if r is not own), key=_created)]:
                try:
                    change = new_change(directory, admin, row, "directory_signed")
                except PermissionDenied:
                    continue  # a row that is not a person: left out, and reported
                signed.append(change)
                directory = replay(signed)
            changes.insert_multiple(doc(c, n) for n, c in enumerate(signed, 1))
        self.keeper.pin(directory.root)
        return len(signed)

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

        # What they signed still checks: their signing keys as the directory has them (never a
        # key added to the file by hand).
        keys["sign_before"] = [b64(k) for k in person.sign_publics]

        def reset(record: dict) -> None:
            record.update(passphrase=hashed, keys=dict(keys))

        changed = self._change(person.id, reset, acting, "passphrase_reset")
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
        supervisors = self._signed_supervisors(person)  # with any not yet confirmed
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
            acting,
            "person_updated",
        )
        return Person.from_record(record), changes
