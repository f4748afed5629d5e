"""A plain message: a problem to explain, or a question to confirm."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from tui import keys
from tui.screens.box import BoxScreen


class MessageScreen(BoxScreen[bool]):
    """Dismisses True on enter (or y) and False on escape (or n).

    A fatal message (the store cannot be opened) quits the app when dismissed, because there is
    nothing safe to do next.
    """

    CSS_PATH = "message.tcss"
    BINDINGS = [
        Binding("enter,y", "answer(True)", "OK", id="message.ok"),
        Binding("escape,n", "answer(False)", "Back", id="message.back"),
    ]

    def __init__(self, title: str, body: str, fatal: bool = False, confirm: str = "") -> None:
        super().__init__()
        self.heading = title
        self.body = body
        self.fatal = fatal
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="message-box"):
            yield Static(self.heading, classes="screen-title")
            yield Static(self.body, id="message-body")
            if self.confirm:
                yield Static(
                    keys.fill(self, "{message.ok:first}: ")
                    + self.confirm
                    + keys.fill(self, "    {message.back:first}: go back"),
                    classes="hint",
                )
            else:
                yield Static(keys.fill(self, "Press {message.ok:first} to close."), classes="hint")

    def action_answer(self, value: bool) -> None:
        if self.fatal:
            self.app.exit(1, message=self.body)
            return
        self.dismiss(value)
