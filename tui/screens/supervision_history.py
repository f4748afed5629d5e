"""Past supervision records about one practitioner, newest meeting first: the date, who
wrote it, the start of the notes, and each agreed action with whether it is done.

Read in a worker (each record is sealed) through `services.supervision.notes_of`, which
audits a supervisor's reading; the worker posts what it read and the screen shows it.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from reports import text as words
from services import supervision as supervising
from store import Person, StoreError
from tui import keys
from tui.messages import WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter

EXCERPT = 160  # characters of the notes: enough to recall the meeting


def excerpt(notes: str, width: int = EXCERPT) -> str:
    """The notes on one line, cut with an ellipsis when longer than `width`."""
    flat = " ".join(notes.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def record_text(record, names: dict[str, str]) -> Text:
    """One record as it reads on screen (the done state in words, not only in colour)."""
    text = Text()
    text.append(words.format_date(record.date), style="bold")
    by = names.get(record.by)
    if by:
        text.append(f"  written by {by}", style="dim")
    notes = excerpt(str(record.content.get("notes") or ""))
    text.append("\n  ")
    text.append(notes or "No notes were written.", style="" if notes else "dim")
    actions = record.actions
    if not actions:
        text.append("\n  No actions were agreed.", style="dim")
    for action in actions:
        text.append("\n  [x] " if action.get("done") else "\n  [ ] ")
        text.append(str(action.get("text") or ""))
        if action.get("due"):
            text.append(f" (due {words.format_short_date(action['due'])})", style="dim")
        if action.get("done"):
            text.append(" done", style="dim")
    return text


class SupervisionHistoryScreen(SteppingNode, Screen):
    TITLE = "Past supervision records"
    CSS_PATH = "supervision_history.tcss"
    BINDINGS = [Binding("escape", "back", "Back", id="history.back")]

    def __init__(self, of: Person) -> None:
        super().__init__()
        self.of = of

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="history-body"):
            yield Static("Reading the supervision records…", id="history-intro")
            yield Static("", id="history")
            yield Static(
                keys.fill(self, "↑/↓ pgup/pgdn read    {history.back}: back to the summary"),
                classes="hint",
            )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = self.of.name
        self.query_one("#history-body").focus()
        self.load()

    class Read(Message):
        """The records read (newest first), and how many could not be opened."""

        def __init__(self, records: list, names: dict[str, str], unreadable: int) -> None:
            super().__init__()
            self.records = records
            self.names = names
            self.unreadable = unreadable

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def load(self) -> None:
        store, user = self.stepping_app.store, self.stepping_app.user
        problems: list[StoreError] = []
        try:
            records, _comments = supervising.notes_of(store, user, self.of, problems)
            names = {p.id: p.name for p in store.people.all()}
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(self.Read(records, names, len(problems)))

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        self.query_one("#history-intro", Static).update(
            Text(f"Could not read the supervision records. {message.reason}")
        )

    @on(Read)
    def show(self, message: Read) -> None:
        records = message.records
        intro = self.query_one("#history-intro", Static)
        if not records:
            intro.update(Text(f"No supervision record about {self.of.name} yet."))
        else:
            count = words.plural(len(records), "supervision record")
            intro.update(Text(f"{count} about {self.of.name}, newest first."))
        parts = [record_text(record, message.names) for record in records]
        if message.unreadable:
            parts.append(
                Text(
                    f"{message.unreadable} record(s) could not be opened and are left out.",
                    style="yellow",
                )
            )
        self.query_one("#history", Static).update(Group(*(Group(p, Text("")) for p in parts)))

    def action_back(self) -> None:
        self.app.pop_screen()
