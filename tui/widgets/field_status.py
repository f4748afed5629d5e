"""Under a typed field: how long it is against its limit, and whether it can be saved.

Symbols as well as colours (✗ not saved, ! a warning), so the state reads without colour.
"""

from __future__ import annotations

from textual.widgets import Static

from checklists.identifiers import FieldCheck, excerpt


class FieldStatus(Static):
    DEFAULT_CSS = """
    FieldStatus {
        height: auto;
        color: $text-muted;
    }
    FieldStatus.-held {
        color: $text-error;
        text-style: bold;
    }
    FieldStatus.-warned {
        color: $text-warning;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.check: FieldCheck | None = None

    def show(self, check: FieldCheck) -> None:
        self.check = check
        count = f"{len(check.text):,} / {check.limit:,}"
        refused = [f for f in check.findings if f.refused]
        self.set_class(check.held is not None, "-held")
        self.set_class(check.held is None and bool(check.warnings), "-warned")
        if refused:
            found = ", ".join(dict.fromkeys(f"{f.label} ({excerpt(f.text)})" for f in refused))
            self.update(f"✗ Not saved: contains {found}. Take it out to save.  {count}")
        elif check.over:
            self.update(
                f"✗ Not saved: {count} characters, {check.over:,} over. Shorten it to save."
            )
        elif check.warnings:
            found = ", ".join(
                dict.fromkeys(f"{f.label} ({excerpt(f.text)})" for f in check.warnings)
            )
            self.update(
                f"! Saved, but this looks like {found}. Please leave out anything that could "
                f"identify her.  {count}"
            )
        else:
            self.update(count)
