"""Notes run over several lines: enter starts a new line, ctrl+s saves, pasted lines are kept,
and the identifier guard still refuses what it must on any line (Pilot at 80x24)."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from tests.helpers import SIZE, open_note, screen_text, settle, sign_in, wait_until
from tests.test_nothing_lost import NHS_TEST_NUMBER, header, stored_draft
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.note import NoteScreen


async def test_enter_starts_a_new_line_and_ctrl_s_saves_both(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        note = await open_note(app, pilot)
        checklist = app.screen_stack[-2]
        item = checklist.items[0]
        # Typed key by key: enter is a new line here, not "done".
        await pilot.press(*"Offered a quieter room", "enter", *"She chose the clinic")
        await settle(app, pilot)
        assert app.screen is note
        assert note.query_one("#note", TextArea).text == (
            "Offered a quieter room\nShe chose the clinic"
        )
        assert "enter: new line" in screen_text(app)
        assert "ctrl+s: save and close" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        expected = "Offered a quieter room\nShe chose the clinic"
        assert checklist.session.answers[item.id]["note"] == expected
        # Both lines show on the item card.
        assert "Offered a quieter room" in screen_text(app)
        assert "She chose the clinic" in screen_text(app)
    assert stored_draft(store.data_dir).answers[item.id]["note"] == expected


async def test_a_pasted_text_keeps_its_lines(store, alex) -> None:
    pasted = (
        "Talked in the family room.\nAgreed a text the day before.\n\nShe will bring her partner."
    )
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        note = await open_note(app, pilot)
        item = app.screen_stack[-2].items[0]
        # A bracketed paste, as the terminal delivers it: one event with the newlines in it.
        paste = events.Paste(pasted)
        paste.set_sender(app)
        app._driver.send_message(paste)
        field = note.query_one("#note", TextArea)
        await wait_until(pilot, lambda: field.text == pasted, "the pasted text")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
    assert stored_draft(store.data_dir).answers[item.id]["note"] == pasted


async def test_an_nhs_number_on_the_second_line_is_refused_and_never_written(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        note = await open_note(app, pilot)
        checklist = app.screen_stack[-2]
        await pilot.press(*"Rang about the scan", "enter", *f"Her number {NHS_TEST_NUMBER}")
        # Past the typing pause: whatever may be kept has been saved by now.
        await wait_until(pilot, lambda: note._timer is None, "the save after the last key")
        await settle(app, pilot)
        assert "Not saved: contains an NHS number" in screen_text(app)
        assert "✗ 1 field not saved" in header(app)
        # ctrl+s, again and again, and enter too: still refused, still on screen.
        for key in ("ctrl+s", "enter", "ctrl+s"):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.screen is note
        assert "Not saved: the note contains an NHS number" in screen_text(app)
        assert NHS_TEST_NUMBER in note.query_one("#note", TextArea).text
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Leave without saving this field? y/n" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is checklist
        assert "✗" not in header(app)
    saved = stored_draft(store.data_dir).answers[checklist.items[0].id]["note"]
    assert "0018" not in saved and saved.startswith("Rang about the scan"), saved
    raw = "".join(p.read_text() for p in store.data_dir.rglob("*.json*"))
    # The whole number, as typed or run together: four digits alone turn up in hashes.
    assert NHS_TEST_NUMBER not in raw and NHS_TEST_NUMBER.replace(" ", "") not in raw


async def test_a_warning_on_a_later_line_is_kept_on_a_second_ctrl_s(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        note = await open_note(app, pilot)
        checklist = app.screen_stack[-2]
        text = "Talked about the scan\nSeen on 02/11/1998"
        note.query_one("#note", TextArea).text = text
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is note
        assert "Press ctrl+s again to keep it as it is." in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is checklist
        assert checklist.session.answers[checklist.items[0].id]["note"] == text
        assert not isinstance(app.screen, NoteScreen)
