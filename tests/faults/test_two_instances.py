"""Two copies of the app on one store at once: two people, or one person in two windows.

Every copy takes the store's file locks around each save, so two people never lose each
other's work; and when one person has the same draft open twice, each save merges with what
the other window saved (each answer keeps its latest change) instead of overwriting it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from store import Store, StoreError
from tests.e2e.app import (
    ALEX,
    APP_ENV,
    JO,
    ChecklistModel,
    TmuxStore,
    assert_verify_passes,
    is_end,
    is_reflection,
    make_store,
    needs_tmux,
    responses,
    sessions_of,
    sign_in,
    squash,
    start_app,
    start_new_checklist,
    tmux_group,
    wait_for_home,
)
from tests.e2e.terminal import Terminal, item_position
from tests.helpers import PASSPHRASE

REFLECTION = "Synthetic reflection: we found a quiet room"
RESPONSE_OF_KEY = {"1": "done", "4": "not_applicable"}


# -- helpers ---------------------------------------------------------------------------------
@contextmanager
def terminals(tmp_path: Path, count: int) -> Iterator[list[Terminal]]:
    """`count` separate tmux servers, each its own terminal window."""
    made: list[Terminal] = []
    try:
        for index in range(count):
            folder = tmp_path / f"term-{index}"
            folder.mkdir()
            made.append(Terminal(folder, APP_ENV))
        yield made
    finally:
        for term in made:
            term.close()


def position(term: Terminal) -> int:
    found = item_position(term.screen())
    assert found is not None, f"not on a checklist item:\n{term.screen()}"
    return found[0]


def answer(term: Terminal, key: str) -> str:
    """Answer the item in focus (`3` also closes the reasons with escape) and wait until the
    next item or the Reflection is shown with "✓ saved"."""
    current = position(term)
    term.send(key)
    if key in ("2", "3"):
        term.wait_for("What got in the way?")
        term.send("Escape")
    return term.wait_until(
        lambda s: (
            "✓ saved" in s
            and "What got in the way?" not in s
            and (is_end(s) or (item_position(s) or (0, 0))[0] > current)
        ),
        f"the answer to item {current} saved and the next item shown",
    )


def move_to(term: Terminal, target: int) -> None:
    """`j`/`k` until item `target` (1-based) is in focus."""
    current = position(term)
    key = "j" if target > current else "k"
    for _ in range(abs(target - current)):
        term.send(key)
    term.wait_until(lambda s: (item_position(s) or (0, 0))[0] == target, f"item {target}")


def finish(term: Terminal, reflection: str = REFLECTION) -> str:
    """Enter at the end of the list, type one reflection, wait for it to be saved, ctrl+s;
    the summary screen."""
    if is_end(term.screen()):
        term.send("Enter")
    term.wait_until(is_reflection, "the Reflection")
    term.type(reflection)
    term.wait_until(lambda s: reflection[:30] in s and "✓ saved" in s, "the reflection saved")
    term.send("C-s")
    return term.wait_for("Finished and saved")


def quit_cleanly(term: Terminal) -> None:
    term.send("C-q")
    status = term.wait_for_exit()
    assert status == 0, f"the app exited with {status}:\n{term.screen_with_history()}"


def open_resumed(term: Terminal, store: TmuxStore, answered: int) -> None:
    """A second window: sign in as Alex and resume the draft at its first gap."""
    start_app(term, store.data_dir)
    sign_in(term, store.account(ALEX))
    home = squash(wait_for_home(term))
    assert f"({answered} of " in home and " answered)" in home, home
    term.send("r")
    term.wait_for(f"Item {answered + 1} of")


def only_session(store: TmuxStore, name: str) -> dict:
    found = sessions_of(store, name)
    assert len(found) == 1, [(s["id"], s["status"]) for s in found]
    return found[0]


# -- two people ------------------------------------------------------------------------------
@pytest.mark.e2e
@needs_tmux
@tmux_group
def test_two_people_answering_at_the_same_time_both_finish_with_every_answer(
    tmp_path: Path,
) -> None:
    store = make_store(tmp_path, tmp_path / "store", (ALEX, JO))
    rng = random.Random(20260425)
    plan = {ALEX: "1", JO: "4"}  # Alex answers Done throughout, Jo Not applicable
    with terminals(tmp_path, 2) as (alex, jo):
        people = {ALEX: alex, JO: jo}
        for term in people.values():
            start_app(term, store.data_dir)
        for name, term in people.items():
            sign_in(term, store.account(name))
        for term in people.values():
            wait_for_home(term)
            term.send("n")
        for term in people.values():
            term.wait_for("Which checklist")
            term.send("Enter")
        for term in people.values():
            term.wait_for("Press enter to start")
            term.send("Enter")
        for term in people.values():
            term.wait_for("Item 1 of")

        # How many items each will answer: "Done" on one item shows a follow-up item.
        totals = {}
        for name in people:
            [draft] = sessions_of(store, name)
            model = ChecklistModel.for_session(draft)
            totals[name] = len(_all_answered(model, RESPONSE_OF_KEY[plan[name]]))

        # Interleave the key presses between the two terminals, without waiting.
        for step in range(max(totals.values())):
            for name, term in people.items():
                if step < totals[name]:
                    term.send(plan[name])
                    time.sleep(rng.uniform(0, 0.03))

        for name, term in people.items():
            screen = term.wait_until(
                lambda s: is_end(s) and "✓ saved" in s, f"{name}'s end of the list, saved"
            )
            assert "All " in screen and "not answered yet" not in screen, screen
            assert "NOT SAVED" not in screen, screen
            term.send("Enter")
            screen = term.wait_until(is_reflection, f"{name}'s Reflection")
            assert "not answered yet" not in screen, screen
        for term in people.values():
            term.type(REFLECTION)
        for term in people.values():
            term.wait_for(REFLECTION[:30])
            term.send("C-s")
        for term in people.values():
            summary = squash(term.wait_for("Finished and saved"))
            assert "Not answered: 0" in summary, summary
        for term in people.values():
            quit_cleanly(term)

    assert_verify_passes(store.data_dir, "after two people answered at once")
    for name in people:
        session = only_session(store, name)
        assert session["author"] == name
        assert session["status"] == "complete"
        kept = responses(session)
        assert len(kept) == totals[name], (name, kept)
        assert set(kept.values()) == {RESPONSE_OF_KEY[plan[name]]}, (name, kept)
        assert REFLECTION in session["reflection"].values()


def _all_answered(model: ChecklistModel, response: str) -> list[str]:
    """The items shown once every item is answered with `response` (follow-ups included)."""
    answers: dict[str, str] = {}
    while True:
        unanswered = [i for i in model.visible(answers) if i not in answers]
        if not unanswered:
            return model.visible(answers)
        answers[unanswered[0]] = response


# -- one person, two windows -----------------------------------------------------------------
@pytest.mark.e2e
@needs_tmux
@tmux_group
def test_one_person_in_two_windows_on_one_draft_keeps_both_windows_answers(
    tmp_path: Path,
) -> None:
    store = make_store(tmp_path, tmp_path / "store")
    with terminals(tmp_path, 2) as (a, b):
        start_app(a, store.data_dir)
        sign_in(a, store.account(ALEX))
        wait_for_home(a)
        start_new_checklist(a)
        answer(a, "1")
        answer(a, "1")

        open_resumed(b, store, answered=2)
        answer(a, "1")  # A: item 3 Done; A is now on item 4
        move_to(b, 4)
        answer(b, "4")  # B: item 4 Not applicable
        answer(b, "3")  # B: item 5 Not done (no reason)
        move_to(a, 6)  # A skips what B answered ...
        while not is_end(a.screen()):
            answer(a, "1")  # ... and answers the rest Done
        assert "2 not answered yet" in squash(a.screen()), a.screen()
        a.send("Enter")
        reflection = a.wait_until(is_reflection, "the Reflection")
        # A never saw B's two answers, so it says two are missing ...
        assert "2 item(s) not answered yet" in squash(reflection), reflection
        summary = squash(finish(a))
        # ... but finishing merged them in from the store.
        assert "Not answered: 0" in summary, summary
        quit_cleanly(a)
        quit_cleanly(b)

    assert_verify_passes(store.data_dir, "after two windows edited one draft")
    session = only_session(store, ALEX)
    assert session["status"] == "complete"
    kept = responses(session)
    model = ChecklistModel.for_session(session)
    shown = model.visible(kept)
    assert [i for i in shown if i not in kept] == [], f"unanswered items: {kept}"
    expected = {item_id: "done" for item_id in shown}
    expected[shown[3]] = "not_applicable"  # from window B
    expected[shown[4]] = "not_done"  # from window B
    assert kept == expected
    assert REFLECTION in session["reflection"].values()


# -- the merge rule, at the store ------------------------------------------------------------
def open_draft(data_dir: Path) -> tuple[Store, object]:
    """A separate copy of the store (another window) and the one draft it reads."""
    store = Store(data_dir)
    me = store.people.authenticate(ALEX, PASSPHRASE)
    [draft] = store.readable_sessions(me, status="draft")
    return store, draft


def all_kept(data_dir: Path) -> list:
    store = Store(data_dir)
    return store.readable_sessions(store.people.authenticate(ALEX, PASSPHRASE))


@pytest.fixture
def shared_draft(store, alex, checklist):
    """A draft with two answers, open in two windows; (window A, window B, items)."""
    me = store.people.authenticate(ALEX, PASSPHRASE)
    session = store.start_session(me, checklist, {})
    items = session.visible_items(checklist)
    for item in items[:2]:
        session.answer(item, "done")
        store.sessions.save_draft(session)
    return open_draft(store.data_dir), open_draft(store.data_dir), items


def test_each_windows_answers_are_merged_when_they_save_one_change_at_a_time(
    shared_draft,
) -> None:
    (store_a, a), (store_b, b), items = shared_draft
    a.answer(items[2], "done")
    store_a.sessions.save_draft(a)
    b.answer(items[3], "not_applicable")
    store_b.sessions.save_draft(b)
    a.answer(items[4], "done")
    store_a.sessions.save_draft(a)
    [kept] = all_kept(store_a.data_dir)
    assert [kept.response(i.id) for i in items[:5]] == [
        "done",
        "done",
        "done",
        "not_applicable",
        "done",
    ]


def test_a_window_that_saves_two_changes_at_once_keeps_the_other_windows_answers(
    shared_draft,
) -> None:
    (store_a, a), (store_b, b), items = shared_draft
    b.answer(items[3], "not_applicable")  # window B
    store_b.sessions.save_draft(b)
    # Window A's Reflection keeps every changed field in one save: two changes, one write.
    a.set_reflection("went_well", "Synthetic: a quiet room")
    a.set_reflection("difficult", "Synthetic: time was short")
    store_a.sessions.save_draft(a)
    [kept] = all_kept(store_a.data_dir)
    assert kept.reflection["difficult"] == "Synthetic: time was short"
    assert kept.response(items[3].id) == "not_applicable", "window B's answer was overwritten"


def test_an_answer_given_after_the_other_window_finished_is_kept_or_refused(
    shared_draft,
) -> None:
    (store_a, a), (store_b, b), items = shared_draft
    a.answer(items[2], "done")
    store_a.sessions.save_draft(a)
    store_a.sessions.finish(a)
    b.answer(items[3], "not_applicable")
    try:
        store_b.sessions.save_draft(b)
    except StoreError:
        return  # refused: the app can then say so instead of "✓ saved"
    found = [s.response(items[3].id) for s in all_kept(store_a.data_dir)]
    assert "not_applicable" in found, "saved without an error, yet kept nowhere"
