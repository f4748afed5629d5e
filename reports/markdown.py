"""The supervision summary as Markdown: readable as plain text in a terminal, and pasteable
into a supervision record.

Its three parts follow Proctor's three functions of supervision, headed in plain words ("What
I did" = normative, "What I learned" = formative, "How I am" = restorative, each named under
its heading; see wording.PART_*), with Activity, Barriers, Flagged for supervision,
Comments and the actions agreed last time. Lines stay within 100 characters, except table
rows and a word longer than that. The practitioner's own words are quoted as they wrote them,
as text (`markdown_text`): rendered, nothing they typed becomes HTML, a link, a heading or a
list. The file is GitHub-flavoured Markdown (it says so in its first line): a blank line
before every list, and each line that must stay a line is a paragraph of its own.
"""

from __future__ import annotations

from store.reports.summary_model import Entry, Summary, as_summary

from . import text as t
from . import wording
from .markdown_text import fold, md, md_lines

WIDTH = 96  # wrap prose and quotes to this, leaving room under the 100-character limit
FIRST_LINE = "<!-- GitHub-flavoured Markdown (GFM, with tables): a supervision summary. -->"


def _para(words: str, prefix: str = "") -> list[str]:
    """The template's own words (any typed words in them already escaped), folded."""
    return fold(words, WIDTH, prefix=prefix)


def _bullet(words: str) -> list[str]:
    """One list item of the template's words (typed words in them already escaped)."""
    return fold(words, WIDTH, "  ", "- ")


def _quote(label: str, words: str | None, empty: str = "(nothing written)") -> list[str]:
    """A bullet naming where the words came from, then the words as a quote under it."""
    lines = _bullet(md(label))
    if words and str(words).strip():
        lines.extend(md_lines(str(words), WIDTH, prefix="  > "))
    else:
        lines.append(f"  {empty}")
    return lines


def _table(header: list[str], rows: list[list[str]], align: list[str]) -> list[str]:
    """A Markdown table padded so it also lines up as plain text ('l' or 'r' per column)."""

    def cell(value: str) -> str:
        return md(value)

    body = [[cell(v) for v in row] for row in rows]
    head = [cell(v) for v in header]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    widths = [max(w, 3) for w in widths]

    def line(values: list[str]) -> str:
        cells = [
            v.rjust(widths[i]) if align[i] == "r" else v.ljust(widths[i])
            for i, v in enumerate(values)
        ]
        return "| " + " | ".join(cells) + " |"

    rule = "| " + " | ".join(
        ("-" * (w - 1) + ":") if a == "r" else "-" * w for w, a in zip(widths, align, strict=True)
    )
    return [line(head), rule + " |", *(line(r) for r in body)]


# --- sections ------------------------------------------------------------------------------


def _header(summary: Summary) -> list[str]:
    person = md(summary.person) or "—"
    lines = [FIRST_LINE, "", f"# Supervision summary: {person}", ""]
    lines.extend(_bullet(f"Period: {md(t.period_text(summary))}"))
    lines.extend(_bullet(f"Compared with: {md(t.compared_with_text(summary))}"))
    by = summary.prepared_by
    at = summary.prepared_at
    if by or at:
        prepared = "Prepared"
        if by:
            prepared += f" by {md(by)}"
        if at:
            prepared += f" on {md(t.format_datetime(at))}"
        lines.extend(_bullet(prepared))
    lines.append("")
    lines.extend(
        _para(
            "The figures are an aid to reflection, not a measure of quality: read them with "
            "the reflections further down. Nothing here should identify a woman. The "
            "practitioner's own words are quoted as they wrote them."
        )
    )
    return lines


def _activity(summary: Summary) -> list[str]:
    activity = summary.activity
    lines = ["## Activity", ""]
    lines.append(t.activity_sentence(summary))
    by_checklist = activity.by_checklist
    if by_checklist:
        lines.append("")
        lines.append("By checklist:")
        lines.append("")
        for key, entry in sorted(by_checklist.items(), key=lambda kv: -kv[1].count):
            lines.extend(_bullet(f"{md(entry.title or key)} ({entry.count})"))
    for heading, counts, labeller in (
        ("By setting", activity.by_setting, t.setting_label),
        ("By stage", activity.by_stage, t.stage_label),
    ):
        if counts:
            parts = [
                f"{md(labeller(k))} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])
            ]
            lines.append("")
            lines.extend(_para(f"{heading}: " + " · ".join(parts)))

    lines.append("")
    unit, buckets = t.activity_buckets(activity.by_week, summary.period.since)
    if buckets and any(count for _, count in buckets):
        top = max(count for _, count in buckets)
        # Whole blocks per checklist when they fit in 30 columns, else scaled down to 30.
        scale = max(1, 30 // top) if top <= 30 else 30 / top
        room = round(top * scale)
        prefix = "w/c " if unit == "week" else ""
        width = max(len(prefix + label) for label, _ in buckets)
        heading = {
            "week": "Finished checklists by week (w/c = week commencing):",
            "month": "Finished checklists by month (each week counted in the month it starts):",
            "year": "Finished checklists by year (each week counted in the year it starts):",
        }[unit]
        lines.append(heading)
        lines.append("")
        lines.append("```text")
        for label, count in buckets:  # dates and numbers, inside a code block
            label = label.replace("`", "'")  # never the end of the code block
            blocks = "█" * max(1 if count else 0, round(count * scale))
            lines.append(f"{prefix + label:<{width}}  {blocks:<{room}} {count:>3}".rstrip())
        lines.append("```")
    else:
        lines.append("No finished checklists in this period, so there is no week-by-week chart.")

    if activity.unfinished_sessions:
        lines.append("")
        lines.append("Unfinished checklists (they can be resumed or left):")
        lines.append("")
        for s in activity.unfinished_sessions:
            lines.extend(_bullet(md(t.unfinished_text(s))))
    return lines


def _standards(summary: Summary) -> list[str]:
    lines = [f"## {wording.PART_HEADINGS['standards']}", ""]
    lines.extend(_para(wording.PART_INTROS["standards"]))
    lines.append("")
    # Each its own paragraph: renderers join lines that follow one another.
    lines.append(f"Key: {wording.legend()}")
    lines.append("")
    lines.extend(_para(wording.SHARE_DONE_NOTE))
    lines.append("")
    compared = t.comparison_shown(summary)
    if not compared:
        lines.extend(_para(f"Change since the period before: {t.no_comparison_text(summary)}."))
        lines.append("")
    requirements = t.sorted_requirements(summary)
    if requirements:
        header = [
            "Req",
            "Requirement",
            *(f"{wording.SYMBOLS[r]} {wording.SHORT_LABELS[r]}" for r in wording.RESPONSE_ORDER),
            "Share done",
            *(["Change"] if compared else []),
        ]
        rows = []
        for number, figures in requirements:
            rows.append(
                [
                    number,
                    figures.title,
                    *(str(figures.count(r)) for r in wording.RESPONSE_ORDER),
                    f"{t.bar(figures.share_done)} {t.percent(figures.share_done):>4}",
                    *([t.change_text(figures)] if compared else []),
                ]
            )
        align = ["l", "l", "r", "r", "r", "r", "r", "l", "l"][: len(header)]
        lines.extend(_table(header, rows, align))
    else:
        lines.append("No requirements were answered in this period.")

    lines.extend(["", "### Critical items not done", ""])
    critical = summary.critical_not_done
    if not critical:
        lines.append("No critical items were left undone.")
    for item in critical:
        reason = t.reasons_words(summary, item) or "no reason given"
        where = t.session_label(summary, item.session_id, item.completed_at)
        words = (
            f"“{md(item.prompt or item.item_id)}”: "
            f"{md(wording.response_label(item.response).lower())}. Why: {md(reason)}. "
            f"({md(where)})"
        )
        lines.extend(_bullet(words))
    return lines


def _barriers(summary: Summary) -> list[str]:
    lines = ["## Barriers: why things were partly or not done", ""]
    lines.extend(_para(wording.BARRIERS_INTRO))
    for level in wording.REASON_LEVELS:
        lines.extend(["", f"### {wording.LEVEL_HEADINGS[level]}", ""])
        entries = t.barrier_entries(summary, level)
        if not entries:
            lines.append(wording.LEVEL_EMPTY[level])
            continue
        lines.extend(_para(wording.LEVEL_INTROS[level]))
        lines.append("")
        for entry in entries:
            words = f"{md(entry.label or entry.reason)}: {t.times(entry.count)}"
            if entry.requirements:
                points = "; ".join(md(f"{r.number} {r.title}".strip()) for r in entry.requirements)
                words += f". Service requirement: {points}"
            lines.extend(_bullet(words + "."))
    no_reason = summary.no_reason
    if no_reason:
        lines.append("")
        lines.extend(
            _para(
                f"{t.plural(no_reason, 'answer')} marked Partly or Not done had no reason "
                "given. That is fine; it may be worth a word together."
            )
        )
    return lines


def _entries(summary: Summary, entries: tuple[Entry, ...], empty: str) -> list[str]:
    lines: list[str] = []
    shown = [e for e in entries if t.has_text(e)]
    if not shown:
        return [empty]
    for entry in shown:
        where = t.session_label(summary, entry.session_id, entry.completed_at)
        lines.extend(_quote(where, entry.text))
    return lines


def _learning(summary: Summary) -> list[str]:
    learning = summary.learning
    lines = [f"## {wording.PART_HEADINGS['learning']}", ""]
    lines.extend(_para(wording.PART_INTROS["learning"]))
    lines.extend(["", "### What I would do differently", ""])
    lines.extend(_entries(summary, learning.differently, "Nothing written here this time."))
    lines.extend(["", "### What went well", ""])
    lines.extend(_entries(summary, learning.went_well, "Nothing written here this time."))
    lines.extend(["", "### Language", ""])
    terms = learning.language.terms
    if not terms:
        lines.append("The language coach had no suggestions this time.")
    else:
        total = learning.language.total or sum(x.count for x in terms)
        lines.extend(
            _para(
                f"The language coach suggested other words {t.times(total)}. A prompt to "
                "think about, not a judgement:"
            )
        )
        lines.append("")
        for term in terms:
            words = f"“{md(term.term)}” ({t.times(term.count)}): try “{md(term.prefer)}”"
            lines.extend(_bullet(words))
    return lines


def _wellbeing(summary: Summary) -> list[str]:
    wellbeing = summary.wellbeing
    lines = [f"## {wording.PART_HEADINGS['wellbeing']}", ""]
    lines.extend(_para(wording.PART_INTROS["wellbeing"]))
    lines.extend(["", "### How I feel", ""])
    lines.extend(_entries(summary, wellbeing.feelings, "Nothing written here this time."))
    lines.extend(["", "### What was difficult", ""])
    lines.extend(_entries(summary, wellbeing.difficult, "Nothing written here this time."))
    lines.extend(["", "### Emotionally heavy contacts", ""])
    heavy = wellbeing.heavy_sessions
    if not heavy:
        lines.append("No contacts were marked as emotionally heavy this time.")
    else:
        lines.extend(
            _para("Contacts that may have been hard to carry. Nothing here is a judgement.")
        )
        lines.append("")
        for entry in heavy:
            where = t.session_label(summary, entry.session_id, entry.completed_at)
            lines.extend(_bullet(md(f"{where} — {entry.why}".rstrip(" —"))))
    return lines


def _flagged(summary: Summary) -> list[str]:
    lines = ["## Flagged for supervision", ""]
    if not summary.flagged:
        lines.append("Nothing flagged this time.")
    for entry in summary.flagged:
        label = t.session_label(summary, entry.session_id, entry.completed_at, entry.title)
        lines.extend(_quote(label, entry.text, "(flagged without a note)"))
    return lines


def _comments(summary: Summary) -> list[str]:
    lines = ["## Comments", ""]
    if not summary.comments:
        lines.append("No comments on sessions this time.")
    for comment in summary.comments:
        where = t.session_label(summary, comment.session_id)
        label = f"{comment.by or 'Someone'}, {t.format_datetime(comment.created_at)}"
        label += f", on the contact of {where}"
        lines.extend(_quote(label, comment.text))
    return lines


def _actions(summary: Summary) -> list[str]:
    lines = ["## Agreed actions from last time", ""]
    record = summary.last_record
    actions = summary.actions
    if record:
        source = f"From the supervision record of {md(t.format_date(record.date))}"
        if record.by:
            source += f" with {md(record.by)}"
        lines.extend(_para(source + "."))
        lines.append("")
    for ignored in summary.ignored_records:
        lines.extend(_para(md(t.ignored_record(ignored))))
        lines.append("")
    if not actions:
        lines.append(
            "No actions were agreed last time."
            if record
            else "There is no earlier supervision record, so no actions to look back on."
        )
        return lines
    for action in actions:
        box = "[x]" if action.done else "[ ]"
        extra = [action.owner]
        if action.due:
            extra.append(f"due {t.format_date(action.due)}")
        details = ", ".join(md(p) for p in extra if p)
        words = f"{box} {md(action.text)}" + (f" ({details})" if details else "")
        lines.extend(fold(words, WIDTH, "      ", "- "))
    done = sum(1 for a in actions if a.done)
    lines.append("")
    lines.append(f"{done} of {len(actions)} marked done.")
    return lines


SECTIONS = (
    _header,
    _activity,
    _standards,
    _barriers,
    _learning,
    _wellbeing,
    _flagged,
    _comments,
    _actions,
)


def render_markdown(summary: Summary | dict) -> str:
    """The whole summary as Markdown text, ending in a newline."""
    summary = as_summary(summary)
    lines: list[str] = []
    for section in SECTIONS:
        if lines:
            lines.append("")
        lines.extend(section(summary))
    return "\n".join(lines).rstrip() + "\n"
