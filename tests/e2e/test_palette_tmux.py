"""End to end, in a real 80x24 terminal: the command palette offers the app's own actions
and no screenshot, and choosing one runs it (issue 12: "a safe palette")."""

from __future__ import annotations

import pytest

from .app import ALEX, TmuxStore, quit_app, sign_in, start_app, tmux_group, wait_for_home
from .terminal import Terminal

pytestmark = [pytest.mark.e2e, tmux_group]


def test_the_palette_has_no_screenshot_and_lock_from_it_locks(
    e2e_store: TmuxStore, term: Terminal
) -> None:
    start_app(term, e2e_store.data_dir)
    sign_in(term, e2e_store.account(ALEX))
    wait_for_home(term)

    term.send("C-p")
    term.wait_for("Search for commands", timeout=10)
    term.type("screen")
    screen = term.wait_until(
        lambda s: "No matches found" in s or "Screenshot" in s,
        "the palette's answer to 'screen'",
        timeout=10,
    )
    assert "Screenshot" not in screen
    term.send("Escape")
    wait_for_home(term)

    term.send("C-p")
    term.wait_for("Search for commands", timeout=10)
    term.type("Lock")
    term.wait_for("Hide the screen until you sign in", timeout=10)
    term.send("Enter")
    locked = term.wait_for("Locked", timeout=10)
    assert "Your recent sessions" not in locked

    sign_in_again = e2e_store.account(ALEX)
    term.type(sign_in_again.passphrase)
    term.send("Enter")
    wait_for_home(term)
    quit_app(term)
