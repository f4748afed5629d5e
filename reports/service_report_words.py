"""Words the service report's formats share: how a figure, a rate and a change read, and the
labels of reasons, requirements, settings and stages (issue 16).

Everything here reads the report's JSON object (docs/service-report-format.md) as hostile
input: a missing or odd field reads as "not shown", never as an error.
"""

from __future__ import annotations

from typing import Any

from checklists import RESPONSE_LABELS, RESPONSE_SYMBOLS, RESPONSES, SETTINGS, STAGES

HIDDEN = "fewer than 5"
NOT_SHOWN = "not shown"
DISCLOSURE = (
    "A figure is shown only when it is 0, or at least 5 and drawn from at least 3 "
    'practitioners; otherwise it says "fewer than 5", and rates and changes built on it are '
    "not shown. No names, notes, reflections or case references are in this report."
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SETTING_LABELS = dict(SETTINGS)
STAGE_LABELS = dict(STAGES)


def figure(value: Any) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else HIDDEN


def rate(value: Any) -> str:
    return (
        f"{value:.1f}"
        if isinstance(value, (int, float)) and not isinstance(value, bool)
        else NOT_SHOWN
    )


def share(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{round(100 * value)}%"
    return NOT_SHOWN


def change(value: Any, points: bool = False) -> str:
    """A change in a rate per 100 (or, with `points`, in a share): signed, or "no change"."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return NOT_SHOWN
    amount = 100 * value if points else value
    if round(amount, 1) == 0:
        return "no change"
    sign = "+" if amount > 0 else "−"
    unit = " points" if points else ""
    return f"{sign}{abs(amount):.1f}{unit}" if not points else f"{sign}{abs(amount):.0f}{unit}"


def month(text: Any) -> str:
    try:
        year, number = str(text).split("-")
        return f"{MONTHS[int(number) - 1]} {int(year)}"
    except (ValueError, IndexError):
        return str(text)


def period(data: dict) -> str:
    span = data.get("period") if isinstance(data.get("period"), dict) else {}
    since, until = month(span.get("since", "")), month(span.get("until", ""))
    return since if since == until else f"{since} to {until}"


def reason_label(data: dict, reason: str) -> str:
    info = (data.get("reasons") or {}).get(reason) or {}
    label = str(info.get("label") or reason)
    return f"{label} (no longer offered)" if info.get("retired") else label


def reason_requirements(data: dict, reason: str) -> str:
    info = (data.get("reasons") or {}).get(reason) or {}
    numbers = [str(q) for q in info.get("requirements") or []]
    return ", ".join(f"{q} {requirement_title(data, q)}".strip() for q in numbers) or "–"


def requirement_title(data: dict, number: str) -> str:
    title = str((data.get("requirement_titles") or {}).get(number) or "")
    return "" if title == number else title


def requirement(data: dict, number: str) -> str:
    title = requirement_title(data, number)
    return f"{number} {title}" if title else number


def setting(value: str) -> str:
    return SETTING_LABELS.get(value, value or "not said")


def stage(value: str) -> str:
    return STAGE_LABELS.get(value, value or "not said")


def reasons_listed(data: dict) -> list[str]:
    return [str(r) for r in (data.get("barriers") or {})]


def blocked_columns(data: dict) -> list[str]:
    """The service reasons the blocked-care grid shows: those with any figure that is not 0."""
    blocked = data.get("blocked") or {}
    return [
        r for r in reasons_listed(data) if any((row or {}).get(r) != 0 for row in blocked.values())
    ]


def response_heading(response: str) -> str:
    return f"{RESPONSE_SYMBOLS[response]} {RESPONSE_LABELS[response]}"


RESPONSE_HEADINGS = tuple(response_heading(r) for r in RESPONSES)
