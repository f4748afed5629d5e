"""Every key, in one place (? or F1 from anywhere)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
[b]Everywhere[/b]
  ctrl+q        quit (everything answered is already saved)
  ctrl+l        lock the screen now (it also locks itself when left idle)
  ctrl+p        command palette
  ? or F1       this help
  tab/shift+tab move between fields in a form; enter submits

[b]Home[/b]
  n             start a new checklist: ↑/↓ and enter to choose, then enter to accept the setup
  r             resume an unfinished checklist where you stopped (with several,
                choose one: ↑/↓, enter; d deletes the highlighted one)
  d             delete the highlighted unfinished checklist (asks first, y to delete;
                finished sessions are never deleted)
  enter         open the session under the cursor
  p             prepare for supervision: your summary since your last supervision
  v             your supervisees (supervisors): enter opens a summary
  e / i         export your records to a bundle file / import a bundle
  s             sign out      a  about

[b]Supervision summary[/b]
  ↑/↓ pgup/pgdn read it       x  save it (Markdown, printable page, NMC draft, JSON)
  tab, space    tick off an agreed action from last time
  s             a supervisee's sessions: enter opens one read-only, c comments on it
  r             write the supervision record (supervisors); ctrl+s or enter saves

[b]In a checklist[/b]
  1  Done        2  Partly      3  Not done      4  Not applicable
                each answers the item in focus and moves on; Partly and Not done
                ask what got in the way (↑/↓, enter; escape for no reason)
  ↑/↓ or k/j    move between items (go back to change an answer)
  enter         after the last item ("All N items answered"): the reflection
  n             add or edit a note on the item (saved as you type)
  w             show or hide why the item matters
  escape        go home; the unfinished checklist is kept

[b]Reflection[/b] (enter after the last item)
  tab           next field      ctrl+s  finish the session
  escape        back to the items
  What you type is saved as you type. Text that may not be kept (an NHS number, a
  phone number, a postcode, more than a field holds) is never written: the field
  says "Not saved", and leaving asks first.

Every answer is saved the moment you give it: watch for "✓ saved".
"""


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static("Help: keys", classes="screen-title")
            yield Static(HELP)
            yield Static("escape: close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
