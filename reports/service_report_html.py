"""The service report as one printable HTML page with inline SVG charts (issue 16).

Self-contained like the summary's page (`reports/html.py`, whose style and colours it
shares): no scripts, fonts or linked files. Each chart carries symbols and numbers beside
its colours (✓ ◐ ✗ – for answers, ▲ ▼ = for a change, a dashed empty bar for a figure not
shown), so it reads the same printed in black and white. Every text is HTML-escaped.
"""

from __future__ import annotations

from typing import Any

from checklists import RESPONSE_LABELS, RESPONSE_SYMBOLS, RESPONSES

from . import service_report_words as w
from .html import COLOURS, INK, STYLE, e
from .service_report_markdown import sections, summary_lines

BAR_COLOUR = "#E69F00"


def _change_symbol(value: Any) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    return "▲" if value > 0 else "▼" if value < 0 else "="


def barrier_chart(data: dict) -> str:
    """Each service barrier's rate per 100 contacts as a bar, the figure and the change's
    symbol written beside it; a figure not shown is a dashed empty bar saying so."""
    reasons = w.reasons_listed(data)
    rates = data.get("barrier_rates") or {}
    changes = data.get("barrier_change") or {}
    known = [v for v in rates.values() if isinstance(v, (int, float))]
    top = max([*known, 1.0])
    row, label_w, bar_w = 24, 300, 300
    height = row * len(reasons) + 8
    out = [
        f'<svg role="img" aria-label="Service barriers per 100 contacts" width="100%" '
        f'viewBox="0 0 {label_w + bar_w + 140} {height}">'
        "<title>Service barriers per 100 contacts</title>"
    ]
    for k, r in enumerate(reasons):
        y = 4 + k * row
        label = w.reason_label(data, r)
        out.append(f'<text x="0" y="{y + 15}" font-size="12">{e(label[:48])}</text>')
        value = rates.get(r)
        if isinstance(value, (int, float)):
            width = bar_w * value / top
            symbol = _change_symbol(changes.get(r))
            out.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="16" '
                f'fill="{BAR_COLOUR}" stroke="#444"/>'
                f'<text x="{label_w + width + 6:.1f}" y="{y + 15}" font-size="12">'
                f"{e(w.rate(value))} {e(symbol)} {e(w.change(changes.get(r)))}</text>"
            )
        else:
            out.append(
                f'<rect x="{label_w}" y="{y + 3}" width="40" height="16" fill="#fff" '
                'stroke="#777" stroke-dasharray="3 2"/>'
                f'<text x="{label_w + 46}" y="{y + 15}" font-size="12" fill="#555">'
                f"{e(w.figure(data.get('barriers', {}).get(r)))}</text>"
            )
    out.append("</svg>")
    return "".join(out)


def requirement_chart(data: dict) -> str:
    """Each requirement's answers as a stacked bar, the symbol drawn in each segment."""
    requirements = data.get("requirements") or {}
    row, label_w, bar_w = 24, 60, 420
    height = row * len(requirements) + 8
    out = [
        f'<svg role="img" aria-label="Answers by requirement" width="100%" '
        f'viewBox="0 0 {label_w + bar_w + 10} {height}"><title>Answers by requirement</title>'
    ]
    for k, (q, counts) in enumerate(requirements.items()):
        y = 4 + k * row
        out.append(f'<text x="0" y="{y + 15}" font-size="12">{e(q)}</text>')
        counts = counts or {}
        if any(not isinstance(counts.get(r), int) for r in RESPONSES):
            out.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="16" fill="#fff" '
                'stroke="#777" stroke-dasharray="3 2"/>'
                f'<text x="{label_w + bar_w / 2}" y="{y + 15}" font-size="11" '
                f'text-anchor="middle" fill="#555">a figure here is fewer than 5</text>'
            )
            continue
        total = sum(counts[r] for r in RESPONSES)
        x = float(label_w)
        for r in RESPONSES:
            if not total or not counts[r]:
                continue
            width = bar_w * counts[r] / total
            out.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="16" '
                f'fill="{COLOURS[r]}" stroke="#444"/>'
            )
            if width >= 14:
                out.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + 15}" font-size="12" '
                    f'text-anchor="middle" fill="{INK[r]}">{e(RESPONSE_SYMBOLS[r])}</text>'
                )
            x += width
    out.append("</svg>")
    return "".join(out)


def _table(header: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "<p>Nothing in this period.</p>"
    head = "".join(f"<th{' class=n' if k else ''}>{e(h)}</th>" for k, h in enumerate(header))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if k else ''}>{e(v)}</td>" for k, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_service_html(data: dict[str, Any]) -> str:
    title = f"Service report: {w.period(data)}"
    parts = [
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        "<ul class=plain>"
        + "".join(f"<li>{e(line)}</li>" for line in summary_lines(data))
        + "</ul>",
        f'<p class="note">{e(w.DISCLOSURE)}</p>',
    ]
    legend = " ".join(f"{RESPONSE_SYMBOLS[r]} {RESPONSE_LABELS[r]}" for r in RESPONSES)
    for heading, header, rows, note in sections(data):
        parts.append(f"<h2>{e(heading)}</h2>")
        if note:
            parts.append(f"<p>{e(note)}</p>")
        if heading == "Service barriers":
            parts.append(
                f"<figure>{barrier_chart(data)}<figcaption>Per 100 contacts; ▲ up, ▼ down, "
                "= the same as the previous period.</figcaption></figure>"
            )
        if heading == "Answers by requirement":
            parts.append(
                f"<figure>{requirement_chart(data)}<figcaption>{e(legend)}</figcaption></figure>"
            )
        parts.append(_table(header, rows))
    rejected = data.get("rejected_parts") or 0
    if rejected:
        parts.append(
            f"<p>{e(rejected)} structured part(s) could not be checked and were left out of "
            "every figure.</p>"
        )
    parts.append("<footer>Stepping Stones service report. Team-level figures only.</footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
