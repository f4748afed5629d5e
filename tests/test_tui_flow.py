"""The whole practitioner journey, driven by keys as a person would, at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store, StoreFullError
from tests.helpers import (
    PASSPHRASE,
    SIZE,
    answer_the_rest,
    opened,
    put,
    screen_text,
    settle,
    sign_in,
    start_checklist,
    wait_until,
)
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.home import HomeScreen
from tui.screens.reasons import ReasonScreen
from tui.screens.reflection import ReflectionScreen
from tui.screens.session_summary import SessionSummaryScreen
from tui.screens.sign_in import SignInScreen
from tui.screens.welcome import WelcomeScreen


@pytest.fixture
def signed_up(store, alex):
    return store


async def test_first_run_welcome_creates_an_admin_and_signs_in(data_dir: Path) -> None:
    app = SteppingStonesApp(data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press(*"Alex Reid", "tab", *"short", "tab", *"short", "enter")
        await settle(app, pilot)
        assert "at least 8" in screen_text(app)
        assert isinstance(app.screen, WelcomeScreen)
        for field_id, text in (("#name", "Alex Reid"), ("#passphrase", PASSPHRASE)):
            await put(pilot, app.screen.query_one(field_id), text)
        await put(pilot, app.screen.query_one("#again"), PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Signed in as Alex Reid" in screen_text(app)
    person = Store(data_dir).people.find("Alex Reid")
    assert person.roles == ["admin", "practitioner"]


async def test_sign_in_screen_is_titled_and_a_wrong_passphrase_is_explained(signed_up) -> None:
    app = SteppingStonesApp(data_dir=signed_up.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.title == "Sign in"
        await sign_in(app, pilot, passphrase="not the passphrase", typed=True)
        assert isinstance(app.screen, SignInScreen)
        assert "do not match" in screen_text(app)
        assert app.screen.query_one("#passphrase").value == ""


async def test_whole_flow_with_reasons_notes_going_back_and_reflection(signed_up) -> None:
    app = SteppingStonesApp(data_dir=signed_up.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        items = screen.items
        assert "Item 1 of" in screen_text(app)

        await pilot.press("1")  # Done, moves on
        await pilot.press("3")  # Not done: asks why
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonScreen)
        assert "What got in the way?" in screen_text(app)
        await pilot.press("enter")  # the first reason
        await settle(app, pilot)
        await pilot.press("2")  # Partly, then no reason
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and screen.index == 3

        await pilot.press("n")
        await settle(app, pilot)
        await put(pilot, app.focused, "Offered a later time")
        await pilot.press("ctrl+s")  # a note is multi-line: ctrl+s saves it
        await settle(app, pilot)
        await pilot.press("w")
        await settle(app, pilot)
        assert "Why it matters" in screen_text(app)

        # Go back and change the first answer.
        await pilot.press("up", "k", "k")
        assert screen.index == 0
        await pilot.press("4")
        await settle(app, pilot)
        assert screen.index == 1

        await pilot.press("j", "j", "j")
        await answer_the_rest(app, pilot, "1")
        assert isinstance(app.screen, ReflectionScreen)
        assert app.screen.title == "Reflection"
        assert app.focused is app.screen.query("TextArea").first()
        await put(pilot, app.focused, "We talked in a quiet room.")
        await pilot.press("tab")
        await put(pilot, app.focused, "Time was short.")
        # Past the other four prompts to the supervision flag.
        await pilot.press("tab", "tab", "tab", "tab", "tab", "space")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionSummaryScreen)
        text = screen_text(app)
        assert "Finished and saved" in text
        assert "Service barriers" in text
        assert "No private room" in text

    store = Store(signed_up.data_dir)
    person = store.people.authenticate("Alex Reid", PASSPHRASE)
    [session] = store.sessions.finished(person.id, person)
    answers = session.answers
    assert answers[items[0].id]["response"] == "not_applicable"
    assert answers[items[1].id]["response"] == "not_done"
    assert answers[items[1].id]["reason"] == "no-private-room"
    assert answers[items[2].id]["response"] == "partly"
    assert answers[items[2].id]["reason"] is None
    assert answers[items[3].id]["note"] == "Offered a later time"
    assert session.reflection["went_well"] == "We talked in a quiet room."
    assert session.reflection["difficult"] == "Time was short."
    assert session.flagged is True
    assert store.sessions.drafts(person.id, person) == []


async def test_escape_keeps_the_draft_and_r_resumes_at_the_first_gap(signed_up) -> None:
    app = SteppingStonesApp(data_dir=signed_up.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await start_checklist(app, pilot)
        await pilot.press("1", "1", "4")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Resume" in screen_text(app)
        assert "today" in screen_text(app)

    app = SteppingStonesApp(data_dir=signed_up.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert app.screen.index == 3
        assert "Item 4 of" in screen_text(app)


async def test_baby_removed_setup_is_kept_with_the_session(signed_up) -> None:
    """The question stays in the core checklist's setup (it offers the reasons that apply
    after a removal); its section became a checklist of its own (issue 15)."""
    app = SteppingStonesApp(data_dir=signed_up.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("tab", "tab", "right", "enter")  # baby removed: Yes
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        assert screen.session.setup["baby_removed"] is True
        assert {item.section_id for item in screen.items} == {"approach", "care-delivery"}


async def test_a_failed_save_is_shown_kept_and_retried(signed_up, monkeypatch) -> None:
    import services.drafts as drafts_module

    monkeypatch.setattr(drafts_module, "RETRY_SECONDS", 0.05)
    app = SteppingStonesApp(data_dir=signed_up.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        real_save = app.store.sessions.save_draft
        calls = {"n": 0}

        def flaky(session):
            calls["n"] += 1
            if calls["n"] <= 2:
                raise StoreFullError(Path("drafts.json"))
            return real_save(session)

        monkeypatch.setattr(app.store.sessions, "save_draft", flaky)
        await pilot.press("1")
        await settle(app, pilot)
        assert app.save_state.status in ("failed", "saving", "saved")
        for _ in range(40):
            await pilot.pause(0.05)
            await settle(app, pilot)
            if app.save_state.status == "saved":
                break
        assert calls["n"] >= 3
        assert app.save_state.status == "saved"
        item = screen.items[0]
    draft = Store(signed_up.data_dir).sessions.drafts(app.user.id, app.user)[0]
    assert draft.response(item.id) == "done"


async def test_help_and_about_show_keys_and_credit(signed_up) -> None:
    app = SteppingStonesApp(data_dir=signed_up.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        text = screen_text(app)
        for words in ("Not applicable", "ctrl+s", "ctrl+q", "resume", "why the item matters"):
            assert words in text
        await pilot.press("escape")
        await pilot.press("a")
        await settle(app, pilot)
        assert "Cheyne et al., 2026, NIHR Open Research 6:25" in screen_text(app)
        assert "CC-BY 4.0" in screen_text(app)


async def test_a_broken_service_checklist_is_skipped_and_named(signed_up) -> None:
    folder = signed_up.data_dir / "checklists"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    app = SteppingStonesApp(data_dir=signed_up.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)

        def skipped_named() -> bool:
            messages = [n.message for n in app._notifications]  # noqa: SLF001
            return any("broken.yaml" in m and "skipped" in m for m in messages)

        # The checklists are read just after the first screen is up.
        await wait_until(pilot, skipped_named, "broken.yaml named as skipped", timeout=2)
        await sign_in(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert "Any contact: approach and care delivery" in str(
            app.screen.query_one("OptionList").get_option_at_index(0).prompt
        )
