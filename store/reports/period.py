"""The supervision summary: one practitioner's finished sessions over a period, as one dict.

Its shape is documented in docs/summary-format.md; the markdown, html and nmc renderers draw
from it, and `summary --format json` prints it. It follows Proctor's three functions, which
supervisors already know: standards (normative), learning (formative) and wellbeing
(restorative), with barriers kept apart from practice points and from the woman's own choice
(principle 5: barriers are not failures).

Everything is computed from what the reader may open; the clear metadata alone (dates,
status) decides which archive months are read, so a year of history is not opened to
summarise three months.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from checklists import (
    NEEDS_REASON,
    REASON_LEVELS,
    RESPONSES,
    STAFF_REQUIREMENTS,
    dates,
    requirement_key,
)
from store.errors import InvalidInput, PermissionDenied, StoreError
from store.people import Person, now_iso
from store.sessions import Session

COUNTS = (*RESPONSES, "unanswered")
HEAVY_WHY = "Her baby had been removed from her care"
DEFAULT_MONTHS = 3
STALE_DRAFT = timedelta(days=7)


@dataclass(frozen=True)
class Period:
    since: date
    until: date
    basis: str  # last_supervision | three_months | given

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one, to compare with."""
        length = self.until - self.since
        until = self.since - timedelta(days=1)
        return Period(until - length, until, "previous")

    def holds(self, stamp: str | None) -> bool:
        return bool(stamp) and self.since.isoformat() <= stamp[:10] <= self.until.isoformat()

    def to_dict(self) -> dict:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}


def months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


EARLIEST = date(2000, 1, 1)


def parse_day(text: str, what: str) -> date:
    try:
        day = dates.parse_day(text, f"{what} date")
    except dates.DateError as exc:
        raise InvalidInput(str(exc)) from None
    latest = date.today() + timedelta(days=366)
    if not EARLIEST <= day <= latest:
        raise InvalidInput(
            f"The {what} date {day} is out of range: give a date between "
            f"{EARLIEST.isoformat()} and {latest.isoformat()}."
        )
    return day


def choose_period(
    store, author_id: str, since: str | None = None, until: str | None = None
) -> Period:
    """The default period: since the last supervision record on or before its end (the
    meeting day itself included, so nothing done later that day is missed), else the last
    three months."""
    end = parse_day(until, "until") if until else date.today()
    last_record = store.supervision.last_record_date(author_id, end.isoformat())
    if since:
        start, basis = parse_day(since, "since"), "given"
    elif last_record:
        start, basis = date.fromisoformat(last_record), "last_supervision"
    else:
        start, basis = months_before(end, DEFAULT_MONTHS), "three_months"
    if start > end:
        raise InvalidInput("The period starts after it ends: check --since and --until.")
    return Period(start, end, basis)


def _entry(session: Session, text: str) -> dict:
    return {
        "session_id": session.id,
        "completed_at": session.record.get("completed_at"),
        "text": text,
    }


class _Tally:
    """Counts per requirement for one set of sessions."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {}

    def add(self, requirement: str, what: str) -> None:
        self.counts.setdefault(requirement, Counter())[what] += 1

    def share_done(self, requirement: str) -> float | None:
        c = self.counts.get(requirement, Counter())
        applicable = c["done"] + c["partly"] + c["not_done"]
        return round(c["done"] / applicable, 4) if applicable else None


def _shown_items(store, sessions: list[Session], problems: list[StoreError]) -> dict:
    """Each session's shown items (by its own checklist wording), worked out once."""
    shown: dict[str, list | None] = {}
    for session in sessions:
        try:
            shown[session.id] = session.visible_items(store.checklist_for(session))
        except StoreError as exc:
            problems.append(exc)
            shown[session.id] = None
    return shown


def _shown_answers(session: Session, shown: list | None) -> list[tuple[str, dict, tuple]]:
    """(item id, answer, requirements) for each item the session shows, answered or not.

    An answer to an item no longer shown (an earlier answer changed and hid it) is left out,
    as the session view, CSV and FHIR leave it out: the practitioner took it back.
    """
    if shown is None:  # its checklist wording is missing: count what was answered
        return [
            (item_id, a, tuple(a.get("requirements", []))) for item_id, a in session.answers.items()
        ]
    out = []
    for item in shown:
        answer = session.answers.get(item.id) or {}
        out.append((item.id, answer, tuple(answer.get("requirements") or item.requirements)))
    return out


def _tally(sessions: list[Session], shown: dict) -> _Tally:
    tally = _Tally()
    for session in sessions:
        # Each answer counts once for each requirement its item cites (as it was answered).
        for _item_id, answer, requirements in _shown_answers(session, shown.get(session.id)):
            response = answer.get("response")
            what = response if response in RESPONSES else "unanswered"
            for requirement in requirements:
                tally.add(requirement, what)
    return tally


def build_summary(
    store,
    reader: Person,
    of: Person | None = None,
    since: str | None = None,
    until: str | None = None,
    problems: list[StoreError] | None = None,
) -> dict:
    """The summary for `of` (default: the reader), as the reader may see it."""
    author = of or reader
    if not store.may_read(reader, author):
        raise PermissionDenied(
            f"You are not {author.name}'s supervisor, so you cannot read their summary."
        )
    problems = problems if problems is not None else []
    library = store.library
    names = {p.id: p.name for p in store.people.all()}
    records = store.supervision.records(reader, author.id, problems)
    period = choose_period(store, author.id, since=since, until=until)
    previous = period.previous
    sessions = store.readable_sessions(
        reader,
        of=author if author.id != reader.id else None,
        problems=problems,
        since=previous.since.isoformat(),
    )
    finished = [s for s in sessions if not s.is_draft]
    current = [s for s in finished if period.holds(s.record.get("completed_at"))]
    current.sort(key=lambda s: s.record.get("completed_at") or "")
    earlier = [s for s in finished if previous.holds(s.record.get("completed_at"))]
    drafts = [s for s in sessions if s.is_draft]

    shown = _shown_items(store, current, problems)
    tally, before = _tally(current, shown), _tally(earlier, _shown_items(store, earlier, []))
    requirements = {}
    numbers = sorted(set(STAFF_REQUIREMENTS) | set(tally.counts), key=requirement_key)
    for number in numbers:
        counts = tally.counts.get(number, Counter())
        share, was = tally.share_done(number), before.share_done(number)
        requirement = library.requirements.get(number)
        requirements[number] = {
            "title": requirement.title if requirement else "",
            **{what: counts[what] for what in COUNTS},
            "share_done": share,
            "previous_share_done": was,
            "change": round(share - was, 4) if share is not None and was is not None else None,
        }

    barriers: dict[str, Counter] = {level: Counter() for level in REASON_LEVELS}
    no_reason = 0
    critical = []
    for session in current:
        critical_ids = {item.id for item in shown.get(session.id) or [] if item.critical}
        for item_id, entry, _requirements in _shown_answers(session, shown.get(session.id)):
            response = entry.get("response")
            if response == "not_done" and item_id in critical_ids:
                critical.append(
                    {
                        "session_id": session.id,
                        "completed_at": session.record.get("completed_at"),
                        "item_id": item_id,
                        "prompt": entry.get("prompt", ""),
                        "response": response,
                        "reason": entry.get("reason"),
                    }
                )
            if response not in NEEDS_REASON:
                continue
            reason = library.reason(entry.get("reason"))
            if reason is None:
                no_reason += 1
            else:
                barriers.setdefault(reason.level, Counter())[reason.id] += 1

    details = {}
    for level, counter in barriers.items():
        details[level] = []
        for reason_id, count in counter.most_common():
            reason = library.reason(reason_id)
            details[level].append(
                {
                    "reason": reason_id,
                    "label": reason.label if reason else reason_id,
                    "count": count,
                    "requirements": [
                        {
                            "number": n,
                            "title": library.requirements[n].title
                            if n in library.requirements
                            else "",
                        }
                        for n in (reason.requirements if reason else ())
                    ],
                }
            )

    reflections: dict[str, list[dict]] = {
        key: [] for key in ("went_well", "difficult", "feelings", "differently")
    }
    language: Counter = Counter()
    prefer: dict[str, str] = {}
    guide = getattr(library, "language", None)
    flagged, heavy = [], []
    for session in current:
        for key, entries in reflections.items():
            text = (session.reflection.get(key) or "").strip()
            if text:
                entries.append(_entry(session, text))
        if session.flagged:
            flagged.append(
                {
                    "session_id": session.id,
                    "completed_at": session.record.get("completed_at"),
                    "title": session.record["checklist"].get("title", session.checklist_id),
                    "text": (session.reflection.get("supervision") or "").strip(),
                }
            )
        if session.setup.get("baby_removed"):
            heavy.append(
                {
                    "session_id": session.id,
                    "completed_at": session.record.get("completed_at"),
                    "why": HEAVY_WHY,
                }
            )
        if guide is not None:
            texts = [a.get("note") for a in session.answers.values()]
            texts += [str(v) for v in session.reflection.values()]
            for text in filter(None, texts):
                for finding in guide.find(text):
                    language[finding.term] += 1
                    prefer[finding.term] = finding.prefer

    in_period = {s.id for s in current}
    comments = [
        {
            "id": c.id,
            "session_id": c.session_id,
            "by": names.get(c.by, "unknown"),
            "created_at": c.record["created_at"],
            "text": c.text,
        }
        for c in store.supervision.comments(reader, author.id, problems)
        if c.session_id in in_period or period.holds(c.record["created_at"])
    ]
    last = next((r for r in records if r.date <= period.until.isoformat()), None)

    today = datetime.now().astimezone()
    summary = {
        "format": "stepping-stones-summary",
        "version": 1,
        "person": author.name,
        "prepared_by": reader.name,
        "prepared_at": now_iso(),
        "period": {
            **period.to_dict(),
            "basis": period.basis,
            "previous": previous.to_dict(),
        },
        "activity": {
            "finished": len(current),
            "unfinished": len(drafts),
            "by_checklist": _by_checklist(current),
            "by_setting": dict(Counter(s.setup.get("setting", "") for s in current)),
            "by_stage": dict(Counter(s.setup.get("stage", "") for s in current)),
            "by_week": _by_week(current, period),
            "unfinished_sessions": [
                {
                    "id": s.id,
                    "checklist": s.checklist_id,
                    "title": s.record["checklist"].get("title", s.checklist_id),
                    "started_at": s.record["started_at"],
                    "updated_at": s.record["updated_at"],
                    "stale": _older_than(s.record["updated_at"], today, STALE_DRAFT),
                }
                for s in drafts
            ],
        },
        "requirements": requirements,
        "critical_not_done": critical,
        "barriers": {level: dict(counter) for level, counter in barriers.items()},
        "barrier_details": details,
        "no_reason": no_reason,
        "learning": {
            "differently": reflections["differently"],
            "went_well": reflections["went_well"],
            "language": {
                "total": sum(language.values()),
                "terms": [
                    {"term": term, "prefer": prefer[term], "count": count}
                    for term, count in language.most_common()
                ],
            },
        },
        "wellbeing": {
            "feelings": reflections["feelings"],
            "difficult": reflections["difficult"],
            "heavy_sessions": heavy,
        },
        "flagged": flagged,
        "comments": comments,
        "last_record": {"id": last.id, "date": last.date, "by": names.get(last.by, "unknown")}
        if last
        else None,
        "actions": [
            {
                "id": a.get("id"),
                "text": a.get("text", ""),
                "owner": a.get("owner", ""),
                "due": a.get("due"),
                "done": bool(a.get("done")),
            }
            for a in (last.actions if last else [])
        ],
        "sessions": [_session_row(s, shown.get(s.id)) for s in current],
    }
    if author.id != reader.id:
        store.audit.append(
            "read_summary",
            reader.name,
            author.name,
            {"since": period.since.isoformat(), "until": period.until.isoformat()},
        )
    return summary


def _by_checklist(sessions: list[Session]) -> dict:
    out: dict[str, dict] = {}
    for s in sessions:
        row = out.setdefault(
            s.checklist_id, {"title": s.record["checklist"].get("title", ""), "count": 0}
        )
        row["count"] += 1
    return out


def _by_week(sessions: list[Session], period: Period) -> list[dict]:
    """Every week of the period (weeks start on Monday), zeros included, for a chart."""
    start = period.since - timedelta(days=period.since.weekday())
    weeks = Counter()
    for s in sessions:
        day = date.fromisoformat(s.record["completed_at"][:10])
        weeks[day - timedelta(days=day.weekday())] += 1
    out = []
    week = start
    while week <= period.until:
        out.append({"week_start": week.isoformat(), "count": weeks[week]})
        week += timedelta(days=7)
    return out


def _older_than(stamp: str, now: datetime, age: timedelta) -> bool:
    try:
        return now - datetime.fromisoformat(stamp) > age
    except (TypeError, ValueError):
        return False


def _session_row(session: Session, shown: list | None) -> dict:
    return {
        "id": session.id,
        "checklist": session.checklist_id,
        "title": session.record["checklist"].get("title", session.checklist_id),
        "completed_at": session.record.get("completed_at"),
        "setting": session.setup.get("setting", ""),
        "stage": session.setup.get("stage", ""),
        "flagged": session.flagged,
        "answered": sum(1 for _i, a, _r in _shown_answers(session, shown) if a.get("response")),
        "shown": len(shown) if shown is not None else len(session.answers),
    }


def supervisee_overview(store, reader: Person) -> list[dict]:
    """For a supervisor's list: each supervisee's sessions since their last supervision,
    what they flagged, and unfinished sessions older than a week."""
    out = []
    now = datetime.now().astimezone()
    for person in store.people.all():
        if reader.id not in person.supervisors or person.id == reader.id:
            continue
        last = store.supervision.last_record_date(person.id)
        period = choose_period(store, person.id)
        problems: list[StoreError] = []
        sessions = store.sessions.all_for(
            person.id, reader, problems, since=period.since.isoformat()
        )
        finished = [
            s for s in sessions if not s.is_draft and period.holds(s.record["completed_at"])
        ]
        drafts = [s for s in sessions if s.is_draft]
        store.audit.append(
            "read_other", reader.name, person.name, {"sessions": len(sessions), "view": "overview"}
        )
        out.append(
            {
                "person": person,
                "name": person.name,
                "last_supervision": last,
                "since": period.since.isoformat(),
                "sessions": len(finished),
                "flagged": sum(1 for s in finished if s.flagged),
                "stale_drafts": sum(
                    1 for s in drafts if _older_than(s.record["updated_at"], now, STALE_DRAFT)
                ),
                "problems": len(problems),
            }
        )
    return sorted(out, key=lambda row: row["name"].casefold())
