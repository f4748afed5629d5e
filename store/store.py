"""The store: one data folder holding people, checklist versions and sessions.

<data dir>/
  people.json                   staff accounts (hashes only)
  checklist-versions.json       every checklist wording ever used, by content hash
  sessions/<person id>/drafts.json, archive-YYYY-MM.json
  sessions/<person id>/supervision.json   comments and supervision records about them
  checklists/*.yaml             the service's own checklists (optional)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from checklists import Checklist

from .audit import AUDIT_FILE, AuditLog
from .errors import (
    CorruptFileError,
    FailedAttempt,
    NotFound,
    PermissionDenied,
    SignInError,
    StoreError,
)
from .location import ENV_DATA_DIR, default_data_dir, resolve_data_dir  # noqa: F401
from .lockout import LockedOut, Lockouts

if TYPE_CHECKING:
    from checklists.loader import Library
from .config import idle_lock_seconds, read_config
from .directory import Keeper
from .files import StoreFile, doc, holds_records
from .part_writer import PartWriter, contact_part
from .people import PeopleStore, Person
from .pins import Pins
from .roles import sees_sessions
from .sessions import FOLDER as SESSIONS_FOLDER
from .sessions import Session, SessionStore, new_session
from .storage import ensure_dir, read_tables
from .supervision import SupervisionStore

VERSIONS_TABLE = "versions"
# What the folder of a store nobody has set up yet may hold (besides lock files).
NEW_STORE_ENTRIES = frozenset({"config.toml", "checklists"})
# What the audit trail of such a store may hold: sign-ins tried before anyone was there.
NOBODY_YET_EVENTS = frozenset({"sign_in_failed", "sign_in_refused", "locked_out"})


def is_new_folder(data_dir: Path) -> bool:
    """Whether `data_dir` is a new store's folder, which alone may have nobody in it yet.

    A new store's folder holds `config.toml` and `checklists/` and nothing of anyone's:
    lock files, a people file (and its backup) with nobody in it, as an older version left
    on opening it, and what a sign-in tried before anyone was there leaves (the lockout
    counts, an audit trail of failed sign-ins only, and an incomplete last line of that trail
    set aside). Anything else (sessions, a backup copy
    with people in it, an audit trail of anything else) means people.json was lost, which
    is never taken as a fresh start (`StoreFile._not_lost`).
    """
    try:
        entries = list(Path(data_dir).iterdir())
    except OSError:
        return False
    for entry in entries:
        name = entry.name
        if name in NEW_STORE_ENTRIES or name.endswith(".lock"):
            continue
        if name in ("people.json", "people.json.bak", "lockouts.json"):
            try:
                data = read_tables(entry)
            except CorruptFileError:
                return False
            if name != "lockouts.json" and holds_records(data):
                return False
            continue
        if name == AUDIT_FILE and AuditLog(Path(data_dir)).only(NOBODY_YET_EVENTS):
            continue
        if name.startswith(f"{AUDIT_FILE}.torn-") and entry.is_file():
            continue  # part of a line of that trail, cut short and set aside: no entry
        return False
    return True


class Store:
    def __init__(
        self, data_dir: Path, library: Library | None = None, pins: Pins | None = None
    ) -> None:
        self.data_dir = Path(data_dir)
        ensure_dir(self.data_dir)
        self._library = library
        # Plain sentences about damaged files found and set aside, for the app to show.
        self.notices: list[str] = []
        # Whose root this machine trusts for the store: never read from the store folder.
        self.pins = pins or Pins()
        # The store's config.toml: one that cannot be used gives the (strict) defaults.
        self.config = read_config(self.data_dir)
        self.notices.extend(self.config.problems)
        if self.config.settings:
            _, problem = idle_lock_seconds(self.config, self.data_dir)
            if problem:
                self.notices.append(problem)
        # Files put back from their backup copy, for the audit trail (`services.audit`).
        self.repairs: list[dict] = []
        self.people = PeopleStore(
            StoreFile(
                self.data_dir / "people.json",
                "people",
                backup=True,
                notices=self.notices,
                new_store=self.is_new_folder,
                repairs=self.repairs,
            ),
            Keeper(self.data_dir, self.pins),
        )
        self.sessions = SessionStore(self.data_dir / SESSIONS_FOLDER, self.people, self.notices)
        self.supervision = SupervisionStore(
            self.data_dir / SESSIONS_FOLDER, self.people, self.sessions.readers_for, self.notices
        )
        # The structured parts of finished sessions, for the service report (issue 16).
        self.parts = PartWriter(
            self.data_dir, self.people, self.sessions.readers_for, self.sessions.person_dir
        )
        self.sessions.on_finish = self.part_of_finished
        self.audit = AuditLog(self.data_dir, self.notices)
        self.lockouts = Lockouts(self.data_dir, self.notices, self.audit)
        self.versions_file = StoreFile(
            self.data_dir / "checklist-versions.json",
            "checklists",
            quarantine=True,
            notices=self.notices,
        )
        self._versions: dict[str, Checklist] = {}

    def is_new_folder(self) -> bool:
        """Whether this folder is a new store's, which alone may have nobody in it yet."""
        return is_new_folder(self.data_dir)

    @property
    def library(self) -> Library:
        """The checklists, reasons and prompts: read on first use, not at start-up."""
        if self._library is None:
            from checklists.loader import load_library

            self._library = load_library([self.data_dir / "checklists"])
        return self._library

    # -- checklist versions ------------------------------------------------------------------
    def remember_version(self, checklist: Checklist) -> None:
        """Keep the exact wording a session was started on, once per version."""
        key = checklist.content_hash
        if key in self._versions:
            return
        with self.versions_file.transaction() as db:
            table = self.versions_file.table(db, VERSIONS_TABLE)
            doc_id = int(key, 16)
            if not table.contains(doc_id=doc_id):
                table.insert(doc({"hash": key, "checklist": checklist.to_dict()}, doc_id))
        self._versions[key] = checklist

    def checklist_for(self, session: Session) -> Checklist:
        """The checklist as it was when the session started (old drafts finish on it)."""
        key = session.checklist_hash
        if key in self._versions:
            return self._versions[key]
        current = self.library.checklists.get(session.checklist_id)
        if current is not None and current.content_hash == key:
            self._versions[key] = current
            return current
        with self.versions_file.transaction() as db:
            record = self.versions_file.table(db, VERSIONS_TABLE).get(doc_id=int(key, 16))
        if record is None:
            raise NotFound(
                f"The wording of checklist '{session.checklist_id}' used by this session "
                "is missing."
            )
        checklist = Checklist.from_dict(record["checklist"], origin="stored version")
        self._versions[key] = checklist
        return checklist

    # -- sessions ----------------------------------------------------------------------------
    def start_session(self, person: Person, checklist: Checklist, setup: dict) -> Session:
        if not sees_sessions(person.roles):
            raise PermissionDenied("As a service lead you see the service's figures only.")
        self.remember_version(checklist)
        session = new_session(person.id, checklist, setup)
        session.signer = person.private_key  # every save of it is signed by its author
        self.sessions.save_draft(session)
        return session

    def part_of_finished(self, done: Session) -> None:
        """Seal a session just finished into its author's month entry for the service report.
        When that cannot be done now (no lead yet, a damaged index, a full disk), the session
        is finished all the same, and gains its part at the next sign-in of its author or a
        supervisor (`services.service_parts.catch_up`)."""
        author = self.people.get(done.author)
        if author is None or done.signer is None or not author.sign_publics:
            return
        author.private_key = done.signer
        try:
            part = contact_part(done, self.checklist_for(done), author.sign_publics[0])
            self.parts.add(author.id, part["month"], {done.id: part}, author)
        except (StoreError, OSError, KeyError, TypeError, ValueError):
            pass  # finished all the same: the part is added at a later sign-in

    # -- signing in -------------------------------------------------------------------------
    def sign_in(self, name: str, passphrase: str) -> Person:
        """Check a passphrase under the lockout rule; the audit entries are the service's
        (`services.people.sign_in`), which reads what a wrong try was from `error.attempt`.

        The try is counted before the passphrase is checked (see `store.lockout`), so a try
        refused while the name is locked, or one that cannot be counted, is never checked:
        its error says `refused` and names the person it was for in `subject`."""
        try:
            until = self.lockouts.begin(name)
        except SignInError as exc:
            known = self.people.find(name)
            exc.subject = known.name if known else None
            raise
        try:
            person = self.people.authenticate(name, passphrase)
        except SignInError as exc:
            known = self.people.find(name)
            attempt = FailedAttempt(known.name if known else None, until)
            if until is not None:
                locked = LockedOut(until)
                locked.attempt = attempt
                raise locked from None
            exc.attempt = attempt
            raise
        self.lockouts.succeeded(name)
        return person

    def readable_authors(self, reader: Person) -> list[Person]:
        """Whose sessions this person may read: their own, and their supervisees' (nobody's
        for a service lead who has no other role)."""
        if not sees_sessions(reader.roles):
            return []
        people = self.people.all()
        return [p for p in people if p.id == reader.id or reader.id in p.supervisors]

    def may_read(self, reader: Person, author: Person) -> bool:
        """The author and their supervisors; never a service lead who has no other role."""
        if not sees_sessions(reader.roles):
            return False
        return author.id == reader.id or reader.id in author.supervisors

    def require_reader(self, reader: Person, author: Person) -> None:
        """PermissionDenied, in the words both front ends show, unless `reader` may read."""
        if not self.may_read(reader, author):
            raise PermissionDenied(
                f"You are not {author.name}'s supervisor, so you cannot read their sessions."
            )

    def readable_sessions(
        self,
        reader: Person,
        status: str | None = None,
        of: Person | None = None,
        problems: list[StoreError] | None = None,
        limit: int | None = None,
        since: str | None = None,
    ) -> list[Session]:
        """Sessions `reader` may read: their own, or one supervisee's (`of`); with `since`
        (a date), finished ones only from that month on (and every unfinished one).

        Sessions that cannot be opened (not yet shared, or altered) are listed in `problems`
        rather than dropped without a word. A supervisor's reading is recorded by the service
        (`services.sessions.readable`), not here.
        """
        author = of or reader
        self.require_reader(reader, author)
        sessions = self.sessions.all_for(author.id, reader, problems, limit, since)
        if status:
            sessions = [s for s in sessions if s.status == status]
        return sessions

    def reshare_all(self, reader: Person) -> int:
        """At sign-in: share the sessions this person can open with everyone who may read them;
        returns how many records changed (`services.people.reshare` records that)."""
        changed = 0
        for author in self.readable_authors(reader):
            changed += self.sessions.reshare(author.id, reader)
            changed += self.supervision.reshare(author.id, reader)
        return changed
