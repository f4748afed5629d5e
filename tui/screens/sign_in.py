"""Sign in: name, tab, passphrase, enter."""

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


class SignInScreen(SteppingNode, Screen):
    TITLE = "Sign in"
    CSS_PATH = "forms.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(classes="form"):
            yield Static("Sign in", classes="screen-title")
            yield Label("Name")
            yield Input(id="name", max_length=60)
            yield Label("Passphrase")
            yield Input(id="passphrase", password=True, max_length=200)
            yield Static("", id="problem", classes="error", markup=False)
            yield Static(
                keys.fill(self, "{next_field}: next field · enter: sign in · {quit}: quit"),
                classes="hint",
            )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        name = self.query_one("#name", Input).value
        passphrase_input = self.query_one("#passphrase", Input)
        if event.input.id == "name" and not passphrase_input.value:
            passphrase_input.focus()
            return
        if not name.strip():
            self.show_problem("Please type your name.")
            self.query_one("#name", Input).focus()
            return
        self.query_one("#problem", Static).update("Checking…")
        self.check(name, passphrase_input.value)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def check(self, name: str, passphrase: str) -> None:
        from services import directory, report_key
        from services import people as people_use  # after the first frame, like the store

        store = self.stepping_app.store
        try:
            person = people_use.sign_in(store, name, passphrase)
            waiting = directory.waiting_supervisors(store, person)
            waiting += [{**w, "lead": True} for w in report_key.waiting_leads(store, person)]
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        if waiting:  # asked once, before anything is shared with them
            self.app.call_from_thread(self.ask, person, waiting, [])
            return
        self.share(person, [])

    def ask(self, person, waiting: list[dict], chosen: list[dict]) -> None:
        """One question for each supervisor an admin added: yes confirms, anything else
        leaves them waiting (asked again at the next sign-in)."""
        from tui.screens.confirm import ConfirmScreen

        if not waiting:
            self.run_worker(lambda: self.share(person, chosen), thread=True, group="sign-in")
            return
        first, rest = waiting[0], waiting[1:]

        def answered(yes: bool | None) -> None:
            self.ask(person, rest, [*chosen, first] if yes else chosen)

        detail = (
            "They can then read the service's figures with you (never anyone's sessions)."
            if first.get("lead")
            else "Nothing of yours is shared with them until you say yes."
        )
        self.app.push_screen(ConfirmScreen(first["question"], detail), answered)

    def share(self, person, confirmed: list[dict]) -> None:
        """(In a worker thread.) Confirm what was said yes to, then share sessions with
        supervisors assigned since (and seal any older ones)."""
        from services import directory, report_key
        from services import people as people_use

        store = self.stepping_app.store
        notice = ""
        try:
            for waiting in confirmed:
                if waiting.get("lead"):
                    report_key.share(store, person, waiting)
                else:
                    directory.confirm_supervisor(store, person, waiting)
            people_use.reshare(store, person)
        except Exception as exc:  # noqa: BLE001 - sharing must never keep her from signing in
            notice = f"Sharing with your supervisors will be tried again: {exc}"
        self.post_message(PassphraseChecked(person, notice))

    @on(PassphraseChecked)
    def signed_in(self, message: PassphraseChecked) -> None:
        if message.notice:
            self.notify(message.notice)
        self.stepping_app.signed_in(message.person)

    @on(WorkFailed)
    def refused(self, message: WorkFailed) -> None:
        self.show_problem(message.reason)

    def show_problem(self, message: str) -> None:
        self.query_one("#problem", Static).update(message)
        passphrase = self.query_one("#passphrase", Input)
        passphrase.value = ""
        if self.query_one("#name", Input).value.strip():
            passphrase.focus()
