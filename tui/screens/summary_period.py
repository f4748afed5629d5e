"""Choose the summary's period: from and to dates, both days included.

`enter` shows the summary for those dates; a date that cannot be read, a future date or a
from date after the to date is explained under the fields and nothing changes. `escape`
leaves the summary as it was.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from services import summaries
from store import InvalidInput
from tui import keys


class SummaryPeriodScreen(ModalScreen[tuple[str, str] | None]):
    """Dismisses with (since, until) as YYYY-MM-DD, or None when left with escape."""

    CSS_PATH = "summary_period.tcss"
    BINDINGS = [Binding("escape", "cancel", "Back", id="period.back")]

    def __init__(self, since: str, until: str) -> None:
        super().__init__()
        self.since = since[:10]
        self.until = until[:10]

    def compose(self) -> ComposeResult:
        with Vertical(id="period-box"):
            yield Static("Choose the period", classes="screen-title")
            yield Label("From (YYYY-MM-DD)")
            yield Input(self.since, id="since", compact=True, max_length=10)
            yield Label("To (YYYY-MM-DD, today or earlier)")
            yield Input(self.until, id="until", compact=True, max_length=10)
            yield Static("", id="period-problem", markup=False)
            yield Static(
                keys.fill(
                    self, "enter: show this period    {next_field}: next    {period.back}: back"
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#since", Input).focus()

    @on(Input.Changed)
    def edited(self) -> None:
        self.query_one("#period-problem", Static).update("")

    @on(Input.Submitted)
    def submit(self) -> None:
        since = self.query_one("#since", Input).value
        until = self.query_one("#until", Input).value
        try:
            chosen = summaries.chosen_period(since, until)
        except InvalidInput as exc:
            self.query_one("#period-problem", Static).update(f"{exc} The summary is unchanged.")
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
