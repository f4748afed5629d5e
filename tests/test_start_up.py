"""The first frame comes before the store is read, and every way the store can fail to open
ends on a plain message, never on the opening screen for ever."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import PASSPHRASE, SIZE, opened, screen_text, settle, sign_in
from tui.app import SteppingStonesApp
from tui.screens.home import HomeScreen
from tui.screens.message import MessageScreen
from tui.screens.opening import OpeningScreen
from tui.screens.sign_in import SignInScreen

HEAVY = ("cryptography", "tinydb", "filelock", "store.store", "services")


def modules_loaded_by(code: str) -> set[str]:
    found = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {name for name in found if name.split(".")[0] in HEAVY or name in HEAVY}


def test_the_app_module_loads_no_store_before_its_first_frame() -> None:
    assert modules_loaded_by("import tui.app") == set()


async def test_the_first_frame_is_the_opening_screen_then_sign_in(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        seen = [type(app.screen)]
        await opened(app, pilot)
        assert seen == [OpeningScreen]
        assert isinstance(app.screen, SignInScreen)
        await sign_in(app, pilot, passphrase=PASSPHRASE)
        assert isinstance(app.screen, HomeScreen)


async def test_a_store_folder_that_is_a_file_is_said_plainly(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "store"
    not_a_folder.write_text("not a folder")
    app = SteppingStonesApp(data_dir=not_a_folder)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        assert isinstance(app.screen, MessageScreen)
        text = screen_text(app)
        assert "The store cannot be opened" in text
        assert f"{not_a_folder} cannot be used as the store" in text
        await pilot.press("enter")
        await settle(app, pilot)
    assert not_a_folder.read_text() == "not a folder"


async def test_quit_works_while_the_store_is_being_opened(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, OpeningScreen)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert app.return_code == 0


def test_the_command_line_reads_its_arguments_before_loading_the_store() -> None:
    """Every start (the app's too) builds the whole parser first: it must stay light."""
    loaded = modules_loaded_by("import cli.main\ncli.main.build_parser()")
    assert loaded == set()


async def test_help_opened_on_the_first_frame_gives_way_to_sign_in(
    store, alex, monkeypatch
) -> None:
    """The store is read while help is open over the opening screen (held back here, so the
    order is certain): Sign in replaces the opening screen, and nothing is left under it."""
    from tui.screens.help import HelpScreen

    monkeypatch.setattr(SteppingStonesApp, "_open_store", lambda self: None)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, OpeningScreen)
        app.action_help()
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        app.post_message(SteppingStonesApp.StoreOpened(store))
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        assert not any(isinstance(s, (OpeningScreen, HelpScreen)) for s in app.screen_stack)


async def test_a_store_read_after_quitting_shows_nothing(store, alex, monkeypatch) -> None:
    monkeypatch.setattr(SteppingStonesApp, "_open_store", lambda self: None)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        app.exit(0)
        app.post_message(SteppingStonesApp.StoreOpened(store))
        await pilot.pause()
        assert not isinstance(app.screen, SignInScreen)
    assert app.return_code == 0


async def test_a_broken_checklist_file_is_named_after_the_first_screen(store, alex) -> None:
    """The checklists are read after the first frame; a file that cannot be read is named in
    one notice, and the rest of the app carries on."""
    folder = store.data_dir / "checklists"
    folder.mkdir(exist_ok=True)
    (folder / "broken.yaml").write_text("id: [unclosed\n")
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await opened(app, pilot)
        from tests.helpers import wait_until

        await wait_until(
            pilot,
            lambda: any("broken.yaml" in str(n.message) for n in app._notifications),
            "the notice about the broken checklist file",
        )
        assert isinstance(app.screen, SignInScreen)


def test_the_first_frame_loads_no_renderer_help_or_package_metadata() -> None:
    """What the first frame does not need is not imported before it (benchmarks/README.md)."""
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import cli.main, sys\ncli.main.build_parser()\nimport tui.app\n"
            "print('\\n'.join(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for later in ("reports.html", "reports.markdown", "tui.screens.help", "importlib.metadata"):
        assert later not in found
