"""Sessions from before signing, vouched for once by an admin.

A store written before sessions were signed holds records nobody signed, some by people who
can no longer sign again (switched off, gone). So the first admin to sign in after the upgrade
(`services.people.reshare`) seals any record still in clear for its readers, and signs a
manifest of the hash of every session record then on disk that has no signature
(`session_signing.record_hash`): `session-manifest.json`, next to `people.json`. A record is
genuine when its author signed it or when the manifest lists it exactly as it is; anything
written afterwards without its author's signature is not. A record signed by its author needs
no manifest, and an author's next save signs a vouched draft.

The manifest is made once. Its making is audited (`sessions_vouched`); if it is later
missing, an admin's sign-in does not make another (the audit trail says it was made), so
deleting it never turns planted records into vouched ones. Like every file in the folder it is
hostile input: it counts only when its signature is that of an admin.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from .crypto import SealError, sign, signature_ok
from .errors import CorruptFileError, StoreError
from .people import Person, now_iso
from .session_signing import SIGNATURE, record_hash
from .storage import dump_json, read_json, write_atomic

FILE = "session-manifest.json"
FORMAT = "stepping-stones-session-manifest"
EVENT = "sessions_vouched"


def path_in(data_dir: Path) -> Path:
    return Path(data_dir) / FILE


def _signed_part(manifest: dict) -> bytes:
    part = {k: manifest.get(k) for k in ("format", "v", "by", "created_at", "records")}
    return json.dumps(part, sort_keys=True, separators=(",", ":")).encode()


def is_admin(person: Person | None) -> bool:
    """Whether the manifest's signer may vouch for records: an admin. For now read from the
    people directory as it is today; a signed directory of people answers it in its place."""
    return person is not None and person.has("admin")


def _people(data_dir: Path) -> dict[str, Person]:
    try:
        data = read_json(Path(data_dir) / "people.json") or {}
    except CorruptFileError:
        return {}
    table = data.get("people")
    out = {}
    for record in table.values() if isinstance(table, dict) else ():
        try:
            person = Person.from_record(record)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        out[person.id] = person
    return out


def read(data_dir: Path) -> tuple[frozenset[str], str | None]:
    """(the hashes it vouches for, what is wrong with it or None). No file: nothing vouched,
    no problem."""
    path = path_in(data_dir)
    try:
        manifest = read_json(path)
    except CorruptFileError as exc:
        return frozenset(), exc.why
    if manifest is None:
        return frozenset(), None
    records = manifest.get("records")
    if manifest.get("format") != FORMAT or not isinstance(records, list):
        return frozenset(), "it is not a manifest of sessions"
    signer = _people(data_dir).get(str(manifest.get("by")))
    signature = manifest.get("signature")
    if not (
        is_admin(signer)
        and isinstance(signature, str)
        and signature_ok(signer.sign_publics, _signed_part(manifest), signature)
    ):
        return frozenset(), "it is not signed by an admin, so it vouches for nothing"
    return frozenset(h for h in records if isinstance(h, str)), None


def vouched_in(data_dir: Path) -> frozenset[str]:
    """The hashes of session records an admin's signed manifest vouches for."""
    return read(data_dir)[0]


def write(data_dir: Path, admin: Person, hashes: list[str]) -> dict:
    """Sign and write the manifest (the admin's key must be unlocked)."""
    if admin.private_key is None or not is_admin(admin):
        raise SealError("Only a signed-in admin can vouch for sessions from before signing.")
    manifest = {
        "format": FORMAT,
        "v": 1,
        "by": admin.id,
        "created_at": now_iso(),
        "records": sorted(set(hashes)),
    }
    manifest["signature"] = sign(admin.private_key, _signed_part(manifest))
    write_atomic(path_in(data_dir), dump_json(manifest))
    return manifest


def needed(data_dir: Path, made_before: Callable[[], bool]) -> bool:
    """Whether this is the first admin sign-in after the upgrade: no manifest yet, and the
    audit trail does not say one was made (`made_before`)."""
    if path_in(data_dir).exists():
        return False
    try:
        return not made_before()
    except StoreError:
        return False  # an unreadable audit trail is no reason to vouch for anything


def seal_and_collect(files: Iterable, table: str, sealed: Callable[[dict], dict]) -> list[str]:
    """The migration's pass over every person's drafts and archive `files` (StoreFiles holding
    sessions in `table`): `sealed(record)` gives each record still in clear sealed for whoever
    may read it now (or itself when nobody has keys yet), so no clear copy stays on disk;
    returns the hash of each record with no signature, as it is once sealed. A marker or a
    record of the wrong shape is left as it is (it is reported when read)."""
    from .sealed_table import MALFORMED, replace

    hashes: list[str] = []
    for file in files:
        with file.transaction() as db:
            rows = file.table(db, table)
            for stored in [dict(r) for r in rows.all()]:
                if stored.get("finished"):  # the marker a finished or deleted draft leaves
                    continue
                try:
                    record = sealed(stored)
                    if record is not stored:
                        replace(rows, record)
                    if SIGNATURE not in record:
                        hashes.append(record_hash(record))
                except (StoreError, *MALFORMED):
                    continue
    return hashes
