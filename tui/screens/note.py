"""A short note on one item: enter keeps it, escape leaves it as it was."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from checklists.identifiers import describe, find_identifiers
from store.sessions import NOTE_LIMIT
from tui.widgets.language_hint import LanguageHint

PLACEHOLDER = "A few words about your practice. No names or details that identify her."


class NoteScreen(ModalScreen[str | None]):
    CSS_PATH = "note.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, prompt: str, current: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.current = current
        self._confirmed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Static("Note", classes="screen-title")
            yield Static(self.prompt, classes="hint")
            yield Input(self.current, id="note", placeholder=PLACEHOLDER, max_length=NOTE_LIMIT)
            yield Static("", id="warning", classes="error")
            yield LanguageHint(id="language")
            yield Static("enter: keep the note · escape: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()
        self.query_one(LanguageHint).check(self.current)

    @on(Input.Submitted)
    def keep(self, event: Input.Submitted) -> None:
        findings = find_identifiers(event.value)
        if findings and event.value != self._confirmed:
            # A warning first: the person edits it out, or presses enter again to keep it.
            self._confirmed = event.value
            self.query_one("#warning", Static).update(
                describe(findings) + " Press enter again to keep it as it is."
            )
            return
        self.dismiss(event.value)

    @on(Input.Changed)
    def edited(self, event: Input.Changed) -> None:
        self.query_one("#warning", Static).update("")
        # A suggestion only: it never holds the note back.
        self.query_one(LanguageHint).check(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
