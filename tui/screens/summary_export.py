"""Save the supervision summary as a file: Markdown, a printable page, a draft NMC account."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from reports.output import default_name
from services import summaries
from store import StoreError
from store.reports.summary_model import Summary
from tui import keys
from tui.messages import WorkFailed
from tui.screens.box import BoxScreen
from tui.typed import SteppingNode
from tui.widgets.marked import MarkedOptionList

CHOICES = (
    ("md", "Plain text (Markdown), to paste into a supervision record"),
    ("html", "A printable page (HTML, opens in any browser)"),
    ("nmc", "A draft NMC reflective account, for you to edit"),
    ("json", "Figures for other systems (JSON)"),
)


class SummaryExportScreen(SteppingNode, BoxScreen[Path | None]):
    """Pick a format and a file name; enter saves. The file is readable only by you."""

    CSS_PATH = "summary_export.tcss"
    BINDINGS = [Binding("escape", "cancel", "Back", id="export.back")]

    def __init__(self, summary: Summary, own: bool = True) -> None:
        super().__init__()
        self.summary = summary
        # A reflective account is the practitioner's own: not offered on a supervisee's summary.
        self.choices = [c for c in CHOICES if own or c[0] != "nmc"]
        self.fmt = "md"

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static("Save the summary", classes="screen-title")
            yield MarkedOptionList(
                *(Option(text, id=key) for key, text in self.choices), id="formats"
            )
            yield Label("File")
            yield Input(self._path("md"), id="path", compact=True)
            yield Static("", id="export-problem", markup=False)
            yield Static(
                "The file is not encrypted: keep it where only you can reach it, and delete it "
                "after supervision.",
                classes="hint",
            )
            yield Static(
                keys.fill(self, "enter: save    {next_field}: next    {export.back}: back"),
                classes="hint",
            )

    def _path(self, fmt: str) -> str:
        return str(Path.home() / default_name(self.summary, fmt))

    def on_mount(self) -> None:
        self.query_one("#formats", OptionList).highlighted = 0

    @on(OptionList.OptionHighlighted)
    def choose(self, event: OptionList.OptionHighlighted) -> None:
        old = self._path(self.fmt)
        self.fmt = event.option.id or "md"
        path = self.query_one("#path", Input)
        if path.value == old:  # only follow the format while the person has not typed a name
            path.value = self._path(self.fmt)

    @on(OptionList.OptionSelected)
    def chosen(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    def submit(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#export-problem", Static).update("Give a file name.")
            return
        self.write(self.fmt, event.value.strip())

    class Exported(Message):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    @work(thread=True, exclusive=True, group="summary-export", exit_on_error=False)
    def write(self, fmt: str, where: str) -> None:
        try:
            path = summaries.export(
                self.stepping_app.store, self.stepping_app.user, self.summary, fmt, where
            )
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(self.Exported(path))

    @on(WorkFailed)
    def not_saved(self, message: WorkFailed) -> None:
        self.query_one("#export-problem", Static).update(message.reason)

    @on(Exported)
    def saved(self, message: Exported) -> None:
        path = message.path
        self.app.notify(f"Saved to {path} (only you can open it).", timeout=8)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
