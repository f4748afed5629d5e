"""Unfinished checklists: choose one to resume (`r` with more than one), or delete one (`d`).

Deleting asks first and only ever removes an unfinished checklist; the store refuses a
finished session and writes the audit entry, so this screen only asks and shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from services import sessions as session_use
from store import Session, StoreError
from tui import keys
from tui.format import friendly_time
from tui.screens.box import BoxScreen
from tui.typed import stepping_app
from tui.widgets.marked import MarkedTable


@dataclass(frozen=True)
class DraftRow:
    """One unfinished checklist as home and the chooser show it."""

    session: Session
    title: str
    answered: int
    total: int | None  # None when its checklist wording cannot be read

    @property
    def when(self) -> str:
        return friendly_time(self.session.record.get("updated_at"))

    @property
    def progress(self) -> str:
        if self.total is None:
            return f"{self.answered} answered"
        return f"{self.answered} of {self.total} answered"

    @property
    def describe(self) -> str:
        return f"{self.title}, from {self.when} ({self.progress})"


def draft_row(store, session: Session) -> DraftRow:
    """Counted against the items the checklist shows for this session's setup."""
    title = session.record["checklist"].get("title", session.checklist_id)
    try:
        checklist = store.checklist_for(session)
    except StoreError:
        answered = sum(1 for a in session.answers.values() if a.get("response"))
        return DraftRow(session, title, answered, None)
    total = len(session.visible_items(checklist))
    return DraftRow(session, title, total - len(session.unanswered(checklist)), total)


class DraftDeleted(Message):
    """Posted to the screen that asked: the delete is done (`ok`) or not; `message` says so."""

    def __init__(self, row: DraftRow, message: str, ok: bool) -> None:
        super().__init__()
        self.row = row
        self.message = message
        self.ok = ok


def ask_to_delete(screen: Screen, row: DraftRow, removing) -> None:
    """Ask "Delete this unfinished checklist? y/n". On `y`, `removing(row)` at once (so it
    can no longer be opened while it goes), then the delete off the UI thread, which posts
    `DraftDeleted` to `screen`."""
    from .confirm import ConfirmScreen

    app = stepping_app(screen)

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        session_id = row.session.id
        removing(row)
        app.discarding(session_id)

        def delete() -> None:
            try:
                session_use.discard_draft(app.store, app.user, session_id)
            except Exception as exc:  # noqa: BLE001 - said on screen, never a silent stop
                message = str(exc) if isinstance(exc, StoreError) else "It could not be deleted."
                app.discard_failed(session_id)  # the writer's own lock makes this safe here
                screen.post_message(DraftDeleted(row, message, False))
                return
            screen.post_message(DraftDeleted(row, f"Deleted: {row.describe}.", True))

        screen.run_worker(delete, thread=True, group="delete-draft", exit_on_error=False)

    screen.app.push_screen(
        ConfirmScreen(
            "Delete this unfinished checklist? y/n",
            f"{row.describe}. Its answers and notes go too; this cannot be undone.",
        ),
        callback=answered,
    )


class DraftsScreen(BoxScreen[str | None]):
    """Every unfinished checklist with its time and progress; dismisses with the id to resume."""

    CSS_PATH = "drafts.tcss"
    BINDINGS = [
        Binding("enter", "resume", "Resume", id="drafts.resume", priority=True),
        Binding("d", "delete", "Delete", id="drafts.delete"),
        Binding("escape", "close", "Back", id="drafts.back"),
    ]

    def __init__(self, rows: list[DraftRow]) -> None:
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="drafts-box"):
            yield Static("Unfinished checklists", classes="screen-title")
            yield MarkedTable(
                id="drafts", cursor_type="row", zebra_stripes=True, keep=("Last changed",)
            )
            yield Static("", id="drafts-message", markup=False)
            yield Static(
                keys.fill(
                    self,
                    "↑/↓ choose · {drafts.resume}: resume · {drafts.delete}: delete · "
                    "{drafts.back}: back",
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        table = self.query_one("#drafts", DataTable)
        table.add_columns("Last changed", "Checklist", "Answered")
        self.fill()
        table.focus()

    def fill(self, cursor: int = 0) -> None:
        table = self.query_one("#drafts", DataTable)
        table.clear()
        for row in self.rows:
            answered = f"{row.answered} of {row.total}" if row.total else str(row.answered)
            table.add_row(row.when, Text(row.title), answered, key=row.session.id)
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))

    @property
    def highlighted(self) -> DraftRow | None:
        table = self.query_one("#drafts", DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_resume()

    def action_resume(self) -> None:
        row = self.highlighted
        if row is not None:
            self.dismiss(row.session.id)

    def action_delete(self) -> None:
        row = self.highlighted
        if row is not None:
            ask_to_delete(self, row, self.removing)

    def removing(self, row: DraftRow) -> None:
        at = self.query_one("#drafts", DataTable).cursor_row
        self.rows = [r for r in self.rows if r.session.id != row.session.id]
        self.query_one("#drafts-message", Static).update("Deleting…")
        self.fill(at)

    @on(DraftDeleted)
    def deleted(self, event: DraftDeleted) -> None:
        row, message = event.row, event.message
        self.query_one("#drafts-message", Static).update(message)
        if not event.ok:
            self.rows = sorted(
                [*self.rows, row], key=lambda r: r.session.record["updated_at"], reverse=True
            )
            self.fill()
            return
        if not self.rows:
            self.app.notify(message, timeout=5)
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
