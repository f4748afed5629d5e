"""Under a typed field: how long it is against its limit, and whether it can be saved.

Symbols as well as colours (✗ not saved, ! a warning), so the state reads without colour.
"""

from __future__ import annotations

from rich.cells import cell_len
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

    def show(self, check: FieldCheck, on_disk: bool = False) -> None:
        """`on_disk`: this very text was saved before (by an older version that only warned),
        so it must not be called "not saved"; she is asked to take the identifier out."""
        self.check = check
        # No-break spaces: the count never wraps in the middle.
        count = f"{len(check.text):,}\u00a0/\u00a0{check.limit:,}"
        refused = [f for f in check.findings if f.refused]
        held = check.held is not None and not on_disk
        self.set_class(held, "-held")
        self.set_class(not held and bool(check.warnings or refused), "-warned")
        if refused and on_disk:
            found = ", ".join(dict.fromkeys(f"{f.label} ({excerpt(f.text)})" for f in refused))
            self._say(f"{count}  ! Saved earlier, but it contains {found}: please take it out.")
        elif refused:
            found = ", ".join(dict.fromkeys(f"{f.label} ({excerpt(f.text)})" for f in refused))
            self._say(f"{count}  ✗ Not saved: contains {found}. Take it out to save.")
        elif check.over:
            self._say(
                f"✗ Not saved: {count}\u00a0characters, {check.over:,} over. Shorten it to save."
            )
        elif check.warnings:
            found = ", ".join(
                dict.fromkeys(f"{f.label} ({excerpt(f.text)})" for f in check.warnings)
            )
            self._say(
                f"{count}  ! Saved, but this looks like {found}. Please leave out anything that "
                "could identify her."
            )
        else:
            self._say(count)

    def _say(self, text: str) -> None:
        """Shown at every key: lay the screen out again only when the height may change."""
        before = str(self.content)
        if text == before:
            return
        width = self.content_region.width
        same_height = bool(before) and max(cell_len(text), cell_len(before)) <= width
        self.update(text, layout=not same_height)
