"""The screen read without colour and at small sizes: ▶ on the highlighted row, [x]/[ ] on tick
boxes, Quit, Help and Lock in every footer at 80×24, the section list folding away below 100
columns, ellipses where a line is cut, help wrapping under its words, PageDown to the end of a
long summary. All people and text are synthetic."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.command import CommandPalette
from textual.widgets import Checkbox, DataTable, Footer, OptionList, SelectionList
from textual.widgets._footer import FooterKey

from tests.helpers import (
    SIZE,
    answer_the_rest,
    finish_session,
    opened,
    settle,
    sign_in,
    start_checklist,
    wait_until,
)
from tui.app import SteppingStonesApp
from tui.screens.box import BoxScreen
from tui.screens.help import HelpScreen
from tui.screens.reasons import ReasonScreen
from tui.screens.session_summary import SessionSummaryScreen
from tui.widgets.hanging import KEY_COLUMN
from tui.widgets.marked import MarkedOptionList, MarkedSelect, MarkedTable, TickBox, TickList


def lines(app) -> list[str]:
    """The terminal as a person sees it, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]  # noqa: SLF001


def footer_words(app) -> list[str]:
    """The descriptions the footer shows whole on the screen (not scrolled out of sight)."""
    width = app.size.width
    return [
        key.description
        for key in app.screen.query(FooterKey)
        if key.region.width and key.region.right <= width
    ]


def whole_and_no_palette_key_when_narrow(app, then: str) -> None:
    """Below 80 columns: no footer key beyond the edge (cut mid-word), no palette key."""
    if app.size.width < 80:
        for key in app.screen.query(FooterKey):
            assert key.region.width and key.region.right <= app.size.width, (then, key.description)
            assert not key.has_class("-command-palette"), then


# -- the footer --------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [SIZE, (60, 20)], ids=["80x24", "60x20"])
async def test_the_footer_shows_quit_help_and_lock_on_every_screen(store, alex, size) -> None:
    """At 80×24 and at 60×20, where the footer leaves out the palette key (ctrl+p still opens
    it) and cuts no key mid-word (tests/test_narrow_screen.py: the "…" for keys that do not
    fit)."""
    app = SteppingStonesApp(data_dir=store.data_dir)
    seen = []

    async def check(then: str, close: str | None = None) -> None:
        await settle(app, pilot, workers=True)
        words = footer_words(app)
        screen = type(app.screen).__name__
        seen.append(screen)
        assert {"Quit", "Help", "Lock"} <= set(words), (then, screen, words)
        whole_and_no_palette_key_when_narrow(app, then)
        if close:
            await pilot.press(close)
            await settle(app, pilot)

    async with app.run_test(size=size) as pilot:
        await opened(app, pilot)
        await check("sign in")
        await sign_in(app, pilot)
        await check("home")
        await pilot.press("n")
        await check("picker")
        await pilot.press("enter")
        await check("setup")
        await pilot.press("enter")
        await check("checklist")
        await pilot.press("n")
        await check("note", close="escape")
        await pilot.press("3")
        await check("what got in the way", close="escape")
        await pilot.press("a")  # nothing on the checklist
        await answer_the_rest(app, pilot)
        await check("reflection")
        await pilot.press("ctrl+s")
        await check("session summary")
        await pilot.press("escape")
        await check("home again")
        await pilot.press("a")
        await check("about", close="escape")
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        words = footer_words(app)  # `?` closes the help here
        assert {"Quit", "Close", "Lock"} <= set(words), words
        whole_and_no_palette_key_when_narrow(app, "help")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
    assert len(set(seen)) >= 9, seen


def test_boxes_show_the_apps_own_quit_help_and_lock() -> None:
    """The same keys and ids as the app's (so a keymap moves both), run by the app."""
    app = {b.id: b for b in SteppingStonesApp.BINDINGS if b.id in ("quit", "help", "lock")}
    box = {b.id: b for b in BoxScreen.BINDINGS}
    assert set(box) == set(app) == {"quit", "help", "lock"}
    for name, binding in box.items():
        assert (binding.key, binding.description) == (app[name].key, app[name].description)
        assert binding.action == f"app.{app[name].action}"


async def test_the_help_box_has_a_footer(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert app.screen.query(Footer)
        assert lines(app)[-1].split()[:2] == ["^q", "Quit"]


# -- the checklist at different widths ---------------------------------------------------------
@pytest.mark.parametrize(("width", "shown"), [(99, False), (100, True), (120, True)])
async def test_the_section_list_folds_away_below_100_columns(store, alex, width, shown) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=(width, 30)) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        assert screen.query_one("#sidebar").display is shown
        text = "\n".join(lines(app))
        assert ("Sections" in text) is shown
        # The item text has the room: the first item is shown whole.
        assert screen.item.prompt in text


async def test_at_60x20_a_cut_line_ends_with_an_ellipsis(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        shown = lines(app)
        title = shown[0].strip().lstrip("⭘ ")
        assert title.endswith("…") and title.startswith("Checklist"), title
        assert screen.checklist.title not in shown[0]
        # The long items in the list below the card end with "…" where they are cut.
        prompts = [
            item.prompt for item in screen.items if item.section_id == screen.item.section_id
        ]
        cut = [
            text
            for prompt in prompts
            if len(prompt) > 50
            for text in shown
            if prompt[:20] in text and "│" not in text
        ]
        assert cut
        for line in cut:
            assert line.rstrip("▄▁▂▃▅▆▇█ ").endswith("…"), line


async def test_at_60x20_the_setup_questions_wrap_rather_than_being_cut(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        await sign_in(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        # (The form scrolls at this size: its scroll bar is drawn at the end of some lines.)
        text = " ".join(line.strip().rstrip("▁▂▃▄▅▆▇█▔ ") for line in lines(app))
        assert "or this is planned" in text


# -- help ---------------------------------------------------------------------------------------
async def test_help_wraps_under_its_words(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=(60, 40)) as pilot:
        await sign_in(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        shown = [line.strip("█ ").rstrip("▁▂▃▄▅▆▇ ") for line in lines(app)]
        body = [line.split("█", 1)[-1] for line in lines(app)]
        at = next(i for i, line in enumerate(shown) if line.startswith("ctrl+l"))
        assert "lock the screen now" in shown[at]
        # The rest of the sentence starts under its first word, not under the key.
        carried = body[at + 1]
        words_at = body[at].index("lock the screen")
        assert carried[:words_at].strip() == "" and carried[words_at] != " ", (body[at], carried)
        assert words_at - body[at].index("ctrl+l") == KEY_COLUMN - 2


# -- long summaries ----------------------------------------------------------------------------
async def page_down_to_the_end(app, pilot, body) -> None:
    """PageDown, a page at a time (never more presses than pages), until `body` is at its end."""
    for _ in range(body.max_scroll_y // max(body.size.height - 1, 1) + 2):
        if body.scroll_y >= body.max_scroll_y:
            break
        await pilot.press("pagedown")
        await settle(app, pilot)
    assert body.scroll_y == body.max_scroll_y


async def test_pagedown_reaches_the_end_of_a_long_session_summary(store, alex, checklist) -> None:
    count = len(store.start_session(alex, checklist, {}).visible_items(checklist))
    session = finish_session(
        store,
        alex,
        checklist,
        "2026-11-27T10:00:00+00:00",
        {i: ("not_done", None) for i in range(count)},
        note="We talked about what would help next time, at length and with care",
    )
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await settle(app, pilot, workers=True)
        app.push_screen(SessionSummaryScreen(session, checklist))
        await settle(app, pilot)
        body = app.screen.query_one("#summary")
        assert body.max_scroll_y > app.size.height  # long: more than two pages
        await page_down_to_the_end(app, pilot, body)
        assert any("home" in line for line in lines(app)[-6:])  # its last line, "esc: home"


@pytest.mark.parametrize(
    ("name", "key"), [("Sam Supervisor", "v"), ("Jo Patel", "p")], ids=["supervisee", "own"]
)
async def test_pagedown_reaches_the_end_of_a_long_supervision_summary(
    team, checklist, name, key
) -> None:
    """A supervisor's view of a supervisee's summary (`v`, `enter`) and a practitioner's own
    (`p`): long, with last time's agreed actions at the very end, and PageDown gets there."""
    from datetime import date, timedelta

    from store.supervision import new_action
    from tui.screens.supervision_summary import SupervisionSummaryScreen

    store, sam, jo, _kit = team
    store.supervision.add_record(
        sam,
        jo,
        "We talked about asking for the quiet room earlier in the day.",
        when=(date.today() - timedelta(days=40)).isoformat(),
        actions=[new_action(f"Agreed action number {n}", "Jo Patel") for n in range(1, 4)],
    )
    count = len(store.start_session(jo, checklist, {}).visible_items(checklist))
    for days_ago in range(1, 9):
        when = (date.today() - timedelta(days=days_ago)).isoformat() + "T10:00:00+00:00"
        finish_session(
            store,
            jo,
            checklist,
            when,
            {i: ("not_done", "no-private-room") for i in range(count)},
            reflection={
                "differently": f"Ask about the room at booking, day {days_ago}",
                "feelings": f"A long day, day {days_ago}",
            },
            flagged=True,
        )
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, name)
        await settle(app, pilot, workers=True)
        await pilot.press(key)
        await settle(app, pilot, workers=True)
        if key == "v":
            await pilot.press("enter")
            await settle(app, pilot, workers=True)
        screen = app.screen
        assert isinstance(screen, SupervisionSummaryScreen)
        await wait_until(pilot, lambda: screen.summary is not None, "the summary")
        await settle(app, pilot)
        body = screen.query_one("#summary-body")
        assert body.max_scroll_y > 2 * app.size.height  # long: more than two pages
        await page_down_to_the_end(app, pilot, body)
        assert any("Agreed action number 3" in line for line in lines(app))


# -- ▶ and [x] -----------------------------------------------------------------------------------
class ListsApp(App):
    def compose(self):
        table = MarkedTable(cursor_type="row")
        table.add_columns("When", "What")
        for n in range(3):
            table.add_row(f"day {n}", f"row {n}")
        yield table
        yield MarkedOptionList("first", "second", "third", id="options")
        yield TickList(("Book the room", "a", True), ("Call back", "b"), id="ticks")
        yield TickBox("Flag for supervision", id="flag")


def rows(widget, count: int, skip: int = 0) -> list[str]:
    return [widget.render_line(y).text for y in range(skip, skip + count)]


async def test_the_highlighted_row_has_a_marker_that_moves_with_the_cursor() -> None:
    app = ListsApp()
    async with app.run_test(size=(60, 30)) as pilot:
        table = app.query_one(DataTable)
        marks = [line[0] for line in rows(table, 3, skip=1)]
        assert marks == ["▶", " ", " "]
        table.move_cursor(row=2)
        await pilot.pause()
        assert [line[0] for line in rows(table, 3, skip=1)] == [" ", " ", "▶"]
        assert rows(table, 1)[0][0] == " "  # not the header

        options = app.query_one("#options", OptionList)
        options.highlighted = 1
        await pilot.pause()
        assert [line[0] for line in rows(options, 3)] == [" ", "▶", " "]


async def test_tick_boxes_read_x_or_blank_not_only_a_colour() -> None:
    app = ListsApp()
    async with app.run_test(size=(60, 30)) as pilot:
        ticks = app.query_one("#ticks", SelectionList)
        ticks.highlighted = 0
        await pilot.pause()
        shown = rows(ticks, 2)
        assert shown[0].startswith("▶[x] Book the room"), shown
        assert shown[1].startswith(" [ ] Call back"), shown
        ticks.select("b")
        ticks.highlighted = 1
        await pilot.pause()
        assert [line[:5] for line in rows(ticks, 2)] == [" [x] ", "▶[x] "]

        flag = app.query_one("#flag", Checkbox)
        assert "[ ] Flag for supervision" in flag.render().plain
        flag.value = True
        await pilot.pause()
        assert "[x] Flag for supervision" in flag.render().plain


async def test_the_home_table_and_the_reasons_list_mark_their_highlighted_row(
    store, alex, checklist
) -> None:
    for day in (27, 28):
        finish_session(store, alex, checklist, f"2026-11-{day}T10:00:00+00:00", {0: ("done", None)})
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await settle(app, pilot, workers=True)
        table = app.screen.query_one("#recent", DataTable)
        assert isinstance(table, MarkedTable) and table.row_count == 2
        assert [line[0] for line in rows(table, 2, skip=1)] == ["▶", " "]
        await start_checklist(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonScreen)
        options = app.screen.query_one(OptionList)
        assert isinstance(options, MarkedOptionList)
        at = options.highlighted
        assert at is not None
        assert any(line.startswith("▶") for line in rows(options, options.size.height))


class DropDownApp(App):
    def compose(self):
        yield MarkedSelect([("Alex", 1), ("Jo", 2), ("Sam", 3)], value=1, allow_blank=False)


async def test_an_open_drop_down_marks_its_highlighted_choice() -> None:
    """Textual's Select shows the choice `enter` takes by colour alone (transfer's "Whose
    records" did)."""
    from textual.widgets import Select
    from textual.widgets._select import SelectOverlay

    app = DropDownApp()
    async with app.run_test(size=(60, 20)) as pilot:
        select = app.query_one(Select)
        select.focus()
        await pilot.press("enter")  # open it
        await pilot.pause()
        assert select.expanded
        overlay = select.query_one(SelectOverlay)
        assert [line[:2] for line in rows(overlay, 3)] == ["▶ ", "  ", "  "]
        await pilot.press("down")
        await pilot.pause()
        assert [line[:2] for line in rows(overlay, 3)] == ["  ", "▶ ", "  "]
        assert "Jo" in rows(overlay, 3)[1]


def test_every_list_on_every_screen_is_one_that_marks_its_row() -> None:
    """A plain DataTable, OptionList, SelectionList or Select (its drop-down) shows its
    highlighted row by colour alone (as People's table did): screens use MarkedTable,
    MarkedOptionList, TickList or MarkedSelect."""
    import re
    from pathlib import Path

    plain = re.compile(r"(?<![\w.])(DataTable|OptionList|SelectionList|Select)\(")
    root = Path(__file__).resolve().parent.parent / "tui"
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "marked.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if plain.search(line)
    ]
    assert found == []


# -- no colour -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("env", "black_and_white"),
    [
        ({"NO_COLOR": "1", "TERM": "xterm-256color"}, True),
        ({"TERM": "xterm-mono"}, True),
        ({"TERM": "vt220-m"}, True),
        ({"TERM": "xterm-256color"}, False),
    ],
)
def test_a_black_and_white_terminal_gets_no_colour_and_leaves_the_environment_as_it_was(
    data_dir, monkeypatch, env, black_and_white
) -> None:
    """`TERM=xterm-mono` gives what `NO_COLOR` gives (tests/e2e/test_no_colour_tmux.py shows it
    in a real terminal), and sets nothing in the environment that later apps would inherit."""
    import os

    monkeypatch.delenv("NO_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    before = dict(os.environ)
    assert SteppingStonesApp(data_dir=data_dir).no_color is black_and_white
    assert dict(os.environ) == before
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not SteppingStonesApp(data_dir=data_dir).no_color
