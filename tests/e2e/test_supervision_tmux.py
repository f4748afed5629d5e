"""End to end, in a real 80x24 terminal: a supervisor reviews a supervisee and the practitioner
sees the comment at her next sign-in.

The practitioner's session is written through the app with keys; the supervisor opens her
summary, comments on the session and writes a supervision record; then the store is checked
through the command line, as a script would. All people and text are synthetic.
"""

from __future__ import annotations

import json
import re

import pytest

from store import Store
from tests.helpers import COMMAND

from .app import ALEX, PASSPHRASES, TmuxStore, cli, quit_app, tmux_group
from .terminal import Terminal
from .test_tmux import answer_rest_with_done, finish, start_checklist

pytestmark = [pytest.mark.e2e, tmux_group]

PASSPHRASE = PASSPHRASES[ALEX]

SUPERVISOR = "Sam Supervisor"
PRACTITIONER = "Jo Patel"
COMMENT = "Lets talk about the quiet room at supervision"
RECORD_NOTES = "We talked about booking the quiet room"
ACTION = "Book the quiet room before home visits"


def sign_in(screen: Terminal, name: str) -> None:
    screen.wait_for("Sign in", timeout=20)
    screen.type(name)
    screen.send("Tab")
    screen.type(PASSPHRASE)
    screen.send("Enter")


def as_person(store: TmuxStore, name: str, *args: str):
    # Everyone here has Alex's passphrase.
    passphrase_file = store.account(ALEX).passphrase_file
    return cli(store.data_dir, *args, "--user", name, "--passphrase-file", str(passphrase_file))


@pytest.fixture
def team(e2e_store: TmuxStore) -> TmuxStore:
    """Alex (admin) adds Sam (supervisor) and Jo (practitioner, Sam's supervisee)."""
    store = Store(e2e_store.data_dir)
    people = store.people
    alex = store.sign_in(ALEX, PASSPHRASE)  # changes to people are signed with an admin's key
    people.add(SUPERVISOR, ["supervisor"], PASSPHRASE, acting=alex)
    people.add(PRACTITIONER, ["practitioner"], PASSPHRASE, [SUPERVISOR], acting=alex)
    return e2e_store


def test_supervisor_reviews_comments_and_records_then_practitioner_sees_it(
    team: TmuxStore, term: Terminal
) -> None:
    command = [COMMAND, "--data-dir", str(team.data_dir)]
    # Jo finishes a checklist, every item Done, with a reflection.
    term.start(command)
    sign_in(term, PRACTITIONER)
    start_checklist(term)
    answer_rest_with_done(term)
    finish(term)
    quit_app(term)

    listed = json.loads(as_person(team, PRACTITIONER, "sessions", "list", "--json").stdout)
    [session] = listed
    assert session["status"] == "complete"
    assert session["comments"] == []

    # Sam opens Jo's summary, her sessions, the session, and comments on it.
    term.start(command)
    sign_in(term, SUPERVISOR)
    term.wait_for("supervisees", timeout=20)
    term.send("v")
    term.wait_for("Jo Patel", timeout=10)
    term.send("Enter")
    # The whole summary, bars included (a capture can land mid-paint, so wait for both).
    term.wait_until(
        lambda s: "1 finished checklist" in s and re.search(r"7\.1\s+█", s) is not None,
        "the summary with its bars",
        timeout=20,
    )
    term.send("s")
    term.wait_for("read-only", timeout=10)
    term.send("Enter")
    term.wait_for("Read-only", timeout=10)
    term.send("c")
    # Words only the comment box has: its empty box's placeholder. ("Comment" is also in the
    # footer of the screen behind it, and keys typed before the box opens would go there.)
    term.wait_for("Let's talk about this at supervision", timeout=10)
    term.type(COMMENT)
    term.send("C-s")  # at once, as a fast typist would: nothing typed may be lost
    term.wait_for("Comment saved", timeout=10)
    term.send("Escape")
    term.send("Escape")
    term.wait_for("1 finished checklist", timeout=10)
    term.send("r")
    term.wait_for("Supervision record", timeout=10)
    term.type(RECORD_NOTES)
    term.send("Tab")
    term.type(ACTION)
    term.send("C-s")
    term.wait_for("Supervision record saved", timeout=10)
    quit_app(term)

    # Jo signs in and sees the comment, once.
    term.start(command)
    sign_in(term, PRACTITIONER)
    term.wait_until(
        lambda s: "new comment" in s and COMMENT in s and SUPERVISOR in s,
        "the new comment, with its words and who wrote it",
        timeout=20,
    )
    term.send("Enter")
    term.wait_for("Signed in as Jo Patel", timeout=10)
    quit_app(term)

    # The store, read as a script would.
    listed = json.loads(as_person(team, PRACTITIONER, "sessions", "list", "--json").stdout)
    assert [c["text"] for c in listed[0]["comments"]] == [COMMENT]
    assert listed[0]["comments"][0]["seen"] is True
    records = json.loads(as_person(team, PRACTITIONER, "supervision", "list", "--json").stdout)
    assert records["records"][0]["notes"] == RECORD_NOTES
    assert [a["text"] for a in records["records"][0]["actions"]] == [ACTION]
    summary = json.loads(
        as_person(team, SUPERVISOR, "summary", "--of", PRACTITIONER, "--format", "json").stdout
    )
    assert summary["period"]["basis"] == "last_supervision"
    assert summary["actions"][0]["text"] == ACTION
