"""Turning a summary into the text of the file a person asked for (saving it is the store's).

From the store it takes the typed summary and the error a wrong format raises, which both
front ends already show.
"""

from __future__ import annotations

import json

from store.errors import InvalidInput
from store.reports.summary_model import Summary

FORMATS = {"md": ".md", "html": ".html", "nmc": ".md", "json": ".json"}


def render(summary: Summary | dict, fmt: str, session_id: str | None = None) -> str:
    from . import render_html, render_markdown, render_nmc

    if fmt == "json":
        data = summary.as_dict() if isinstance(summary, Summary) else summary
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return render_markdown(summary)
    if fmt == "html":
        return render_html(summary)
    if fmt == "nmc":
        try:
            return render_nmc(summary, session_id=session_id)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
    raise InvalidInput(f"'{fmt}' is not a summary format: use md, html, nmc or json.")


def default_name(summary: Summary, fmt: str) -> str:
    person = "-".join((summary.person or "summary").lower().split())
    kind = "reflective-account" if fmt == "nmc" else "supervision-summary"
    return f"{kind}-{person}-{summary.period.until}{FORMATS[fmt]}"
