"""Structured parts of finished sessions, sealed for the service report key (issue 16).

A part says only what a service lead's figures need: the checklist and version, the calendar
month, the setup answers, the flag and each shown item's response and reasons, with the author
as an opaque id (a hash of their signing key). No free text, case reference, exact time or name.

On disk, `service/report-YYYY-MM.json` (the month of finishing) holds entries under random ids
and nothing else in clear:

    {"id": <random>, "key": <content key wrapped for the report key>,
     "sealed": {nonce, data}}    data = {"parts": [...], "signer": <signing key>, "sig": ...}

The signature is inside the seal, so the file alone does not say whose an entry is; it covers
the entry's id and its parts, and the content is bound to the id, so an entry copied under
another id no longer opens. One entry holds a batch of parts (the sessions of one person in one
month, `batch_id`), so a year of a service opens in a few hundred unsealings, not thousands.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from .crypto import (
    SealError,
    b64,
    new_content_key,
    open_sealed,
    seal,
    sign,
    signature_ok,
    signing_public,
    unb64,
    unwrap,
    wrap_for,
)
from .directory import Directory, canonical
from .errors import CorruptFileError, InvalidInput
from .files import StoreFile, doc
from .storage import read_tables

FOLDER = "service"
TABLE = "parts"
LABEL = b"stepping-stones/service-parts/v1\n"
OPAQUE_LABEL = b"stepping-stones/opaque-author/v1\n"
KINDS = ("contact", "supervision")
RESPONSES = ("done", "partly", "not_done", "not_applicable")


def opaque_id(sign_public: bytes) -> str:
    """What a part says its author is: a hash of their signing public key, nothing more."""
    return hashlib.sha256(OPAQUE_LABEL + sign_public).hexdigest()[:32]


def month_path(data_dir: Path, month: str) -> Path:
    return Path(data_dir) / FOLDER / f"report-{month}.json"


def month_file(data_dir: Path, month: str) -> StoreFile:
    return StoreFile(month_path(data_dir, month), "service-report", quarantine=True)


def _context(entry_id: str) -> bytes:
    return f"stepping-stones/service-part:{entry_id}".encode()


def _signed_bytes(entry_id: str, parts: list[dict]) -> bytes:
    return LABEL + canonical({"id": entry_id, "parts": parts})


def new_entry_id() -> str:
    return uuid.uuid4().hex


def sealed_entry(entry_id: str, parts: list[dict], signer, report_public: bytes) -> dict:
    """One entry: `parts` signed by `signer` (an X25519 private key: the person's own),
    sealed for the report key under `entry_id`."""
    key = new_content_key()
    envelope = {
        "parts": parts,
        "signer": b64(signing_public(signer)),
        "sig": sign(signer, _signed_bytes(entry_id, parts)),
    }
    return {
        "id": entry_id,
        "key": wrap_for(key, report_public, _context(entry_id)),
        "sealed": seal(envelope, key, _context(entry_id)),
    }


def put_entry(data_dir: Path, month: str, entry: dict) -> None:
    """Write (or replace) one entry in its month's file."""
    file = month_file(data_dir, month)
    file.path.parent.mkdir(parents=True, exist_ok=True)
    with file.transaction() as db:
        table = file.table(db, TABLE)
        number = uuid.UUID(entry["id"]).int
        if table.contains(doc_id=number):
            table.remove(doc_ids=[number])
        table.insert(doc(entry, number))


def write_part(store, part: dict, signer) -> str:
    """Seal one part, alone in its entry, for the store's report key, signed by `signer` (a
    Person signed in): for tests and tools. Returns the entry's id. InvalidInput when the store
    has no report key (no lead yet) or the part has no month."""
    from .report_key import ReportKeys

    public = ReportKeys(store.people).public()
    if public is None:
        raise InvalidInput("This store has no service report key yet: add a service lead first.")
    month = part.get("month")
    if not isinstance(month, str) or len(month) != 7:
        raise InvalidInput("A part needs its month (YYYY-MM).")
    entry_id = new_entry_id()
    private = getattr(signer, "private_key", signer)
    put_entry(store.data_dir, month, sealed_entry(entry_id, [part], private, public))
    return entry_id


# -- reading ---------------------------------------------------------------------------------
@dataclass
class Opened:
    """What the month files held for a lead: valid parts, and what was not believed."""

    parts: list[dict] = field(default_factory=list)
    rejected: int = 0
    problems: list[str] = field(default_factory=list)

    def reject(self, count: int, why: str) -> None:
        self.rejected += count
        if why not in self.problems:
            self.problems.append(why)


def members(directory: Directory) -> dict[str, str]:
    """Every signing key the directory knows (base64) -> that person's opaque id, taken from
    their first key, so a person whose passphrase was reset still counts once."""
    out: dict[str, str] = {}
    for facts in directory.people.values():
        keys = facts.get("keys") or {}
        listed = [k for k in [keys.get("sign_public"), *keys.get("sign_before", [])] if k]
        if not listed:
            continue
        try:
            first = opaque_id(unb64(listed[-1]))
        except ValueError:
            continue
        for key in listed:
            out[key] = first
    return out


def _by_opaque(known: dict[str, str]) -> dict[str, str]:
    """Any of a member's opaque ids -> their first one."""
    out = {}
    for key, first in known.items():
        try:
            out[opaque_id(unb64(key))] = first
        except ValueError:
            continue
    return out


def _valid(part: object, month: str, authors: dict[str, str]) -> dict | None:
    """The part with its author made the person's first opaque id, or None when it is not a
    part of a shape this version writes (or its month is not the file's)."""
    if not isinstance(part, dict) or part.get("kind") not in KINDS or part.get("month") != month:
        return None
    who = "author" if part["kind"] == "contact" else "practitioner"
    first = authors.get(str(part.get(who)))
    if first is None:
        return None
    if part["kind"] == "supervision":
        return {"kind": "supervision", "month": month, "practitioner": first}
    setup, answers = part.get("setup"), part.get("answers")
    if not isinstance(part.get("checklist"), str) or not isinstance(part.get("flagged"), bool):
        return None
    if not isinstance(setup, dict) or not isinstance(answers, list):
        return None
    if not all(isinstance(v, (str, bool)) for v in setup.values()):
        return None
    for answer in answers:
        if not (
            isinstance(answer, dict)
            and isinstance(answer.get("item"), str)
            and answer.get("response") in RESPONSES
            and isinstance(answer.get("critical"), bool)
            and isinstance(answer.get("requirements"), list)
            and all(isinstance(r, str) for r in answer["requirements"])
            and isinstance(answer.get("reasons"), list)
            and all(isinstance(r, str) for r in answer["reasons"])
        ):
            return None
    return {**part, "author": first}


def open_entry(
    entry: dict, private: X25519PrivateKey, known: dict[str, str]
) -> tuple[list[object], str | None]:
    """(the parts an entry holds, None) or ([], why it is not believed)."""
    entry_id = entry.get("id")
    if not isinstance(entry_id, str):
        return [], "an entry with no id"
    try:
        key = unwrap(entry["key"], private, _context(entry_id))
        envelope = open_sealed(entry["sealed"], key, _context(entry_id))
    except (SealError, KeyError, TypeError):
        return [], "an entry that is not sealed for the service report key, or was altered"
    parts, signer, sig = envelope.get("parts"), envelope.get("signer"), envelope.get("sig")
    if not isinstance(parts, list) or not isinstance(signer, str) or not isinstance(sig, str):
        return [], "an entry that is not signed"
    if signer not in known:
        return [], "an entry signed by someone who is not in the signed directory of people"
    try:
        ok = signature_ok([unb64(signer)], _signed_bytes(entry_id, parts), sig)
    except ValueError:
        ok = False
    if not ok:
        return [], "an entry whose signature does not match what it says"
    return parts, None


def read_months(
    data_dir: Path, months: Iterable[str], private: X25519PrivateKey, directory: Directory
) -> Opened:
    """Every believable part in these months' files; each entry or part not believed is
    counted and said in plain words, and never stops the rest."""
    out = Opened()
    known = members(directory)
    authors = _by_opaque(known)
    seen: set[str] = set()
    for month in months:
        path = month_path(data_dir, month)
        try:
            data = read_tables(path) if path.is_file() else None
        except CorruptFileError as exc:
            out.reject(1, f"{path.name} cannot be read ({exc.why})")
            continue
        table = data.get(TABLE) if isinstance(data, dict) else None
        if not isinstance(table, dict):
            continue
        for entry in table.values():
            if not isinstance(entry, dict):
                out.reject(1, f"something in {path.name} that is not an entry")
                continue
            if entry.get("id") in seen:
                continue  # the same entry twice (copied by hand) counts once
            parts, why = open_entry(entry, private, known)
            if why:
                out.reject(1, f"{why} in {path.name}")
                continue
            seen.add(str(entry["id"]))
            for part in parts:
                good = _valid(part, month, authors)
                if good is None:
                    out.reject(1, f"a part in {path.name} of a shape this version does not write")
                else:
                    out.parts.append(good)
    return out


def months_between(since: str, until: str) -> list[str]:
    """The calendar months from `since` to `until` (YYYY-MM), both included."""
    try:
        year, month = (int(x) for x in since.split("-"))
        end_year, end_month = (int(x) for x in until.split("-"))
    except ValueError as exc:
        raise InvalidInput("Give months as YYYY-MM.") from exc
    if not (1 <= month <= 12 and 1 <= end_month <= 12):
        raise InvalidInput("Give months as YYYY-MM.")
    out = []
    while (year, month) <= (end_year, end_month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


__all__ = [
    "FOLDER",
    "Opened",
    "month_file",
    "months_between",
    "opaque_id",
    "read_months",
    "sealed_entry",
    "write_part",
]
