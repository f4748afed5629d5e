"""The People screen (admins, `u` on home) at 80x24: add a colleague who can then sign in,
change roles and supervisors, reset a passphrase (saying what it costs), switch an account off
and back on. Someone who is not an admin has no `u`."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from services import people
from tests.helpers import PASSPHRASE, SIZE, press, put, rendered_text, settle, sign_in
from tui.app import SteppingStonesApp
from tui.commands import for_screen
from tui.screens.confirm import ConfirmScreen
from tui.screens.home import HomeScreen
from tui.screens.people import PeopleScreen
from tui.screens.people_form import PersonFormScreen, ResetPassphraseScreen, TickList


def table_rows(app) -> dict[str, list[str]]:
    table = app.screen.query_one("#people", DataTable)
    rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return {row[0]: row for row in rows}


async def highlight(app, pilot, name: str) -> None:
    table = app.screen.query_one("#people", DataTable)
    table.move_cursor(row=list(table_rows(app)).index(name))
    await pilot.pause()


async def open_people(app, pilot) -> None:
    await sign_in(app, pilot, "Alex Reid")
    await settle(app, pilot, workers=True)
    assert "people" in rendered_text(app)
    await press(pilot, "u", then=PeopleScreen)


async def test_an_admin_adds_a_colleague_who_can_then_sign_in(team) -> None:
    store = team.store
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_people(app, pilot)
        rows = table_rows(app)
        assert rows["Jo Patel"][1:] == ["practitioner", "Sam Supervisor", "on"]
        await press(pilot, "a", then=PersonFormScreen)
        form = app.screen
        await put(pilot, form.query_one("#name", Input), "Ray Osei")
        supervisors = form.query_one("#supervisors", TickList)
        supervisors.select("Sam Supervisor")
        await put(pilot, form.query_one("#passphrase", Input), "Ray's first passphrase")
        await put(pilot, form.query_one("#again", Input), "Ray's first passphrase")
        assert form.query_one("#passphrase", Input).password  # never shown
        await press(pilot, "ctrl+s", then=PeopleScreen)
        assert table_rows(app)["Ray Osei"][1:] == ["practitioner", "Sam Supervisor", "on"]
        assert "Added Ray Osei" in rendered_text(app)
    ray = people.sign_in(store, "Ray Osei", "Ray's first passphrase")
    assert ray.roles == ["practitioner"]
    added = [e for e in store.audit.entries() if e["event"] == "person_added"]
    assert (added[-1]["actor"], added[-1]["subject"]) == ("Alex Reid", "Ray Osei")


async def test_passphrases_typed_differently_add_nobody_and_keep_the_form(team) -> None:
    store = team.store
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_people(app, pilot)
        await press(pilot, "a", then=PersonFormScreen)
        form = app.screen
        await put(pilot, form.query_one("#name", Input), "Ray Osei")
        await put(pilot, form.query_one("#passphrase", Input), "Ray's first passphrase")
        await put(pilot, form.query_one("#again", Input), "Ray's first passphrasf")
        await press(pilot, "ctrl+s", then=PersonFormScreen)
        assert "not the same" in rendered_text(app)
        assert form.query_one("#name", Input).value == "Ray Osei"  # nothing typed is dropped
        await press(pilot, "escape", then=ConfirmScreen)  # asks before dropping it
        await press(pilot, "y", then=PeopleScreen)
    assert store.people.find("Ray Osei") is None


async def test_an_admin_changes_roles_and_supervisors(team) -> None:
    store = team.store
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_people(app, pilot)
        await highlight(app, pilot, "Kit Novak")
        await press(pilot, "c", then=PersonFormScreen)
        roles = app.screen.query_one("#roles", TickList)
        assert roles.has_focus
        await press(pilot, "down", "space")  # ticks Supervisor, drawn [x] (not by colour alone)
        assert roles.selected == ["practitioner", "supervisor"]
        assert str(roles.get_option("supervisor").prompt) == (
            "[x] Supervisor: reads supervisees' sessions"
        )
        assert str(roles.get_option("admin").prompt).startswith("[ ] Admin")
        app.screen.query_one("#supervisors", TickList).select("Sam Supervisor")
        await press(pilot, "ctrl+s", then=PeopleScreen)
        assert table_rows(app)["Kit Novak"][1:] == [
            "practitioner, supervisor",
            "Sam Supervisor",
            "on",
        ]
    kit = store.people.find("Kit Novak")
    assert kit.roles == ["practitioner", "supervisor"]
    # Signed by the admin; shared with once Kit says yes at her next sign-in.
    assert [s for s, _by, _at in store.people.waiting_supervisors(kit)] == [team.sam.id]


async def test_reset_says_what_is_lost_and_until_when(team) -> None:
    store = team.store
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_people(app, pilot)
        await highlight(app, pilot, "Jo Patel")
        await press(pilot, "p", then=ResetPassphraseScreen)
        text = rendered_text(app)
        assert "cannot open their past sessions" in text
        assert "until Sam Supervisor next signs in" in text
        assert "Warning" not in text
        await press(pilot, "escape", then=PeopleScreen)
        # Kit has no supervisor: nobody can share Kit's records back, and it says so.
        await highlight(app, pilot, "Kit Novak")
        await press(pilot, "p", then=ResetPassphraseScreen)
        assert "Warning" in rendered_text(app)
        assert "nobody can share them back" in rendered_text(app)
        screen = app.screen
        assert screen.query_one("#passphrase", Input).password
        await put(pilot, screen.query_one("#passphrase", Input), "Kit's new passphrase")
        await put(pilot, screen.query_one("#again", Input), "Kit's new passphrase")
        screen.query_one("#again", Input).focus()
        await press(pilot, "enter", then=PeopleScreen)
        assert "Kit Novak has a new passphrase" in rendered_text(app)
    assert people.sign_in(store, "Kit Novak", "Kit's new passphrase").name == "Kit Novak"


async def test_switching_an_account_off_and_back_on(team) -> None:
    store = team.store
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_people(app, pilot)
        await highlight(app, pilot, "Jo Patel")
        await press(pilot, "o", then=ConfirmScreen)
        await press(pilot, "y", then=PeopleScreen)
        assert table_rows(app)["Jo Patel"][3] == "off"
        assert not store.people.find("Jo Patel").active
        await press(pilot, "o", then=PeopleScreen)  # back on: nothing to lose, no question
        assert table_rows(app)["Jo Patel"][3] == "on"
    assert store.people.find("Jo Patel").active
    events = [e["event"] for e in store.audit.entries()]
    assert events[-2:] == ["person_deactivated", "person_reactivated"]


async def test_someone_who_is_not_an_admin_has_no_people_screen(team) -> None:
    app = SteppingStonesApp(data_dir=team.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot, workers=True)
        assert isinstance(app.screen, HomeScreen)
        assert "people" not in rendered_text(app).lower()
        assert app.screen.check_action("people", ()) is False
        await press(pilot, "u", then=HomeScreen)
        titles = [c.title for c in for_screen(app, app.screen)]
        assert "People" not in titles


async def test_the_palette_offers_people_to_an_admin(team) -> None:
    app = SteppingStonesApp(data_dir=team.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Alex Reid")
        await settle(app, pilot, workers=True)
        titles = [c.title for c in for_screen(app, app.screen)]
        assert "People" in titles


def test_the_first_person_is_an_admin_whatever_roles_were_asked_for(store) -> None:
    first = people.add_person(store, None, "Lee First", ["practitioner"], PASSPHRASE)
    assert first.roles == ["admin", "practitioner"]


async def test_signing_in_asks_once_before_sharing_with_a_newly_added_supervisor(team) -> None:
    """Sam is added as Kit's supervisor by an admin: at her next sign-in Kit is asked first;
    `n` shares nothing (and she is asked again next time), `y` shares."""
    store = team.store
    alex = people.sign_in(store, "Alex Reid", PASSPHRASE)
    people.update_person(store, alex, "Kit Novak", add_supervisors=["Sam Supervisor"])
    for answer, waiting in (("n", 1), ("y", 0)):
        app = SteppingStonesApp(data_dir=store.data_dir)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(app, pilot, "Kit Novak")
            await settle(app, pilot, workers=True)
            assert isinstance(app.screen, ConfirmScreen)
            assert "Share your sessions with Sam Supervisor, added by Alex Reid on" in (
                rendered_text(app)
            )
            await press(pilot, answer, then=HomeScreen)
        kit = store.people.find("Kit Novak")
        assert len(store.people.waiting_supervisors(kit)) == waiting
    assert store.people.find("Kit Novak").supervisors == [team.sam.id]
