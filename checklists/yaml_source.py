"""Checklist YAML as source: parsed with the line of every key and entry, problems as FILE:LINE.

The loader (checklists, reasons, reflection prompts, requirements) and the language coach
(`language.yaml`) both read YAML a service may have written by hand, so both report where in
the file something is wrong and keep going. What they share lives here, so that neither has
to reach into the other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from .untrusted import MAX_DEPTH, MAX_TEXT_BYTES, UntrustedFileError, decode_text, read_capped

# At most this many `*alias` references in one file: an alias repeats a whole part of the
# document, so a few of them nested ("billion laughs") would stand for an enormous one.
MAX_ALIASES = 200
# An id a file may use: lowercase letters, digits, "-" and "_".
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or a warning) at a line of a file."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


class LineMap(dict):
    """A YAML mapping that knows its own line and the line of each key."""

    line = 1
    key_lines: dict


class LineList(list):
    """A YAML list that knows its own line and the line of each entry."""

    line = 1
    item_lines: list


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping key and list entry, and refuses
    a document nested deeper than `MAX_DEPTH` or with more than `MAX_ALIASES` aliases, before
    building it (PyYAML builds nested documents by recursion, and a few kilobytes of brackets
    would otherwise end in RecursionError)."""

    _depth = 0
    _aliases = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_ALIASES} aliases", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    out = LineMap()
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


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class Reporter:
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


def parse_yaml(text: str, rep: Reporter) -> object | None:
    """The document, with line numbers; None (and a problem reported) if it is not YAML."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:  # a last guard: the depth limit above should stop it first
        rep.error(1, "YAML syntax error: nested too deeply to be read")
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


def line_of(mapping: object, key: str | None = None) -> int:
    """The line of `key` in a mapping, else of the mapping or list itself, else 1."""
    if isinstance(mapping, LineMap):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    if isinstance(mapping, LineList):
        return mapping.line
    return 1


def type_name(value: object) -> str:
    """What a value is, in the words a problem report uses ("a list", "empty text")."""
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


# Bidirectional overrides and isolates: they reorder what a reader sees ("Trojan Source").
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_control(char: str) -> bool:
    """A character that is not a word: a terminal escape (ESC, as YAML's "\\e" gives), a bell,
    a carriage return that overwrites the line, or a bidi override. Line ends and tabs are
    the layout YAML's own folding removes."""
    return (unicodedata.category(char) == "Cc" and char not in "\n\t") or char in _BIDI


class Fields:
    """Typed access to one mapping's fields, reporting what is missing or of the wrong type."""

    def __init__(self, data: LineMap, rep: Reporter, what: str, allowed: Iterable[str]) -> None:
        self.data = data
        self.rep = rep
        self.what = what
        for key in data:
            if key not in allowed:
                rep.error(line_of(data, key), f"{what} has an unknown field '{key}'")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.rep.error(line_of(self.data), f"{self.what} is missing '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.rep.error(
                line_of(self.data, key),
                f"'{key}' in {self.what} must be non-empty text, not {type_name(value)}",
            )
            return None
        control = next((c for c in value if _is_control(c)), None)
        if control is not None:
            self.rep.error(
                line_of(self.data, key),
                f"'{key}' in {self.what} holds a control character (U+{ord(control):04X}): "
                "checklist text must be plain words",
            )
            return None
        return " ".join(value.split()) if "\n" in value else value.strip()

    def slug(self, key: str) -> str | None:
        value = self.text(key)
        if value is not None and not SLUG.match(value):
            self.rep.error(
                line_of(self.data, key),
                f"'{key}' in {self.what} must be lowercase letters, digits, '-' or '_'"
                f" (got '{value}')",
            )
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.rep.error(
                line_of(self.data, key),
                f"'{key}' in {self.what} must be true or false, not {type_name(value)}",
            )
            return False
        return value

    def seq(self, key: str, required: bool = True) -> LineList | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.rep.error(line_of(self.data), f"{self.what} is missing '{key}'")
            return None
        if not isinstance(value, list):
            self.rep.error(
                line_of(self.data, key),
                f"'{key}' in {self.what} must be a list, not {type_name(value)}",
            )
            return None
        return value  # type: ignore[return-value]

    def numbers_one(self, key: str, known: set[str]) -> str | None:
        """One requirement number, such as "7.1" (quoted: YAML reads 5.10 as 5.1)."""
        value = self.data.get(key)
        line = line_of(self.data, key)
        if value is None:
            self.rep.error(line_of(self.data), f"{self.what} is missing '{key}'")
        elif isinstance(value, float):
            self.rep.error(line, f'the requirement in {self.what} must be in quotes, such as "8.2"')
        elif isinstance(value, bool) or not isinstance(value, (str, int)):
            self.rep.error(line, f"'{key}' in {self.what} must be a requirement number")
        elif known and str(value) not in known:
            self.rep.error(line, f"unknown requirement number '{value}' in {self.what}")
        else:
            return str(value)
        return None

    def numbers(self, key: str, known: set[str], required: bool = True) -> tuple[str, ...]:
        value = self.seq(key, required=required)
        if value is None:
            return ()
        out = []
        for index, entry in enumerate(value):
            if isinstance(value, LineList):
                line = value.item_lines[index]
            else:
                line = line_of(self.data, key)
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
            self.rep.error(line_of(self.data, key), f"'{key}' in {self.what} must not be empty")
        return tuple(out)


def entries(seq: LineList, rep: Reporter, what: str) -> Iterable[tuple[int, LineMap]]:
    """(line, mapping) for each entry of a list; an entry that is not a mapping is reported."""
    for index, entry in enumerate(seq):
        line = seq.item_lines[index] if isinstance(seq, LineList) else 1
        if not isinstance(entry, dict):
            rep.error(line, f"each {what} must be a mapping, not {type_name(entry)}")
            continue
        yield line, entry  # type: ignore[misc]


def read_text(path: Path, rep: Reporter) -> str | None:
    """The file as UTF-8 text, or None with the reason reported (through the shared reader
    of untrusted files: too large, not an ordinary file, not UTF-8, NUL bytes)."""
    try:
        raw = read_capped(path, MAX_TEXT_BYTES)
        if raw is None:
            rep.error(1, "no such file")
            return None
        return decode_text(raw, path)
    except UntrustedFileError as exc:
        rep.error(exc.line, exc.why)
    return None


def load_list(path: Path, key: str, what: str, rep: Reporter) -> Iterable[tuple[int, LineMap]]:
    """The entries of the list under `key` in a file that is one mapping (reasons, terms...)."""
    text = read_text(path, rep)
    if text is None:
        return []
    data = parse_yaml(text, rep)
    if data is None:
        if not rep.failed:
            rep.error(1, "the file is empty")
        return []
    if not isinstance(data, dict):
        rep.error(1, f"the file must be a mapping with '{key}', not {type_name(data)}")
        return []
    value = data.get(key)
    if not isinstance(value, list):
        rep.error(line_of(data, key) if key in data else 1, f"the file must have a list '{key}'")
        return []
    return list(entries(value, rep, what))


def builtin_data_dir() -> Path:
    """The folder of YAML shipped with the package."""
    return Path(str(resources.files("checklists") / "data"))
