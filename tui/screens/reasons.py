"""What got in the way? A reason for Partly or Not done, grouped by who can change it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from checklists import Reason
from reports.wording import REASON_LEVEL_LABELS, REASON_LEVELS
from tui import keys
from tui.screens.box import BoxScreen
from tui.widgets.marked import MarkedOptionList


class ReasonScreen(BoxScreen[str | None]):
    """Dismisses with a reason id, or None when closed with escape."""

    CSS_PATH = "reasons.tcss"
    BINDINGS = [Binding("escape", "close", "No reason", id="reasons.close")]

    def __init__(self, reasons: list[Reason], current: str | None = None) -> None:
        super().__init__()
        self.reasons = reasons
        self.current = current

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        for level in REASON_LEVELS:
            group = [r for r in self.reasons if r.level == level]
            if not group:
                continue
            if options:
                options.append(None)
            heading = REASON_LEVEL_LABELS[level]
            options.append(Option(f"[b]{heading}[/b]", id=f"heading-{level}", disabled=True))
            options.extend(Option(f"  {reason.label}", id=reason.id) for reason in group)
        with Vertical(id="reason-box"):
            yield Static("What got in the way?", classes="screen-title")
            yield MarkedOptionList(*options, id="reasons")
            yield Static(
                keys.fill(self, "↑/↓ choose · enter pick · {reasons.close} close without a reason"),
                classes="hint",
            )

    def on_mount(self) -> None:
        option_list = self.query_one("#reasons", OptionList)
        ids = [r.id for level in REASON_LEVELS for r in self.reasons if r.level == level]
        start = self.current if self.current in ids else ids[0] if ids else None
        if start is not None:
            option_list.highlighted = option_list.get_option_index(start)
        option_list.focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
