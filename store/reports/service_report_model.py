"""The service report: team-level figures counted from sealed structured parts (issue 16).

Pure counting, no I/O: the parts (already opened and checked by `services/service_parts`),
the reasons and the requirement and item titles go in; the report's JSON object
(docs/service-report-format.md, field for field) comes out.

Disclosure control: every figure is counted together with the practitioners it is drawn from
(all of them, or for a figure of answers as many as the rule needs), and shown only when it
is 0, or at least 5 and drawn from at least 3 practitioners; otherwise it is `None` (`null` in
JSON, "fewer than 5" in the other formats), and every rate, share and change built on it is
`None` too. A part is hostile input even
inside a seal: a field of the wrong shape is passed over, never an error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from itertools import chain, compress, repeat
from operator import itemgetter, or_
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
    """One figure while counting: how many, and the practitioners it comes from (for a figure
    of answers, only as many as MIN_PRACTITIONERS: enough to decide whether it is shown)."""

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


@dataclass(frozen=True)
class PartBatch:
    """Contact parts as they are sealed, one person's month in one: each row is
    `[head number, [answer numbers]]`, and each distinct head (a part without its answers) and
    each distinct answer is written once. Counted as it is (`_Period.count_batch`), a year of a
    service is a few hundred batches rather than 100,000 parts made one by one; `parts()` gives
    the same parts one by one, and both count the same.

    Rows are hostile input: a row that does not name one of `heads` and only `answers` is left
    out when the batch is made (`dropped` says how many), so counting can trust the rest."""

    heads: Mapping[Any, Mapping[str, Any]]
    answers: Mapping[Any, Any]
    rows: Sequence[Sequence[Any]]
    dropped: int = field(default=0, init=False)
    # How many times each answer (by number) is named, over every row: counted while the rows
    # are checked, and used by the counting when the batch is one person's one checklist.
    numbers: Counter = field(default_factory=Counter, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:  # one pass each over every row's head and answers, in C
            numbers = Counter(chain.from_iterable(map(itemgetter(1), self.rows)))
            whole = (
                all(isinstance(head, Mapping) for head in self.heads.values())
                and set(map(itemgetter(0), self.rows)) <= self.heads.keys()
                and numbers.keys() <= self.answers.keys()
                and all(type(row[1]) in (list, tuple) for row in self.rows)
            )
        except (IndexError, KeyError, TypeError, ValueError):
            whole = False
        if not whole:
            rows = [row for row in self.rows if self._row_ok(row)]
            object.__setattr__(self, "dropped", len(self.rows) - len(rows))
            object.__setattr__(self, "rows", rows)
            numbers = Counter(chain.from_iterable(map(itemgetter(1), rows)))
        object.__setattr__(self, "numbers", numbers)

    def _row_ok(self, row: Any) -> bool:
        try:
            return (
                isinstance(self.heads.get(row[0]), Mapping)
                and type(row[1]) in (list, tuple)
                and all(number in self.answers for number in row[1])
            )
        except (IndexError, KeyError, TypeError):
            return False

    def parts(self) -> Iterator[dict[str, Any]]:
        for head, numbers, *_ in self.rows:
            yield {**self.heads[head], "answers": [self.answers[n] for n in numbers]}


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
    once (`_see`, `_judge`); a batch of parts (`count_batch`) adds its answers' numbers to
    its authors' tallies all at once (in C), and each part only says which service barriers
    it cites (a bit per barrier, or-ed together); the figures are spread from the tallies at
    the end (`finish`). Parts one by one (`count`) are counted the same way, only more slowly.
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
    # counting; the figure keys it counts towards); id(answer) -> the bits of the service
    # barriers it cites (only answers that cite one). Per signature: those keys, and bits.
    seen: dict[str, dict[int, tuple[Any, tuple]]] = field(default_factory=dict)
    masks: dict[int, int] = field(default_factory=dict)
    judged: dict[tuple, tuple[tuple, int]] = field(default_factory=dict)
    # Per checklist: how often each answer (by id) was counted; per (author, checklist): the
    # answers (by id) counted for them. How many parts had each (author, flagged, removal,
    # (setting, stage)): `heads`; each (author, (setting, stage)) with a barrier cited:
    # `hits`; each (author, bits of the barriers cited): `cited`.
    tallies: dict[str, Counter] = field(default_factory=dict)
    present: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    heads: Counter = field(default_factory=Counter)
    hits: Counter = field(default_factory=Counter)
    cited: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.bits = {reason: 1 << n for n, reason in enumerate(self.reasons)}

    def _seen(self, checklist: str) -> dict:
        seen = self.seen.get(checklist)
        if seen is None:
            seen = self.seen[checklist] = {}
        return seen

    def _tally(self, who: tuple[str, str]) -> tuple[Counter, set[int]]:
        tally = self.tallies.get(who[1])
        if tally is None:
            tally = self.tallies[who[1]] = Counter()
        present = self.present.get(who)
        if present is None:
            present = self.present[who] = set()
        return tally, present

    def count(self, part: Mapping[str, Any]) -> None:
        head = self._head(part)
        if head is None:
            return
        author, checklist, flagged, removed, place = head
        self.heads[(author, flagged, removed, place)] += 1
        answers = part.get("answers")
        if not isinstance(answers, list):
            return
        seen = self._seen(checklist)
        ids = list(map(id, answers))
        for answer in answers:
            if id(answer) not in seen:
                self._see(checklist, answer, seen)
        tally, present = self._tally((author, checklist))
        tally.update(ids)
        present.update(ids)
        mask = reduce(or_, map(self.masks.get, ids, repeat(0)), 0)
        if mask:
            self.hits[(author, place)] += 1
            self.cited[(author, mask)] += 1

    def count_batch(self, heads: Mapping[Any, Mapping[str, Any]], batch: PartBatch) -> None:
        """Count the rows of `batch` whose head is one of `heads` (this period's) as `count`
        would count each, without making a part of each row: the heads are read once, every
        row's answers are tallied at once (in C), and each row only or-s the bits of the
        barriers its answers cite."""
        prepared = {n: h for n, h in ((n, self._head(h)) for n, h in heads.items()) if h}
        rows, answers = batch.rows, batch.answers
        per_head = Counter(map(itemgetter(0), rows))
        if not per_head.keys() <= prepared.keys():
            rows = [row for row in rows if row[0] in prepared]
            per_head = Counter(map(itemgetter(0), rows))
        if not rows:
            return
        for number, n in per_head.items():
            author, _, flagged, removed, place = prepared[number]
            self.heads[(author, flagged, removed, place)] += n
        whos = {prepared[n][:2] for n in per_head}
        if len(whos) == 1:
            groups = {whos.pop(): rows}  # one checklist in this batch
        else:
            groups = {}
            for row in rows:
                groups.setdefault(prepared[row[0]][:2], []).append(row)
        # Each answer's id, once for the batch: the same int objects are then counted, not a
        # new one per row.
        ident_of = dict(zip(answers.keys(), map(id, answers.values()), strict=True))
        for (author, checklist), grouped in groups.items():
            # Counted by number first (small ints, in C), then once per answer by its id;
            # only the answers these rows name are judged (a batch listing many answers and
            # many checklists costs what its rows name, no more).
            if grouped is batch.rows:
                counted = batch.numbers  # the whole batch: counted as it was made
            else:
                counted = Counter(chain.from_iterable(map(itemgetter(1), grouped)))
            seen = self._seen(checklist)
            for number in [n for n in counted if ident_of[n] not in seen]:
                if ident_of[number] not in seen:  # (the same answer under two numbers)
                    self._see(checklist, answers[number], seen)
            tally, present = self._tally((author, checklist))
            for number, n in counted.items():
                tally[ident_of[number]] += n
            present.update(map(ident_of.__getitem__, counted))
        # The barriers each answer cites (the same whatever its checklist: one map for the
        # batch; 0 for none, and for an answer no row names).
        masks = map(self.masks.get, ident_of.values(), repeat(0))
        citing = dict(zip(ident_of.keys(), masks, strict=True))
        if not any(citing.values()):
            return
        bits = citing.__getitem__
        cited = [reduce(or_, map(bits, numbers), 0) for numbers in map(itemgetter(1), rows)]
        # Parts citing a barrier, per head (its setting and stage) and per set of barriers.
        hit_heads = Counter(compress(map(itemgetter(0), rows), cited))
        for number, n in hit_heads.items():
            author, _, _, _, place = prepared[number]
            self.hits[(author, place)] += n
        authors = {prepared[number][0] for number in hit_heads}
        if len(authors) == 1:  # one person's batch, as the program writes them
            author = authors.pop()
            for mask, n in Counter(cited).items():
                if mask:
                    self.cited[(author, mask)] += n
        else:
            pairs = Counter(zip(map(itemgetter(0), rows), cited, strict=True))
            for (number, mask), n in pairs.items():
                if mask:
                    self.cited[(prepared[number][0], mask)] += n

    @staticmethod
    def _head(head: Mapping[str, Any]) -> tuple[str, str, bool, bool, tuple[str, str]] | None:
        """(author, checklist, flagged, removed, (setting, stage)) of a contact part or head;
        None when it has no author."""
        author = head.get("author")
        if not isinstance(author, str) or not author:
            return None
        setup = head.get("setup")
        if not isinstance(setup, dict):
            setup = {}
        setting, stage = setup.get("setting"), setup.get("stage")
        place = (
            setting if isinstance(setting, str) else "",
            stage if isinstance(stage, str) else "",
        )
        checklist = head.get("checklist")
        return (
            author,
            checklist if isinstance(checklist, str) else "",
            head.get("flagged") is True,
            setup.get("baby_removed") is True,
            place,
        )

    def _see(self, checklist: str, answer: Any, seen: dict) -> None:
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
        judged = self.judged.get((checklist, signature))
        if judged is None:
            judged = self.judged[(checklist, signature)] = self._judge(checklist, signature)
        keys, mask = judged
        seen[id(answer)] = (answer, keys)
        if mask:
            self.masks[id(answer)] = mask

    def _judge(self, checklist: str, signature: tuple) -> tuple[tuple, int]:
        """The figures one kind of answer adds to, and the bits of the service barriers it
        cites."""
        if not signature:
            return (), 0
        item_id, response, requirements, given, critical = signature
        item = (checklist, item_id)
        keys: list[tuple] = [("requirements", q, response) for q in requirements]
        if response not in NEEDS_REASON:
            return tuple(keys), 0
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
        return tuple(keys), reduce(or_, (self.bits[r] for r in service), 0)

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
        decoded: dict[int, list[str]] = {}
        for (author, mask), n in self.cited.items():
            reasons = decoded.get(mask)
            if reasons is None:
                reasons = decoded[mask] = [r for r, bit in self.bits.items() if mask & bit]
            for reason in reasons:
                self.barriers.setdefault(reason, Cell()).add(author, n)
        # Each figure: its answers' counts summed (in C), and who gave them: only as many
        # practitioners as it takes to show it (MIN_PRACTITIONERS), found by asking each
        # person's answers whether they meet the figure's (in C).
        counts: dict[tuple, int] = {}
        givers: dict[tuple, list[tuple[str, list[int]]]] = {}
        for checklist, tally in self.tallies.items():
            for key, idents in _by_key(self.seen[checklist]):
                n = sum(map(tally.get, idents, repeat(0)))
                if n:
                    counts[key] = counts.get(key, 0) + n
                    givers.setdefault(key, []).append((checklist, idents))
        for key, n in counts.items():
            cell = self._cell(key)
            cell.count, cell.authors = n, self._givers(givers[key])
        self.heads.clear()
        self.hits.clear()
        self.cited.clear()
        self.tallies.clear()
        self.present.clear()
        self.seen.clear()  # the answers may go now
        self.masks.clear()
        return self

    def _givers(self, answers: list[tuple[str, list[int]]]) -> set[str]:
        """The practitioners (up to MIN_PRACTITIONERS of them) any of whose counted answers is
        one of `answers` ((checklist, answer ids) pairs)."""
        found: set[str] = set()
        for (author, checklist), present in self.present.items():
            if author in found:
                continue
            if any(c == checklist and not present.isdisjoint(ids) for c, ids in answers):
                found.add(author)
                if len(found) >= MIN_PRACTITIONERS:
                    break
        return found

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


def _by_key(seen: Mapping[int, tuple[Any, tuple]]) -> list[tuple[tuple, list[int]]]:
    """Each figure key, with the answers (by id) that count towards it."""
    out: dict[tuple, list[int]] = {}
    for ident, (_, keys) in seen.items():
        for key in keys:
            out.setdefault(key, []).append(ident)
    return list(out.items())


def _in_order(cells: Mapping[str, Any], listed: list[str]) -> list[str]:
    """The reasons of `cells` in the order of the reasons list (any other after, by name):
    the same order whatever order the parts were read in."""
    return [r for r in listed if r in cells] + sorted(set(cells) - set(listed))


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
    parts: Iterable[Mapping[str, Any] | PartBatch],
    supervision: Iterable[Mapping[str, Any]],
    since: str,
    until: str,
    reasons: Iterable[Any],
    requirement_titles: Mapping[str, str] | None = None,
    item_titles: Mapping[Any, str] | None = None,
    rejected: int = 0,
) -> dict[str, Any]:
    """The report's JSON object for the whole months `since`..`until` (YYYY-MM, both
    included), counted from every contact part of that period and of the one before: parts
    one by one, or `PartBatch`es of them as they are sealed (or both)."""
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

    def period_of(part: Mapping[str, Any]) -> _Period | None:
        if part.get("kind", "contact") != "contact":
            return None
        month = part.get("month")
        if not isinstance(month, str):
            return None
        index = indexes.get(month, -1)
        if index == -1:
            index = indexes[month] = month_index(month)
        if index is None:
            return None
        if start <= index <= end:
            return now
        return then if before <= index < start else None

    for part in parts:
        if isinstance(part, PartBatch):
            shares: dict[int, dict[int, Mapping[str, Any]]] = {}
            for number, head in part.heads.items():
                period = period_of(head) if isinstance(head, Mapping) else None
                if period is not None:
                    shares.setdefault(id(period), {})[number] = head
            for period in (now, then):
                if id(period) in shares:
                    period.count_batch(shares[id(period)], part)
            continue
        if not isinstance(part, Mapping):
            continue
        period = period_of(part)
        if period is not None:
            period.count(part)
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
            "reasons": {r: cells[r].shown for r in _in_order(cells, listed)},
        }
        for (c, i), cells in now.critical.items()
    ]
    critical.sort(key=lambda row: (-(row["count"] or 0), row["checklist"], row["item"]))
    settings = [s for s, _ in SETTINGS] + sorted(
        {s for s, _ in now.by_setting} - set(dict(SETTINGS))
    )
    stages = [s for s, _ in STAGES] + sorted({s for _, s in now.by_setting} - set(dict(STAGES)))
    by_setting = []
    setting_order = {s: n for n, s in enumerate(settings)}
    stage_order = {g: n for n, g in enumerate(stages)}
    for s, g in sorted(now.by_setting, key=lambda k: (setting_order[k[0]], stage_order[k[1]])):
        n, hit = now.by_setting[(s, g)][0].shown, now.by_setting[(s, g)][1].shown
        row = {"setting": s, "stage": g, "contacts": n, "with_barrier": hit}
        by_setting.append({**row, "barrier_rate": _rate(hit, n)})
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
            "gaps": {r: now.removal_gaps[r].shown for r in _in_order(now.removal_gaps, listed)},
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
