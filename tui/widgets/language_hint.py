"""The language coach inline: a soft suggestion under a text field, never a block.

It shows kinder words for a listed term (`Language: "addicts" → person who uses drugs`) and
hides itself when there is nothing to say. It never stops anything being saved, and it is
quieter than an identifier warning, which comes first.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from checklists.language import LanguageFinding, LanguageGuide, default_guide
from reports.wording import language_hints
from tui.typed import SteppingNode

# Lines shown at most, so a long note cannot push the buttons off an 80x24 screen.
MAX_LINES = 2


class LanguageHint(SteppingNode, Static):
    DEFAULT_CSS = """
    LanguageHint {
        height: auto;
        color: $text-muted;
        text-style: italic;
    }
    """

    def __init__(
        self, guide: LanguageGuide | None = None, *, id: str | None = None, classes: str = ""
    ) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self._guide = guide
        self.findings: list[LanguageFinding] = []
        self._shown_for: str | None = None
        self._lines: list[str] = []
        self._tip = ""
        self.display = False

    @property
    def guide(self) -> LanguageGuide:
        """The app's list (with a service's own terms), else the built-in one."""
        if self._guide is None:
            try:
                guide = self.stepping_app.store.library.language
            except AttributeError:  # an app without a store (a bare app in tests)
                guide = None
            self._guide = guide if isinstance(guide, LanguageGuide) else default_guide()
        return self._guide

    def check(self, text: str) -> list[LanguageFinding]:
        """Look at `text` and show or hide the hint; returns what was found."""
        if text == self._shown_for:
            return self.findings
        self._shown_for = text
        self.findings = self.guide.find(text)
        lines = self.hint_lines(self.findings)
        details = dict.fromkeys(
            f"{f.term}: {f.prefer}" + (f" ({f.note})" if f.note else "") for f in self.findings
        )
        tip = "\n".join(details)
        if tip != self._tip:
            self._tip = tip
            # As Text: a tooltip string is read as markup, which would eat "[drug]" in a
            # suggestion and fail on a service's own words with a stray "[/".
            self.tooltip = Text(tip) if tip else None
        # Asked at every key: lay the screen out again only when the hint itself changes.
        if lines != self._lines:
            self._lines = lines
            self.update(Text("\n".join(lines)))
            self.display = bool(lines)
        return self.findings

    @staticmethod
    def hint_lines(findings: list[LanguageFinding]) -> list[str]:
        """The hint's lines, in the words line mode says too (`reports.wording`)."""
        return language_hints(findings, limit=MAX_LINES)
