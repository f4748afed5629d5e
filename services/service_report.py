"""The service report for a service lead (issue 16): the one place it is built, for the
command line and the app alike.

Only a service lead reads it (`service_parts.read_parts` refuses anyone else); it counts the
sealed structured parts of whole calendar months (never the current, unfinished one, so two
periods cannot be subtracted to isolate a week), and reading it is audited
(`read_service_report`, with the period and the format only: no figure).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from store import Person, Store
from store.errors import InvalidInput
from store.reports import service_report_model as model
from store.reports.period import EARLIEST
from store.service_parts import collector_paused

from . import audit

FORMATS = ("json", "md", "html", "csv")
SUFFIXES = {"json": ".json", "md": ".md", "html": ".html", "csv": ".csv"}
DEFAULT_MONTHS = 3
# The earliest month a report may count, as a summary's earliest day (and so the period before
# it, which the report compares with, is still a real one).
FIRST_MONTH = f"{EARLIEST.year:04d}-{EARLIEST.month:02d}"


@dataclass
class ServiceReport:
    """The report's JSON object (`data`), and what the lead should be told about reading it
    (parts not believed, no key yet), in plain words that name nobody."""

    data: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    has_key: bool = True


def this_month(today: date | None = None) -> str:
    today = today or date.today()
    return f"{today.year:04d}-{today.month:02d}"


def default_period(today: date | None = None) -> tuple[str, str]:
    """The last three full calendar months before this one."""
    current = model.month_index(this_month(today))
    assert current is not None
    return model.month_name(current - DEFAULT_MONTHS), model.month_name(current - 1)


def chosen_period(
    since: str | None, until: str | None, today: date | None = None
) -> tuple[str, str]:
    """The whole months asked for (YYYY-MM; spaces around one are ignored, as around a date);
    a missing end is filled in from the default (a missing start: three months up to the
    end). A month that cannot be read, one before FIRST_MONTH, one not yet over, or a start
    after the end raise InvalidInput with one plain sentence."""
    current = model.month_index(this_month(today))
    assert current is not None
    first = model.month_index(FIRST_MONTH)
    assert first is not None
    picked: list[int | None] = []
    for given, what in ((since, "from month"), (until, "to month")):
        text = "" if given is None else str(given).strip()
        if not text:
            picked.append(None)
            continue
        index = model.month_index(text)
        if index is None:
            raise InvalidInput(
                f"The {what} '{text}' is not a month: write it like {this_month(today)}."
            )
        if index < first:
            raise InvalidInput(f"The {what} {text} is too early: months start from {FIRST_MONTH}.")
        if index >= current:
            raise InvalidInput(
                f"The {what} {text} is not over yet: the report counts whole months, so "
                f"choose {model.month_name(current - 1)} or earlier."
            )
        picked.append(index)
    start, end = picked
    if end is None:
        end = current - 1 if start is None else max(start, current - 1)
    if start is None:
        start = max(first, end - DEFAULT_MONTHS + 1)
    if start > end:
        raise InvalidInput(
            f"The from month {model.month_name(start)} is after the to month "
            f"{model.month_name(end)}: swap them, or change one."
        )
    return model.month_name(start), model.month_name(end)


def step_period(since: str, until: str, step: int, today: date | None = None) -> tuple[str, str]:
    """The same number of whole months just before (`step` -1) or after (1) since..until;
    InvalidInput when the later ones are not over yet."""
    start, end = model.month_index(since), model.month_index(until)
    if start is None or end is None:
        raise InvalidInput(f"{since} to {until} is not a period of months.")
    length = (end - start + 1) * step
    return chosen_period(model.month_name(start + length), model.month_name(end + length), today)


def _titles(store: Store) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    library = store.library
    requirements = {number: library.requirement_title(number) for number in library.requirements}
    items = {
        (checklist.id, item.id): item.prompt
        for checklist in library.checklists.values()
        for item in checklist.items
    }
    return requirements, items


def build(
    store: Store,
    person: Person,
    since: str | None = None,
    until: str | None = None,
    fmt: str = "json",
) -> ServiceReport:
    """The report of the whole months `since`..`until` (default: the last three full
    months) for `person`, a service lead; the reading is audited."""
    from .service_parts import read_parts

    since, until = chosen_period(since, until)
    first, _ = model.previous_period(since, until)
    # A year of parts is millions of objects and no garbage: the cycle collector stays off
    # from the reading to the last figure (switched on in between, it walked them all once).
    with collector_paused():
        read = read_parts(store, person, first, until)  # NotAllowed for anyone but a lead
        if not getattr(read, "has_key", True):  # figures of nothing would read as quiet
            raise InvalidInput(
                " ".join(read.problems) or "You do not have the service report key yet."
            )
        requirements, items = _titles(store)
        data = model.build(
            read.batches,
            read.supervision,
            since,
            until,
            store.library.reasons,
            requirements,
            items,
            rejected=read.rejected,
        )
        read.batches = []  # freed now, not walked by the collector once it is back on
    report = ServiceReport(data, list(read.problems), bool(getattr(read, "has_key", True)))
    detail = {"since": since, "until": until, "format": fmt}
    audit.record(store, "read_service_report", person.name, None, detail, report)
    return report


def render(data: dict[str, Any], fmt: str) -> str:
    """The report's text in one of FORMATS."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        from reports.service_report_markdown import render_service_markdown

        return render_service_markdown(data)
    if fmt == "html":
        from reports.service_report_html import render_service_html

        return render_service_html(data)
    if fmt == "csv":
        from reports.service_report_csv import render_service_csv

        return render_service_csv(data)
    raise InvalidInput(f"'{fmt}' is not a report format: use {', '.join(FORMATS)}.")


def default_name(data: dict[str, Any], fmt: str) -> str:
    period = data.get("period") or {}
    return f"service-report-{period.get('since', '')}-to-{period.get('until', '')}{SUFFIXES[fmt]}"


def save(store: Store, text: str, where: Path | str) -> Path:
    """Write the report outside the store folder, readable only by the person saving it."""
    from store.reports.output import save as write

    return write(text, Path(where), store.data_dir)


def check_out(store: Store, where: Path | str) -> Path:
    """Refuse a file inside the store folder, or a folder, before anything is read."""
    from store.paths import check_out_path

    return check_out_path(store.data_dir, Path(where))
