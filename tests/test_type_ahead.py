"""Letters typed in one burst with the key that opens a box land in the box (tui/type_ahead.py).

The keys are posted to the app all at once, as a terminal delivers them when someone types
fast or the machine is slow: before this, every letter typed before the box had focus was lost.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from textual import events
from textual.widgets import Input, TextArea

from tests.helpers import SIZE, settle, sign_in
from tests.test_supervision_screens import jo_sessions
from tui.app import SteppingStonesApp
from tui.screens.comment import CommentScreen
from tui.screens.lock import LockScreen
from tui.screens.session_view import SessionViewScreen

WORDS = "Lets talk"


def burst(app, *keys: str) -> None:
    """Post every key to the app before it handles the first, as a terminal's driver does."""
    for key in keys:
        character = " " if key == "space" else key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


def letters(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


@asynccontextmanager
async def reading_jos_session(team, checklist):
    """Sam, Jo's supervisor, signed in and reading one of her sessions (where `c` comments)."""
    store, _sam, jo, _kit = team
    flagged, _older, _draft = jo_sessions(store, jo, checklist)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        app.push_screen(SessionViewScreen(flagged, app.store.people.get(jo.id)))
        await settle(app, pilot)
        yield app, pilot


async def test_letters_typed_with_c_land_in_the_comment_in_order(team, checklist) -> None:
    async with reading_jos_session(team, checklist) as (app, pilot):
        burst(app, "c", *letters(WORDS))
        await settle(app, pilot)
        assert isinstance(app.screen, CommentScreen)
        assert app.screen.query_one("#comment", TextArea).text == WORDS
        # And letters typed once the box is up still go straight in, after them.
        burst(app, *letters(" soon"))
        await settle(app, pilot)
        assert app.screen.query_one("#comment", TextArea).text == WORDS + " soon"


async def test_a_letter_on_a_list_is_not_carried_into_a_box_opened_later(team, checklist) -> None:
    async with reading_jos_session(team, checklist) as (app, pilot):
        # "z" means nothing on the read-only session; it is not saved up for the comment.
        await pilot.press("z")
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CommentScreen)
        assert app.screen.query_one("#comment", TextArea).text == ""
        assert not app.type_ahead.held


async def test_a_stray_letter_is_never_carried_into_a_passphrase(team) -> None:
    store, _sam, _jo, _kit = team
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert isinstance(app.focused, Input) and app.focused.password
        # A letter that missed its box while the lock opened: never a guess at the passphrase.
        stray = events.Key("n", "n")
        assert app.type_ahead.catch(stray) is False
        await settle(app, pilot)
        assert app.focused.value == ""


async def test_letters_are_never_carried_onto_a_screen_that_asks_for_a_passphrase(
    store, alex
) -> None:
    """At start, before the sign-in screen is up, someone types their name, tab and their
    passphrase: letters carried into the Name field would show the passphrase there."""
    from tui.screens.sign_in import SignInScreen

    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        name = app.focused
        assert isinstance(name, Input) and not name.password
        assert app.type_ahead.catch(events.Key("s", "s")) is False
        await settle(app, pilot)
        assert name.value == ""


async def test_letters_typed_with_enter_and_tab_as_the_reflection_opens_are_all_kept(store, alex):
    """enter (finish the items), "ab", tab, "cd" in one burst, as a paste would come: every
    letter is in the reflection. (Their order is not promised: the keys went to two screens'
    widgets at once, and a burst this fast can put "cd" first; typing at a person's pace
    keeps the order.)"""
    from tests.helpers import start_checklist

    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        while not screen.at_end:
            await pilot.press("1")
        await settle(app, pilot)
        burst(app, "enter", "a", "b", "tab", "c", "d")
        await settle(app, pilot)
        typed = "".join(area.text for area in app.screen.query(TextArea))
        assert sorted(typed) == ["a", "b", "c", "d"]
