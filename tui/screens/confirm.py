"""A yes/no question before something that cannot be undone (deleting, dropping typed text).

Only `y` says yes: `enter` does not, so a key pressed out of habit never deletes anything.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from tui import keys
from tui.screens.box import BoxScreen


class ConfirmScreen(BoxScreen[bool]):
    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, classes="screen-title", id="confirm-question", markup=False)
            if self.detail:
                yield Static(self.detail, id="confirm-detail", markup=False)
            yield Static(keys.fill(self, "{confirm.yes}: yes    {confirm.no}: no"), classes="hint")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
