"""The command palette (ctrl+p): the app's own actions as the person may use them now, and
nothing that writes a file outside the sealed store (issue: "a safe palette")."""

from __future__ import annotations

from tests.helpers import PASSPHRASE, SIZE, opened, settle, sign_in, start_checklist, wait_until
from tui.app import SteppingStonesApp
from tui.screens.home import HomeScreen
from tui.screens.lock import LockScreen
from tui.screens.picker import PickerScreen


def titles(app) -> list[str]:
    return [command.title for command in app.get_system_commands(app.screen)]


async def run_from_palette(app, pilot, words: str) -> None:
    from textual.command import CommandInput, CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    app.screen.query_one(CommandInput).value = words
    await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, "matches")
    await pilot.press("enter")
    await settle(app, pilot)


async def test_before_sign_in_only_help_and_quit(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        assert titles(app) == ["Help", "Quit"]


async def test_signed_in_the_palette_lists_home_actions_and_no_screenshot(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, passphrase=PASSPHRASE)
        assert isinstance(app.screen, HomeScreen)
        listed = titles(app)
        assert listed == [
            "Help",
            "New checklist",
            "Resume",
            "Prepare for supervision",
            "Export",
            "Import",
            "People",  # Alex is an admin
            "Lock",
            "Sign out",
            "Quit",
        ]  # Alex supervises nobody: no Supervisees
        for textual_own in ("Screenshot", "Theme", "Keys", "Maximize"):
            assert textual_own not in listed


async def test_a_supervisor_is_offered_supervisees(team) -> None:
    app = SteppingStonesApp(data_dir=team.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, name=team.sam.name, passphrase=PASSPHRASE)
        assert "Supervisees" in titles(app)


async def test_choosing_lock_locks_and_new_checklist_opens_the_picker(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, passphrase=PASSPHRASE)
        await run_from_palette(app, pilot, "New checklist")
        assert isinstance(app.screen, PickerScreen)
        await run_from_palette(app, pilot, "Lock")
        assert app.locked and isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+p")  # locked: the palette does not open
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)


async def test_a_home_action_from_inside_a_checklist_goes_home_first(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, passphrase=PASSPHRASE)
        await start_checklist(app, pilot)
        await run_from_palette(app, pilot, "Prepare for supervision")
        await wait_until(
            pilot,
            lambda: type(app.screen).__name__ == "SupervisionSummaryScreen",
            "the supervision summary",
        )
        assert isinstance(app.screen_stack[1], HomeScreen)
