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
from collections import Counter
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
    """Everything counted over one period's contact parts.

    Fast at a year of a large service (100,000 parts of some 25 answers): parts read from the
    service's files share one object per distinct answer, so each answer object is judged
    once (`_see`, `_judge`), and a part only adds its answers' numbers to its author's tally
    (`Counter.update`, in C) and its head (author, setting, stage, flag, barriers cited) to
    small tallies of heads; the figures are spread from the tallies at the end (`finish`), in
    the order in which the answers were first met. Answers that are not shared objects are
    counted the same way, only more slowly.
    """

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
    # Per checklist: id(answer) -> (the answer, kept so that its id stays its own while
    # counting; the figure keys it counts towards). Per signature: those keys, and barriers.
    # Per checklist: id(answer) -> the service barriers it cites (only answers that cite one).
    seen: dict[str, dict[int, tuple[Any, tuple]]] = field(default_factory=dict)
    judged: dict[tuple, tuple] = field(default_factory=dict)
    cites: dict[str, dict[int, frozenset]] = field(default_factory=dict)
    # Per checklist: the ids of `seen`. Per (author, checklist): how often each answer (by id)
    # was counted, and the ids of answers citing a barrier met so far; `order`, each such
    # (author, checklist, id) in the order first met (the order of the figures they make).
    # How many parts had each (author, flagged, removal, (setting, stage)): `heads`; each
    # (author, (setting, stage)) with a barrier cited: `hits`; each (author, barriers): `cited`.
    known: dict[str, set[int]] = field(default_factory=dict)
    tallies: dict[tuple[str, str], Counter] = field(default_factory=dict)
    met: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    order: list[tuple[str, str, int]] = field(default_factory=list)
    heads: Counter = field(default_factory=Counter)
    hits: Counter = field(default_factory=Counter)
    cited: Counter = field(default_factory=Counter)

    def count(self, part: Mapping[str, Any]) -> None:
        author = part.get("author")
        if not isinstance(author, str) or not author:
            return
        setup = part.get("setup")
        if not isinstance(setup, dict):
            setup = {}
        setting, stage = setup.get("setting"), setup.get("stage")
        place = (
            setting if isinstance(setting, str) else "",
            stage if isinstance(stage, str) else "",
        )
        flagged, removed = part.get("flagged") is True, setup.get("baby_removed") is True
        answers = part.get("answers")
        if not isinstance(answers, list):
            self.heads[(author, flagged, removed, place)] += 1
            return
        checklist = part.get("checklist")
        if not isinstance(checklist, str):
            checklist = ""
        ids = list(map(id, answers))
        known = self.known.get(checklist)
        if known is None:
            known = self.known[checklist] = set()
            self.seen[checklist], self.cites[checklist] = {}, {}
        cites = self.cites[checklist]
        if not known.issuperset(ids):
            seen = self.seen[checklist]
            for answer in answers:
                if id(answer) not in known:
                    known.add(id(answer))
                    self._see(checklist, answer, seen, cites)
        who = (author, checklist)
        tally = self.tallies.get(who)
        if tally is None:
            tally = self.tallies[who] = Counter()
            self.met[who] = set()
        tally.update(ids)
        self.heads[(author, flagged, removed, place)] += 1
        citing = [*filter(cites.__contains__, ids)]
        if not citing:
            return
        met = self.met[who]
        if not met.issuperset(citing):
            for number in citing:
                if number not in met:
                    met.add(number)
                    self.order.append((author, checklist, number))
        self.hits[(author, place)] += 1
        self.cited[(author, frozenset().union(*map(cites.__getitem__, citing)))] += 1

    def _see(self, checklist: str, answer: Any, seen: dict, cites: dict) -> None:
        if not isinstance(answer, dict) or answer.get("response") not in RESPONSES:
            signature: tuple = ()
        else:
            signature = (
                _text(answer.get("item")),
                answer["response"],
                tuple(dict.fromkeys(_strings(answer.get("requirements")))),
                tuple(dict.fromkeys(_strings(answer.get("reasons")))),
                answer.get("critical") is True,
            )
        if (checklist, signature) not in self.judged:
            self.judged[(checklist, signature)] = self._judge(checklist, signature)
        keys, barriers = self.judged[(checklist, signature)]
        seen[id(answer)] = (answer, keys)
        if barriers:
            cites[id(answer)] = barriers

    def _judge(self, checklist: str, signature: tuple) -> tuple[tuple, frozenset]:
        """The figures one kind of answer adds to, and the service barriers it cites."""
        if not signature:
            return (), frozenset()
        item_id, response, requirements, given, critical = signature
        item = (checklist, item_id)
        keys: list[tuple] = [("requirements", q, response) for q in requirements]
        if response not in NEEDS_REASON:
            return tuple(keys), frozenset()
        keys.append(("needs_reason",))
        if not given:
            keys.append(("no_reason",))
        service = [r for r in given if r in self.reasons]
        if service and critical:
            keys.append(("critical_total", item))
        for r in service:
            info = self.reasons[r]
            keys += [("blocked", q, r) for q in requirements]
            if critical:
                keys.append(("critical", item, r))
            if TRAINING_REQUIREMENT in info.requirements:
                keys.append(("training", item))
            if REFERRAL_REQUIREMENT in info.requirements:
                keys.append(("referral", item))
            if REMOVAL_REQUIREMENT in info.requirements:
                keys.append(("removal", r))
        return tuple(keys), frozenset(service)

    def finish(self) -> _Period:
        """Spread the tallies of heads and answers over the figures they count towards."""
        for (author, flagged, removed, place), n in self.heads.items():
            self.contacts.add(author, n)
            if flagged:
                self.flagged.add(author, n)
            if removed:
                self.removal_contacts.add(author, n)
            cells = self.by_setting.get(place)
            if cells is None:
                cells = self.by_setting[place] = (Cell(), Cell())
            cells[0].add(author, n)
        for (author, place), n in self.hits.items():
            self.by_setting[place][1].add(author, n)
        for (author, cited), n in self.cited.items():
            for reason in cited:
                self.barriers.setdefault(reason, Cell()).add(author, n)
        # The keys of answers that cite a barrier first, in the order first met: the figures
        # only they make (critical items' reasons, gaps after a removal) keep that order.
        counts: Counter = Counter()
        for _, checklist, number in self.order:
            for key in self.seen[checklist][number][1]:
                counts[key] += 0
        authors: dict[tuple, set[str]] = {}
        for (author, checklist), tally in self.tallies.items():
            seen = self.seen[checklist]
            mine: Counter = Counter()
            for number, n in tally.items():
                for key in seen[number][1]:
                    mine[key] += n
            for key, n in mine.items():
                counts[key] += n
                authors.setdefault(key, set()).add(author)
        for key, n in counts.items():
            cell = self._cell(key)
            cell.count, cell.authors = n, authors[key]
        self.heads.clear()
        self.hits.clear()
        self.cited.clear()
        self.known.clear()
        self.tallies.clear()
        self.met.clear()
        self.order.clear()
        self.seen.clear()  # the answers may go now
        self.cites.clear()
        return self

    def _cell(self, key: tuple) -> Cell:
        kind = key[0]
        if kind == "requirements":
            if key[1] not in self.requirements:
                self.requirements[key[1]] = {r: Cell() for r in RESPONSES}
            return self.requirements[key[1]][key[2]]
        if kind == "blocked":
            return self.blocked.setdefault(key[1], {}).setdefault(key[2], Cell())
        if kind == "critical":
            return self.critical.setdefault(key[1], {}).setdefault(key[2], Cell())
        if kind == "removal":
            return self.removal_gaps.setdefault(key[1], Cell())
        if kind in ("needs_reason", "no_reason"):
            return getattr(self, kind)
        table = {"critical_total": self.critical_total, "training": self.training}
        return table.get(kind, self.referral).setdefault(key[1], Cell())


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
    indexes: dict[str, int | None] = {}
    for part in parts:
        if not isinstance(part, Mapping) or part.get("kind", "contact") != "contact":
            continue
        month = part.get("month")
        if not isinstance(month, str):
            continue
        index = indexes.get(month, -1)
        if index == -1:
            index = indexes[month] = month_index(month)
        if index is None:
            continue
        if start <= index <= end:
            now.count(part)
        elif before <= index < start:
            then.count(part)
    now.finish()
    then.finish()

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
