"""The supervision summary: "Prepare for supervision" for oneself, or a supervisee's.

Laid out the way supervisors already think (Proctor's three functions): standards, learning,
wellbeing; with barriers split three ways (principle 5) and last time's agreed actions. It
is built in a worker because it opens every session of the period.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Sparkline, Static

from store import Person, StoreError
from store.reports import text as words
from tui.widgets.requirement_bars import RequirementBars

LEVELS = (
    ("service", "Service barriers to escalate", "The service needs to change these."),
    ("practice", "Practice points", "Things to reflect on and learn from."),
    ("woman", "Her own choice or circumstances", "Not a failure: her choice is respected."),
)


def _entries(out: Text, entries: list[dict], empty: str, summary: dict) -> None:
    if not entries:
        out.append(f"  {empty}\n", style="dim")
        return
    for entry in entries:
        when = words.format_short_date(entry.get("completed_at") or entry.get("created_at"))
        out.append(f"  {when}  ", style="dim")
        out.append(f"{entry.get('text') or entry.get('why') or ''}\n")


class SupervisionSummaryScreen(Screen):
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
    ]

    def __init__(self, of: Person | None = None) -> None:
        super().__init__()
        self.of = of
        self.summary: dict | None = None

    @property
    def author(self) -> Person:
        return self.of or self.app.user

    @property
    def is_supervisor(self) -> bool:
        return self.app.user.id in self.author.supervisors

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary-body"):
            yield Static("Putting the summary together…", id="summary-head")
            yield Static("Activity by week", classes="chart-title")
            yield Sparkline([], id="activity")
            yield Static("", id="activity-text")
            yield Static("Standards (7.1–7.5, 8.1–8.5)", classes="section-title")
            yield RequirementBars(id="bars")
            yield Static("", id="summary-rest")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.author.name
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "record":
            return self.is_supervisor
        if action == "sessions":
            return self.of is not None
        return True

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def load(self) -> None:
        from store.reports.period import build_summary

        problems: list[StoreError] = []
        try:
            summary = build_summary(self.app.store, self.app.user, of=self.of, problems=problems)
        except StoreError as exc:
            self.app.call_from_thread(self.show_problem, str(exc))
            return
        self.app.call_from_thread(self.show, summary)
        if problems:
            self.app.call_from_thread(
                self.app.notify,
                f"{len(problems)} record(s) could not be opened and are left out.",
                title="Not everything could be read",
                severity="warning",
                timeout=10,
            )

    def show_problem(self, message: str) -> None:
        self.query_one("#summary-head", Static).update(
            f"[b]Could not build the summary.[/b] {message}"
        )

    def show(self, summary: dict) -> None:
        self.summary = summary
        head = Text()
        head.append(f"{summary['person']}\n", style="bold")
        head.append(f"{words.period_text(summary)}\n", style="dim")
        head.append(words.activity_sentence(summary))
        self.query_one("#summary-head", Static).update(head)
        weeks = [w["count"] for w in summary["activity"]["by_week"]]
        self.query_one("#activity", Sparkline).data = weeks or [0]
        activity = summary["activity"]
        line = Text()
        line.append(f"  peak {max(weeks, default=0)} in a week · ", style="dim")
        settings = ", ".join(
            f"{words.setting_label(k)} {v}" for k, v in activity["by_setting"].items()
        )
        line.append(settings or "no finished sessions", style="dim")
        stale = [s for s in activity["unfinished_sessions"] if s.get("stale")]
        if stale:
            line.append(f"\n  {len(stale)} unfinished for more than a week", style="yellow")
        self.query_one("#activity-text", Static).update(line)
        self.query_one("#bars", RequirementBars).requirements = summary["requirements"]
        self.query_one("#summary-rest", Static).update(self.rest(summary))
        self.refresh_bindings()

    def rest(self, summary: dict) -> Text:
        out = Text()
        critical = summary["critical_not_done"]
        if critical:
            out.append("\nImportant items not done\n", style="bold")
            for item in critical:
                out.append(f"  ✗ {item['prompt']}\n")
        out.append("\nBarriers: why items were not done\n", style="bold")
        for level, title, explain in LEVELS:
            out.append(f"  {title}", style="bold")
            out.append(f" — {explain}\n", style="dim")
            details = summary["barrier_details"].get(level) or []
            if not details:
                out.append("    None this time.\n", style="dim")
            for entry in details:
                out.append(f"    {entry['count']} × {entry['label']}")
                if entry.get("requirements"):
                    numbers = ", ".join(r["number"] for r in entry["requirements"])
                    out.append(f"  (service requirement {numbers})", style="dim")
                out.append("\n")
        if summary.get("no_reason"):
            out.append(f"    {summary['no_reason']} without a reason given\n", style="dim")

        out.append("\nLearning\n", style="bold")
        out.append("  What I would do differently\n", style="italic")
        _entries(out, summary["learning"]["differently"], "Nothing written this time.", summary)
        language = summary["learning"]["language"]
        if language["total"]:
            out.append("  Words to think about\n", style="italic")
            for term in language["terms"]:
                out.append(f"  “{term['term']}” ×{term['count']}: you could say {term['prefer']}\n")

        out.append("\nWellbeing\n", style="bold")
        out.append("  How I feel\n", style="italic")
        _entries(out, summary["wellbeing"]["feelings"], "Nothing written this time.", summary)
        out.append("  What was difficult\n", style="italic")
        _entries(out, summary["wellbeing"]["difficult"], "Nothing written this time.", summary)
        heavy = summary["wellbeing"]["heavy_sessions"]
        if heavy:
            out.append("  Contacts that may have been hard to carry\n", style="italic")
            _entries(out, heavy, "", summary)

        out.append("\nFlagged for supervision\n", style="bold")
        flagged = summary["flagged"]
        if not flagged:
            out.append("  Nothing flagged this time.\n", style="dim")
        for entry in flagged:
            when = words.format_short_date(entry.get("completed_at"))
            out.append(f"  ⚑ {when}  {entry.get('text') or entry.get('title')}\n")

        if summary["comments"]:
            out.append("\nComments\n", style="bold")
            for comment in summary["comments"]:
                when = words.format_short_date(comment["created_at"])
                out.append(f"  {when} {comment['by']}: {comment['text']}\n")

        out.append("\nAgreed last time\n", style="bold")
        actions = summary["actions"]
        if summary.get("last_record") is None:
            out.append("  No supervision record yet.\n", style="dim")
        elif not actions:
            out.append("  No actions were agreed.\n", style="dim")
        for action in actions:
            box = "[x]" if action["done"] else "[ ]"
            due = f" (due {words.format_short_date(action['due'])})" if action.get("due") else ""
            out.append(f"  {box} {action['text']}{due}\n")
        return out

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

        sessions = (self.summary or {}).get("sessions")

        def saved(record) -> None:
            if record is not None:
                self.load()

        self.app.push_screen(SupervisionRecordScreen(self.author, sessions=sessions), saved)

    def action_export(self) -> None:
        if self.summary is None:
            self.notify("The summary is still being put together.", timeout=4)
            return
        from .summary_export import SummaryExportScreen

        self.app.push_screen(SummaryExportScreen(self.summary))
