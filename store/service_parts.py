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

import gc
import hashlib
import json
import os
import uuid
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .crypto import (
    SealError,
    b64,
    new_content_key,
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
from .reports.service_report_model import PartBatch
from .storage import ensure_dir, read_tables

FOLDER = "service"
TABLE = "parts"
LABEL = b"stepping-stones/service-parts/v1\n"
OPAQUE_LABEL = b"stepping-stones/opaque-author/v1\n"
KINDS = ("contact", "supervision")
RESPONSES = ("done", "partly", "not_done", "not_applicable")
UNPACKED_LIMIT = 64 * 1024 * 1024  # a batch that inflates past this is not one (a zip bomb)
ANSWER_LINES = 2  # the packed format whose answers are lines of JSON (`answer_line`)


def opaque_id(sign_public: bytes) -> str:
    """What a part says its author is: a hash of their signing public key, nothing more."""
    return hashlib.sha256(OPAQUE_LABEL + sign_public).hexdigest()[:32]


def month_path(data_dir: Path, month: str) -> Path:
    return Path(data_dir) / FOLDER / f"report-{month}.json"


def month_file(data_dir: Path, month: str) -> StoreFile:
    return StoreFile(month_path(data_dir, month), "service-report", quarantine=True)


def _context(entry_id: str) -> bytes:
    return f"stepping-stones/service-part:{entry_id}".encode()


def _signed_bytes(entry_id: str, blob: bytes) -> bytes:
    return LABEL + entry_id.encode() + b"\n" + blob


def new_entry_id() -> str:
    return uuid.uuid4().hex


# -- packing: each distinct head and answer once per batch -------------------------------------
def pack(parts: list[dict]) -> bytes:
    """Parts as one compressed JSON document in which each distinct head (a part without its
    answers) and each distinct answer is written once and the parts refer to them by number:
    a month of one person's parts is a few kilobytes, and opens without parsing the same
    answer a thousand times."""
    heads: list[dict] = []
    answers: list[dict] = []
    head_numbers: dict[bytes, int] = {}
    answer_numbers: dict[tuple, int] = {}
    rows: list[list] = []

    seen: dict[int, int] = {}  # id() of an answer dict already numbered (expand shares them)

    def answer_number(answer: dict) -> int:
        number = seen.get(id(answer))
        if number is not None:
            return number
        try:
            key: tuple = (
                answer["item"],
                answer["response"],
                answer["critical"],
                tuple(answer["requirements"]),
                tuple(answer["reasons"]),
                len(answer),
            )
            hash(key)
        except (KeyError, TypeError):  # not one this version writes: kept as it is
            key = (canonical(answer),)
        if key not in answer_numbers:
            answer_numbers[key] = len(answers)
            answers.append(answer)
        seen[id(answer)] = answer_numbers[key]
        return answer_numbers[key]

    for part in parts:
        head = {k: v for k, v in part.items() if k != "answers"}
        key = canonical(head)
        if key not in head_numbers:
            head_numbers[key] = len(heads)
            heads.append(head)
        row: list = [head_numbers[key]]
        if "answers" in part:
            row.append([answer_number(a) for a in part["answers"]])
        rows.append(row)
    document = {"format": ANSWER_LINES, "heads": heads, "parts": rows}
    lines = [json.dumps(document, separators=(",", ":")), *map(answer_line, answers)]
    return zlib.compress("\n".join(lines).encode(), 6)


def answer_line(answer: dict) -> str:
    """An answer as it is packed (format 2): its JSON, keys sorted, on a line of its own after
    the document (JSON never holds a raw line break). Equal answers are equal lines in every
    batch, so a reader shares them by the line alone, without taking each apart: a year of a
    service lists 300,000 answers, 14,000 of them distinct."""
    return json.dumps(answer, sort_keys=True, separators=(",", ":"))


def unpack(blob: bytes) -> tuple[list, list, list, bool]:
    """(heads, rows, answers, whether the answers are lines of JSON) of a packed batch;
    ValueError when it is not one. Batches packed before format 2 are one JSON document
    holding the answers as objects."""
    inflate = zlib.decompressobj()
    try:
        plain = inflate.decompress(blob, UNPACKED_LIMIT)
    except zlib.error as exc:
        raise ValueError("not a packed batch") from exc
    if inflate.unconsumed_tail:
        raise ValueError("a packed batch too large to be one month of one person's parts")
    first, _, rest = plain.partition(b"\n")
    try:
        document = json.loads(first)
    except RecursionError as exc:  # nested deeper than any batch is
        raise ValueError("not a packed batch") from exc
    if not isinstance(document, dict):
        raise ValueError("not a packed batch")
    lines = document.get("format") == ANSWER_LINES
    heads, rows = document.get("heads"), document.get("parts")
    answers = (
        (rest.decode("utf-8").split("\n") if rest else []) if lines else document.get("answers")
    )
    if not (isinstance(heads, list) and isinstance(rows, list) and isinstance(answers, list)):
        raise ValueError("not a packed batch")
    return heads, rows, answers, lines


def expand(blob: bytes) -> list[dict]:
    """The parts of a packed batch, as they were packed (for the people who wrote them)."""
    heads, rows, answers, lines = unpack(blob)
    if lines:
        answers = [json.loads(line) for line in answers]
    out = []
    for row in rows:
        part = dict(heads[row[0]])
        if len(row) > 1:
            part["answers"] = [answers[i] for i in row[1]]
        out.append(part)
    return out


def sealed_entry(
    entry_id: str, parts: list[dict], signer, report_public: bytes, blob: bytes | None = None
) -> dict:
    """One entry: `parts` (or `blob`, them packed already), signed by `signer` (an X25519
    private key: a person's own) and sealed with the signature for the report key under
    `entry_id`."""
    blob = pack(parts) if blob is None else blob
    signature = unb64(sign(signer, _signed_bytes(entry_id, blob)))
    key, nonce = new_content_key(), os.urandom(12)
    plain = signing_public(signer) + signature + blob
    return {
        "id": entry_id,
        "key": wrap_for(key, report_public, _context(entry_id)),
        "nonce": b64(nonce),
        "data": b64(AESGCM(key).encrypt(nonce, plain, _context(entry_id))),
    }


def put_entry(data_dir: Path, month: str, entry: dict) -> None:
    """Write (or replace) one entry in its month's file."""
    file = month_file(data_dir, month)
    ensure_dir(file.path.parent)
    with file.transaction() as db:
        table = file.table(db, TABLE)
        table.upsert(doc(entry, uuid.UUID(entry["id"]).int))  # the same fields, all replaced


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
    """What the month files held for a lead: the believable contact parts, a batch per
    entry as they were sealed; the believable supervision parts; and what was not believed."""

    batches: list[PartBatch] = field(default_factory=list)
    supervision: list[dict] = field(default_factory=list)
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


def _head(head: object, month: str, authors: dict[str, str]) -> dict | None:
    """A part's head with its author made the person's first opaque id, or None when it is
    not of a shape this version writes (or its month is not the file's)."""
    if not isinstance(head, dict) or head.get("kind") not in KINDS or head.get("month") != month:
        return None
    who = "author" if head["kind"] == "contact" else "practitioner"
    first = authors.get(str(head.get(who)))
    if first is None:
        return None
    if head["kind"] == "supervision":
        return {"kind": "supervision", "month": month, "practitioner": first}
    setup = head.get("setup")
    if not isinstance(head.get("checklist"), str) or not isinstance(head.get("flagged"), bool):
        return None
    if not isinstance(setup, dict) or not all(isinstance(v, (str, bool)) for v in setup.values()):
        return None
    return {**head, "author": first}


def _answer_ok(answer: object) -> bool:
    if type(answer) is not dict:
        return False
    requirements, reasons = answer.get("requirements"), answer.get("reasons")
    return (
        type(answer.get("item")) is str
        and answer.get("response") in RESPONSES
        and type(answer.get("critical")) is bool
        and type(requirements) is list
        and type(reasons) is list
        and all(type(r) is str for r in requirements + reasons)
    )


def _shared(answers: list, interned: dict) -> dict[int, dict]:
    """Number -> answer, for the believable answers of a batch. Equal answers are one object
    across every batch read (`interned`, keyed by content and its types), so the report judges
    each kind of answer once; an answer is checked in full the first time its content is met."""
    good = {}
    for number, answer in enumerate(answers):
        if type(answer) is not dict:
            continue
        try:
            key = (
                answer["item"],
                answer["response"],
                answer["critical"],
                type(answer["critical"]),
                type(answer["requirements"]),
                type(answer["reasons"]),
                tuple(answer["requirements"]),
                tuple(answer["reasons"]),
            )
            shared = interned.get(key)
        except (KeyError, TypeError):
            continue  # a field missing or of a shape no answer has (_answer_ok says no too)
        if shared is None:
            if not _answer_ok(answer):
                continue
            shared = interned[key] = {
                "item": answer["item"],
                "requirements": list(answer["requirements"]),
                "critical": answer["critical"],
                "response": answer["response"],
                "reasons": list(answer["reasons"]),
            }
        good[number] = shared
    return good


def _shared_lines(lines: list[str], interned: dict) -> dict[int, dict]:
    """`_shared` for answers packed as lines (format 2): a line met before is its answer at
    once; a new one is taken apart and checked once. `interned` holds the lines too (as keys
    of their own type, str)."""
    good = dict(enumerate(map(interned.get, lines)))
    if None not in good.values():
        return good
    for number in [n for n, shared in good.items() if shared is None]:
        line = lines[number]
        shared = interned.get(line)  # (the same new line twice in a batch)
        if shared is None:
            try:
                answer = json.loads(line)
            except (ValueError, RecursionError):  # not JSON, or nested deeper than any answer
                answer = None
            if not _answer_ok(answer):
                del good[number]
                continue
            shared = interned[line] = {
                "item": answer["item"],
                "requirements": answer["requirements"],
                "critical": answer["critical"],
                "response": answer["response"],
                "reasons": answer["reasons"],
            }
        good[number] = shared
    return good


def _parts(
    blob: bytes, month: str, authors: dict[str, str], interned: dict | None = None
) -> tuple[PartBatch, list[dict], int]:
    """(the believable contact parts of a packed batch, as it is packed; its believable
    supervision parts; how many parts were not believable). The answers are shared between
    parts (and batches: `interned`): read them, never change them."""
    heads, rows, answers, lines = unpack(blob)
    good_heads = {n: h for n, h in enumerate(_head(h, month, authors) for h in heads) if h}
    interned = {} if interned is None else interned
    good = _shared_lines(answers, interned) if lines else _shared(answers, interned)
    contact_heads = {n: h for n, h in good_heads.items() if h["kind"] == "contact"}
    if len(contact_heads) == len(heads):
        # Contacts only (the usual batch): every row is checked as the batch is made.
        batch = PartBatch(contact_heads, good, rows)
        return batch, [], batch.dropped
    contacts, supervision, bad = [], [], 0
    for row in rows:
        try:
            head = good_heads[row[0]]
        except (KeyError, IndexError, TypeError):
            bad += 1
            continue
        if head["kind"] == "contact":
            contacts.append(row)  # checked as the batch is made
        else:
            supervision.append(dict(head))
    batch = PartBatch(contact_heads, good, contacts)
    return batch, supervision, bad + batch.dropped


def open_entry(
    entry: dict, private: X25519PrivateKey, known: dict[str, str]
) -> tuple[bytes | None, str | None]:
    """(the packed parts of an entry, None) or (None, why it is not believed)."""
    entry_id = entry.get("id")
    if not isinstance(entry_id, str):
        return None, "an entry with no id"
    try:
        key = unwrap(entry["key"], private, _context(entry_id))
        plain = AESGCM(key).decrypt(unb64(entry["nonce"]), unb64(entry["data"]), _context(entry_id))
    except (SealError, InvalidTag, KeyError, TypeError, ValueError):
        return None, "an entry that is not sealed for the service report key, or was altered"
    signer, signature, blob = b64(plain[:32]), b64(plain[32:96]), plain[96:]
    if signer not in known:
        return None, "an entry not signed by someone in the signed directory of people"
    if not signature_ok([plain[:32]], _signed_bytes(entry_id, blob), signature):
        return None, "an entry whose signature does not match what it says"
    return blob, None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a year of parts is read or counted: those are
    millions of new lists and dicts, none of them garbage, and the collector walking them again
    and again cost three times the reading itself (2.7 s of 3.4 s CPU at 100,000 parts). It is
    switched back on afterwards only when it was on before."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_months(
    data_dir: Path, months: Iterable[str], private: X25519PrivateKey, directory: Directory
) -> Opened:
    """Every believable part in these months' files; each entry or part not believed is
    counted and said in plain words, and never stops the rest."""
    with collector_paused():
        return _read_months(data_dir, months, private, directory)


def _read_months(
    data_dir: Path, months: Iterable[str], private: X25519PrivateKey, directory: Directory
) -> Opened:
    out = Opened()
    known = members(directory)
    authors = _by_opaque(known)
    seen: set[str] = set()
    interned: dict = {}  # each distinct answer once, for every batch
    folder = Path(data_dir) / FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        out.reject(1, f"{FOLDER} in the store folder is not a folder, so no month could be read")
        return out
    for month in months:
        path = month_path(data_dir, month)
        if path.is_symlink() or (path.exists() and not path.is_file()):
            # Replaced by a folder, a link or a device: that month is said, not counted as 0.
            out.reject(1, f"{path.name} is not a file, so that month's figures are left out")
            continue
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
            blob, why = open_entry(entry, private, known)
            if blob is None:
                out.reject(1, f"{why} in {path.name}")
                continue
            seen.add(str(entry["id"]))
            try:
                batch, supervision, bad = _parts(blob, month, authors, interned)
            except ValueError:
                out.reject(1, f"an entry in {path.name} that is not a batch of parts")
                continue
            if batch.rows:
                out.batches.append(batch)
            out.supervision += supervision
            if bad:
                out.reject(bad, f"a part in {path.name} of a shape this version does not write")
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
    "collector_paused",
    "sealed_entry",
    "write_part",
]
