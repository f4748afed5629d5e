"""One person's sessions, for their supervisor (or themselves): enter opens one, read-only.

Finished sessions come first, newest first, then any unfinished ones with how long they have
been waiting. The store puts every read of someone else's sessions in the audit trail.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from checklists import dates
from reports.wording import RESPONSE_SYMBOLS, RESPONSES, legend
from services import sessions as session_use
from store import Person, Session, StoreError
from tui.format import SETTING_LABELS, short_date
from tui.messages import WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.marked import MarkedTable

LIMIT = 200  # enough for several months of contacts, and still quick to open
COUNTS_HEADING = " ".join(RESPONSE_SYMBOLS[r] for r in RESPONSES)
LEGEND = legend(RESPONSES, sep="  ") + "  ⚑ flagged  c2: 2 comments"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def how_old(iso: str | None, now: datetime | None = None) -> str:
    """'today', '1 day', '9 days', '3 weeks', '4 months': how long a draft has waited."""
    moment = dates.moment(iso)
    if moment is None:
        return ""
    now = now or datetime.now(moment.tzinfo)
    days = max((now.date() - moment.date()).days, 0)
    if days == 0:
        return "today"
    if days < 14:
        return "1 day" if days == 1 else f"{days} days"
    if days < 61:
        return f"{days // 7} weeks"
    return f"{days // 30} months"


def ordered(sessions: list[Session]) -> list[Session]:
    """Finished first, newest first; then unfinished ones, the most recently changed first."""
    finished = [s for s in sessions if not s.is_draft]
    drafts = [s for s in sessions if s.is_draft]
    finished.sort(key=lambda s: s.record.get("completed_at") or "", reverse=True)
    drafts.sort(key=lambda s: s.record.get("updated_at") or "", reverse=True)
    return finished + drafts


class SuperviseeSessionsScreen(SteppingNode, Screen):
    TITLE = "Sessions"
    CSS_PATH = "supervisee_sessions.tcss"
    BINDINGS = [
        Binding(
            "escape",
            "back",
            "Back",
            id="supervisee_sessions.back",
            tooltip="Back to where you were",
        )
    ]

    def __init__(self, author: Person) -> None:
        super().__init__()
        self.author = author
        self.sub_title = author.name
        self.sessions: list[Session] | None = None
        self.rows: dict[str, Session] = {}
        self.comment_counts: Counter[str] = Counter()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Opening {self.author.name}'s sessions…", id="sessions-intro")
        yield Static(LEGEND, id="sessions-legend", classes="hint")
        yield MarkedTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns("When", "Checklist", "Setting", COUNTS_HEADING, "⚑", "Comments")
        table.focus()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown. Coming back from a session, only the
        # comments can have changed (a comment just written): read just those again.
        if self.sessions is None:
            self.load()
        else:
            self.load_comments()

    class Read(Message):
        """Sessions (None: those already shown), comment counts (None: nothing to show), and
        what could not be read."""

        def __init__(
            self,
            sessions: list[Session] | None,
            counts: Counter[str] | None,
            problems: list[StoreError],
        ) -> None:
            super().__init__()
            self.sessions = sessions
            self.counts = counts
            self.problems = problems

    @work(thread=True, exclusive=True, group="supervisee-sessions", exit_on_error=False)
    def load(self) -> None:
        store, user = self.stepping_app.store, self.stepping_app.user
        problems: list[StoreError] = []
        try:
            sessions = session_use.readable(
                store, user, of=self.author, problems=problems, limit=LIMIT
            )
            comments = store.supervision.comments(user, self.author.id, problems)
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        counts = Counter(c.session_id for c in comments)
        self.post_message(self.Read(ordered(sessions), counts, problems))

    @work(thread=True, exclusive=True, group="supervisee-comments", exit_on_error=False)
    def load_comments(self) -> None:
        problems: list[StoreError] = []
        try:
            comments = self.stepping_app.store.supervision.comments(
                self.stepping_app.user, self.author.id, problems
            )
        except StoreError as exc:
            self.post_message(self.Read(None, None, [exc]))
            return
        self.post_message(self.Read(None, Counter(c.session_id for c in comments), []))

    @on(Read)
    def read(self, message: Read) -> None:
        if message.counts is not None:
            sessions = message.sessions
            self.show((self.sessions or []) if sessions is None else sessions, message.counts)
        self.report(message.problems)

    def report(self, problems: list[StoreError]) -> None:
        for problem in problems:
            self.app.notify(
                str(problem), title="Something could not be opened", severity="warning", timeout=15
            )

    @on(WorkFailed)
    def show_problem(self, failed: WorkFailed) -> None:
        message = failed.reason
        self.sessions = []
        self.query_one("#sessions-intro", Static).update(
            Content.from_markup(
                "[b]Could not read $name's sessions.[/b] $message",
                name=self.author.name,
                message=message,
            )
        )

    def show(self, sessions: list[Session], counts: Counter[str]) -> None:
        self.sessions = sessions
        self.comment_counts = counts
        finished = sum(1 for s in sessions if not s.is_draft)
        unfinished = len(sessions) - finished
        intro = f"{finished} finished"
        if unfinished:
            intro += f", {unfinished} unfinished"
        intro += ". [b]enter[/b] opens one to read (read-only)."
        self.query_one("#sessions-intro", Static).update(intro)
        table = self.query_one("#sessions", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = {}
        for session in sessions:
            tally = Counter(a.get("response") for a in session.answers.values())
            if session.is_draft:
                age = how_old(session.record.get("updated_at"))
                when = f"… unfinished {age}".rstrip()
            else:
                when = short_date(session.record.get("completed_at"))
            comments = counts.get(session.id, 0)
            table.add_row(
                when,
                Text(
                    _short(str(session.record["checklist"].get("title", session.checklist_id)), 20)
                ),
                SETTING_LABELS.get(session.setup.get("setting"), "—"),
                " ".join(str(tally.get(r, 0)) for r in RESPONSES),
                "⚑" if session.flagged else "",
                f"c{comments}" if comments else "",
                key=session.id,
            )
            self.rows[session.id] = session
        if not sessions:
            table.add_row("—", "No sessions yet", "", "", "", "")
        elif keep:
            table.move_cursor(row=min(keep, len(sessions) - 1))

    @on(DataTable.RowSelected)
    def open_row(self, event: DataTable.RowSelected) -> None:
        session = self.rows.get(event.row_key.value)
        if session is None:
            return
        from .session_view import SessionViewScreen

        self.app.push_screen(SessionViewScreen(session, self.author))

    def action_back(self) -> None:
        self.app.pop_screen()
