"""HL7 FHIR R4 export: checklists as Questionnaires, sessions as QuestionnaireResponses.

Everything here builds plain dicts in FHIR R4 JSON (UK Core is R4); no FHIR library is needed
to run it. The tests check the output with tools this project did not write (HL7's R4 JSON
Schema, FHIR.js and the R4 invariants in fhirpath.js: tests/fhir_check). The canonical URLs
are identifiers under the service's own base URL (`fhir_terms.Canon`; example.org when none is
given), never fetched: the app does not open a network connection. docs/fhir.md describes
the shapes for the people who load them.

What goes where
- One `Questionnaire` per checklist version actually used. `url` is
  `<base>/Questionnaire/<checklist id>`; `version` is `<checklist version>+<content hash>`,
  so two wordings that share a version number are still told apart; `id` is
  `<checklist id>-<version>-<first 8 of the hash>`, so a new version (or wording) never
  overwrites the old one on a server. Its items are:
  - a group `contact.setup` ("About this contact") with `setup.setting` and `setup.stage`
    (choice) and one boolean `setup.<id>` per setup question of the checklist (for example
    `setup.baby_removed`), so that conditions on the setup can be written as `enableWhen`.
    The case reference is left out on purpose: it is not exported to FHIR at all;
  - one group per section (`linkId` = section id, or `section.<id>` in the unlikely case
    that a section and an item share an id), holding for each item one `choice` question
    (`linkId` = item id, `text` = prompt) and, beside it, its note `<item>.note` (text,
    with the question's own enableWhen): R4 allows nothing under a question but its answers,
    and a note may be written before the question is answered. R4 has no `coding` item type
    (that is R5), so `choice` with `answerOption` codings is the R4 form. The four answers
    come from `<base>/CodeSystem/response` (done, partly, not-done, not-applicable). The
    Theory of Change requirement numbers and the critical flag are extensions of our own
    (`fhir_terms`), not `item.code`, which extraction would read as the concept observed;
  - under each question: `<item>.why` (display: why it matters), `<item>.guidance` (display,
    when there is guidance), both shown as help (`questionnaire-itemControl` = help), and
    `<item>.reason` (choice from the ValueSet `<base>/ValueSet/reason`, `repeats: true` as
    more than one reason can be given, enabled only when the answer is partly or not-done).
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
  reasons (one answer each, in the order chosen, with the label as `display`) are nested
  under the answer they belong to, and a note is its own `<item>.note` item beside the
  question, answered or not. A reason's level (service, practice, the woman's choice) is a
  property of its concept in the exported reason CodeSystem, not repeated in every response.
  Left out: the case reference, the reflections and the supervision flag (reflective,
  personal material for supervision, not part of the record of care), and the author unless
  asked for (then `author.display` only: no Practitioner resource, no identifier). No
  `subject`: the woman is never the record.
- Every resource has a short generated narrative (`text`): counts and titles, never what
  anyone typed.
- The CodeSystems, the ValueSet and the Bundle (collection or transaction) are in
  `fhir_terms` and `fhir_export`.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from checklists import NEEDS_REASON, RESPONSES, SETTINGS, STAGES
from checklists.model import Checklist, Condition, Item
from store.sessions import COMPLETE, NOTE_LIMIT, Session, answer_reasons

from .fhir_terms import (
    DEFAULT,
    Canon,
    critical_extension,
    help_control,
    name_of,
    narrative,
    requirement_extension,
    response_code,
    response_coding,
)

if TYPE_CHECKING:
    from checklists.loader import Library

# The default (placeholder) namespace, for callers that give no base URL.
BASE = DEFAULT.base
CS_REASON = DEFAULT.cs_reason
CS_RESPONSE = DEFAULT.cs_response

SETUP_GROUP = "contact.setup"
SETUP_TEXT = "About this contact"
REASON_TEXT = "What got in the way?"
NOTE_TEXT = "Note"
SETTING_LABELS = dict(SETTINGS)
STAGE_LABELS = dict(STAGES)

_FHIR_ID = re.compile(r"[^A-Za-z0-9.-]+")

__all__ = ["CS_REASON", "response_code"]


# -- small pieces ----------------------------------------------------------------------------
def setup_link(name: str) -> str:
    return f"setup.{name}"


def child_link(item_id: str, part: str) -> str:
    """`<item>.why`, `<item>.reason`, ...: ids are slugs without dots, so these never clash."""
    return f"{item_id}.{part}"


def fhir_id(text: str) -> str:
    """A valid FHIR id ([A-Za-z0-9.-], at most 64 characters)."""
    return _FHIR_ID.sub("-", text).strip("-.")[:64] or "x"


def questionnaire_url(checklist: Checklist, canon: Canon = DEFAULT) -> str:
    return f"{canon.questionnaire}/{checklist.id}"


def questionnaire_version(checklist: Checklist) -> str:
    return f"{checklist.version}+{checklist.content_hash}"


def questionnaire_canonical(checklist: Checklist, canon: Canon = DEFAULT) -> str:
    return f"{questionnaire_url(checklist, canon)}|{questionnaire_version(checklist)}"


def questionnaire_id(checklist: Checklist) -> str:
    """`<id>-<version>-<first 8 of the content hash>`: a new version, or a new wording of one
    version, never overwrites the old Questionnaire on a server."""
    suffix = f"-{fhir_id(checklist.version)}-{checklist.content_hash[:8]}"
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


def _setup_answer(name: str, value, canon: Canon) -> dict:
    if name in ("setting", "stage"):
        system = canon.cs_setting if name == "setting" else canon.cs_stage
        labels = SETTING_LABELS if name == "setting" else STAGE_LABELS
        return {
            "answerCoding": {"system": system, "code": value, "display": labels.get(value, value)}
        }
    return {"answerBoolean": bool(value)}


def _enable_when(condition: Condition, canon: Canon) -> tuple[list[dict], str | None]:
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
            test = {"question": question, "operator": "=", **_setup_answer(name, wanted[0], canon)}
            parts.append([test])
        elif len(others) == 1:  # setup answers are always present, so `!=` is safe here
            test = {"question": question, "operator": "!=", **_setup_answer(name, others[0], canon)}
            parts.append([test])
        else:
            parts.append(
                [
                    {"question": question, "operator": "=", **_setup_answer(name, v, canon)}
                    for v in wanted
                ]
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
                        "answerCoding": response_coding(r, canon),
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


def _apply_condition(target: dict, condition: Condition | None, canon: Canon = DEFAULT) -> bool:
    """Add enableWhen to `target`; False when the condition could not be expressed."""
    if condition is None:
        return True
    try:
        tests, behaviour = _enable_when(condition, canon)
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
def _setup_group(checklist: Checklist, canon: Canon) -> dict:
    items: list[dict] = [
        {
            "linkId": setup_link(name),
            "text": text,
            "type": "choice",
            "required": True,
            "answerOption": [
                {"valueCoding": _setup_answer(name, key, canon)["answerCoding"]} for key, _ in pairs
            ],
        }
        for name, text, pairs in (("setting", "Setting", SETTINGS), ("stage", "Stage", STAGES))
    ]
    items += [
        {"linkId": setup_link(q.id), "text": q.label, "type": "boolean"}
        for q in checklist.setup_questions
    ]
    return {"linkId": SETUP_GROUP, "text": SETUP_TEXT, "type": "group", "item": items}


def _help(link: str, text: str) -> dict:
    return {"linkId": link, "text": text, "type": "display", "extension": [help_control()]}


def _question(item: Item, library: Library | None, canon: Canon) -> list[dict]:
    """The question for `item`, then its note item beside it (the same conditions)."""
    question: dict = {"linkId": item.id}
    extensions = []
    for number in item.requirements:
        requirement = library.requirements.get(number) if library is not None else None
        title = requirement.title if requirement is not None else None
        extensions.append(requirement_extension(number, title, canon))
    if item.critical:
        extensions.append(critical_extension(canon))
    if extensions:
        question["extension"] = extensions
    question["text"] = item.prompt
    question["type"] = "choice"
    _apply_condition(question, item.show_if, canon)
    question["answerOption"] = [{"valueCoding": response_coding(r, canon)} for r in RESPONSES]
    children = [_help(child_link(item.id, "why"), item.why)]
    if item.guidance:
        children.append(_help(child_link(item.id, "guidance"), item.guidance))
    children.append(
        {
            "linkId": child_link(item.id, "reason"),
            "text": REASON_TEXT,
            "type": "choice",
            "enableWhen": [
                {"question": item.id, "operator": "=", "answerCoding": response_coding(r, canon)}
                for r in RESPONSES
                if r in NEEDS_REASON
            ],
            "enableBehavior": "any",
            "repeats": True,
            "answerValueSet": canon.vs_reason,
        }
    )
    question["item"] = children
    # A note may be written before the question is answered, so it sits beside the question
    # (R4 allows nothing under a question but its answers), shown when the question is.
    note: dict = {"linkId": child_link(item.id, "note"), "text": f"{NOTE_TEXT}: {item.prompt}"}
    for key in ("enableWhen", "enableBehavior"):
        if key in question:
            note[key] = question[key]
    note["type"] = "text"
    note["maxLength"] = NOTE_LIMIT
    return [question, note]


def questionnaire(
    checklist: Checklist, library: Library | None = None, canon: Canon = DEFAULT
) -> dict:
    """One checklist version as a FHIR R4 Questionnaire (a plain dict). With `library`, the
    requirement extensions carry each requirement's title as well as its number."""
    links = _section_links(checklist)
    items = [_setup_group(checklist, canon)]
    for section in checklist.sections:
        group: dict = {"linkId": links[section.id], "text": section.title, "type": "group"}
        _apply_condition(group, section.show_if, canon)
        group["item"] = [q for item in section.items for q in _question(item, library, canon)]
        items.append(group)
    count = len(checklist.items)
    resource: dict = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(checklist),
        "text": narrative(
            f"{checklist.title}, version {checklist.version}: {count} question(s) in "
            f"{len(checklist.sections)} section(s)."
        ),
        "url": questionnaire_url(checklist, canon),
        "version": questionnaire_version(checklist),
        "name": name_of(checklist.id),
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
def _setup_answers(session: Session, checklist: Checklist, canon: Canon) -> dict:
    items = []
    for name in ("setting", "stage"):
        value = session.setup.get(name)
        if value:
            coding = _setup_answer(name, value, canon)["answerCoding"]
            items.append({"linkId": setup_link(name), "answer": [{"valueCoding": coding}]})
    for q in checklist.setup_questions:
        items.append(
            {
                "linkId": setup_link(q.id),
                "answer": [{"valueBoolean": bool(session.setup.get(q.id, False))}],
            }
        )
    return {"linkId": SETUP_GROUP, "text": SETUP_TEXT, "item": items}


def _answered(session: Session, item: Item, library: Library, canon: Canon) -> list[dict]:
    """The answer to `item` (with its reasons nested under it), then its note beside it."""
    entry = session.answers.get(item.id) or {}
    response = entry.get("response")
    note = (entry.get("note") or "").strip()
    found = []
    if response is not None:
        answer: dict = {"valueCoding": response_coding(response, canon)}
        reason_ids = answer_reasons(entry) if response in NEEDS_REASON else []
        if reason_ids:
            codings = []
            for reason_id in reason_ids:
                reason = library.reason(reason_id)
                display = reason.label if reason else reason_id
                codings.append({"system": canon.cs_reason, "code": reason_id, "display": display})
            answer["item"] = [
                {
                    "linkId": child_link(item.id, "reason"),
                    "text": REASON_TEXT,
                    "answer": [{"valueCoding": coding} for coding in codings],
                }
            ]
        found.append({"linkId": item.id, "text": item.prompt, "answer": [answer]})
    if note:
        found.append(
            {
                "linkId": child_link(item.id, "note"),
                "text": f"{NOTE_TEXT}: {item.prompt}",
                "answer": [{"valueString": note}],
            }
        )
    return found


def questionnaire_response(
    session: Session,
    checklist: Checklist,
    library: Library,
    author_name: str | None = None,
    canon: Canon = DEFAULT,
) -> dict:
    """One session as a FHIR R4 QuestionnaireResponse; the checklist must be its own version.

    De-identified: no case reference, reflections, flag or subject, and the author's name
    only when `author_name` is given.
    """
    shown = {item.id for item in session.visible_items(checklist)}
    links = _section_links(checklist)
    items = [_setup_answers(session, checklist, canon)]
    answered_count = 0
    for section in checklist.sections:
        answered = [
            found
            for item in section.items
            if item.id in shown
            for found in _answered(session, item, library, canon)
        ]
        answered_count += sum(1 for a in answered if not a["linkId"].endswith(".note"))
        if answered:
            items.append({"linkId": links[section.id], "text": section.title, "item": answered})
    record = session.record
    status = "completed" if session.status == COMPLETE else "in-progress"
    authored = record.get("completed_at") or record["updated_at"]
    resource: dict = {
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id(session.id),
        "text": narrative(
            f"{checklist.title} (version {checklist.version}), {status}, {authored}: "
            f"{answered_count} of {len(shown)} shown question(s) answered."
        ),
        "identifier": {"system": canon.session_identifier, "value": session.id},
        "questionnaire": questionnaire_canonical(checklist, canon),
        "status": status,
        "authored": authored,
    }
    if author_name:
        resource["author"] = {"display": author_name}
    resource["item"] = items
    return resource
