"""The checklist model: plain frozen dataclasses, no I/O.

The store snapshots a checklist with every session, so the model round-trips through plain
dicts (`to_dict` / `from_dict`) and carries a content hash that tells two wordings apart even
when an author forgot to bump the version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# The four answers, in key order (1-4). "Not answered" is the absence of a response, never
# one of these, so a summary can tell it apart from "not done" and "not applicable".
RESPONSES: tuple[str, ...] = ("done", "partly", "not_done", "not_applicable")
# A requirement's counts in a summary: the four answers, then shown items left without one.
# Every table and bar of the summary uses this order.
COUNTS: tuple[str, ...] = (*RESPONSES, "unanswered")
RESPONSE_LABELS: dict[str, str] = {
    "done": "Done",
    "partly": "Partly",
    "not_done": "Not done",
    "not_applicable": "Not applicable",
}
# Symbols go with colour everywhere, so the screen reads the same without colour.
RESPONSE_SYMBOLS: dict[str | None, str] = {
    "done": "✓",
    "partly": "◐",
    "not_done": "✗",
    "not_applicable": "–",
    None: "·",
}
NEEDS_REASON: frozenset[str] = frozenset({"partly", "not_done"})

REASON_LEVELS: tuple[str, ...] = ("service", "practice", "woman")
REASON_LEVEL_LABELS: dict[str, str] = {
    "service": "Something in the service",
    "practice": "Something in my practice",
    "woman": "Her own choice",
}

# The Theory of Change requirements every staff summary reports on, answered or not.
STAFF_REQUIREMENTS: tuple[str, ...] = (
    "7.1",
    "7.2",
    "7.3",
    "7.4",
    "7.5",
    "8.1",
    "8.2",
    "8.3",
    "8.4",
    "8.5",
)


def requirement_key(number: str) -> tuple:
    """Sort '7.10' after '7.9' and '8' before '8.1'; anything odd goes last, by its text."""
    try:
        return (0, tuple(int(part) for part in str(number).split(".")))
    except ValueError:
        return (1, str(number))


SETTINGS: tuple[tuple[str, str], ...] = (
    ("clinic", "Clinic"),
    ("home_visit", "Home visit"),
    ("hospital_ward", "Hospital ward"),
    ("phone_video", "Phone or video"),
    ("outreach", "Outreach"),
    ("meeting", "Meeting or case conference"),
)
STAGES: tuple[tuple[str, str], ...] = (
    ("antenatal", "Antenatal"),
    ("birth", "Birth or postnatal ward"),
    ("postnatal", "Postnatal"),
)
MODES: tuple[str, ...] = ("do-confirm", "read-do")
# A core checklist fits any contact; a pause-point checklist is one short list for one moment
# of care (first contact, a meeting, the birth...). A checklist without a kind is core.
KINDS: tuple[str, ...] = ("core", "pause-point")
# The limits checklist science gives (the loader refuses a built-in checklist outside them and
# warns about a service's own): a pause-point list counts every item, a core list the items
# shown with the setup's default answers.
PAUSE_POINT_ITEMS: tuple[int, int] = (5, 9)
CORE_SHOWN_MAX = 12


@dataclass(frozen=True)
class Condition:
    """When an item or section applies: a setup choice, or an earlier answer."""

    setup: tuple[tuple[str, tuple], ...] = ()
    item: str | None = None
    answers: tuple[str, ...] = ()

    def holds(self, setup: Mapping, answers: Mapping[str, str | None]) -> bool:
        for name, allowed in self.setup:
            if setup.get(name, False if name not in ("setting", "stage") else None) not in allowed:
                return False
        if self.item is not None and answers.get(self.item) not in self.answers:
            return False
        return True

    def to_dict(self) -> dict:
        out: dict = {}
        if self.setup:
            out["setup"] = {name: list(values) for name, values in self.setup}
        if self.item is not None:
            out["item"] = self.item
            out["answer"] = list(self.answers)
        return out

    @classmethod
    def from_dict(cls, data: Mapping | None) -> Condition | None:
        if not data:
            return None
        setup = tuple(
            (name, tuple(v if isinstance(v, list) else [v]))
            for name, v in (data.get("setup") or {}).items()
        )
        answer = data.get("answer") or []
        return cls(
            setup=setup,
            item=data.get("item"),
            answers=tuple(answer if isinstance(answer, list) else [answer]),
        )

    def holds_for_setup(self, setup: Mapping) -> bool:
        """Whether the setup part holds, whatever the answers are."""
        return Condition(setup=self.setup).holds(setup, {})


@dataclass(frozen=True)
class Evidence:
    """Where an item comes from: a requirement and a short passage quoted from the seed."""

    requirement: str
    passage: str

    def to_dict(self) -> dict:
        return {"requirement": self.requirement, "passage": self.passage}


@dataclass(frozen=True)
class Item:
    id: str
    prompt: str
    why: str
    requirements: tuple[str, ...]
    section_id: str
    guidance: str | None = None
    critical: bool = False
    show_if: Condition | None = None
    evidence: tuple[Evidence, ...] = ()
    # National guidance a claim in `why` or `guidance` comes from, when not from the seeds.
    guidance_source: str | None = None

    def to_dict(self) -> dict:
        out: dict = {
            "id": self.id,
            "prompt": self.prompt,
            "why": self.why,
            "requirements": list(self.requirements),
            "guidance": self.guidance,
            "critical": self.critical,
        }
        if self.show_if:
            out["show_if"] = self.show_if.to_dict()
        # Written only when present, so the wording of a version 1 checklist keeps its hash.
        if self.evidence:
            out["evidence"] = [e.to_dict() for e in self.evidence]
        if self.guidance_source:
            out["guidance_source"] = self.guidance_source
        return out


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    show_if: Condition | None = None

    def to_dict(self) -> dict:
        out: dict = {
            "id": self.id,
            "title": self.title,
            "items": [item.to_dict() for item in self.items],
        }
        if self.show_if:
            out["show_if"] = self.show_if.to_dict()
        return out


@dataclass(frozen=True)
class SetupQuestion:
    """A yes/no question in the setup form; its answer can make items apply."""

    id: str
    label: str


@dataclass(frozen=True)
class Checklist:
    id: str
    version: str
    title: str
    description: str
    when: str
    mode: str
    source: str
    sections: tuple[Section, ...]
    setup_questions: tuple[SetupQuestion, ...] = ()
    origin: str = field(default="", compare=False)
    # "" when the file named no kind (a service's own, or a stored version 1): treated as core.
    kind: str = ""
    settings: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    position: int | None = None
    # Setup answers this checklist's moment of care already gives (after-removal: her baby has
    # been removed), set in every session without being asked: reasons that need them apply.
    setup_facts: tuple[tuple[str, bool], ...] = ()

    @property
    def is_pause_point(self) -> bool:
        return self.kind == "pause-point"

    @property
    def kind_label(self) -> str:
        return "pause point" if self.is_pause_point else "core"

    def setting_choices(self) -> list[str]:
        """The settings setup offers, the first being its default."""
        return list(self.settings) or [key for key, _ in SETTINGS]

    def stage_choices(self) -> list[str]:
        return list(self.stages) or [key for key, _ in STAGES]

    def default_setup(self) -> dict:
        """The setup form's answers before anyone changes them."""
        return {
            "setting": self.setting_choices()[0],
            "stage": self.stage_choices()[0],
            **{q.id: False for q in self.setup_questions},
            **dict(self.setup_facts),
        }

    def items_for_setup(self, setup: Mapping) -> list[Item]:
        """The items that can be shown with this setup, whatever the answers (an item shown
        after an earlier answer counts)."""
        out: list[Item] = []
        for section in self.sections:
            if section.show_if and not section.show_if.holds_for_setup(setup):
                continue
            out += [i for i in section.items if not i.show_if or i.show_if.holds_for_setup(setup)]
        return out

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def visible_items(self, setup: Mapping, answers: Mapping[str, str | None]) -> list[Item]:
        """The items that apply, in order, given the setup and the answers so far.

        An answer-dependent item applies only when the item it depends on is itself shown, so
        hiding a section also hides whatever follows from it.
        """
        shown: list[Item] = []
        shown_answers: dict[str, str | None] = {}
        for section in self.sections:
            if section.show_if and not section.show_if.holds(setup, shown_answers):
                continue
            for item in section.items:
                if item.show_if and not item.show_if.holds(setup, shown_answers):
                    continue
                shown.append(item)
                shown_answers[item.id] = answers.get(item.id)
        return shown

    def to_dict(self) -> dict:
        out: dict = {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "when": self.when,
            "mode": self.mode,
            "source": self.source,
            "setup_questions": [{"id": q.id, "label": q.label} for q in self.setup_questions],
            "sections": [section.to_dict() for section in self.sections],
        }
        # Written only when present, so a stored version 1 wording keeps its hash.
        if self.kind:
            out["kind"] = self.kind
        if self.settings:
            out["settings"] = list(self.settings)
        if self.stages:
            out["stages"] = list(self.stages)
        if self.position is not None:
            out["position"] = self.position
        if self.setup_facts:
            out["setup_facts"] = dict(self.setup_facts)
        return out

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: Mapping, origin: str = "") -> Checklist:
        """Rebuild a checklist from `to_dict` output (already validated when it was saved)."""
        sections = []
        for s in data["sections"]:
            items = tuple(
                Item(
                    id=i["id"],
                    prompt=i["prompt"],
                    why=i["why"],
                    requirements=tuple(i["requirements"]),
                    section_id=s["id"],
                    guidance=i.get("guidance"),
                    critical=bool(i.get("critical", False)),
                    show_if=Condition.from_dict(i.get("show_if")),
                    evidence=tuple(
                        Evidence(requirement=str(e["requirement"]), passage=e["passage"])
                        for e in i.get("evidence") or []
                    ),
                    guidance_source=i.get("guidance_source"),
                )
                for i in s["items"]
            )
            sections.append(
                Section(
                    id=s["id"],
                    title=s["title"],
                    items=items,
                    show_if=Condition.from_dict(s.get("show_if")),
                )
            )
        return cls(
            id=data["id"],
            version=str(data["version"]),
            title=data["title"],
            description=data.get("description", ""),
            when=data.get("when", ""),
            mode=data.get("mode", "do-confirm"),
            source=data.get("source", ""),
            sections=tuple(sections),
            setup_questions=tuple(
                SetupQuestion(id=q["id"], label=q["label"]) for q in data.get("setup_questions", [])
            ),
            origin=origin,
            kind=data.get("kind", ""),
            settings=tuple(data.get("settings") or ()),
            stages=tuple(data.get("stages") or ()),
            position=data.get("position"),
            setup_facts=tuple(
                (str(k), bool(v)) for k, v in sorted((data.get("setup_facts") or {}).items())
            ),
        )


@dataclass(frozen=True)
class Reason:
    """Why an item was not done, or only partly: the summary groups these by level."""

    id: str
    label: str
    level: str
    requirements: tuple[str, ...] = ()
    # A setup question (such as `baby_removed`): the reason is offered only when the session's
    # setup answered it yes. None: always offered.
    only_if: str | None = None
    # "Something else (say in a note)": the note box opens after the reasons are chosen.
    asks_note: bool = False
    # A reason that has gone: never offered again, but still labelled and counted wherever an
    # old session gave it. Reason ids are never deleted or reused.
    retired: bool = False

    def applies(self, setup: dict | None) -> bool:
        """Whether this reason makes sense for a session with this setup."""
        return self.only_if is None or bool((setup or {}).get(self.only_if))

    def offered(self, setup: dict | None, given: Iterable[str] = ()) -> bool:
        """Whether the picker shows this reason: it applies and is not retired, or it was
        already given for this answer (so that looking again never drops it)."""
        return self.id in set(given) or (not self.retired and self.applies(setup))

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "label": self.label,
            "level": self.level,
            "requirements": list(self.requirements),
        }
        if self.only_if:
            out["only_if"] = self.only_if
        if self.asks_note:
            out["asks_note"] = True
        if self.retired:
            out["retired"] = True
        return out


@dataclass(frozen=True)
class ReflectionPrompt:
    id: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Requirement:
    number: str
    title: str
    level: str
