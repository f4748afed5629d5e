"""The supervision summary: "Prepare for supervision" for oneself, or a supervisee's.

Laid out the way supervisors already think (Proctor's three functions): standards, learning,
wellbeing; with barriers split three ways (principle 5) and last time's agreed actions. It
is built in a worker because it opens every session of the period.
"""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, SelectionList, Sparkline, Static
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from reports import text as words
from reports.wording import LEVEL_SCREEN as LEVELS
from reports.wording import PART_HEADINGS as PARTS
from services import summaries
from services import supervision as supervising
from store import InvalidInput, Person, StoreError
from store.reports.summary_model import Action, Summary
from tui import keys
from tui.messages import Notice, WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.marked import TickList
from tui.widgets.requirement_bars import RequirementBars


def _rows(rows: list[tuple[str, Text | str]]) -> Padding:
    """Two columns, so a long line wraps under its own text rather than under the date."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(ratio=1)
    for left, right in rows:
        grid.add_row(left, right)
    return Padding(grid, (0, 0, 0, 2))


def _action_label(action: Action) -> str:
    due = f" (due {words.format_short_date(action.due)})" if action.due else ""
    return f"{'✓ done: ' if action.done else ''}{action.text}{due}"


def _entries(parts: list, entries: list[tuple[str | None, str]], empty: str) -> None:
    """One row per (when, words): the date, then what was written (or why it was heavy)."""
    if not entries:
        parts.append(Text(f"  {empty}", style="dim"))
        return
    parts.append(_rows([(words.format_short_date(when), text) for when, text in entries]))


def _written(entries: tuple) -> list[tuple[str | None, str]]:
    return [(e.completed_at, e.text) for e in entries]


class SupervisionSummaryScreen(SteppingNode, Screen):
    TITLE = "Supervision summary"
    CSS_PATH = "supervision_summary.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="supervision.back"),
        Binding("s", "sessions", "Sessions", id="supervision.sessions"),
        Binding(
            "r",
            "record",
            "Record",
            id="supervision.record",
            tooltip="Write what this supervision agreed",
        ),
        Binding(
            "x", "export", "Export", id="supervision.export", tooltip="Save this summary as a file"
        ),
        # Not in the footer (it keeps Quit, Help and Lock at 80 columns): the head says them.
        Binding(
            "left_square_bracket",
            "step_period(-1)",
            "Earlier",
            id="supervision.earlier",
            show=False,
            tooltip="The period of the same length just before this one",
        ),
        Binding(
            "right_square_bracket",
            "step_period(1)",
            "Later",
            id="supervision.later",
            show=False,
            tooltip="The period of the same length just after this one (never beyond today)",
        ),
        Binding(
            "d",
            "dates",
            "Dates",
            id="supervision.dates",
            show=False,
            tooltip="Choose the period's from and to dates",
        ),
        Binding(
            "h",
            "history",
            "Past records",
            id="supervision.history",
            show=False,
            tooltip="Past supervision records: notes and agreed actions",
        ),
    ]

    def __init__(
        self, of: Person | None = None, since: str | None = None, until: str | None = None
    ) -> None:
        super().__init__()
        self.of = of
        self.summary: Summary | None = None
        # The period asked for; None: the default (since the last supervision record).
        self.since, self.until = since, until

    @property
    def author(self) -> Person:
        return self.of or self.stepping_app.user

    @property
    def is_supervisor(self) -> bool:
        return self.stepping_app.user.id in self.author.supervisors

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary-body"):
            yield Static("Putting the summary together…", id="summary-head")
            yield Static("Activity by week", classes="chart-title")
            yield Sparkline([], id="activity")
            yield Static("", id="activity-text")
            yield Static(PARTS["standards"], classes="section-title")
            yield RequirementBars(id="bars")
            yield Static("", id="summary-rest")
            yield TickList(id="actions")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = self.author.name
        self.query_one("#actions", SelectionList).display = False
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "record":
            return self.is_supervisor
        if action == "sessions":
            return self.of is not None
        return True

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def load(self) -> None:
        problems: list[StoreError] = []
        try:
            summary = summaries.build(
                self.stepping_app.store,
                self.stepping_app.user,
                of=self.of,
                since=self.since,
                until=self.until,
                problems=problems,
            )
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        if get_current_worker().is_cancelled:  # another period was asked for meanwhile
            return
        self.post_message(self.SummaryBuilt(summary))
        if problems:
            self.post_message(
                Notice(
                    f"{len(problems)} record(s) could not be opened and are left out.",
                    title="Not everything could be read",
                    severity="warning",
                )
            )

    class SummaryBuilt(Message):
        def __init__(self, summary: Summary) -> None:
            super().__init__()
            self.summary = summary

    class ActionMarked(Message):
        """An action's done state was written (`problem` empty) or could not be."""

        def __init__(self, action_id: str, done: bool, problem: str = "") -> None:
            super().__init__()
            self.action_id = action_id
            self.done = done
            self.problem = problem

    @on(SummaryBuilt)
    def summary_built(self, message: SummaryBuilt) -> None:
        self.show(message.summary)

    @on(WorkFailed)
    def summary_failed(self, message: WorkFailed) -> None:
        self.show_problem(message.reason)

    def show_problem(self, message: str) -> None:
        self.query_one("#summary-head", Static).update(
            f"[b]Could not build the summary.[/b] {message}"
        )

    def show(self, summary: Summary) -> None:
        self.summary = summary
        head = Text()
        head.append(f"{summary.person}\n", style="bold")
        head.append(f"Period: {words.period_text(summary)}\n")
        head.append(
            keys.fill(
                self,
                "{supervision.earlier} earlier period · {supervision.later} later period · "
                "{supervision.dates} choose dates · {supervision.history} past records\n",
                markup=False,
            ),
            style="dim",
        )
        head.append(words.activity_sentence(summary))
        self.query_one("#summary-head", Static).update(head)
        weeks = [w.count for w in summary.activity.by_week]
        sparkline = self.query_one("#activity", Sparkline)
        # An all-zero sparkline draws as full blocks: show words instead.
        sparkline.display = any(weeks)
        sparkline.data = weeks if any(weeks) else [0]
        activity = summary.activity
        line = Text()
        line.append(f"  peak {max(weeks, default=0)} in a week · ", style="dim")
        settings = ", ".join(
            f"{words.setting_label(k)} {v}" for k, v in activity.by_setting.items()
        )
        line.append(settings or "no finished sessions", style="dim")
        stale = [s for s in activity.unfinished_sessions if s.stale]
        if stale:
            line.append(f"\n  {len(stale)} unfinished for more than a week", style="yellow")
        self.query_one("#activity-text", Static).update(line)
        bars = self.query_one("#bars", RequirementBars)
        shown = words.comparison_shown(summary)
        bars.no_comparison = None if shown else words.no_comparison_text(summary)
        bars.requirements = summary.requirements
        self.query_one("#summary-rest", Static).update(self.rest(summary))
        self.show_actions(summary.actions)
        self.refresh_bindings()

    def show_actions(self, actions: tuple[Action, ...]) -> None:
        """Last time's agreed actions, to tick off with space (either of you can)."""
        chooser = self.query_one("#actions", SelectionList)
        chooser.clear_options()
        chooser.add_options(
            Selection(_action_label(action), action.id, action.done, id=action.id)
            for action in actions
        )
        chooser.display = bool(actions)
        if actions:
            chooser.highlighted = 0

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        action_id = event.selection.value
        done = action_id in event.selection_list.selected
        self.summary = self.summary.with_action_done(action_id, done)
        action = next(a for a in self.summary.actions if a.id == action_id)
        event.selection_list.replace_option_prompt(action_id, _action_label(action))
        self.mark_action(self.summary.last_record.id, action_id, done)

    @work(thread=True, group="summary-action", exit_on_error=False)
    def mark_action(self, record_id: str, action_id: str, done: bool) -> None:
        store, user = self.stepping_app.store, self.stepping_app.user
        try:
            supervising.set_action_done(store, user, self.author, record_id, action_id, done)
        except StoreError as exc:
            self.post_message(self.ActionMarked(action_id, done, str(exc)))
            return
        self.post_message(self.ActionMarked(action_id, done))

    @on(ActionMarked)
    def action_marked(self, message: ActionMarked) -> None:
        if not message.problem:
            self.notify("Marked done." if message.done else "Marked not done.", timeout=3)
            return
        # Not on disk: the tick goes back to what is saved, so the screen never shows it.
        self.notify(message.problem, title="Not saved", severity="error", timeout=10)
        self.summary = self.summary.with_action_done(message.action_id, not message.done)
        actions = self.query(SelectionList)
        if actions:
            listing = actions.first()
            with listing.prevent(SelectionList.SelectionToggled):
                if message.done:
                    listing.deselect(message.action_id)
                else:
                    listing.select(message.action_id)
            action = next(a for a in self.summary.actions if a.id == message.action_id)
            listing.replace_option_prompt(message.action_id, _action_label(action))

    def rest(self, summary: Summary) -> Group:
        parts: list = []

        def heading(title: str) -> None:
            parts.append(Text(f"\n{title}", style="bold"))

        def subheading(title: str, explain: str = "") -> None:
            line = Text(f"  {title}", style="italic")
            if explain:
                line.append(f" — {explain}", style="dim")
            parts.append(line)

        critical = summary.critical_not_done
        if critical:
            heading("Important items not done")
            parts.append(
                _rows(
                    [(words.format_short_date(c.completed_at), f"✗ {c.prompt}") for c in critical]
                )
            )
        heading("Barriers: why items were not done")
        for level, title, explain in LEVELS:
            subheading(title, explain)
            details = summary.barrier_details.get(level) or ()
            if not details:
                parts.append(Text("    None this time.", style="dim"))
                continue
            rows = []
            for entry in details:
                label = Text(entry.label)
                if entry.requirements:
                    numbers = ", ".join(r.number for r in entry.requirements)
                    label.append(f" (service requirement {numbers})", style="dim")
                rows.append((f"{entry.count} ×", label))
            parts.append(_rows(rows))
        if summary.no_reason:
            parts.append(Text(f"    {summary.no_reason} without a reason given", style="dim"))

        heading(PARTS["learning"])
        subheading("What I would do differently")
        _entries(parts, _written(summary.learning.differently), "Nothing written this time.")
        language = summary.learning.language
        if language.total:
            subheading("Words to think about", "a gentle suggestion, not a rule")
            parts.append(
                _rows(
                    [
                        (f"{t.count} ×", f"“{t.term}”: you could say {t.prefer}")
                        for t in language.terms
                    ]
                )
            )

        heading(PARTS["wellbeing"])
        subheading("How I feel")
        _entries(parts, _written(summary.wellbeing.feelings), "Nothing written this time.")
        subheading("What was difficult")
        _entries(parts, _written(summary.wellbeing.difficult), "Nothing written this time.")
        heavy = summary.wellbeing.heavy_sessions
        if heavy:
            subheading("Contacts that may have been hard to carry")
            _entries(parts, [(h.completed_at, h.why) for h in heavy], "")

        heading("Flagged for supervision")
        flagged = [(f.completed_at, f"⚑ {f.text or f.title}") for f in summary.flagged]
        _entries(parts, flagged, "Nothing flagged this time.")

        if summary.comments:
            heading("Comments")
            parts.append(
                _rows(
                    [
                        (words.format_short_date(c.created_at), f"{c.by}: {c.text}")
                        for c in summary.comments
                    ]
                )
            )

        heading("Agreed last time")
        for ignored in summary.ignored_records:
            parts.append(Text(f"  {words.ignored_record(ignored)}"))
        if summary.last_record is None:
            parts.append(Text("  No supervision record yet.", style="dim"))
        elif not summary.actions:
            parts.append(Text("  No actions were agreed.", style="dim"))
        else:
            hint = keys.fill(
                self,
                "  {next_field:first} to the list below, then space marks an action done (or not)",
                markup=False,
            )
            parts.append(Text(hint, style="dim"))
        return Group(*parts)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_sessions(self) -> None:
        if self.of is None:
            return
        from .supervisee_sessions import SuperviseeSessionsScreen

        self.app.push_screen(SuperviseeSessionsScreen(self.of))

    def action_record(self) -> None:
        if not self.is_supervisor:
            return
        from .supervision_record import SupervisionRecordScreen

        # The record screen takes the period's sessions as rows of the summary's JSON.
        sessions = [row.as_dict() for row in self.summary.sessions] if self.summary else None

        def saved(record) -> None:
            if record is not None:
                # Keep the period just discussed: the default one now starts at this record.
                shown = self.summary.period if self.summary else None
                self.reload(*((shown.since, shown.until) if shown else (self.since, self.until)))

        self.app.push_screen(SupervisionRecordScreen(self.author, sessions=sessions), saved)

    def reload(self, since: str | None, until: str | None) -> None:
        """The summary for another period (None, None: the default one)."""
        self.since, self.until = since, until
        self.query_one("#summary-head", Static).update("Putting the summary together…")
        self.load()

    def action_step_period(self, step: int) -> None:
        if self.summary is None:
            self.notify("The summary is still being put together.", timeout=4)
            return
        period = self.summary.period
        try:
            since, until = summaries.step_period(period.since, period.until, step)
        except InvalidInput as exc:
            self.notify(str(exc), timeout=5)
            return
        self.reload(since, until)

    def action_dates(self) -> None:
        if self.summary is None:
            self.notify("The summary is still being put together.", timeout=4)
            return
        from .summary_period import SummaryPeriodScreen

        def chosen(period: tuple[str, str] | None) -> None:
            if period is not None:
                self.reload(*period)

        period = self.summary.period
        self.app.push_screen(SummaryPeriodScreen(period.since, period.until), chosen)

    def action_history(self) -> None:
        from .supervision_history import SupervisionHistoryScreen

        self.app.push_screen(SupervisionHistoryScreen(self.author))

    def action_export(self) -> None:
        if self.summary is None:
            self.notify("The summary is still being put together.", timeout=4)
            return
        from .summary_export import SummaryExportScreen

        self.app.push_screen(SummaryExportScreen(self.summary, own=self.of is None))
