"""Turning a summary into the file a person asked for, for the command line and the app alike."""

from __future__ import annotations

import json
from pathlib import Path

from store.errors import InvalidInput
from store.paths import check_out_path
from store.storage import write_atomic

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


def save(text: str, path: Path, data_dir: Path) -> Path:
    """Write atomically, readable only by the person who saved it (it holds reflections),
    and never inside the store folder."""
    path = check_out_path(data_dir, path)
    write_atomic(path, text.encode("utf-8"))  # 0600, and a clear StoreError on failure
    return path


def default_name(summary: dict, fmt: str) -> str:
    person = "-".join(summary.get("person", "summary").lower().split())
    kind = "reflective-account" if fmt == "nmc" else "supervision-summary"
    return f"{kind}-{person}-{summary['period']['until']}{FORMATS[fmt]}"
