"""The Export and Import screens at 80x24, pushed directly (home wires them in elsewhere).

Everything here is synthetic: invented staff names and notes, no women's details.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, ProgressBar

from services.exchange import bundle_fingerprint, export_bundle, import_bundle
from store import Store
from store.exchange import read_bundle
from tests import helpers
from tests.helpers import PASSPHRASE, SIZE, put, screen_text, sign_in
from tests.test_bundle import make_clinic, snapshot, write_session
from tui.app import SteppingStonesApp
from tui.screens.home import HomeScreen
from tui.screens.transfer import ExportScreen, ImportScreen


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    """A home folder of its own, where the screens suggest file names."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.fixture
def clinic(tmp_path: Path):
    team = make_clinic(tmp_path / "clinic")
    write_session(team.store, team.jo, finish=True)
    write_session(team.store, team.jo, finish=False)
    return team


async def settle(app, pilot) -> None:
    """Let the screen's worker (never the app's long-lived draft writer) finish."""
    await helpers.settle(app, pilot, workers=True)


async def test_the_export_screen_writes_a_bundle_and_shows_the_report(clinic, home: Path) -> None:
    app = SteppingStonesApp(data_dir=clinic.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        await app.push_screen(ExportScreen())
        await settle(app, pilot)
        assert app.screen.title == "Export"
        path = app.screen.query_one("#path", Input)
        expected = home / f"stepping-stones-jo-patel-{date.today().isoformat()}.bundle"
        assert path.value == str(expected)
        # The first field has the focus: a date typed at once goes there, not over the path.
        since = app.screen.query_one("#since", Input)
        assert since.has_focus
        await pilot.press(*"2026-11-0", "tab")
        assert since.value == "2026-11-0" and path.value == str(expected)
        since.value = ""
        assert not app.screen.query("#of")  # a practitioner exports only her own records
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"Saved {expected}: 2 sessions (1 unfinished) of Jo Patel." in text
        assert "stays sealed" in text
        assert app.screen.query_one("#progress", ProgressBar).percentage == 1
        assert read_bundle(expected).counts() == {"sessions": 2, "comments": 0, "records": 0}
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_an_admin_chooses_whose_records_to_export(clinic, home: Path) -> None:
    app = SteppingStonesApp(data_dir=clinic.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Alex Reid")
        await settle(app, pilot)
        await app.push_screen(ExportScreen())
        await settle(app, pilot)
        choice = app.screen.query_one("#of")
        assert choice.value == clinic.alex.id
        choice.value = clinic.jo.id
        await settle(app, pilot)
        path = app.screen.query_one("#path", Input)
        assert path.value.endswith(f"stepping-stones-jo-patel-{date.today().isoformat()}.bundle")
        app.screen.query_one("#since", Input).value = "not a date"
        path.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "is not a date" in screen_text(app)
        assert not Path(path.value).exists()
        app.screen.query_one("#since", Input).value = ""
        path.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "2 sessions (1 unfinished) of Jo Patel" in screen_text(app)
        assert clinic.store.audit.entries()[-1]["subject"] == "Jo Patel"


async def test_a_file_name_alone_is_saved_in_the_home_folder_and_named_whole(
    clinic, home: Path
) -> None:
    app = SteppingStonesApp(data_dir=clinic.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        await app.push_screen(ExportScreen())
        await settle(app, pilot)
        app.screen.query_one("#path", Input).value = "jo.bundle"
        app.screen.query_one("#since", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert f"Saved {home / 'jo.bundle'}:" in screen_text(app)
        assert (home / "jo.bundle").is_file()


async def test_a_home_folder_that_is_not_here_is_said_and_the_app_carries_on(
    clinic, home: Path
) -> None:
    """`~nosuchuser/x.bundle` raised RuntimeError out of the screen and closed the app."""
    app = SteppingStonesApp(data_dir=clinic.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        await app.push_screen(ExportScreen())
        await settle(app, pilot)
        app.screen.query_one("#path", Input).value = "~nosuchuser_zz/x.bundle"
        app.screen.query_one("#since", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "names a home folder that is not on this computer" in screen_text(app)


@pytest.fixture
def laptop_bundle(clinic, tmp_path: Path) -> tuple[Path, object]:
    """Jo's outreach laptop sends back one new finished session. She set it up from the
    bundle she made of her own records at the clinic: only a bundle's maker can set up an
    empty store with it."""
    setup = tmp_path / "setup.bundle"
    export_bundle(clinic.store, clinic.jo, setup)
    laptop = Store(tmp_path / "laptop")
    import_bundle(laptop, setup, "Jo Patel", PASSPHRASE, root=bundle_fingerprint(setup))
    jo = laptop.sign_in("Jo Patel", PASSPHRASE)
    new = write_session(laptop, jo, finish=True)
    back = tmp_path / "back.bundle"
    export_bundle(laptop, jo, back)
    return back, new


async def test_the_import_screen_brings_in_a_bundle_and_says_what_was_added(
    clinic, home: Path, laptop_bundle
) -> None:
    back, new = laptop_bundle
    app = SteppingStonesApp(data_dir=clinic.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        await app.push_screen(ImportScreen())
        await settle(app, pilot)
        assert app.screen.title == "Import"
        path = app.screen.query_one("#path", Input)
        assert path.has_focus
        path.value = str(back)
        await pilot.press("enter")  # on to the passphrase
        assert app.screen.query_one("#passphrase", Input).has_focus
        await put(pilot, app.focused, PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Added: 1 session." in text
        assert "Already here: 2 sessions." in text
        assert app.screen.query_one("#progress", ProgressBar).percentage == 1
        assert app.screen.query_one("#passphrase", Input).value == ""
        assert new.id in {s.id for s in clinic.store.readable_sessions(clinic.jo)}
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_a_file_name_alone_is_looked_for_in_the_home_folder_as_export_saves_it(
    clinic, home: Path, laptop_bundle
) -> None:
    back, new = laptop_bundle
    (home / "back.bundle").write_bytes(back.read_bytes())
    app = SteppingStonesApp(data_dir=clinic.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        await app.push_screen(ImportScreen())
        await settle(app, pilot)
        app.screen.query_one("#path", Input).value = "back.bundle"
        app.screen.query_one("#passphrase", Input).focus()
        await put(pilot, app.screen.query_one("#passphrase", Input), PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Added: 1 session." in screen_text(app)
    assert new.id in {s.id for s in clinic.store.readable_sessions(clinic.jo)}


async def test_only_checking_a_bundle_changes_nothing(clinic, home: Path, laptop_bundle) -> None:
    back, new = laptop_bundle
    app = SteppingStonesApp(data_dir=clinic.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        before = snapshot(clinic.store.data_dir, skip=("audit.jsonl",))
        await app.push_screen(ImportScreen())
        await settle(app, pilot)
        app.screen.query_one("#path", Input).value = str(back)
        app.screen.query_one("#dry-run", Checkbox).value = True
        app.screen.query_one("#passphrase", Input).focus()
        await put(pilot, app.screen.query_one("#passphrase", Input), PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Only a check: nothing was changed" in text and "Added: 1 session." in text
    assert snapshot(clinic.store.data_dir, skip=("audit.jsonl",)) == before
    assert new.id not in {s.id for s in clinic.store.readable_sessions(clinic.jo)}


async def test_a_damaged_bundle_is_refused_on_screen(clinic, home: Path, laptop_bundle) -> None:
    back, _new = laptop_bundle
    damaged = home / "damaged.bundle"
    damaged.write_bytes(back.read_bytes()[:-100])
    app = SteppingStonesApp(data_dir=clinic.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Jo Patel")
        await settle(app, pilot)
        before = snapshot(clinic.store.data_dir)
        await app.push_screen(ImportScreen())
        await settle(app, pilot)
        # The newest bundle in the home folder is offered.
        assert app.screen.query_one("#path", Input).value == str(damaged)
        await pilot.press("enter")
        await put(pilot, app.focused, PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "is incomplete: it was cut short" in screen_text(app)
        assert "status" in {w.id for w in app.screen.query(".problem")}
        assert snapshot(clinic.store.data_dir) == before
