"""The People screen's forms (admins): add a colleague or change someone's roles and
supervisors, and reset someone's passphrase. Passphrases are typed twice and never shown;
what a reset costs the person is said before it is done."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from store import StoreError
from tui import keys
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.on_arrival import ActOnArrival

ROLE_CHOICES = (
    ("practitioner", "Practitioner: fills in checklists"),
    ("supervisor", "Supervisor: reads supervisees' sessions"),
    ("admin", "Admin: adds and changes people"),
    ("lead", "Service lead: the service's figures, never anyone's sessions"),
)


class Done(Message):
    """A form's worker has finished its change: the form closes with this sentence.

    Posted rather than closing the form from the worker's thread: closing a screen cancels
    its workers, and a worker still waiting for the close to run would be cancelled inside
    its own call (seen as WorkerCancelled on a busy machine)."""

    def __init__(self, said: str) -> None:
        super().__init__()
        self.said = said


class TickList(ActOnArrival, OptionList):
    """Choices ticked with `space`, each drawn `[x]` or `[ ]` so the state never rests on
    colour alone. `enter` submits the form, as in every form. A tick is made the moment its
    key reaches the list (tui/widgets/on_arrival.py), so "space, tab" or "space, ctrl+s"
    typed in one burst keeps the tick."""

    BINDINGS = [
        Binding("space", "select", "Tick", show=False, id="tick.toggle"),
        Binding("enter", "submit", "Save", show=False, id="tick.save"),
    ]

    class Submitted(Message):
        """`enter` on the list: the form is saved, as `enter` in its text fields does."""

    def __init__(self, choices: list[tuple[str, str]], ticked: list[str], **kwargs) -> None:
        self.choices = choices
        self.ticked = {value for value, _ in choices if value in ticked}
        super().__init__(*[self._option(v, label) for v, label in choices], **kwargs)

    def _option(self, value: str, label: str) -> Option:
        box = "[x]" if value in self.ticked else "[ ]"
        return Option(Text(f"{box} {label}"), id=value)

    @property
    def selected(self) -> list[str]:
        return [value for value, _ in self.choices if value in self.ticked]

    def select(self, value: str) -> None:
        self.ticked.add(value)
        self._redraw(value)

    def _redraw(self, value: str) -> None:
        label = dict(self.choices)[value]
        self.replace_option_prompt(value, self._option(value, label).prompt)

    def action_select(self) -> None:
        """Tick or untick the highlighted choice at once (a key or a click), so a save that
        follows straight after sees it."""
        if self.highlighted is None:
            return
        value = str(self.get_option_at_index(self.highlighted).id)
        self.ticked ^= {value}
        self._redraw(value)

    def action_submit(self) -> None:
        self.post_message(self.Submitted())


class PersonFormScreen(SteppingNode, Screen[str | None]):
    """Add a colleague (`person` None) or change one's roles and supervisors; dismissed with
    what to say on the People screen, or None when left without a change."""

    TITLE = "People"
    CSS_PATH = "people.tcss"
    BINDINGS = [
        # Not a priority binding: it waits behind the keys typed before it (a tick).
        Binding("ctrl+s", "save", "Save", id="people_form.save"),
        Binding("escape", "leave", "Back", id="people_form.back"),
    ]

    def __init__(self, person: dict | None, supervisors: list[str]) -> None:
        super().__init__()
        self.person = person
        name = person["name"] if person else None
        self.supervisors = [s for s in supervisors if s != name]

    def compose(self) -> ComposeResult:
        person = self.person
        yield Header()
        with VerticalScroll(id="person-form"):
            title = f"Change {person['name']}" if person else "Add a colleague"
            yield Static(title, classes="screen-title", markup=False)
            yield Static(
                keys.fill(
                    self,
                    "{next_field}: next field · {tick.toggle}: tick or untick · "
                    "{people_form.save}: save · {people_form.back}: back",
                    TickList,
                ),
                classes="hint",
            )
            if person is None:
                yield Label("Name")
                yield Input(id="name", max_length=60, compact=True, placeholder="their own name")
            roles = person["roles"] if person else ["practitioner"]
            yield Label("Roles")
            yield TickList(list(ROLE_CHOICES), roles, id="roles", compact=True)
            yield Label("Supervisors")
            chosen = person["supervisors"] if person else []
            if self.supervisors:
                choices = [(name, name) for name in self.supervisors]
                yield TickList(choices, chosen, id="supervisors", compact=True)
            else:
                yield Static("Nobody has the supervisor role yet.", classes="hint")
            if person is None:
                yield Label("Passphrase (at least 8 characters; tell them in person)")
                yield Input(id="passphrase", password=True, max_length=200, compact=True)
                yield Label("Passphrase again")
                yield Input(id="again", password=True, max_length=200, compact=True)
            yield Static("", id="problem", classes="error", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        first = "#name" if self.person is None else "#roles"
        self.query_one(first).focus()

    def chosen(self, list_id: str) -> list[str]:
        found = self.query(f"#{list_id}").results(TickList)
        return [str(value) for widget in found for value in widget.selected]

    def problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(text)

    @on(TickList.Submitted)
    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted | TickList.Submitted) -> None:
        empty = [field for field in self.query(Input) if not field.value]
        if empty:
            empty[0].focus()  # enter on a half-filled form moves on to what is missing
            return
        self.action_save()

    def action_save(self) -> None:
        roles = self.chosen("roles")
        supervisors = self.chosen("supervisors")
        if not roles:
            self.problem("Tick at least one role.")
            return
        if self.person is None:
            values = {field.id: field.value for field in self.query(Input)}
            if not values["name"].strip():
                self.problem("Type their name.")
                self.query_one("#name", Input).focus()
                return
            self.problem("Adding…")
            self.add(values["name"], roles, supervisors, values["passphrase"], values["again"])
        else:
            self.problem("Saving…")
            self.change(self.person, roles, supervisors)

    @on(Done)
    def finished(self, message: Done) -> None:
        self.dismiss(message.said)

    @work(thread=True, exclusive=True, group="person-form", exit_on_error=False)
    def add(
        self, name: str, roles: list[str], supervisors: list[str], passphrase: str, again: str
    ) -> None:
        from services import people as people_use

        app = self.stepping_app
        try:
            person = people_use.add_person(
                app.store, app.user, name, roles, passphrase, supervisors, again=again
            )
        except StoreError as exc:
            self.app.call_from_thread(self.problem, str(exc))
            return
        said = f"Added {person.name} ({', '.join(person.roles)}): they can sign in now."
        self.post_message(Done(said))

    @work(thread=True, exclusive=True, group="person-form", exit_on_error=False)
    def change(self, person: dict, roles: list[str], supervisors: list[str]) -> None:
        from services import people as people_use

        app = self.stepping_app
        try:
            _, changes = people_use.update_person(
                app.store,
                app.user,
                person["name"],
                add_roles=[r for r in roles if r not in person["roles"]],
                remove_roles=[r for r in person["roles"] if r not in roles],
                add_supervisors=[s for s in supervisors if s not in person["supervisors"]],
                remove_supervisors=[
                    s
                    for s in person["supervisors"]
                    if s in self.supervisors and s not in supervisors
                ],
            )
        except StoreError as exc:
            self.app.call_from_thread(self.problem, str(exc))
            return
        said = f"Saved the changes to {person['name']}." if changes else "Nothing to change."
        self.post_message(Done(said))

    def action_leave(self) -> None:
        typed = self.person is None and any(field.value for field in self.query(Input))
        if not typed:
            self.dismiss(None)
            return
        from .confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Leave without adding them?", "What you typed here is dropped."),
            answered,
        )


class ResetPassphraseScreen(SteppingNode, Screen[str | None]):
    """An admin gives someone a new passphrase, having read what it costs them."""

    TITLE = "People"
    CSS_PATH = "people.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="reset.back")]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.person_name = name

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="person-form"):
            yield Static(
                f"Reset {self.person_name}'s passphrase", classes="screen-title", markup=False
            )
            yield Static("", id="consequences", markup=False)
            yield Label("New passphrase (at least 8 characters; tell them in person)")
            yield Input(id="passphrase", password=True, max_length=200, compact=True)
            yield Label("New passphrase again")
            yield Input(id="again", password=True, max_length=200, compact=True)
            yield Static("", id="problem", classes="error", markup=False)
            yield Static(
                keys.fill(self, "enter: reset the passphrase · {reset.back}: back, no change"),
                classes="hint",
            )
        yield KeysFooter()

    def on_mount(self) -> None:
        from services import people as people_use

        try:
            text, someone = people_use.reset_consequences(self.stepping_app.store, self.person_name)
        except StoreError as exc:
            text, someone = str(exc), True
        shown = self.query_one("#consequences", Static)
        shown.update(text if someone else f"Warning: {text}")
        shown.set_class(not someone, "warning")
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        empty = [field for field in self.query(Input) if not field.value]
        if empty:
            empty[0].focus()
            return
        new = self.query_one("#passphrase", Input).value
        again = self.query_one("#again", Input).value
        self.query_one("#problem", Static).update("Resetting…")
        self.reset(new, again)

    @on(Done)
    def finished(self, message: Done) -> None:
        self.dismiss(message.said)

    @work(thread=True, exclusive=True, group="reset", exit_on_error=False)
    def reset(self, new: str, again: str) -> None:
        from services import people as people_use

        app = self.stepping_app
        try:
            # The screen said what it costs (the report key too) before enter was pressed.
            people_use.reset_passphrase(
                app.store, app.user, self.person_name, new, again=again, lose_report_key=True
            )
        except StoreError as exc:
            self.app.call_from_thread(self.query_one("#problem", Static).update, str(exc))
            return
        said = f"{self.person_name} has a new passphrase: tell them in person."
        self.post_message(Done(said))
