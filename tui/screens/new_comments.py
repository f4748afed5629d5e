"""New comments from a supervisor, shown once after signing in (then marked as seen)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from reports import text as words
from reports.wording import new_comments_heading
from services import supervision as supervising
from store import StoreError
from tui import keys
from tui.screens.box import BoxScreen
from tui.typed import SteppingNode


class NewCommentsScreen(SteppingNode, BoxScreen[None]):
    CSS_PATH = "new_comments.tcss"
    BINDINGS = [Binding("enter,escape", "close", "Close", id="comments.close")]

    def __init__(self, comments: list, sessions: dict[str, dict] | None = None) -> None:
        super().__init__()
        self.comments = comments
        # Each comment's session, clear part only (read in the worker that found the comments).
        self.sessions = sessions or {}

    def compose(self) -> ComposeResult:
        names = {p.id: p.name for p in self.stepping_app.store.people.all()}
        body = Text()
        for comment in self.comments:
            body.append(f"{names.get(comment.by, 'Your supervisor')}", style="bold")
            body.append(f" · {words.format_short_date(comment.record['created_at'])}", style="dim")
            meta = self.sessions.get(comment.session_id) or {}
            when = meta.get("completed_at") or meta.get("started_at")
            if when:
                title = (meta.get("checklist") or {}).get("title", "")
                body.append(f"\non your session of {words.format_date(when)}", style="dim")
                body.append(f" ({title})" if title else "", style="dim")
            body.append(f"\n{comment.text}\n\n")
        count = len(self.comments)
        with Vertical(id="comments-box"):
            yield Static(new_comments_heading(count), classes="screen-title")
            with VerticalScroll(id="comments-list"):
                yield Static(body)
            yield Static(
                keys.fill(
                    self,
                    "You will find them again in Prepare for supervision ({home.prepare}). "
                    "Press {comments.close:first} to close.",
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.mark_seen()

    @work(thread=True, exit_on_error=False)
    def mark_seen(self) -> None:
        try:
            supervising.mark_comments_seen(
                self.stepping_app.store, self.stepping_app.user, self.comments
            )
        except StoreError:
            pass  # shown again at the next sign-in: nothing is lost

    def action_close(self) -> None:
        self.dismiss(None)
