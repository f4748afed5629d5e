"""`stepping-stones verify`: read every file in a store and say what is wrong with each.

Verify only reads. It never repairs, moves or rewrites anything, so it is safe to run on a
store that is in use or that someone is trying to recover.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from checklists import RESPONSES

from . import session_manifest
from .audit import AUDIT_FILE, AuditLog
from .directory import findings as directory_findings
from .directory import trusted_rows
from .errors import CorruptFileError, StoreError
from .files import META_TABLE, SCHEMA_VERSION, holds_records, schema_of
from .pins import Pins
from .sealed_table import FOLDER
from .sealed_table import doc_id as filed_under
from .session_signing import Trust
from .sessions import KEPT, SessionStore
from .sessions import STATUS_IN as STATUSES
from .storage import TEMP_SUFFIX, read_json
from .store import is_new_folder
from .supervision import SupervisionStore

KINDS = {"people.json": "people", "checklist-versions.json": "checklists"}


@dataclass(frozen=True)
class Finding:
    file: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


def _kind_of(path: Path) -> str | None:
    if path.name in KINDS:
        return KINDS[path.name]
    if path.name == "people.json.bak":
        return "people"
    return SessionStore.kind_of(path) or SupervisionStore.kind_of(path)


def _is_time(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_person(doc_id: str, record: dict) -> list[str]:
    problems = []
    for key in ("id", "name", "roles", "passphrase"):
        if key not in record:
            problems.append(f"person {doc_id} has no '{key}'")
    hashed = record.get("passphrase", {})
    if isinstance(hashed, dict) and hashed and hashed.get("alg") != "scrypt":
        problems.append(f"person {doc_id}: the passphrase is not stored as a scrypt hash")
    return problems


def _check_sealed(label: str, record: dict) -> list[str]:
    """Sealed content can only be opened by its readers; verify checks its shape."""
    sealed = record["sealed"]
    if not isinstance(sealed, dict):
        return [f"{label}: its sealed content is not a record"]
    problems = []
    content = sealed.get("content")
    if not isinstance(content, dict) or not {"nonce", "data"} <= set(content):
        problems.append(f"{label}: its sealed content is incomplete")
    readers = sealed.get("readers")
    if not isinstance(readers, dict) or not readers:
        problems.append(f"{label} is sealed for nobody, so nobody can read it")
    elif record.get("author") not in readers:
        problems.append(f"{label} is not sealed for its author")
    elif any(not {"for", "epk", "nonce", "key"} <= set(w) for w in readers.values()):
        problems.append(f"{label} has an incomplete reader key")
    return problems


def _check_session(
    doc_id: str,
    record: dict,
    kind: str,
    folder: str,
    trust: Trust | None = None,
    month: str | None = None,
) -> list[str]:
    label = f"session {record.get('id', doc_id)}"
    problems = []
    who = trust.problem(record) if trust is not None else None
    if who:  # not signed by its author (nor vouched for): never shown as theirs
        problems.append(f"{label} {who}")
    try:
        if filed_under(str(record.get("id"))) != int(doc_id):
            problems.append(f"{label} is filed under the wrong record number")
    except ValueError:
        problems.append(f"{label} has no valid id")
    if record.get("author") != folder:
        problems.append(f"{label} is in the folder of someone who did not write it")
    if record.get("status") != STATUSES[kind]:
        problems.append(f"{label} has status {record.get('status')!r} in a {kind} file")
    checklist = record.get("checklist")
    if not isinstance(checklist, dict) or not {"id", "version", "hash"} <= set(checklist):
        problems.append(f"{label} does not say which checklist version it used")
    for key in ("started_at", "updated_at"):
        if not _is_time(record.get(key)):
            problems.append(f"{label} has no valid '{key}'")
    if kind == "archive" and not _is_time(record.get("completed_at")):
        problems.append(f"{label} is finished but has no valid 'completed_at'")
    elif kind == "archive" and month and record["completed_at"][:7] != month:
        # Moved to another month's file, a summary would not read it there: named.
        problems.append(
            f"{label} was finished in {record['completed_at'][:7]} but is kept in "
            f"the file of {month}"
        )
    if "sealed" in record:
        return problems + _check_sealed(label, record)
    content = record.get("content")
    if not isinstance(content, dict):
        return [*problems, f"{label} has no content"]
    answers = content.get("answers")
    if not isinstance(answers, dict):
        return [*problems, f"{label} has no answers table"]
    for item_id, answer in answers.items():
        if not isinstance(answer, dict):
            problems.append(f"{label}: the answer to '{item_id}' is not a record")
        elif answer.get("response") not in (*RESPONSES, None):
            problems.append(f"{label}: '{item_id}' has an unknown answer {answer['response']!r}")
    for key in ("setup", "reflection"):
        if not isinstance(content.get(key), dict):
            problems.append(f"{label} has no valid '{key}'")
    return problems


def _check_supervision(doc_id: str, record: dict, table: str, folder: str) -> list[str]:
    label = f"{table[:-1]} {doc_id}"
    problems = []
    if record.get("author") != folder:
        problems.append(f"{label} is about someone other than the person whose folder it is in")
    if not _is_time(record.get("created_at")):
        problems.append(f"{label} has no valid 'created_at'")
    sealed = record.get("sealed")
    if not isinstance(sealed, dict) or not isinstance(sealed.get("readers"), dict):
        problems.append(f"{label} is not sealed")
    elif folder not in sealed["readers"]:
        problems.append(f"{label} is not sealed for the person it is about")
    return problems


def _check_kept(doc_id: str, record: dict, folder: str) -> list[str]:
    """A copy kept by an import: says what it is, and is a sealed record of this person."""
    label = f"kept copy {doc_id}"
    kept = record.get("record")
    if record.get("kind") not in ("session", "comment", "record") or not isinstance(kept, dict):
        return [f"{label} does not say what it is"]
    problems = []
    if kept.get("id") != record.get("id") or kept.get("author") != folder:
        problems.append(f"{label} is not the record it says, or not this person's")
    if not isinstance(kept.get("sealed"), dict):
        problems.append(f"{label} is not sealed")
    return problems


def verify_file(
    path: Path, root: Path, trust: Trust | None = None, pins: Pins | None = None
) -> list[Finding]:
    name = str(path.relative_to(root))
    kind = _kind_of(path)
    try:
        data = read_json(path)
    except CorruptFileError as exc:
        return [Finding(name, exc.why)]
    if data is None:
        return [Finding(name, "it disappeared while being checked")]
    version = schema_of(data)
    if version < 0:
        return [Finding(name, "its format stamp is unreadable")]
    if version > SCHEMA_VERSION:
        return [Finding(name, f"format {version} is newer than this version understands")]
    try:
        meta_kind = next(iter(data.get(META_TABLE, {}).values()), {}).get("kind")
    except (AttributeError, TypeError):
        return [Finding(name, "its format stamp is unreadable")]
    if meta_kind and kind and meta_kind != kind:
        return [Finding(name, f"it says it holds {meta_kind}, but its name says {kind}")]
    problems: list[str] = []
    owner = SessionStore.owner_of(path)  # the person whose folder a session file is in
    for table_name, table in data.items():
        if table_name == META_TABLE:
            continue
        if not isinstance(table, dict):
            problems.append(f"table '{table_name}' is not a table")
            continue
        for doc_id, record in table.items():
            if not doc_id.isdigit() or not isinstance(record, dict):
                problems.append(f"record {doc_id!r} in '{table_name}' is not a record")
            elif kind == "people" and table_name == "people":
                problems += _check_person(doc_id, record)
            elif kind == "drafts" and "finished" in record:
                if not _is_time(record["finished"]):  # the marker a finished draft leaves
                    problems.append(f"record {doc_id} is a finished marker with no valid time")
            elif kind in STATUSES:
                month = path.stem.removeprefix("archive-") if kind == "archive" else None
                problems += _check_session(doc_id, record, kind, owner, trust, month)
            elif kind == "supervision":
                problems += _check_supervision(doc_id, record, table_name, owner)
            elif kind in KEPT:
                problems += _check_kept(doc_id, record, owner)
    if path.name == "people.json":
        problems += directory_findings(path, data, pins or Pins())
    return [Finding(name, p) for p in problems]


def _trust(root: Path) -> Trust:
    """Who signs what: only keys the people directory vouches for (its own findings are
    reported apart)."""
    try:
        data = read_json(root / "people.json") or {}
    except CorruptFileError:
        data = {}
    return Trust.of_records(trusted_rows(data), session_manifest.vouched_in(root))


def verify_store(root: Path, pins: Pins | None = None) -> tuple[int, list[Finding]]:
    """(files checked, findings). A store folder that does not exist is a finding too."""
    root = Path(root)
    if not root.is_dir():
        return 0, [Finding(str(root), "there is no store folder here")]
    findings: list[Finding] = []
    checked = 0
    trust = _trust(root)
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink() and _in_a_persons_folder(path.relative_to(root)):
            findings.append(Finding(name, _linked(path)))
            continue
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            findings.append(
                Finding(name, "it is not an ordinary file (a link, a device or a pipe)")
            )
            continue
        if not path.is_file():
            continue
        if ".corrupt-" in path.name:
            findings.append(
                Finding(name, "a damaged file kept aside for recovery: restore or remove it")
            )
        elif path.parent == root and path.name.startswith(f"{AUDIT_FILE}.torn-"):
            findings.append(
                Finding(
                    name,
                    "the incomplete last line of the audit trail, set aside when the trail was "
                    "next written to (after a power cut, or if someone cut the trail short): "
                    "look at it, then remove it",
                )
            )
        elif ".restored-" in path.name:
            findings.append(_restored_note(path, root))
        elif path.relative_to(root).parts[0] == "quarantine":
            findings.append(
                Finding(name, "a record an import set aside: look at it, then remove it")
            )
        elif path.name.endswith(TEMP_SUFFIX):
            findings.append(Finding(name, "a temporary file left by an interrupted save"))
        elif path == session_manifest.path_in(root):
            checked += 1
            problem = session_manifest.read(root)[1]
            if problem:
                findings.append(Finding(name, problem))
        elif path.suffix == ".json" or path.name.endswith(".json.bak"):
            checked += 1
            findings += verify_file(path, root, trust, pins)
    audited, problems = _verify_audit(root)
    checked += audited
    findings += problems
    people = root / "people.json"
    if not is_new_folder(root):
        try:
            lost = not people.exists() or not holds_records(read_json(people))
        except CorruptFileError:
            lost = False  # already a finding of its own
        if lost:
            what = "missing" if not people.exists() else "it lists nobody"
            findings.append(
                Finding(
                    "people.json",
                    f"{what}: nobody can sign in. The app puts back its backup copy when it "
                    "opens the store, if there is one",
                )
            )
    return checked, findings


def _verify_audit(root: Path) -> tuple[int, list[Finding]]:
    """(1 when the audit trail was read, what is wrong with it): its chain, through the same
    check as `audit verify` (without an anchor, which only the person who wrote it down has)."""
    path = root / AUDIT_FILE
    if path.is_symlink() or not path.exists():
        return 0, []  # a link is named with the other links; no trail yet is no problem
    if not path.is_file():
        return 0, [Finding(AUDIT_FILE, "it is not an ordinary file")]
    try:
        problems = AuditLog(root).verify()
    except CorruptFileError as exc:
        return 1, [Finding(AUDIT_FILE, exc.why)]
    except StoreError as exc:
        return 1, [Finding(AUDIT_FILE, str(exc))]
    return 1, [Finding(AUDIT_FILE, problem) for problem in problems]


def _in_a_persons_folder(relative: Path) -> bool:
    """`sessions/<person id>` itself, or a file in it."""
    return relative.parts[0] == FOLDER and len(relative.parts) in (2, 3)


def _linked(path: Path) -> str:
    """What a link where a person's folder or one of their files should be is: the app never
    reads or writes through it (`sealed_table.Linked`)."""
    try:
        target = f" to {os.readlink(path)}"
    except OSError:
        target = ""
    what = "folder" if path.parent.name == FOLDER else "file"
    return (
        f"it is not an ordinary {what} but a link{target}: nothing in it is read or written "
        "as this person's. Put their own back, or remove the link"
    )


def _restored_note(path: Path, root: Path) -> Finding:
    """The note left beside a file the store put back from its backup copy."""
    original = path.name.split(".restored-")[0]
    try:
        note = read_json(path) or {}
    except CorruptFileError:
        note = {}
    when = str(note.get("restored_at", "at some time"))[:19].replace("T", " ")
    why = note.get("why") if note.get("why") in ("was missing", "held nobody") else "was lost"
    return Finding(
        str(path.relative_to(root)),
        f"{original} {why} and was restored from its backup copy ({when}): find out who "
        "removed it and check the people in it, then remove this note",
    )
