"""What the command palette (ctrl+p) offers: the app's own actions, as the person may use them
now, and nothing else.

Textual's own list includes a Screenshot command that wrote an unencrypted picture of the
screen (a session, a summary) to the Downloads folder: no such command is offered here. Every
entry runs the same code as its key, so the palette adds no way round a check.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

# The app (tui/app.py, which imports this module): named by role here, not imported back.
SteppingStonesApp = Any

# Home's actions, in the order the palette lists them: (action, title, what it does).
HOME_ACTIONS = (
    ("new", "New checklist", "Start a new checklist after a contact"),
    ("resume", "Resume", "Carry on with an unfinished checklist"),
    ("prepare", "Prepare for supervision", "Your summary since your last supervision"),
    ("supervisees", "Supervisees", "The people you supervise"),
    ("export", "Export", "Write your sessions to a sealed bundle file for another machine"),
    ("import", "Import", "Bring in sessions from a bundle file"),
    ("people", "People", "Add colleagues, change roles, reset passphrases (admins)"),
)


def for_screen(app: SteppingStonesApp, screen: Screen) -> Iterable[SystemCommand]:
    yield SystemCommand("Help", "Every key, and what each screen is for", app.action_help)
    if app.user is not None and not app.locked:
        from services import sessions as session_use

        from .screens.home import SESSION_ACTIONS, HomeScreen

        home = screen if isinstance(screen, HomeScreen) else None
        for action, title, help_text in HOME_ACTIONS:
            if home is not None and home.check_action(action, ()) is False:
                continue  # e.g. Supervisees for someone who supervises nobody
            if home is None and action == "supervisees":
                continue  # home decides; offered there
            if (
                home is None
                and action in SESSION_ACTIONS
                and not session_use.has_sessions(app.user)
            ):
                continue  # a service lead with no other role has no sessions
            if action == "people" and not app.user.has("admin"):
                continue
            yield SystemCommand(title, help_text, _from_home(app, action))
        yield SystemCommand("Lock", "Hide the screen until you sign in", app.action_lock)
        yield SystemCommand("Sign out", "Sign out and show the Sign in screen", app.sign_out)
    yield SystemCommand("Quit", "Leave the app (answers are saved)", app.action_quit)


def _from_home(app: SteppingStonesApp, action: str) -> Callable[[], Awaitable[None]]:
    """Run one of home's actions: at once on home, else after going home (asking first when
    typed text would be dropped, as leaving any screen does)."""

    async def run() -> None:

        from .screens.home import HomeScreen

        if isinstance(app.screen, HomeScreen):
            await app.screen.run_action(action)
            return

        def then() -> None:
            app.go_home()
            app.call_after_refresh(lambda: app.screen.run_action(action))

        app.unless_held_text(then)

    return run
