"""Nothing typed is lost, "saved" is true, one bad record never stops the app, and
unfinished checklists can be chosen and deleted (Pilot at 80x24, synthetic people only)."""

from __future__ import annotations

import json

import pytest
from textual.widgets import TextArea

from services.sessions import discard_draft
from store import Store
from store.crypto import b64, unb64
from tests.helpers import (
    PASSPHRASE,
    SIZE,
    answer_the_rest,
    put,
    screen_text,
    settle,
    sign_in,
    start_checklist,
)
from tests.test_supervision import finished_session
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.drafts import DraftsScreen
from tui.screens.home import HomeScreen
from tui.screens.lock import LockScreen
from tui.screens.note import NoteScreen
from tui.screens.reflection import ReflectionScreen

NHS_TEST_NUMBER = "999 000 0018"  # the reserved NHS test range


def header(app) -> str:
    """The "saved" indicator of the top-most screen that has one (a note box has none)."""
    from tui.widgets.save_indicator import SaveIndicator

    for screen in reversed(app.screen_stack):
        found = screen.query(SaveIndicator)
        if found:
            return str(found.first().render())
    raise AssertionError("no saved indicator on any screen")


def notices(app) -> str:
    return " ".join(n.message for n in app._notifications)


def stored_draft(data_dir, name: str = "Alex Reid"):
    """The unfinished checklist as a fresh reader finds it on disk (nothing in memory)."""
    store = Store(data_dir)
    person = store.sign_in(name, PASSPHRASE)
    drafts = store.readable_sessions(person, status="draft")
    assert len(drafts) == 1, drafts
    return drafts[0]


async def to_reflection(app, pilot) -> ReflectionScreen:
    await start_checklist(app, pilot)
    await answer_the_rest(app, pilot, "1")
    assert isinstance(app.screen, ReflectionScreen)
    return app.screen


async def type_into(app, pilot, field: TextArea, text: str) -> None:
    """Set a field as a paste would, then let the debounced save run (the debounce is what
    is under test, so this waits until the saved copy has caught up)."""
    await put(pilot, field, text)
    screen = app.screen
    for _ in range(100):
        if screen._timer is None and not app.unsaved:
            break
        await pilot.pause(0.02)
    await settle(app, pilot)


# -- 1. home opens whatever it finds ----------------------------------------------------------
async def test_after_a_passphrase_reset_home_opens_and_says_why_sessions_wait(
    team,
    checklist,
) -> None:
    store, _sam, jo, _kit = team
    finished_session(store, jo, checklist, 3, {0: ("done", None)})
    finished_session(store, jo, checklist, 2, {0: ("done", None)})
    alex = store.sign_in("Alex Reid", PASSPHRASE)
    store.people.reset_passphrase(alex, "Jo Patel", "a brand new passphrase")
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, name="Jo Patel", passphrase="a brand new passphrase")
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert (
            "2 of your sessions can't be opened yet: your supervisor's next sign-in shares "
            "them again." in text
        )
        assert "Signed in as Jo Patel" in text


async def test_a_damaged_session_is_set_aside_and_the_rest_are_listed(store, alex, checklist):
    finished_session(store, alex, checklist, 3, {0: ("done", None)})
    finished_session(store, alex, checklist, 2, {0: ("partly", None)})
    archive = next((store.data_dir / "sessions" / alex.id).glob("archive-*.json"))
    data = json.loads(archive.read_text())
    table = data["sessions"]
    first = table[sorted(table)[0]]
    ciphertext = bytearray(unb64(first["sealed"]["content"]["data"]))
    ciphertext[0] ^= 1
    first["sealed"]["content"]["data"] = b64(bytes(ciphertext))
    archive.write_text(json.dumps(data))
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "1 session is damaged and was set aside" in text
        assert app.screen.query_one("#recent").row_count == 1  # the good one is listed
    assert json.loads(archive.read_text()) == data  # left exactly as it was


async def test_notifications_take_any_text_without_stopping_the_app(store, alex) -> None:
    from store import StoreError

    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.notify(StoreError("The file /tmp/[/odd]/people.json cannot be used."))
        await settle(app, pilot)
        assert app.is_running


# -- 2. typed text is never lost, and "saved" is true ------------------------------------------
async def test_a_warned_reflection_is_saved_as_typed_and_warns_again_on_ctrl_s(store, alex):
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await to_reflection(app, pilot)
        field = screen.query(TextArea).first()
        prompt_id = field.id.removeprefix("r-")
        await type_into(app, pilot, field, "Her old scan letter said 12/01/1998")
        assert "✓ saved" in header(app)
        assert "Saved, but this looks like" in screen_text(app)
        on_disk = stored_draft(store.data_dir)
        assert on_disk.reflection[prompt_id] == "Her old scan letter said 12/01/1998"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ReflectionScreen)  # the warning comes back first
        assert "press ctrl+s again" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Finished and saved" in screen_text(app)


async def test_a_refused_identifier_is_never_written_and_leaving_asks_first(store, alex):
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await to_reflection(app, pilot)
        field = screen.query(TextArea).first()
        prompt_id = field.id.removeprefix("r-")
        await type_into(app, pilot, field, "She was calm today")
        assert stored_draft(store.data_dir).reflection[prompt_id] == "She was calm today"
        await type_into(app, pilot, field, f"She was calm today, {NHS_TEST_NUMBER}")
        assert "Not saved: contains an NHS number" in screen_text(app)
        assert "✗ 1 field not saved" in header(app)
        assert "saved" not in header(app).replace("not saved", "")
        # Only what may be kept is saved: the number is cut out of the saved copy.
        assert stored_draft(store.data_dir).reflection[prompt_id] == "She was calm today,"

        # escape asks, and "n" keeps her on the screen with the text as typed
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Leave without saving this field? y/n" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is screen and NHS_TEST_NUMBER in field.text

        # ctrl+s refuses, naming the field
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert "Not finished" in screen_text(app) and "contains an NHS number" in screen_text(app)

        # ctrl+q asks too; "y" leaves, and the refused text was never written
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
    assert app.return_code == 0
    assert (
        NHS_TEST_NUMBER
        not in (store.data_dir / "sessions").joinpath(alex.id).joinpath("drafts.json").read_text()
    )
    assert stored_draft(store.data_dir).reflection[prompt_id] == "She was calm today,"


async def test_the_lock_screen_never_says_saved_while_a_field_is_held_back(store, alex) -> None:
    """A field held back (here an NHS number) lives only in this window: locking says so,
    not "Your answers are saved", and carrying on finds it as typed."""
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await to_reflection(app, pilot)
        field = screen.query(TextArea).first()
        await type_into(app, pilot, field, f"She was calm today, {NHS_TEST_NUMBER}")
        assert "✗ 1 field not saved" in header(app)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        words = screen_text(app)
        assert "1 field is not saved" in words and "dropped if someone else signs in" in words
        assert "Your answers are saved" not in words
        assert NHS_TEST_NUMBER not in words and "NHS" not in words  # nothing of the screen
        await put(pilot, app.screen.query_one("#passphrase"), PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot, workers=True)
        await settle(app, pilot)
        assert app.screen is screen and NHS_TEST_NUMBER in field.text
        # Once nothing is held back, locking says the answers are saved.
        await type_into(app, pilot, field, "She was calm today")
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert "Your answers are saved" in screen_text(app)


async def test_ctrl_s_refused_shows_why_where_the_person_is_looking(store, alex) -> None:
    """The refusal used to appear only at the foot of a form taller than the screen, and
    stayed there after the field was put right."""
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await to_reflection(app, pilot)
        field = screen.query(TextArea).first()
        await type_into(app, pilot, field, f"She was calm today, {NHS_TEST_NUMBER}")
        screen.query_one("#flag").focus()  # at the foot of the form
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert field.has_focus  # the field it is about, in view
        notices = " ".join(str(n.message) for n in app._notifications)
        assert "Not finished" in notices and "contains an NHS number" in notices
        await type_into(app, pilot, field, "She was calm today")
        await settle(app, pilot)
        assert "Not finished" not in str(screen.query_one("#problem").render())


async def test_the_refusal_names_only_the_fields_still_held_and_a_warning_goes_on_editing(
    store, alex
) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await to_reflection(app, pilot)
        first, second = list(screen.query(TextArea))[:2]
        await type_into(app, pilot, first, f"Calm, {NHS_TEST_NUMBER}")
        await type_into(app, pilot, second, f"Hard, {NHS_TEST_NUMBER}")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        problem = screen.query_one("#problem")
        labels = [screen._label(area.id.removeprefix("r-")) for area in (first, second)]
        assert all(label in str(problem.render()) for label in labels)
        await type_into(app, pilot, first, "Calm")
        await settle(app, pilot)
        shown = str(problem.render())
        assert labels[0] not in shown and labels[1] in shown  # only the one still held
        await type_into(app, pilot, second, "Hard")
        await settle(app, pilot)
        assert str(problem.render()) == ""
        # A warning (an old date) is said at ctrl+s, and goes at the next edit.
        await type_into(app, pilot, first, "Her old scan letter said 12/01/1998")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "look as if" in str(problem.render())
        await type_into(app, pilot, first, "Her old scan letter")
        await settle(app, pilot)
        assert str(problem.render()) == ""


async def test_a_long_paste_is_kept_whole_and_ctrl_s_names_the_field(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await to_reflection(app, pilot)
        field = screen.query(TextArea).first()
        prompt_id = field.id.removeprefix("r-")
        pasted = "We talked for a long time. " * 223  # 6,021 characters
        await type_into(app, pilot, field, pasted)
        assert field.text == pasted  # nothing cut off
        assert "6,021 / 4,000 characters, 2,021 over" in screen_text(app).replace("\u00a0", " ")
        assert "✗ 1 field not saved" in header(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert "“What went well?” 2,021 characters over its limit" in screen_text(app)
        await type_into(app, pilot, field, pasted[:3000])
        assert "✓ saved" in header(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Finished and saved" in screen_text(app)
    finished = Store(store.data_dir)
    person = finished.sign_in("Alex Reid", PASSPHRASE)
    [done] = finished.readable_sessions(person, status="complete")
    assert done.reflection[prompt_id] == pasted[:3000]


async def test_the_lock_keeps_refused_text_in_memory_for_the_same_person(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await to_reflection(app, pilot)
        field = screen.query(TextArea).first()
        await type_into(app, pilot, field, f"Seen with {NHS_TEST_NUMBER}")
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert NHS_TEST_NUMBER not in screen_text(app)
        await pilot.press(*PASSPHRASE, "enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert field.text == f"Seen with {NHS_TEST_NUMBER}"
    assert (
        NHS_TEST_NUMBER not in (store.data_dir / "sessions" / alex.id / "drafts.json").read_text()
    )


async def test_a_half_written_note_is_on_disk_before_the_screen_locks(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        checklist = await start_checklist(app, pilot)
        item = checklist.items[0]
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteScreen)
        app.screen.query_one("#note", TextArea).text = "Offered a later appoint"
        await pilot.press("ctrl+l")  # at once: before the typing pause has passed
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert stored_draft(store.data_dir).answers[item.id]["note"] == "Offered a later appoint"
        await pilot.press(*PASSPHRASE, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one("#note", TextArea).text == "Offered a later appoint"


async def test_a_long_note_is_kept_whole_on_screen_and_ctrl_s_refuses_it(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        checklist = await start_checklist(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        long_note = "x" * 2500
        app.screen.query_one("#note", TextArea).text = long_note
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one("#note", TextArea).text == long_note
        assert "2,500 / 2,000 characters, 500 over" in screen_text(app).replace("\u00a0", " ")
        assert "✗ 1 field not saved" in header(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is checklist
        assert "✗" not in header(app)


# -- 3. unfinished checklists you can choose and delete -----------------------------------------
def make_drafts(store, person, checklist, count: int) -> list:
    drafts = []
    for number in range(count):
        session = store.start_session(person, checklist, {})
        items = session.visible_items(checklist)
        for item in items[: number + 1]:
            session.answer(item, "done")
        store.sessions.save_draft(session)
        drafts.append(session)
    return drafts


async def test_r_with_several_drafts_opens_a_chooser_and_enter_resumes_the_one_chosen(
    store, alex, checklist
) -> None:
    drafts = make_drafts(store, alex, checklist, 2)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        text = screen_text(app)
        assert "one of 2 unfinished checklists" in text and "press r to choose" in text
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, DraftsScreen)
        listed = screen_text(app) + str(app.screen.query_one("#drafts").get_row_at(0))
        total = len(drafts[0].visible_items(checklist))
        assert f"of {total}" in listed
        rows = [r.session.id for r in app.screen.rows]
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert app.screen.session.id == rows[1]
        answered = {d.id: n + 1 for n, d in enumerate(drafts)}[rows[1]]
        assert app.screen.index == answered  # its first unanswered item


async def test_d_deletes_the_highlighted_draft_after_asking_and_never_a_finished_one(
    store, alex, checklist
) -> None:
    finished_session(store, alex, checklist, 3, {0: ("done", None)})
    [draft] = make_drafts(store, alex, checklist, 1)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert "press r" in screen_text(app)
        await pilot.press("d")  # the draft is listed first and highlighted
        await settle(app, pilot)
        assert "Delete this unfinished checklist? y/n" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert len(Store(store.data_dir).sessions.draft_records(alex.id)) == 1
        await pilot.press("down", "d")  # the finished session
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "never deleted" in notices(app)
        await pilot.press("up", "d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "No unfinished checklists" in screen_text(app)
    again = Store(store.data_dir)
    assert again.sessions.draft_records(alex.id) == []
    assert len(again.readable_sessions(again.sign_in("Alex Reid", PASSPHRASE))) == 1
    events = [(e["event"], e["detail"]) for e in again.audit.entries()]
    assert ("session_discarded", {"session": draft.id}) in events
    assert again.audit.verify() == []


async def test_the_chooser_deletes_too(store, alex, checklist) -> None:
    make_drafts(store, alex, checklist, 3)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        chooser = app.screen
        assert isinstance(chooser, DraftsScreen) and len(chooser.rows) == 3
        gone = chooser.rows[1].session.id
        await pilot.press("down", "d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is chooser and len(chooser.rows) == 2
        assert gone not in {r.session.id for r in chooser.rows}
        assert "Deleted:" in screen_text(app)
    assert len(Store(store.data_dir).sessions.draft_records(alex.id)) == 2


def test_a_window_still_holding_a_deleted_draft_cannot_bring_it_back(store, alex, checklist):
    from store.sessions import DiscardedElsewhere

    [draft] = make_drafts(store, alex, checklist, 1)
    discard_draft(store, alex, draft.id)
    draft.answer(draft.visible_items(checklist)[3], "done")
    with pytest.raises(DiscardedElsewhere):
        store.sessions.save_draft(draft)
    assert store.sessions.draft_records(alex.id) == []


def test_a_finished_session_can_never_be_deleted(store, alex, checklist) -> None:
    from store import StoreError

    done = finished_session(store, alex, checklist, 3, {0: ("done", None)})
    with pytest.raises(StoreError, match="never deleted"):
        discard_draft(store, alex, done.id)


def test_cli_sessions_discard(store, alex, checklist, passphrase_file, capsys) -> None:
    from cli.main import main

    [draft] = make_drafts(store, alex, checklist, 1)
    done = finished_session(store, alex, checklist, 3, {0: ("done", None)})
    base = ["--data-dir", str(store.data_dir), "sessions", "discard"]
    acting = ["--user", "Alex Reid", "--passphrase-file", str(passphrase_file)]

    assert main([*base, done.id, *acting]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "never deleted" in err[0]

    assert main([*base, "no-such-id", *acting]) == 1
    assert "no unfinished checklist with that id" in capsys.readouterr().err

    assert main([*base, draft.id, *acting, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer == {"discarded": draft.id, "data_dir": str(store.data_dir)}
    assert Store(store.data_dir).sessions.draft_records(alex.id) == []

    assert (
        main(
            [
                "--data-dir",
                str(store.data_dir / "nowhere"),
                "sessions",
                "discard",
                draft.id,
                *acting,
            ]
        )
        == 1
    )
    assert "there is no store at" in capsys.readouterr().err
    assert not (store.data_dir / "nowhere").exists()


# -- 4. no stray keys after the last item -----------------------------------------------------
async def test_after_the_last_item_answer_keys_do_nothing_and_enter_opens_reflection(
    store, alex
) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        while not screen.at_end:
            await pilot.press("1")
            await settle(app, pilot)
        total = len(screen.items)
        assert f"All {total} items answered" in screen_text(app)
        last = screen.items[-1].id
        await pilot.press("4", "4", "2")  # once too often
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.session.response(last) == "done"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReflectionScreen)
        assert all(area.text == "" for area in app.screen.query(TextArea))
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("up")  # back to the last item, where answer keys work again
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        assert screen.session.response(last) == "partly"


# -- found by trying to break it ----------------------------------------------------------------
async def test_ctrl_q_straight_after_typing_a_note_keeps_it(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        checklist = await start_checklist(app, pilot)
        item = checklist.items[0]
        await pilot.press("n")
        await settle(app, pilot)
        app.screen.query_one("#note", TextArea).text = "Offered a quieter room"
        await pilot.press("ctrl+q")  # before the typing pause has passed
        await settle(app, pilot)
    assert app.return_code == 0
    assert stored_draft(store.data_dir).answers[item.id]["note"] == "Offered a quieter room"


async def test_records_in_the_wrong_shape_never_stop_sign_in_or_home(
    store, alex, checklist
) -> None:
    make_drafts(store, alex, checklist, 3)
    drafts = store.data_dir / "sessions" / alex.id / "drafts.json"
    data = json.loads(drafts.read_text())
    first, second, third = (data["sessions"][k] for k in sorted(data["sessions"]))
    first["sealed"] = "garbage"
    del second["updated_at"]
    third["checklist"]["title"] = "Odd [/oops] title [v2]"
    drafts.write_text(json.dumps(data))
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "2 sessions are damaged and were set aside" in text
        table = app.screen.query_one("#recent")
        assert table.row_count == 1
        assert "Odd [/oops] title" in str(table.get_row_at(0)[1])


async def test_resuming_a_fully_answered_draft_keeps_answer_keys_quiet_behind_it(
    store, alex, checklist
) -> None:
    session = store.start_session(alex, checklist, {})
    while session.unanswered(checklist):  # an answer can bring a follow-up item
        session.answer(session.unanswered(checklist)[0], "done")
    store.sessions.save_draft(session)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ReflectionScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen) and screen.at_end
        await pilot.press("3")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.session.response(screen.items[-1].id) == "done"


# -- settings that protect people can only be made stricter -------------------------------------
@pytest.mark.parametrize(
    ("config", "flag", "expected"),
    [
        ("", None, 300.0),
        ("idle_lock_seconds = 60\n", None, 60.0),
        ("idle_lock_seconds = 86400\n", None, 900.0),  # a colleague's edit cannot loosen it
        ("", 30.0, 30.0),
    ],
)
def test_the_idle_lock_is_never_longer_than_15_minutes(tmp_path, config, flag, expected) -> None:
    import argparse

    from cli.main import idle_lock_seconds

    (tmp_path / "config.toml").write_text(config)
    assert idle_lock_seconds(argparse.Namespace(idle_lock=flag), tmp_path) == expected


@pytest.mark.parametrize(
    "config",
    ["idle_lock_seconds = nan\n", "idle_lock_seconds = -inf\n", 'idle_lock_seconds = "x"\n'],
)
def test_no_number_in_config_toml_turns_the_idle_lock_off(tmp_path, config) -> None:
    """A value that makes no sense gives the default (and the store says so: it never stops
    the app, since any colleague can edit the file)."""
    import argparse

    from cli.main import idle_lock_seconds
    from store import Store

    (tmp_path / "config.toml").write_text(config)
    assert idle_lock_seconds(argparse.Namespace(idle_lock=None), tmp_path) == 300.0
    [notice] = Store(tmp_path).notices
    assert "idle_lock_seconds in" in notice and "at least 5" in notice
    (tmp_path / "config.toml").write_text("idle_lock_seconds = inf\n")
    assert idle_lock_seconds(argparse.Namespace(idle_lock=None), tmp_path) == 900.0


def test_a_bad_idle_lock_or_config_is_one_line(tmp_path, capsys) -> None:
    from cli.main import main

    assert main(["--data-dir", str(tmp_path), "--idle-lock", "3600"]) == 1
    assert "between 5 seconds and 15 minutes" in capsys.readouterr().err
    # A config.toml that cannot be read is no reason to stop: tests/test_hostile_files.py.
