"""A supervisor's people: who has sessions since their last supervision, and what needs a look.

Read again each time the screen comes back into view (from a summary, a session, a record),
so the counts are as they are now; the reading worker posts what it read to the screen.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from reports import text as words
from services import summaries
from store import StoreError
from tui.messages import WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.marked import MarkedTable


class SuperviseesScreen(SteppingNode, Screen):
    TITLE = "Supervisees"
    CSS_PATH = "supervisees.tcss"
    BINDINGS = [Binding("escape", "back", "Back", id="supervisees.back")]

    def __init__(self) -> None:
        super().__init__()
        self.people: dict[str, object] = {}
        # What was already said about records left out, so coming back does not say it again.
        self.told: set[tuple[str, int]] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Sessions since each person's last supervision. [b]enter[/b] opens their summary.",
            id="supervisees-intro",
        )
        yield MarkedTable(id="supervisees", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Fixed widths: they fit 80 columns, and do not wait on the table's own measuring.
        for label, width in (
            ("Name", 22),
            ("Last supervision", 16),
            ("Sessions", 8),
            ("⚑ Flagged", 9),
            ("Unfinished", 10),
        ):
            table.add_column(label, width=width)

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown; coming back, a supervisee may have
        # finished a session or been supervised meanwhile: read the overview again.
        self.load()

    class Read(Message):
        def __init__(self, rows: list[summaries.OverviewRow]) -> None:
            super().__init__()
            self.rows = rows

    @work(thread=True, exclusive=True, group="supervisees", exit_on_error=False)
    def load(self) -> None:
        try:
            rows = summaries.overview(self.stepping_app.store, self.stepping_app.user)
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(self.Read(rows))

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        self.notify(message.reason, severity="error", timeout=10)

    @on(Read)
    def read(self, message: Read) -> None:
        self.show(message.rows)

    def show(self, rows: list[summaries.OverviewRow]) -> None:
        table = self.query_one(DataTable)
        row_before = table.cursor_row
        table.clear()
        self.people = {}
        for row in rows:
            last = (
                words.format_short_date(row.last_supervision) if row.last_supervision else "not yet"
            )
            table.add_row(
                Text(row.name),
                last,
                str(row.sessions),
                f"⚑ {row.flagged}" if row.flagged else "0",
                f"! {row.stale_drafts} >1 wk" if row.stale_drafts else "0",
                key=row.person.id,
            )
            self.people[row.person.id] = row.person
        self.tell_left_out(rows)
        if not rows:
            table.add_row("Nobody yet: an admin assigns supervisees", "", "", "", "")
        elif 0 < row_before < table.row_count:
            table.move_cursor(row=row_before)  # back where the supervisor left it
        table.focus()

    def tell_left_out(self, rows: list[summaries.OverviewRow]) -> None:
        """Say whose counts leave records out because they cannot be believed (damaged, not
        signed by their author, a colleague's moved into the person's folder), once each."""
        for row in rows:
            if not row.left_out or (row.person.id, row.left_out) in self.told:
                continue
            self.told.add((row.person.id, row.left_out))
            one = row.left_out == 1
            self.notify(
                f"{row.name}: {row.left_out} {'record' if one else 'records'} could not be "
                f"opened or {'is' if one else 'are'} someone else's, so "
                f"{'it is' if one else 'they are'} not counted here "
                "(`stepping-stones verify` names each one).",
                title="Left out",
                severity="warning",
                timeout=15,
                markup=False,
            )

    @on(DataTable.RowSelected)
    def open_summary(self, event: DataTable.RowSelected) -> None:
        person = self.people.get(event.row_key.value)
        if person is None:
            return
        from .supervision_summary import SupervisionSummaryScreen

        self.app.push_screen(SupervisionSummaryScreen(of=person))

    def action_back(self) -> None:
        self.app.pop_screen()
