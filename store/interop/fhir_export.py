"""The FHIR export's files: each resource on its own, and `bundle.json` holding them all.

`bundle_type` is `collection` (a file to keep or send) or `transaction` (to load into a FHIR
server: each entry is `PUT <Type>/<id>`, so loading the same bundle twice changes nothing and
a new checklist version is a new Questionnaire beside the old one). A transaction needs the
service's own base URL; a collection without one keeps the example.org placeholder, and the
result's `warnings` say so.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from store.errors import InvalidInput, StoreError
from store.interop import check_out_path, parse_since, select_sessions
from store.paths import PendingFiles

from .fhir import conditions_not_expressed, questionnaire, questionnaire_id, questionnaire_response
from .fhir_terms import DEFAULT, Canon, code_systems, now

if TYPE_CHECKING:
    from store.people import Person
    from store.store import Store

BUNDLE_TYPES = ("collection", "transaction")
NO_BASE_URL = (
    "a transaction bundle needs the service's own base URL: give --base-url URL, or set "
    "fhir_base_url in the store's config.toml"
)
PLACEHOLDER_WARNING = (
    "no base URL given (--base-url URL, or fhir_base_url in config.toml): the canonical URLs "
    f"are under {DEFAULT.base}, a placeholder that is not your service's"
)


def full_url(resource: dict, canon: Canon = DEFAULT) -> str:
    """A stable `urn:uuid:` for a resource in a Bundle (the same for every export)."""
    name = f"{canon.base}/{resource['resourceType']}/{resource['id']}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def bundle(
    resources: Iterable[dict],
    timestamp: str | None = None,
    bundle_type: str = "collection",
    canon: Canon = DEFAULT,
) -> dict:
    """A Bundle of `bundle_type` holding `resources`."""
    if bundle_type not in BUNDLE_TYPES:
        raise InvalidInput(f"the bundle type must be {' or '.join(BUNDLE_TYPES)}")
    entries = []
    for resource in resources:
        entry: dict = {"fullUrl": full_url(resource, canon), "resource": resource}
        if bundle_type == "transaction":
            entry["request"] = {
                "method": "PUT",
                "url": f"{resource['resourceType']}/{resource['id']}",
            }
        entries.append(entry)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": bundle_type,
        "timestamp": timestamp or now(),
        "entry": entries,
    }


def file_name(resource: dict) -> str:
    return f"{resource['resourceType']}-{resource['id']}.json"


def _json_bytes(resource: dict) -> bytes:
    return (json.dumps(resource, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def bundle_canon(bundle_type: str, base_url: str | None) -> tuple[Canon, list[str]]:
    """The namespace for an export, and warnings; InvalidInput for a transaction without a
    base URL (`base_url` is already checked: `store.config.check_base_url`)."""
    if bundle_type not in BUNDLE_TYPES:
        raise InvalidInput(f"the bundle type must be {' or '.join(BUNDLE_TYPES)}")
    if base_url:
        return Canon(base_url), []
    if bundle_type == "transaction":
        raise InvalidInput(NO_BASE_URL)
    return DEFAULT, [PLACEHOLDER_WARNING]


def prepare_fhir(
    store: Store,
    reader: Person,
    out_dir: str | Path,
    of: Person | None = None,
    since: str | date | None = None,
    include_author: bool = False,
    problems: list[StoreError] | None = None,
    bundle_type: str = "collection",
    base_url: str | None = None,
) -> PendingFiles:
    """The FHIR resources for every session `reader` may read, ready to write into `out_dir`.

    `Questionnaire-<id>.json` per checklist version used, `QuestionnaireResponse-<id>.json`
    per session (drafts as in-progress), the CodeSystems and ValueSet, and `bundle.json`
    holding them all. Sessions that cannot be opened go in `problems` and are left out. The
    service (`services.interop`) writes the audit entry, then the files.
    """
    canon, warnings = bundle_canon(bundle_type, base_url)
    out_dir = check_out_path(store, Path(out_dir), directory=True)
    since_date = parse_since(since)
    problems = problems if problems is not None else []
    sessions, read = select_sessions(store, reader, of, since_date, problems)
    names = {p.id: p.name for p in store.people.all()} if include_author else {}
    questionnaires: dict[str, dict] = {}
    not_expressed: list[str] = []
    responses = []
    for session in sessions:
        try:
            checklist = store.checklist_for(session)
        except StoreError as exc:
            problems.append(exc)
            continue
        key = questionnaire_id(checklist)
        if key not in questionnaires:
            questionnaires[key] = questionnaire(checklist, store.library, canon)
            not_expressed += conditions_not_expressed(checklist)
        author = names.get(session.author)
        responses.append(questionnaire_response(session, checklist, store.library, author, canon))
    timestamp = now()
    resources = [
        *code_systems(store.library, canon, timestamp),
        *(questionnaires[k] for k in sorted(questionnaires)),
        *responses,
    ]
    completed = sum(1 for r in responses if r["status"] == "completed")
    files = [(out_dir / file_name(r), _json_bytes(r)) for r in resources]
    whole = bundle(resources, timestamp, bundle_type, canon)
    files.append((out_dir / "bundle.json", _json_bytes(whole)))
    result = {
        "format": "fhir",
        "out": str(out_dir),
        "bundle_type": bundle_type,
        "base_url": canon.base,
        "questionnaires": len(questionnaires),
        "responses": len(responses),
        "completed": completed,
        "in_progress": len(responses) - completed,
        "code_systems": sum(1 for r in resources if r["resourceType"] == "CodeSystem"),
        "include_author": bool(include_author),
        "since": since_date.isoformat() if since_date else None,
        "unreadable": len(problems),
        "conditions_not_expressed": not_expressed,
        "warnings": warnings,
        "files": [path.name for path, _ in files],
    }
    return PendingFiles(result, files, folder=out_dir, read=read)
