"""Importing: merging a checked bundle into a store, record by record, by the rule in `merge`.

People first (never an admin into a store that has people), then checklist wordings, then each
person's records: added, replaced (the older copy kept in `history`), skipped, kept aside as a
conflict (in `conflicts`), or, when whole but not usable here, quarantined to
`quarantine/import-<time>/<kind>-<id>.json`, named in the report, while the rest carry on.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from store import sealed_table
from store.crypto import fingerprint
from store.errors import CorruptFileError, StoreError
from store.files import StoreFile, doc, raw_table
from store.names import looks_like
from store.people import ROLES, Person, name_key, now_iso
from store.session_signing import Trust, Unverified
from store.sessions import COMPLETE, KEPT_TABLE, archive_month, finished_marker, is_marker
from store.storage import ensure_dir, read_json, write_atomic
from store.store import VERSIONS_TABLE, Store
from store.supervision import TABLES as SUPERVISION_TABLES

from .bundle_file import (
    PERSON_FIELDS,
    Progress,
    entry_fields,
    seal_problem,
    session_problem,
    sha256_of,
    stored_form,
    wording_is_whole,
)
from .merge import Outcome, decide, essence
from .reading import Bundle

# The lists an import report holds, each of {"kind", "id", "author", "why"} (people: "name").
REPORT_LISTS = (
    "added",
    "replaced",
    "skipped",
    "conflicts",
    "quarantined",
    "people_added",
    "people_skipped",
    "people_conflicts",
)
SUPERVISION_KINDS = tuple(SUPERVISION_TABLES)  # in the order the tables were always written
_ARCHIVE = "archive "  # a session's place: "drafts", "marker" or "archive YYYY-MM"
QUARANTINE = "quarantine"


def _kept_doc_id(*parts: object) -> int:
    return int(hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:30], 16)


def history_file(store: Store, person_id: str) -> StoreFile:
    """Older copies that an import replaced with newer revisions (nothing is thrown away)."""
    return store.sessions.history_file(person_id)


def conflicts_file(store: Store, person_id: str) -> StoreFile:
    """Incoming copies that clashed with the copy here; this store goes on using its own."""
    return store.sessions.conflicts_file(person_id)


def _records_of(file: StoreFile, table: str) -> list[dict]:
    with file.transaction() as db:
        return [dict(r) for r in file.table(db, table).all()]


def open_target(target: Store | str | Path) -> tuple[Store, bool]:
    """The store a bundle goes into, and whether it has nobody yet (read without creating
    people.json, so that a dry run into an empty folder leaves it empty)."""
    store = target if isinstance(target, Store) else Store(Path(target))
    return store, _is_empty(store)


def _is_empty(store: Store) -> bool:
    """Whether the store has nobody yet, read without creating people.json."""
    try:
        data = read_json(store.data_dir / "people.json")
    except CorruptFileError:
        return store.people.is_empty()  # the store's own recovery (the backup copy)
    return not data or not data.get("people")


@dataclass
class _Plan:
    """The writes for one file group, gathered so each file is rewritten once, not per record."""

    add: dict[str, list[dict]] = field(default_factory=dict)  # destination -> records
    remove: dict[str, list[int]] = field(default_factory=dict)  # destination -> doc ids
    history: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)

    def put(self, where: str, record: dict) -> None:
        self.add.setdefault(where, []).append(record)

    def drop(self, where: str, doc_id: int) -> None:
        self.remove.setdefault(where, []).append(doc_id)


class Import:
    """One import as `importer` (already signed in and allowed: `services.exchange`): people
    first (`add_people`), then checklist wordings and each person's records (`add_records`).

    The two steps are apart so that the service can write an audit entry for each person
    added as soon as they are on disk, before any record is merged; with `dry_run` nothing
    is written at all.
    """

    def __init__(
        self,
        store: Store,
        bundle: Bundle,
        importer: Person,
        empty: bool,
        dry_run: bool,
        progress: Progress | None,
    ) -> None:
        self.store = store
        self.bundle = bundle
        self.importer = importer
        self.empty = empty
        self.dry_run = dry_run
        self.progress = progress
        self.report: dict = {
            "dry_run": dry_run,
            "bundle": {
                "path": str(bundle.path),
                "created_by": bundle.created_by,
                "created_at": bundle.created_at,
                "digest": bundle.digest,
            },
            **{key: [] for key in REPORT_LISTS},
            "checklists_added": 0,
        }
        self.names: dict[str, str] = {}
        self.people: dict[str, dict] = {}  # everyone known after the merge, by id
        self.blocked: dict[str, str] = {}  # person id -> why their records stay out
        self.versions: set[str] = set()
        self.quarantine_dir: Path | None = None
        self.trust: Trust | None = None
        self.done = 0

    # -- the whole run -------------------------------------------------------------------
    def add_people(self) -> list[dict]:
        """Add the bundle's people this store lacks; returns those written (none in a dry
        run), each as this store now holds them."""
        self._tick(0, len(self.bundle.records))
        return self._merge_people()

    def add_records(self) -> dict:
        """Checklist wordings, then each person's records; returns the report."""
        total = len(self.bundle.records)
        self._merge_checklists()
        groups: dict[str, list[dict]] = {}
        for entry in self.bundle.records:
            groups.setdefault(entry["author"], []).append(entry)
        for author_id, entries in groups.items():
            usable = [e for e in entries if self._usable(e)]
            self._import_sessions(author_id, [e for e in usable if e["kind"] == "session"])
            self._import_supervision(author_id, [e for e in usable if e["kind"] != "session"])
            self.done += len(entries)
            self._tick(self.done, total)
        self._tick(total, total)
        return self.report

    def _tick(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)

    def _item(self, entry: dict, why: str, **extra) -> dict:
        author = self.names.get(entry["author"], "someone unknown")
        return {"kind": entry["kind"], "id": entry["id"], "author": author, "why": why, **extra}

    # -- people --------------------------------------------------------------------------
    def _merge_people(self) -> list[dict]:
        """Add people this store lacks; never change someone it has (their record here wins)."""
        if self.dry_run:
            self._plan_people(raw_table(self.store.data_dir / "people.json", "people"))
            return []
        file = self.store.people.file
        with file.transaction() as db:  # decide and add under the lock: no double adds
            table = file.table(db, "people")
            added = self._plan_people([dict(r) for r in table.all()])
            if added:
                table.insert_multiple(doc(r, _doc(r)) for r in added)
        return added

    def _plan_people(self, rows: list[dict]) -> list[dict]:
        here = {r["id"]: r for r in rows if isinstance(r.get("id"), str)}
        by_name = {name_key(r.get("name", "")): r for r in here.values()}
        self.people = dict(here)
        self.names = {pid: r.get("name", "") for pid, r in here.items()}
        may_add = self.empty or (self.importer.has("admin") and self.importer.active)
        added = []
        for person in self.bundle.people:
            pid, name = person["id"], person["name"]
            self.names.setdefault(pid, name)
            if pid in here:
                self.report["people_skipped"].append({"name": name, "why": "already here"})
            elif name_key(name) in by_name:
                why = (
                    f"this store has a different account called {by_name[name_key(name)]['name']}"
                    " (made separately), so their records were not imported; an admin can "
                    "rename one of them and import again"
                )
                self._block(pid, name, why)
            elif similar := looks_like(name, [r.get("name", "") for r in by_name.values()]):
                why = (
                    f"the name looks too much like {similar}, who is already in this store, so "
                    "their records were not imported; an admin can rename one of them and "
                    "import again"
                )
                self._block(pid, name, why)
            elif not may_add:
                why = "not in this store, and only an admin can add people, so their records "
                self._block(pid, name, why + "were not imported")
            else:
                record = self._arriving(person)
                by_name[name_key(name)] = record
                self.people[pid] = record
                added.append(record)
                view = {"name": name, "roles": record["roles"], "why": "added"}
                if set(record["roles"]) != set(person.get("roles", [])):
                    view["why"] = "added without admin rights (an admin here can give them)"
                self.report["people_added"].append(view)
        return added

    def _arriving(self, person: dict) -> dict:
        """A bundle person as this store will hold them. Into a store that has people already,
        nobody arrives as an admin: a bundle must never be a way to gain admin rights."""
        record = {k: copy.deepcopy(person[k]) for k in PERSON_FIELDS if k in person}
        roles = [r for r in dict.fromkeys(person.get("roles", [])) if r in ROLES]
        if not self.empty:
            roles = [r for r in roles if r != "admin"]
        record["roles"] = roles or ["practitioner"]
        record.setdefault("supervisors", [])
        record.setdefault("active", True)
        record.setdefault("created_at", self.bundle.created_at)
        return record

    def _block(self, pid: str, name: str, why: str) -> None:
        self.blocked[pid] = why
        self.report["people_conflicts"].append({"name": name, "why": why})

    # -- checklist wordings --------------------------------------------------------------
    def _merge_checklists(self) -> None:
        """Add the wordings this store lacks, each checked against its own hash first."""
        file = self.store.versions_file
        if self.dry_run:
            here = {r.get("hash") for r in raw_table(file.path, VERSIONS_TABLE)}
        else:
            here = {r.get("hash") for r in _records_of(file, VERSIONS_TABLE)}
        self.versions = {h for h in here if isinstance(h, str)}
        new = [w for w in self.bundle.checklists if w["hash"] not in self.versions]
        new = [w for w in new if wording_is_whole(w)]
        self.versions |= {w["hash"] for w in new}
        self.report["checklists_added"] = len(new)
        if new and not self.dry_run:
            with file.transaction() as db:
                table = file.table(db, VERSIONS_TABLE)
                fresh = [w for w in new if not table.contains(doc_id=int(w["hash"], 16))]
                table.insert_multiple(
                    doc({"hash": w["hash"], "checklist": w["checklist"]}, int(w["hash"], 16))
                    for w in fresh
                )

    # -- one record: may it come in, and can it be used? -----------------------------------
    def _usable(self, entry: dict) -> bool:
        """False when the record is skipped (not the importer's to bring) or quarantined."""
        author = entry["author"]
        if author in self.blocked:
            self.report["skipped"].append(self._item(entry, "its author was not added (above)"))
            return False
        if not self._may_import(author):  # checked first: a stranger's bundle writes nothing
            why = "only an admin can import other people's records"
            self.report["skipped"].append(self._item(entry, why))
            return False
        problem = self._unusable(entry)
        if problem:
            self._quarantine(entry, problem)
            return False
        return True

    def _may_import(self, author_id: str) -> bool:
        """An admin imports anyone's; anyone else their own and their supervisees' records."""
        if self.importer.has("admin") and self.importer.active:
            return True
        supervisors = self.people.get(author_id, {}).get("supervisors") or []
        return author_id == self.importer.id or self.importer.id in supervisors

    def _unusable(self, entry: dict) -> str | None:
        if entry["author"] not in self.people:
            return "it is about someone who is neither in the bundle nor in this store"
        problem = seal_problem(entry)
        if problem:
            return problem
        problem = session_problem(entry) if entry["kind"] == "session" else entry_fields(entry)
        if problem:
            return problem
        if entry["kind"] == "session" and entry["checklist"]["hash"] not in self.versions:
            return (
                f"the wording of checklist '{entry['checklist'].get('id')}' it was answered on "
                "is neither in the bundle nor in this store"
            )
        # Anyone can seal for a public key; only the writer can sign. Checked for every
        # session, comment and record, whether or not the importer can open it.
        if entry["kind"] == "session":
            damaged = self._does_not_open(entry)  # damage is named as damage
            if damaged:
                return damaged
            return self._session_problem(stored_form(entry))
        try:
            self.store.supervision.check_signature(stored_form(entry), self._signer(entry))
        except StoreError:
            return "it is not signed by the person it says wrote it: it may have been altered"
        return self._does_not_open(entry)

    def _session_problem(self, incoming: dict) -> str | None:
        """Why an intact session cannot come in: not signed by its author (nor vouched for
        here)."""
        if self._trust().problem(incoming):
            return "it is not signed by the person it says wrote it: it may have been altered"
        return None

    def _trust(self) -> Trust:
        """Who signs what, as the people known after the merge say (this store's, and the
        bundle's newcomers): read once per import."""
        if self.trust is None:
            vouched = self.store.sessions.vouched()
            self.trust = Trust.of_records(self.people.values(), vouched)
        return self.trust

    def _signer(self, entry: dict) -> Person | None:
        record = self.people.get(entry.get("by") or "")
        return Person.from_record(record) if record else None

    def _does_not_open(self, entry: dict) -> str | None:
        """Open the record when the importer is one of its readers: the seal is the real check
        that nothing in it, or in the clear fields it is bound to, was changed."""
        wrap = entry["sealed"]["readers"].get(self.importer.id) or {}
        public = self.importer.public
        if public is None or self.importer.private_key is None:
            return None
        if wrap.get("for") != fingerprint(public):
            return None
        stored = stored_form(entry)
        try:
            if entry["kind"] == "session":
                self.store.sessions.open_record(stored, self.importer, self._trust())
            else:
                self.store.supervision.open_entry(stored, self.importer, self._signer(entry))
        except Unverified:
            return None  # it opens, but its author did not sign it: said as such by the caller
        except StoreError:
            return "it has been altered or damaged: its seal does not open"
        return None

    def _quarantine(self, entry: dict, why: str) -> None:
        """Set the record aside as a file of its own, named in the report, and carry on."""
        body = {
            "why": why,
            "bundle": {k: v for k, v in self.report["bundle"].items() if k != "path"},
            "record": entry,
        }
        payload = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
        name = f"{entry['kind']}-{entry['id']}.json"
        root = self.store.data_dir / QUARANTINE
        existing = next(
            (p for p in sorted(root.glob(f"import-*/{name}")) if p.read_bytes() == payload), None
        )
        if existing is not None:  # set aside by an earlier import of the same bundle
            where = existing
        else:
            where = self._quarantine_folder() / name
            if not self.dry_run:
                write_atomic(where, payload)
        relative = str(where.relative_to(self.store.data_dir))
        self.report["quarantined"].append(self._item(entry, why, file=relative))

    def _quarantine_folder(self) -> Path:
        if self.quarantine_dir is None:
            stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
            root = self.store.data_dir / QUARANTINE
            folder = root / f"import-{stamp}"
            attempt = 1
            while folder.exists():
                attempt += 1
                folder = root / f"import-{stamp}-{attempt}"
            if not self.dry_run:
                ensure_dir(folder)
            self.quarantine_dir = folder
        return self.quarantine_dir

    # -- sessions ------------------------------------------------------------------------
    def _import_sessions(self, author_id: str, entries: list[dict]) -> None:
        """One person's sessions, decided and written while their drafts file is held, so
        the app cannot save or finish one of them half-way through."""
        if not entries:
            return
        sessions = self.store.sessions
        drafts = None if self.dry_run else sessions.drafts_file(author_id)
        with drafts.transaction() if drafts else nullcontext() as db:
            table = sessions.table(drafts, db) if drafts else None
            current = self._current_sessions(author_id, table)
            plan = _Plan()
            for entry in entries:
                self._place_session(entry, current, plan)
            if not self.dry_run:
                self._write_sessions(author_id, plan, table)

    def _current_sessions(self, author_id: str, drafts_table) -> dict[str, tuple[str, dict]]:
        """Each session here, by id, with where it is: "drafts", an archive month's place
        (`_archive(month)`), or "marker" (a finished draft's marker). A finished copy wins over
        a leftover draft."""
        sessions = self.store.sessions
        if drafts_table is not None:
            drafts = [dict(r) for r in drafts_table.all()]
        else:
            drafts = sessions.peek(author_id)
        index: dict[str, tuple[str, dict]] = {}
        for record in drafts:
            place = "marker" if is_marker(record) else "drafts"
            index[str(record.get("id"))] = (place, record)
        for month in sessions.archive_months(author_id):
            if self.dry_run:
                rows = sessions.peek(author_id, month)
            else:
                rows = sessions.records_in(sessions.archive_file(author_id, month))
            for record in rows:
                index[str(record.get("id"))] = (_archive(month), record)
        return index

    def _place_session(self, entry: dict, current: dict, plan: _Plan) -> None:
        incoming = stored_form(entry)
        place, here = current.get(entry["id"], (None, None))
        problem = _rolled_back_or_redated(incoming, here)
        if problem:  # a replayed or doctored copy: set aside, named, never applied
            self._quarantine(entry, problem)
            return
        outcome = decide(incoming, here)
        if outcome.action in ("add", "replace"):
            doc_id = sealed_table.doc_id(entry["id"])
            if place == "drafts" or _is_archive(place):
                plan.drop(place, doc_id)  # replaced (a finished copy never is: see `decide`)
            if incoming["status"] == COMPLETE:
                plan.put(_archive(archive_month(incoming)), incoming)
                if place == "drafts":  # finished elsewhere: leave the marker finishing leaves
                    plan.put("drafts", finished_marker(entry["id"], incoming["completed_at"]))
            else:
                plan.put("drafts", incoming)
            if outcome.action == "replace":
                plan.history.append(self._kept(entry, here))
        self._record_outcome(entry, outcome, plan)

    def _write_sessions(self, author_id: str, plan: _Plan, drafts_table) -> None:
        """Older copies into history first, so nothing is ever only in memory; then the
        archives; then the drafts file (still held) last."""
        self._keep(author_id, plan)
        places = set(plan.add) | set(plan.remove)
        sessions = self.store.sessions
        for place in sorted(p for p in places if _is_archive(p)):
            file = sessions.archive_file(author_id, place.removeprefix(_ARCHIVE))
            with file.transaction() as db:
                table = sessions.table(file, db)
                _rewrite(table, plan.remove.get(place), plan.add.get(place))
        _rewrite(drafts_table, plan.remove.get("drafts"), plan.add.get("drafts"))

    # -- comments and supervision records ------------------------------------------------
    def _import_supervision(self, author_id: str, entries: list[dict]) -> None:
        if not entries:
            return
        supervision = self.store.supervision
        file = None if self.dry_run else supervision.file(author_id)
        with file.transaction() if file else nullcontext() as db:
            plan = _Plan()
            seen: dict[str, list[dict]] = {}
            for kind in SUPERVISION_KINDS:
                group = [e for e in entries if e["kind"] == kind]
                if not group:
                    continue
                if file is None:
                    rows = supervision.peek(author_id, kind)
                else:
                    rows = [dict(r) for r in supervision.table(author_id, db, kind).all()]
                current = {str(r.get("id")): r for r in rows}
                for entry in group:
                    incoming = stored_form(entry)
                    here = current.get(entry["id"])
                    outcome = decide(incoming, here)
                    doc_id = sealed_table.doc_id(entry["id"])
                    if outcome.action == "replace":
                        plan.history.append(self._kept(entry, here))
                        plan.drop(kind, doc_id)
                    if outcome.action in ("add", "replace"):
                        plan.put(kind, incoming)
                        current[entry["id"]] = incoming
                    if outcome.action == "seen":
                        seen.setdefault(kind, []).append(incoming)
                    self._record_outcome(entry, outcome, plan)
            if file is not None:
                self._keep(author_id, plan)
                for kind in SUPERVISION_KINDS:
                    table = supervision.table(author_id, db, kind)
                    _rewrite(table, plan.remove.get(kind), plan.add.get(kind))
                    for record in seen.get(kind, []):
                        table.update({"seen_at": record["seen_at"]}, doc_ids=[_doc(record)])

    # -- what the two kinds share --------------------------------------------------------
    def _record_outcome(self, entry: dict, outcome: Outcome, plan: _Plan) -> None:
        if outcome.action == "conflict":
            plan.conflicts.append(self._kept(entry, stored_form(entry), incoming=True))
            why = f"{outcome.why}; this store keeps its copy, the incoming one is in conflicts"
            self.report["conflicts"].append(self._item(entry, why))
        elif outcome.action == "replace":
            self.report["replaced"].append(self._item(entry, outcome.why))
        elif outcome.action == "add":
            self.report["added"].append(self._item(entry, outcome.why))
        else:
            self.report["skipped"].append(self._item(entry, outcome.why))

    def _kept(self, entry: dict, record: dict, incoming: bool = False) -> dict:
        """A copy kept aside, with what it is; the doc id makes keeping it twice a no-op."""
        revision = int(record.get("revision", 0))
        kept = {
            "kind": entry["kind"],
            "id": entry["id"],
            "revision": revision,
            "sha256": sha256_of(record),
            "kept_at": now_iso(),
            "record": copy.deepcopy(record),
        }
        if incoming:
            kept["from"] = {k: v for k, v in self.report["bundle"].items() if k != "path"}
            kept["doc_id"] = _kept_doc_id(entry["kind"], entry["id"], revision, kept["sha256"])
        else:
            kept["doc_id"] = _kept_doc_id(entry["kind"], entry["id"], revision)
        return kept

    def _keep(self, author_id: str, plan: _Plan) -> None:
        for copies, opener in (
            (plan.history, history_file),
            (plan.conflicts, conflicts_file),
        ):
            if not copies:
                continue
            file = opener(self.store, author_id)
            with file.transaction() as db:
                table = file.table(db, KEPT_TABLE)
                fresh = {}
                for kept in copies:
                    doc_id = kept.pop("doc_id")
                    if not table.contains(doc_id=doc_id):
                        fresh[doc_id] = kept
                if fresh:
                    table.insert_multiple(doc(k, doc_id) for doc_id, k in fresh.items())


def _rolled_back_or_redated(incoming: dict, here: dict | None) -> str | None:
    """Why a signed session must not be applied over the copy here: it is an older revision
    that differs from it (a replayed bundle), or it gives the session another start (its
    author signs each revision, but a session starts once). None when neither."""
    if here is None or is_marker(here) or essence(incoming) == essence(here):
        return None
    if int(incoming.get("revision", 0)) < int(here.get("revision", 0)):
        return (
            f"it is an older revision ({incoming.get('revision')}) than the one here "
            f"({here.get('revision')}): a copy replayed from an earlier bundle is never applied"
        )
    if incoming.get("started_at") != here.get("started_at"):
        return "it gives another start time than the copy here: it was re-dated"
    return None


def _archive(month: str) -> str:
    return _ARCHIVE + month


def _is_archive(place: str | None) -> bool:
    return (place or "").startswith(_ARCHIVE)


def _doc(record: dict) -> int:
    return uuid.UUID(record["id"]).int


def _rewrite(table, remove: list[int] | None, add: list[dict] | None) -> None:
    """At most two rewrites of the file, however many records change."""
    if remove:
        present = [d for d in dict.fromkeys(remove) if table.contains(doc_id=d)]
        if present:
            table.remove(doc_ids=present)
    if add:
        table.insert_multiple(sealed_table.document(r) for r in add)
