"""A supervisor's comment on one session: ctrl+s saves it, escape leaves without saving.

The practitioner sees it at their next sign-in. Like every free text in the app, a comment
that seems to hold something identifying gets a warning first and is kept only when the
supervisor presses ctrl+s again.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static, TextArea

from checklists.identifiers import describe
from services import supervision as supervising
from services.errors import AuditFailed, IdentifierRefused
from store import Person, StoreError
from store.supervision import COMMENT_LIMIT
from tui import keys
from tui.messages import Notice, WorkFailed
from tui.screens.box import BoxScreen
from tui.typed import SteppingNode
from tui.widgets.language_hint import LanguageHint

PLACEHOLDER = "Let's talk about this at supervision"
QUICK = "Let's talk about this"


class CommentScreen(SteppingNode, BoxScreen[bool]):
    TITLE = "Comment"
    CSS_PATH = "comment.tcss"
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            # Not a priority binding: it waits behind the keys typed before it.
            id="comment.save",
            tooltip="Save the comment",
        ),
        Binding(
            "ctrl+t",
            "quick",
            "Let's talk",
            id="comment.quick",
            tooltip=f'Write "{QUICK}"',
        ),
        Binding("escape", "cancel", "Cancel", id="comment.cancel", tooltip="Leave without saving"),
    ]

    def __init__(self, session_id: str, author: Person) -> None:
        super().__init__()
        self.session_id = session_id
        self.author = author
        self._confirmed: str | None = None
        self._saving = False

    def compose(self) -> ComposeResult:
        name = self.author.name
        with Vertical(id="comment-box"):
            yield Static("Comment", classes="screen-title")
            yield Static(
                f"On one of {name}'s sessions. {name} will see it when they next sign in. "
                "No names or details that identify the woman.",
                classes="hint",
            )
            yield TextArea(
                "",
                id="comment",
                soft_wrap=True,
                tab_behavior="focus",
                show_line_numbers=False,
                placeholder=PLACEHOLDER,
            )
            yield Static("", id="warning", classes="error", markup=False)
            yield LanguageHint(id="language")
            with Horizontal(id="comment-buttons"):
                yield Button(
                    f"▸ {QUICK} (" + keys.fill(self, "{comment.quick}", markup=False) + ")",
                    id="quick",
                    compact=True,
                )
            yield Static(
                keys.fill(self, "{comment.save}: save · {comment.cancel}: cancel, nothing saved"),
                classes="hint",
            )
            yield Static("", id="problem", classes="error", markup=False)

    def on_mount(self) -> None:
        self.show_message("#warning", "")
        self.show_message("#problem", "")
        self.query_one("#comment", TextArea).focus()

    def show_message(self, selector: str, message: str) -> None:
        """A warning or problem line, taking no room when there is nothing to say."""
        line = self.query_one(selector, Static)
        line.update(message)
        line.display = bool(message)

    @property
    def text(self) -> str:
        return self.query_one("#comment", TextArea).text

    def typed_not_saved(self) -> bool:
        """A comment is saved only by ctrl+s: until then what is typed is on screen only (the
        lock screen says so)."""
        return bool(self.text.strip())

    @on(TextArea.Changed)
    def edited(self, event: TextArea.Changed) -> None:
        if event.text_area.text != self._confirmed:
            self.show_message("#warning", "")
        self.show_message("#problem", "")
        # A suggestion only: it never holds the comment back.
        self.query_one(LanguageHint).check(event.text_area.text)

    @on(Button.Pressed, "#quick")
    def quick_pressed(self) -> None:
        self.action_quick()

    def action_quick(self) -> None:
        area = self.query_one("#comment", TextArea)
        current = area.text.strip()
        if current.lower().startswith(QUICK.lower()):
            pass  # already there
        elif current:
            area.text = f"{QUICK}. {current}"
        else:
            area.text = QUICK
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        if self._saving:
            return
        text = self.text.strip()
        if not text:
            self.show_message(
                "#problem",
                "A comment needs some words ("
                + keys.fill(self, "{comment.quick}", markup=False)
                + f' writes "{QUICK}").',
            )
            return
        if len(text) > COMMENT_LIMIT:
            self.show_message(
                "#problem",
                f"A comment can be up to {COMMENT_LIMIT} characters; this one has {len(text)}.",
            )
            return
        try:
            findings = supervising.check_text(text, "comment")
        except IdentifierRefused as exc:
            # Never written, however often ctrl+s is pressed (the command line refuses too).
            self.show_message(
                "#warning", f"{exc.summary}. Please take it out: this comment is not saved."
            )
            return
        if findings and text != self._confirmed:
            # A warning first: edit it out, or press ctrl+s again to keep it as it is.
            self._confirmed = text
            self.show_message(
                "#warning",
                describe(findings, noun="comment") + " Press ctrl+s again to keep it as it is.",
            )
            return
        self._saving = True
        self.show_message("#problem", "Saving…")
        self.save(text)

    @work(thread=True, exclusive=True, group="comment-save", exit_on_error=False)
    def save(self, text: str) -> None:
        store, user = self.stepping_app.store, self.stepping_app.user
        try:
            supervising.add_comment(
                store, user, self.author, self.session_id, text, confirmed=text == self._confirmed
            )
        except AuditFailed as exc:
            self.post_message(
                Notice(
                    f"The comment is saved, but the audit trail could not be written: {exc}",
                    severity="warning",
                    timeout=15,
                )
            )
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(self.Saved())

    class Saved(Message):
        """The comment is on disk."""

    @on(Saved)
    def comment_saved(self) -> None:
        self.saved()

    @on(WorkFailed)
    def comment_not_saved(self, message: WorkFailed) -> None:
        self.failed(message.reason)

    def failed(self, message: str) -> None:
        self._saving = False
        self.show_message(
            "#problem", f"{message} Your comment is still here; press ctrl+s to try again."
        )

    def saved(self) -> None:
        self.app.notify(f"Comment saved: {self.author.name} will see it when they next sign in.")
        self.dismiss(True)

    def action_cancel(self) -> None:
        if self._saving:
            return
        self.dismiss(False)
