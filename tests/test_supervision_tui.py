"""Supervision in the app, as people would use it at 80x24: the supervisor opens a supervisee's
summary and saves it; the practitioner prepares for supervision and sees new comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store
from tests import helpers
from tests.helpers import PASSPHRASE, SIZE, rendered_text, sign_in
from tests.test_supervision import finished_session
from tui.app import SteppingStonesApp
from tui.screens.home import HomeScreen
from tui.screens.new_comments import NewCommentsScreen
from tui.screens.summary_export import SummaryExportScreen
from tui.screens.supervisees import SuperviseesScreen
from tui.screens.supervision_summary import SupervisionSummaryScreen
from tui.widgets.requirement_bars import RequirementBars

COMMENT = "Let's talk about the room next time"


@pytest.fixture
def team(team, checklist):
    """The shared team, with one of Jo's sessions finished three days ago: (store, sam, jo,
    session)."""
    store, sam, jo, _kit = team
    session = finished_session(
        store,
        jo,
        checklist,
        3,
        {0: ("done", None), 1: ("not_done", "no-private-room"), 2: ("partly", None)},
        reflection={"differently": "Ask about the room at booking", "feelings": "A long day"},
        flagged=True,
    )
    return store, sam, jo, session


async def settle(app, pilot) -> None:
    """These screens read and seal on disk in workers: wait for those too."""
    await helpers.settle(app, pilot, workers=True)


def bars_text(app) -> str:
    return str(app.screen.query_one(RequirementBars).render())


async def test_supervisor_opens_a_supervisees_summary_and_saves_it(team, tmp_path: Path) -> None:
    store, _sam, _jo, _session = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "supervisees" in rendered_text(app)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, SuperviseesScreen)
        table = app.screen.query_one("DataTable")
        assert table.row_count == 1
        assert "Jo Patel" in str(table.get_row_at(0)[0])
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisionSummaryScreen)
        text = rendered_text(app)
        assert "Jo Patel" in text
        assert "1 × No private room to talk" in text
        assert "Ask about the room at booking" in text
        assert "⚑" in text
        assert "✓" in bars_text(app) and "✗" in bars_text(app)
        # Save it as Markdown.
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, SummaryExportScreen)
        out = tmp_path / "summary.md"
        path = app.screen.query_one("#path")
        path.value = str(out)
        path.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisionSummaryScreen)
    assert "Ask about the room at booking" in out.read_text()
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    events = [(e["event"], e["actor"], e["subject"]) for e in Store(store.data_dir).audit.entries()]
    assert ("read_summary", "Sam Supervisor", "Jo Patel") in events
    assert ("export", "Sam Supervisor", "Jo Patel") in events


async def test_practitioner_sees_new_comments_once_and_prepares(team) -> None:
    store, sam, jo, session = team
    store.supervision.add_comment(sam, jo.id, session.id, COMMENT)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        assert isinstance(app.screen, NewCommentsScreen)
        assert COMMENT in rendered_text(app)
        assert "Sam Supervisor" in rendered_text(app)
        assert "on your session of" in rendered_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "supervisees" not in rendered_text(app)
        await pilot.press("v")  # not a supervisor: nothing happens
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisionSummaryScreen)
        assert COMMENT in rendered_text(app)
        await pilot.press("r")  # only a supervisor writes the record
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisionSummaryScreen)
    # Seen once: not shown again at the next sign-in.
    again = Store(store.data_dir).sign_in("Jo Patel", PASSPHRASE)
    assert Store(store.data_dir).supervision.unseen_comments(again) == []


async def test_practitioner_ticks_off_an_agreed_action(team) -> None:
    from store.supervision import new_action

    store, sam, jo, _session = team
    record = store.supervision.add_record(
        sam, jo, "We talked.", actions=[new_action("Book the quiet room", "Jo Patel")]
    )
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        chooser = app.screen.query_one("#actions")
        assert chooser.display and chooser.option_count == 1
        chooser.focus()
        await pilot.press("space")
        await settle(app, pilot)
        assert "✓ done: Book the quiet room" in str(chooser.get_option_at_index(0).prompt)
    [again] = Store(store.data_dir).supervision.records(sam, jo.id)
    assert again.id == record.id and again.actions[0]["done"] is True
    events = [(e["event"], e["actor"]) for e in Store(store.data_dir).audit.entries()]
    assert ("action_updated", "Jo Patel") in events


async def test_a_tick_that_cannot_be_saved_goes_back(team, monkeypatch) -> None:
    """The screen never shows an action done that is not done on disk."""
    from services import supervision as supervising
    from store import StoreError
    from store.supervision import new_action

    store, sam, jo, _session = team
    store.supervision.add_record(
        sam, jo, "We talked.", actions=[new_action("Book the quiet room", "Jo Patel")]
    )

    def full_disk(*args, **kwargs):
        raise StoreError("The disk is full, so this could not be saved.")

    monkeypatch.setattr(supervising, "set_action_done", full_disk)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        chooser = app.screen.query_one("#actions")
        chooser.focus()
        await pilot.press("space")
        await settle(app, pilot)
        assert list(chooser.selected) == []
        assert "✓ done" not in str(chooser.get_option_at_index(0).prompt)
        assert not app.screen.summary.actions[0].done
    [again] = Store(store.data_dir).supervision.records(sam, jo.id)
    assert again.actions[0]["done"] is False
