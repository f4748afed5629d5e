"""A short note on one item, saved into the unfinished checklist as it is typed.

A note may run over several lines: `enter` starts a new line and `ctrl+s` saves and closes
(PRODUCT.md), and a pasted text keeps its lines. Text that may not be written (an identifier
the guard refuses, on any line, or more than the note holds) stays on screen only: the field
says so, the header counts it as not saved, and leaving asks first. A warning (a date that
might be a date of birth) is shown once more on ctrl+s, and a second ctrl+s keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from checklists.identifiers import FieldCheck, check_field, describe
from store.sessions import NOTE_LIMIT
from tui import keys
from tui.screens.box import BoxScreen
from tui.screens.typing import SavesAfterTyping
from tui.typed import SteppingNode
from tui.widgets.field_status import FieldStatus
from tui.widgets.language_hint import LanguageHint

PLACEHOLDER = "A few words about your practice. No names or details that identify her."
HELD_KEY = "note"
HINT = "Saved as you type · enter: new line · {note.save}: save and close · {note.close}: close"


class NoteScreen(SteppingNode, SavesAfterTyping, BoxScreen[str | None]):
    CSS_PATH = "note.tcss"
    BINDINGS = [
        # Not a priority binding (as in the reflection): ctrl+s waits behind the keys typed
        # before it, so the last words are in the field when it is read.
        Binding("ctrl+s", "done", "Save", id="note.save"),
        Binding("escape", "close", "Close", id="note.close"),
    ]

    def __init__(
        self,
        prompt: str,
        current: str = "",
        save: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.prompt = prompt
        self.current = current
        self.saved = current
        self.save = save
        self._confirmed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Static("Note", classes="screen-title")
            yield Static(self.prompt, classes="hint", markup=False)
            yield TextArea(
                self.current,
                id="note",
                soft_wrap=True,
                tab_behavior="focus",
                show_line_numbers=False,
                placeholder=PLACEHOLDER,
            )
            yield FieldStatus(id="note-status")
            yield Static("", id="warning", classes="error", markup=False)
            yield LanguageHint(id="language")
            yield Static(keys.fill(self, HINT), classes="hint", id="note-keys")

    def on_mount(self) -> None:
        field = self.query_one("#note", TextArea)
        field.focus()
        field.move_cursor(field.document.end)
        self.query_one(LanguageHint).check(self.current)
        self.checked(self.current)

    @property
    def text(self) -> str:
        return self.query_one("#note", TextArea).text

    def checked(self, text: str) -> FieldCheck:
        check = check_field(text, NOTE_LIMIT)
        # Saved earlier (by a version that only warned): not "not saved", but please remove.
        on_disk = bool(text) and text.strip() == self.saved.strip()
        self.query_one("#note-status", FieldStatus).show(check, on_disk=on_disk)
        held = None if on_disk else check.held
        self.stepping_app.set_held(HELD_KEY, f"the note {held}" if held else None)
        return check

    @on(TextArea.Changed, "#note")
    def edited(self, event: TextArea.Changed) -> None:
        # Every key comes here: nothing in it may lay the box out again or start anything
        # new unless something visible changed, or a burst of keys falls ever further behind.
        text = event.text_area.text
        self.warn("")
        # A suggestion only: it never holds the note back.
        self.query_one(LanguageHint).check(text)
        self.checked(text)
        self.stepping_app.mark_unsaved()
        self.save_soon()

    def warn(self, text: str) -> None:
        warning = self.query_one("#warning", Static)
        if str(warning.content) != text:
            warning.update(text)

    def keep(self) -> None:
        """Save what may be kept; text held back stays on screen only."""
        self.stop_waiting()
        check = self.checked(self.text)
        text = check.keepable if check.held else check.text
        if text is None or text == self.saved:
            self.stepping_app.settle_save_state()
            return
        if self.save is not None:
            self.save(text)
        self.saved = text

    def action_done(self) -> None:
        text = self.text
        check = self.checked(text)
        if check.held:
            self.keep()  # what may be kept is saved now, not only when the typing pause ends
            self.warn(
                f"Not saved: the note {check.held}. Change it so it can be saved, or press "
                + keys.fill(self, "{note.close} to leave it.", markup=False)
            )
            return
        if check.warnings and text != self._confirmed:
            # A warning first: the person edits it out, or presses ctrl+s again to keep it.
            self._confirmed = text
            self.warn(
                describe(check.warnings)
                + keys.fill(self, " Press {note.save} again to keep it as it is.", markup=False)
            )
            return
        self.keep()
        self.dismiss(text)

    def action_close(self) -> None:
        self.keep()
        self.stepping_app.unless_held_text(self._leave)

    def _leave(self) -> None:
        self.stepping_app.set_held(HELD_KEY, None)
        self.dismiss(self.saved)
