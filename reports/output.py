"""Turning a summary into the text of the file a person asked for (saving it is the store's).

The one store import is the error a wrong format raises, which both front ends already show.
"""

from __future__ import annotations

import json

from store.errors import InvalidInput

FORMATS = {"md": ".md", "html": ".html", "nmc": ".md", "json": ".json"}


def render(summary: dict, fmt: str, session_id: str | None = None) -> str:
    from . import render_html, render_markdown, render_nmc

    if fmt == "json":
        return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
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


def default_name(summary: dict, fmt: str) -> str:
    person = "-".join(summary.get("person", "summary").lower().split())
    kind = "reflective-account" if fmt == "nmc" else "supervision-summary"
    return f"{kind}-{person}-{summary['period']['until']}{FORMATS[fmt]}"
