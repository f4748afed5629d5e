"""The supervisor's screens at 80x24, driven by keys: a supervisee's sessions, one session
read-only, a comment on it, and a supervision record.

Everything here is synthetic: invented staff names, invented notes and reflections, and the
identifiers are the published test NHS number and an Ofcom drama phone number.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import DataTable, Footer, Input, SelectionList

from store import Store
from tests.helpers import SIZE, put, screen_text, settle, sign_in
from tests.test_supervision import finished_session
from tui.app import SteppingStonesApp
from tui.screens.comment import CommentScreen
from tui.screens.session_view import SessionViewScreen
from tui.screens.supervisee_sessions import SuperviseeSessionsScreen
from tui.screens.supervision_record import SupervisionRecordScreen

NOTE = "Offered a later time in the quiet room"
WENT_WELL = "She chose where to sit and we went at her pace"
FEELINGS = "A long day, but I felt I listened well"
COMMENT = "Good to see you offered a later time"
NOTES = "We talked about asking for the quiet room earlier in the day."
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp"))


def shot(app, name: str) -> None:
    """An SVG of the screen, to look at by eye (80x24: nothing clipped, nothing overlapping)."""
    app.save_screenshot(filename=f"{name}.svg", path=str(SCREENSHOTS))


def visible(app) -> str:
    text = screen_text(app)
    assert "Traceback" not in text and "Error in" not in text
    return text


def footer_keys(app) -> list[str]:
    footer = app.screen.query_one(Footer)
    return [key.key for key in footer.query("FooterKey")]


def jo_sessions(store, jo, checklist) -> tuple:
    flagged = finished_session(
        store,
        jo,
        checklist,
        2,
        {0: ("done", None), 1: ("not_done", "no-private-room"), 2: ("partly", None)},
        note=NOTE,
        reflection={"went_well": WENT_WELL, "feelings": FEELINGS},
        flagged=True,
    )
    older = finished_session(store, jo, checklist, 9, {0: ("done", None)}, setting="home_visit")
    draft = store.start_session(jo, checklist, {"setting": "clinic", "stage": "postnatal"})
    return flagged, older, draft


async def test_sessions_list_has_a_row_per_session_and_enter_opens_it_read_only(
    team,
    checklist,
) -> None:
    store, sam, jo, _kit = team
    flagged, older, draft = jo_sessions(store, jo, checklist)
    store.supervision.add_comment(sam, jo.id, flagged.id, "Let's talk about this")
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        app.push_screen(SuperviseeSessionsScreen(app.store.people.get(jo.id)))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SuperviseeSessionsScreen)
        assert screen.title == "Sessions" and screen.sub_title == "Jo Patel"
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(3)]
        # Finished first, newest first, then the unfinished one with how old it is.
        assert [r for r in table.rows] == [flagged.id, older.id, draft.id]
        assert rows[0][4] == "⚑" and rows[0][5] == "c1"
        assert rows[0][3] == "1 1 1 0"
        assert rows[1][4] == "" and rows[1][2] == "Home visit"
        assert rows[2][0].startswith("… unfinished") and "today" in rows[2][0]
        assert "2 finished, 1 unfinished" in visible(app)
        shot(app, "supervisee_sessions")

        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionViewScreen)
        text = visible(app)
        assert "Any contact" in text
        assert NOTE in text
        assert WENT_WELL in text and FEELINGS in text
        assert "What went well?" in text
        assert "No private room to talk" in text and "service barrier" in text
        assert "⚑ Flagged to take to supervision" in text
        assert "Let's talk about this" in text and "Sam Supervisor" in text
        assert "c" in footer_keys(app)
        shot(app, "session_view")
        # Scrolls by keyboard; nothing on it can be edited.
        scroller = app.screen.query_one("#session-view")
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroller.scroll_y > 0
        assert not app.screen.query("Input, TextArea")

        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SuperviseeSessionsScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, SuperviseeSessionsScreen)
    events = [(e["event"], e["actor"], e["subject"]) for e in Store(store.data_dir).audit.entries()]
    assert ("read_other", "Sam Supervisor", "Jo Patel") in events


async def test_supervisor_comments_on_a_session(team, checklist) -> None:
    store, sam, jo, _kit = team
    flagged, _older, _draft = jo_sessions(store, jo, checklist)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        app.push_screen(SessionViewScreen(flagged, app.store.people.get(jo.id)))
        await settle(app, pilot)
        assert "No comments yet" in visible(app)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CommentScreen)
        assert app.focused is app.screen.query_one("#comment")
        shot(app, "comment")
        await pilot.press("ctrl+s")  # nothing typed: asks for words, saves nothing
        await settle(app, pilot)
        assert "needs some words" in visible(app)
        await put(pilot, app.focused, COMMENT)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionViewScreen)
        text = visible(app)
        assert COMMENT in text and "Sam Supervisor" in text
        assert any("will see it when they next sign in" in n.message for n in app._notifications)

        # The quick choice, key-less: ctrl+t writes "Let's talk about this".
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        assert app.screen.query_one("#comment").text == "Let's talk about this"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionViewScreen)

        # escape leaves without saving.
        await pilot.press("c")
        await settle(app, pilot)
        await put(pilot, app.focused, "Not this one")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionViewScreen)

    reader = Store(store.data_dir)
    comments = reader.supervision.comments(sam, jo.id)
    assert [c.text for c in comments] == [COMMENT, "Let's talk about this"]
    assert all(c.session_id == flagged.id for c in comments)
    added = [e for e in reader.audit.entries() if e["event"] == "comment_added"]
    assert len(added) == 2
    assert added[0]["actor"] == "Sam Supervisor" and added[0]["subject"] == "Jo Patel"
    assert added[0]["detail"] == {"session": flagged.id}


async def test_a_comment_with_an_identifier_warns_first_and_keeps_on_second_save(
    team,
    checklist,
) -> None:
    store, sam, jo, _kit = team
    flagged, _older, _draft = jo_sessions(store, jo, checklist)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        app.push_screen(CommentScreen(flagged.id, app.store.people.get(jo.id)))
        await settle(app, pilot)
        # A phone number is refused: never written, however often ctrl+s is pressed.
        await put(pilot, app.focused, "Ring her on 07700 900123")
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CommentScreen)
        assert "Not saved: contains a phone number" in visible(app)
        assert Store(store.data_dir).supervision.comments(sam, jo.id) == []
        # A bare date warns first and is kept on a second ctrl+s.
        app.screen.query_one("#comment").text = "Talk about the visit on 02/11/1998"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CommentScreen)
        assert "date of birth" in visible(app)
        assert "ctrl+s again" in visible(app)
        shot(app, "comment_warning")
        assert Store(store.data_dir).supervision.comments(sam, jo.id) == []
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, CommentScreen)
    [comment] = Store(store.data_dir).supervision.comments(sam, jo.id)
    assert comment.text == "Talk about the visit on 02/11/1998"


async def test_a_practitioner_reading_her_own_session_cannot_comment(
    team,
    checklist,
) -> None:
    store, _sam, jo, _kit = team
    flagged, _older, _draft = jo_sessions(store, jo, checklist)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        app.push_screen(SessionViewScreen(flagged, app.user))
        await settle(app, pilot)
        assert isinstance(app.screen, SessionViewScreen)
        assert NOTE in visible(app)
        assert "c" not in footer_keys(app)
        assert "escape" in footer_keys(app)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionViewScreen)
        assert "Press c" not in visible(app)
    events = [e["event"] for e in Store(store.data_dir).audit.entries()]
    assert "comment_added" not in events
    assert ("read_other", "Jo Patel") not in [
        (e["event"], e["actor"]) for e in Store(store.data_dir).audit.entries()
    ]


def summary_rows(flagged, older) -> list[dict]:
    return [
        {
            "id": s.id,
            "title": s.record["checklist"]["title"],
            "completed_at": s.record["completed_at"],
            "flagged": s.flagged,
        }
        for s in (flagged, older)
    ]


async def test_supervision_record_saves_notes_and_actions_and_refuses_a_bad_date(
    team,
    checklist,
) -> None:
    store, sam, jo, _kit = team
    flagged, older, _draft = jo_sessions(store, jo, checklist)
    results: list = []
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        screen = SupervisionRecordScreen(
            app.store.people.get(jo.id), sessions=summary_rows(flagged, older)
        )
        app.push_screen(screen, results.append)
        await settle(app, pilot)
        assert app.screen.title == "Supervision record"
        shot(app, "supervision_record")
        assert app.focused is screen.query_one("#notes")
        date_field = screen.query_one("#date", Input)
        assert len(date_field.value) == 10 and date_field.value[4] == "-"
        assert screen.query_one("#present", Input).value == "Sam Supervisor, Jo Patel"
        assert list(screen.query_one(SelectionList).selected) == [flagged.id]

        await put(pilot, app.focused, NOTES)
        await pilot.press("tab")
        await put(pilot, app.focused, "Ask for the quiet room at booking")
        await pilot.press("tab")
        await put(pilot, app.focused, "2026-12-01")
        await pilot.press("tab")
        await put(pilot, app.focused, "Book a debrief after hard visits")
        await pilot.press("tab")
        await put(pilot, app.focused, "2026-12-15")
        date_field.value = "22/11/2026"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        text = visible(app)
        assert "is not a date like 2026-11-22" in text
        assert "Nothing is saved yet" in text
        assert app.focused is date_field
        shot(app, "supervision_record_bad_date")
        assert Store(store.data_dir).supervision.records(sam, jo.id) == []

        # The older session was discussed too: ticked by keyboard, and the tick is in the
        # words as well as the colour.
        chooser = screen.query_one(SelectionList)
        chooser.focus()
        await pilot.press("down", "space")
        assert list(chooser.selected) == [flagged.id, older.id]
        assert all(str(option.prompt).startswith("✓") for option in chooser.options)

        date_field.value = "2026-11-20"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is not screen
        assert visible(app) is not None

    [record] = Store(store.data_dir).supervision.records(sam, jo.id)
    assert results == [record] or results[0].id == record.id
    assert record.date == "2026-11-20"
    assert record.content["notes"] == NOTES
    assert record.content["present"] == ["Sam Supervisor", "Jo Patel"]
    assert record.content["sessions"] == [flagged.id, older.id]
    assert [(a["text"], a["due"], a["owner"], a["done"]) for a in record.actions] == [
        ("Ask for the quiet room at booking", "2026-12-01", "Jo Patel", False),
        ("Book a debrief after hard visits", "2026-12-15", "Jo Patel", False),
    ]
    [added] = [
        e for e in Store(store.data_dir).audit.entries() if e["event"] == "supervision_record_added"
    ]
    assert added["actor"] == "Sam Supervisor" and added["subject"] == "Jo Patel"
    assert added["detail"] == {"actions": 2}


async def test_a_bad_due_date_and_an_action_without_words_are_explained(
    team,
    checklist,
) -> None:
    store, sam, jo, _kit = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        screen = SupervisionRecordScreen(app.store.people.get(jo.id))
        app.push_screen(screen)
        await settle(app, pilot)
        assert not screen.query(SelectionList)  # no sessions given: no list
        await pilot.press("tab")
        await put(pilot, app.focused, "Read the guidance")
        await pilot.press("tab")
        await put(pilot, app.focused, "next week")
        await pilot.press("tab", "tab")
        await put(pilot, app.focused, "2026-12-01")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        text = visible(app)
        assert "Action 1: The due date 'next week' is not a date like 2026-11-22." in text
        assert "Action 2 has a due date but no words." in text
        assert app.screen is screen
    assert Store(store.data_dir).supervision.records(sam, jo.id) == []


async def test_an_identifier_in_the_notes_warns_first_and_keeps_after_a_second_save(
    team,
    checklist,
) -> None:
    store, sam, jo, _kit = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        screen = SupervisionRecordScreen(app.store.people.get(jo.id))
        app.push_screen(screen)
        await settle(app, pilot)
        # An NHS number is refused: never written, however often ctrl+s is pressed.
        await put(pilot, app.focused, "Talked about the visit for 999 000 0018")
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert "Not saved: contains an NHS number" in visible(app)
        assert Store(store.data_dir).supervision.records(sam, jo.id) == []
        # A bare date warns first and is kept after a second save.
        screen.query_one("#notes").text = "Talked about the visit on 02/11/1998"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        text = visible(app)
        assert "date of birth" in text
        assert "press ctrl+s again" in text
        shot(app, "supervision_record_identifier")
        assert Store(store.data_dir).supervision.records(sam, jo.id) == []
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is not screen
    [record] = Store(store.data_dir).supervision.records(sam, jo.id)
    assert record.content["notes"] == "Talked about the visit on 02/11/1998"
    assert record.actions == []


async def test_leaving_the_record_asks_first_only_when_something_was_typed(
    team,
    checklist,
) -> None:
    store, sam, jo, _kit = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        home = app.screen
        jo_now = app.store.people.get(jo.id)
        app.push_screen(SupervisionRecordScreen(jo_now))
        await settle(app, pilot)
        await pilot.press("escape")  # nothing typed: leaves at once
        await settle(app, pilot)
        assert app.screen is home

        screen = SupervisionRecordScreen(jo_now)
        app.push_screen(screen)
        await settle(app, pilot)
        await put(pilot, app.focused, "Half a thought")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        assert "Press escape again to leave without saving" in visible(app)
        shot(app, "supervision_record_leave")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is home
    assert Store(store.data_dir).supervision.records(sam, jo.id) == []


async def test_enter_submits_the_record_form_but_never_saves_an_empty_one(
    team,
) -> None:
    store, sam, jo, _kit = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        screen = SupervisionRecordScreen(app.store.people.get(jo.id))
        app.push_screen(screen)
        await settle(app, pilot)
        screen.query_one("#date", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert "Write some notes or an agreed action" in visible(app)
        assert Store(store.data_dir).supervision.records(sam, jo.id) == []
        screen.query_one("#notes").focus()
        await put(pilot, app.focused, "We talked it through.")
        screen.query_one("#present", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is not screen
    [record] = Store(store.data_dir).supervision.records(sam, jo.id)
    assert record.content["notes"] == "We talked it through."


async def test_a_reflection_of_several_lines_keeps_its_indent_when_read(team, checklist) -> None:
    """Every line of a reflection sits under its question, as a note's lines do."""
    store, _sam, jo, _kit = team
    from tests.test_supervision import finished_session

    done = finished_session(
        store, jo, checklist, 1, {0: ("done", None)},
        reflection={"went_well": "We found a quiet moment.\nShe talked about her plan."},
    )  # fmt: skip
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        app.push_screen(SessionViewScreen(done, app.store.people.get(jo.id)))
        await settle(app, pilot)
        lines = visible(app).splitlines()
        first = next(n for n, line in enumerate(lines) if "We found a quiet moment." in line)
        indent = len(lines[first]) - len(lines[first].lstrip())
        assert lines[first + 1].startswith(" " * indent + "She talked about her plan.")


async def test_locking_over_an_unsaved_record_says_so_and_clears_every_notice(team) -> None:
    """A record is saved only by ctrl+s, so the lock screen must not say the answers are
    saved; and a notice from the screen below (here a refused due date, quoting what was
    typed) must not show over the lock screen."""
    from tui.screens.lock import LockScreen

    store, sam, jo, _kit = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        screen = SupervisionRecordScreen(app.store.people.get(jo.id))
        app.push_screen(screen)
        await settle(app, pilot)
        await pilot.press("tab")
        await put(pilot, app.focused, "Jo found the week hard")
        await pilot.press("tab")
        await put(pilot, app.focused, "soon")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert any("soon" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        words = visible(app)
        assert "not saved yet" in words and "Your answers are saved" not in words
        assert "Jo found" not in words and "soon" not in words
        assert not list(app._notifications)
