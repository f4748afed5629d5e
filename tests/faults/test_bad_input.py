"""Bad input: broken checklist files, wrong passphrases, a clock that jumps back, a tiny terminal.

None of them may crash the app or cost an answer. The broken checklist is tried in a real
terminal (tmux) with the command line's `checklists validate`; the rest run under Pilot.
"""

from __future__ import annotations

import importlib
import shlex
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from store import Store
from store.verify import verify_store
from tests.e2e.app import (
    ALEX,
    APP_ENV,
    cli,
    make_store,
    needs_tmux,
    squash,
    tmux_group,
    wait_for_home,
)
from tests.e2e.app import sign_in as tmux_sign_in
from tests.e2e.terminal import Terminal
from tests.helpers import (
    COMMAND,
    PASSPHRASE,
    SIZE,
    answer_the_rest,
    put,
    screen_text,
    settle,
    sign_in,
    start_checklist,
)
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.home import HomeScreen
from tui.screens.reasons import ReasonScreen
from tui.screens.reflection import ReflectionScreen
from tui.screens.session_summary import SessionSummaryScreen
from tui.screens.sign_in import SignInScreen

from .test_two_instances import all_kept, open_draft

NAME = "Alex Reid"
ONE_DAY = timedelta(days=1)


def saved_sessions(data_dir: Path, status: str | None = None):
    """What a fresh copy of the store reads back for Alex."""
    store = Store(data_dir)
    me = store.people.authenticate(NAME, PASSPHRASE)
    return store.readable_sessions(me, status=status)


# -- (a) a broken checklist file -------------------------------------------------------------
BROKEN_YAML = "id: broken\ntitle: [unclosed\n"  # the list is never closed: line 3
GOOD_CHECKLIST = """\
id: outreach-visit
version: 1
title: "Outreach visit (synthetic)"
description: "A synthetic service checklist for tests."
when: "After an outreach visit"
mode: do-confirm
source: "Synthetic test content"
sections:
  - id: visit
    title: "The visit"
    items:
      - id: arrived-on-time
        prompt: "I arrived when I said I would"
        why: "Keeping to time builds trust."
        requirements: ["7.1"]
      - id: asked-first
        prompt: "I asked before coming in"
        why: "It is her home."
        requirements: ["7.2"]
"""
BAD_REQUIREMENT = (
    GOOD_CHECKLIST.replace("outreach-visit", "home-visit")
    .replace("Outreach visit", "Home visit")
    .replace('["7.2"]', '["9.9"]')
)
BAD_REQUIREMENT_LINE = BAD_REQUIREMENT.splitlines().index('        requirements: ["9.9"]') + 1


@pytest.mark.e2e
@needs_tmux
@tmux_group
def test_a_broken_checklist_file_is_named_at_start_and_by_validate(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    store = make_store(tmp_path, work / "store")
    folder = store.data_dir / "checklists"
    folder.mkdir()
    (folder / "broken.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    (folder / "home-visit.yaml").write_text(BAD_REQUIREMENT, encoding="utf-8")
    (folder / "outreach-visit.yaml").write_text(GOOD_CHECKLIST, encoding="utf-8")

    term = Terminal(tmp_path, APP_ENV)
    try:
        # A short relative --data-dir keeps the file names whole in the notice at 80 columns.
        term.start(["sh", "-c", f"cd {shlex.quote(str(work))} && exec {COMMAND} --data-dir store"])
        notice = squash(
            term.wait_until(lambda s: "skipped" in squash(s), "the notice of skipped files", 15)
        )
        assert "broken.yaml" in notice and "home-visit.yaml" in notice, notice
        assert "outreach-visit.yaml" not in notice, notice
        assert "checklists validate" in notice, notice
        assert "Sign in" in notice
        tmux_sign_in(term, store.account(ALEX))
        wait_for_home(term)
        term.send("n")
        picker = term.wait_for("Which checklist")
        assert "Any contact" in picker and "Home visit (synthetic)" not in picker, picker
        # A service's own checklist without a position comes after the moments of care.
        term.send("End")
        picker = term.wait_for("Outreach visit (synthetic)")
        assert "Home visit (synthetic)" not in picker, picker
        term.send("C-q")
        assert term.wait_for_exit() == 0, term.screen_with_history()
    finally:
        term.close()

    result = cli(store.data_dir, "checklists", "validate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"{folder / 'broken.yaml'}:3: YAML syntax error" in result.stderr, result.stderr
    assert f"{folder / 'home-visit.yaml'}:{BAD_REQUIREMENT_LINE}: " in result.stderr
    assert "9.9" in result.stderr
    assert "outreach-visit.yaml" not in result.stderr.replace("warning", ""), result.stderr
    one = cli(store.data_dir, "checklists", "validate", str(folder / "outreach-visit.yaml"))
    assert one.returncode == 0, one.stdout + one.stderr


# -- (b) wrong passphrases -------------------------------------------------------------------
async def attempt(app, pilot, name: str, passphrase: str) -> str:
    """Clear the form, fill in a name and passphrase, enter; the screen's text afterwards."""
    screen = app.screen
    assert isinstance(screen, SignInScreen)
    for field in screen.query("Input"):
        field.value = ""
    await put(pilot, screen.query_one("#name"), name)
    await put(pilot, screen.query_one("#passphrase"), passphrase)
    screen.query_one("#passphrase").focus()
    await pilot.pause()
    await pilot.press("enter")
    await settle(app, pilot)
    return screen_text(app)


async def test_wrong_passphrases_are_explained_and_the_form_stays_ready(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        wrong = await attempt(app, pilot, NAME, "not the passphrase")
        assert isinstance(app.screen, SignInScreen)
        assert "do not match" in wrong, wrong
        assert app.screen.query_one("#passphrase").value == ""
        assert app.focused is app.screen.query_one("#passphrase")
        # An unknown name gets exactly the same words: the screen never says who exists.
        unknown = await attempt(app, pilot, "Sam Taylor", PASSPHRASE)
        assert isinstance(app.screen, SignInScreen)
        assert unknown == wrong.replace(NAME, "Sam Taylor")
        empty = await attempt(app, pilot, "", PASSPHRASE)
        assert "Please type your name" in empty
        assert isinstance(app.screen, SignInScreen)
        await attempt(app, pilot, NAME, PASSPHRASE)
        assert isinstance(app.screen, HomeScreen)
        assert f"Signed in as {NAME}" in screen_text(app)


# -- (c) a clock that jumps back -------------------------------------------------------------
def set_clock(monkeypatch, offset: timedelta) -> None:
    """Make the store's clock run `offset` from the real one (negative: in the past)."""

    def now(timespec: str):
        return lambda: (datetime.now().astimezone() + offset).isoformat(timespec=timespec)

    for module in ("store.people", "store.sessions"):
        target = importlib.import_module(module)
        monkeypatch.setattr(target, "now_iso", now("seconds"))
        monkeypatch.setattr(target, "now_precise", now("microseconds"))


async def test_after_the_clock_jumps_back_answers_save_and_the_latest_wins(
    store, alex, monkeypatch
) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        items = screen.items
        await pilot.press("1", "1")  # items 1 and 2: Done, at the real time
        await settle(app, pilot)

        set_clock(monkeypatch, -ONE_DAY)
        await pilot.press("k", "k")
        assert screen.index == 0
        await pilot.press("4")  # item 1 changed to Not applicable, "a day earlier"
        await pilot.press("3")  # item 2 changed to Not done ...
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")  # ... with the first reason
        await pilot.press("1")  # item 3: Done
        await settle(app, pilot)
        assert app.save_state.status == "saved"
        assert "✓ saved" in str(screen.query_one("#saved").render())

        [draft] = saved_sessions(store.data_dir, "draft")
        assert draft.response(items[0].id) == "not_applicable"
        assert draft.response(items[1].id) == "not_done"
        assert draft.answers[items[1].id]["reason"]
        assert draft.response(items[2].id) == "done"
        # The clock really was a day behind for the later answers (answered_at is the wall
        # clock; changed_at, which orders changes, never goes backwards within a session).
        assert draft.answers[items[0].id]["answered_at"] < draft.record["started_at"]
        assert draft.answers[items[0].id]["changed_at"] > draft.answers[items[2].id]["answered_at"]

        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Resume" in screen_text(app)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen) and screen.index == 3
        await answer_the_rest(app, pilot, "1")
        assert isinstance(app.screen, ReflectionScreen)
        await put(pilot, app.focused, "Synthetic: a quiet room helped")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionSummaryScreen)
        assert "Finished and saved" in screen_text(app)

    [done] = saved_sessions(store.data_dir, "complete")
    assert done.response(items[0].id) == "not_applicable"
    assert done.response(items[1].id) == "not_done"
    assert done.response(items[2].id) == "done"
    assert all(done.response(i.id) for i in done.visible_items(screen.checklist))
    assert saved_sessions(store.data_dir, "draft") == []
    checked, findings = verify_store(store.data_dir)
    assert findings == [] and checked > 0, findings


# -- (d) a terminal resized to 40x12 and back ------------------------------------------------
SMALL = (40, 12)


async def test_resizing_on_the_checklist_home_and_reflection_loses_nothing(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        items = screen.items

        # The checklist, small: answer, pick a reason, close the reasons without one.
        await pilot.resize_terminal(*SMALL)
        await settle(app, pilot)
        assert app.size == SMALL
        await pilot.press("1")  # item 1: Done
        await pilot.press("3")  # item 2: Not done, with the second reason
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("down", "enter")
        await pilot.press("2")  # item 3: Partly, no reason
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and screen.index == 3
        await pilot.press("w")  # why it matters, in 40 columns
        await settle(app, pilot)
        await pilot.resize_terminal(*SIZE)
        await settle(app, pilot)
        assert "Item 4 of" in screen_text(app)
        assert app.save_state.status == "saved"

        # Home, small.
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.resize_terminal(*SMALL)
        await settle(app, pilot)
        assert "Resume" in screen_text(app)
        await pilot.resize_terminal(*SIZE)
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen) and screen.index == 3

        # The Reflection, small: reached, typed into, finished.
        await pilot.resize_terminal(*SMALL)
        await settle(app, pilot)
        await answer_the_rest(app, pilot, "4")
        assert isinstance(app.screen, ReflectionScreen)
        await put(pilot, app.focused, "Synthetic: small screen")
        await pilot.resize_terminal(20, 6)
        await settle(app, pilot)
        await pilot.resize_terminal(*SIZE)
        await settle(app, pilot)
        assert isinstance(app.screen, ReflectionScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionSummaryScreen)
        assert "Finished and saved" in screen_text(app)

    [done] = saved_sessions(store.data_dir, "complete")
    assert done.response(items[0].id) == "done"
    assert done.response(items[1].id) == "not_done"
    assert done.answers[items[1].id]["reason"]
    assert done.response(items[2].id) == "partly"
    assert done.answers[items[2].id]["reason"] is None
    rest = done.visible_items(screen.checklist)[3:]
    assert [done.response(i.id) for i in rest] == ["not_applicable"] * len(rest)
    assert "Synthetic: small screen" in done.reflection.values()


@pytest.mark.xfail(
    strict=True,
    reason="app bug: merge_drafts keeps the answer with the later wall-clock `changed_at`, so "
    "after the clock jumps back an older answer from another window beats the newer one "
    "(store/sessions.py merge_drafts)",
)
def test_after_the_clock_jumps_back_the_latest_answer_wins_a_merge_too(
    store, alex, checklist, monkeypatch
) -> None:
    me = store.people.authenticate(NAME, PASSPHRASE)
    session = store.start_session(me, checklist, {})
    item = session.visible_items(checklist)[0]
    store_a, a = open_draft(store.data_dir)  # two windows on one draft
    store_b, b = open_draft(store.data_dir)
    a.answer(item, "done")
    store_a.sessions.save_draft(a)
    set_clock(monkeypatch, -ONE_DAY)
    b.answer(item, "not_applicable")  # the later answer, stamped a day earlier
    store_b.sessions.save_draft(b)
    [kept] = all_kept(store.data_dir)
    assert kept.response(item.id) == "not_applicable", "the older answer won the merge"
