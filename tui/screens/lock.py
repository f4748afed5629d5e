"""The lock screen: it hides everything that was on screen until someone signs in."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from services import people as people_use
from store import StoreError
from tui.messages import PassphraseChecked, WorkFailed
from tui.typed import SteppingNode


class LockScreen(SteppingNode, Screen):
    """Opaque and self-contained: no header, footer or anything of the screens below.

    The person who locked it types their passphrase to carry on exactly where they were;
    anyone else can sign in instead (the first person's work stays saved and private).
    """

    TITLE = "Locked"
    CSS_PATH = "lock.tcss"
    AUTO_FOCUS = "#passphrase"

    def __init__(self, name: str) -> None:
        super().__init__()
        self.locked_for = name

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="lock-box"):
            yield Static("Locked", classes="screen-title", id="lock-title")
            yield Static(self.saved_words(), classes="hint", id="lock-saved")
            yield Label("Name")
            yield Input(self.locked_for, id="name", max_length=60)
            yield Label("Passphrase")
            yield Input(id="passphrase", password=True, max_length=200)
            yield Static("", id="problem", classes="error", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "save_state", lambda _: self._saved_changed(), init=False)

    def _saved_changed(self) -> None:
        self.query_one("#lock-saved", Static).update(self.saved_words())

    def saved_words(self) -> str:
        """Whether what was typed is on disk, said truthfully (never "saved" while a field is
        held back or a save has not landed), and nothing of what was on screen."""
        app = self.stepping_app
        carry_on = "Type the passphrase to carry on, or change the name to sign in as someone else."
        held = len(app.held)
        if held:
            fields = "1 field is" if held == 1 else f"{held} fields are"
            return (
                f"{fields} not saved: kept in this window only until {self.locked_for} carries "
                "on, and dropped if someone else signs in here. " + carry_on
            )
        if any(self._typed_not_saved(screen) for screen in app.screen_stack):
            # A comment or supervision record, saved only by ctrl+s.
            return (
                "What was typed is not saved yet: kept in this window only until "
                f"{self.locked_for} carries on, and dropped if someone else signs in here. "
                + carry_on
            )
        if app.save_state.status == "failed":
            return "Some answers are not saved yet: carry on to see why. " + carry_on
        if app.saves_pending():
            return "Saving your answers… " + carry_on
        return "Your answers are saved. " + carry_on

    @staticmethod
    def _typed_not_saved(screen) -> bool:
        """Whether a screen below holds typing saved only by ctrl+s (a comment, a record);
        when it cannot say, it is taken to hold some: the lock screen must come up whatever
        happens, and never claim "saved" it does not know."""
        ask = getattr(screen, "typed_not_saved", None)
        if not callable(ask):
            return False
        try:
            return bool(ask())
        except Exception:  # noqa: BLE001 - see above
            return True

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        passphrase = self.query_one("#passphrase", Input)
        if event.input.id == "name" and not passphrase.value:
            passphrase.focus()
            return
        self.query_one("#problem", Static).update("Checking…")
        self.check(self.query_one("#name", Input).value, passphrase.value)

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def check(self, name: str, passphrase: str) -> None:
        try:
            person = people_use.sign_in(self.stepping_app.store, name, passphrase)
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(PassphraseChecked(person))

    @on(PassphraseChecked)
    def unlocked(self, message: PassphraseChecked) -> None:
        self.stepping_app.unlocked(message.person)

    @on(WorkFailed)
    def refused(self, message: WorkFailed) -> None:
        self.show_problem(message.reason)

    def show_problem(self, message: str) -> None:
        self.query_one("#problem", Static).update(message)
        passphrase = self.query_one("#passphrase", Input)
        passphrase.value = ""
        passphrase.focus()
