"""The supervision summary as one self-contained, printable HTML5 page.

No external files, scripts, web fonts or linked images: the style is inline, and the charts are
inline SVG with numbers and symbols beside the colours (✓ ◐ ✗ – ·), in a colour-blind-friendly
palette (Okabe and Ito). Every piece of text from the summary is HTML-escaped.

Printed, headings, captions and table heads stay with what follows them, a table row or a quote
is never split across pages, a long table repeats its head, and every page carries the
person, the period and its page number in its margins (CSS `@page` margin boxes; the words
go in as CSS escapes, so no name can end the style). Changes from the previous period are
shown only when both periods have at least 5 finished checklists (`text.comparison_shown`).
"""

from __future__ import annotations

import html
import math

from store.reports.summary_model import (
    Entry,
    RequirementFigures,
    Summary,
    WeekCount,
    as_summary,
)

from . import text as t
from . import wording

# Okabe-Ito colours: distinguishable with the common colour-vision differences, and the
# symbols and numbers say the same thing without colour.
COLOURS: dict[str, str] = {
    "done": "#0072B2",
    "partly": "#56B4E9",
    "not_done": "#E69F00",
    "not_applicable": "#D4D4D4",
    "unanswered": "#FFFFFF",
}
INK: dict[str, str] = {
    "done": "#FFFFFF",
    "partly": "#000000",
    "not_done": "#000000",
    "not_applicable": "#000000",
    "unanswered": "#000000",
}

STYLE = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #555; --rule: #c8c8c8; --tint: #f3f6f9; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Segoe UI", Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  color: var(--ink); background: #fff; line-height: 1.45; font-size: 15px;
  max-width: 820px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 1.7em; margin: 0 0 .2em; }
h2 { font-size: 1.3em; margin: 1.6em 0 .3em; padding-bottom: .15em;
  border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05em; margin: 1.2em 0 .3em; }
h1, h2, h3, caption, .function, .from { break-after: avoid; page-break-after: avoid; }
h1, h2, h3 { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
thead, tr { break-inside: avoid; page-break-inside: avoid; }
table { break-inside: avoid; page-break-inside: avoid; }
tbody tr:first-child { break-before: avoid; page-break-before: avoid; }
p { margin: .35em 0 .6em; }
.function { color: var(--muted); font-style: italic; margin-top: 0; }
.muted, .from, .kind { color: var(--muted); }
.kind { font-style: italic; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1em 1em; margin: .6em 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.note { background: var(--tint); border-left: 4px solid #0072B2; padding: .5em .8em; }
.glance { display: flex; flex-wrap: wrap; gap: 8px; margin: 1em 0 0; padding: 0; list-style: none; }
.glance li { border: 1px solid var(--rule); border-radius: 6px; padding: .35em .7em;
  flex: 1 1 7em; font-size: .92em; }
.glance b { display: block; font-size: 1.4em; line-height: 1.2; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 .8em; font-size: .92em; }
th, td { border-bottom: 1px solid var(--rule); padding: .3em .4em; text-align: left;
  vertical-align: middle; }
thead th { border-bottom: 2px solid var(--ink); vertical-align: bottom; font-size: .88em;
  line-height: 1.2; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead th.n { white-space: normal; }
td.bar { width: 164px; padding-right: .2em; }
th.req { font-weight: normal; min-width: 11em; }
th.req b { display: inline-block; min-width: 2.2em; }
.trio { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 0 24px;
  align-items: start; }
.trio table { margin-bottom: .4em; }
td.bar svg { display: block; }
.sym { display: block; font-size: 1.15em; line-height: 1.1; }
.counts { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: .2em 0 .8em; padding: 0;
  list-style: none; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: .3em 0 .4em; padding: 0;
  list-style: none; font-size: .92em; }
.legend svg { vertical-align: -3px; margin-right: 4px; }
.change-up { color: #00557f; font-weight: 600; }
.change-down { color: #8a4b00; font-weight: 600; }
figure { margin: .6em 0 1em; break-inside: avoid; }
figcaption { font-size: .9em; color: var(--muted); margin-top: .2em; }
ul.quotes { list-style: none; padding: 0; margin: .3em 0 .8em; }
ul.quotes li { margin: 0 0 .7em; break-inside: avoid; }
ul.quotes .from { font-size: .88em; margin: 0 0 .1em; }
blockquote { margin: 0; padding: .3em .8em; border-left: 4px solid #56B4E9;
  background: var(--tint); white-space: pre-wrap; overflow-wrap: anywhere; }
ul.plain { padding-left: 1.2em; margin: .3em 0 .8em; }
ul.plain li { margin-bottom: .25em; }
ul.actions { list-style: none; padding: 0; }
ul.actions li { margin: 0 0 .4em; padding-left: 1.8em; text-indent: -1.8em; }
.box { display: inline-block; width: 1.8em; text-indent: 0; font-size: 1.1em; }
.status { font-size: .85em; border: 1px solid var(--rule); border-radius: 4px;
  padding: 0 .35em; margin-left: .3em; white-space: nowrap; }
.level { border: 1px solid var(--rule); border-radius: 6px; padding: .1em .9em .4em;
  margin: .8em 0; break-inside: avoid; }
.level h3 { margin-top: .6em; }
footer { margin-top: 2.5em; border-top: 1px solid var(--rule); padding-top: .5em;
  font-size: .82em; color: var(--muted); }
@page { size: A4; margin: 16mm 14mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { margin-top: 1.1em; }
  tr, li, figure, .level, blockquote { break-inside: avoid; page-break-inside: avoid; }
  .note { border-left-color: #000; }
}
"""
# The margins of every printed page: who, which period, which page. Filled by `_page_style`.
PAGE_STYLE = """
@page {
  @top-left { content: %(person)s; font: 9pt sans-serif; color: #333; }
  @top-right { content: %(period)s; font: 9pt sans-serif; color: #333; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt sans-serif;
    color: #333; }
}
"""


def e(value: object) -> str:
    """Escape any value for HTML text or an attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def css_string(value: object) -> str:
    """Any value as a quoted CSS string: everything but letters, digits and spaces as a CSS
    escape (`\\3a ` for `:`; the space ends the escape and is not shown), so no quote,
    backslash, line break or `</style>` can end the string or the style."""
    text = " ".join(str("" if value is None else value).split())
    inner = "".join(
        char if (char.isascii() and char.isalnum()) or char == " " else f"\\{ord(char):x} "
        for char in text
    )
    return f'"{inner}"'


def _page_style(summary: Summary) -> str:
    period = summary.period
    return PAGE_STYLE % {
        "person": css_string(f"Supervision summary: {summary.person or '—'}"),
        "period": css_string(t.date_range(period.since, period.until)),
    }


# --- charts --------------------------------------------------------------------------------


def stacked_bar(
    number: str, figures: RequirementFigures, width: int = 168, height: int = 22
) -> str:
    """One requirement's answers as a horizontal stacked bar, symbols drawn in the segments."""
    counts = {r: figures.count(r) for r in wording.RESPONSE_ORDER}
    total = sum(counts.values())
    words = ", ".join(f"{counts[r]} {wording.LABELS[r].lower()}" for r in wording.RESPONSE_ORDER)
    label = f"Requirement {number}: {words}" if total else f"Requirement {number}: no answers"
    parts = [
        f'<svg role="img" aria-label="{e(label)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{e(label)}</title>'
    ]
    if not total:
        parts.append(
            f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#fff" '
            'stroke="#999" stroke-dasharray="3 2"/>'
            f'<text x="{width / 2}" y="{height / 2 + 4}" font-size="11" text-anchor="middle" '
            'fill="#555">no answers</text></svg>'
        )
        return "".join(parts)
    x = 0.0
    for response in wording.RESPONSE_ORDER:
        count = counts[response]
        if not count:
            continue
        w = width * count / total
        stroke = ' stroke="#777" stroke-dasharray="2 2"' if response == "unanswered" else ""
        parts.append(
            f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" '
            f'fill="{COLOURS[response]}"{stroke}/>'
        )
        if w >= 16:
            parts.append(
                f'<text x="{x + w / 2:.2f}" y="{height / 2 + 4.5}" font-size="13" '
                f'text-anchor="middle" fill="{INK[response]}">{e(wording.SYMBOLS[response])}</text>'
            )
        x += w
    parts.append(
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" '
        'stroke="#444" stroke-width="1"/></svg>'
    )
    return "".join(parts)


def swatch(response: str) -> str:
    stroke = ' stroke="#777" stroke-dasharray="2 2"' if response == "unanswered" else ""
    return (
        f'<svg width="16" height="14" viewBox="0 0 16 14" aria-hidden="true">'
        f'<rect x="0.5" y="0.5" width="15" height="13" fill="{COLOURS[response]}" '
        f'stroke="#444"{stroke}/></svg>'
    )


def activity_chart(weeks: tuple[WeekCount, ...], since: str | None = None) -> tuple[str, str]:
    """Finished checklists per week (or month, or year for long periods) as vertical bars,
    with the count over each bar. Returns the SVG and a caption."""
    unit, buckets = t.activity_buckets(weeks, since)
    width, height = 720, 200
    left, right, top, bottom = 34, 8, 18, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    counts = [count for _, count in buckets]
    peak = max(counts) if counts else 0
    scale_top = max(1, peak)
    step = plot_w / max(1, len(buckets))
    bar_w = max(2.0, min(36.0, step * 0.7))
    widest = max((len(label) for label, _ in buckets), default=1)
    label_every = max(1, math.ceil((widest * 6.5 + 6) / step))
    total = sum(counts)
    label = (
        f"Finished checklists per {unit}: {total} in {t.plural(len(buckets), unit)}, "
        f"at most {peak} in one {unit}"
    )
    parts = [
        f'<svg role="img" aria-label="{e(label)}" width="100%" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet"><title>{e(label)}</title>'
    ]
    # Gridlines: zero and the peak, labelled.
    for value in sorted({0, scale_top}):
        y = top + plot_h - plot_h * value / scale_top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{"#444" if value == 0 else "#ddd"}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#555">{value}</text>'
        )
    for i, (name, count) in enumerate(buckets):
        cx = left + step * i + step / 2
        h = plot_h * count / scale_top
        y = top + plot_h - h
        if count:
            parts.append(
                f'<rect x="{cx - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS["done"]}"/>'
            )
        if step >= 16:
            parts.append(
                f'<text x="{cx:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle" '
                f'fill="#1b1b1b">{count}</text>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{cx:.1f}" y="{height - bottom + 16}" font-size="11" '
                f'text-anchor="middle" fill="#333">{e(name)}</text>'
            )
    axis = {
        "week": "week commencing (Monday)",
        "month": "month (each week counted in the month its Monday falls in)",
        "year": "year (each week counted in the year its Monday falls in)",
    }[unit]
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 3}" font-size="11" '
        f'text-anchor="middle" fill="#555">{e(axis)}</text></svg>'
    )
    caption = f"Finished checklists in each {unit} of the period"
    caption += ", with the number over each bar." if step >= 16 else "."
    return "".join(parts), caption


# --- pieces --------------------------------------------------------------------------------


def _quotes(summary: Summary, entries: tuple[Entry, ...], empty: str) -> str:
    shown = [x for x in entries if t.has_text(x)]
    if not shown:
        return f'<p class="kind">{e(empty)}</p>'
    items = []
    for entry in shown:
        where = t.session_label(summary, entry.session_id, entry.completed_at)
        items.append(
            f'<li><p class="from">{e(where)}</p><blockquote>{e(entry.text)}</blockquote></li>'
        )
    return '<ul class="quotes">' + "".join(items) + "</ul>"


def _count_table(caption: str, heading: str, rows: list[tuple[str, int]]) -> str:
    body = "".join(f'<tr><th scope="row">{e(k)}</th><td class="n">{v}</td></tr>' for k, v in rows)
    return (
        f'<table><caption class="muted" style="text-align:left">{e(caption)}</caption>'
        f'<thead><tr><th scope="col">{e(heading)}</th><th scope="col" class="n">Finished</th>'
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


def _change_cell(figures: RequirementFigures) -> str:
    words = t.change_text(figures)
    cls = "change-up" if words.startswith("▲") else "change-down" if words.startswith("▼") else ""
    klass = f' class="n {cls}"' if cls else ' class="n"'
    return f"<td{klass}>{e(words)}</td>"


# --- sections ------------------------------------------------------------------------------


def _header(summary: Summary) -> str:
    person = summary.person or "—"
    rows = [("Period", t.period_text(summary)), ("Compared with", t.compared_with_text(summary))]
    if summary.prepared_by or summary.prepared_at:
        prepared = " on ".join(
            p
            for p in (
                summary.prepared_by,
                t.format_datetime(summary.prepared_at) if summary.prepared_at else None,
            )
            if p
        )
        rows.append(("Prepared by", prepared))
    meta = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    activity = summary.activity
    actions = summary.actions
    service = sum(x.count for x in t.barrier_entries(summary, "service"))
    glance = [
        ("Finished checklists", str(activity.finished)),
        ("Unfinished", str(activity.unfinished)),
        ("Flagged for supervision", str(len(summary.flagged))),
        ("Service barriers", str(service)),
        (
            ("Actions done", f"{sum(1 for a in actions if a.done)} of {len(actions)}")
            if actions
            else ("Agreed actions", "none")
        ),
    ]
    cards = "".join(f"<li><b>{e(v)}</b>{e(k)}</li>" for k, v in glance)
    return (
        f"<header><h1>Supervision summary: {e(person)}</h1>"
        f'<dl class="meta">{meta}</dl>'
        '<p class="note">The figures are an aid to reflection, not a measure of quality: read '
        "them with the reflections further down. Nothing here should identify a woman. The "
        "practitioner's own words are quoted as they wrote them.</p>"
        f'<ul class="glance" aria-label="At a glance">{cards}</ul></header>'
    )


def _activity(summary: Summary) -> str:
    activity = summary.activity
    out = [
        '<section id="activity"><h2>Activity</h2>',
        f"<p>{e(t.activity_sentence(summary))}</p>",
    ]
    tables: list[str] = []
    by_checklist = activity.by_checklist
    if by_checklist:
        rows = [
            (v.title or k, v.count)
            for k, v in sorted(by_checklist.items(), key=lambda kv: -kv[1].count)
        ]
        tables.append(_count_table("By checklist", "Checklist", rows))
    for caption, counts, labeller in (
        ("By setting", activity.by_setting, t.setting_label),
        ("By stage", activity.by_stage, t.stage_label),
    ):
        if counts:
            rows = [(labeller(k), v) for k, v in sorted(counts.items(), key=lambda kv: -kv[1])]
            tables.append(_count_table(caption, caption.removeprefix("By ").capitalize(), rows))
    if tables:
        out.append(f'<div class="trio">{"".join(tables)}</div>')
    weeks = activity.by_week
    if weeks and any(w.count for w in weeks):
        chart, caption = activity_chart(weeks, summary.period.since)
        out.append(f"<figure>{chart}<figcaption>{e(caption)}</figcaption></figure>")
    else:
        out.append(
            '<p class="kind">No finished checklists in this period, so there is no '
            "week-by-week chart.</p>"
        )
    unfinished_sessions = activity.unfinished_sessions
    if unfinished_sessions:
        items = "".join(f"<li>{e(t.unfinished_text(s))}</li>" for s in unfinished_sessions)
        out.append(
            "<h3>Unfinished checklists</h3><p>They can be resumed, or left.</p>"
            f'<ul class="plain">{items}</ul>'
        )
    out.append("</section>")
    return "".join(out)


def _part_head(part: str) -> str:
    """One of the three parts: its plain heading, then a line naming the model's term."""
    return (
        f'<section id="{part}"><h2>{e(wording.PART_HEADINGS[part])}</h2>'
        f'<p class="function">{e(wording.PART_INTROS[part])}</p>'
    )


def _standards(summary: Summary) -> str:
    out = [
        _part_head("standards"),
    ]
    legend = "".join(
        f"<li>{swatch(r)}{e(wording.SYMBOLS[r])} {e(wording.LABELS[r].lower())}</li>"
        for r in wording.RESPONSE_ORDER
    )
    out.append(f'<ul class="legend" aria-label="Key">{legend}</ul>')
    out.append(f'<p class="muted">{e(wording.SHARE_DONE_NOTE)}</p>')
    compared = t.comparison_shown(summary)
    if not compared:
        out.append(
            f'<p class="kind">Change since the period before: {e(t.no_comparison_text(summary))}.'
            "</p>"
        )
    requirements = t.sorted_requirements(summary)
    if requirements:
        heads = "".join(
            f'<th scope="col" class="n"><span class="sym" aria-hidden="true">'
            f"{e(wording.SYMBOLS[r])}</span>{e(wording.SHORT_LABELS[r])}</th>"
            for r in wording.RESPONSE_ORDER
        )
        rows = []
        for number, figures in requirements:
            cells = "".join(
                f'<td class="n">{figures.count(r)}</td>' for r in wording.RESPONSE_ORDER
            )
            rows.append(
                f'<tr><th scope="row" class="req"><b>{e(number)}</b> '
                f"{e(figures.title)}</th>"
                f'<td class="bar">{stacked_bar(number, figures, width=156)}</td>{cells}'
                f'<td class="n">{e(t.percent(figures.share_done))}</td>'
                f"{_change_cell(figures) if compared else ''}</tr>"
            )
        out.append(
            '<table><caption class="muted" style="text-align:left">Answers by requirement'
            "</caption><thead><tr>"
            '<th scope="col">Requirement</th>'
            f'<th scope="col">Answers</th>{heads}'
            '<th scope="col" class="n">Share done</th>'
            + ('<th scope="col" class="n">Change</th>' if compared else "")
            + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    else:
        out.append('<p class="kind">No requirements were answered in this period.</p>')

    out.append("<h3>Critical items not done</h3>")
    critical = summary.critical_not_done
    if not critical:
        out.append('<p class="kind">No critical items were left undone.</p>')
    else:
        items = []
        for item in critical:
            reason = t.reasons_words(summary, item) or "no reason given"
            where = t.session_label(summary, item.session_id, item.completed_at)
            items.append(
                f"<li>“{e(item.prompt or item.item_id)}”: "
                f"{e(wording.response_label(item.response).lower())}. Why: {e(reason)}. "
                f'<span class="muted">({e(where)})</span></li>'
            )
        out.append(f'<ul class="plain">{"".join(items)}</ul>')
    out.append("</section>")
    return "".join(out)


def _barriers(summary: Summary) -> str:
    out = [
        '<section id="barriers"><h2>Barriers: why things were partly or not done</h2>',
        f"<p>{e(wording.BARRIERS_INTRO)}</p>",
    ]
    for level in wording.REASON_LEVELS:
        out.append(f'<div class="level"><h3>{e(wording.LEVEL_HEADINGS[level])}</h3>')
        entries = t.barrier_entries(summary, level)
        if not entries:
            out.append(f'<p class="kind">{e(wording.LEVEL_EMPTY[level])}</p></div>')
            continue
        out.append(f"<p>{e(wording.LEVEL_INTROS[level])}</p>")
        extra_head = '<th scope="col">Service requirement</th>' if level == "service" else ""
        rows = []
        for entry in entries:
            extra = ""
            if level == "service":
                extra = (
                    "<td>"
                    + (
                        "<br>".join(
                            f"<b>{e(r.number)}</b> {e(r.title)}" for r in entry.requirements
                        )
                        or '<span class="muted">—</span>'
                    )
                    + "</td>"
                )
            rows.append(
                f'<tr><th scope="row">{e(entry.label or entry.reason)}</th>'
                f'<td class="n">{entry.count}</td>{extra}</tr>'
            )
        out.append(
            f'<table><thead><tr><th scope="col">Reason</th><th scope="col" class="n">Times</th>'
            f"{extra_head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
    no_reason = summary.no_reason
    if no_reason:
        out.append(
            f"<p>{e(t.plural(no_reason, 'answer'))} marked Partly or Not done had no reason "
            "given. That is fine; it may be worth a word together.</p>"
        )
    out.append("</section>")
    return "".join(out)


def _learning(summary: Summary) -> str:
    learning = summary.learning
    out = [
        _part_head("learning"),
        "<h3>What I would do differently</h3>",
        _quotes(summary, learning.differently, "Nothing written here this time."),
        "<h3>What went well</h3>",
        _quotes(summary, learning.went_well, "Nothing written here this time."),
        "<h3>Language</h3>",
    ]
    terms = learning.language.terms
    if not terms:
        out.append('<p class="kind">The language coach had no suggestions this time.</p>')
    else:
        total = learning.language.total or sum(x.count for x in terms)
        rows = "".join(
            f'<tr><th scope="row">“{e(x.term)}”</th>'
            f'<td class="n">{x.count}</td><td>{e(x.prefer)}</td></tr>'
            for x in terms
        )
        out.append(
            f"<p>The language coach suggested other words {e(t.times(total))}. A prompt to "
            "think about, not a judgement.</p>"
            '<table><thead><tr><th scope="col">Words used</th><th scope="col" class="n">Times'
            f'</th><th scope="col">Words to try</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    out.append("</section>")
    return "".join(out)


def _wellbeing(summary: Summary) -> str:
    wellbeing = summary.wellbeing
    out = [
        _part_head("wellbeing"),
        "<h3>How I feel</h3>",
        _quotes(summary, wellbeing.feelings, "Nothing written here this time."),
        "<h3>What was difficult</h3>",
        _quotes(summary, wellbeing.difficult, "Nothing written here this time."),
        "<h3>Emotionally heavy contacts</h3>",
    ]
    heavy = wellbeing.heavy_sessions
    if not heavy:
        out.append('<p class="kind">No contacts were marked as emotionally heavy this time.</p>')
    else:
        items = "".join(
            f"<li>{e(t.session_label(summary, x.session_id, x.completed_at))}"
            + (f" — {e(x.why)}" if x.why else "")
            + "</li>"
            for x in heavy
        )
        out.append(
            "<p>Contacts that may have been hard to carry. Nothing here is a judgement.</p>"
            f'<ul class="plain">{items}</ul>'
        )
    out.append("</section>")
    return "".join(out)


def _flagged(summary: Summary) -> str:
    out = ['<section id="flagged"><h2>Flagged for supervision</h2>']
    flagged = summary.flagged
    if not flagged:
        out.append('<p class="kind">Nothing flagged this time.</p>')
    else:
        items = []
        for entry in flagged:
            where = t.session_label(summary, entry.session_id, entry.completed_at, entry.title)
            words = (
                f"<blockquote>{e(entry.text)}</blockquote>"
                if t.has_text(entry)
                else '<p class="kind">Flagged without a note.</p>'
            )
            items.append(f'<li><p class="from">{e(where)}</p>{words}</li>')
        out.append(f'<ul class="quotes">{"".join(items)}</ul>')
    out.append("</section>")
    return "".join(out)


def _comments(summary: Summary) -> str:
    out = ['<section id="comments"><h2>Comments</h2>']
    comments = summary.comments
    if not comments:
        out.append('<p class="kind">No comments on sessions this time.</p>')
    else:
        items = []
        for c in comments:
            where = t.session_label(summary, c.session_id)
            when = t.format_datetime(c.created_at)
            source = f"{c.by or 'Someone'}, {when}, on the contact of {where}"
            items.append(
                f'<li><p class="from">{e(source)}</p><blockquote>{e(c.text)}</blockquote></li>'
            )
        out.append(f'<ul class="quotes">{"".join(items)}</ul>')
    out.append("</section>")
    return "".join(out)


def _actions(summary: Summary) -> str:
    out = ['<section id="actions"><h2>Agreed actions from last time</h2>']
    record = summary.last_record
    actions = summary.actions
    if record:
        source = f"From the supervision record of {t.format_date(record.date)}"
        if record.by:
            source += f" with {record.by}"
        out.append(f"<p>{e(source)}.</p>")
    for ignored in summary.ignored_records:
        out.append(f'<p class="kind">{e(t.ignored_record(ignored))}</p>')
    if not actions:
        words = (
            "No actions were agreed last time."
            if record
            else "There is no earlier supervision record, so no actions to look back on."
        )
        out.append(f'<p class="kind">{e(words)}</p></section>')
        return "".join(out)
    items = []
    for action in actions:
        done = action.done
        details = [action.owner]
        if action.due:
            details.append(f"due {t.format_date(action.due)}")
        extra = ", ".join(p for p in details if p)
        items.append(
            f'<li><span class="box" aria-hidden="true">{"☑" if done else "☐"}</span>'
            f"{e(action.text)}"
            + (f' <span class="muted">({e(extra)})</span>' if extra else "")
            + f'<span class="status">{"done" if done else "not yet"}</span></li>'
        )
    finished = sum(1 for a in actions if a.done)
    out.append(
        f'<ul class="actions">{"".join(items)}</ul><p>{finished} of {len(actions)} marked done.</p>'
    )
    out.append("</section>")
    return "".join(out)


FOOTER = (
    "<footer><p>Made by Stepping Stones from the practitioner's own checklists and reflections. "
    "A checklist is an aid to reflective supervision, not proof of quality.</p>"
    "<p>Requirements from the Stepping Stones Study Theory of Change (Cheyne et al., 2026, "
    "NIHR Open Research 6:25), CC-BY 4.0.</p></footer>"
)


def render_html(summary: Summary | dict) -> str:
    """The whole summary as one printable HTML page (a string, ending in a newline)."""
    summary = as_summary(summary)
    person = summary.person or "—"
    period = summary.period
    title = f"Supervision summary: {person}, {t.date_range(period.since, period.until)}"
    body = "\n".join(
        section(summary)
        for section in (
            _activity,
            _standards,
            _barriers,
            _learning,
            _wellbeing,
            _flagged,
            _comments,
            _actions,
        )
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{STYLE}{_page_style(summary)}</style>\n</head>\n"
        "<body>\n"
        f"{_header(summary)}\n<main>\n{body}\n</main>\n{FOOTER}\n</body>\n</html>\n"
    )
