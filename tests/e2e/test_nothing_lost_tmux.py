"""End to end, in a real 80x24 terminal: home opens after a passphrase reset, a note with an NHS
number is never written whatever keys follow, and unfinished checklists are chosen and deleted.

The store is prepared through the Python API (people and finished sessions), the app is the
installed command driven by keys, and what was kept is checked through the command line.
Synthetic people only; the NHS number is from the reserved test range.
"""

from __future__ import annotations

import json

import pytest

from store import Store
from tests.test_supervision import finished_session

from .app import (
    ALEX,
    PASSPHRASES,
    TmuxStore,
    cli,
    quit_app,
    sessions_of,
    sign_in,
    start_app,
    start_new_checklist,
    tmux_group,
)
from .terminal import Terminal

pytestmark = [pytest.mark.e2e, tmux_group]

NAME = ALEX
PASSPHRASE = PASSPHRASES[ALEX]
NHS_TEST_NUMBER = "999 000 0018"
NEW_PASSPHRASE = "a brand new passphrase"


def start(term: Terminal, store: TmuxStore) -> None:
    start_app(term, store.data_dir)
    assert term.size() == (80, 24)


def test_after_a_passphrase_reset_home_opens_and_says_why(
    e2e_store: TmuxStore,
    term: Terminal,
) -> None:
    store = Store(e2e_store.data_dir)
    alex = store.sign_in(NAME, PASSPHRASE)
    store.people.add("Sam Supervisor", ["supervisor"], PASSPHRASE, acting=alex)
    store.people.add("Jo Patel", ["practitioner"], PASSPHRASE, ["Sam Supervisor"], alex)
    jo = store.sign_in("Jo Patel", PASSPHRASE)
    checklist = store.library.checklists["any-contact"]
    finished_session(store, jo, checklist, 3, {0: ("done", None)})
    finished_session(store, jo, checklist, 2, {0: ("done", None)})
    store.people.reset_passphrase(alex, "Jo Patel", NEW_PASSPHRASE)

    start(term, e2e_store)
    term.wait_for("Sign in")
    term.type("Jo Patel")
    term.send("Tab")
    term.type(NEW_PASSPHRASE)
    term.send("Enter")
    screen = " ".join(term.wait_for("Signed in as Jo Patel", "can't be opened").split())
    assert "2 of your sessions can't be opened yet: your supervisor's next sign-in shares" in (
        screen
    )
    quit_app(term)


def test_a_note_with_an_nhs_number_is_never_written_whatever_keys_follow(
    e2e_store: TmuxStore,
    term: Terminal,
) -> None:
    start(term, e2e_store)
    sign_in(term, e2e_store.account(ALEX))
    term.wait_for("Signed in as")
    start_new_checklist(term)
    term.send("n")
    term.wait_for("A few words about your practice")  # the note box itself, not the footer's "Note"
    term.type(f"Rang about {NHS_TEST_NUMBER}")
    term.wait_for("Not saved: contains an NHS number")
    term.send("C-s")  # ctrl+s again and again, enter in between: still refused
    term.send("Enter")
    term.send("C-s")
    term.wait_for("Not saved: the note contains an NHS number")
    term.send("Escape")
    term.wait_for("Leave without saving this field? y/n")
    term.send("n")
    term.wait_until(lambda s: "Leave without" not in s and "Not saved" in s, "back to the note")
    term.send("Escape")
    term.wait_for("Leave without saving this field? y/n")
    term.send("y")
    term.wait_for("Item 1 of")
    quit_app(term)

    [draft] = sessions_of(e2e_store, ALEX, "--status", "draft")
    notes = [a.get("note") for a in draft["answers"].values() if a.get("note")]
    assert notes in ([], ["Rang about"]), notes  # the number is cut out of what is saved
    raw = "".join(p.read_text() for p in e2e_store.data_dir.rglob("*.json*"))
    # The whole number, as typed and run together: four digits alone turn up in ids and hashes.
    assert NHS_TEST_NUMBER not in raw and NHS_TEST_NUMBER.replace(" ", "") not in raw


def test_several_drafts_are_chosen_with_r_and_deleted_with_d(
    e2e_store: TmuxStore,
    term: Terminal,
) -> None:
    store = Store(e2e_store.data_dir)
    alex = store.sign_in(NAME, PASSPHRASE)
    checklist = store.library.checklists["any-contact"]
    for answered in (1, 2, 3):
        draft = store.start_session(alex, checklist, {})
        for item in draft.visible_items(checklist)[:answered]:
            draft.answer(item, "done")
        store.sessions.save_draft(draft)

    start(term, e2e_store)
    sign_in(term, e2e_store.account(ALEX))
    home = " ".join(term.wait_for("press r to choose").split())
    assert "one of 3 unfinished checklists" in home
    term.send("r")
    term.wait_for("Unfinished checklists", "d: delete")
    term.send("Down")
    term.send("d")
    term.wait_for("Delete this unfinished checklist? y/n")
    term.send("y")
    term.wait_for("Deleted:")
    term.send("Enter")  # resume the highlighted one
    term.wait_for("Item ")
    term.send("Escape")
    term.wait_for("press r to choose")
    quit_app(term)

    drafts = sessions_of(e2e_store, ALEX, "--status", "draft")
    assert len(drafts) == 2
    audit = cli(
        e2e_store.data_dir, "audit", "list", "--json",
        "--user", NAME, "--passphrase-file", str(e2e_store.account(ALEX).passphrase_file),
    )  # fmt: skip
    assert audit.returncode == 0, audit.stderr
    assert [e["event"] for e in json.loads(audit.stdout)].count("session_discarded") == 1


def test_a_damaged_session_is_set_aside_and_home_opens(
    e2e_store: TmuxStore,
    term: Terminal,
) -> None:
    store = Store(e2e_store.data_dir)
    alex = store.sign_in(NAME, PASSPHRASE)
    checklist = store.library.checklists["any-contact"]
    finished_session(store, alex, checklist, 3, {0: ("done", None)})
    finished_session(store, alex, checklist, 2, {0: ("done", None)})
    archive = next((e2e_store.data_dir / "sessions" / alex.id).glob("archive-*.json"))
    data = json.loads(archive.read_text())
    table = data["sessions"]
    sealed = table[sorted(table)[0]]["sealed"]["content"]
    sealed["data"] = ("A" if sealed["data"][0] != "A" else "B") + sealed["data"][1:]
    archive.write_text(json.dumps(data))

    start(term, e2e_store)
    sign_in(term, e2e_store.account(ALEX))
    # The table fits its columns just after it is first drawn: wait for the fitted frame.
    screen = " ".join(term.wait_for("Signed in as", "damaged", "✓ finished").split())
    assert "1 session is damaged and was set aside" in screen
    assert "✓ finished" in screen  # the other one is listed
    quit_app(term)
    assert json.loads(archive.read_text()) == data
