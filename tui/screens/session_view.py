"""One session, read-only: every answer, why, the notes, the reflection and the comments.

For a supervisor reading a supervisee's session (and for a practitioner reading their own).
Nothing here can be changed; a supervisor can add a comment (`c`), which the practitioner
sees at their next sign-in.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from checklists import Checklist
from reports.wording import LABELS, RESPONSE_SYMBOLS
from reports.wording import LEVEL_WHY as LEVEL_LABELS
from services import sessions as session_use
from store import Person, Session, StoreError
from tui import keys
from tui.format import SETTING_LABELS, STAGE_LABELS, friendly_time
from tui.messages import Notice, WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter


class SessionViewScreen(SteppingNode, Screen):
    TITLE = "Session"
    CSS_PATH = "session_view.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="session_view.back", tooltip="Back to the sessions"),
        Binding(
            "c",
            "comment",
            "Comment",
            id="session_view.comment",
            tooltip="Write a comment they will see at their next sign-in",
        ),
    ]

    def __init__(self, session: Session, author: Person) -> None:
        super().__init__()
        self.session = session
        self.author = author
        self.sub_title = author.name

    @property
    def may_comment(self) -> bool:
        user = self.stepping_app.user
        return user is not None and user.id != self.author.id and user.id in self.author.supervisors

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "comment":
            return self.may_comment
        return True

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="session-view"):
            yield Static("Opening the session…", id="session-body")
            yield Static("", id="session-comments")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#session-view", VerticalScroll).focus()
        self.load(first=True)

    @work(thread=True, exclusive=True, group="session-view", exit_on_error=False)
    def load(self, first: bool = False) -> None:
        store, user = self.stepping_app.store, self.stepping_app.user
        checklist: Checklist | None = None
        missing = ""
        if first:
            try:
                checklist = store.checklist_for(self.session)
            except StoreError as exc:
                missing = str(exc)
            if user.id != self.author.id:
                try:
                    session_use.opened(store, user, self.author)
                except StoreError as exc:
                    self.post_message(Notice(str(exc), severity="warning"))
            self.post_message(self.SessionRead(checklist, missing))
        problems: list[StoreError] = []
        try:
            comments = [
                c
                for c in store.supervision.comments(user, self.author.id, problems)
                if c.session_id == self.session.id
            ]
            names = {p.id: p.name for p in store.people.all()}
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(self.CommentsRead(comments, names))
        for problem in problems:
            self.post_message(
                Notice(
                    str(problem),
                    title="A comment could not be opened",
                    severity="warning",
                    timeout=15,
                )
            )

    class SessionRead(Message):
        def __init__(self, checklist: Checklist | None, missing: str) -> None:
            super().__init__()
            self.checklist = checklist
            self.missing = missing

    class CommentsRead(Message):
        def __init__(self, comments: list, names: dict[str, str]) -> None:
            super().__init__()
            self.comments = comments
            self.names = names

    @on(SessionRead)
    def session_read(self, message: SessionRead) -> None:
        self.show_session(message.checklist, message.missing)

    @on(CommentsRead)
    def comments_read(self, message: CommentsRead) -> None:
        self.show_comments(message.comments, message.names)

    @on(WorkFailed)
    def comments_failed(self, message: WorkFailed) -> None:
        self.show_comments_problem(message.reason)

    # -- what is shown -----------------------------------------------------------------------
    def show_session(self, checklist: Checklist | None, missing: str) -> None:
        self.query_one("#session-body", Static).update(self.session_text(checklist, missing))

    def session_text(self, checklist: Checklist | None, missing: str = "") -> Text:
        library = self.stepping_app.store.library
        session, record = self.session, self.session.record
        text = Text()
        title = checklist.title if checklist else record["checklist"].get("title", "")
        text.append(f"{title or session.checklist_id}\n", style="bold")
        setup = session.setup
        if session.is_draft:
            when = f"… unfinished, last changed {friendly_time(record.get('updated_at'))}"
        else:
            when = f"finished {friendly_time(record.get('completed_at'))}"
        text.append(
            f"{SETTING_LABELS.get(setup.get('setting'), '—')} · "
            f"{STAGE_LABELS.get(setup.get('stage'), '—')} · {when}\n",
            style="dim",
        )
        text.append("Read-only: nothing here can be changed.\n", style="dim italic")
        if missing:
            text.append(f"\n{missing} The answers are shown as they were saved.\n")

        text.append("\nAnswers\n", style="bold underline")
        if checklist is not None:
            shown = [
                (item.prompt, session.answers.get(item.id, {}))
                for item in session.visible_items(checklist)
            ]
        else:
            shown = [(a.get("prompt", item_id), a) for item_id, a in session.answers.items()]
        for number, (prompt, answer) in enumerate(shown, start=1):
            response = answer.get("response")
            text.append(f"{number:>2}. {prompt}\n")
            label = LABELS.get(response or "unanswered", LABELS["unanswered"])
            text.append(f"    {RESPONSE_SYMBOLS.get(response, '·')} {label}\n", style="bold")
            reasons = [r for r in map(library.reason, Session.reasons_of(answer)) if r is not None]
            for reason in reasons:
                level = LEVEL_LABELS.get(reason.level, reason.level)
                text.append(f"    Why: {reason.label} ({level})\n")
            if not reasons and response in ("partly", "not_done"):
                text.append("    Why: no reason given\n", style="dim")
            if answer.get("note"):
                lines = answer["note"].replace("\n", "\n            ")
                text.append(f"    ✎ Note: {lines}\n")
        if not shown:
            text.append("  No items.\n", style="dim")

        text.append("\nReflection\n", style="bold underline")
        written = False
        for prompt in library.reflection:
            value = session.reflection.get(prompt.id, "").strip()
            if value:
                written = True
                text.append(f"  {prompt.label}\n", style="italic")
                text.append("    " + value.replace("\n", "\n    ") + "\n")
        known = {p.id for p in library.reflection}
        for key, value in session.reflection.items():
            if key not in known and value.strip():  # a prompt since removed from the list
                written = True
                text.append(f"  {key}\n", style="italic")
                text.append("    " + value.strip().replace("\n", "\n    ") + "\n")
        if not written:
            text.append("  No reflection written.\n", style="dim")
        if session.flagged:
            text.append("\n⚑ Flagged to take to supervision\n", style="bold")
        else:
            text.append("\n  Not flagged for supervision.\n", style="dim")
        return text

    def show_comments(self, comments: list, names: dict[str, str]) -> None:
        text = Text()
        text.append("\nComments\n", style="bold underline")
        if not comments:
            text.append("  No comments yet.", style="dim")
            if self.may_comment:
                text.append(
                    keys.fill(self, " Press {session_view.comment} to add one.", markup=False),
                    style="dim",
                )
            text.append("\n")
        for comment in comments:
            who = names.get(comment.by, "someone no longer in this store")
            text.append(
                f"  {who} · {friendly_time(comment.record.get('created_at'))}", style="bold"
            )
            text.append("  (seen)\n" if comment.seen else "\n", style="dim")
            text.append(f"    {comment.text}\n")
        hint = "\n↑ ↓ pgup pgdn: scroll · {session_view.back}: back"
        if self.may_comment:
            hint += " · {session_view.comment}: comment"
        text.append(keys.fill(self, hint, markup=False), style="dim")
        self.query_one("#session-comments", Static).update(text)

    def show_comments_problem(self, message: str) -> None:
        self.query_one("#session-comments", Static).update(
            Text(f"\nThe comments could not be read. {message}")
        )

    # -- keys --------------------------------------------------------------------------------
    def action_comment(self) -> None:
        if not self.may_comment:
            return
        from .comment import CommentScreen

        def done(saved: bool | None) -> None:
            if saved:
                self.load()

        self.app.push_screen(CommentScreen(self.session.id, self.author), done)

    def action_back(self) -> None:
        self.app.pop_screen()
