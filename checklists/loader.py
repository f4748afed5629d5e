"""Load and validate checklist YAML, reporting every problem as `FILE:LINE: what is wrong`.

A service installs its own checklists, so a broken file must never stop the app: the loader
collects problems instead of raising, and the caller starts with whatever was valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .model import (
    CORE_SHOWN_MAX,
    KINDS,
    MODES,
    PAUSE_POINT_ITEMS,
    REASON_LEVELS,
    RESPONSES,
    SETTINGS,
    STAGES,
    Checklist,
    Condition,
    Evidence,
    Item,
    Reason,
    ReflectionPrompt,
    Requirement,
    Section,
    SetupQuestion,
)
from .yaml_source import (
    SLUG,
    Fields,
    LineList,
    Problem,
    Reporter,
    builtin_data_dir,
    entries,
    line_of,
    load_list,
    parse_yaml,
    read_text,
    type_name,
)

if TYPE_CHECKING:
    from .language import LanguageGuide

# Files in the data folder that are not checklists.
TAXONOMY_FILES = {"reasons.yaml", "reflection.yaml", "requirements.yaml", "language.yaml"}


def _condition(
    data: object,
    line: int,
    rep: Reporter,
    where: str,
    setup_fields: dict[str, tuple],
    earlier_items: set[str],
    all_items: set[str],
) -> Condition | None:
    if not isinstance(data, dict) or not data:
        rep.error(line, f"'show_if' in {where} must be a mapping with 'setup' or 'item'")
        return None
    for key in data:
        if key not in ("setup", "item", "answer"):
            rep.error(line_of(data, key), f"'show_if' in {where} has an unknown field '{key}'")
    setup: list[tuple[str, tuple]] = []
    raw_setup = data.get("setup")
    if raw_setup is not None:
        if not isinstance(raw_setup, dict) or not raw_setup:
            rep.error(line_of(data, "setup"), f"'show_if.setup' in {where} must be a mapping")
        else:
            for name, value in raw_setup.items():
                name_line = line_of(raw_setup, name)
                if name not in setup_fields:
                    rep.error(
                        name_line,
                        f"'show_if' in {where} points at no setup field '{name}'"
                        f" (known: {', '.join(sorted(setup_fields))})",
                    )
                    continue
                values = tuple(value if isinstance(value, list) else [value])
                bad = [v for v in values if v not in setup_fields[name]]
                if bad or not values:
                    rep.error(
                        name_line,
                        f"'show_if' in {where}: '{name}' cannot be {bad[0] if bad else 'empty'!r}",
                    )
                    continue
                setup.append((name, values))
    item = data.get("item")
    answers: tuple[str, ...] = ()
    if item is not None:
        item_line = line_of(data, "item")
        if not isinstance(item, str):
            rep.error(item_line, f"'show_if.item' in {where} must be an item id")
            item = None
        elif item not in all_items:
            rep.error(item_line, f"'show_if' in {where} points at no item '{item}'")
            item = None
        elif item not in earlier_items:
            rep.error(item_line, f"'show_if' in {where} points at '{item}', which is not earlier")
            item = None
        raw = data.get("answer")
        raw_list = raw if isinstance(raw, list) else ([raw] if raw is not None else [])
        if not raw_list:
            rep.error(
                item_line,
                f"'show_if' in {where} needs 'answer': one or more of {', '.join(RESPONSES)}",
            )
        for value in raw_list:
            if value not in RESPONSES:
                rep.error(
                    line_of(data, "answer"),
                    f"'show_if.answer' in {where}: '{value}' is not one of {', '.join(RESPONSES)}",
                )
        answers = tuple(v for v in raw_list if v in RESPONSES)
    elif "answer" in data:
        rep.error(line_of(data, "answer"), f"'show_if.answer' in {where} needs 'item'")
    if raw_setup is None and "item" not in data:
        rep.error(line, f"'show_if' in {where} must have 'setup' or 'item'")
    if not setup and item is None:
        return None
    return Condition(setup=tuple(setup), item=item, answers=answers)


def _collect_item_ids(sections: object) -> set[str]:
    ids: set[str] = set()
    if isinstance(sections, list):
        for section in sections:
            if isinstance(section, dict) and isinstance(section.get("items"), list):
                for item in section["items"]:
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        ids.add(item["id"])
    return ids


CHECKLIST_FIELDS = (
    "id",
    "version",
    "title",
    "description",
    "when",
    "mode",
    "source",
    "sections",
    "setup_questions",
    "kind",
    "settings",
    "stages",
    "position",
    "setup_facts",
)
SECTION_FIELDS = ("id", "title", "items", "show_if")
ITEM_FIELDS = (
    "id",
    "prompt",
    "why",
    "requirements",
    "guidance",
    "critical",
    "show_if",
    "evidence",
    "guidance_source",
)
# An evidence passage is a short quotation, not a page of the seed.
EVIDENCE_MAX_WORDS = 40


def _choices(top: Fields, data: dict, key: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """`settings` or `stages`: known keys, each once."""
    raw = top.seq(key, required=False)
    if raw is None:
        return ()
    out: list[str] = []
    for index, value in enumerate(raw):
        line = raw.item_lines[index] if isinstance(raw, LineList) else line_of(data, key)
        if value not in known:
            top.rep.error(line, f"'{key}' cannot include {value!r} (known: {', '.join(known)})")
        elif value in out:
            top.rep.error(line, f"'{key}' lists {value!r} twice")
        else:
            out.append(value)
    if not raw:
        top.rep.error(line_of(data, key), f"'{key}' must not be empty")
    return tuple(out)


def _evidence(
    fields: Fields, raw_item: dict, requirements: tuple[str, ...], known: set[str]
) -> tuple[Evidence, ...]:
    """An item's `evidence`: requirement and passage, each requirement one of the item's."""
    rep, where = fields.rep, fields.what
    raw = fields.seq("evidence", required=False)
    if raw is None:
        return ()
    if not raw:
        rep.error(line_of(raw_item, "evidence"), f"'evidence' in {where} must not be empty")
    out: list[Evidence] = []
    for _, entry in entries(raw, rep, f"evidence entry of {where}"):
        efields = Fields(entry, rep, f"evidence in {where}", ("requirement", "passage"))
        number = efields.numbers_one("requirement", known)
        passage = efields.text("passage")
        if number and requirements and number not in requirements:
            rep.error(
                line_of(entry, "requirement"),
                f"evidence in {where} cites {number}, which is not in its 'requirements'",
            )
            continue
        if passage and len(passage.split()) > EVIDENCE_MAX_WORDS:
            rep.warn(
                line_of(entry, "passage"),
                f"evidence in {where} quotes {len(passage.split())} words;"
                f" keep a passage to about 30",
            )
        if number and passage:
            out.append(Evidence(requirement=number, passage=passage))
    return tuple(out)


def _check_limits(checklist: Checklist, line: int, rep: Reporter, builtin: bool) -> None:
    """Pause-point: 5 to 9 items in all. Core: at most 12 shown with the default setup.
    A built-in checklist outside them is refused; a service's own gets a warning."""
    report = rep.error if builtin else rep.warn
    if checklist.is_pause_point:
        low, high = PAUSE_POINT_ITEMS
        count = len(checklist.items)
        if not low <= count <= high:
            report(
                line,
                f"a pause-point checklist has {low} to {high} items; this one has {count}",
            )
    else:
        shown = len(checklist.items_for_setup(checklist.default_setup()))
        if shown > CORE_SHOWN_MAX:
            report(
                line,
                f"a core checklist shows at most {CORE_SHOWN_MAX} items with the setup's"
                f" default answers; this one shows {shown}",
            )


def parse_checklist(
    text: str, path: str, known: set[str], builtin: bool = False
) -> tuple[Checklist | None, list[Problem]]:
    """Validate one checklist's text; return it only when there is no error.

    `builtin`: a checklist shipped with the app, held to the limits and to `kind` and
    `evidence`; a service's own checklist only gets warnings about them."""
    rep = Reporter(path)
    data = parse_yaml(text, rep)
    if rep.failed:
        return None, rep.problems
    if not isinstance(data, dict):
        rep.error(line_of(data), f"a checklist must be a mapping of fields, not {type_name(data)}")
        return None, rep.problems
    top = Fields(data, rep, "the checklist", CHECKLIST_FIELDS)  # type: ignore[arg-type]
    checklist_id = top.slug("id")
    version = data.get("version")
    if version is None:
        rep.error(line_of(data), "the checklist is missing 'version'")
    elif isinstance(version, float):
        # YAML reads 1.10 as 1.1, so a decimal version must be quoted.
        rep.error(
            line_of(data, "version"),
            "a 'version' with a decimal point must be in quotes, such as \"1.2\"",
        )
        version = None
    elif (
        isinstance(version, bool) or not isinstance(version, (int, str)) or not str(version).strip()
    ):
        rep.error(
            line_of(data, "version"),
            f"'version' must be a whole number or text, not {type_name(version)}",
        )
        version = None
    title = top.text("title")
    description = top.text("description")
    when = top.text("when")
    mode = top.text("mode")
    if mode is not None and mode not in MODES:
        rep.error(line_of(data, "mode"), f"'mode' must be one of {', '.join(MODES)} (got '{mode}')")
    source = top.text("source")
    kind = top.text("kind", required=False)
    if kind is None and "kind" not in data:
        message = "the checklist has no 'kind' (core or pause-point)"
        if builtin:
            rep.error(line_of(data), message)
        else:
            rep.warn(line_of(data), message + "; it is treated as core")
    elif kind is not None and kind not in KINDS:
        rep.error(line_of(data, "kind"), f"'kind' must be one of {', '.join(KINDS)}")
        kind = None
    settings = _choices(top, data, "settings", tuple(key for key, _ in SETTINGS))
    stages = _choices(top, data, "stages", tuple(key for key, _ in STAGES))
    position = data.get("position")
    if position is not None and (
        isinstance(position, bool) or not isinstance(position, int) or position < 0
    ):
        rep.error(line_of(data, "position"), "'position' must be a whole number, 0 or more")
        position = None

    setup_fields: dict[str, tuple] = {
        "setting": tuple(key for key, _ in SETTINGS),
        "stage": tuple(key for key, _ in STAGES),
    }
    questions: list[SetupQuestion] = []
    raw_questions = top.seq("setup_questions", required=False) or []
    for _, entry in entries(raw_questions, rep, "setup question"):
        fields = Fields(entry, rep, "a setup question", ("id", "label"))
        qid, label = fields.slug("id"), fields.text("label")
        if qid in setup_fields:
            rep.error(line_of(entry, "id"), f"duplicate id '{qid}' in setup questions")
        elif qid and label:
            setup_fields[qid] = (True, False)
            questions.append(SetupQuestion(id=qid, label=label))

    facts: list[tuple[str, bool]] = []
    raw_facts = data.get("setup_facts")
    if raw_facts is not None and not isinstance(raw_facts, dict):
        rep.error(line_of(data, "setup_facts"), "'setup_facts' must be a mapping of id: true/false")
    for key, value in (raw_facts or {}).items() if isinstance(raw_facts, dict) else ():
        line = line_of(raw_facts, key)
        if not isinstance(key, str) or not SLUG.match(key) or key in ("setting", "stage"):
            rep.error(line, f"'{key}' in setup_facts must be the id of a yes/no setup answer")
        elif key in setup_fields:
            rep.error(line, f"'{key}' is asked in this checklist's setup: it cannot also be a fact")
        elif not isinstance(value, bool):
            rep.error(line, f"'{key}' in setup_facts must be true or false")
        else:
            facts.append((key, value))

    all_items = _collect_item_ids(data.get("sections"))
    seen_items: dict[str, int] = {}
    seen_sections: dict[str, int] = {}
    sections: list[Section] = []
    raw_sections = top.seq("sections")
    if raw_sections is not None and not raw_sections:
        rep.error(line_of(data, "sections"), "'sections' must not be empty")
    for _section_line, raw_section in entries(raw_sections or LineList(), rep, "section"):
        sfields = Fields(raw_section, rep, "a section", SECTION_FIELDS)
        section_id = sfields.slug("id")
        where_section = f"section '{section_id}'" if section_id else "a section"
        if section_id in seen_sections:
            rep.error(
                line_of(raw_section, "id"),
                f"duplicate section id '{section_id}' (first on line {seen_sections[section_id]})",
            )
        elif section_id:
            seen_sections[section_id] = line_of(raw_section, "id")
        section_title = sfields.text("title")
        section_if = None
        if "show_if" in raw_section:
            section_if = _condition(
                raw_section["show_if"],
                line_of(raw_section, "show_if"),
                rep,
                where_section,
                setup_fields,
                set(seen_items),
                all_items,
            )
        items: list[Item] = []
        raw_items = sfields.seq("items")
        if raw_items is not None and not raw_items:
            rep.error(line_of(raw_section, "items"), f"{where_section} has no items")
        for _item_line, raw_item in entries(raw_items or LineList(), rep, "item"):
            ifields = Fields(raw_item, rep, "an item", ITEM_FIELDS)
            item_id = ifields.slug("id")
            where = f"item '{item_id}'" if item_id else "an item"
            ifields.what = where
            if item_id in seen_items:
                rep.error(
                    line_of(raw_item, "id"),
                    f"duplicate item id '{item_id}' (first on line {seen_items[item_id]})",
                )
                item_id = None
            prompt = ifields.text("prompt")
            why = ifields.text("why")
            requirements = ifields.numbers("requirements", known)
            guidance = ifields.text("guidance", required=False)
            critical = ifields.flag("critical")
            evidence = _evidence(ifields, raw_item, requirements, known)
            if builtin and not evidence and "evidence" not in raw_item:
                rep.error(
                    line_of(raw_item),
                    f"{where} has no 'evidence' (the requirement and the passage it comes from)",
                )
            guidance_source = ifields.text("guidance_source", required=False)
            show_if = None
            if "show_if" in raw_item:
                show_if = _condition(
                    raw_item["show_if"],
                    line_of(raw_item, "show_if"),
                    rep,
                    where,
                    setup_fields,
                    set(seen_items),
                    all_items,
                )
            if item_id:
                seen_items[item_id] = line_of(raw_item, "id")
            if item_id and prompt and why and requirements and section_id:
                items.append(
                    Item(
                        id=item_id,
                        prompt=prompt,
                        why=why,
                        requirements=requirements,
                        section_id=section_id,
                        guidance=guidance,
                        critical=critical,
                        show_if=show_if,
                        evidence=evidence,
                        guidance_source=guidance_source,
                    )
                )
        if section_id and section_title:
            sections.append(
                Section(id=section_id, title=section_title, items=tuple(items), show_if=section_if)
            )
    if rep.failed:
        return None, rep.problems
    checklist = Checklist(
        id=checklist_id or "",
        version=str(version),
        title=title or "",
        description=description or "",
        when=when or "",
        mode=mode or "",
        source=source or "",
        sections=tuple(sections),
        setup_questions=tuple(questions),
        origin=path,
        kind=kind or "",
        settings=settings,
        stages=stages,
        position=position,
        setup_facts=tuple(sorted(facts)),
    )
    _check_limits(checklist, line_of(data, "sections"), rep, builtin)
    if rep.failed:
        return None, rep.problems
    return checklist, rep.problems


def parse_requirements(path: Path) -> tuple[list[Requirement], list[Problem]]:
    rep = Reporter(str(path))
    out: list[Requirement] = []
    for _, entry in load_list(path, "requirements", "requirement", rep):
        fields = Fields(entry, rep, "a requirement", ("number", "title", "level"))
        number = entry.get("number")
        title = fields.text("title")
        level = fields.text("level")
        if not isinstance(number, str) or not re.match(r"^\d+(\.\d+)?$", number):
            rep.error(line_of(entry, "number"), "'number' must be text such as \"7.1\"")
            continue
        if level not in ("system", "service", "staff"):
            rep.error(line_of(entry, "level"), "'level' must be system, service or staff")
            continue
        if title:
            out.append(Requirement(number=number, title=title, level=level))
    return out, rep.problems


def parse_reasons(
    path: Path, known: set[str], setup_ids: set[str] | None = None
) -> tuple[list[Reason], list[Problem]]:
    """The reasons in `path`. With `setup_ids` (the setup questions of the checklists
    loaded), an `only_if` naming none of them is an error: that reason would never be shown."""
    rep = Reporter(str(path))
    out: list[Reason] = []
    seen: dict[str, int] = {}
    for _, entry in load_list(path, "reasons", "reason", rep):
        fields = Fields(
            entry,
            rep,
            "a reason",
            ("id", "label", "level", "requirements", "only_if", "asks_note", "retired"),
        )
        reason_id = fields.slug("id")
        fields.what = f"reason '{reason_id}'" if reason_id else "a reason"
        label = fields.text("label")
        level = fields.text("level")
        if level is not None and level not in REASON_LEVELS:
            rep.error(line_of(entry, "level"), f"'level' must be one of {', '.join(REASON_LEVELS)}")
            level = None
        requirements = fields.numbers("requirements", known, required=False)
        # `only_if: baby_removed`: offered only when that setup question was answered yes.
        only_if = fields.slug("only_if") if "only_if" in entry else None
        if only_if and setup_ids is not None and only_if not in setup_ids:
            rep.error(
                line_of(entry, "only_if"),
                f"'only_if' in {fields.what} is not a setup question of any checklist"
                f" ('{only_if}'; known: {', '.join(sorted(setup_ids)) or 'none'})",
            )
        asks_note = fields.flag("asks_note")
        # `retired: true`: no longer offered, still labelled and counted in old sessions.
        retired = fields.flag("retired")
        if reason_id in seen:
            rep.error(
                line_of(entry, "id"),
                f"duplicate reason id '{reason_id}' (first on line {seen[reason_id]})",
            )
            continue
        if reason_id:
            seen[reason_id] = line_of(entry, "id")
        if reason_id and label and level:
            out.append(
                Reason(
                    id=reason_id,
                    label=label,
                    level=level,
                    requirements=requirements,
                    only_if=only_if,
                    asks_note=asks_note,
                    retired=retired,
                )
            )
    return out, rep.problems


def parse_reflection(path: Path) -> tuple[list[ReflectionPrompt], str, list[Problem]]:
    rep = Reporter(str(path))
    out: list[ReflectionPrompt] = []
    for _, entry in load_list(path, "prompts", "reflection prompt", rep):
        fields = Fields(entry, rep, "a reflection prompt", ("id", "label", "hint"))
        prompt_id, label = fields.slug("id"), fields.text("label")
        hint = fields.text("hint", required=False) or ""
        if prompt_id and label:
            out.append(ReflectionPrompt(id=prompt_id, label=label, hint=hint))
    flag_label = "Take this contact to supervision"
    text = read_text(path, Reporter(str(path)))
    if text:
        data = parse_yaml(text, Reporter(str(path)))  # its problems: reported by load_list
        if isinstance(data, dict) and isinstance(data.get("flag_label"), str):
            flag_label = data["flag_label"]
    return out, flag_label, rep.problems


@dataclass
class Library:
    """Everything the app needs from the checklists package, loaded once at start-up."""

    checklists: dict[str, Checklist] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)
    reflection: list[ReflectionPrompt] = field(default_factory=list)
    flag_label: str = "Take this contact to supervision"
    requirements: dict[str, Requirement] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    language: LanguageGuide = field(default_factory=lambda: _default_language())

    def requirement_title(self, number: str) -> str:
        """A requirement in plain words ("Kindness and listening"); its number if unknown."""
        requirement = self.requirements.get(number)
        return requirement.title if requirement and requirement.title else number

    def in_picker_order(self) -> list[Checklist]:
        """The checklists by moment of care: by `position` (core first, then the moments in
        the order of a pregnancy), those without one last, then by title."""
        return sorted(
            self.checklists.values(),
            key=lambda c: (c.position is None, c.position or 0, c.title.casefold(), c.id),
        )

    def reason(self, reason_id: str | None) -> Reason | None:
        for reason in self.reasons:
            if reason.id == reason_id:
                return reason
        return None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


def _default_language() -> LanguageGuide:
    from .language import default_guide  # on first use, so importing the loader stays cheap

    return default_guide()


def checklist_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if p.suffix in (".yaml", ".yml") and p.name not in TAXONOMY_FILES and p.is_file()
    )


def load_library(extra_dirs: Iterable[Path] = ()) -> Library:
    """Load the built-in content, then any service checklists from `extra_dirs`.

    A service checklist with the same id as a built-in one replaces it; two service files
    with one id are an error in the second. A service's `language.yaml` adds to the built-in
    list of words to avoid.
    """
    from .language import load_language

    extra_dirs = [Path(d) for d in extra_dirs]
    lib = Library()
    data = builtin_data_dir()
    requirements, problems = parse_requirements(data / "requirements.yaml")
    lib.problems += problems
    lib.requirements = {r.number: r for r in requirements}
    known = set(lib.requirements)
    lib.reflection, lib.flag_label, problems = parse_reflection(data / "reflection.yaml")
    lib.problems += problems

    builtin_ids: set[str] = set()
    # Every setup question read (a built-in checklist a service replaces included), for the
    # reasons' `only_if`.
    questions: set[str] = set()
    for directory, builtin in [(data, True), *((d, False) for d in extra_dirs)]:
        for path in checklist_files(directory):
            checklist, problems = load_checklist_file(path, known, builtin=builtin)
            lib.problems += problems
            if checklist is None:
                lib.skipped.append(str(path))
                continue
            questions |= {q.id for q in checklist.setup_questions}
            questions |= {key for key, _ in checklist.setup_facts}
            if checklist.id in lib.checklists and not (checklist.id in builtin_ids and not builtin):
                first = lib.checklists[checklist.id].origin
                lib.problems.append(
                    Problem(
                        str(path), 1, f"duplicate checklist id '{checklist.id}' (also in {first})"
                    )
                )
                lib.skipped.append(str(path))
                continue
            if builtin:
                builtin_ids.add(checklist.id)
            else:
                builtin_ids.discard(checklist.id)
            lib.checklists[checklist.id] = checklist
    # After the checklists: a reason's `only_if` must name one of their setup questions.
    lib.reasons, problems = parse_reasons(data / "reasons.yaml", known, questions)
    lib.problems += problems
    lib.language, problems = load_language(extra_dirs)
    lib.problems += problems
    return lib


def setup_ids(lib: Library) -> set[str]:
    """The ids of every setup question of the loaded checklists."""
    return {q.id for c in lib.checklists.values() for q in c.setup_questions} | {
        key for c in lib.checklists.values() for key, _ in c.setup_facts
    }


def load_checklist_file(
    path: Path, known: set[str], builtin: bool = False
) -> tuple[Checklist | None, list[Problem]]:
    rep = Reporter(str(path))
    text = read_text(path, rep)
    if text is None:
        return None, rep.problems
    return parse_checklist(text, str(path), known, builtin=builtin)


def validate_paths(paths: Iterable[Path]) -> list[Problem]:
    """What `checklists validate` reports: every problem in the given files or folders."""
    lib = load_library()
    known = set(lib.requirements)
    problems: list[Problem] = []
    for path in paths:
        files = checklist_files(path) if path.is_dir() else [path]
        if path.is_dir() and (path / "language.yaml").is_file():
            files.append(path / "language.yaml")
        if path.is_dir() and not files:
            problems.append(Problem(str(path), 1, "no checklist files (.yaml) in this folder"))
        for file in files:
            if not file.exists():
                problems.append(Problem(str(file), 1, "no such file"))
                continue
            if file.name == "reasons.yaml":
                problems += parse_reasons(file, known, setup_ids(lib))[1]
            elif file.name == "requirements.yaml":
                problems += parse_requirements(file)[1]
            elif file.name == "reflection.yaml":
                problems += parse_reflection(file)[2]
            elif file.name == "language.yaml":
                from .language import parse_language

                problems += parse_language(file)[1]
            else:
                builtin = file.resolve().parent == builtin_data_dir().resolve()
                problems += load_checklist_file(file, known, builtin=builtin)[1]
    return problems
