"""The full-screen app: who is signed in, the screen stack, and the one path that saves drafts.

Saving lives here rather than on a screen so that an answer keeps being saved (and retried,
when the disk is full) after the person has moved on to another screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from store import Person, Session, Store, StoreError

from .screens.help import HelpScreen
from .screens.message import MessageScreen
from .screens.sign_in import SignInScreen
from .screens.welcome import WelcomeScreen

RETRY_SECONDS = 2.0


@dataclass(frozen=True)
class SaveState:
    """What the "saved" indicator shows: `idle`, `saving`, `saved` or `failed`."""

    status: str = "idle"
    at: str = ""
    message: str = ""


class SteppingStonesApp(App[int]):
    TITLE = "Stepping Stones"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Leave the app (answers are saved)"),
        Binding("question_mark,f1", "help", "Help", id="help", tooltip="Every key"),
        # Priority, so focus moves before the next key is delivered: typed-ahead input
        # ("name, tab, passphrase, enter" in one burst) then lands in the right field.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    save_state: reactive[SaveState] = reactive(SaveState, always_update=True)
    user: reactive[Person | None] = reactive(None)

    def __init__(self, data_dir: Path, store: Store | None = None) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self._store = store
        self._pending: dict[str, Session] = {}
        self._written: dict[str, int] = {}
        self._writer_running = False
        self._retry_timer = None

    @property
    def store(self) -> Store:
        assert self._store is not None
        return self._store

    # -- start-up ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        try:
            if self._store is None:
                self._store = Store(self.data_dir)
            empty = self.store.people.is_empty()
        except StoreError as exc:
            self.push_screen(MessageScreen("The store cannot be opened", str(exc), fatal=True))
            return
        self.push_screen(WelcomeScreen() if empty else SignInScreen())
        self._notices_shown = 0
        self.show_store_notices()
        self.set_interval(1.0, self.show_store_notices)
        problems = self.store.library.errors
        if problems:
            skipped = "; ".join(sorted({p.path for p in problems}))
            self.notify(
                f"Some checklist files were skipped because of errors: {skipped}. "
                "Run `stepping-stones checklists validate` for details.",
                title="Checklists skipped",
                severity="warning",
                timeout=15,
            )

    def show_store_notices(self) -> None:
        """Tell people, once, about damaged files the store found and set aside."""
        notices = self.store.notices
        for notice in notices[self._notices_shown :]:
            self.notify(
                notice, title="A damaged file was set aside", severity="warning", timeout=30
            )
        self._notices_shown = len(notices)

    # -- navigation --------------------------------------------------------------------------
    def reset_to(self, screen: Screen) -> None:
        """Replace the whole stack with one screen (signing in, signing out)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)

    def signed_in(self, person: Person) -> None:
        from .screens.home import HomeScreen

        self.user = person
        self.reset_to(HomeScreen())

    def go_home(self) -> None:
        from .screens.home import HomeScreen

        self.reset_to(HomeScreen())

    def sign_out(self) -> None:
        self.user = None
        self.reset_to(SignInScreen())
        self.refresh(repaint=True, layout=True)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        await self.workers.wait_for_complete()
        if self._pending:
            if getattr(self, "_quit_warned", False):
                self.exit(1)
                return
            self._quit_warned = True
            self.notify(
                "Some answers are not saved yet (" + self.save_state.message + "). "
                "Press ctrl+q again to leave anyway.",
                severity="error",
                timeout=10,
            )
            return
        self.exit(0)

    # -- saving ------------------------------------------------------------------------------
    def save_draft(self, session: Session) -> None:
        """Queue a copy of the draft for the writer; the indicator follows `save_state`.

        One writer thread saves snapshots strictly one after another, newest last, so a save
        can never overtake a later one; a burst of answers collapses into fewer writes.
        """
        snapshot = session.copy()
        self._pending[snapshot.id] = snapshot
        self.save_state = SaveState("saving")
        if not self._writer_running and self._retry_timer is None:
            self._writer_running = True
            self._save_worker()

    def _next_snapshot(self) -> Session | None:
        """Runs on the app's thread: the next snapshot to write, or None to stop the writer."""
        for snapshot in self._pending.values():
            if snapshot.revision > self._written.get(snapshot.id, -1):
                return snapshot
        self._writer_running = False
        return None

    @work(thread=True, group="save", exit_on_error=False)
    def _save_worker(self) -> None:
        while True:
            snapshot = self.call_from_thread(self._next_snapshot)
            if snapshot is None:
                return
            try:
                revision = self.store.sessions.save_draft(snapshot)
            except StoreError as exc:
                self.call_from_thread(self._save_failed, str(exc))
                return
            self.call_from_thread(self._saved, snapshot.id, revision)

    def _saved(self, session_id: str, revision: int) -> None:
        self._written[session_id] = max(revision, self._written.get(session_id, -1))
        pending = self._pending.get(session_id)
        if pending is not None and revision >= pending.revision:
            del self._pending[session_id]
        if not self._pending:
            self.save_state = SaveState("saved", at=datetime.now().strftime("%H:%M:%S"))

    def _save_failed(self, message: str) -> None:
        self._writer_running = False
        if self.save_state.status != "failed":
            self.notify(
                f"{message} Your answers stay on screen and will be saved as soon as it "
                "works again.",
                title="Not saved yet",
                severity="error",
                timeout=10,
            )
        self.save_state = SaveState("failed", message=message)
        if self._retry_timer is None:
            self._retry_timer = self.set_timer(RETRY_SECONDS, self._retry)

    def _retry(self) -> None:
        self._retry_timer = None
        if self._pending and not self._writer_running:
            self._writer_running = True
            self._save_worker()

    def mark_unsaved(self) -> None:
        """Typing that is not on disk yet: the indicator must not claim it is saved."""
        self.save_state = SaveState("saving")

    def settle_save_state(self) -> None:
        if not self._pending and self.save_state.status == "saving":
            self.save_state = SaveState("saved", at=datetime.now().strftime("%H:%M:%S"))

    def forget_pending(self, session_id: str) -> None:
        """After finishing: the archive now holds the session, a late draft save is moot."""
        self._pending.pop(session_id, None)
