"""Choosing the summary's period in the app, past supervision records, the period kept after
saving a record, and the supervisees table read again when the supervisor comes back to it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import Input, TextArea

from services import summaries
from store import InvalidInput, Store
from store.supervision import new_action
from tests import helpers
from tests.helpers import SIZE, rendered_text, sign_in
from tests.test_supervision import finished_session
from tui.app import SteppingStonesApp
from tui.screens.summary_period import SummaryPeriodScreen
from tui.screens.supervisees import SuperviseesScreen
from tui.screens.supervision_history import SupervisionHistoryScreen, excerpt
from tui.screens.supervision_record import SupervisionRecordScreen
from tui.screens.supervision_summary import SupervisionSummaryScreen

ANSWERS = {0: ("done", None), 1: ("not_done", "no-private-room")}


@pytest.fixture
def team(team, checklist):
    """The shared team with one of Jo's sessions three days ago and two about four months ago
    (before the default three months): (store, sam, jo, checklist)."""
    store, sam, jo, _kit = team
    for days in (3, 100, 120):
        finished_session(store, jo, checklist, days, ANSWERS)
    return store, sam, jo, checklist


async def settle(app, pilot) -> None:
    await helpers.settle(app, pilot, workers=True)


def shown(app) -> tuple[str, str, int]:
    """The summary on screen: (since, until, finished checklists)."""
    screen = app.screen
    assert isinstance(screen, SupervisionSummaryScreen)
    summary = screen.summary
    return summary.period.since, summary.period.until, summary.activity.finished


async def own_summary(app, pilot, name: str = "Jo Patel") -> None:
    await sign_in(app, pilot, name)
    await settle(app, pilot)
    await pilot.press("p")
    await settle(app, pilot)


async def supervisees_summary(app, pilot) -> None:
    await sign_in(app, pilot, "Sam Supervisor")
    await settle(app, pilot)
    await pilot.press("v")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_earlier_and_later_periods_change_what_is_shown(team) -> None:
    store, _sam, _jo, _checklist = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await own_summary(app, pilot)
        since, until, finished = shown(app)
        assert until == date.today().isoformat() and finished == 1
        assert "earlier period" in rendered_text(app)  # the keys are said in the head
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        earlier = shown(app)
        length = date.fromisoformat(until) - date.fromisoformat(since)
        assert date.fromisoformat(earlier[1]) == date.fromisoformat(since) - timedelta(days=1)
        assert date.fromisoformat(earlier[1]) - date.fromisoformat(earlier[0]) == length
        assert earlier[2] == 2
        text = rendered_text(app)
        assert "Period:" in text and "dates chosen for this summary" in text
        assert "2 finished checklists" in text
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert shown(app) == (since, until, 1)
        # Never beyond today: the later key says so and nothing changes.
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert shown(app) == (since, until, 1)
        assert any("already ends today" in n.message for n in app._notifications)


async def test_a_supervisor_steps_a_supervisees_period_too(team) -> None:
    store, *_ = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await supervisees_summary(app, pilot)
        assert shown(app)[2] == 1
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert shown(app)[2] == 2
        assert app.screen.of.name == "Jo Patel"


async def choose(app, pilot, since: str, until: str) -> None:
    screen = app.screen
    assert isinstance(screen, SummaryPeriodScreen)
    screen.query_one("#since", Input).value = since
    field = screen.query_one("#until", Input)
    field.value = until
    field.focus()
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_bad_from_or_to_date_is_explained_and_nothing_changes(team) -> None:
    store, *_ = team
    today = date.today()
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await own_summary(app, pilot)
        before = shown(app)
        await pilot.press("d")
        await settle(app, pilot)
        cases = [
            ("2026-02-30", today.isoformat(), "is not a date like"),
            (today.isoformat(), (today + timedelta(days=1)).isoformat(), "is after today"),
            (
                today.isoformat(),
                (today - timedelta(days=5)).isoformat(),
                "is after the to date",
            ),
            ("", today.isoformat(), "Please give the from date"),
        ]
        for since, until, words in cases:
            await choose(app, pilot, since, until)
            assert isinstance(app.screen, SummaryPeriodScreen), since
            problem = str(app.screen.query_one("#period-problem").render())
            assert words in problem and "unchanged" in problem
        await pilot.press("escape")
        await settle(app, pilot)
        assert shown(app) == before
        # Good dates: the summary for exactly those days.
        await pilot.press("d")
        await settle(app, pilot)
        since = (today - timedelta(days=130)).isoformat()
        until = (today - timedelta(days=90)).isoformat()
        await choose(app, pilot, since, until)
        assert shown(app) == (since, until, 2)
        assert "dates chosen for this summary" in rendered_text(app)


async def test_after_saving_a_record_the_period_just_discussed_stays(team) -> None:
    store, sam, jo, _checklist = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await supervisees_summary(app, pilot)
        before = shown(app)
        assert before[2] == 1
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisionRecordScreen)
        app.screen.query_one("#notes", TextArea).text = "We talked about the room."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisionSummaryScreen)
        assert shown(app) == before
        assert "1 finished checklist" in rendered_text(app)
    assert len(Store(store.data_dir).supervision.records(sam, jo.id)) == 1


async def test_past_supervision_records_are_listed(team) -> None:
    store, sam, jo, _checklist = team
    long_notes = "We talked about the quiet room and how the week went. " * 5
    older = store.supervision.add_record(
        sam,
        jo,
        long_notes,
        when=(date.today() - timedelta(days=60)).isoformat(),
        actions=[new_action("Book the quiet room", "Jo Patel")],
    )
    store.supervision.set_action_done(sam, jo.id, older.id, older.actions[0]["id"], True)
    store.supervision.add_record(
        sam,
        jo,
        "A short check-in.",
        when=(date.today() - timedelta(days=10)).isoformat(),
        actions=[new_action("Ask about the interpreter", "Jo Patel")],
    )
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await supervisees_summary(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisionHistoryScreen)
        text = rendered_text(app)
        assert "2 supervision records about Jo Patel" in text
        assert "A short check-in." in text and "[ ] Ask about the interpreter" in text
        assert "[x] Book the quiet room" in text
        assert excerpt(long_notes)[:60] in text and "…" in text
        # The newest meeting comes first.
        assert text.index("A short check-in.") < text.index("Book the quiet room")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisionSummaryScreen)
    events = [(e["event"], e["actor"], e["subject"]) for e in Store(store.data_dir).audit.entries()]
    assert ("read_other", "Sam Supervisor", "Jo Patel") in events


async def test_a_practitioner_sees_her_own_past_records(team) -> None:
    store, *_ = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await own_summary(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisionHistoryScreen)
        assert "No supervision record about Jo Patel yet." in rendered_text(app)


async def test_supervisees_table_is_read_again_on_coming_back(team) -> None:
    store, _sam, jo, checklist = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await supervisees_summary(app, pilot)
        assert isinstance(app.screen, SupervisionSummaryScreen)
        # Meanwhile Jo finishes another session (straight through the store).
        finished_session(store, jo, checklist, 0, ANSWERS)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SuperviseesScreen)
        table = app.screen.query_one("DataTable")
        assert "Jo Patel" in str(table.get_row_at(0)[0])
        assert str(table.get_row_at(0)[2]) == "2"


TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("since", "until", "step", "expected"),
    [
        ("2026-08-30", "2026-11-30", -1, ("2026-05-29", "2026-08-29")),
        ("2026-05-29", "2026-08-29", 1, ("2026-08-30", "2026-11-30")),  # and back
        ("2026-08-30", "2026-11-20", 1, ("2026-11-21", "2026-11-30")),  # stops at today
        ("2026-11-30", "2026-11-30", -1, ("2026-11-29", "2026-11-29")),  # one day
        ("2000-01-05", "2000-03-01", -1, ("2000-01-01", "2000-01-04")),  # not before 2000
    ],
)
def test_a_period_steps_by_its_own_length(since, until, step, expected) -> None:
    assert summaries.step_period(since, until, step, today=TODAY) == expected


@pytest.mark.parametrize(
    ("since", "until", "step", "words"),
    [
        ("2026-08-30", "2026-11-30", 1, "already ends today"),
        ("2000-01-01", "2000-02-01", -1, "no earlier period"),
    ],
)
def test_no_period_beyond_today_or_before_the_earliest(since, until, step, words) -> None:
    with pytest.raises(InvalidInput, match=words):
        summaries.step_period(since, until, step, today=TODAY)


def test_chosen_dates_are_read_as_people_type_them() -> None:
    assert summaries.chosen_period(" 2026-11-01 ", "2026-11-30", today=TODAY) == (
        "2026-11-01",
        "2026-11-30",
    )
    with pytest.raises(InvalidInput, match="too early"):
        summaries.chosen_period("1999-12-31", "2026-11-30", today=TODAY)
    with pytest.raises(InvalidInput, match="Please give the to date"):
        summaries.chosen_period("2026-11-01", "  ", today=TODAY)
