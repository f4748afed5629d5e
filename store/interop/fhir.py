"""HL7 FHIR R4 export: checklists as Questionnaires, sessions as QuestionnaireResponses.

Everything here builds plain dicts in FHIR R4 JSON (UK Core is R4); no FHIR library is needed
to run it (the tests validate the output with `fhir.resources`). The canonical URLs below are
identifiers in a namespace of our own, never fetched: the app does not open a network
connection.

What goes where
- One `Questionnaire` per checklist version actually used. `url` is
  `<BASE>/Questionnaire/<checklist id>`; `version` is `<checklist version>+<content hash>`, so
  two wordings that share a version number are still told apart. Its items are:
  - a group `contact.setup` ("About this contact") with `setup.setting` and `setup.stage`
    (choice) and one boolean `setup.<id>` per setup question of the checklist (for example
    `setup.baby_removed`), so that conditions on the setup can be written as `enableWhen`.
    The case reference is left out on purpose: it is not exported to FHIR at all;
  - one group per section (`linkId` = section id, or `section.<id>` in the unlikely case
    that a section and an item share an id), holding one `choice` question per item
    (`linkId` = item id, `text` = prompt). R4 has no `coding` item type (that is R5), so
    `choice` with `answerOption` codings is the R4 form. The four answers come from
    `<BASE>/CodeSystem/response` (done, partly, not-done, not-applicable). The Theory of
    Change requirement numbers are item `code`s from `<BASE>/CodeSystem/toc-requirement`;
    a critical item also carries the code `critical` from `<BASE>/CodeSystem/item-flag`;
  - under each question: `<item>.why` (display: why it matters), `<item>.guidance` (display,
    when there is guidance), `<item>.reason` (choice from the ValueSet `<BASE>/ValueSet/reason`,
    `repeats: true` as more than one reason can be given, enabled only when the answer is
    partly or not-done) and `<item>.note` (text).
- `show_if` becomes `enableWhen`: an earlier item's answers (one `=` per answer, with
  `enableBehavior: any` for several; all four answers become `exists`), and setup choices
  (`=` on `setup.*`, or `!=` when all but one value is allowed). Conditions that combine
  several parts where a part allows several values (an "and" of "or"s) cannot be written
  with a single `enableBehavior`; such an item is left always enabled (so its answers stay
  valid) and `conditions_not_expressed` names it. The built-in checklist has none.
- One `QuestionnaireResponse` per session: `id` = session id (also as `identifier`),
  `questionnaire` = `url|version` of the exact wording the session was answered on,
  `status` completed or in-progress, `authored` = completed_at (or updated_at for a draft).
  Answers are given for the items the session shows (as the summary counts them); the
  reasons (one answer each, in the order chosen, with the label as `display`) and a note
  are nested under the answer they belong to. A reason's level (service, practice, the
  woman's choice) is a property of its concept in the exported reason CodeSystem, not
  repeated in every response.
  Left out: the case reference, the reflections and the supervision flag (reflective,
  personal material for supervision, not part of the record of care), and the author unless
  asked for (then `author.display` only: no Practitioner resource, no identifier). No
  `subject`: the woman is never the record.
- `CodeSystem`s for the responses, reasons (with `level`), requirements (with `level`),
  settings, stages and item flags, and the reason `ValueSet`, so the codes can be read
  without this app.
- A `Bundle` of type `collection` holds them all (`fullUrl`s are stable `urn:uuid:`s).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from checklists import NEEDS_REASON, RESPONSE_LABELS, RESPONSES, SETTINGS, STAGES
from checklists.model import REASON_LEVEL_LABELS, Checklist, Condition, Item
from store.errors import StoreError
from store.interop import check_out_path, parse_since, select_sessions
from store.paths import PendingFiles
from store.sessions import COMPLETE, NOTE_LIMIT, Session, answer_reasons

if TYPE_CHECKING:
    from checklists.loader import Library
    from store.people import Person
    from store.store import Store

BASE = "https://stepping-stones.example.org/fhir"
QUESTIONNAIRE_BASE = f"{BASE}/Questionnaire"
CS_RESPONSE = f"{BASE}/CodeSystem/response"
CS_REASON = f"{BASE}/CodeSystem/reason"
CS_REQUIREMENT = f"{BASE}/CodeSystem/toc-requirement"
CS_SETTING = f"{BASE}/CodeSystem/setting"
CS_STAGE = f"{BASE}/CodeSystem/stage"
CS_ITEM_FLAG = f"{BASE}/CodeSystem/item-flag"
VS_REASON = f"{BASE}/ValueSet/reason"
SESSION_IDENTIFIER = f"{BASE}/identifier/session"

SETUP_GROUP = "contact.setup"
SETUP_TEXT = "About this contact"
REASON_TEXT = "What got in the way?"
NOTE_TEXT = "Note"
CRITICAL = {"system": CS_ITEM_FLAG, "code": "critical", "display": "Critical item"}
SETTING_LABELS = dict(SETTINGS)
STAGE_LABELS = dict(STAGES)

_FHIR_ID = re.compile(r"[^A-Za-z0-9.-]+")


# -- small pieces ----------------------------------------------------------------------------
def response_code(response: str) -> str:
    """The FHIR code of an answer: `not_done` -> `not-done`."""
    return response.replace("_", "-")


def response_coding(response: str) -> dict:
    return {
        "system": CS_RESPONSE,
        "code": response_code(response),
        "display": RESPONSE_LABELS[response],
    }


def setup_link(name: str) -> str:
    return f"setup.{name}"


def child_link(item_id: str, part: str) -> str:
    """`<item>.why`, `<item>.reason`, ...: ids are slugs without dots, so these never clash."""
    return f"{item_id}.{part}"


def fhir_id(text: str) -> str:
    """A valid FHIR id ([A-Za-z0-9.-], at most 64 characters)."""
    return _FHIR_ID.sub("-", text).strip("-.")[:64] or "x"


def _name(text: str) -> str:
    """A computer-friendly name (que-0: starts with a capital, letters, digits, '_')."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text))
    return name if name[:1].isalpha() else f"Checklist{name}"


def questionnaire_url(checklist: Checklist) -> str:
    return f"{QUESTIONNAIRE_BASE}/{checklist.id}"


def questionnaire_version(checklist: Checklist) -> str:
    return f"{checklist.version}+{checklist.content_hash}"


def questionnaire_canonical(checklist: Checklist) -> str:
    return f"{questionnaire_url(checklist)}|{questionnaire_version(checklist)}"


def questionnaire_id(checklist: Checklist) -> str:
    suffix = f"-v{fhir_id(checklist.version)}-{checklist.content_hash[:8]}"
    return fhir_id(checklist.id)[: 64 - len(suffix)] + suffix


def _section_links(checklist: Checklist) -> dict[str, str]:
    item_ids = {item.id for item in checklist.items}
    return {s.id: (f"section.{s.id}" if s.id in item_ids else s.id) for s in checklist.sections}


# -- enableWhen ------------------------------------------------------------------------------
def _setup_domain(name: str) -> list:
    if name == "setting":
        return [key for key, _ in SETTINGS]
    if name == "stage":
        return [key for key, _ in STAGES]
    return [True, False]


def _setup_answer(name: str, value) -> dict:
    if name == "setting":
        return {
            "answerCoding": {
                "system": CS_SETTING,
                "code": value,
                "display": SETTING_LABELS.get(value, value),
            }
        }
    if name == "stage":
        return {
            "answerCoding": {
                "system": CS_STAGE,
                "code": value,
                "display": STAGE_LABELS.get(value, value),
            }
        }
    return {"answerBoolean": bool(value)}


def _enable_when(condition: Condition) -> tuple[list[dict], str | None]:
    """(enableWhen, enableBehavior) for a show_if; ValueError when it cannot be expressed.

    Each part of a condition (a setup field, the earlier item) must hold, and a part holds
    when its value is one of those allowed. FHIR has one `enableBehavior` for the whole list,
    so this works when every part is a single test ("all"), or there is only one part ("any"
    over its values).
    """
    parts: list[list[dict]] = []
    for name, allowed in condition.setup:
        domain = _setup_domain(name)
        wanted = [v for v in domain if v in allowed]
        others = [v for v in domain if v not in allowed]
        question = setup_link(name)
        if not others:
            continue  # every value allowed: no test needed
        if len(wanted) == 1:
            parts.append(
                [{"question": question, "operator": "=", **_setup_answer(name, wanted[0])}]
            )
        elif len(others) == 1:  # setup answers are always present, so `!=` is safe here
            parts.append(
                [{"question": question, "operator": "!=", **_setup_answer(name, others[0])}]
            )
        else:
            parts.append(
                [{"question": question, "operator": "=", **_setup_answer(name, v)} for v in wanted]
            )
    if condition.item is not None:
        wanted = [r for r in RESPONSES if r in condition.answers]
        if len(wanted) == len(RESPONSES):
            parts.append(
                [{"question": condition.item, "operator": "exists", "answerBoolean": True}]
            )
        else:
            parts.append(
                [
                    {
                        "question": condition.item,
                        "operator": "=",
                        "answerCoding": response_coding(r),
                    }
                    for r in wanted
                ]
            )
    if not parts:
        return [], None
    if all(len(part) == 1 for part in parts):
        tests = [test for part in parts for test in part]
        return tests, ("all" if len(tests) > 1 else None)
    if len(parts) == 1:
        return parts[0], "any"
    raise ValueError("an 'and' of several 'or's")


def _apply_condition(target: dict, condition: Condition | None) -> bool:
    """Add enableWhen to `target`; False when the condition could not be expressed."""
    if condition is None:
        return True
    try:
        tests, behaviour = _enable_when(condition)
    except ValueError:
        return False
    if tests:
        target["enableWhen"] = tests
    if behaviour:
        target["enableBehavior"] = behaviour
    return True


def conditions_not_expressed(checklist: Checklist) -> list[str]:
    """Plain sentences naming each show_if that `questionnaire` could not write as enableWhen."""
    found = []
    where = f"{checklist.id} version {checklist.version}"
    for section in checklist.sections:
        if section.show_if and not _apply_condition({}, section.show_if):
            found.append(
                f"{where}: section '{section.id}' is shown only when "
                f"{json.dumps(section.show_if.to_dict())}; its questions are always enabled"
            )
        for item in section.items:
            if item.show_if and not _apply_condition({}, item.show_if):
                found.append(
                    f"{where}: item '{item.id}' is shown only when "
                    f"{json.dumps(item.show_if.to_dict())}; it is always enabled"
                )
    return found


# -- Questionnaire ---------------------------------------------------------------------------
def _setup_group(checklist: Checklist) -> dict:
    items: list[dict] = [
        {
            "linkId": setup_link("setting"),
            "text": "Setting",
            "type": "choice",
            "required": True,
            "answerOption": [
                {"valueCoding": _setup_answer("setting", key)["answerCoding"]}
                for key, _ in SETTINGS
            ],
        },
        {
            "linkId": setup_link("stage"),
            "text": "Stage",
            "type": "choice",
            "required": True,
            "answerOption": [
                {"valueCoding": _setup_answer("stage", key)["answerCoding"]} for key, _ in STAGES
            ],
        },
    ]
    items += [
        {"linkId": setup_link(q.id), "text": q.label, "type": "boolean"}
        for q in checklist.setup_questions
    ]
    return {"linkId": SETUP_GROUP, "text": SETUP_TEXT, "type": "group", "item": items}


def _question(item: Item) -> dict:
    question: dict = {"linkId": item.id}
    codes = [{"system": CS_REQUIREMENT, "code": number} for number in item.requirements]
    if item.critical:
        codes.append(dict(CRITICAL))
    if codes:
        question["code"] = codes
    question["text"] = item.prompt
    question["type"] = "choice"
    _apply_condition(question, item.show_if)
    question["answerOption"] = [{"valueCoding": response_coding(r)} for r in RESPONSES]
    children = [{"linkId": child_link(item.id, "why"), "text": item.why, "type": "display"}]
    if item.guidance:
        children.append(
            {"linkId": child_link(item.id, "guidance"), "text": item.guidance, "type": "display"}
        )
    children.append(
        {
            "linkId": child_link(item.id, "reason"),
            "text": REASON_TEXT,
            "type": "choice",
            "enableWhen": [
                {"question": item.id, "operator": "=", "answerCoding": response_coding(r)}
                for r in RESPONSES
                if r in NEEDS_REASON
            ],
            "enableBehavior": "any",
            "repeats": True,
            "answerValueSet": VS_REASON,
        }
    )
    children.append(
        {
            "linkId": child_link(item.id, "note"),
            "text": NOTE_TEXT,
            "type": "text",
            "maxLength": NOTE_LIMIT,
        }
    )
    question["item"] = children
    return question


def questionnaire(checklist: Checklist) -> dict:
    """One checklist version as a FHIR R4 Questionnaire (a plain dict)."""
    links = _section_links(checklist)
    items = [_setup_group(checklist)]
    for section in checklist.sections:
        group: dict = {"linkId": links[section.id], "text": section.title, "type": "group"}
        _apply_condition(group, section.show_if)
        group["item"] = [_question(item) for item in section.items]
        items.append(group)
    resource: dict = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(checklist),
        "url": questionnaire_url(checklist),
        "version": questionnaire_version(checklist),
        "name": _name(checklist.id),
        "title": checklist.title,
        "status": "active",
        "publisher": "Stepping Stones",
    }
    if checklist.description:
        resource["description"] = checklist.description
    if checklist.when:
        resource["purpose"] = checklist.when
    if checklist.source:
        resource["copyright"] = checklist.source
    resource["item"] = items
    return resource


# -- QuestionnaireResponse -------------------------------------------------------------------
def _setup_answers(session: Session, checklist: Checklist) -> dict:
    items = []
    for name in ("setting", "stage"):
        value = session.setup.get(name)
        if value:
            coding = _setup_answer(name, value)["answerCoding"]
            items.append({"linkId": setup_link(name), "answer": [{"valueCoding": coding}]})
    for q in checklist.setup_questions:
        items.append(
            {
                "linkId": setup_link(q.id),
                "answer": [{"valueBoolean": bool(session.setup.get(q.id, False))}],
            }
        )
    return {"linkId": SETUP_GROUP, "text": SETUP_TEXT, "item": items}


def _answered(session: Session, item: Item, library: Library) -> dict | None:
    entry = session.answers.get(item.id) or {}
    response = entry.get("response")
    note = (entry.get("note") or "").strip()
    reason_ids = answer_reasons(entry) if response in NEEDS_REASON else []
    if response is None and not note:
        return None
    children = []
    if reason_ids:
        codings = []
        for reason_id in reason_ids:
            reason = library.reason(reason_id)
            codings.append(
                {
                    "system": CS_REASON,
                    "code": reason_id,
                    "display": reason.label if reason else reason_id,
                }
            )
        children.append(
            {
                "linkId": child_link(item.id, "reason"),
                "text": REASON_TEXT,
                "answer": [{"valueCoding": coding} for coding in codings],
            }
        )
    if note:
        children.append(
            {
                "linkId": child_link(item.id, "note"),
                "text": NOTE_TEXT,
                "answer": [{"valueString": note}],
            }
        )
    out: dict = {"linkId": item.id, "text": item.prompt}
    if response is not None:
        answer: dict = {"valueCoding": response_coding(response)}
        if children:
            answer["item"] = children
        out["answer"] = [answer]
    else:  # a note on an item not answered yet: nested under the item, not an answer
        out["item"] = children
    return out


def questionnaire_response(
    session: Session, checklist: Checklist, library: Library, author_name: str | None = None
) -> dict:
    """One session as a FHIR R4 QuestionnaireResponse; the checklist must be its own version.

    De-identified: no case reference, reflections, flag or subject, and the author's name
    only when `author_name` is given.
    """
    shown = {item.id for item in session.visible_items(checklist)}
    links = _section_links(checklist)
    items = [_setup_answers(session, checklist)]
    for section in checklist.sections:
        answered = [
            found
            for item in section.items
            if item.id in shown and (found := _answered(session, item, library)) is not None
        ]
        if answered:
            items.append({"linkId": links[section.id], "text": section.title, "item": answered})
    record = session.record
    resource: dict = {
        "resourceType": "QuestionnaireResponse",
        "id": session.id,
        "identifier": {"system": SESSION_IDENTIFIER, "value": session.id},
        "questionnaire": questionnaire_canonical(checklist),
        "status": "completed" if session.status == COMPLETE else "in-progress",
        "authored": record.get("completed_at") or record["updated_at"],
    }
    if author_name:
        resource["author"] = {"display": author_name}
    resource["item"] = items
    return resource


# -- CodeSystems, ValueSet, Bundle -----------------------------------------------------------
def _code_system(
    key: str, url: str, title: str, concepts: list[dict], properties: Sequence[dict] = ()
) -> dict:
    digest = hashlib.sha256(
        json.dumps(concepts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()[:16]
    resource: dict = {
        "resourceType": "CodeSystem",
        "id": f"stepping-stones-{key}",
        "url": url,
        "version": digest,
        "name": _name(f"stepping-stones-{key}"),
        "title": title,
        "status": "active",
        "publisher": "Stepping Stones",
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
    }
    if properties:
        resource["property"] = list(properties)
    resource["concept"] = concepts
    return resource


def _level_property(description: str) -> dict:
    return {"code": "level", "description": description, "type": "code"}


def code_systems(library: Library) -> list[dict]:
    """The code systems the Questionnaires use, and the reason ValueSet."""
    reasons = _code_system(
        "reason",
        CS_REASON,
        "Why an item was not done, or only partly",
        [
            {
                "code": r.id,
                "display": r.label,
                "definition": f"{r.label} ({REASON_LEVEL_LABELS.get(r.level, r.level)})",
                "property": [{"code": "level", "valueCode": r.level}],
            }
            for r in library.reasons
        ],
        [
            _level_property(
                "service: a barrier to escalate; practice: a point to reflect on; "
                "woman: her own choice or circumstances"
            )
        ],
    )
    requirements = _code_system(
        "toc-requirement",
        CS_REQUIREMENT,
        "Stepping Stones Theory of Change requirements",
        [
            {
                "code": number,
                "display": requirement.title,
                "property": [{"code": "level", "valueCode": requirement.level}],
            }
            for number, requirement in library.requirements.items()
        ],
        [_level_property("the level the requirement belongs to")],
    )
    value_set = {
        "resourceType": "ValueSet",
        "id": "stepping-stones-reason",
        "url": VS_REASON,
        "version": reasons["version"],
        "name": "SteppingStonesReason",
        "title": "Why an item was not done, or only partly",
        "status": "active",
        "publisher": "Stepping Stones",
        "compose": {"include": [{"system": CS_REASON, "version": reasons["version"]}]},
    }
    return [
        _code_system(
            "response",
            CS_RESPONSE,
            "Checklist answers",
            [{"code": response_code(r), "display": RESPONSE_LABELS[r]} for r in RESPONSES],
        ),
        reasons,
        requirements,
        _code_system(
            "setting",
            CS_SETTING,
            "Where the contact took place",
            [{"code": key, "display": label} for key, label in SETTINGS],
        ),
        _code_system(
            "stage",
            CS_STAGE,
            "Pregnancy or after the birth",
            [{"code": key, "display": label} for key, label in STAGES],
        ),
        _code_system(
            "item-flag",
            CS_ITEM_FLAG,
            "Checklist item flags",
            [
                {
                    "code": CRITICAL["code"],
                    "display": CRITICAL["display"],
                    "definition": "A key item: missing it matters most for her care",
                }
            ],
        ),
        value_set,
    ]


def full_url(resource: dict) -> str:
    """A stable `urn:uuid:` for a resource in a Bundle (the same for every export)."""
    name = f"{BASE}/{resource['resourceType']}/{resource['id']}/{resource.get('version', '')}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def bundle(resources: Iterable[dict], timestamp: str | None = None) -> dict:
    """A Bundle of type `collection` holding `resources`."""
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": timestamp or _now(),
        "entry": [{"fullUrl": full_url(r), "resource": r} for r in resources],
    }


# -- the export ------------------------------------------------------------------------------
def file_name(resource: dict) -> str:
    return f"{resource['resourceType']}-{resource['id']}.json"


def _json_bytes(resource: dict) -> bytes:
    return (json.dumps(resource, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def prepare_fhir(
    store: Store,
    reader: Person,
    out_dir: str | Path,
    of: Person | None = None,
    since: str | date | None = None,
    include_author: bool = False,
    problems: list[StoreError] | None = None,
) -> PendingFiles:
    """The FHIR resources for every session `reader` may read, ready to write into `out_dir`.

    `Questionnaire-<id>.json` per checklist version used, `QuestionnaireResponse-<id>.json`
    per session (drafts as in-progress), the CodeSystems and ValueSet, and `bundle.json`
    holding them all. Sessions that cannot be opened go in `problems` and are left out. The
    service (`services.interop`) writes the audit entry, then the files.
    """
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
            questionnaires[key] = questionnaire(checklist)
            not_expressed += conditions_not_expressed(checklist)
        responses.append(
            questionnaire_response(session, checklist, store.library, names.get(session.author))
        )
    resources = [
        *code_systems(store.library),
        *(questionnaires[k] for k in sorted(questionnaires)),
        *responses,
    ]
    completed = sum(1 for r in responses if r["status"] == "completed")
    files = [(out_dir / file_name(r), _json_bytes(r)) for r in resources]
    files.append((out_dir / "bundle.json", _json_bytes(bundle(resources))))
    result = {
        "format": "fhir",
        "out": str(out_dir),
        "questionnaires": len(questionnaires),
        "responses": len(responses),
        "completed": completed,
        "in_progress": len(responses) - completed,
        "code_systems": sum(1 for r in resources if r["resourceType"] == "CodeSystem"),
        "include_author": bool(include_author),
        "since": since_date.isoformat() if since_date else None,
        "unreadable": len(problems),
        "conditions_not_expressed": not_expressed,
        "files": [path.name for path, _ in files],
    }
    return PendingFiles(result, files, folder=out_dir, read=read)
