"""Home: start a new checklist (n), resume (r) or delete (d) an unfinished one, see recent
sessions, and hear plainly about any that could not be opened."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from services import sessions as session_use
from services import supervision as supervising
from store import Session, StoreError
from tui import keys
from tui.format import SETTING_LABELS, short_date, unopened_sessions
from tui.messages import WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.marked import MarkedTable

from .drafts import DraftDeleted, DraftRow, DraftsScreen, ask_to_delete, draft_row

RECENT = 100  # finished sessions listed on home: enough to find one, and quick to open


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# What only someone with sessions can do (not a service lead who has no other role).
SESSION_ACTIONS = frozenset({"new", "resume", "delete", "prepare", "export", "import"})


class HomeScreen(SteppingNode, Screen):
    TITLE = "Home"
    CSS_PATH = "home.tcss"
    # The footer keeps room for Quit, Help and Lock at 80 columns; the key lines above the
    # table name every key.
    BINDINGS = [
        Binding("n", "new", "New checklist", id="home.new", tooltip="Start a new checklist"),
        Binding(
            "r",
            "resume",
            "Resume",
            id="home.resume",
            tooltip="Carry on with an unfinished checklist",
        ),
        Binding(
            "d",
            "delete",
            "Delete",
            id="home.delete",
            tooltip="Delete the highlighted unfinished checklist",
            show=False,
        ),
        Binding(
            "p",
            "prepare",
            "Prepare for supervision",
            id="home.prepare",
            tooltip="Your summary since your last supervision",
            show=False,
        ),
        Binding(
            "v",
            "supervisees",
            "Supervisees",
            id="home.supervisees",
            tooltip="The people you supervise",
            show=False,
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="home.export",
            tooltip="Write your sessions to a bundle file for another machine",
            show=False,
        ),
        Binding(
            "i",
            "import",
            "Import",
            id="home.import",
            tooltip="Bring in sessions from a bundle file",
            show=False,
        ),
        Binding(
            "u",
            "people",
            "People",
            id="home.people",
            tooltip="Add colleagues, change roles, reset passphrases (admins)",
            show=False,
        ),
        Binding(
            "l",
            "service_report",
            "Service report",
            id="home.service_report",
            tooltip="The team's barriers and figures, without anyone's notes (service leads)",
            show=False,
        ),
        Binding("s", "sign_out", "Sign out", id="home.sign_out", show=False),
        Binding("a", "about", "About", id="home.about", show=False),
    ]

    def __init__(self, after_sign_in: bool = False) -> None:
        super().__init__()
        self.after_sign_in = after_sign_in
        self._has_supervisees: bool | None = None
        self.drafts: list[DraftRow] = []
        self.rows: dict[str, Session] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="greeting")
        yield Static("Looking for unfinished checklists…", id="resume")
        yield Static("", id="unopened", markup=False)
        yield Static(self._actions(), id="actions")
        yield Static("Your recent sessions", classes="section-title")
        yield MarkedTable(
            id="recent", cursor_type="row", zebra_stripes=True, keep=("When", "✓ ◐ ✗ –")
        )
        yield KeysFooter()

    def _actions(self) -> str:
        if not self.has_sessions:  # a service lead and nothing else: the report, and out
            text = "[b]{home.service_report}[/b] service report"
            if self.is_admin:
                text += "   [b]{home.people}[/b] people"
            text += "   [b]{home.sign_out}[/b] sign out   [b]{help:first}[/b] help"
            return keys.fill(self, text)
        text = (
            "[b]{home.new}[/b] new checklist   [b]{home.resume}[/b] resume   "
            "[b]{home.delete}[/b] delete unfinished   [b]enter[/b] open\n"
            "[b]{home.prepare}[/b] prepare for supervision"
        )
        if self.has_supervisees:
            text += "   [b]{home.supervisees}[/b] supervisees"
        if self.is_admin:
            text += "   [b]{home.people}[/b] people"
        if self.is_lead:
            text += "   [b]{home.service_report}[/b] service report"
        text += (
            "\n[b]{home.export}[/b] export   [b]{home.import}[/b] import   "
            "[b]{home.sign_out}[/b] sign out   [b]{help:first}[/b] help"
        )
        return keys.fill(self, text)

    @property
    def has_supervisees(self) -> bool:
        # Read once per home screen: check_action runs on every footer refresh.
        if self._has_supervisees is None:
            person = self.stepping_app.user
            self._has_supervisees = person is not None and any(
                person.id in p.supervisors for p in self.stepping_app.store.people.all()
            )
        return self._has_supervisees

    @property
    def is_admin(self) -> bool:
        person = self.stepping_app.user
        return person is not None and person.has("admin")

    @property
    def has_sessions(self) -> bool:
        person = self.stepping_app.user
        return person is None or session_use.has_sessions(person)

    @property
    def is_lead(self) -> bool:
        person = self.stepping_app.user
        return person is not None and person.has("lead")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "service_report":
            return self.is_lead
        if action == "supervisees":
            return self.has_supervisees
        if action == "people":
            return self.is_admin
        if action in SESSION_ACTIONS:  # a service lead who has no other role has no sessions
            return self.has_sessions
        return True

    def on_mount(self) -> None:
        if self.after_sign_in:
            self.check_comments()
        person = self.stepping_app.user
        self.query_one("#greeting", Static).update(f"Signed in as [b]{person.name}[/b]")
        table = self.query_one("#recent", DataTable)
        table.add_columns("When", "Checklist", "Setting", "Status", "✓ ◐ ✗ –")
        self.query_one("#unopened", Static).display = False
        if not self.has_sessions:
            table.display = False
            self.query_one(".section-title", Static).display = False
            self.query_one("#resume", Static).update(session_use.LEAD_HOME)

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown, and again on return from a checklist.
        if self.has_sessions:
            self.load()

    class SessionsRead(Message):
        def __init__(
            self, sessions: list[Session], drafts: list[DraftRow], unopened: list[str]
        ) -> None:
            super().__init__()
            self.sessions = sessions
            self.drafts = drafts
            self.unopened = unopened

    class NewComments(Message):
        def __init__(self, comments: list, sessions: dict) -> None:
            super().__init__()
            self.comments = comments
            self.sessions = sessions

    @work(thread=True, exclusive=True, group="home-load", exit_on_error=False)
    def load(self) -> None:
        store, person = self.stepping_app.store, self.stepping_app.user
        problems: list[StoreError] = []
        try:
            sessions = session_use.readable(store, person, problems=problems, limit=RECENT)
            drafts = [draft_row(store, s) for s in sessions if s.is_draft]
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - a hostile file must not leave home blank
            self.post_message(WorkFailed(f"A file in the store is damaged ({type(exc).__name__})."))
            return
        # Never a reason to stop: what could be opened is listed, the rest said in words.
        unopened = unopened_sessions(problems, has_supervisor=bool(person.supervisors))
        self.post_message(self.SessionsRead(sessions, drafts, unopened))

    @work(thread=True, exclusive=True, group="home-comments", exit_on_error=False)
    def check_comments(self) -> None:
        """New comments from a supervisor are shown once, right after signing in."""
        store, person = self.stepping_app.store, self.stepping_app.user
        try:
            comments = supervising.new_comments(store, person)
            sessions = {
                c.session_id: store.sessions.metadata(person.id, c.session_id) for c in comments
            }
        except StoreError:
            return  # the sessions list reports problems reading this person's files
        if comments:
            self.post_message(self.NewComments(comments, sessions))

    @on(NewComments)
    def show_comments(self, message: NewComments) -> None:
        from .new_comments import NewCommentsScreen

        self.app.push_screen(NewCommentsScreen(message.comments, message.sessions))

    @on(WorkFailed)
    def show_problem(self, message: WorkFailed) -> None:
        self.query_one("#resume", Static).update(
            Content.from_markup(
                "[b]Could not read your sessions.[/b] $message", message=message.reason
            )
        )

    @on(SessionsRead)
    def sessions_read(self, message: SessionsRead) -> None:
        self.show_sessions(message.sessions, message.drafts, message.unopened)

    def show_sessions(
        self, sessions: list[Session], drafts: list[DraftRow], unopened: list[str]
    ) -> None:
        self.drafts = drafts
        notice = self.query_one("#unopened", Static)
        notice.update("\n".join(unopened))
        notice.display = bool(unopened)
        resume = self.query_one("#resume", Static)
        if len(drafts) == 1:
            resume.update(
                Content.from_markup(
                    keys.fill(self, "[b]Resume[/b] $what: press [b]{home.resume}[/b]"),
                    what=drafts[0].describe,
                )
            )
            resume.add_class("has-draft")
        elif drafts:
            resume.update(
                Content.from_markup(
                    f"[b]Resume[/b] one of {len(drafts)} unfinished checklists, the newest "
                    + keys.fill(self, "$what: press [b]{home.resume}[/b] to choose"),
                    what=drafts[0].describe,
                )
            )
            resume.add_class("has-draft")
        else:
            resume.update(
                keys.fill(self, "No unfinished checklists. Press [b]{home.new}[/b] to start one.")
            )
            resume.remove_class("has-draft")
        table = self.query_one("#recent", DataTable)
        table.clear()
        self.rows = {}
        progress = {row.session.id: row for row in drafts}
        for session in sessions[:RECENT]:
            counts = {r: 0 for r in ("done", "partly", "not_done", "not_applicable")}
            for answer in session.answers.values():
                if answer.get("response") in counts:
                    counts[answer["response"]] += 1
            row = progress.get(session.id)
            if row is None:
                status = "✓ finished"
            elif row.total is None:
                status = f"… {row.answered} answered"
            else:
                status = f"… {row.answered}/{row.total} answered"
            when = session.record.get("completed_at") or session.record["updated_at"]
            table.add_row(
                short_date(when),
                # Text, not a string: a DataTable reads strings as markup, and a title comes
                # from a file anyone can edit.
                Text(
                    _short(str(session.record["checklist"].get("title", session.checklist_id)), 22)
                ),
                SETTING_LABELS.get(session.setup.get("setting"), "—"),
                status,
                " ".join(str(v) for v in counts.values()),
                key=session.id,
            )
            self.rows[session.id] = session
        if not sessions:
            table.add_row("—", "Nothing yet", "", "", "")

    def action_new(self) -> None:
        from .picker import PickerScreen

        self.app.push_screen(PickerScreen())

    def action_resume(self) -> None:
        if not self.drafts:
            self.notify("There is no unfinished checklist to resume.", timeout=4)
            return
        if len(self.drafts) == 1:
            self.open_draft(self.drafts[0].session)
            return

        def chosen(session_id: str | None) -> None:
            self.load()  # the chooser may have deleted some
            for row in self.drafts:
                if row.session.id == session_id:
                    self.open_draft(row.session)

        self.app.push_screen(DraftsScreen(self.drafts), callback=chosen)

    def action_delete(self) -> None:
        """`d`: delete the highlighted unfinished checklist, after asking."""
        table = self.query_one("#recent", DataTable)
        session = None
        if table.row_count and table.cursor_row >= 0:
            key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
            session = self.rows.get(key)
        if session is None:
            self.notify("Highlight an unfinished checklist in the list to delete it.", timeout=5)
            return
        row = next((r for r in self.drafts if r.session.id == session.id), None)
        if row is None:
            self.notify(
                "That session is finished. Finished sessions are kept and never deleted.",
                timeout=6,
            )
            return
        ask_to_delete(self, row, self.removing)

    def removing(self, row: DraftRow) -> None:
        """Gone from the list at once: it cannot be resumed while it is being deleted."""
        self.drafts = [r for r in self.drafts if r.session.id != row.session.id]
        self.rows.pop(row.session.id, None)
        table = self.query_one("#recent", DataTable)
        if row.session.id in table.rows:
            table.remove_row(row.session.id)

    @on(DraftDeleted)
    def deleted(self, event: DraftDeleted) -> None:
        self.notify(event.message, severity="information" if event.ok else "error", timeout=6)
        self.load()

    def open_draft(self, session: Session) -> None:
        from .checklist import ChecklistScreen

        try:
            checklist = self.stepping_app.store.checklist_for(session)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        screen = ChecklistScreen(session, checklist, start=session.first_unanswered(checklist))
        if not session.unanswered(checklist):
            # Everything is answered: what is left is the reflection, and behind it the end
            # of the list, where answer keys do nothing.
            screen.set_reactive(ChecklistScreen.at_end, True)
            self.app.push_screen(screen)
            screen.open_reflection()
            return
        self.app.push_screen(screen)

    @on(DataTable.RowSelected)
    def open_row(self, event: DataTable.RowSelected) -> None:
        session = self.rows.get(event.row_key.value)
        if session is None:
            return
        if session.is_draft:
            self.open_draft(session)
            return
        from .session_summary import SessionSummaryScreen

        try:
            checklist = self.stepping_app.store.checklist_for(session)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.app.push_screen(SessionSummaryScreen(session, checklist))

    def action_prepare(self) -> None:
        from .supervision_summary import SupervisionSummaryScreen

        self.app.push_screen(SupervisionSummaryScreen())

    def action_supervisees(self) -> None:
        from .supervisees import SuperviseesScreen

        self.app.push_screen(SuperviseesScreen())

    def action_export(self) -> None:
        from .transfer import ExportScreen

        self.app.push_screen(ExportScreen())

    def action_import(self) -> None:
        from .transfer import ImportScreen

        self.app.push_screen(ImportScreen())

    def action_people(self) -> None:
        if not self.is_admin:
            return
        from .people import PeopleScreen

        self.app.push_screen(PeopleScreen())

    def action_service_report(self) -> None:
        if not self.is_lead:
            return
        from .service_report import ServiceReportScreen

        self.app.push_screen(ServiceReportScreen())

    def action_sign_out(self) -> None:
        self.stepping_app.sign_out()

    def action_about(self) -> None:
        from .about import AboutScreen

        self.app.push_screen(AboutScreen())
