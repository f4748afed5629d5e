"""End to end: the installed `stepping-stones` command in a real 80x24 terminal (tmux).

Keys go in with `tmux send-keys`, screens come out with `tmux capture-pane -p`, and what was
kept is checked afterwards through the command line (`sessions list --json`), as a script
would. Only the keys and fixed words of the interface contract are relied on. All people and
text here are synthetic.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
from pathlib import Path

import pytest

from tests.helpers import COMMAND, run_installed

from .app import (
    ALEX,
    PASSPHRASES,
    TmuxStore,
    checklist_json,
    cli,
    is_end,
    is_reflection,
    quit_app,
    sessions_of,
    start_new_checklist,
    tmux_group,
)
from .terminal import Terminal, item_position

pytestmark = [pytest.mark.e2e, tmux_group]

if shutil.which("tmux") is None:
    pytest.skip(
        "tmux is not installed: the end-to-end tests need it (apt-get install tmux)",
        allow_module_level=True,
    )

NAME = ALEX
PASSPHRASE = PASSPHRASES[ALEX]
WRONG_PASSPHRASE = "wrong horse battery"
NOTE = "Synthetic note"
REFLECTION = "Synthetic reflection: asking about her first worked well"

MAX_ITEMS = 80  # a safety stop for the answering loops


# -- helpers ---------------------------------------------------------------------------------
def sessions(store: TmuxStore, *extra: str) -> list[dict]:
    return sessions_of(store, NAME, *extra)


def item_order(store: TmuxStore, checklist_id: str) -> list[str]:
    """Every item id of a checklist, in the order the checklist shows them."""
    checklist = checklist_json(store.data_dir, checklist_id)
    return [item["id"] for section in checklist["sections"] for item in section["items"]]


def answered_in_order(store: TmuxStore, session: dict) -> list[str]:
    """The ids of the answered items, in checklist order (the order they were on screen)."""
    answers = session["answers"]
    return [
        item_id
        for item_id in item_order(store, session["checklist"]["id"])
        if answers.get(item_id, {}).get("response")
    ]


def start_app(term: Terminal, store: TmuxStore) -> None:
    term.start([COMMAND, "--data-dir", str(store.data_dir)])
    assert term.size() == (80, 24)


def sign_in(term: Terminal, passphrase: str = PASSPHRASE) -> None:
    """Name, tab, passphrase, enter, one step at a time."""
    term.wait_for("Sign in")
    term.type(NAME)
    term.wait_for(NAME)
    term.send("Tab")
    term.type(passphrase)
    # The passphrase field shows one bullet a character: it reached the right field, hidden.
    term.wait_for("•" * len(passphrase))
    assert passphrase not in term.screen()
    term.send("Enter")


def start_checklist(term: Terminal) -> None:
    term.wait_for("Signed in as")
    start_new_checklist(term)


def answer_step(term: Terminal, key: str, saved: bool = False) -> str:
    """Answer the item in focus with `key`; wait for the next item (or the Reflection).

    With `saved`, also wait until the indicator says the answer is on disk: the answer sets
    the indicator to "saving" in the same step that moves to the next item, so "✓ saved"
    on the same screen as the next item means this answer was acknowledged.
    """
    screen = term.screen()
    position = item_position(screen)
    assert position is not None, f"not on a checklist item:\n{screen}"
    current, total = position

    def moved_on(s: str) -> bool:
        now = item_position(s)
        ok = is_end(s) or (now is not None and now[0] > current)
        return ok and (not saved or "✓ saved" in s)

    term.send(key)
    wanted = f"item {current + 1} of {total}" if current < total else "the end of the list"
    return term.wait_until(moved_on, wanted + (" with '✓ saved'" if saved else ""))


def answer_rest_with_done(term: Terminal) -> int:
    """Press `1` on every item left, then enter at the end; return the final N."""
    total = 0
    for _ in range(MAX_ITEMS):
        screen = term.screen()
        if is_end(screen):
            assert total, "the end of the list came before any item was shown"
            assert f"All {total} items answered" in screen, screen
            term.send("Enter")
            term.wait_until(is_reflection, "the Reflection")
            return total
        position = item_position(screen)
        assert position is not None, f"neither an item nor the Reflection:\n{screen}"
        total = position[1]
        answer_step(term, "1")
    raise AssertionError(f"no Reflection after {MAX_ITEMS} answers")


def finish(term: Terminal) -> None:
    """Type a reflection, ctrl+s, and see the session finished."""
    screen = term.wait_until(is_reflection, "the Reflection")
    assert "not answered yet" not in screen, screen
    term.type(REFLECTION)
    term.wait_for(REFLECTION[:40])
    term.send("C-s")
    term.wait_for("Finished and saved")


# -- tests -----------------------------------------------------------------------------------
def test_a_checklist_from_sign_in_to_finished(term: Terminal, e2e_store: TmuxStore) -> None:
    start_app(term, e2e_store)
    sign_in(term)
    start_checklist(term)

    # 1: Done.
    answer_step(term, "1")
    # 3: Not done opens the reasons; space ticks the first and the second, enter confirms.
    term.send("3")
    term.wait_for("What got in the way?")
    term.send("Space")
    term.wait_for("[x] ")
    term.send("Down")
    term.send("Space")
    term.wait_until(lambda s: s.count("[x] ") == 2, "two reasons ticked")
    term.send("Enter")
    term.wait_until(
        lambda s: (item_position(s) or (0, 0))[0] == 3 and "What got in the way?" not in s,
        "item 3",
    )
    # 2: Partly, and escape closes the reasons without one.
    term.send("2")
    term.wait_for("What got in the way?")
    term.send("Escape")
    term.wait_until(
        lambda s: (item_position(s) or (0, 0))[0] == 4 and "What got in the way?" not in s,
        "item 4",
    )
    # n: a note on item 4.
    term.send("n")
    note_screen = term.wait_for("save and close")
    term.type(NOTE)
    term.wait_for(NOTE)
    term.send("C-s")  # enter would start a new line: ctrl+s saves a note
    term.wait_until(
        lambda s: "save and close" not in s and f"✎ {NOTE}" in s and "Item 4 of" in s,
        "the note shown on item 4",
    )

    total = answer_rest_with_done(term)
    finish(term)
    quit_app(term)

    found = sessions(e2e_store)
    assert len(found) == 1, found
    session = found[0]
    assert session["status"] == "complete"
    answers = session["answers"]
    ordered = answered_in_order(e2e_store, session)
    assert len(ordered) == total, (ordered, total)
    assert sum(1 for a in answers.values() if a["response"]) == total
    first, second, third, fourth = (answers[i] for i in ordered[:4])
    assert first["response"] == "done"
    assert second["response"] == "not_done"
    reasons = cli(e2e_store.data_dir, "checklists", "reasons", "--json")
    known = [r["id"] for r in json.loads(reasons.stdout)]
    assert second["reasons"] == known[:2], second  # both ticked, in the order shown
    assert second["reason"] == known[0], second  # `reason` stays: the first
    assert third["response"] == "partly"
    assert third["reason"] is None
    assert fourth["note"] == NOTE
    assert fourth["response"] == "done"
    assert [i for i, a in answers.items() if a["note"]] == [ordered[3]]
    # The note box showed the prompt of the item the note went on.
    prompt = _prompt(e2e_store, session["checklist"]["id"], ordered[3])
    assert prompt[:30] in note_screen, (prompt, note_screen)
    assert all(a["response"] == "done" for a in (answers[i] for i in ordered[3:]))
    assert all(a["requirements"] for a in answers.values()), answers
    assert any(REFLECTION in text for text in session["reflection"].values()), session["reflection"]


def test_b_killed_mid_checklist_resumes_without_losing_answers(
    term: Terminal, e2e_store: TmuxStore
) -> None:
    start_app(term, e2e_store)
    sign_in(term)
    start_checklist(term)
    for number in range(1, 6):
        screen = answer_step(term, "1", saved=True)
        assert f"Item {number + 1} of" in screen, screen

    term.kill_app()
    status = term.wait_for_exit()
    assert status == 128 + signal.SIGKILL, f"expected death by SIGKILL, got status {status}"

    drafts = sessions(e2e_store, "--status", "draft")
    assert len(drafts) == 1, drafts
    draft = drafts[0]
    assert draft["status"] == "draft"
    answered = answered_in_order(e2e_store, draft)
    assert len(answered) == 5, draft["answers"]
    assert all(draft["answers"][i]["response"] == "done" for i in answered)

    # Start again in a new terminal session, as the next person at the desk would.
    start_app(term, e2e_store)
    sign_in(term)
    home = term.wait_for("Signed in as", "Resume", "press r")
    resume_text = _squash(home[home.index("Resume") : home.index("press r")])
    assert re.search(r"\d{1,2}:\d{2}", resume_text), resume_text
    assert re.search(r"\(5 of \d+ answered\)", resume_text), resume_text
    term.send("r")
    term.wait_for("Item 6 of")
    total = answer_rest_with_done(term)
    finish(term)
    quit_app(term)

    found = sessions(e2e_store)
    assert len(found) == 1, found
    session = found[0]
    assert session["id"] == draft["id"]
    assert session["status"] == "complete"
    ordered = answered_in_order(e2e_store, session)
    assert len(ordered) == total, (ordered, total)
    assert ordered[:5] == answered
    assert all(session["answers"][i]["response"] == "done" for i in ordered)
    assert all(a["requirements"] for a in session["answers"].values())
    assert any(REFLECTION in text for text in session["reflection"].values())


def test_c_wrong_passphrase_is_refused(
    term: Terminal, e2e_store: TmuxStore, tmp_path: Path
) -> None:
    start_app(term, e2e_store)
    sign_in(term, WRONG_PASSPHRASE)
    screen = term.wait_for("do not match")
    assert "Sign in" in screen
    assert "Signed in as" not in screen
    # Still the sign-in screen, ready for another go.
    term.type(PASSPHRASE)
    term.wait_for("•" * len(PASSPHRASE))
    term.send("Enter")
    term.wait_for("Signed in as")
    quit_app(term)

    # The installed command itself, in a process of its own, refuses the wrong passphrase.
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(WRONG_PASSPHRASE + "\n", encoding="utf-8")
    result = run_installed(
        "sessions",
        "list",
        "--user",
        NAME,
        "--passphrase-file",
        str(wrong),
        "--json",
        data_dir=e2e_store.data_dir,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].strip(), result.stderr
    assert result.stdout.strip() == "", result.stdout


def _prompt(store: TmuxStore, checklist_id: str, item_id: str) -> str:
    checklist = checklist_json(store.data_dir, checklist_id)
    for section in checklist["sections"]:
        for item in section["items"]:
            if item["id"] == item_id:
                return item["prompt"]
    raise AssertionError(f"no item {item_id}")


def _squash(text: str) -> str:
    """Screen text without box borders and line breaks, for text that wraps."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def test_d_ctrl_s_straight_after_typing_keeps_every_word(
    term: Terminal, e2e_store: TmuxStore
) -> None:
    """A fast typist finishes the moment the last word is typed: nothing may be cut off."""
    term.start([COMMAND, "--data-dir", str(e2e_store.data_dir)])
    sign_in(term)
    start_checklist(term)
    answer_rest_with_done(term)
    term.wait_until(is_reflection, "the Reflection")
    term.type(REFLECTION)
    term.send("C-s")  # no pause: the keys are still on their way to the field
    term.wait_for("Finished and saved")
    quit_app(term)
    [session] = sessions(e2e_store)
    assert session["status"] == "complete"
    assert session["reflection"]["went_well"] == REFLECTION


def test_e_a_case_reference_typed_quickly_is_kept_whole(
    term: Terminal, e2e_store: TmuxStore
) -> None:
    """Setting, stage, her baby, then the case reference: typed and entered in one burst."""
    term.start([COMMAND, "--data-dir", str(e2e_store.data_dir)])
    sign_in(term)
    term.wait_for("Signed in as")
    term.send("n")
    term.wait_for("Which checklist")
    term.send("Enter")
    term.wait_for("Press enter to start")
    term.send("Tab", "Tab", "Tab")
    term.type("TEAM-B-0042")
    term.send("Enter")  # no pause
    term.wait_for("Item 1 of")
    quit_app(term)
    [session] = sessions(e2e_store)
    assert session["setup"]["case_ref"] == "TEAM-B-0042"
