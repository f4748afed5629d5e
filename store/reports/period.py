"""The supervision summary: one practitioner's finished sessions over a period.

Built section by section into the typed summary (summary_model.py), whose JSON is documented
in docs/summary-format.md; the markdown, html and nmc renderers read its fields, and
`summary --format json` prints its `as_dict()`. It follows Proctor's three functions, which
supervisors already know: standards (normative), learning (formative) and wellbeing
(restorative), with barriers kept apart from practice points and from the woman's own choice
(principle 5: barriers are not failures).

Everything is computed from what the reader may open; the clear metadata alone (dates,
status) decides which archive months are read, so a year of history is not opened to
summarise three months.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
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
from store.sessions import NotShared, Session, answer_reasons
from store.supervision import parse_date

from . import summary_model as m

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
    day = date.fromisoformat(parse_date(text, f"{what} date"))
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


def _entry(session: Session, text: str) -> m.Entry:
    return m.Entry(session.id, session.record.get("completed_at"), text)


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


@dataclass(frozen=True)
class _Reading:
    """What the sections are built from: the period's sessions, read once."""

    store: object
    library: object
    names: dict[str, str]
    period: Period
    current: list[Session]  # finished in the period, oldest first
    earlier: list[Session]  # finished in the period before, to compare with
    drafts: list[Session]
    shown: dict  # session id -> the items it shows (None when its wording is missing)

    def answers(self, session: Session) -> list[tuple[str, dict, tuple]]:
        return _shown_answers(session, self.shown.get(session.id))


def build_summary(
    store,
    reader: Person,
    of: Person | None = None,
    since: str | None = None,
    until: str | None = None,
    problems: list[StoreError] | None = None,
    read: Callable[..., list[Session]] | None = None,
) -> m.Summary:
    """The summary for `of` (default: the reader), as the reader may see it.

    Reading a supervisee's summary is audited by the service that asks for it
    (services/summaries.py), not here: it passes `read`, its own way of listing sessions
    (called as `Store.readable_sessions` is), which records a supervisor's reading."""
    author = of or reader
    if not store.may_read(reader, author):
        raise PermissionDenied(
            f"You are not {author.name}'s supervisor, so you cannot read their summary."
        )
    problems = problems if problems is not None else []
    period = choose_period(store, author.id, since=since, until=until)
    sessions = (read or store.readable_sessions)(
        reader,
        of=author if author.id != reader.id else None,
        problems=problems,
        since=period.previous.since.isoformat(),
    )
    finished = [s for s in sessions if not s.is_draft]
    current = [s for s in finished if period.holds(s.record.get("completed_at"))]
    current.sort(key=lambda s: s.record.get("completed_at") or "")
    reading = _Reading(
        store=store,
        library=store.library,
        names={p.id: p.name for p in store.people.all()},
        period=period,
        current=current,
        earlier=[s for s in finished if period.previous.holds(s.record.get("completed_at"))],
        drafts=[s for s in sessions if s.is_draft],
        shown=_shown_items(store, current, problems),
    )
    # Only a verified record counts (signed by its writer, who was the person's supervisor on
    # its date); the ones passed over are named in the summary itself.
    chosen, ignored = store.supervision.last_verified(author.id, period.until.isoformat())
    records = store.supervision.records(reader, author.id, problems)
    last = next((r for r in records if chosen is not None and r.id == chosen["id"]), None)
    critical, barriers, details, no_reason = _barriers_section(reading)
    return m.Summary(
        person=author.name,
        prepared_by=reader.name,
        prepared_at=now_iso(),
        period=_period_section(period),
        activity=_activity_section(reading),
        requirements=_requirements_section(reading),
        critical_not_done=critical,
        barriers=barriers,
        barrier_details=details,
        no_reason=no_reason,
        learning=_learning_section(reading),
        wellbeing=_wellbeing_section(reading),
        flagged=_flagged_section(reading),
        comments=_comments_section(reading, reader, author, problems),
        last_record=m.LastRecord(last.id, last.date, reading.names.get(last.by, "unknown"))
        if last
        else None,
        ignored_records=tuple(_ignored(item, reading.names) for item in ignored),
        actions=_actions_section(last),
        sessions=tuple(_session_row(s, reading.shown.get(s.id)) for s in current),
    )


# --- the sections, in the order of docs/summary-format.md --------------------------------


def _period_section(period: Period) -> m.PeriodPart:
    previous = period.previous
    return m.PeriodPart(
        since=period.since.isoformat(),
        until=period.until.isoformat(),
        basis=period.basis,
        previous=m.Span(previous.since.isoformat(), previous.until.isoformat()),
    )


def _activity_section(reading: _Reading) -> m.Activity:
    current, today = reading.current, datetime.now().astimezone()
    return m.Activity(
        finished=len(current),
        unfinished=len(reading.drafts),
        previous_finished=len(reading.earlier),
        by_checklist=_by_checklist(current),
        by_setting=dict(Counter(s.setup.get("setting", "") for s in current)),
        by_stage=dict(Counter(s.setup.get("stage", "") for s in current)),
        by_week=_by_week(current, reading.period),
        unfinished_sessions=tuple(
            m.UnfinishedSession(
                id=s.id,
                checklist=s.checklist_id,
                title=s.record["checklist"].get("title", s.checklist_id),
                started_at=s.record["started_at"],
                updated_at=s.record["updated_at"],
                stale=_older_than(s.record["updated_at"], today, STALE_DRAFT),
            )
            for s in reading.drafts
        ),
    )


def _requirements_section(reading: _Reading) -> dict[str, m.RequirementFigures]:
    """Every requirement an answered item cites, and always the staff ones, in number order."""
    tally = _tally(reading.current, reading.shown)
    before = _tally(reading.earlier, _shown_items(reading.store, reading.earlier, []))
    requirements = {}
    for number in sorted(set(STAFF_REQUIREMENTS) | set(tally.counts), key=requirement_key):
        counts = tally.counts.get(number, Counter())
        share, was = tally.share_done(number), before.share_done(number)
        requirement = reading.library.requirements.get(number)
        requirements[number] = m.RequirementFigures(
            title=requirement.title if requirement else "",
            **{what: counts[what] for what in m.COUNTS},
            share_done=share,
            previous_share_done=was,
            change=round(share - was, 4) if share is not None and was is not None else None,
        )
    return requirements


def _barriers_section(reading: _Reading) -> tuple:
    """(critical items not done, barrier counts by level, their details, answers with no
    reason): one pass over the answers that need a reason."""
    library = reading.library
    barriers: dict[str, Counter] = {level: Counter() for level in REASON_LEVELS}
    no_reason = 0
    critical = []
    for session in reading.current:
        critical_ids = {item.id for item in reading.shown.get(session.id) or [] if item.critical}
        for item_id, entry, _requirements in reading.answers(session):
            response = entry.get("response")
            if response == "not_done" and item_id in critical_ids:
                critical.append(
                    m.CriticalItem(
                        session_id=session.id,
                        completed_at=session.record.get("completed_at"),
                        item_id=item_id,
                        prompt=entry.get("prompt", ""),
                        response=response,
                        reason=(answer_reasons(entry) or [None])[0],
                        reasons=tuple(answer_reasons(entry)),
                    )
                )
            if response not in NEEDS_REASON:
                continue
            # Each reason given is counted; an answer with none we know counts as no reason.
            given = [r for r in map(library.reason, answer_reasons(entry)) if r is not None]
            if not given:
                no_reason += 1
            for reason in given:
                barriers.setdefault(reason.level, Counter())[reason.id] += 1
    details = {
        level: tuple(_barrier_detail(library, reason_id, count) for reason_id, count in top)
        for level, top in ((level, c.most_common()) for level, c in barriers.items())
    }
    counts = {level: dict(counter) for level, counter in barriers.items()}
    return tuple(critical), counts, details, no_reason


def _barrier_detail(library, reason_id: str, count: int) -> m.BarrierDetail:
    reason = library.reason(reason_id)
    return m.BarrierDetail(
        reason=reason_id,
        label=reason.label if reason else reason_id,
        count=count,
        requirements=tuple(
            m.RequirementRef(n, library.requirements[n].title if n in library.requirements else "")
            for n in (reason.requirements if reason else ())
        ),
    )


def _reflections(reading: _Reading, key: str) -> tuple[m.Entry, ...]:
    """What each session of the period wrote for one reflection prompt, where it wrote any."""
    entries = []
    for session in reading.current:
        text = (session.reflection.get(key) or "").strip()
        if text:
            entries.append(_entry(session, text))
    return tuple(entries)


def _learning_section(reading: _Reading) -> m.Learning:
    language: Counter = Counter()
    prefer: dict[str, str] = {}
    guide = getattr(reading.library, "language", None)
    for session in reading.current if guide is not None else ():
        texts = [a.get("note") for a in session.answers.values()]
        texts += [str(v) for v in session.reflection.values()]
        for text in filter(None, texts):
            for finding in guide.find(text):
                language[finding.term] += 1
                prefer[finding.term] = finding.prefer
    return m.Learning(
        differently=_reflections(reading, "differently"),
        went_well=_reflections(reading, "went_well"),
        language=m.Language(
            total=sum(language.values()),
            terms=tuple(
                m.LanguageTerm(term, prefer[term], count) for term, count in language.most_common()
            ),
        ),
    )


def _wellbeing_section(reading: _Reading) -> m.Wellbeing:
    return m.Wellbeing(
        feelings=_reflections(reading, "feelings"),
        difficult=_reflections(reading, "difficult"),
        heavy_sessions=tuple(
            m.HeavySession(s.id, s.record.get("completed_at"), HEAVY_WHY)
            for s in reading.current
            if s.setup.get("baby_removed")
        ),
    )


def _flagged_section(reading: _Reading) -> tuple[m.Flagged, ...]:
    return tuple(
        m.Flagged(
            session_id=s.id,
            completed_at=s.record.get("completed_at"),
            title=s.record["checklist"].get("title", s.checklist_id),
            text=(s.reflection.get("supervision") or "").strip(),
        )
        for s in reading.current
        if s.flagged
    )


def _comments_section(
    reading: _Reading, reader: Person, author: Person, problems: list[StoreError]
) -> tuple[m.Comment, ...]:
    """Comments on the period's sessions, and any written during the period."""
    in_period = {s.id for s in reading.current}
    return tuple(
        m.Comment(
            id=c.id,
            session_id=c.session_id,
            by=reading.names.get(c.by, "unknown"),
            created_at=c.record["created_at"],
            text=c.text,
        )
        for c in reading.store.supervision.comments(reader, author.id, problems)
        if c.session_id in in_period or reading.period.holds(c.record["created_at"])
    )


def _ignored(item, names: dict[str, str]) -> m.IgnoredRecord:
    record = item.record
    return m.IgnoredRecord(
        id=str(record.get("id", "")),
        date=str(record.get("date", "")),
        by=names.get(str(record.get("by")), "unknown"),
        why=item.why,
    )


def _actions_section(last) -> tuple[m.Action, ...]:
    """What the last supervision record (on or before the period's end) agreed."""
    return tuple(
        m.Action(
            id=a.get("id"),
            text=a.get("text", ""),
            owner=a.get("owner", ""),
            due=a.get("due"),
            done=bool(a.get("done")),
        )
        for a in (last.actions if last else [])
    )


def _by_checklist(sessions: list[Session]) -> dict[str, m.ChecklistCount]:
    titles: dict[str, str] = {}
    counts: Counter = Counter()
    for s in sessions:
        titles.setdefault(s.checklist_id, s.record["checklist"].get("title", ""))
        counts[s.checklist_id] += 1
    return {key: m.ChecklistCount(title, counts[key]) for key, title in titles.items()}


def _by_week(sessions: list[Session], period: Period) -> tuple[m.WeekCount, ...]:
    """Every week of the period (weeks start on Monday), zeros included, for a chart."""
    start = period.since - timedelta(days=period.since.weekday())
    weeks = Counter()
    for s in sessions:
        day = date.fromisoformat(s.record["completed_at"][:10])
        weeks[day - timedelta(days=day.weekday())] += 1
    out = []
    week = start
    while week <= period.until:
        out.append(m.WeekCount(week.isoformat(), weeks[week]))
        week += timedelta(days=7)
    return tuple(out)


def _older_than(stamp: str, now: datetime, age: timedelta) -> bool:
    """Whether a stored stamp is more than `age` ago; an unreadable one is not."""
    try:
        moment = dates.moment(stamp)
        return moment is not None and now - moment > age
    except TypeError:  # not text, or a time without its offset
        return False


def _session_row(session: Session, shown: list | None) -> m.SessionRow:
    return m.SessionRow(
        id=session.id,
        checklist=session.checklist_id,
        title=session.record["checklist"].get("title", session.checklist_id),
        completed_at=session.record.get("completed_at"),
        setting=session.setup.get("setting", ""),
        stage=session.setup.get("stage", ""),
        flagged=session.flagged,
        answered=sum(1 for _i, a, _r in _shown_answers(session, shown) if a.get("response")),
        shown=len(shown) if shown is not None else len(session.answers),
    )


@dataclass(frozen=True)
class OverviewRow:
    """One supervisee on a supervisor's list."""

    person: Person
    name: str
    last_supervision: str | None
    since: str
    sessions: int  # finished since their last supervision
    flagged: int
    stale_drafts: int  # unfinished and untouched for more than a week
    problems: int
    opened: int  # sessions read to count these (finished or not), for the audit trail
    # Of `problems`, the records that cannot be believed (damaged, not signed by their author,
    # someone else's in their folder, read through a link) rather than not shared yet.
    left_out: int = 0


def supervisee_overview(store, reader: Person) -> list[OverviewRow]:
    """For a supervisor's list: each supervisee's sessions since their last supervision,
    what they flagged, and unfinished sessions older than a week, in the order people are
    listed. Reading them is audited by the service that asks (services/summaries.py), which
    also sorts them by name."""
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
        out.append(
            OverviewRow(
                person=person,
                name=person.name,
                last_supervision=last,
                since=period.since.isoformat(),
                sessions=len(finished),
                flagged=sum(1 for s in finished if s.flagged),
                stale_drafts=sum(
                    1 for s in drafts if _older_than(s.record["updated_at"], now, STALE_DRAFT)
                ),
                problems=len(problems),
                opened=len(sessions),
                left_out=sum(1 for p in problems if not isinstance(p, NotShared)),
            )
        )
    return out
