"""End to end, in a real 80x24 terminal: the admin adds a colleague on the People screen, typing
every key, and the colleague then signs in with the passphrase the admin gave them.

The colleague's passphrase is made by the installed program at its full cost, as it would be
for a real colleague. All people are synthetic.
"""

from __future__ import annotations

import json

import pytest

from .app import (
    ALEX,
    Account,
    TmuxStore,
    cli,
    quit_app,
    sign_in,
    start_app,
    tmux_group,
    wait_for_home,
)
from .terminal import Terminal

pytestmark = [pytest.mark.e2e, tmux_group]

COLLEAGUE = "Ray Osei"
COLLEAGUE_PASSPHRASE = "blue heron at dawn"


def test_the_admin_adds_a_colleague_who_then_signs_in(e2e_store: TmuxStore, term: Terminal) -> None:
    start_app(term, e2e_store.data_dir)
    sign_in(term, e2e_store.account(ALEX))
    home = wait_for_home(term)
    assert "u people" in home
    term.send("u")
    term.wait_for("add a colleague", ALEX, timeout=10)
    term.send("a")
    term.wait_for("Add a colleague", "Passphrase again", timeout=10)
    term.type(COLLEAGUE)
    term.send("Tab")  # the roles: practitioner is ticked already
    term.send("Tab")  # the passphrase (nobody has the supervisor role yet)
    term.type(COLLEAGUE_PASSPHRASE)
    term.send("Tab")
    term.type(COLLEAGUE_PASSPHRASE)
    screen = term.screen()
    assert COLLEAGUE_PASSPHRASE not in screen  # typed, never shown
    term.send("Enter")
    # Said below the table, and listed in it (the passphrase is made at its full cost).
    term.wait_until(
        lambda s: f"Added {COLLEAGUE}" in s and COLLEAGUE in s.split(f"Added {COLLEAGUE}")[0],
        "the colleague in the table and the line saying so",
        timeout=30,
    )
    quit_app(term)

    alex = e2e_store.account(ALEX)
    signed_in = ("--user", ALEX, "--passphrase-file", str(alex.passphrase_file))
    listed = cli(e2e_store.data_dir, "users", "list", "--json", *signed_in)
    assert listed.returncode == 0, listed.stderr
    added = {"name": COLLEAGUE, "roles": ["practitioner"], "supervisors": [], "active": True}
    assert added in json.loads(listed.stdout)

    start_app(term, e2e_store.data_dir)
    sign_in(term, Account(COLLEAGUE, COLLEAGUE_PASSPHRASE, e2e_store.data_dir / "unused"))
    home = wait_for_home(term)
    assert f"Signed in as {COLLEAGUE}" in home
    assert "u people" not in home  # not an admin
    quit_app(term)
