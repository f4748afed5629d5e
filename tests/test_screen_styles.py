"""Each screen looks the same whichever screens were opened before it, and opening a screen
never re-reads the stylesheets.

Textual keeps a screen's CSS_PATH loaded, for every screen, from the first time that screen
opens; an unscoped rule there (`#status {…}`) then restyles another screen's `#status`. So
every rule in tui/screens/*.tcss is scoped to the screens that use that file, and tui/app.py
reads them all at start-up (a screen opening for the first time would otherwise make Textual
re-parse every style source and restyle the whole screen stack). All people are synthetic.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.app import App
from textual.css.model import SelectorType
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

import tui.screens
from tests.helpers import SIZE, opened, settle, sign_in, start_checklist
from tui.app import SteppingStonesApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.transfer import ExportScreen

SCREENS_DIR = Path(tui.screens.__file__).parent


def screen_classes() -> list[type[Screen]]:
    """Every screen class in tui/screens that has a stylesheet file."""
    found = set()
    for module in pkgutil.iter_modules(tui.screens.__path__):
        loaded = importlib.import_module(f"tui.screens.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if (
                issubclass(cls, Screen)
                and cls.__module__.startswith("tui.screens")
                and cls.CSS_PATH
            ):
                found.add(cls)
    return sorted(found, key=lambda cls: cls.__name__)


def css_files(cls: type[Screen]) -> list[Path]:
    """The screen's CSS_PATH as Textual resolves it (beside the module defining the screen)."""
    paths = cls.CSS_PATH if isinstance(cls.CSS_PATH, list) else [cls.CSS_PATH]
    return [(Path(inspect.getfile(cls)).parent / path).resolve() for path in paths]


def users() -> dict[Path, set[str]]:
    """Each screen stylesheet -> the names of the screen classes that use it."""
    out: dict[Path, set[str]] = {}
    for cls in screen_classes():
        for path in css_files(cls):
            out.setdefault(path, set()).add(cls.__name__)
    return out


def test_every_rule_in_a_screen_stylesheet_is_scoped_to_the_screens_using_it() -> None:
    by_file = users()
    files = sorted(SCREENS_DIR.glob("*.tcss"))
    assert files and set(files) <= set(by_file), "a stylesheet no screen uses"
    variables = App().get_css_variables()
    for path in files:
        sheet = Stylesheet(variables=variables)
        sheet.read(path)
        sheet.parse()
        for rule in sheet.rules:
            for selector in rule.selector_set:
                first = selector.selectors[0]
                assert first.type == SelectorType.TYPE and first.name in by_file[path], (
                    f"{path.name}: {selector.css!r} is not scoped to {sorted(by_file[path])}"
                )


async def test_every_screen_stylesheet_is_read_at_start_up(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        for cls in screen_classes():
            for path in css_files(cls):
                assert app.stylesheet.has_source(str(path)), (cls.__name__, path.name)


async def test_opening_a_screen_for_the_first_time_does_not_reparse_the_styles(
    store, alex, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # where the export screen suggests a file
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        reparsed = []
        real = app.stylesheet.reparse
        monkeypatch.setattr(app.stylesheet, "reparse", lambda: (reparsed.append(1), real()))
        for screen in (HelpScreen(), ConfirmScreen("Leave?"), ExportScreen()):
            await app.push_screen(screen)
            await settle(app, pilot)
            assert app.screen is screen
            app.pop_screen()
            await settle(app, pilot)
        assert reparsed == []


CHECKLIST_PARTS = ("#status", "#progress", "#progress Bar", "#prompt")


def look(screen) -> dict[str, tuple]:
    out = {}
    for part in CHECKLIST_PARTS:
        styles = screen.query_one(part).styles
        out[part] = tuple(
            str(value)
            for value in (styles.height, styles.width, styles.margin, styles.padding, styles.border)
        )
    return out


async def checklist_look(store, after_export: bool) -> dict[str, tuple]:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        if after_export:
            await app.push_screen(ExportScreen())
            await settle(app, pilot)
            app.pop_screen()
            await settle(app, pilot)
        return look(await start_checklist(app, pilot))


async def test_the_checklist_looks_the_same_after_the_export_screen(
    store, alex, tmp_path, monkeypatch
) -> None:
    """Both have a `#status` and a `#progress`: once the export screen had been open, its
    rules (height auto, a margin above) reshaped the checklist's status line."""
    monkeypatch.setenv("HOME", str(tmp_path))  # where the export screen suggests a file
    first = await checklist_look(store, after_export=False)
    assert first["#status"][0] == "1"  # one line, as the checklist's own stylesheet says
    assert await checklist_look(store, after_export=True) == first
