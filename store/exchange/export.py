"""Exporting: gathering one person's records, the people needed to read them and the checklist
wordings they were answered on, and writing them as one bundle file."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

from store.files import StoreFile
from store.paths import PendingFiles, check_out_path
from store.people import Person, now_iso
from store.sessions import DRAFT
from store.store import VERSIONS_TABLE, Store

from .bundle_file import (
    FORMAT,
    PERSON_FIELDS,
    PUBLIC_KEYS,
    VERSION,
    Progress,
    bundle_entry,
    count_kinds,
    entry_problem,
    parse_day,
    seal_problem,
    sha256_of,
)


def prepare_export(
    store: Store,
    reader: Person,
    author: Person,
    out_path: str | Path,
    since: str | date | None = None,
    progress: Progress | None = None,
) -> PendingFiles:
    """One bundle of `author`'s records, made by `reader`, ready to write; its `result` says
    what went in. Who may export whose records is the service's to check (`services.exchange`),
    and so is the audit entry, which it writes before the file."""
    out_path = check_out_path(store.data_dir, Path(out_path))
    day = parse_day(since)
    records, left_out = _collect_records(store, author, day, progress)
    rows, changes = store.people.for_bundle()
    people = _collect_people(rows, reader, author, records)
    checklists = _collect_checklists(store, records)
    data = _assemble(reader, records, people, checklists)
    if changes:  # the signed directory's chain, so a new store can check it from the root
        data = {**data, "directory": changes}
        data.pop("digest")
        data["digest"] = sha256_of(data)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    result = {
        "path": str(out_path),
        "of": author.name,
        **count_kinds(records),
        "drafts": sum(1 for r in records if r["kind"] == "session" and r["status"] == DRAFT),
        "people": [p["name"] for p in people],
        "checklists": len(checklists),
        "since": day,
        "bytes": len(payload),
        "digest": data["digest"],
        "left_out": left_out,
    }
    return PendingFiles(result, [(out_path, payload)])


def _records_of(file: StoreFile, table: str) -> list[dict]:
    with file.transaction() as db:
        return [dict(r) for r in file.table(db, table).all()]


def _collect_records(
    store: Store, author: Person, day: str | None, progress: Progress | None
) -> tuple[list[dict], list[dict]]:
    """Every record about `author` changed on or after `day`, as stored, in bundle form.

    A record this store could not safely send (not sealed yet, without the fields an import
    needs to place it, or about someone else though in this person's folder) is left out and
    named, so it never makes the whole bundle unreadable.
    """
    found: list[tuple[str, dict]] = []
    found += [("session", r) for r in store.sessions.draft_records(author.id)]
    # A month finished before `day` holds nothing changed since: it is not read.
    for file in store.sessions.archive_files(author.id, since=day):
        found += [("session", r) for r in store.sessions.records_in(file)]
    for kind in ("comment", "record"):
        found += [(kind, r) for r in store.supervision.raw(author.id, kind)]
    records, left_out = [], []
    for done, (kind, record) in enumerate(found, 1):
        if day and str(record.get("updated_at", ""))[:10] < day:
            continue
        entry = bundle_entry(kind, record)
        problem = (
            # Moved or copied into this person's folder: never sent as theirs.
            "it is in this person's folder but is about someone else"
            if record.get("author") != author.id
            else entry_problem(entry) or seal_problem(entry)
        )
        if problem:
            left_out.append({"kind": kind, "id": str(record.get("id")), "why": problem})
        else:
            records.append(entry)
        if progress:
            progress(done, len(found))
    return records, left_out


def _collect_people(
    rows: list[dict], reader: Person, author: Person, records: list[dict]
) -> list[dict]:
    """The author, everyone their records are sealed for now, and who wrote about them:
    public parts only, except the person making the bundle, whose sign-in envelope (scrypt
    check and passphrase-wrapped keys, nothing in clear) travels so that they can sign in
    with the same passphrase and open the same records on the other machine."""
    wanted = {author.id, *author.supervisors, reader.id}
    wanted |= {r["by"] for r in records if r["kind"] != "session" and isinstance(r.get("by"), str)}
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
