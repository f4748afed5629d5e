"""The first frame: the app's name while the store is read in the background.

Reading the store loads cryptography, TinyDB and file locks, which takes longer than drawing a
screen. Showing this first means the terminal answers at once; it becomes Welcome or Sign in
as soon as the store has been read (`SteppingStonesApp.on_store_opened`).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from tui.widgets.footer import KeysFooter


class OpeningScreen(Screen):
    TITLE = "Stepping Stones"
    CSS_PATH = "forms.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(classes="form"):
            yield Static("Stepping Stones", classes="screen-title")
            yield Static("Opening the store…", classes="hint")
        yield KeysFooter()
