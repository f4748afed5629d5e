"""One session at a glance: what was done, and what got in the way, by who can change it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from checklists import Checklist
from reports.wording import LABELS, RESPONSE_LABELS, RESPONSE_SYMBOLS, SYMBOLS
from reports.wording import LEVEL_SESSION_HEADINGS as LEVEL_HEADINGS
from services import sessions as session_use
from store import Session
from tui import keys
from tui.format import SETTING_LABELS, STAGE_LABELS, friendly_time
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter


class SessionSummaryScreen(SteppingNode, Screen):
    TITLE = "Session summary"
    CSS_PATH = "session_summary.tcss"
    BINDINGS = [Binding("escape", "home", "Home", id="summary.home")]

    def __init__(self, session: Session, checklist: Checklist, just_finished: bool = False) -> None:
        super().__init__()
        self.session = session
        self.checklist = checklist
        self.just_finished = just_finished
        self.sub_title = checklist.title

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary"):
            yield Static(self._text())
        yield KeysFooter()

    def _text(self) -> Text:
        library = self.stepping_app.store.library
        summary = session_use.summary(self.stepping_app.store, self.session, self.checklist)
        record = self.session.record
        text = Text()
        if self.just_finished:
            text.append("✓ Finished and saved. Thank you.\n\n", style="bold")
        setup = self.session.setup
        text.append(f"{self.checklist.title}\n", style="bold")
        text.append(
            f"{SETTING_LABELS.get(setup.get('setting'), '—')} · "
            f"{STAGE_LABELS.get(setup.get('stage'), '—')} · "
            f"finished {friendly_time(record.get('completed_at'))}\n\n",
            style="dim",
        )
        for response, count in summary.counts.items():
            text.append(f"{RESPONSE_SYMBOLS[response]} {RESPONSE_LABELS[response]}: {count}   ")
        unanswered = f"{SYMBOLS['unanswered']} {LABELS['unanswered']}"
        text.append(f"{unanswered}: {len(summary.unanswered)}\n")
        for level, gaps in summary.by_level.items():
            if not gaps:
                continue
            text.append(f"\n{LEVEL_HEADINGS[level]}\n", style="bold")
            for gap in gaps:
                reqs = f" [{', '.join(gap.requirements)}]" if gap.requirements else ""
                text.append(
                    f"  {RESPONSE_SYMBOLS[gap.response]} {gap.prompt}\n"
                    f"      {gap.reason_label}{reqs}\n"
                )
        if summary.no_reason:
            text.append("\nPartly or not done, no reason given\n", style="bold")
            for gap in summary.no_reason:
                text.append(f"  {RESPONSE_SYMBOLS[gap.response]} {gap.prompt}\n")
        if summary.unanswered:
            text.append("\nNot answered\n", style="bold")
            for prompt in summary.unanswered:
                text.append(f"  · {prompt}\n")
        notes = [
            (a.get("prompt", ""), a["note"]) for a in self.session.answers.values() if a.get("note")
        ]
        if notes:
            text.append("\nNotes\n", style="bold")
            for prompt, note in notes:
                lines = note.replace("\n", "\n        ")
                text.append(f"  {prompt}\n      ✎ {lines}\n")
        reflection = [
            (p.label, self.session.reflection.get(p.id, "").strip()) for p in library.reflection
        ]
        reflection = [(label, value) for label, value in reflection if value]
        if reflection or self.session.flagged:
            text.append("\nReflection\n", style="bold")
            for label, value in reflection:
                text.append(f"  {label}\n", style="italic")
                text.append("      " + value.replace("\n", "\n      ") + "\n")
            if self.session.flagged:
                text.append("  ⚑ Flagged to take to supervision\n", style="bold")
        text.append(keys.fill(self, "\n{summary.home}: home", markup=False), style="dim")
        return text

    def action_home(self) -> None:
        self.stepping_app.go_home()
