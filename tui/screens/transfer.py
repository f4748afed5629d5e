"""Export and Import: records between machines as one sealed bundle file.

An outreach laptop has no network, so its sessions reach the clinic on a USB stick. Both
screens run the same services as `stepping-stones export` / `import`, in a thread
worker, with a progress bar for long work and the report in plain words at the end.
Everyone exports their own records; a supervisor may export a supervisee's, and an admin
anyone's (they stay sealed, so an admin moving them reads nothing).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, Label, ProgressBar, Select, Static

from reports.transfer import export_lines, report_lines
from services.exchange import (
    SUFFIX,
    default_bundle_name,
    export_bundle,
    import_bundle,
    parse_day,
    read_bundle,
)
from store import Person, StoreError
from tui import keys
from tui.messages import WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.marked import MarkedSelect, TickBox


class TransferProgress(Message):
    """How far the worker has got; a newer one replaces an unhandled older one."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TransferProgress)


class TransferStatus(Message):
    """A step of the work has begun (`status`)."""

    def __init__(self, status: str) -> None:
        super().__init__()
        self.status = status


class TransferDone(Message):
    """The work is done: the report's lines."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines


class _TransferScreen(SteppingNode, Screen):
    """What both screens share: the progress bar, the report, and going back."""

    CSS_PATH = "transfer.tcss"
    BINDINGS = [Binding("escape", "back", "Back", id="transfer.back", tooltip="Back to home")]
    WORKING = "Working"
    DONE = "Done."

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self._shown = -1

    def form(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="transfer-body", classes="transfer"):
            yield from self.form()
            yield Static("", id="status", markup=False)
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Static("", id="report", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False

    # -- from the worker thread ----------------------------------------------------------
    def progress(self, done: int, total: int) -> None:
        """The store's progress callback: post only when the shown percentage changes."""
        percent = 100 * done // total if total else 100
        if percent != self._shown:
            self._shown = percent
            self.post_message(TransferProgress(done, total))

    # -- on the screen -------------------------------------------------------------------
    def on_transfer_progress(self, message: TransferProgress) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done if message.total else 1)

    def on_transfer_status(self, message: TransferStatus) -> None:
        self.say(message.status)

    def on_transfer_done(self, message: TransferDone) -> None:
        self.finished(message.lines)

    @on(WorkFailed)
    def work_failed(self, message: WorkFailed) -> None:
        self.failed(message.reason)

    def started(self, status: str) -> None:
        self.busy = True
        self._shown = -1
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.say(status)
        self.query_one("#report", Static).update("")

    def say(self, status: str, problem: bool = False) -> None:
        line = self.query_one("#status", Static)
        line.set_class(problem, "problem")
        line.update(status)

    def finished(self, lines: list[str]) -> None:
        self.busy = False
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(bar.total or 1, 1), progress=max(bar.total or 1, 1))
        self.say(self.DONE)
        self.query_one("#report", Static).update("\n".join(lines))
        self._show_outcome()

    def failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False
        self.say(message, problem=True)
        self._show_outcome()

    def _show_outcome(self) -> None:
        """At 80x24 the form fills the screen: bring the outcome into view, not below it."""
        self.call_after_refresh(
            self.query_one("#status", Static).scroll_visible, animate=False, top=True
        )

    def action_back(self) -> None:
        if self.busy:
            self.app.notify(f"{self.WORKING} still: this screen can close when it is done.")
            return
        self.app.pop_screen()


def _in_home(typed: str) -> str | None:
    """A file name alone, or a relative path, is in the home folder (where the suggestions
    are), never wherever the app happened to be started; `~` and `~name` are expanded. None
    when `~name` names nobody here."""
    try:
        return str(Path.home() / Path(typed).expanduser())
    except RuntimeError:  # ~name with no such user
        return None


class ExportScreen(_TransferScreen):
    """Save records as a bundle file to carry to another machine."""

    TITLE = "Export"
    WORKING = "Exporting"
    DONE = "Export finished."

    def form(self) -> ComposeResult:
        user: Person = self.stepping_app.user
        self.choices = self._choices(user)
        yield Static(
            "Save records as one sealed bundle file, to carry to another machine (an outreach "
            "laptop, or the clinic). Only the people who may read them can open it, each with "
            "their own passphrase; it needs no extra password. It carries your sign-in (never "
            "anyone else's), so you can sign in there with the same passphrase: delete it once "
            "it has been imported.",
            classes="intro",
        )
        if len(self.choices) > 1:
            yield Label("Whose records")
            yield MarkedSelect(
                [(p.name + (" (you)" if p.id == user.id else ""), p.id) for p in self.choices],
                value=user.id,
                allow_blank=False,
                id="of",
                compact=True,
            )
        yield Label("Changed since (optional, like 2026-11-01)")
        yield Input(placeholder="everything", id="since", compact=True)
        yield Label("Save to (a name alone is saved in your home folder)")
        # Typing adds to the suggested path rather than replacing it.
        yield Input(self._path(user), id="path", compact=True, select_on_focus=False)
        yield Static(
            keys.fill(self, "enter: export    {next_field}: next field    {transfer.back}: back"),
            classes="hint",
        )

    def _choices(self, user: Person) -> list[Person]:
        """Your own, your supervisees'; an admin (who moves data between machines) anyone's."""
        try:
            people = self.stepping_app.store.people.all()
        except StoreError:
            return [user]
        if user.has("admin"):
            chosen = [p for p in people if p.active or p.id == user.id]
        else:
            chosen = [p for p in people if p.id == user.id or user.id in p.supervisors]
        return sorted(chosen, key=lambda p: (p.id != user.id, p.name.casefold()))

    def _path(self, person: Person) -> str:
        return str(Path.home() / default_bundle_name(person.name, date.today()))

    def on_mount(self) -> None:
        super().on_mount()
        # The first field first, as in every form: typing a date never lands in "Save to".
        self.query_one("#of" if self.query("#of") else "#since").focus()

    @on(Select.Changed, "#of")
    def chose(self, event: Select.Changed) -> None:
        path = self.query_one("#path", Input)
        old = {self._path(p) for p in self.choices}
        chosen = next((p for p in self.choices if p.id == event.value), None)
        if chosen is not None and path.value in old:  # follow the choice until a name is typed
            path.value = self._path(chosen)

    @on(Input.Submitted, "#path, #since")
    def submit(self) -> None:
        if self.busy:
            return
        where = self.query_one("#path", Input).value.strip()
        since_text = self.query_one("#since", Input).value.strip()
        if not where:
            self.say("Give a file name to save to.", problem=True)
            return
        where = _in_home(where)
        if where is None:
            self.say("That path names a home folder that is not on this computer.", problem=True)
            return
        try:
            since = parse_day(since_text)
        except StoreError as exc:
            self.say(str(exc), problem=True)
            return
        of_id = self.stepping_app.user.id
        if self.query("#of"):
            of_id = self.query_one("#of", Select).value
        self.started("Exporting…")
        self.export(of_id, since, where)

    @work(thread=True, exclusive=True, group="transfer", exit_on_error=False)
    def export(self, of_id: str, since: str | None, where: str) -> None:
        store, user = self.stepping_app.store, self.stepping_app.user
        try:
            of = None if of_id == user.id else store.people.get(of_id)
            result = export_bundle(store, user, where, of=of, since=since, progress=self.progress)
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(TransferDone(export_lines(result)))


class ImportScreen(_TransferScreen):
    """Bring in records from a bundle made on another machine, as the signed-in person."""

    TITLE = "Import"
    WORKING = "Importing"
    DONE = "Import finished."

    def form(self) -> ComposeResult:
        yield Static(
            "Bring in records from a bundle made on another machine. The whole file is "
            "checked first: a damaged or incomplete one is refused and nothing here changes. "
            "Records already here are skipped, so importing twice is safe.",
            classes="intro",
        )
        yield Label("Bundle file")
        yield Input(self._newest_bundle(), id="path", compact=True)
        yield Label("Your passphrase, to confirm it is you")
        yield Input(password=True, id="passphrase", compact=True)
        yield TickBox(
            "Only check: show what importing would do, change nothing",
            id="dry-run",
            compact=True,
        )
        yield Static(
            keys.fill(
                self,
                "enter: next, then import    {next_field}: next field    {transfer.back}: back",
            ),
            classes="hint",
        )

    def _newest_bundle(self) -> str:
        """The newest bundle in the home folder (where Export saves), else the folder."""
        home = Path.home()
        try:
            found = sorted(home.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
        except OSError:
            found = []
        return str(found[-1]) if found else str(home) + "/"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    def next_field(self) -> None:
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def submit(self) -> None:
        if self.busy:
            return
        where = self.query_one("#path", Input).value.strip()
        passphrase = self.query_one("#passphrase", Input).value
        if not where:
            self.say("Give the bundle file to import.", problem=True)
            return
        where = _in_home(where)  # where the export screen saves a name alone
        if where is None:
            self.say("That path names a home folder that is not on this computer.", problem=True)
            return
        if not passphrase:
            self.say("Type your passphrase to confirm it is you.", problem=True)
            return
        dry_run = self.query_one("#dry-run", Checkbox).value
        self.query_one("#passphrase", Input).value = ""  # not kept on screen or in memory
        self.started("Checking the bundle…")
        self.run_import(where, passphrase, dry_run)

    @work(thread=True, exclusive=True, group="transfer", exit_on_error=False)
    def run_import(self, where: str, passphrase: str, dry_run: bool) -> None:
        store, user = self.stepping_app.store, self.stepping_app.user
        try:
            bundle = read_bundle(where)
            self.post_message(TransferStatus("Importing…"))
            report = import_bundle(
                store,
                bundle,
                user.name,
                passphrase,
                dry_run=dry_run,
                progress=self.progress,
                via="app",
            )
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(TransferDone(report_lines(report)))
