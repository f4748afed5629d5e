"""A box opened on top of a screen (a note, a question, the help) that keeps the footer.

Textual's boxes (modal screens) leave the app's keys out of the footer, so each box here
shows Quit, Help and Lock itself, with the ids of the app's bindings (a person's keymap moves
them too), and draws a compact footer of its own.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.screen import ModalScreen, ScreenResultType

from tui.widgets.footer import KeysFooter

# The keys on show on every screen. The app binds them (tui/app.py); a box shows them too.
QUIT = Binding(
    "ctrl+q", "quit", "Quit", id="quit", tooltip="Leave the app (answers are saved)", priority=True
)
HELP = Binding("question_mark,f1", "help", "Help", id="help", tooltip="Every key")
LOCK = Binding(
    "ctrl+l", "lock", "Lock", id="lock", tooltip="Hide the screen until you sign in", priority=True
)


class BoxScreen(ModalScreen[ScreenResultType]):
    """A modal screen with a footer: its own keys, then Quit, Help and Lock (run by the app;
    Quit and Lock reach the app first anyway, as priority keys)."""

    BINDINGS = [
        replace(binding, action=f"app.{binding.action}", priority=False)
        for binding in (QUIT, HELP, LOCK)
    ]

    def on_mount(self) -> None:
        if not self.query(KeysFooter):
            self.mount(KeysFooter(compact=True))
            self.refresh_bindings()
