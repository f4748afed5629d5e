"""The FHIR export's namespace, terminology and small shared pieces (see `store.interop.fhir`).

- `Canon`: every canonical URL and code system the export writes, under one base URL. The
  base is the service's own (`--base-url`, or `fhir_base_url` in config.toml); without one it
  is `DEFAULT_BASE`, a placeholder under example.org. The URLs are identifiers, never fetched.
- Two extensions of our own, defined under the base (docs/fhir.md describes them):
  `<base>/StructureDefinition/toc-requirement` (valueCoding: a Theory of Change requirement
  the question serves, one per requirement) and `<base>/StructureDefinition/critical`
  (valueBoolean true: a key item). They are extensions, not `item.code`, because
  Questionnaire extraction reads `item.code` as the concept observed.
- `narrative`: each resource's short `text` (status generated, an XHTML div, escaped).
- The CodeSystems (answers, reasons with their level, requirements with their level,
  settings, stages) and the reason ValueSet, expanded so that an offline renderer can list
  "What got in the way?" without a terminology server.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from checklists import RESPONSE_LABELS, RESPONSES, SETTINGS, STAGES
from checklists.model import REASON_LEVEL_LABELS

if TYPE_CHECKING:
    from checklists.loader import Library

DEFAULT_BASE = "https://stepping-stones.example.org/fhir"
PUBLISHER = "Stepping Stones"
XHTML = "http://www.w3.org/1999/xhtml"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"


@dataclass(frozen=True)
class Canon:
    """The canonical URLs of one export, all under `base` (no trailing slash)."""

    base: str = DEFAULT_BASE

    @property
    def placeholder(self) -> bool:
        return self.base == DEFAULT_BASE

    def at(self, kind: str, name: str) -> str:
        return f"{self.base}/{kind}/{name}"

    @property
    def questionnaire(self) -> str:
        return f"{self.base}/Questionnaire"

    @property
    def cs_response(self) -> str:
        return self.at("CodeSystem", "response")

    @property
    def cs_reason(self) -> str:
        return self.at("CodeSystem", "reason")

    @property
    def cs_requirement(self) -> str:
        return self.at("CodeSystem", "toc-requirement")

    @property
    def cs_setting(self) -> str:
        return self.at("CodeSystem", "setting")

    @property
    def cs_stage(self) -> str:
        return self.at("CodeSystem", "stage")

    @property
    def vs_reason(self) -> str:
        return self.at("ValueSet", "reason")

    @property
    def ext_requirement(self) -> str:
        return self.at("StructureDefinition", "toc-requirement")

    @property
    def ext_critical(self) -> str:
        return self.at("StructureDefinition", "critical")

    @property
    def session_identifier(self) -> str:
        return f"{self.base}/identifier/session"


DEFAULT = Canon()


def response_code(response: str) -> str:
    """The FHIR code of an answer: `not_done` -> `not-done` (only at the FHIR boundary)."""
    return response.replace("_", "-")


def response_coding(response: str, canon: Canon = DEFAULT) -> dict:
    return {
        "system": canon.cs_response,
        "code": response_code(response),
        "display": RESPONSE_LABELS.get(response, response),
    }


def name_of(text: str) -> str:
    """A computer-friendly name (que-0: starts with a capital, letters, digits, '_')."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text))
    return name if name[:1].isalpha() else f"Checklist{name}"


def narrative(*paragraphs: str, items: Sequence[str] = ()) -> dict:
    """A short generated narrative: escaped paragraphs, then an optional list."""
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)
    if items:
        body += "<ul>" + "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in items) + "</ul>"
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def help_control() -> dict:
    """The `questionnaire-itemControl` extension that shows a display item as help."""
    return {
        "url": ITEM_CONTROL,
        "valueCodeableConcept": {
            "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]
        },
    }


def requirement_extension(number: str, title: str | None, canon: Canon) -> dict:
    coding = {"system": canon.cs_requirement, "code": number}
    if title:
        coding["display"] = title
    return {"url": canon.ext_requirement, "valueCoding": coding}


def critical_extension(canon: Canon) -> dict:
    return {"url": canon.ext_critical, "valueBoolean": True}


# -- CodeSystems and the reason ValueSet -----------------------------------------------------
def _code_system(
    key: str, url: str, title: str, concepts: list[dict], properties: Sequence[dict] = ()
) -> dict:
    digest = hashlib.sha256(
        json.dumps(concepts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()[:16]
    resource: dict = {
        "resourceType": "CodeSystem",
        "id": f"stepping-stones-{key}",
        "text": narrative(
            f"{title}: {len(concepts)} code(s).",
            items=[f"{c['code']}: {c.get('display', '')}" for c in concepts],
        ),
        "url": url,
        "version": digest,
        "name": name_of(f"stepping-stones-{key}"),
        "title": title,
        "status": "active",
        "publisher": PUBLISHER,
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


def _reason_value_set(reasons: dict, canon: Canon, timestamp: str) -> dict:
    title = "Why an item was not done, or only partly"
    contains = [
        {
            "system": canon.cs_reason,
            "version": reasons["version"],
            "code": c["code"],
            "display": c["display"],
        }
        for c in reasons["concept"]
    ]
    return {
        "resourceType": "ValueSet",
        "id": "stepping-stones-reason",
        "text": narrative(f"{title}: every code of {canon.cs_reason} ({len(contains)})."),
        "url": canon.vs_reason,
        "version": reasons["version"],
        "name": "SteppingStonesReason",
        "title": title,
        "status": "active",
        "publisher": PUBLISHER,
        "compose": {"include": [{"system": canon.cs_reason, "version": reasons["version"]}]},
        "expansion": {
            "identifier": f"{canon.vs_reason}/expansion/{reasons['version']}",
            "timestamp": timestamp,
            "total": len(contains),
            "contains": contains,
        },
    }


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def code_systems(
    library: Library, canon: Canon = DEFAULT, timestamp: str | None = None
) -> list[dict]:
    """The code systems the Questionnaires use, and the reason ValueSet (expanded at
    `timestamp`, the export's time)."""
    timestamp = timestamp or now()
    reasons = _code_system(
        "reason",
        canon.cs_reason,
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
        canon.cs_requirement,
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
    return [
        _code_system(
            "response",
            canon.cs_response,
            "Checklist answers",
            [{"code": response_code(r), "display": RESPONSE_LABELS[r]} for r in RESPONSES],
        ),
        reasons,
        requirements,
        _code_system(
            "setting",
            canon.cs_setting,
            "Where the contact took place",
            [{"code": key, "display": label} for key, label in SETTINGS],
        ),
        _code_system(
            "stage",
            canon.cs_stage,
            "Pregnancy or after the birth",
            [{"code": key, "display": label} for key, label in STAGES],
        ),
        _reason_value_set(reasons, canon, timestamp),
    ]
