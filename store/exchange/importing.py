"""Bundles: sealed records moved between two stores as one file that checks itself.

Rural outreach staff work for days on a laptop with no network. Their sessions reach the
clinic store (and a new laptop is set up from the clinic) through one file carried across:
`export_bundle` writes it, `read_bundle` checks it whole, `import_bundle` merges it.

What a bundle holds, and why
- The records exactly as they are stored: sessions, supervision comments and supervision
  records, still sealed for their readers (the author and the author's supervisors). A lost
  USB stick reveals no answer, note or reflection, and the bundle needs no password of its own.
- The people needed to read them: each author, their supervisors, and whoever wrote a comment
  or record about them, as public parts only (id, name, roles, supervisors, public keys). The
  one exception is the person who makes the bundle: their passphrase-protected sign-in
  envelope (the scrypt check and the private key wrapped under the passphrase; nothing secret
  in clear) travels too, so that they sign in on the other machine with the same passphrase
  and read the same records. A lost stick exposes at most its maker's passphrase to offline
  guessing at scrypt's price per guess, as their own laptop would.
- The checklist wordings the sessions were answered on, so they read the same there.
- A manifest with the SHA-256 of every record, person and wording, and a digest over the whole
  bundle, so a file cut short or with one byte changed is refused before the target is touched.

The digest catches damage, not a determined forger: anyone can recompute a SHA-256. What
protects content is the seal (AES-GCM, bound to each record's id and author), and an import
opens every record the importing person can read, to check it. Comments and supervision
records are also signed by their writer (store/supervision.py), and an import sets aside any
that the person named as writer did not sign. So that a bundle cannot be
used to slip in accounts or records, an import into a store that already has people never
adds an admin, only an admin of that store adds people, and anyone else imports only records
about themselves and their supervisees.

How an import merges (records are matched by kind and id)
- not here: added (an unfinished session to drafts, a finished one to the archive of the month
  it was finished; a finished session whose draft is here replaces the draft and leaves the
  marker that stops an open window reviving it);
- here and the same (apart from who it is shared with, and when a comment was seen): skipped;
- a newer revision: replaces the copy here, which is kept in `sessions/<id>/history.json`;
- an older revision: skipped as older;
- two different copies that cannot be ordered (the same revision; a revision number and
  last-change time that disagree, meaning both were changed apart; two finishes; a change
  after finishing): a conflict. This store keeps using its copy and the incoming one is kept
  in `sessions/<id>/conflicts.json`. Nothing is lost either way. Revision numbers cannot show
  that both copies of an unfinished session were changed when the older-numbered one was also
  changed earlier: it is then skipped as older (and stays on the other machine). Finishing a
  session before moving it avoids that.
- a record that is whole but cannot be used here (its author is unknown, its seal is
  malformed or does not open, its checklist wording is missing) is quarantined to
  `quarantine/import-<time>/<kind>-<id>.json`, named in the report, and the rest carry on.

Importing the same bundle again changes nothing (only the audit trail records the attempt).
An import stopped part-way (a full disk, a power cut) leaves every file whole, and importing
the same bundle again completes it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from checklists import Checklist
from store.crypto import SealError, fingerprint, unb64, unwrap_private_key
from store.errors import CorruptFileError, InvalidInput, PermissionDenied, SignInError, StoreError
from store.files import StoreFile, doc
from store.passwords import burn_time, check_passphrase
from store.paths import check_out_path
from store.people import NAME_PATTERN, ROLES, Person, name_key, now_iso
from store.sessions import COMPLETE, DRAFT
from store.sessions import TABLE as SESSIONS_TABLE
from store.storage import ensure_dir, read_json, write_atomic
from store.store import VERSIONS_TABLE, Store
from store.supervision import FILE_NAME as SUPERVISION_FILE
from store.supervision import TABLES as SUPERVISION_TABLES

FORMAT = "stepping-stones-bundle"
VERSION = 1
SUFFIX = ".bundle"
KINDS = ("session", "comment", "record")
PERSON_FIELDS = (
    "id",
    "name",
    "roles",
    "supervisors",
    "active",
    "created_at",
    "passphrase",
    "keys",
)
# The parts of a person's keys that are public (the private ones are passphrase-wrapped).
PUBLIC_KEYS = ("public", "sign_public", "sign_before")
KEPT_TABLE = "records"
MAX_BYTES = 1 << 30  # far beyond any real bundle; refuses to read a whole disk image
QUARANTINE = "quarantine"

Progress = Callable[[int, int], None]

_HASH = re.compile(r"^[0-9a-f]{16,64}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MARKER = re.compile(rb'"format"\s*:\s*"' + FORMAT.encode() + rb'"')
_COMPLETE_TAIL = re.compile(rb'"digest"\s*:\s*"[0-9a-f]{64}"\s*\}\s*$')


class BundleError(StoreError):
    """The bundle cannot be used at all; nothing in the target store was changed."""


# -- shared small pieces ---------------------------------------------------------------------
def canonical(value: object) -> bytes:
    """The one byte form that is hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_of(value: object) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def _is_uuid(value: object) -> bool:
    """A canonical UUID string: ids become folder names and record numbers, so nothing else
    (no '../', no second spelling of the same id) may pass."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _is_time(value: object) -> bool:
    return _when(value) is not None


def _when(value: object) -> datetime | None:
    """A stored timestamp as an aware datetime (None when it is not one), so that times
    written on machines in different offsets compare correctly."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.astimezone()


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def parse_day(value: str | date | None) -> str | None:
    """`--since` as YYYY-MM-DD (None for everything); InvalidInput when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidInput(
            f"'{value}' is not a date: give it as YYYY-MM-DD, for example 2026-01-31."
        ) from None


def default_bundle_name(name: str, day: date | None = None) -> str:
    """`stepping-stones-jo-patel-2026-11-22.bundle`: says whose and when, at a glance."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "records"
    return f"stepping-stones-{slug}-{(day or date.today()).isoformat()}{SUFFIX}"


def _stored_form(entry: dict) -> dict:
    """A bundle entry as the store keeps it: sessions carry no `kind` on disk."""
    if entry["kind"] == "session":
        return {k: v for k, v in entry.items() if k != "kind"}
    return dict(entry)


def _bundle_entry(kind: str, record: dict) -> dict:
    return {**record, "kind": kind} if kind == "session" else dict(record)


def _essence(record: dict) -> str:
    """A fingerprint of what a record says, leaving out what changes without a new revision:
    who it is shared with (re-sharing at sign-in) and when a comment was seen."""
    body = {k: v for k, v in record.items() if k not in ("kind", "seen_at")}
    sealed = body.get("sealed")
    if isinstance(sealed, dict):
        body["sealed"] = {k: v for k, v in sealed.items() if k != "readers"}
    return sha256_of(body)


def _kept_doc_id(*parts: object) -> int:
    return int(hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:30], 16)


def history_file(store: Store, person_id: str) -> StoreFile:
    """Older copies that an import replaced with newer revisions (nothing is thrown away)."""
    return StoreFile(
        store.sessions.person_dir(person_id) / "history.json",
        "history",
        quarantine=True,
        notices=store.notices,
    )


def conflicts_file(store: Store, person_id: str) -> StoreFile:
    """Incoming copies that clashed with the copy here; this store goes on using its own."""
    return StoreFile(
        store.sessions.person_dir(person_id) / "conflicts.json",
        "conflicts",
        quarantine=True,
        notices=store.notices,
    )


def _records_of(file: StoreFile, table: str) -> list[dict]:
    with file.transaction() as db:
        return [dict(r) for r in file.table(db, table).all()]


def _raw_records(path: Path, table: str) -> list[dict]:
    """A table read straight from disk: never creates, migrates or sets aside a file (the
    dry run must not change one byte)."""
    data = read_json(path)
    if not data or not isinstance(data.get(table), dict):
        return []
    return [dict(r) for r in data[table].values() if isinstance(r, dict)]


# -- exporting -------------------------------------------------------------------------------
def export_bundle(
    store: Store,
    reader: Person,
    out_path: str | Path,
    of: Person | None = None,
    since: str | date | None = None,
    progress: Progress | None = None,
) -> dict:
    """Write one bundle of `of`'s records (default: the reader's own); returns what went in.

    A person exports their own records, a supervisor their supervisee's, and an admin anyone's
    (an admin moves data between machines; the records stay sealed, so they read nothing).
    The audit entry is written before the file, so no export goes unrecorded.
    """
    out_path = check_out_path(store.data_dir, Path(out_path))
    day = parse_day(since)
    author = _export_subject(store, reader, of)
    records, left_out = _collect_records(store, author, day, progress)
    people = _collect_people(store, reader, author, records)
    checklists = _collect_checklists(store, records)
    data = _assemble(reader, records, people, checklists)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    counts = _counts(records)
    store.audit.append(
        "export",
        reader.name,
        author.name if author.id != reader.id else None,
        {"format": "bundle", **counts, "people": len(people), "since": day},
    )
    write_atomic(out_path, payload)
    return {
        "path": str(out_path),
        "of": author.name,
        **counts,
        "drafts": sum(1 for r in records if r["kind"] == "session" and r["status"] == DRAFT),
        "people": [p["name"] for p in people],
        "checklists": len(checklists),
        "since": day,
        "bytes": len(payload),
        "digest": data["digest"],
        "left_out": left_out,
    }


def _export_subject(store: Store, reader: Person, of: Person | None) -> Person:
    author = of or reader
    if author.id == reader.id or store.may_read(reader, author):
        return author
    if reader.has("admin") and reader.active:
        return author
    raise PermissionDenied(
        f"You can export your own records, or your supervisees' as their supervisor; "
        f"{author.name}'s can be exported by them, their supervisor or an admin."
    )


def _collect_records(
    store: Store, author: Person, day: str | None, progress: Progress | None
) -> tuple[list[dict], list[dict]]:
    """Every record about `author` changed on or after `day`, as stored, in bundle form.

    A record this store could not safely send (not sealed yet, or without the fields an import
    needs to place it) is left out and named, so it never makes the whole bundle unreadable.
    """
    found: list[tuple[str, dict]] = []
    found += [("session", r) for r in store.sessions.draft_records(author.id)]
    for file in store.sessions.archive_files(author.id):
        if day and file.path.stem.removeprefix("archive-") < day[:7]:
            continue  # finished before that month, so not changed since
        found += [("session", r) for r in _records_of(file, SESSIONS_TABLE)]
    for kind in ("comment", "record"):
        found += [(kind, r) for r in store.supervision.raw(author.id, kind)]
    records, left_out = [], []
    for done, (kind, record) in enumerate(found, 1):
        if day and str(record.get("updated_at", ""))[:10] < day:
            continue
        entry = _bundle_entry(kind, record)
        problem = _entry_problem(entry) or _seal_problem(entry)
        if problem:
            left_out.append({"kind": kind, "id": str(record.get("id")), "why": problem})
        else:
            records.append(entry)
        if progress:
            progress(done, len(found))
    return records, left_out


def _collect_people(
    store: Store, reader: Person, author: Person, records: list[dict]
) -> list[dict]:
    """The author, everyone their records are sealed for now, and who wrote about them:
    public parts only, except the person making the bundle, whose sign-in envelope (scrypt
    check and passphrase-wrapped keys, nothing in clear) travels so that they can sign in
    with the same passphrase and open the same records on the other machine."""
    wanted = {author.id, *author.supervisors, reader.id}
    wanted |= {r["by"] for r in records if r["kind"] != "session" and isinstance(r.get("by"), str)}
    rows = _records_of(store.people.file, "people")
    return [
        _person_entry(r, envelope=r.get("id") == reader.id)
        for r in sorted(rows, key=lambda r: r.get("name", ""))
        if r.get("id") in wanted
    ]


def _person_entry(record: dict, envelope: bool) -> dict:
    entry = {k: copy.deepcopy(record[k]) for k in PERSON_FIELDS if k in record}
    if not envelope:
        entry["passphrase"] = {}  # cannot sign in where it arrives until an admin sets one
        entry["keys"] = {k: v for k, v in (record.get("keys") or {}).items() if k in PUBLIC_KEYS}
    return entry


def _collect_checklists(store: Store, records: list[dict]) -> list[dict]:
    """The exact wordings the sessions used, from the store's versions (else the library)."""
    hashes = sorted({r["checklist"]["hash"] for r in records if r["kind"] == "session"})
    out = []
    for key in hashes:
        with store.versions_file.transaction() as db:
            stored = store.versions_file.table(db, VERSIONS_TABLE).get(doc_id=int(key, 16))
        if stored is not None:
            out.append({"hash": key, "checklist": copy.deepcopy(stored["checklist"])})
            continue
        current = next(
            (c for c in store.library.checklists.values() if c.content_hash == key), None
        )
        if current is not None:
            out.append({"hash": key, "checklist": current.to_dict()})
    return out


def _assemble(reader: Person, records: list[dict], people: list[dict], checklists: list[dict]):
    data = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now_iso(),
        "created_by": reader.name,
        "manifest": {
            "records": [_manifest_line(r) for r in records],
            "people": [{"id": p["id"], "sha256": sha256_of(p)} for p in people],
            "checklists": [{"hash": c["hash"], "sha256": sha256_of(c)} for c in checklists],
        },
        "people": people,
        "checklists": checklists,
        "records": records,
    }
    data["digest"] = sha256_of(data)  # last key in the file: its absence means cut short
    return data


def _manifest_line(record: dict) -> dict:
    keys = ("kind", "id", "revision")
    return {**{k: record[k] for k in keys}, "sha256": sha256_of(record)}


def _counts(records: list[dict]) -> dict[str, int]:
    return {
        "sessions": sum(1 for r in records if r["kind"] == "session"),
        "comments": sum(1 for r in records if r["kind"] == "comment"),
        "records": sum(1 for r in records if r["kind"] == "record"),
    }


# -- reading and checking --------------------------------------------------------------------
@dataclass(frozen=True)
class Bundle:
    """A bundle that has passed every check `read_bundle` makes."""

    path: Path
    data: dict = field(repr=False)

    @property
    def digest(self) -> str:
        return self.data["digest"]

    @property
    def created_at(self) -> str:
        return self.data["created_at"]

    @property
    def created_by(self) -> str:
        return self.data["created_by"]

    @property
    def records(self) -> list[dict]:
        return self.data["records"]

    @property
    def people(self) -> list[dict]:
        return self.data["people"]

    @property
    def checklists(self) -> list[dict]:
        return self.data["checklists"]

    def counts(self) -> dict[str, int]:
        return _counts(self.records)


def read_bundle(path: str | Path) -> Bundle:
    """Read a bundle and check all of it; BundleError (one plain sentence) when any check fails.

    Nothing here touches a store, so a refused bundle leaves every store exactly as it was.
    """
    path = Path(path).expanduser()
    raw = _read_bytes(path)
    data = _parse(raw, path)
    _check_header(data, path)
    _check_digest(data, path)
    _check_manifest(data, path)
    _check_contents(data, path)
    return Bundle(path, data)


def _altered(path: Path, detail: str = "") -> BundleError:
    why = f" ({detail})" if detail else ""
    return BundleError(
        f"{path} has been altered or damaged{why}, so it cannot be trusted and nothing was "
        "imported: copy it again from the machine it was made on."
    )


def _not_a_bundle(path: Path) -> BundleError:
    return BundleError(f"{path} is not a Stepping Stones bundle, so nothing was imported.")


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise BundleError(f"{path} is a folder: give the bundle file itself.")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BundleError(f"{path} is too large to be a Stepping Stones bundle.")
        return path.read_bytes()
    except FileNotFoundError:
        raise BundleError(f"There is no file at {path}.") from None
    except OSError as exc:
        raise BundleError(f"{path} cannot be read ({exc.strerror or exc}).") from exc


def _parse(raw: bytes, path: Path) -> dict:
    """The bundle as data; a parse failure is told apart as cut short, damaged or foreign."""
    ours = _MARKER.search(raw[:400]) is not None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        if not ours:
            raise _not_a_bundle(path) from None
        if not _COMPLETE_TAIL.search(raw[-200:]):
            raise BundleError(
                f"{path} is incomplete: it was cut short (perhaps while copying), so nothing "
                "was imported. Copy it again from the machine it was made on."
            ) from None
        raise _altered(path, "it is no longer readable") from None
    if not isinstance(data, dict):
        raise _not_a_bundle(path)
    return data


def _check_header(data: dict, path: Path) -> None:
    if data.get("format") != FORMAT:
        raise _not_a_bundle(path)
    version = data.get("version")
    if not _is_count(version) or version < 1:
        raise _altered(path, "its format number is unreadable")
    if version > VERSION:
        raise BundleError(
            f"{path} was made by a newer version of Stepping Stones (bundle format {version}; "
            f"this version reads format {VERSION}). Please update the app, then import it."
        )
    if not isinstance(data.get("digest"), str):
        raise BundleError(
            f"{path} is incomplete (it has no digest), so nothing was imported. Copy it again "
            "from the machine it was made on."
        )


def _check_digest(data: dict, path: Path) -> None:
    body = {k: v for k, v in data.items() if k != "digest"}
    if sha256_of(body) != data["digest"]:
        raise _altered(path)


def _check_manifest(data: dict, path: Path) -> None:
    """The manifest names every record, person and wording with its own SHA-256."""
    manifest = data.get("manifest")
    if not isinstance(manifest, dict):
        raise _altered(path, "it has no manifest")
    for part in ("records", "people", "checklists"):
        listed, held = manifest.get(part), data.get(part)
        if not isinstance(listed, list) or not isinstance(held, list):
            raise _altered(path, f"its {part} are missing")
        if len(listed) != len(held):
            raise _altered(path, f"it lists {len(listed)} {part} but holds {len(held)}")
        for number, (line, item) in enumerate(zip(listed, held, strict=True), 1):
            if not isinstance(line, dict) or line.get("sha256") != sha256_of(item):
                raise _altered(path, f"{part[:-1]} {number} does not match the manifest")
    for line, record in zip(manifest["records"], data["records"], strict=True):
        if not isinstance(record, dict) or any(
            line.get(key) != record.get(key) for key in ("kind", "id", "revision")
        ):
            raise _altered(path, "a record does not match the manifest")


def _check_contents(data: dict, path: Path) -> None:
    """Everything an import needs to place each record safely (ids become folder names)."""
    if not isinstance(data.get("created_by"), str) or not _is_time(data.get("created_at")):
        raise _altered(path, "it does not say who made it and when")
    seen: set[tuple[str, str]] = set()
    for number, entry in enumerate(data["records"], 1):
        problem = _entry_problem(entry)
        if problem:
            raise _altered(path, f"record {number} {problem}")
        key = (entry["kind"], entry["id"])
        if key in seen:
            raise _altered(path, f"record {number} is in it twice")
        seen.add(key)
    ids: set[str] = set()
    for number, person in enumerate(data["people"], 1):
        problem = _person_problem(person)
        if problem or person["id"] in ids:
            raise _altered(path, f"person {number} {problem or 'is in it twice'}")
        ids.add(person["id"])
    hashes: set[str] = set()
    for number, wording in enumerate(data["checklists"], 1):
        if (
            not isinstance(wording, dict)
            or not isinstance(wording.get("hash"), str)
            or not _HASH.match(wording["hash"])
            or not isinstance(wording.get("checklist"), dict)
            or wording["hash"] in hashes
        ):
            raise _altered(path, f"checklist wording {number} is not usable")
        hashes.add(wording["hash"])


def _entry_problem(entry: object) -> str | None:
    """What stops a record being placed at all (said after "record N"), or None."""
    if not isinstance(entry, dict):
        return "is not a record"
    if entry.get("kind") not in KINDS:
        return "is of an unknown kind"
    if not _is_uuid(entry.get("id")):
        return "has no valid id"
    if not _is_uuid(entry.get("author")):
        return "does not say validly whose it is"
    if not _is_count(entry.get("revision")):
        return "has no valid revision number"
    return None


def _person_problem(person: object) -> str | None:
    if not isinstance(person, dict) or not _is_uuid(person.get("id")):
        return "has no valid id"
    name = person.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        return "has no valid name"
    roles, supervisors = person.get("roles"), person.get("supervisors", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        return "has no valid roles"
    if not isinstance(supervisors, list) or not all(_is_uuid(s) for s in supervisors):
        return "has no valid supervisors"
    for key in ("passphrase", "keys"):
        if key in person and not isinstance(person[key], dict):
            return f"has no valid {key}"
    return None


def _seal_problem(entry: dict) -> str | None:
    """Whether the sealed part has the shape of a seal (only its readers can check more)."""
    if "content" in entry:
        return "it is not sealed yet (it is sealed when its author or supervisor next signs in)"
    sealed = entry.get("sealed")
    if not isinstance(sealed, dict):
        return "its sealed content is missing"
    content, readers = sealed.get("content"), sealed.get("readers")
    if not isinstance(content, dict) or not all(
        isinstance(content.get(k), str) for k in ("nonce", "data")
    ):
        return "its sealed content is incomplete"
    if not isinstance(readers, dict) or entry["author"] not in readers:
        return "it is not sealed for the person it is about"
    for wrap in readers.values():
        if not isinstance(wrap, dict) or not all(
            isinstance(wrap.get(k), str) for k in ("for", "epk", "nonce", "key")
        ):
            return "a reader's key in it is incomplete"
    try:
        for text in (content["nonce"], content["data"]):
            unb64(text)
    except ValueError:
        return "its sealed content is damaged"
    return None


# -- importing -------------------------------------------------------------------------------
def import_bundle(
    target: Store | str | Path,
    bundle: Bundle | str | Path,
    name: str,
    passphrase: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    via: str = "cli",
) -> dict:
    """Merge a checked bundle into a store as `name`; returns the report (see `report_lines`).

    Into a store with people, `name` signs in to it and must be its admin or one of the
    bundle's people. Into an empty store, `name` must be the bundle's maker (the only person
    whose sign-in it carries), checked against it, and is an ordinary account there afterwards.
    With `dry_run` nothing is written except what signing in always writes (the audit entry,
    and the count of wrong passphrases).
    """
    if not isinstance(bundle, Bundle):
        bundle = read_bundle(bundle)
    store = target if isinstance(target, Store) else Store(Path(target))
    empty = _is_empty(store)
    importer = _sign_in(store, bundle, name, passphrase, empty, via)
    run = _Import(store, bundle, importer, empty, dry_run, progress)
    report = run.go()
    if not dry_run:
        store.audit.append("import", importer.name, None, _audit_detail(bundle, report))
        # What the importer can open is shared at once with whoever may read it here (a
        # supervisor assigned on this machine), rather than at someone's next sign-in.
        report["reshared"] = store.reshare_all(importer)
    return report


def _is_empty(store: Store) -> bool:
    """Whether the store has nobody yet, read without creating people.json."""
    try:
        data = read_json(store.data_dir / "people.json")
    except CorruptFileError:
        return store.people.is_empty()  # the store's own recovery (the backup copy)
    return not data or not data.get("people")


def _sign_in(
    store: Store, bundle: Bundle, name: str, passphrase: str, empty: bool, via: str
) -> Person:
    in_bundle = {p["id"] for p in bundle.people}
    if empty:
        return _sign_in_from_bundle(bundle, name, passphrase)
    person = store.sign_in(name, passphrase, via=via)
    if (person.has("admin") and person.active) or person.id in in_bundle:
        return person
    namesake = next((p for p in bundle.people if name_key(p["name"]) == name_key(name)), None)
    if namesake is not None:
        raise PermissionDenied(
            f"The {namesake['name']} in this bundle is a different account from yours here "
            "(made separately), so only an admin of this store can import it."
        )
    raise PermissionDenied(
        "You are not one of the people in this bundle, so only an admin of this store can "
        "import it."
    )


def _sign_in_from_bundle(bundle: Bundle, name: str, passphrase: str) -> Person:
    """Into an empty store: check the passphrase against the person's record in the bundle
    (the same check the store makes at sign-in, and the same words for a wrong name)."""
    wrong = SignInError(
        "That name and passphrase do not match anyone in this bundle. This store is empty, "
        "so the first import must be by the person who made the bundle."
    )
    record = next((p for p in bundle.people if name_key(p["name"]) == name_key(name)), None)
    if record is None:
        burn_time(passphrase)
        raise wrong
    if not record.get("passphrase"):
        burn_time(passphrase)
        raise SignInError(
            f"Only the person who made this bundle ({bundle.created_by}) can import it into an "
            "empty store: it carries their sign-in, and only public parts for everyone else."
        )
    kek = check_passphrase(passphrase, record.get("passphrase") or {})
    if kek is None:
        raise wrong
    if not record.get("active", True):
        raise SignInError("This account has been switched off. Please ask an admin.")
    person = Person.from_record(record)
    try:
        person.private_key = unwrap_private_key(record.get("keys") or {}, kek, person.id)
    except SealError:
        raise SignInError(
            f"{person.name}'s account in this bundle has no usable keys yet: sign in once on "
            "the machine it came from, then export again."
        ) from None
    return person


def _audit_detail(bundle: Bundle, report: dict) -> dict:
    return {
        "format": "bundle",
        "bundle": bundle.digest[:16],
        "from": bundle.created_by,
        **{key: len(report[key]) for key in _REPORT_LISTS},
    }


_REPORT_LISTS = (
    "added",
    "replaced",
    "skipped",
    "conflicts",
    "quarantined",
    "people_added",
    "people_skipped",
    "people_conflicts",
)


@dataclass
class _Outcome:
    """What to do with one incoming record, and the plain reason for the report."""

    action: str  # add | skip | replace | conflict | seen (skip, but copy when it was seen)
    why: str


def decide(incoming: dict, current: dict | None) -> _Outcome:
    """The merge rule for one record (stored forms, `current` None when it is not here).

    Kept free of any disk access, so the dry run and the real import decide alike.
    """
    if current is None:
        return _Outcome("add", "new here")
    if current.get("finished") and "sealed" not in current:  # the marker a finished draft left
        if incoming.get("status") == COMPLETE:
            return _Outcome("add", "new here (its unfinished copy was finished here)")
        if current.get("discarded"):
            return _Outcome("skip", "its author deleted this unfinished checklist here")
        return _Outcome("skip", "already finished on this machine")
    if _essence(incoming) == _essence(current):
        if incoming.get("seen_at") and not current.get("seen_at"):
            return _Outcome("seen", "already here (now marked as seen)")
        return _Outcome("skip", "already here")
    inc_rev, cur_rev = int(incoming["revision"]), int(current.get("revision", 0))
    inc_done, cur_done = incoming.get("status") == COMPLETE, current.get("status") == COMPLETE
    if inc_done and cur_done:
        return _Outcome("conflict", "it was finished separately on two machines")
    if cur_done:  # the incoming copy is unfinished
        if inc_rev < cur_rev:
            return _Outcome("skip", "an older unfinished copy: it has since been finished here")
        return _Outcome("conflict", "it was changed elsewhere after it was finished here")
    later = _later(incoming, current)  # True: incoming changed last; None: cannot tell
    if inc_rev == cur_rev:
        return _Outcome("conflict", f"two different changes were both saved as revision {inc_rev}")
    if inc_rev > cur_rev and later is not False:
        how = "finished elsewhere" if inc_done else f"revision {inc_rev} is newer"
        return _Outcome("replace", f"{how}; revision {cur_rev} here is kept in history")
    if inc_rev > cur_rev or (later and not inc_done):
        return _Outcome("conflict", "both copies were changed apart")
    if inc_done:
        return _Outcome("conflict", "the unfinished copy here has changes the finished one lacks")
    return _Outcome("skip", f"older: revision {inc_rev}, and revision {cur_rev} is here")


def _later(incoming: dict, current: dict) -> bool | None:
    mine, theirs = _when(incoming.get("updated_at")), _when(current.get("updated_at"))
    if mine is None or theirs is None or mine == theirs:
        return None
    return mine > theirs


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


class _Import:
    """One import: people, then checklist wordings, then each person's records."""

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
            **{key: [] for key in _REPORT_LISTS},
            "checklists_added": 0,
        }
        self.names: dict[str, str] = {}
        self.people: dict[str, dict] = {}  # everyone known after the merge, by id
        self.blocked: dict[str, str] = {}  # person id -> why their records stay out
        self.versions: set[str] = set()
        self.quarantine_dir: Path | None = None
        self.done = 0

    # -- the whole run -------------------------------------------------------------------
    def go(self) -> dict:
        total = len(self.bundle.records)
        self._tick(0, total)
        self._merge_people()
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
    def _merge_people(self) -> None:
        """Add people this store lacks; never change someone it has (their record here wins)."""
        if self.dry_run:
            added = self._plan_people(_raw_records(self.store.data_dir / "people.json", "people"))
        else:
            file = self.store.people.file
            with file.transaction() as db:  # decide and add under the lock: no double adds
                table = file.table(db, "people")
                added = self._plan_people([dict(r) for r in table.all()])
                if added:
                    table.insert_multiple(doc(r, _doc(r)) for r in added)
            for record in added:
                self.store.audit.append(
                    "person_added",
                    self.importer.name,
                    record["name"],
                    {"via": "import", "roles": ",".join(record["roles"])},
                )

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
            here = {r.get("hash") for r in _raw_records(file.path, VERSIONS_TABLE)}
        else:
            here = {r.get("hash") for r in _records_of(file, VERSIONS_TABLE)}
        self.versions = {h for h in here if isinstance(h, str)}
        new = [w for w in self.bundle.checklists if w["hash"] not in self.versions]
        new = [w for w in new if _wording_is_whole(w)]
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
        problem = _seal_problem(entry)
        if problem:
            return problem
        problem = _session_problem(entry) if entry["kind"] == "session" else _entry_fields(entry)
        if problem:
            return problem
        if entry["kind"] == "session" and entry["checklist"]["hash"] not in self.versions:
            return (
                f"the wording of checklist '{entry['checklist'].get('id')}' it was answered on "
                "is neither in the bundle nor in this store"
            )
        if entry["kind"] != "session":
            # Anyone can seal for a public key; only the writer can sign. Checked for every
            # comment and record, whether or not the importer can open it.
            try:
                self.store.supervision.check_signature(_stored_form(entry), self._signer(entry))
            except StoreError:
                return "it is not signed by the person it says wrote it: it may have been altered"
        return self._does_not_open(entry)

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
        stored = _stored_form(entry)
        try:
            if entry["kind"] == "session":
                self.store.sessions.open_record(stored, self.importer)
            else:
                self.store.supervision.open_entry(stored, self.importer, self._signer(entry))
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
        drafts = None if self.dry_run else self.store.sessions.drafts_file(author_id)
        with drafts.transaction() if drafts else nullcontext() as db:
            table = drafts.table(db, SESSIONS_TABLE) if drafts else None
            current = self._current_sessions(author_id, table)
            plan = _Plan()
            for entry in entries:
                self._place_session(entry, current, plan)
            if not self.dry_run:
                self._write_sessions(author_id, plan, table)

    def _current_sessions(self, author_id: str, drafts_table) -> dict[str, tuple[str, dict]]:
        """Each session here, by id, with where it is: "drafts", "archive-YYYY-MM", or
        "marker" (a finished draft's marker). A finished copy wins over a leftover draft."""
        folder = self.store.sessions.person_dir(author_id)
        if drafts_table is not None:
            drafts = [dict(r) for r in drafts_table.all()]
        else:
            drafts = _raw_records(folder / "drafts.json", SESSIONS_TABLE)
        index: dict[str, tuple[str, dict]] = {}
        for record in drafts:
            place = "marker" if record.get("finished") else "drafts"
            index[str(record.get("id"))] = (place, record)
        for path in sorted(folder.glob("archive-*.json")) if folder.is_dir() else []:
            if self.dry_run:
                rows = _raw_records(path, SESSIONS_TABLE)
            else:
                month = path.stem.removeprefix("archive-")
                file = self.store.sessions.archive_file(author_id, month)
                rows = _records_of(file, SESSIONS_TABLE)
            for record in rows:
                index[str(record.get("id"))] = (path.stem, record)
        return index

    def _place_session(self, entry: dict, current: dict, plan: _Plan) -> None:
        incoming = _stored_form(entry)
        place, here = current.get(entry["id"], (None, None))
        outcome = decide(incoming, here)
        if outcome.action in ("add", "replace"):
            doc_id = uuid.UUID(entry["id"]).int
            if place == "drafts" or (place or "").startswith("archive-"):
                plan.drop(place, doc_id)  # replaced (a finished copy never is: see `decide`)
            if incoming["status"] == COMPLETE:
                plan.put(f"archive-{incoming['completed_at'][:7]}", incoming)
                if place == "drafts":  # finished elsewhere: leave the marker finishing leaves
                    plan.put("drafts", {"id": entry["id"], "finished": incoming["completed_at"]})
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
        for place in sorted(p for p in places if p.startswith("archive-")):
            file = self.store.sessions.archive_file(author_id, place.removeprefix("archive-"))
            with file.transaction() as db:
                table = file.table(db, SESSIONS_TABLE)
                _rewrite(table, plan.remove.get(place), plan.add.get(place))
        _rewrite(drafts_table, plan.remove.get("drafts"), plan.add.get("drafts"))

    # -- comments and supervision records ------------------------------------------------
    def _import_supervision(self, author_id: str, entries: list[dict]) -> None:
        if not entries:
            return
        path = self.store.supervision.root / author_id / SUPERVISION_FILE
        file = None if self.dry_run else self.store.supervision.file(author_id)
        with file.transaction() if file else nullcontext() as db:
            plan = _Plan()
            seen: dict[str, list[dict]] = {}
            for kind, name in SUPERVISION_TABLES.items():
                group = [e for e in entries if e["kind"] == kind]
                if not group:
                    continue
                rows = _raw_records(path, name) if file is None else _table_rows(file, db, name)
                current = {str(r.get("id")): r for r in rows}
                for entry in group:
                    incoming = _stored_form(entry)
                    here = current.get(entry["id"])
                    outcome = decide(incoming, here)
                    doc_id = uuid.UUID(entry["id"]).int
                    if outcome.action == "replace":
                        plan.history.append(self._kept(entry, here))
                        plan.drop(name, doc_id)
                    if outcome.action in ("add", "replace"):
                        plan.put(name, incoming)
                        current[entry["id"]] = incoming
                    if outcome.action == "seen":
                        seen.setdefault(name, []).append(incoming)
                    self._record_outcome(entry, outcome, plan)
            if file is not None:
                self._keep(author_id, plan)
                for name in SUPERVISION_TABLES.values():
                    table = file.table(db, name)
                    _rewrite(table, plan.remove.get(name), plan.add.get(name))
                    for record in seen.get(name, []):
                        table.update({"seen_at": record["seen_at"]}, doc_ids=[_doc(record)])

    # -- what the two kinds share --------------------------------------------------------
    def _record_outcome(self, entry: dict, outcome: _Outcome, plan: _Plan) -> None:
        if outcome.action == "conflict":
            plan.conflicts.append(self._kept(entry, _stored_form(entry), incoming=True))
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


def _wording_is_whole(wording: dict) -> bool:
    """A wording is added only when it really is the one its hash names."""
    try:
        checklist = Checklist.from_dict(wording["checklist"], origin="bundle")
        return checklist.content_hash == wording["hash"]
    except Exception:  # noqa: BLE001 - any failure to rebuild it means it is not usable
        return False


def _session_problem(entry: dict) -> str | None:
    if entry.get("status") not in (DRAFT, COMPLETE):
        return "its status is neither unfinished nor finished"
    checklist = entry.get("checklist")
    if not isinstance(checklist, dict) or not isinstance(checklist.get("hash"), str):
        return "it does not say which checklist wording it used"
    for key in ("started_at", "updated_at"):
        if not _is_time(entry.get(key)):
            return f"its '{key}' is not a valid time"
    if entry["status"] == COMPLETE and not _is_time(entry.get("completed_at")):
        return "it is finished but has no valid finishing time"
    return None


def _entry_fields(entry: dict) -> str | None:
    if not _is_uuid(entry.get("by")):
        return "it does not say who wrote it"
    for key in ("created_at", "updated_at"):
        if not _is_time(entry.get(key)):
            return f"its '{key}' is not a valid time"
    return None


def _doc(record: dict) -> int:
    return uuid.UUID(record["id"]).int


def _table_rows(file: StoreFile, db, name: str) -> list[dict]:
    return [dict(r) for r in file.table(db, name).all()]


def _rewrite(table, remove: list[int] | None, add: list[dict] | None) -> None:
    """At most two rewrites of the file, however many records change."""
    if remove:
        present = [d for d in dict.fromkeys(remove) if table.contains(doc_id=d)]
        if present:
            table.remove(doc_ids=present)
    if add:
        table.insert_multiple(doc(r, _doc(r)) for r in add)


# -- words for people ------------------------------------------------------------------------
_NOUNS = {"session": "session", "comment": "comment", "record": "supervision record"}


def _counted(items: list[dict]) -> str:
    counts: dict[str, int] = {}
    for item in items:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    parts = [
        f"{n} {_NOUNS[kind]}{'' if n == 1 else 's'}" for kind in KINDS if (n := counts.get(kind))
    ]
    return ", ".join(parts) or "nothing"


def _short(item: dict) -> str:
    return f"{_NOUNS[item['kind']]} {item['id'][:8]} by {item['author']}"


def export_lines(result: dict) -> list[str]:
    """What an export did, in plain words (the app and the command line say the same)."""
    parts = []
    for kind, key in (("session", "sessions"), ("comment", "comments"), ("record", "records")):
        if result[key]:
            part = _counted([{"kind": kind}] * result[key])
            if kind == "session" and result["drafts"]:
                part += f" ({result['drafts']} unfinished)"
            parts.append(part)
    since = f", changed since {result['since']}" if result["since"] else ""
    lines = [
        f"Saved {result['path']}: {', '.join(parts) or 'nothing'} of {result['of']}{since}.",
        "Everything in it stays sealed: only the people who may read these records can open "
        "them, each with their own passphrase. It needs no extra password.",
    ]
    for item in result["left_out"]:
        lines.append(f"Left out {_NOUNS[item['kind']]} {item['id'][:8]}: {item['why']}.")
    return lines


def report_lines(report: dict) -> list[str]:
    """What an import did (or, in a dry run, would do), in plain words."""
    lines = []
    if report["dry_run"]:
        lines.append("Only a check: nothing was changed. Importing would do this:")
    if report["added"]:
        lines.append(f"Added: {_counted(report['added'])}.")
    else:
        lines.append("Nothing new to add.")
    if report["replaced"]:
        lines.append(
            f"Replaced by newer copies: {_counted(report['replaced'])} "
            "(the older copies are kept in history)."
        )
    same = [s for s in report["skipped"] if s["why"].startswith("already here")]
    if same:
        lines.append(f"Already here: {_counted(same)}.")
    for item in report["skipped"]:
        if item not in same:
            lines.append(f"Skipped {_short(item)}: {item['why']}.")
    for item in report["conflicts"]:
        lines.append(f"In conflict, {_short(item)}: {item['why']}.")
    for item in report["quarantined"]:
        lines.append(f"Set aside {_short(item)}: {item['why']} (kept as {item['file']}).")
    if report["people_added"]:
        names = ", ".join(p["name"] for p in report["people_added"])
        lines.append(f"People added: {names}.")
        lines += [
            f"  {p['name']}: {p['why']}." for p in report["people_added"] if p["why"] != "added"
        ]
    for person in report["people_conflicts"]:
        lines.append(f"Not added, {person['name']}: {person['why']}.")
    if report["checklists_added"]:
        n = report["checklists_added"]
        lines.append(f"Checklist wordings added: {n}.")
    return lines
