"""Keys typed in one burst act in the order typed (tui/widgets/on_arrival.py).

A terminal delivers several keys at once when someone types fast, the machine is busy or the
connection is over SSH. Textual runs a list's own bindings only when the key comes back up to
the app, for whatever has focus then, while `tab` (and before this, a form's `enter` and
`ctrl+s`) acted as soon as it arrived. So "space, tab" moved on and ticked nothing, and
"→, enter" on the setup form started with the choice before the move. The keys are posted all
at once here, as the terminal's driver posts them.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from tests.helpers import SIZE, settle, sign_in
from tests.test_people_screen import highlight, open_people
from tests.test_type_ahead import burst
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.people import PeopleScreen
from tui.screens.people_form import PersonFormScreen, TickList
from tui.screens.picker import PickerScreen
from tui.screens.setup import SetupScreen
from tui.widgets.choice_field import ChoiceField
from tui.widgets.marked import TickList as MarkedTickList


def waiting_supervisors(store) -> list[str]:
    """Kit's supervisors as the admin saved them (shared once Kit says yes)."""
    kit = store.people.find("Kit Novak")
    return [s for s, _by, _at in store.people.waiting_supervisors(kit)]


async def changing_kit(app, pilot) -> TickList:
    """The People form for Kit Novak (no supervisor yet), the focus on its supervisors."""
    await open_people(app, pilot)
    await highlight(app, pilot, "Kit Novak")
    await pilot.press("c")
    await settle(app, pilot)
    assert isinstance(app.screen, PersonFormScreen)
    supervisors = app.screen.query_one("#supervisors", TickList)
    supervisors.focus()
    await settle(app, pilot)
    assert supervisors.selected == []
    return supervisors


async def test_a_tick_typed_with_tab_in_one_burst_is_kept(team) -> None:
    app = SteppingStonesApp(data_dir=team.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        supervisors = await changing_kit(app, pilot)
        burst(app, "space", "tab")
        await settle(app, pilot)
        assert supervisors.selected == ["Sam Supervisor"]
        assert not supervisors.has_focus  # and tab still moved on


async def test_a_tick_typed_with_ctrl_s_in_one_burst_is_saved(team) -> None:
    store = team.store
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await changing_kit(app, pilot)
        burst(app, "space", "ctrl+s")
        await settle(app, pilot, workers=True)
        await settle(app, pilot)
        assert isinstance(app.screen, PeopleScreen)
    assert waiting_supervisors(store) == [team.sam.id]


async def test_enter_on_a_tick_list_saves_the_form_as_the_contract_says(team) -> None:
    store = team.store
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        supervisors = await changing_kit(app, pilot)
        await pilot.press("space", "enter")
        await settle(app, pilot, workers=True)
        await settle(app, pilot)
        assert isinstance(app.screen, PeopleScreen), "enter ticked instead of saving"
        assert supervisors.selected == ["Sam Supervisor"]
    assert waiting_supervisors(store) == [team.sam.id]


async def test_a_setup_choice_moved_with_enter_in_one_burst_is_the_one_started(team) -> None:
    app = SteppingStonesApp(data_dir=team.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")  # any contact
        await settle(app, pilot)
        assert isinstance(app.screen, SetupScreen)
        setting = app.screen.query_one("#setting", ChoiceField)
        assert setting.has_focus
        first, second = (key for key, _ in setting.options[:2])
        assert setting.value == first
        burst(app, "right", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert app.screen.session.setup["setting"] == second


class _Form(App):
    # As in the app (tui/app.py): tab moves the focus the moment it arrives.
    BINDINGS = [Binding("tab", "app.focus_next", priority=True)]

    def compose(self) -> ComposeResult:
        yield MarkedTickList(("One", "one"), ("Two", "two"), id="ticks")
        yield Input(id="after")


async def test_the_marked_tick_list_keeps_a_tick_typed_with_tab() -> None:
    """The supervision screens' tick lists (tui/widgets/marked.py) act on arrival too."""
    app = _Form()
    async with app.run_test(size=SIZE) as pilot:
        ticks = app.query_one("#ticks", MarkedTickList)
        ticks.focus()
        await pilot.pause()
        burst(app, "space", "tab")
        await pilot.pause()
        await pilot.pause()
        assert ticks.selected == ["one"]
        assert app.focused is app.query_one("#after", Input)
