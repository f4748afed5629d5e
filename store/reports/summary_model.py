"""The supervision summary as typed, read-only data (docs/summary-format.md, field for field).

The period builder fills it section by section; the renderers and screens read its fields,
so a misspelt field is an error where it is written rather than an empty section in a report.
`as_dict` gives the JSON object of the contract (the same names, in the same order);
`from_dict` reads one back, as forgivingly as the renderers always read it: a missing or
unreadable field is empty, never an error, because a summary file is hostile input too.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

from checklists import COUNTS

T = TypeVar("T", bound="Record")


class Record:
    """What every part of the summary can do: become the contract's JSON, and be read back."""

    def as_dict(self) -> dict:
        return _plain(self)

    @classmethod
    def from_dict(cls: type[T], data: Any) -> T:
        data = data if isinstance(data, dict) else {}
        hints = typing.get_type_hints(cls)
        values = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in data:
                values[f.name] = _read(hints[f.name], data[f.name])
        return cls(**values)


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}  # type: ignore[arg-type]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _read(kind: Any, raw: Any) -> Any:
    """`raw` (from JSON) as the field's type, or that type's empty value."""
    args = typing.get_args(kind)
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):  # X | None
        inner = next(a for a in args if a is not type(None))
        if raw is None or (isinstance(inner, type) and issubclass(inner, Record) and not raw):
            return None
        return _read(inner, raw)
    if origin is tuple:
        items = raw if isinstance(raw, list | tuple) else []
        return tuple(_read(args[0], item) for item in items)
    if origin is dict:
        pairs = raw.items() if isinstance(raw, dict) else ()
        return {str(key): _read(args[1], item) for key, item in pairs}
    if isinstance(kind, type) and issubclass(kind, Record):
        return kind.from_dict(raw)
    if kind is bool:
        return bool(raw)
    if kind is int:
        try:
            return int(raw or 0)
        except (TypeError, ValueError):
            return 0
    if kind is float:
        try:
            return float(raw)
        except (TypeError, ValueError):
            return None
    if kind is str:
        return "" if raw is None else str(raw)
    return raw


# --- period --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span(Record):
    since: str = ""
    until: str = ""


@dataclass(frozen=True)
class PeriodPart(Span):
    basis: str = ""  # last_supervision | three_months | given
    previous: Span | None = None


# --- activity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistCount(Record):
    title: str = ""
    count: int = 0


@dataclass(frozen=True)
class WeekCount(Record):
    week_start: str = ""
    count: int = 0


@dataclass(frozen=True)
class UnfinishedSession(Record):
    id: str = ""
    checklist: str = ""
    title: str = ""
    started_at: str = ""
    updated_at: str = ""
    stale: bool = False


@dataclass(frozen=True)
class Activity(Record):
    finished: int = 0
    unfinished: int = 0
    previous_finished: int = 0  # finished in the period before (fewer than 5: no comparison)
    by_checklist: dict[str, ChecklistCount] = field(default_factory=dict)
    by_setting: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    by_week: tuple[WeekCount, ...] = ()
    unfinished_sessions: tuple[UnfinishedSession, ...] = ()


# --- standards -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementFigures(Record):
    title: str = ""
    done: int = 0
    partly: int = 0
    not_done: int = 0
    not_applicable: int = 0
    unanswered: int = 0
    share_done: float | None = None
    previous_share_done: float | None = None
    change: float | None = None

    def count(self, response: str) -> int:
        """The count for a response ('done' … 'unanswered'), 0 for anything else."""
        return int(getattr(self, response) or 0) if response in COUNTS else 0


@dataclass(frozen=True)
class FromSession(Record):
    """What every entry drawn from one session starts with: which, and when it was finished."""

    session_id: str = ""
    completed_at: str | None = None


@dataclass(frozen=True)
class CriticalItem(FromSession):
    item_id: str = ""
    prompt: str = ""
    response: str = ""
    reason: str | None = None
    reasons: tuple[str, ...] = ()


# --- barriers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementRef(Record):
    number: str = ""
    title: str = ""


@dataclass(frozen=True)
class BarrierDetail(Record):
    reason: str = ""
    label: str = ""
    count: int = 0
    requirements: tuple[RequirementRef, ...] = ()


# --- learning and wellbeing ----------------------------------------------------------------


@dataclass(frozen=True)
class Entry(FromSession):
    """Something the practitioner wrote in one session's reflection."""

    text: str = ""


@dataclass(frozen=True)
class LanguageTerm(Record):
    term: str = ""
    prefer: str = ""
    count: int = 0


@dataclass(frozen=True)
class Language(Record):
    total: int = 0
    terms: tuple[LanguageTerm, ...] = ()


@dataclass(frozen=True)
class Learning(Record):
    differently: tuple[Entry, ...] = ()
    went_well: tuple[Entry, ...] = ()
    language: Language = field(default_factory=Language)


@dataclass(frozen=True)
class HeavySession(FromSession):
    why: str = ""


@dataclass(frozen=True)
class Wellbeing(Record):
    feelings: tuple[Entry, ...] = ()
    difficult: tuple[Entry, ...] = ()
    heavy_sessions: tuple[HeavySession, ...] = ()


# --- supervision ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Flagged(FromSession):
    title: str = ""
    text: str = ""


@dataclass(frozen=True)
class Comment(Record):
    id: str = ""
    session_id: str = ""
    by: str = ""
    created_at: str = ""
    text: str = ""


@dataclass(frozen=True)
class LastRecord(Record):
    id: str = ""
    date: str = ""
    by: str = ""


@dataclass(frozen=True)
class IgnoredRecord(LastRecord):
    """A supervision record the period did not start from: who it names, and why."""

    why: str = ""


@dataclass(frozen=True)
class Action(Record):
    id: str | None = None
    text: str = ""
    owner: str = ""
    due: str | None = None
    done: bool = False


@dataclass(frozen=True)
class SessionRow(Record):
    id: str = ""
    checklist: str = ""
    title: str = ""
    completed_at: str | None = None
    setting: str = ""
    stage: str = ""
    flagged: bool = False
    answered: int = 0
    shown: int = 0


# --- the whole summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class Summary(Record):
    format: str = "stepping-stones-summary"
    version: int = 1
    person: str = ""
    prepared_by: str = ""
    prepared_at: str = ""
    period: PeriodPart = field(default_factory=PeriodPart)
    activity: Activity = field(default_factory=Activity)
    requirements: dict[str, RequirementFigures] = field(default_factory=dict)
    critical_not_done: tuple[CriticalItem, ...] = ()
    barriers: dict[str, dict[str, int]] = field(default_factory=dict)
    barrier_details: dict[str, tuple[BarrierDetail, ...]] = field(default_factory=dict)
    no_reason: int = 0
    learning: Learning = field(default_factory=Learning)
    wellbeing: Wellbeing = field(default_factory=Wellbeing)
    flagged: tuple[Flagged, ...] = ()
    comments: tuple[Comment, ...] = ()
    last_record: LastRecord | None = None
    ignored_records: tuple[IgnoredRecord, ...] = ()
    actions: tuple[Action, ...] = ()
    sessions: tuple[SessionRow, ...] = ()

    def with_action_done(self, action_id: str, done: bool) -> Summary:
        """The same summary with one agreed action ticked (or not), as the screen shows it."""
        actions = tuple(
            dataclasses.replace(a, done=done) if a.id == action_id else a for a in self.actions
        )
        return dataclasses.replace(self, actions=actions)


def as_summary(summary: Summary | dict) -> Summary:
    """The typed summary, from itself or from its JSON object (a file, a test's example)."""
    return summary if isinstance(summary, Summary) else Summary.from_dict(summary)
