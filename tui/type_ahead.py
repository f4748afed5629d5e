"""Letters typed while one screen gives way to another land in the new screen's text box.

Textual sends each key to whatever has focus when the key arrives, and runs key bindings
only when the key comes back up to the app. So with `c` (comment) followed at once by
"Let's talk", the first letters reach the screen being left, or the new box before it has
focused its text area, and nobody takes them: they were lost. Someone typing quickly, or a
slow clinic terminal, is enough. Here the app catches such letters on their way back up and
types them into the text box that now has focus, in the order they were typed.

Only letters, digits, spaces and punctuation are carried, only into a box that takes typing,
and never onto a screen that asks for a passphrase (letters meant for a note must not count
as a guess, and a passphrase typed ahead must not show in a name field). A letter that
reaches the app while a list or a table has focus is left alone, as before; a key that acts
(tab, enter, a shortcut) once the box has focus lets the letters typed before it go in first.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from textual import events
from textual.widgets import Input, TextArea

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

# How many screen refreshes to wait for the new screen to focus its text box.
WAIT_REFRESHES = 20


def takes_typing(widget: Widget | None) -> bool:
    """A text box a person can type into: not read-only, and not on a screen that asks for a
    passphrase (letters typed ahead there may be the passphrase itself, and a name field
    would show them)."""
    if isinstance(widget, Input):
        editable = not widget.password and not widget.disabled
    elif isinstance(widget, TextArea):
        editable = not widget.read_only and not widget.disabled
    else:
        return False
    return editable and not any(field.password for field in widget.screen.query(Input))


class TypeAhead:
    """Holds letters that missed their text box until the box has focus, then types them."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.held: list[tuple[str, str | None]] = []
        # Keys this class has sent on: if one comes back up again it is not carried twice.
        self._sent: deque[events.Key] = deque(maxlen=64)
        self._waits = 0

    def hold(self, event: events.Key) -> bool:
        """True when `event`, a key arriving while nothing has focus (a screen opening), is a
        letter no binding of the screen takes: it is held, in order, for the text box the
        screen is about to focus (and let go if it focuses none)."""
        if not event.is_printable or event.key in self.app.screen.active_bindings:
            return False
        if not self.held:
            self._waits = 0
        self.held.append((event.key, event.character))
        self.app.call_after_refresh(self.flush)
        return True

    def catch(self, event: events.Key) -> bool:
        """True when `event` (a key that came back up to the app, taken by nobody) is a
        letter that missed a text box; it is then typed there, now or once the box is ready."""
        if not event.is_printable or any(sent is event for sent in self._sent):
            return False
        focused = self.app.focused
        if focused is None:  # a screen has just opened and has not focused anything yet
            return self.hold(event)
        if not takes_typing(focused):
            return False
        self.held.append((event.key, event.character))
        self.flush()
        return True

    def settle(self) -> None:
        """Another key (tab, enter, a shortcut) is about to act: when the new screen has its
        focus, the letters typed before that key go in first, where they were going."""
        if self.held and self.app.focused is not None:
            self.flush()

    def flush(self) -> None:
        """Type the held letters into the focused text box; wait a little for one to have
        focus; let them go if the new screen has no box to type into (as they always were)."""
        if not self.held:
            return
        focused = self.app.focused
        if focused is None and self._waits < WAIT_REFRESHES:
            self._waits += 1
            self.app.call_after_refresh(self.flush)
            return
        held, self.held = self.held, []
        if not takes_typing(focused):
            return
        assert focused is not None
        for key, character in held:
            event = events.Key(key, character)
            self._sent.append(event)
            focused.post_message(event)
