"""The service report: team-level figures counted from sealed structured parts (issue 16).

Pure counting, no I/O: the parts (already opened and checked by `services/service_parts`),
the reasons and the requirement and item titles go in; the report's JSON object
(docs/service-report-format.md, field for field) comes out.

Disclosure control: every figure is counted together with the set of practitioners it is
drawn from, and shown only when it is 0, or at least 5 and drawn from at least 3
practitioners; otherwise it is `None` (`null` in JSON, "fewer than 5" in the other formats),
and every rate, share and change built on it is `None` too. A part is hostile input even
inside a seal: a field of the wrong shape is passed over, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from checklists import NEEDS_REASON, RESPONSES, SETTINGS, STAFF_REQUIREMENTS, STAGES
from checklists import requirement_key as _requirement_key

FORMAT = "stepping-stones-service-report"
VERSION = 1
# The smallest figure shown, and the fewest practitioners it must come from.
MIN_COUNT = 5
MIN_PRACTITIONERS = 3
# "What is working": requirements done in at least this share of their answered items, or
# improved by at least this much on the previous period.
MOSTLY_DONE = 0.75
IMPROVED = 0.10
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
SUPERVISION_MONTHS = 3
SUPERVISION_REQUIREMENT = "4.4"
TRAINING_REQUIREMENT = "4.2"
REMOVAL_REQUIREMENT = "5.10"
REFERRAL_REQUIREMENT = "5"


@dataclass
class Cell:
    """One figure while counting: how many, and the practitioners it comes from."""

    count: int = 0
    authors: set[str] = field(default_factory=set)

    def add(self, author: str, n: int = 1) -> None:
        self.count += n
        self.authors.add(author)

    @property
    def shown(self) -> int | None:
        """The count, or None when it is too small to show (disclosure control)."""
        if self.count == 0:
            return 0
        if self.count >= MIN_COUNT and len(self.authors) >= MIN_PRACTITIONERS:
            return self.count
        return None


@dataclass(frozen=True)
class ReasonInfo:
    """What the report needs of a service-level reason (from checklists/data/reasons.yaml)."""

    id: str
    label: str
    requirements: tuple[str, ...] = ()
    retired: bool = False


def service_reasons(reasons: Iterable[Any]) -> dict[str, ReasonInfo]:
    """The service-level reasons of a library's list, read generically: any reason with
    `level: service`, retired ones included (`retired` is read when a reason has it)."""
    out: dict[str, ReasonInfo] = {}
    for reason in reasons:
        if getattr(reason, "level", None) != "service":
            continue
        out[reason.id] = ReasonInfo(
            id=reason.id,
            label=reason.label,
            requirements=tuple(getattr(reason, "requirements", ()) or ()),
            retired=bool(getattr(reason, "retired", False)),
        )
    return out


# --- months --------------------------------------------------------------------------------


def month_index(month: str) -> int | None:
    match = MONTH.match(month) if isinstance(month, str) else None
    if not match:
        return None
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def previous_period(since: str, until: str) -> tuple[str, str]:
    """The period of the same number of whole months just before since..until."""
    start, end = month_index(since), month_index(until)
    if start is None or end is None or start > end:
        raise ValueError(f"not a period of months: {since}..{until}")
    length = end - start + 1
    return month_name(start - length), month_name(start - 1)


# --- counting ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass
class _Period:
    """Everything counted over one period's contact parts."""

    reasons: Mapping[str, ReasonInfo]
    contacts: Cell = field(default_factory=Cell)
    barriers: dict[str, Cell] = field(default_factory=dict)
    requirements: dict[str, dict[str, Cell]] = field(default_factory=dict)
    blocked: dict[str, dict[str, Cell]] = field(default_factory=dict)
    critical: dict[tuple[str, str], dict[str, Cell]] = field(default_factory=dict)
    critical_total: dict[tuple[str, str], Cell] = field(default_factory=dict)
    by_setting: dict[tuple[str, str], tuple[Cell, Cell]] = field(default_factory=dict)
    training: dict[tuple[str, str], Cell] = field(default_factory=dict)
    referral: dict[tuple[str, str], Cell] = field(default_factory=dict)
    removal_contacts: Cell = field(default_factory=Cell)
    removal_gaps: dict[str, Cell] = field(default_factory=dict)
    flagged: Cell = field(default_factory=Cell)
    needs_reason: Cell = field(default_factory=Cell)
    no_reason: Cell = field(default_factory=Cell)

    def count(self, part: Mapping[str, Any]) -> None:
        author = _text(part.get("author"))
        if not author:
            return
        self.contacts.add(author)
        setup = part.get("setup") if isinstance(part.get("setup"), dict) else {}
        if part.get("flagged") is True:
            self.flagged.add(author)
        if setup.get("baby_removed") is True:
            self.removal_contacts.add(author)
        key = (_text(setup.get("setting")), _text(setup.get("stage")))
        place = self.by_setting.setdefault(key, (Cell(), Cell()))
        place[0].add(author)
        hit: set[str] = set()
        checklist = _text(part.get("checklist"))
        answers = part.get("answers")
        for answer in answers if isinstance(answers, list) else ():
            if isinstance(answer, dict):
                hit |= self._answer(author, checklist, answer)
        for reason in hit:
            self.barriers.setdefault(reason, Cell()).add(author)
        if hit:
            place[1].add(author)

    def _answer(self, author: str, checklist: str, answer: Mapping[str, Any]) -> set[str]:
        response = answer.get("response")
        if response not in RESPONSES:
            return set()
        item = (checklist, _text(answer.get("item")))
        requirements = _strings(answer.get("requirements"))
        for q in requirements:
            self.requirements.setdefault(q, {r: Cell() for r in RESPONSES})[response].add(author)
        if response not in NEEDS_REASON:
            return set()
        given = _strings(answer.get("reasons"))
        self.needs_reason.add(author)
        if not given:
            self.no_reason.add(author)
        service = [r for r in dict.fromkeys(given) if r in self.reasons]
        if service and answer.get("critical") is True:
            self.critical_total.setdefault(item, Cell()).add(author)
        for r in service:
            info = self.reasons[r]
            for q in requirements:
                self.blocked.setdefault(q, {}).setdefault(r, Cell()).add(author)
            if answer.get("critical") is True:
                self.critical.setdefault(item, {}).setdefault(r, Cell()).add(author)
            if TRAINING_REQUIREMENT in info.requirements:
                self.training.setdefault(item, Cell()).add(author)
            if REFERRAL_REQUIREMENT in info.requirements:
                self.referral.setdefault(item, Cell()).add(author)
            if REMOVAL_REQUIREMENT in info.requirements:
                self.removal_gaps.setdefault(r, Cell()).add(author)
        return set(service)


def _rate(part: int | None, whole: int | None, scale: float = 100.0) -> float | None:
    if part is None or whole is None or whole == 0:
        return None
    return round(scale * part / whole, 1 if scale == 100.0 else 3)


def _change(now: float | None, before: float | None, digits: int = 1) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, digits)


def _share_done(cells: Mapping[str, Cell] | None) -> float | None:
    """Done out of the answers that could be done (Not applicable left out); None when any
    figure it is built on is hidden, or nothing was answered."""
    if not cells:
        return None
    parts = [cells[r].shown for r in ("done", "partly", "not_done")]
    if any(p is None for p in parts):
        return None
    total = sum(parts)  # type: ignore[arg-type]
    return round(parts[0] / total, 3) if total else None  # type: ignore[operator]


def _cell(cell: Cell | None) -> int:
    return 0 if cell is None else cell.shown  # type: ignore[return-value]


def _shown(cell: Cell | None) -> int | None:
    return 0 if cell is None else cell.shown


def _title(titles: Mapping[Any, str], checklist: str, item: str) -> str:
    return titles.get((checklist, item)) or titles.get(item) or item


def _items(
    cells: Mapping[tuple[str, str], Cell], titles: Mapping[Any, str]
) -> list[dict[str, Any]]:
    rows = [
        {"checklist": c, "item": i, "title": _title(titles, c, i), "count": cell.shown}
        for (c, i), cell in cells.items()
    ]
    return sorted(rows, key=lambda row: (-(row["count"] or 0), row["checklist"], row["item"]))


def build(
    parts: Iterable[Mapping[str, Any]],
    supervision: Iterable[Mapping[str, Any]],
    since: str,
    until: str,
    reasons: Iterable[Any],
    requirement_titles: Mapping[str, str] | None = None,
    item_titles: Mapping[Any, str] | None = None,
    rejected: int = 0,
) -> dict[str, Any]:
    """The report's JSON object for the whole months `since`..`until` (YYYY-MM, both
    included), counted from every contact part of that period and of the one before."""
    start, end = month_index(since), month_index(until)
    if start is None or end is None or start > end:
        raise ValueError(f"not a period of months: {since}..{until}")
    previous = previous_period(since, until)
    before = start - (end - start + 1)
    infos = service_reasons(reasons)
    titles = dict(requirement_titles or {})
    item_titles = dict(item_titles or {})
    now, then = _Period(infos), _Period(infos)
    for part in parts:
        if not isinstance(part, Mapping) or part.get("kind", "contact") != "contact":
            continue
        index = month_index(part.get("month"))  # type: ignore[arg-type]
        if index is None:
            continue
        if start <= index <= end:
            now.count(part)
        elif before <= index < start:
            then.count(part)

    contacts, prev_contacts = now.contacts.shown, then.contacts.shown
    listed = [r for r, info in infos.items() if not info.retired]
    listed += [
        r for r, info in infos.items() if info.retired and (r in now.barriers or r in then.barriers)
    ]
    barriers = {r: _shown(now.barriers.get(r)) for r in listed}
    rates = {r: _rate(barriers[r], contacts) for r in listed}
    prev_rates = {r: _rate(_shown(then.barriers.get(r)), prev_contacts) for r in listed}
    numbers = sorted(
        set(STAFF_REQUIREMENTS) | set(now.requirements) | set(now.blocked), key=_requirement_key
    )
    requirements = {
        q: {r: _cell(now.requirements.get(q, {}).get(r)) for r in RESPONSES} for q in numbers
    }
    blocked = {
        q: {r: _shown(now.blocked.get(q, {}).get(r)) for r in listed}
        for q in numbers
        if q in STAFF_REQUIREMENTS or q in now.blocked
    }
    working = []
    for q in numbers:
        share = _share_done(now.requirements.get(q))
        change = _change(share, _share_done(then.requirements.get(q)), 3)
        if share is not None and (share >= MOSTLY_DONE or (change or 0) >= IMPROVED):
            working.append({"requirement": q, "share_done": share, "change": change})
    working.sort(key=lambda row: (-row["share_done"], _requirement_key(row["requirement"])))
    critical = [
        {
            "checklist": c,
            "item": i,
            "title": _title(item_titles, c, i),
            "count": now.critical_total[(c, i)].shown,
            "reasons": {r: cell.shown for r, cell in cells.items()},
        }
        for (c, i), cells in now.critical.items()
    ]
    critical.sort(key=lambda row: (-(row["count"] or 0), row["checklist"], row["item"]))
    settings = [s for s, _ in SETTINGS] + sorted(
        {s for s, _ in now.by_setting} - set(dict(SETTINGS))
    )
    stages = [s for s, _ in STAGES] + sorted({s for _, s in now.by_setting} - set(dict(STAGES)))
    by_setting = []
    for s in settings:
        for g in stages:
            cells = now.by_setting.get((s, g))
            if cells is None:
                continue
            n, hit = cells[0].shown, cells[1].shown
            by_setting.append(
                {
                    "setting": s,
                    "stage": g,
                    "contacts": n,
                    "with_barrier": hit,
                    "barrier_rate": _rate(hit, n),
                }
            )
    supervised = _supervised(supervision, now.contacts.authors, end)
    practitioners = Cell(len(now.contacts.authors), set(now.contacts.authors)).shown
    return {
        "format": FORMAT,
        "version": VERSION,
        "period": {
            "since": since,
            "until": until,
            "months": end - start + 1,
            "previous": {"since": previous[0], "until": previous[1]},
        },
        "contacts": contacts,
        "practitioners": practitioners,
        "reasons": {
            r: {
                "label": infos[r].label,
                "requirements": list(infos[r].requirements),
                "retired": infos[r].retired,
            }
            for r in listed
        },
        "requirement_titles": {
            q: titles.get(q, q)
            for q in sorted(
                set(numbers) | {q for r in listed for q in infos[r].requirements},
                key=_requirement_key,
            )
        },
        "barriers": barriers,
        "barrier_rates": rates,
        "barrier_change": {r: _change(rates[r], prev_rates[r]) for r in listed},
        "requirements": requirements,
        "blocked": blocked,
        "critical_not_done": critical,
        "by_setting": by_setting,
        "training_needs": _items(now.training, item_titles),
        "removal": {
            "contacts_after_removal": now.removal_contacts.shown,
            "gaps": {r: c.shown for r, c in now.removal_gaps.items()},
        },
        "missing_services": _items(now.referral, item_titles),
        "supervision": {
            "practitioners_with_record_3m": supervised,
            "share_with_record_3m": _rate(supervised, practitioners, 1.0),
            "flagged_contacts": now.flagged.shown,
        },
        "working_well": working,
        "data_quality": {
            "no_reason_share": _rate(now.no_reason.shown, now.needs_reason.shown, 1.0),
        },
        "rejected_parts": rejected,
    }


def _supervised(
    supervision: Iterable[Mapping[str, Any]], authors: set[str], end: int
) -> int | None:
    """How many of the period's practitioners have a supervision record in the three months
    up to the period's end (a figure about people: hidden under 5, as every figure is)."""
    first = end - SUPERVISION_MONTHS + 1
    seen: set[str] = set()
    for part in supervision:
        if not isinstance(part, Mapping):
            continue
        who = _text(part.get("practitioner"))
        index = month_index(part.get("month"))  # type: ignore[arg-type]
        if who in authors and index is not None and first <= index <= end:
            seen.add(who)
    return Cell(len(seen), seen).shown
