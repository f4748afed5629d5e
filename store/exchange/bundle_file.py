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

"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from datetime import date, datetime

from checklists import Checklist
from store.crypto import unb64
from store.errors import InvalidInput, StoreError
from store.people import NAME_PATTERN
from store.sessions import COMPLETE, DRAFT

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
MAX_BYTES = 1 << 30  # far beyond any real bundle; refuses to read a whole disk image


Progress = Callable[[int, int], None]
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BundleError(StoreError):
    """The bundle cannot be used at all; nothing in the target store was changed."""


def canonical(value: object) -> bytes:
    """The one byte form that is hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_of(value: object) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def is_uuid(value: object) -> bool:
    """A canonical UUID string: ids become folder names and record numbers, so nothing else
    (no '../', no second spelling of the same id) may pass."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def is_time(value: object) -> bool:
    return when(value) is not None


def when(value: object) -> datetime | None:
    """A stored timestamp as an aware datetime (None when it is not one), so that times
    written on machines in different offsets compare correctly."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.astimezone()


def is_count(value: object) -> bool:
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


def stored_form(entry: dict) -> dict:
    """A bundle entry as the store keeps it: sessions carry no `kind` on disk."""
    if entry["kind"] == "session":
        return {k: v for k, v in entry.items() if k != "kind"}
    return dict(entry)


def bundle_entry(kind: str, record: dict) -> dict:
    return {**record, "kind": kind} if kind == "session" else dict(record)


def count_kinds(records: list[dict]) -> dict[str, int]:
    return {
        "sessions": sum(1 for r in records if r["kind"] == "session"),
        "comments": sum(1 for r in records if r["kind"] == "comment"),
        "records": sum(1 for r in records if r["kind"] == "record"),
    }


def entry_problem(entry: object) -> str | None:
    """What stops a record being placed at all (said after "record N"), or None."""
    if not isinstance(entry, dict):
        return "is not a record"
    if entry.get("kind") not in KINDS:
        return "is of an unknown kind"
    if not is_uuid(entry.get("id")):
        return "has no valid id"
    if not is_uuid(entry.get("author")):
        return "does not say validly whose it is"
    if not is_count(entry.get("revision")):
        return "has no valid revision number"
    return None


def person_problem(person: object) -> str | None:
    if not isinstance(person, dict) or not is_uuid(person.get("id")):
        return "has no valid id"
    name = person.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        return "has no valid name"
    roles, supervisors = person.get("roles"), person.get("supervisors", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        return "has no valid roles"
    if not isinstance(supervisors, list) or not all(is_uuid(s) for s in supervisors):
        return "has no valid supervisors"
    for key in ("passphrase", "keys"):
        if key in person and not isinstance(person[key], dict):
            return f"has no valid {key}"
    return None


def seal_problem(entry: dict) -> str | None:
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


def wording_is_whole(wording: dict) -> bool:
    """A wording is added only when it really is the one its hash names."""
    try:
        checklist = Checklist.from_dict(wording["checklist"], origin="bundle")
        return checklist.content_hash == wording["hash"]
    except Exception:  # noqa: BLE001 - any failure to rebuild it means it is not usable
        return False


def session_problem(entry: dict) -> str | None:
    if entry.get("status") not in (DRAFT, COMPLETE):
        return "its status is neither unfinished nor finished"
    checklist = entry.get("checklist")
    if not isinstance(checklist, dict) or not isinstance(checklist.get("hash"), str):
        return "it does not say which checklist wording it used"
    for key in ("started_at", "updated_at"):
        if not is_time(entry.get(key)):
            return f"its '{key}' is not a valid time"
    if entry["status"] == COMPLETE and not is_time(entry.get("completed_at")):
        return "it is finished but has no valid finishing time"
    return None


def entry_fields(entry: dict) -> str | None:
    if not is_uuid(entry.get("by")):
        return "it does not say who wrote it"
    for key in ("created_at", "updated_at"):
        if not is_time(entry.get(key)):
            return f"its '{key}' is not a valid time"
    return None
