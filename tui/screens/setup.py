"""The short setup before a checklist: enter accepts the defaults."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from checklists import SETTINGS, STAGES, Checklist
from checklists.identifiers import check_case_reference
from store import Session, StoreError
from tui import keys
from tui.messages import WorkFailed
from tui.typed import SteppingNode
from tui.widgets.choice_field import ChoiceField
from tui.widgets.footer import KeysFooter

YES_NO = [("no", "No"), ("yes", "Yes")]
CASE_REF_HELP = (
    "Optional: your service's own pseudonym for this contact. Never a name, NHS or CHI "
    "number, address, phone number or date of birth."
)


class SetupScreen(SteppingNode, Screen):
    TITLE = "New checklist"
    CSS_PATH = "setup.tcss"
    BINDINGS = [
        # Not a priority binding: it waits behind the keys typed before it (a choice moved).
        Binding("enter", "start", "Start", id="setup.start"),
        Binding("escape", "app.pop_screen", "Back", id="setup.back"),
    ]

    def __init__(self, checklist: Checklist) -> None:
        super().__init__()
        self.checklist = checklist

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="setup-form"):
            yield Static(self.checklist.title, classes="screen-title")
            yield Static(
                keys.fill(
                    self,
                    "Press {setup.start} to start with these choices. {next_field} moves between "
                    "them; {choice.previous/choice.next:first} change a choice.",
                    ChoiceField,
                ),
                classes="hint",
            )
            # The settings and stages this checklist fits, starting from its first.
            settings, stages = dict(SETTINGS), dict(STAGES)
            setting_keys = self.checklist.setting_choices()
            stage_keys = self.checklist.stage_choices()
            yield Label("Setting")
            yield ChoiceField(
                [(key, settings[key]) for key in setting_keys], setting_keys[0], id="setting"
            )
            yield Label("Stage")
            yield ChoiceField([(key, stages[key]) for key in stage_keys], stage_keys[0], id="stage")
            for question in self.checklist.setup_questions:
                yield Label(question.label)
                yield ChoiceField(YES_NO, "no", id=f"q-{question.id}")
            yield Label("Case reference (optional)")
            yield Input(
                id="case_ref",
                max_length=40,
                placeholder="a local pseudonym, or leave blank",
                compact=True,
            )
            yield Static(CASE_REF_HELP, classes="hint")
            yield Static("", id="problem", classes="error", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#setting", ChoiceField).focus()

    def setup_values(self) -> dict:
        values: dict = {
            "setting": self.query_one("#setting", ChoiceField).value,
            "stage": self.query_one("#stage", ChoiceField).value,
            "case_ref": self.query_one("#case_ref", Input).value.strip(),
        }
        for question in self.checklist.setup_questions:
            values[question.id] = self.query_one(f"#q-{question.id}", ChoiceField).value == "yes"
        return values

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In the case reference field, enter reaches the field first (Input.Submitted below),
        # so a reference typed quickly is read whole, not cut off by a priority enter.
        if action == "start" and isinstance(self.focused, Input):
            return False
        return True

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        values = self.setup_values()
        refusal = check_case_reference(values["case_ref"])
        if refusal:
            self.query_one("#problem", Static).update(refusal)
            self.query_one("#case_ref", Input).focus()
            return
        self.query_one("#problem", Static).update("Starting…")
        self.start(values)

    class Started(Message):
        def __init__(self, session: Session) -> None:
            super().__init__()
            self.session = session

    @work(thread=True, exclusive=True, group="setup", exit_on_error=False)
    def start(self, values: dict) -> None:
        try:
            session = self.stepping_app.store.start_session(
                self.stepping_app.user, self.checklist, values
            )
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(self.Started(session))

    @on(WorkFailed)
    def not_started(self, message: WorkFailed) -> None:
        self.query_one("#problem", Static).update(message.reason)

    @on(Started)
    def open_checklist(self, message: Started) -> None:
        from .checklist import ChecklistScreen

        session = message.session
        self.app.switch_screen(ChecklistScreen(session, self.checklist, start=0))
