"""The service report for a service lead (home `l`): the team's barriers, the care they
blocked and what is working, over whole calendar months (issue 16).

Team-level figures only, built by `services.service_report` in a worker (it opens every
structured part of the period and the one before); `[` and `]` step back and forward by the
same number of months. A figure too small to show reads "<5" (fewer than 5).
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from reports import service_report_words as w
from reports.service_report_markdown import sections, summary_lines
from services import service_report
from store import StoreError
from tui import keys
from tui.messages import Notice, WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter

SHORT_HIDDEN = "<5"
# The sections shown on screen, in this order (the others are in the files the command writes).
ON_SCREEN = (
    "Service barriers",
    "Care not given against what blocked it",
    "What is working (4.3)",
    "Supervision coverage (4.4)",
    "Critical items not done for a service reason",
    "By setting and stage",
    "Training needs",
    "Services missing to refer to",
    "Gaps after a removal (5.10)",
    "Data quality",
)


def _short(value: str) -> str:
    return SHORT_HIDDEN if value == w.HIDDEN else "–" if value == w.NOT_SHOWN else value


def _table(header: list[str], rows: list[list[str]]) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold", expand=False)
    # The figures keep their width; the first column (a barrier, a requirement) gives way,
    # ending in "…", so nothing is cut without saying so at 80 columns.
    cells = [[_short(v) for v in row[1:]] for row in rows]
    figures = sum(
        max([len(heading), *(len(row[k - 1]) for row in cells)]) + 2
        for k, heading in enumerate(header)
        if k
    )
    for k, heading in enumerate(header):
        if k == 0:
            table.add_column(
                heading, overflow="ellipsis", no_wrap=True, max_width=max(20, 74 - figures)
            )
        else:
            table.add_column(heading, justify="right", no_wrap=True, min_width=len(heading))
    for row in rows:
        table.add_row(row[0], *(_short(v) for v in row[1:]))
    return table


def _numbers(data: dict, reason: str) -> str:
    info = (data.get("reasons") or {}).get(reason) or {}
    return ", ".join(str(q) for q in info.get("requirements") or []) or "–"


class ServiceReportScreen(SteppingNode, Screen):
    TITLE = "Service report"
    CSS_PATH = "service_report.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="report.back"),
        Binding(
            "left_square_bracket",
            "step(-1)",
            "Earlier",
            id="report.earlier",
            show=False,
            tooltip="The months of the same length just before these",
        ),
        Binding(
            "right_square_bracket",
            "step(1)",
            "Later",
            id="report.later",
            show=False,
            tooltip="The months of the same length just after these (never this month)",
        ),
    ]

    def __init__(self, since: str | None = None, until: str | None = None) -> None:
        super().__init__()
        self.since, self.until = service_report.chosen_period(since, until)
        self.data: dict | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="report-body"):
            yield Static("Counting the service's figures…", id="report-head")
            yield Static("", id="report-rest")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="service-report", exit_on_error=False)
    def load(self) -> None:
        try:
            report = service_report.build(
                self.stepping_app.store, self.stepping_app.user, self.since, self.until, "screen"
            )
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        if get_current_worker().is_cancelled:
            return
        self.post_message(self.ReportBuilt(report))

    class ReportBuilt(Message):
        def __init__(self, report: service_report.ServiceReport) -> None:
            super().__init__()
            self.report = report

    @on(ReportBuilt)
    def report_built(self, message: ReportBuilt) -> None:
        self.show(message.report.data)
        if message.report.problems:
            self.post_message(
                Notice(
                    " ".join(message.report.problems),
                    title="Not everything could be counted",
                    severity="warning",
                )
            )

    @on(WorkFailed)
    def report_failed(self, message: WorkFailed) -> None:
        self.query_one("#report-head", Static).update(
            Text.assemble(("Could not build the service report. ", "bold"), message.reason)
        )

    def show(self, data: dict) -> None:
        self.data = data
        head = Text()
        head.append(f"{w.period(data)}\n", style="bold")
        head.append(" · ".join(summary_lines(data)) + "\n")
        head.append(
            keys.fill(
                self,
                "{report.earlier} earlier months · {report.later} later months\n",
                markup=False,
            ),
            style="dim",
        )
        head.append(
            f"{SHORT_HIDDEN}: fewer than 5, or from fewer than 3 practitioners: hidden, with "
            "the rates built on it. Team figures only: no names, notes or reflections.",
            style="dim",
        )
        self.query_one("#report-head", Static).update(head)
        tables = {heading: (header, rows, note) for heading, header, rows, note in sections(data)}
        parts: list = []
        for heading in ON_SCREEN:
            header, rows, note = tables[heading]
            if heading == "Service barriers":  # the requirement's number: the title is long
                header = ["Barrier", "Req.", "Contacts", "Per 100", "Change"]
                rows = [
                    [row[0], _numbers(data, r), *row[2:]]
                    for r, row in zip(w.reasons_listed(data), rows, strict=True)
                ]
            parts.append(Text(f"\n{heading}", style="bold"))
            if note:
                parts.append(Text(note, style="dim"))
            parts.append(_table(header, rows) if rows else Text("Nothing in this period."))
        self.query_one("#report-rest", Static).update(Group(*parts))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_step(self, step: int) -> None:
        try:
            self.since, self.until = service_report.step_period(self.since, self.until, step)
        except StoreError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.query_one("#report-head", Static).update("Counting the service's figures…")
        self.load()
