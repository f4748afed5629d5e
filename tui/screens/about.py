"""About: what the app is for, and where its content comes from."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui import keys
from tui.screens.box import BoxScreen

ABOUT = """\
[b]Stepping Stones[/b] helps midwives, drug workers and their colleagues look back on how \
they approached and delivered care after a contact with a woman who uses drugs or is in \
treatment for drug use, during pregnancy or after the birth, and brings that practice to \
reflective supervision.

It records your practice, never the woman: no names, NHS or CHI numbers, addresses, phone \
numbers or dates of birth. Everything stays on this computer.

Content adapted from the Stepping Stones Study Theory of Change (Cheyne et al., 2026, \
NIHR Open Research 6:25), CC-BY 4.0. The checklist wording is our own summary of its key \
requirements 7 and 8 and their supporting evidence.

A checklist is an aid to reflection, not proof of quality.
"""


class AboutScreen(BoxScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="about.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static("About", classes="screen-title")
            yield Static(ABOUT)
            yield Static(keys.fill(self, "{about.close:first}: close"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
