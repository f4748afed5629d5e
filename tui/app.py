"""The full-screen app: who is signed in, the screen stack, and what the "saved" indicator says.

Drafts are written by `services.drafts.DraftWriter`, which outlives any screen so that an
answer keeps being saved (and retried, when the disk is full) after the person has moved on;
the app hands it answers and turns its reports into `save_state`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from store import StoreError

from .messages import Notice
from .screens.box import HELP, LOCK, QUIT
from .screens.message import MessageScreen
from .screens.opening import OpeningScreen
from .screens.sign_in import SignInScreen
from .screens.welcome import WelcomeScreen
from .type_ahead import TypeAhead

if TYPE_CHECKING:
    from services import drafts
    from store import Person, Session, Store

# Start-up: the first frame is drawn before the store (cryptography, TinyDB, file locks) is
# imported; `services` and the rest of `store` are imported where they are first used.

DEFAULT_IDLE_LOCK = 300.0
# While locked, only these app actions may run (moving between the lock screen's fields).
ALLOWED_WHILE_LOCKED = frozenset({"focus_next", "focus_previous"})
WAIT_FOR_WRITE = 0.016
LOAD_LIBRARY_AFTER = 0.3
SCREENS_DIR = Path(__file__).parent / "screens"


def black_and_white_terminal(environ: Mapping[str, str]) -> bool:
    """True for a terminal without colour: NO_COLOR set (any value), or a TERM whose terminfo
    name says monochrome (`xterm-mono`, or the `-m` suffix, as in `vt220-m`)."""
    term = environ.get("TERM", "").strip().lower()
    return "NO_COLOR" in environ or term.endswith(("-mono", "-m"))


@contextlib.contextmanager
def _no_color_while_textual_starts() -> Iterator[None]:
    """Textual reads only NO_COLOR, once, when the app is made. On a monochrome TERM, set it
    for that moment and put the environment back as it was afterwards (a variable left behind
    would take the colour from every app made later in this process)."""
    if "NO_COLOR" in os.environ or not black_and_white_terminal(os.environ):
        yield
        return
    os.environ["NO_COLOR"] = "1"
    try:
        yield
    finally:
        os.environ.pop("NO_COLOR", None)


@dataclass(frozen=True)
class SaveState:
    """What the "saved" indicator shows: `idle`, `saving`, `saved` or `failed`."""

    status: str = "idle"
    at: str = ""
    message: str = ""


class SteppingStonesApp(App[int]):
    TITLE = "Stepping Stones"
    # Every screen's stylesheet is read here, at start-up, not when that screen first opens:
    # Textual would then re-parse every style source and restyle the whole screen stack (a
    # visible pause on a slow terminal), and a screen's rules would stay loaded for the rest
    # of the run anyway. Each file still sits beside its screen (and stays its CSS_PATH: the
    # same resolved path, so Textual finds it already read); every rule in it is scoped to
    # that screen, so no screen's look depends on which screens were opened before it.
    CSS_PATH = [
        "app.tcss",
        *[f"screens/{path.name}" for path in sorted(SCREENS_DIR.glob("*.tcss"))],
    ]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # Priority: "everywhere" includes a note or question box open on top of a screen.
        QUIT,
        HELP,
        LOCK,
        # Priority, so focus moves before the next key is delivered: typed-ahead input
        # ("name, tab, passphrase, enter" in one burst) then lands in the right field.
        Binding("tab", "app.focus_next", "Next field", id="next_field", show=False, priority=True),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "Previous field",
            id="previous_field",
            show=False,
            priority=True,
        ),
    ]

    save_state: reactive[SaveState] = reactive(SaveState, always_update=True)
    user: reactive[Person | None] = reactive(None)

    def __init__(
        self,
        data_dir: Path,
        store: Store | None = None,
        idle_lock: float = DEFAULT_IDLE_LOCK,
    ) -> None:
        with _no_color_while_textual_starts():
            super().__init__()
        self.data_dir = Path(data_dir)
        self._store = store
        self.idle_lock = idle_lock
        self.locked = False
        self._last_activity = time.monotonic()
        # The draft writer, from the moment the store is open (see services/drafts.py).
        self.writer: drafts.DraftWriter | None = None
        self._reports_sent = 0  # by the writer's thread
        self._reports_handled = 0  # here
        # Typed text that may not be written (an identifier the guard refuses, a field over
        # its limit): field key -> what the header and the "leave?" question say about it.
        self.held: dict[str, str] = {}
        self._leaving = False  # exit() has been called
        self.type_ahead = TypeAhead(self)

    def on_notice(self, message) -> None:
        """A worker's `tui.messages.Notice`, from any screen."""
        self.notify(
            message.text, title=message.title, severity=message.severity, timeout=message.timeout
        )

    def exit(self, *args, **kwargs) -> None:
        self._leaving = True
        super().exit(*args, **kwargs)

    def on_exit_app(self) -> None:
        """However the app is asked to close (ctrl+q, or a browser tab closed under `serve`,
        which asks without a key), what may be kept is handed to the writer first; the writer's
        last try, as the app unmounts, puts it on disk."""
        if self._store is not None and self.user is not None:
            self.keep_typing()

    def get_system_commands(self, screen: Screen):
        """The command palette offers this app's own actions only (tui/commands.py)."""
        from .commands import for_screen

        return for_screen(self, screen)

    @property
    def store(self) -> Store:
        assert self._store is not None
        return self._store

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity="information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """As Textual's, but safe for any text: messages carry file names, titles from files
        anyone can edit and typed words, so they are always shown as plain text (widgets'
        and screens' notify pass markup=True; it is ignored here on purpose)."""
        super().notify(
            str(message), title=str(title), severity=severity, timeout=timeout, markup=False
        )

    # -- start-up ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        # The draft writer's thread must not wait behind a screen repaint for the interpreter
        # lock at every system call of a save: hand the lock over more often (default 5 ms).
        sys.setswitchinterval(0.0005)
        if self._store is not None:  # handed in (tests, the demo): nothing to wait for
            self._show_first_screen()
            return
        self.push_screen(OpeningScreen())
        self.call_after_refresh(self._open_store)

    class StoreOpened(Message):
        """The store has been read (or could not be: `problem`)."""

        def __init__(self, store: Store | None, problem: str = "") -> None:
            super().__init__()
            self.store = store
            self.problem = problem

    @work(thread=True, group="open", exit_on_error=False)
    def _open_store(self) -> None:
        """Import and open the store off the screen's thread, after the first frame."""
        try:
            from services import opening
            from store import Store

            store = Store(self.data_dir)
            opening.is_new(store)  # read the people now, not on the screen's thread
        except StoreError as exc:
            self.post_message(self.StoreOpened(None, str(exc)))
            return
        except OSError as exc:  # the folder is a file, unreadable, on a vanished drive ...
            reason = exc.strerror or str(exc)
            self.post_message(
                self.StoreOpened(None, f"{self.data_dir} cannot be used as the store: {reason}.")
            )
            return
        self.post_message(self.StoreOpened(store))

    def on_stepping_stones_app_store_opened(self, message: StoreOpened) -> None:
        if self._leaving:
            return  # quit while the store was being read: nothing more to show
        # Help may be open over the opening screen: the first real screen replaces the
        # opening screen itself, not whatever is on top of it.
        while len(self.screen_stack) > 2 and not isinstance(self.screen, OpeningScreen):
            self.pop_screen()
        if message.store is None:
            self.switch_screen(
                MessageScreen("The store cannot be opened", message.problem, fatal=True)
            )
            return
        self._store = message.store
        self._show_first_screen(replace=True)

    def _show_first_screen(self, replace: bool = False) -> None:
        show = self.switch_screen if replace else self.push_screen
        from services import opening

        try:
            empty = opening.is_new(self.store)
        except StoreError as exc:
            show(MessageScreen("The store cannot be opened", str(exc), fatal=True))
            return
        show(WelcomeScreen() if empty else SignInScreen())
        self._start_writer()
        self._notices_shown = 0
        self.show_store_notices()
        self.set_interval(1.0, self.show_store_notices)
        self.set_interval(min(1.0, max(self.idle_lock / 4, 0.05)), self._check_idle)
        # Nobody can answer anything before signing in: read the checklists after the first
        # screen is up, so the sign-in screen comes as quickly as a bare Textual app's.
        # (After a pause, not just the first refresh: the terminal is written by another
        # thread, which must not wait behind the loader for the interpreter lock.)
        self.set_timer(LOAD_LIBRARY_AFTER, self._load_library)

    @work(thread=True, group="library", exit_on_error=False)
    def _load_library(self) -> None:
        """Read the checklists after the first screen is up, and say if any were skipped."""
        problems = self.store.library.errors
        if problems:
            skipped = "; ".join(sorted({p.path for p in problems}))
            self.post_message(
                Notice(
                    f"Some checklist files were skipped because of errors: {skipped}. "
                    "Run `stepping-stones checklists validate` for details.",
                    title="Checklists skipped",
                    severity="warning",
                    timeout=15,
                )
            )

    def show_store_notices(self) -> None:
        """Tell people, once, about damaged files the store found and set aside."""
        notices = self.store.notices
        for notice in notices[self._notices_shown :]:
            self.notify(
                notice, title="A damaged file was set aside", severity="warning", timeout=30
            )
        self._notices_shown = len(notices)

    # -- locking -----------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        # Inputs swallow printable keys before App.on_key would see them, so activity is
        # noticed here, where every key and click passes.
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown)):
            self._last_activity = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            # tui/type_ahead.py: letters held for a text box go in before the key arriving
            # now; a letter arriving while a screen has not focused anything yet is held.
            if self.focused is not None:
                self.type_ahead.flush()
            elif self.type_ahead.hold(event):
                return
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """A key back up at the app, taken by nobody: a letter that missed its text box while
        a screen was opening is typed into it (tui/type_ahead.py), not lost."""
        if self.type_ahead.catch(event):
            event.prevent_default()
            event.stop()
        else:
            self.type_ahead.settle()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While locked, every key, binding and palette command does nothing but unlock."""
        if self.locked and action not in ALLOWED_WHILE_LOCKED:
            return False
        return super().check_action(action, parameters)

    def _check_idle(self) -> None:
        if self.user is not None and not self.locked:
            if time.monotonic() - self._last_activity >= self.idle_lock:
                self.lock(idle=True)

    def action_lock(self) -> None:
        if self.user is not None and not self.locked:
            self.lock(idle=False)

    def keep_typing(self) -> None:
        """Save, now, the latest typing that may be kept on every screen (the debounced save
        may not have run yet): before the screen locks and before the app closes."""
        for screen in self.screen_stack:
            keep = getattr(screen, "keep", None)
            if callable(keep):
                keep()

    def lock(self, idle: bool) -> None:
        from .screens.lock import LockScreen

        self.keep_typing()
        self.locked = True
        from services import session_lock

        session_lock.lock(self.store, self.user, idle)
        # Notices on screen may name a supervisee or quote what was typed: the lock screen
        # shows nothing of what was there.
        self.clear_notifications()
        self.push_screen(LockScreen(self.user.name))

    def unlocked(self, person: Person) -> None:
        self.locked = False
        self._last_activity = time.monotonic()
        if self.user is not None and person.id == self.user.id:
            from services import session_lock

            session_lock.unlock(self.store, person)
            self.pop_screen()  # back exactly where they were
            return
        self.user = None
        self.held.clear()  # the first person's unsavable text goes with their screens
        self.signed_in(person)

    # -- navigation --------------------------------------------------------------------------
    def reset_to(self, screen: Screen) -> None:
        """Replace the whole stack with one screen (signing in, signing out)."""
        self.held.clear()  # whatever was held back goes with the screens that held it
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)

    def signed_in(self, person: Person) -> None:
        from . import keymap
        from .screens.home import HomeScreen

        # The person's own keys (their config folder, never the store's): read at each sign-in,
        # once every screen's bindings are worth loading, before anything shows a changeable key.
        keymap.apply(self)
        self.user = person
        self.reset_to(HomeScreen(after_sign_in=True))

    def go_home(self) -> None:
        from .screens.home import HomeScreen

        self.reset_to(HomeScreen())

    def sign_out(self) -> None:
        self.unless_held_text(self._sign_out)

    def _sign_out(self) -> None:
        self.held.clear()
        if self.user is not None:
            from services import session_lock

            session_lock.sign_out(self.store, self.user)
        self.user = None
        self.reset_to(SignInScreen())
        self.refresh(repaint=True, layout=True)

    def action_help(self) -> None:
        from .screens.help import HelpScreen  # when first asked for, not before the first frame

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def unless_held_text(self, then) -> None:
        """Run `then` at once, or after asking, when typed text would be dropped unsaved."""
        if not self.held:
            then()
            return
        from .screens.confirm import ConfirmScreen

        def answered(leave: bool | None) -> None:
            if leave:
                self.held.clear()
                self.save_state = self.save_state  # repaint the indicator
                then()

        self.push_screen(
            ConfirmScreen(
                "Leave without saving this field? y/n",
                "Not saved: " + "; ".join(self.held.values()) + ".",
            ),
            callback=answered,
        )

    def set_held(self, key: str, why: str | None) -> None:
        """A field's text is held back (`why`), or no longer is (None); the header follows."""
        if self.held.get(key) == (why or None):
            return  # asked at every key: the indicator changes only when this does
        if why:
            self.held[key] = why
        else:
            self.held.pop(key, None)
        self.save_state = self.save_state  # repaint the indicator

    async def action_quit(self) -> None:
        from .screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            return  # already asking: y or n answers it
        self.keep_typing()
        # As a worker, not awaited here: waiting inside this key's handler would hold up the
        # very messages that say the last saves have landed.
        self.unless_held_text(lambda: self.run_worker(self._quit(), group="quit", exclusive=True))

    async def _quit(self) -> None:
        self.keep_typing()
        await self.wait_for_saves(timeout=3.0)
        if self.unsaved:
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
    # The writer (services/drafts.py) reports on its own thread; these carry each report onto
    # the app's message queue, where `save_state` (and so the "saved" indicator) follows it.
    class DraftSaved(Message):
        def __init__(self, event: drafts.DraftSaved) -> None:
            super().__init__()
            self.event = event

    class DraftGone(Message):
        """The draft was finished or deleted in another window: this copy cannot be saved."""

        def __init__(self, event: drafts.DraftGone) -> None:
            super().__init__()
            self.event = event

    class DraftSaveFailed(Message):
        def __init__(self, event: drafts.DraftSaveFailed) -> None:
            super().__init__()
            self.event = event

    # By the report's class name: `services.drafts` (and the store under it) is imported only
    # once the store is open, after the first frame.
    _MESSAGES = {
        "DraftSaved": DraftSaved,
        "DraftGone": DraftGone,
        "DraftSaveFailed": DraftSaveFailed,
    }

    def _start_writer(self) -> None:
        from services.drafts import DraftWriter

        self.writer = DraftWriter(self.store, self._writer_reported)
        self.writer.start()

    def _writer_reported(self, event: drafts.DraftEvent) -> None:
        """On the writer's thread, under its lock: count the report before posting it, so
        `wait_for_saves` never sees the draft gone from `pending` with its report unseen."""
        self._reports_sent += 1
        if not self.post_message(self._MESSAGES[type(event).__name__](event)):
            self._reports_sent -= 1  # the app is closing: nobody will hear it

    def _report_handled(self) -> None:
        self._reports_handled += 1

    @property
    def unsaved(self) -> frozenset[str]:
        """The drafts with answers not on disk yet (for "saved" and the quit warning)."""
        return self.writer.pending if self.writer is not None else frozenset()

    def save_draft(self, session: Session) -> None:
        """Hand a copy of the draft to the writer; the indicator follows `save_state`."""
        # "saved" must never be showing while the newest answer is not on disk: the draft is
        # pending from here, and the indicator says so before the writer can report.
        self.writer.submit(session)
        if self.save_state.status != "failed":
            self.save_state = SaveState("saving")
        # Give the writer the interpreter for up to one frame: the save (well under a
        # millisecond on a healthy disk) then finishes before the screen repaints, instead
        # of crawling along beside the repaint. A slow disk just carries on in the background.
        self.writer.wait_written(WAIT_FOR_WRITE)

    def on_unmount(self) -> None:
        if self.writer is not None:
            self.writer.close()  # one last try at whatever is still waiting

    def on_stepping_stones_app_draft_saved(self, message: DraftSaved) -> None:
        self._report_handled()
        if not self.unsaved:
            self.save_state = SaveState("saved", at=datetime.now().strftime("%H:%M:%S"))

    def on_stepping_stones_app_draft_gone(self, message: DraftGone) -> None:
        self._report_handled()
        event = message.event
        if event.expected:
            self.settle_save_state()  # deleted here on purpose: nothing was lost
            return
        self.save_state = SaveState("failed", message=event.reason)
        title = "Deleted elsewhere" if event.deleted else "Finished elsewhere"
        self.notify(event.reason, title=title, severity="error", timeout=15)
        if self.user is not None and not self.locked:
            self.go_home()

    def on_stepping_stones_app_draft_save_failed(self, message: DraftSaveFailed) -> None:
        self._report_handled()
        reason = message.event.reason
        if self.save_state.status != "failed":
            self.notify(
                f"{reason} Your answers stay on screen and will be saved as soon as "
                "it works again.",
                title="Not saved yet",
                severity="error",
                timeout=10,
            )
        self.save_state = SaveState("failed", message=reason)

    async def wait_until_idle(self) -> None:
        """For tests and scripts: every worker done, and every save landed."""
        if self.workers:  # an empty list would wait for nothing anyway
            await self.workers.wait_for_complete(list(self.workers))
        await self.wait_for_saves()

    async def wait_for_saves(self, timeout: float = 5.0) -> bool:
        """Wait until every answer given so far is on disk and the indicator has heard so;
        False if that did not happen."""
        deadline = time.monotonic() + timeout
        while self.saves_pending() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return not self.saves_pending()

    def saves_pending(self) -> bool:
        """Answers not on disk yet, or on disk but not yet shown as saved."""
        return bool(self.unsaved) or self._reports_handled != self._reports_sent

    def mark_unsaved(self) -> None:
        """Typing that is not on disk yet: the indicator must not claim it is saved."""
        if self.save_state != SaveState("saving"):  # called at every key
            self.save_state = SaveState("saving")

    def settle_save_state(self) -> None:
        if not self.unsaved and self.save_state.status == "saving":
            self.save_state = SaveState("saved", at=datetime.now().strftime("%H:%M:%S"))

    def discarding(self, session_id: str) -> None:
        """Before a draft is deleted: answers still on their way to it are not wanted."""
        self.writer.discarding(session_id)

    def discard_failed(self, session_id: str) -> None:
        """The delete did not happen: the draft's saves matter again."""
        self.writer.discard_failed(session_id)

    def forget_pending(self, session_id: str) -> None:
        """After finishing: the archive now holds the session, a late draft save is moot."""
        self.writer.forget(session_id)
