"""The service report as Markdown, for a management meeting (issue 16).

Reads the report's JSON object (docs/service-report-format.md). Team-level figures only: the
object holds no name, note, reflection or case reference, and neither does this text.
"""

from __future__ import annotations

from typing import Any

from checklists import RESPONSES

from . import service_report_words as w
from . import text as t
from .markdown import _table

WIDTH = 96
# Columns of words rather than figures, aligned left.
WORD_COLUMNS = frozenset({"Requirement", "Stage", "Barriers", "Setting"})


def _para(words: str) -> list[str]:
    return [*t.wrap(words, WIDTH), ""]


def _critical_reasons(data: dict, reasons: dict) -> str:
    """The barriers behind a critical item: those with a figure shown, biggest first; the
    rest together, since each is fewer than 5."""
    shown = sorted(
        ((n, r) for r, n in reasons.items() if isinstance(n, int) and n),
        key=lambda pair: (-pair[0], pair[1]),
    )
    words = [f"{w.reason_label(data, r)}: {n}" for n, r in shown]
    hidden = sum(1 for n in reasons.values() if n is None)
    if hidden:
        words.append(f"{hidden} other barrier(s), each fewer than 5")
    return "; ".join(words)


def _figures(heading: str, *rows: tuple[str, str]) -> tuple[str, list[str], list[list[str]], str]:
    """A table of single figures, each named on its row."""
    return heading, ["Figure", "Value"], [list(row) for row in rows], ""


def sections(data: dict) -> list[tuple[str, list[str], list[list[str]], str]]:
    """Each table of the report as (heading, header, rows, note): Markdown, the screen and
    CSV all show these same tables."""
    out: list[tuple[str, list[str], list[list[str]], str]] = []
    barriers = data.get("barriers") or {}
    rates = data.get("barrier_rates") or {}
    changes = data.get("barrier_change") or {}
    out.append(
        (
            "Service barriers",
            ["Barrier", "Requirement", "Contacts", "Per 100 contacts", "Change"],
            [
                [
                    w.reason_label(data, r),
                    w.reason_requirements(data, r),
                    w.figure(barriers.get(r)),
                    w.rate(rates.get(r)),
                    w.change(changes.get(r)),
                ]
                for r in w.reasons_listed(data)
            ],
            "Contacts with at least one item Partly or Not done for this reason; the change is "
            "in the rate per 100 contacts since the previous period of the same length.",
        )
    )
    blocked = data.get("blocked") or {}
    numbers = list(blocked)
    out.append(
        (
            "Care not given against what blocked it",
            ["Barrier", *numbers],
            [
                [w.reason_label(data, r), *(w.figure((blocked[q] or {}).get(r)) for q in numbers)]
                for r in w.blocked_columns(data)
            ],
            "Answers Partly or Not done to items for each staff requirement (the columns), by "
            "the service barrier given.",
        )
    )
    out.append(
        (
            "Critical items not done for a service reason",
            ["Item", "Answers", "Barriers"],
            [
                [
                    str(row.get("title") or row.get("item")),
                    w.figure(row.get("count")),
                    _critical_reasons(data, row.get("reasons") or {}),
                ]
                for row in data.get("critical_not_done") or []
            ],
            "",
        )
    )
    out.append(
        (
            "By setting and stage",
            ["Setting", "Stage", "Contacts", "With a service barrier", "Per 100 contacts"],
            [
                [
                    w.setting(str(row.get("setting", ""))),
                    w.stage(str(row.get("stage", ""))),
                    w.figure(row.get("contacts")),
                    w.figure(row.get("with_barrier")),
                    w.rate(row.get("barrier_rate")),
                ]
                for row in data.get("by_setting") or []
            ],
            "",
        )
    )
    for key, heading, note in (
        ("training_needs", "Training needs", "Answers citing a training barrier, by item."),
        (
            "missing_services",
            "Services missing to refer to",
            "Answers citing no service to refer to, by item.",
        ),
    ):
        out.append(
            (
                heading,
                ["Item", "Answers"],
                [
                    [str(row.get("title") or row.get("item")), w.figure(row.get("count"))]
                    for row in data.get(key) or []
                ],
                note,
            )
        )
    removal = data.get("removal") or {}
    gaps = removal.get("gaps") or {}
    out.append(
        _figures(
            "Gaps after a removal (5.10)",
            ("Contacts after a baby was removed", w.figure(removal.get("contacts_after_removal"))),
            *((f"Answers citing: {w.reason_label(data, r)}", w.figure(n)) for r, n in gaps.items()),
        )
    )
    supervision = data.get("supervision") or {}
    out.append(
        _figures(
            "Supervision coverage (4.4)",
            (
                "Practitioners with a supervision record in the last 3 months",
                w.figure(supervision.get("practitioners_with_record_3m")),
            ),
            ("Share of practitioners", w.share(supervision.get("share_with_record_3m"))),
            ("Contacts flagged for supervision", w.figure(supervision.get("flagged_contacts"))),
        )
    )
    out.append(
        (
            "What is working (4.3)",
            ["Requirement", "Done", "Change"],
            [
                [
                    w.requirement(data, str(row.get("requirement"))),
                    w.share(row.get("share_done")),
                    w.change(row.get("change"), points=True),
                ]
                for row in data.get("working_well") or []
            ],
            "Requirements done in at least 3 of 4 answers where they could be (Not applicable "
            "left out), or improved by 10 points or more. A share is worked out only when its "
            "Done, Partly and Not done figures are all shown, so a requirement with fewer than "
            "5 Partly answers is not listed even when it is going well.",
        )
    )
    requirements = data.get("requirements") or {}
    out.append(
        (
            "Answers by requirement",
            ["Requirement", *w.RESPONSE_HEADINGS],
            [
                [w.requirement(data, q), *(w.figure((row or {}).get(r)) for r in RESPONSES)]
                for q, row in requirements.items()
            ],
            "",
        )
    )
    quality = data.get("data_quality") or {}
    out.append(
        _figures(
            "Data quality",
            (
                "Partly and Not done answers without a reason",
                w.share(quality.get("no_reason_share")),
            ),
        )
    )
    return out


def summary_lines(data: dict) -> list[str]:
    return [
        f"Contacts: {w.figure(data.get('contacts'))}",
        f"Practitioners: {w.figure(data.get('practitioners'))}",
        f"Compared with: {w.period({'period': (data.get('period') or {}).get('previous') or {}})}",
    ]


def render_service_markdown(data: dict[str, Any]) -> str:
    lines = [f"# Service report: {w.period(data)}", ""]
    lines += [f"- {line}" for line in summary_lines(data)]
    lines.append("")
    lines += _para(w.DISCLOSURE)
    for heading, header, rows, note in sections(data):
        lines += [f"## {heading}", ""]
        if note:
            lines += _para(note)
        if rows:
            align = ["l" if k == 0 or h in WORD_COLUMNS else "r" for k, h in enumerate(header)]
            lines += _table(header, rows, align)
        else:
            lines.append("Nothing in this period.")
        lines.append("")
    rejected = data.get("rejected_parts") or 0
    if rejected:
        lines += _para(
            f"{rejected} structured part(s) could not be checked and were left out of every figure."
        )
    return "\n".join(lines).rstrip() + "\n"
