"""Choose a checklist: up/down and enter."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.marked import MarkedOptionList


class PickerScreen(SteppingNode, Screen):
    TITLE = "Choose a checklist"
    CSS_PATH = "picker.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="picker.back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Which checklist? ↑/↓ to choose, enter to start.", classes="screen-title")
        options = []
        # By moment of care, each with its one line of when to use it.
        for checklist in self.stepping_app.store.library.in_picker_order():
            prompt = Text.assemble(
                (checklist.title, "bold"),
                "\n",
                (f"When: {checklist.when}", "dim"),
                "\n",
                (f"{len(checklist.items)} items · version {checklist.version}", "dim"),
            )
            options.append(Option(prompt, id=checklist.id))
        yield MarkedOptionList(*options, id="checklists")
        yield KeysFooter()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        from .setup import SetupScreen

        checklist = self.stepping_app.store.library.checklists[event.option.id]
        self.app.switch_screen(SetupScreen(checklist))
