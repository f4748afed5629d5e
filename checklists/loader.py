"""Load and validate checklist YAML, reporting every problem as `FILE:LINE: what is wrong`.

A service installs its own checklists, so a broken file must never stop the app: the loader
collects problems instead of raising, and the caller starts with whatever was valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .model import (
    MODES,
    REASON_LEVELS,
    RESPONSES,
    SETTINGS,
    STAGES,
    Checklist,
    Condition,
    Item,
    Reason,
    ReflectionPrompt,
    Requirement,
    Section,
    SetupQuestion,
)

if TYPE_CHECKING:
    from .language import LanguageGuide

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Files in the data folder that are not checklists.
TAXONOMY_FILES = {"reasons.yaml", "reflection.yaml", "requirements.yaml", "language.yaml"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


class _Map(dict):
    line = 1
    key_lines: dict


class _Seq(list):
    line = 1
    item_lines: list


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping key and list entry."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' appears twice", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class _Reporter:
    """Collects problems for one file, so validation can keep going after the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, warning=True))

    @property
    def failed(self) -> bool:
        return any(not p.warning for p in self.problems)


def _parse(text: str, rep: _Reporter) -> object | None:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "not valid YAML"
        if exc.context and exc.problem and exc.problem.startswith("but "):
            what = f"{exc.context}, {exc.problem}"
        rep.error(line, f"YAML syntax error: {what}")
    except yaml.YAMLError as exc:
        rep.error(1, f"YAML syntax error: {exc}")
    return None


def _line(mapping: object, key: str | None = None) -> int:
    if isinstance(mapping, _Map):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    if isinstance(mapping, _Seq):
        return mapping.line
    return 1


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class _Fields:
    """Typed access to one mapping's fields, reporting what is missing or of the wrong type."""

    def __init__(self, data: _Map, rep: _Reporter, what: str, allowed: Iterable[str]) -> None:
        self.data = data
        self.rep = rep
        self.what = what
        for key in data:
            if key not in allowed:
                rep.error(_line(data, key), f"{what} has an unknown field '{key}'")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.rep.error(_line(self.data), f"{self.what} is missing '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.rep.error(
                _line(self.data, key),
                f"'{key}' in {self.what} must be non-empty text, not {_type_name(value)}",
            )
            return None
        return " ".join(value.split()) if "\n" in value else value.strip()

    def slug(self, key: str) -> str | None:
        value = self.text(key)
        if value is not None and not SLUG.match(value):
            self.rep.error(
                _line(self.data, key),
                f"'{key}' in {self.what} must be lowercase letters, digits, '-' or '_'"
                f" (got '{value}')",
            )
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.rep.error(
                _line(self.data, key),
                f"'{key}' in {self.what} must be true or false, not {_type_name(value)}",
            )
            return False
        return value

    def seq(self, key: str, required: bool = True) -> _Seq | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.rep.error(_line(self.data), f"{self.what} is missing '{key}'")
            return None
        if not isinstance(value, list):
            self.rep.error(
                _line(self.data, key),
                f"'{key}' in {self.what} must be a list, not {_type_name(value)}",
            )
            return None
        return value  # type: ignore[return-value]

    def numbers(self, key: str, known: set[str], required: bool = True) -> tuple[str, ...]:
        value = self.seq(key, required=required)
        if value is None:
            return ()
        out = []
        for index, entry in enumerate(value):
            line = value.item_lines[index] if isinstance(value, _Seq) else _line(self.data, key)
            number = str(entry) if isinstance(entry, (str, int)) else None
            if isinstance(entry, float):
                # YAML reads 5.10 as the number 5.1, so a decimal must be quoted.
                self.rep.error(
                    line,
                    f'requirement numbers in {self.what} must be in quotes, such as "8.2"'
                    " (YAML reads 5.10 as 5.1)",
                )
            elif number is None or isinstance(entry, bool):
                self.rep.error(line, f"'{key}' in {self.what} must list requirement numbers")
            elif known and number not in known:
                self.rep.error(line, f"unknown requirement number '{number}' in {self.what}")
            else:
                out.append(number)
        if required and not value:
            self.rep.error(_line(self.data, key), f"'{key}' in {self.what} must not be empty")
        return tuple(out)


def _entries(seq: _Seq, rep: _Reporter, what: str) -> Iterable[tuple[int, _Map]]:
    for index, entry in enumerate(seq):
        line = seq.item_lines[index] if isinstance(seq, _Seq) else 1
        if not isinstance(entry, dict):
            rep.error(line, f"each {what} must be a mapping, not {_type_name(entry)}")
            continue
        yield line, entry  # type: ignore[misc]


def _condition(
    data: object,
    line: int,
    rep: _Reporter,
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
            rep.error(_line(data, key), f"'show_if' in {where} has an unknown field '{key}'")
    setup: list[tuple[str, tuple]] = []
    raw_setup = data.get("setup")
    if raw_setup is not None:
        if not isinstance(raw_setup, dict) or not raw_setup:
            rep.error(_line(data, "setup"), f"'show_if.setup' in {where} must be a mapping")
        else:
            for name, value in raw_setup.items():
                name_line = _line(raw_setup, name)
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
        item_line = _line(data, "item")
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
                    _line(data, "answer"),
                    f"'show_if.answer' in {where}: '{value}' is not one of {', '.join(RESPONSES)}",
                )
        answers = tuple(v for v in raw_list if v in RESPONSES)
    elif "answer" in data:
        rep.error(_line(data, "answer"), f"'show_if.answer' in {where} needs 'item'")
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
)
SECTION_FIELDS = ("id", "title", "items", "show_if")
ITEM_FIELDS = ("id", "prompt", "why", "requirements", "guidance", "critical", "show_if")


def parse_checklist(
    text: str, path: str, known: set[str]
) -> tuple[Checklist | None, list[Problem]]:
    """Validate one checklist's text; return it only when there is no error."""
    rep = _Reporter(path)
    data = _parse(text, rep)
    if rep.failed:
        return None, rep.problems
    if not isinstance(data, dict):
        rep.error(_line(data), f"a checklist must be a mapping of fields, not {_type_name(data)}")
        return None, rep.problems
    top = _Fields(data, rep, "the checklist", CHECKLIST_FIELDS)  # type: ignore[arg-type]
    checklist_id = top.slug("id")
    version = data.get("version")
    if version is None:
        rep.error(_line(data), "the checklist is missing 'version'")
    elif isinstance(version, float):
        # YAML reads 1.10 as 1.1, so a decimal version must be quoted.
        rep.error(
            _line(data, "version"),
            "a 'version' with a decimal point must be in quotes, such as \"1.2\"",
        )
        version = None
    elif (
        isinstance(version, bool) or not isinstance(version, (int, str)) or not str(version).strip()
    ):
        rep.error(
            _line(data, "version"),
            f"'version' must be a whole number or text, not {_type_name(version)}",
        )
        version = None
    title = top.text("title")
    description = top.text("description")
    when = top.text("when")
    mode = top.text("mode")
    if mode is not None and mode not in MODES:
        rep.error(_line(data, "mode"), f"'mode' must be one of {', '.join(MODES)} (got '{mode}')")
    source = top.text("source")

    setup_fields: dict[str, tuple] = {
        "setting": tuple(key for key, _ in SETTINGS),
        "stage": tuple(key for key, _ in STAGES),
    }
    questions: list[SetupQuestion] = []
    raw_questions = top.seq("setup_questions", required=False) or []
    for _, entry in _entries(raw_questions, rep, "setup question"):
        fields = _Fields(entry, rep, "a setup question", ("id", "label"))
        qid, label = fields.slug("id"), fields.text("label")
        if qid in setup_fields:
            rep.error(_line(entry, "id"), f"duplicate id '{qid}' in setup questions")
        elif qid and label:
            setup_fields[qid] = (True, False)
            questions.append(SetupQuestion(id=qid, label=label))

    all_items = _collect_item_ids(data.get("sections"))
    seen_items: dict[str, int] = {}
    seen_sections: dict[str, int] = {}
    sections: list[Section] = []
    raw_sections = top.seq("sections")
    if raw_sections is not None and not raw_sections:
        rep.error(_line(data, "sections"), "'sections' must not be empty")
    for _section_line, raw_section in _entries(raw_sections or _Seq(), rep, "section"):
        sfields = _Fields(raw_section, rep, "a section", SECTION_FIELDS)
        section_id = sfields.slug("id")
        where_section = f"section '{section_id}'" if section_id else "a section"
        if section_id in seen_sections:
            rep.error(
                _line(raw_section, "id"),
                f"duplicate section id '{section_id}' (first on line {seen_sections[section_id]})",
            )
        elif section_id:
            seen_sections[section_id] = _line(raw_section, "id")
        section_title = sfields.text("title")
        section_if = None
        if "show_if" in raw_section:
            section_if = _condition(
                raw_section["show_if"],
                _line(raw_section, "show_if"),
                rep,
                where_section,
                setup_fields,
                set(seen_items),
                all_items,
            )
        items: list[Item] = []
        raw_items = sfields.seq("items")
        if raw_items is not None and not raw_items:
            rep.error(_line(raw_section, "items"), f"{where_section} has no items")
        elif raw_items is not None and not 5 <= len(raw_items) <= 9:
            rep.warn(
                _line(raw_section, "items"),
                f"{where_section} has {len(raw_items)} items; 5 to 9 keep a checklist usable",
            )
        for _item_line, raw_item in _entries(raw_items or _Seq(), rep, "item"):
            ifields = _Fields(raw_item, rep, "an item", ITEM_FIELDS)
            item_id = ifields.slug("id")
            where = f"item '{item_id}'" if item_id else "an item"
            ifields.what = where
            if item_id in seen_items:
                rep.error(
                    _line(raw_item, "id"),
                    f"duplicate item id '{item_id}' (first on line {seen_items[item_id]})",
                )
                item_id = None
            prompt = ifields.text("prompt")
            why = ifields.text("why")
            requirements = ifields.numbers("requirements", known)
            guidance = ifields.text("guidance", required=False)
            critical = ifields.flag("critical")
            show_if = None
            if "show_if" in raw_item:
                show_if = _condition(
                    raw_item["show_if"],
                    _line(raw_item, "show_if"),
                    rep,
                    where,
                    setup_fields,
                    set(seen_items),
                    all_items,
                )
            if item_id:
                seen_items[item_id] = _line(raw_item, "id")
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
    )
    return checklist, rep.problems


def _read(path: Path, rep: _Reporter) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        rep.error(1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        rep.error(1, f"cannot be read: {exc.strerror or exc}")
    return None


def _load_list(path: Path, key: str, what: str, rep: _Reporter) -> Iterable[tuple[int, _Map]]:
    text = _read(path, rep)
    if text is None:
        return []
    data = _parse(text, rep)
    if data is None:
        if not rep.failed:
            rep.error(1, "the file is empty")
        return []
    if not isinstance(data, dict):
        rep.error(1, f"the file must be a mapping with '{key}', not {_type_name(data)}")
        return []
    value = data.get(key)
    if not isinstance(value, list):
        rep.error(_line(data, key) if key in data else 1, f"the file must have a list '{key}'")
        return []
    return list(_entries(value, rep, what))


def parse_requirements(path: Path) -> tuple[list[Requirement], list[Problem]]:
    rep = _Reporter(str(path))
    out: list[Requirement] = []
    for _, entry in _load_list(path, "requirements", "requirement", rep):
        fields = _Fields(entry, rep, "a requirement", ("number", "title", "level"))
        number = entry.get("number")
        title = fields.text("title")
        level = fields.text("level")
        if not isinstance(number, str) or not re.match(r"^\d+(\.\d+)?$", number):
            rep.error(_line(entry, "number"), "'number' must be text such as \"7.1\"")
            continue
        if level not in ("system", "service", "staff"):
            rep.error(_line(entry, "level"), "'level' must be system, service or staff")
            continue
        if title:
            out.append(Requirement(number=number, title=title, level=level))
    return out, rep.problems


def parse_reasons(path: Path, known: set[str]) -> tuple[list[Reason], list[Problem]]:
    rep = _Reporter(str(path))
    out: list[Reason] = []
    seen: dict[str, int] = {}
    for _, entry in _load_list(path, "reasons", "reason", rep):
        fields = _Fields(entry, rep, "a reason", ("id", "label", "level", "requirements"))
        reason_id = fields.slug("id")
        fields.what = f"reason '{reason_id}'" if reason_id else "a reason"
        label = fields.text("label")
        level = fields.text("level")
        if level is not None and level not in REASON_LEVELS:
            rep.error(_line(entry, "level"), f"'level' must be one of {', '.join(REASON_LEVELS)}")
            level = None
        requirements = fields.numbers("requirements", known, required=False)
        if reason_id in seen:
            rep.error(
                _line(entry, "id"),
                f"duplicate reason id '{reason_id}' (first on line {seen[reason_id]})",
            )
            continue
        if reason_id:
            seen[reason_id] = _line(entry, "id")
        if reason_id and label and level:
            out.append(Reason(id=reason_id, label=label, level=level, requirements=requirements))
    return out, rep.problems


def parse_reflection(path: Path) -> tuple[list[ReflectionPrompt], str, list[Problem]]:
    rep = _Reporter(str(path))
    out: list[ReflectionPrompt] = []
    for _, entry in _load_list(path, "prompts", "reflection prompt", rep):
        fields = _Fields(entry, rep, "a reflection prompt", ("id", "label", "hint"))
        prompt_id, label = fields.slug("id"), fields.text("label")
        hint = fields.text("hint", required=False) or ""
        if prompt_id and label:
            out.append(ReflectionPrompt(id=prompt_id, label=label, hint=hint))
    flag_label = "Take this contact to supervision"
    text = _read(path, _Reporter(str(path)))
    if text:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:  # already reported by _load_list
            data = None
        if isinstance(data, dict) and isinstance(data.get("flag_label"), str):
            flag_label = data["flag_label"]
    return out, flag_label, rep.problems


def builtin_data_dir() -> Path:
    return Path(str(resources.files("checklists") / "data"))


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

    def reason(self, reason_id: str | None) -> Reason | None:
        for reason in self.reasons:
            if reason.id == reason_id:
                return reason
        return None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


def _default_language() -> LanguageGuide:
    from .language import default_guide  # language.py imports this module

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
    lib.reasons, problems = parse_reasons(data / "reasons.yaml", known)
    lib.problems += problems
    lib.reflection, lib.flag_label, problems = parse_reflection(data / "reflection.yaml")
    lib.problems += problems

    builtin_ids: set[str] = set()
    for directory, builtin in [(data, True), *((d, False) for d in extra_dirs)]:
        for path in checklist_files(directory):
            checklist, problems = load_checklist_file(path, known)
            lib.problems += problems
            if checklist is None:
                lib.skipped.append(str(path))
                continue
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
    lib.language, problems = load_language(extra_dirs)
    lib.problems += problems
    return lib


def load_checklist_file(path: Path, known: set[str]) -> tuple[Checklist | None, list[Problem]]:
    rep = _Reporter(str(path))
    text = _read(path, rep)
    if text is None:
        return None, rep.problems
    return parse_checklist(text, str(path), known)


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
                problems += parse_reasons(file, known)[1]
            elif file.name == "requirements.yaml":
                problems += parse_requirements(file)[1]
            elif file.name == "reflection.yaml":
                problems += parse_reflection(file)[2]
            elif file.name == "language.yaml":
                from .language import parse_language

                problems += parse_language(file)[1]
            else:
                problems += load_checklist_file(file, known)[1]
    return problems
