"""Words, numbers and dates shared by the summary renderers (Markdown, HTML, NMC draft).

Everything here reads the typed summary (store/reports/summary_model.py, the fields of
`docs/summary-format.md`), so the three renderers say the same things in the same words.
The standing words (reason levels, requirements, response labels) are in `wording.py`.
No Textual, no Rich: these are pure functions from data to text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from datetime import date, datetime

from checklists import SETTINGS, STAGES
from checklists.dates import day_or_moment as _parse
from store.reports.summary_model import (
    BarrierDetail,
    IgnoredRecord,
    RequirementFigures,
    SessionRow,
    Summary,
    UnfinishedSession,
    WeekCount,
)

from .wording import MIN_CONTACTS_TO_COMPARE, NO_COMPARISON, RESPONSE_ORDER, requirement_key
from .wording import response_label as response_label  # callers read it here too

# --- requirements --------------------------------------------------------------------------


def sorted_requirements(summary: Summary) -> list[tuple[str, RequirementFigures]]:
    """(number, figures) for every requirement in the summary, in number order."""
    return sorted(summary.requirements.items(), key=lambda pair: requirement_key(pair[0]))


def answered_count(figures: RequirementFigures) -> int:
    """Answers given for a requirement (not counting items left unanswered)."""
    return sum(figures.count(r) for r in ("done", "partly", "not_done", "not_applicable"))


def total_count(figures: RequirementFigures) -> int:
    return sum(figures.count(r) for r in RESPONSE_ORDER)


# --- numbers -------------------------------------------------------------------------------


def percent(share: float | None) -> str:
    """0.75 -> '75%'; None (nothing answered) -> '—'."""
    if share is None:
        return "—"
    return f"{round(share * 100)}%"


def change_points(change: float | None) -> int | None:
    """A change in share as whole percentage points, or None."""
    if change is None:
        return None
    return round(change * 100)


def change_text(figures: RequirementFigures) -> str:
    """'▲ 15 pts', '▼ 5 pts', 'no change', 'no earlier figures' or 'none answered now'."""
    if figures.previous_share_done is None:
        return "no earlier figures"
    if figures.share_done is None:
        return "none answered now"
    points = change_points(figures.change)
    if points is None:
        # The builder gave both shares but no change: work it out.
        points = round((figures.share_done - figures.previous_share_done) * 100)
    if points > 0:
        return f"▲ {points} pts"
    if points < 0:
        return f"▼ {-points} pts"
    return "no change"


def bar(share: float | None, width: int = 10) -> str:
    """A text bar of the share done: 0.75 -> '████████░░'. Empty share -> dots."""
    if share is None:
        return "·" * width
    filled = max(0, min(width, round(share * width)))
    return "█" * filled + "░" * (width - filled)


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 session', '2 sessions', '0 sessions'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def times(count: int) -> str:
    """'once', 'twice', '3 times'."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def join_words(parts: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [p for p in parts if p]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- dates ---------------------------------------------------------------------------------


def format_date(value: str | None) -> str:
    """'2026-11-22' or '2026-11-22T10:00:00+00:00' -> '22 Nov 2026'. Unreadable -> as given."""
    moment = _parse(value)
    if moment is None:
        return str(value) if value else "—"
    return f"{moment.day} {moment.strftime('%b %Y')}"


def format_short_date(value: str | None) -> str:
    """'2026-11-16' -> '16 Nov' (for week labels on a chart)."""
    moment = _parse(value)
    if moment is None:
        return str(value) if value else "—"
    return f"{moment.day} {moment.strftime('%b')}"


def format_datetime(value: str | None) -> str:
    """'2026-11-22T10:00:00+00:00' -> '22 Nov 2026 10:00'; a bare date stays a date."""
    moment = _parse(value)
    if moment is None:
        return str(value) if value else "—"
    if not isinstance(moment, datetime):
        return format_date(value)
    return f"{moment.day} {moment.strftime('%b %Y %H:%M')}"


def date_range(since: str | None, until: str | None) -> str:
    """'22 Aug 2026 to 22 Nov 2026'."""
    return f"{format_date(since)} to {format_date(until)}"


BASIS_TEXT: dict[str, str] = {
    "last_supervision": "since the last supervision record",
    "three_months": "the last three months; there is no earlier supervision record",
    "given": "dates chosen for this summary",
}


def period_text(summary: Summary) -> str:
    """'22 Aug 2026 to 22 Nov 2026 (since the last supervision record)'."""
    period = summary.period
    text = date_range(period.since, period.until)
    basis = BASIS_TEXT.get(period.basis)
    return f"{text} ({basis})" if basis else text


def activity_sentence(summary: Summary) -> str:
    """'12 finished checklists and 1 unfinished in this period.' or a kind 'none' sentence."""
    finished, unfinished = summary.activity.finished, summary.activity.unfinished
    if not finished and not unfinished:
        return "No checklists were recorded in this period."
    if not finished:
        return f"No finished checklists in this period, and {unfinished} unfinished."
    return f"{plural(finished, 'finished checklist')} and {unfinished} unfinished in this period."


def comparison_shown(summary: Summary) -> bool:
    """Whether changes from the period before may be shown: only when both periods have at
    least `MIN_CONTACTS_TO_COMPARE` finished checklists (contacts)."""
    activity = summary.activity
    return min(activity.finished, activity.previous_finished) >= MIN_CONTACTS_TO_COMPARE


def no_comparison_text(summary: Summary) -> str:
    """'fewer than 5 contacts: no comparison (3 in this period, 2 in the one before)'."""
    activity = summary.activity
    return (
        f"{NO_COMPARISON} ({activity.finished} in this period, "
        f"{activity.previous_finished} in the one before)"
    )


def compared_with_text(summary: Summary) -> str:
    """The period before, and whether the figures are compared with it."""
    previous = previous_period_text(summary) or "no earlier period"
    return previous if comparison_shown(summary) else f"{previous}; {no_comparison_text(summary)}"


def previous_period_text(summary: Summary) -> str | None:
    previous = summary.period.previous
    if previous is None:
        return None
    return date_range(previous.since, previous.until)


def activity_buckets(
    weeks: tuple[WeekCount, ...], since: str | None = None
) -> tuple[str, list[tuple[str, int]]]:
    """The period's weekly counts, grouped so a chart stays readable.

    Up to 26 weeks: one bar a week ('17 Aug'). Up to 24 months: one a month ('Aug 2026').
    Longer: one a year ('2026'). A week counts in the month or year its Monday falls in (or
    the period's first day, for a first week that starts before the period).
    Returns the unit ('week', 'month' or 'year') and (label, count) pairs in order.
    """
    start = _parse(since)
    if len(weeks) <= 26:
        return "week", [(format_short_date(w.week_start), w.count) for w in weeks]
    months: dict[str, int] = {}
    years: dict[str, int] = {}
    for week in weeks:
        moment = _parse(week.week_start)
        count = week.count
        if moment is None:
            continue
        if isinstance(start, date) and not isinstance(start, datetime) and moment < start:
            moment = start
        month = f"{moment.strftime('%b')} {moment.year}"
        months[month] = months.get(month, 0) + count
        years[str(moment.year)] = years.get(str(moment.year), 0) + count
    if len(months) <= 24:
        return "month", list(months.items())
    return "year", list(years.items())


# --- places, stages, checklists, reasons ---------------------------------------------------

_SETTING_LABELS = dict(SETTINGS)
_STAGE_LABELS = dict(STAGES)


def _humane(key: str) -> str:
    text = str(key).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else "—"


def setting_label(key: str | None) -> str:
    return _SETTING_LABELS.get(key or "", _humane(key or "not recorded"))


def stage_label(key: str | None) -> str:
    return _STAGE_LABELS.get(key or "", _humane(key or "not recorded"))


def unfinished_text(entry: UnfinishedSession) -> str:
    """'Any contact: started 20 Nov 2026 09:15, last changed 20 Nov 2026 09:40 (over a week)'."""
    words = (
        f"{entry.title or entry.checklist or 'Checklist'}: started "
        f"{format_datetime(entry.started_at)}, last changed "
        f"{format_datetime(entry.updated_at)}"
    )
    return words + (" (untouched for over a week)" if entry.stale else "")


def barrier_entries(summary: Summary, level: str) -> list[BarrierDetail]:
    """The barrier_details entries for one level, most frequent first.

    Falls back to the plain `barriers` counts (reason id -> count) if details are missing.
    """
    details = summary.barrier_details.get(level)
    if details is None:
        counts = summary.barriers.get(level) or {}
        details = tuple(
            BarrierDetail(reason=reason, label=_humane(reason), count=count)
            for reason, count in counts.items()
        )
    return sorted(details, key=lambda d: (-d.count, d.label))


def reasons_words(summary: Summary, item) -> str | None:
    """The words for every reason given for a critical item (`reasons`, or its one `reason`
    in a summary written before more than one could be given), joined by "; "."""
    given = list(getattr(item, "reasons", ()) or ()) or ([item.reason] if item.reason else [])
    labels = [label for label in (reason_label(summary, r) for r in given) if label]
    return "; ".join(labels) or None


def reason_label(summary: Summary, reason: str | None) -> str | None:
    """The words for a reason id, from the summary's own barrier details."""
    if not reason:
        return None
    for entries in summary.barrier_details.values():
        for entry in entries:
            if entry.reason == reason:
                return entry.label or _humane(reason)
    return _humane(reason)


def sessions_by_id(summary: Summary) -> dict[str, SessionRow]:
    return {s.id: s for s in summary.sessions if s.id}


def several_checklists(summary: Summary) -> bool:
    """Whether more than one checklist was used, so entries need to say which."""
    return len(summary.activity.by_checklist) > 1


def session_label(
    summary: Summary, session_id: str | None, when: str | None = None, title: str | None = None
) -> str:
    """'14 Nov 2026 · Any contact' for the session an entry came from; just the date when the
    period used only one checklist."""
    session = sessions_by_id(summary).get(session_id or "")
    moment = when or (session.completed_at if session else None)
    title = title or (session.title if session else None)
    parts = [format_date(moment) if moment else None]
    if several_checklists(summary) or not moment:
        parts.append(title)
    return " · ".join(p for p in parts if p) or "a session in this period"


# --- free text -----------------------------------------------------------------------------


def wrap(
    text: str,
    width: int,
    prefix: str = "",
    first: str | None = None,
    break_long_words: bool = True,
) -> list[str]:
    """The practitioner's words, line breaks kept, wrapped to `width` with a prefix.

    The words are not changed; only long lines are folded (a word longer than a line is cut,
    unless `break_long_words` is False). Blank lines stay (as the prefix).
    """
    lines: list[str] = []
    first_prefix = prefix if first is None else first
    for raw in str(text).splitlines() or [""]:
        lead = first_prefix if not lines else prefix
        if not raw.strip():
            lines.append(prefix.rstrip())
            continue
        folded = textwrap.wrap(
            raw,
            width=width,
            initial_indent=lead,
            subsequent_indent=prefix,
            break_on_hyphens=False,
            break_long_words=break_long_words,
            replace_whitespace=False,
            drop_whitespace=True,
        )
        lines.extend(folded or [lead.rstrip()])
    return lines


def has_text(entry: object, key: str = "text") -> bool:
    return bool(str(getattr(entry, key, None) or "").strip())


# --- NMC Code themes -----------------------------------------------------------------------

CODE_THEMES: tuple[str, ...] = (
    "Prioritise people",
    "Practise effectively",
    "Preserve safety",
    "Promote professionalism and trust",
)


def suggested_theme(number: str) -> str | None:
    """A simple suggestion: 7.x (approach) -> Prioritise people, 8.x (care delivery) ->
    Practise effectively. Anything else gets no suggestion."""
    head = str(number).split(".")[0]
    return {"7": "Prioritise people", "8": "Practise effectively"}.get(head)


def ignored_record(record: IgnoredRecord) -> str:
    """One plain sentence naming a supervision record the period did not start from."""
    by = f" naming {record.by}" if record.by and record.by != "unknown" else ""
    return (
        f"Not counted: a supervision record of {format_date(record.date)}{by} ({record.why}), "
        "so this period does not start from it."
    )
