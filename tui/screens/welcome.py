"""First run on an empty store: create the first account, who becomes an admin."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from store import StoreError
from tui import keys
from tui.messages import PassphraseChecked, WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter

INTRO = (
    "This is a new, empty store. Create the first account: it can add colleagues later. "
    "Use your own name (a colleague's name is fine too), never a woman's."
)


class WelcomeScreen(SteppingNode, Screen):
    TITLE = "Welcome"
    CSS_PATH = "forms.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(classes="form"):
            yield Static("Welcome to Stepping Stones", classes="screen-title")
            yield Static(INTRO, classes="hint")
            yield Label("Your name")
            # Compact fields, so the whole form and its messages fit at 80×24.
            yield Input(id="name", placeholder="for example Alex Reid", max_length=60, compact=True)
            yield Label("Passphrase (at least 8 characters)")
            yield Input(id="passphrase", password=True, max_length=200, compact=True)
            yield Label("Passphrase again")
            yield Input(id="again", password=True, max_length=200, compact=True)
            yield Static("", id="problem", classes="error", markup=False)
            yield Static(
                keys.fill(self, "{next_field}: next field · enter: create the account"),
                classes="hint",
            )
        yield KeysFooter()

    @on(Input.Submitted)
    def submit(self) -> None:
        empty = [field for field in self.query(Input) if not field.value]
        if empty:
            # enter on a half-filled form moves on to what is still missing
            empty[0].focus()
            return
        name = self.query_one("#name", Input).value
        passphrase = self.query_one("#passphrase", Input).value
        again = self.query_one("#again", Input).value
        self.query_one("#problem", Static).update("Creating the account…")
        self.create(name, passphrase, again)

    @work(thread=True, exclusive=True, group="welcome", exit_on_error=False)
    def create(self, name: str, passphrase: str, again: str) -> None:
        from services import people as people_use  # after the first frame, like the store

        try:
            person = people_use.set_up_first(self.stepping_app.store, name, passphrase, again=again)
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
        else:
            self.post_message(PassphraseChecked(person))

    @on(PassphraseChecked)
    def created(self, message: PassphraseChecked) -> None:
        self.stepping_app.signed_in(message.person)

    @on(WorkFailed)
    def refused(self, message: WorkFailed) -> None:
        self.show_problem(message.reason)

    def show_problem(self, message: str) -> None:
        self.query_one("#problem", Static).update(message)
