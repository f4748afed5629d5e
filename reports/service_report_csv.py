"""The service report as CSV: the aggregate tables only, one figure per row (issue 16).

Columns `table,row,column,value`: a spreadsheet can pivot them; a figure not shown is the
words "fewer than 5" (a rate or change built on it: "not shown"), never a number. No names,
notes or case references: the report holds none.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from . import service_report_words as w
from .service_report_markdown import sections

NUMBER = re.compile(r"^[+−-]?\d+(\.\d+)?( points)?$")


def render_service_csv(data: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["table", "row", "column", "value"])
    period = data.get("period") or {}
    writer.writerow(["period", "", "since", period.get("since", "")])
    writer.writerow(["period", "", "until", period.get("until", "")])
    writer.writerow(["totals", "", "contacts", w.figure(data.get("contacts"))])
    writer.writerow(["totals", "", "practitioners", w.figure(data.get("practitioners"))])
    for heading, header, rows, _note in sections(data):
        for row in rows:
            for column, value in zip(header[1:], row[1:], strict=True):
                writer.writerow([heading, _safe(row[0]), column, _safe(value)])
    return "\ufeff" + buffer.getvalue()


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    if NUMBER.match(text):
        return text
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
