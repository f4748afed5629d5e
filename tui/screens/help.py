"""Every key, in one place (? or F1 from anywhere).

The words are written here; the keys are not: each `{id}` is filled in from that binding's
keys as they are now (a person's own keymap included), so help and keys cannot disagree.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Static

from reports.wording import PART_HEADINGS, PART_TERMS
from tui import keys
from tui.screens.box import BoxScreen
from tui.widgets.hanging import HangingText

HELP = """\
[b]Everywhere[/b]
  {quit:14}quit (everything answered is already saved)
  {lock:14}lock the screen now (it also locks itself when left idle)
  ctrl+p        command palette
  {help:14}this help
  {next_field/previous_field:14}move between fields in a form; enter submits

[b]Home[/b]
  {home.new:14}start a new checklist: ↑/↓ and enter to choose, then enter to accept the setup
  {home.resume:14}resume an unfinished checklist where you stopped (with several,
                choose one: ↑/↓, enter; {drafts.delete} deletes the highlighted one)
  {home.delete:14}delete the highlighted unfinished checklist (asks first, {confirm.yes} to delete;
                finished sessions are never deleted)
  enter         open the session under the cursor
  {home.prepare:14}prepare for supervision: your summary since your last supervision
  {home.supervisees:14}your supervisees (supervisors): enter opens a summary
  {home.people:14}people (admins): add colleagues, change roles and supervisors,
                reset a passphrase, switch an account off or back on
  {home.service_report:14}the service report (service leads): the team's barriers and
                figures, never anyone's notes; {report.earlier/report.later} the months before / \
after
  {home.export/home.import:14}export your records to a bundle file / import a bundle
  {home.sign_out:14}sign out      {home.about}  about

[b]Supervision summary[/b]
  ↑/↓ pgup/pgdn read it       {supervision.export}  save it (Markdown, printable page, NMC draft, \
JSON)
  {next_field:first}, space    tick off an agreed action from last time
  {supervision.sessions:14}a supervisee's sessions: enter opens one read-only, \
{session_view.comment} comments on it
  {supervision.record:14}write the supervision record (supervisors); \
{supervision_record.save} or enter saves
  {supervision.earlier/supervision.later:14}the period of the same length before / after this one
  {supervision.dates:14}choose the period's from and to dates
  {supervision.history:14}past supervision records: notes and agreed actions
  {supervision.back:14}back to where you were
  {parts}

[b]In a checklist[/b]
  {checklist.done}  Done        {checklist.partly}  Partly      \
{checklist.not_done}  Not done      {checklist.not_applicable}  Not applicable
                each answers the item in focus and moves on; Partly and Not done
                ask what got in the way: {reasons.toggle} ticks as many as apply,
                enter confirms ({reasons.close} for no reason); "Something else"
                opens the note box
  {checklist.previous/checklist.next:14}move between items (go back to change an answer)
  {checklist.reflect:14}after the last item ("All N items answered"): the reflection
  {checklist.note:14}add or edit a note on the item (saved as you type);
                in it, enter starts a new line and {note.save} saves and closes
  {checklist.why:14}show or hide why the item matters and its Theory of Change
                numbers (the item shows them in words)
  {checklist.home:14}go home; the unfinished checklist is kept

[b]Reflection[/b] ({checklist.reflect} after the last item)
  {next_field:14}next field      {reflection.finish}  finish the session
  {reflection.back:14}back to the items
  What you type is saved as you type. Text that may not be kept (an NHS number, a
  phone number, a postcode, more than a field holds) is never written: the field
  says "Not saved", and leaving asks first.

Every answer is saved the moment you give it: watch for "✓ saved".
"""
# The summary is headed in plain words; supervisors know its parts by the model's terms.
PARTS = "The summary's parts in supervision's terms (Proctor):\n" + "\n".join(
    f"    {PART_HEADINGS[part]:<16}{PART_TERMS[part]}" for part in PART_HEADINGS
)
HELP = HELP.replace("{parts}", PARTS)


def _words(binding: Binding) -> str:
    text = binding.tooltip or binding.description
    return text[:1].lower() + text[1:]


class HelpScreen(BoxScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        from tui.keymap import keymap_path

        from .checklist import ChecklistScreen
        from .confirm import ConfirmScreen
        from .drafts import DraftsScreen
        from .home import HomeScreen
        from .note import NoteScreen
        from .reasons import ReasonScreen
        from .reflection import ReflectionScreen
        from .service_report import ServiceReportScreen
        from .session_view import SessionViewScreen
        from .supervision_record import SupervisionRecordScreen
        from .supervision_summary import SupervisionSummaryScreen

        below = [screen for screen in self.app.screen_stack if screen is not self]
        here = type(below[-1]) if below else None
        template = self._this_screen(here) + HELP
        self.listed = keys.used_ids(template)
        text = keys.fill(
            self,
            template,
            ChecklistScreen,
            ConfirmScreen,
            DraftsScreen,
            HomeScreen,
            NoteScreen,
            ReasonScreen,
            ReflectionScreen,
            ServiceReportScreen,
            SessionViewScreen,
            SupervisionRecordScreen,
            SupervisionSummaryScreen,
            *([here] if here else []),
        )
        text += f"Your own keys, if you set any: {escape(str(keymap_path()))} (see the README)."
        with VerticalScroll(id="help-box"):
            yield Static("Help: keys", classes="screen-title")
            yield HangingText(text)
            yield Static(keys.fill(self, "{help.close:first}: close"), classes="hint")

    @staticmethod
    def _this_screen(screen: type | None) -> str:
        """A section for a screen whose keys the rest of the help does not cover."""
        shown = keys.used_ids(HELP)
        missing = [
            binding
            for binding in keys.bindings_of([screen] if screen else []).values()
            if binding.id not in shown
        ]
        if not missing:
            return ""
        lines = [f"  {{{b.id}:14}}{escape(_words(b))}" for b in missing]
        return "[b]On this screen[/b]\n" + "\n".join(lines) + "\n\n"

    def action_close(self) -> None:
        self.dismiss(None)
