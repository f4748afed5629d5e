"""A short note on one item: enter keeps it, escape leaves it as it was."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store.sessions import NOTE_LIMIT

PLACEHOLDER = "A few words about your practice. No names or details that identify her."


class NoteScreen(ModalScreen[str | None]):
    CSS_PATH = "note.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, prompt: str, current: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Static("Note", classes="screen-title")
            yield Static(self.prompt, classes="hint")
            yield Input(self.current, id="note", placeholder=PLACEHOLDER, max_length=NOTE_LIMIT)
            yield Static("enter: keep the note · escape: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted)
    def keep(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
