"""A small terminal (60×20): every footer shows Quit, Help and Lock and cuts no key mid-word
(a "…" says there are more keys, `?` lists them), and every table fits its width, a cut cell
ending with "…" (issue 12). All people and text are synthetic."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Label
from textual.widgets._footer import FooterKey

from tests.helpers import (
    finish_session,
    press,
    settle,
    sign_in,
    start_checklist,
)
from tui.app import SteppingStonesApp
from tui.widgets.footer import MORE, KeysFooter, key_width
from tui.widgets.marked import MIN_COLUMN, MarkedTable, fit

SMALL = (60, 20)


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query_one(KeysFooter).query(FooterKey))


def check_footer(app, then: str, close_word: str = "Help") -> list[str]:
    """Quit, Help (or Close) and Lock whole on the screen, no key beyond the edge, no palette
    key; the words shown."""
    width = app.size.width
    keys = footer_keys(app)
    words = [key.description for key in keys]
    assert {"Quit", close_word, "Lock"} <= set(words), (then, words)
    for key in keys:
        assert key.region.width and key.region.right <= width, (then, key.description)
        assert not key.has_class("-command-palette"), then
    return words


async def test_at_60x20_keys_that_do_not_fit_give_way_to_an_ellipsis(team, checklist) -> None:
    """The supervision summary has more keys than fit: its first ones, "…", Quit, Help, Lock."""
    store, _sam, jo, _kit = team
    finish_session(store, jo, checklist, "2026-11-27T10:00:00+00:00", {0: ("done", None)})
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SMALL) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        await press(pilot, "v")
        await press(pilot, "enter")
        words = check_footer(app, "supervision summary")
        assert words[:2] == ["Back", "Sessions"] and words[-3:] == ["Quit", "Help", "Lock"]
        more = app.screen.query_one(KeysFooter).query(Label).filter(".footer-more")
        assert [str(label.render()) for label in more] == [MORE]
        assert lines(app)[-1].rstrip().endswith("^l Lock")
        # Wide again, every key comes back, and the palette key with them.
        await pilot.resize_terminal(120, 30)
        await settle(app, pilot)
        keys = footer_keys(app)
        assert not app.screen.query_one(KeysFooter).query(".footer-more")
        assert len(keys) > len(words) and keys[-1].has_class("-command-palette")


def test_a_compact_key_is_as_wide_as_drawn() -> None:
    assert key_width("^q", "Quit") == len("^q Quit ")


def lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]  # noqa: SLF001


# -- tables ----------------------------------------------------------------------------------------
def test_fit_keeps_narrow_columns_and_makes_the_widest_narrower() -> None:
    assert fit([12, 30, 8], 60) == [12, 30, 8]
    assert fit([18, 31, 14, 7], 50) == [15, 14, 14, 7]
    assert fit([12, 22, 10, 16, 7], 46, keep=[0, 4]) == [12, 9, 9, 9, 7]
    assert sum(fit([12, 40, 10, 16, 7], 50)) <= 50
    assert min(fit([30, 30, 30], 6)) == MIN_COLUMN


def check_table(app, table: MarkedTable) -> None:
    """No sideways scrolling, and every cell and heading shown whole or ending in "…"."""
    assert table.virtual_size.width <= table.scrollable_content_region.width, table.id
    shown = [table.render_line(y).text for y in range(table.row_count + 1)]
    for x, (key, column) in enumerate(table.columns.items()):
        cells = [column.label.plain, *(str(getattr(v, "plain", v)) for v in table.get_column(key))]
        for y, text in enumerate(cells):
            text = text.strip()
            if cell_len(text) <= column.width:
                assert text in shown[y], (table.id, text, shown[y])
            else:
                assert text[: column.width - 1].rstrip() + "…" in shown[y].replace(" …", "…"), (
                    table.id,
                    x,
                    text,
                    shown[y],
                )


async def test_at_60x20_tables_fit_their_width_and_cut_with_an_ellipsis(
    team, alex, checklist
) -> None:
    """Home (a finished and an unfinished session), People, supervisees, the drafts chooser."""
    store, _sam, jo, _kit = team
    finish_session(store, jo, checklist, "2026-11-27T10:00:00+00:00", {0: ("done", None)})
    finish_session(store, alex, checklist, "2026-11-26T10:00:00+00:00", {0: ("done", None)})
    for setting in ("clinic", "home_visit"):
        store.sessions.save_draft(store.start_session(alex, checklist, {"setting": setting}))
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SMALL) as pilot:
        await sign_in(app, pilot)
        await settle(app, pilot, workers=True)
        check_table(app, app.screen.query_one("#recent", MarkedTable))
        await press(pilot, "r")
        check_table(app, app.screen.query_one("#drafts", MarkedTable))
        check_footer(app, "drafts")
        await pilot.press("escape")
        await settle(app, pilot, workers=True)
        await press(pilot, "u")
        check_footer(app, "people")
        people = app.screen.query_one("#people", MarkedTable)
        check_table(app, people)
        assert "Supervisors" in "\n".join(lines(app))
        await pilot.resize_terminal(100, 30)
        await settle(app, pilot)
        check_table(app, people)  # wide again: whole
        assert "admin, practitioner" in "\n".join(lines(app))


async def test_at_60x20_the_supervisees_table_fits(team, checklist) -> None:
    store, _sam, jo, _kit = team
    finish_session(store, jo, checklist, "2026-11-27T10:00:00+00:00", {0: ("done", None)})
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SMALL) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        await settle(app, pilot, workers=True)
        await press(pilot, "v")
        check_table(app, app.screen.query_one("#supervisees", MarkedTable))


async def test_a_checklist_started_at_60x20_keeps_the_footer_whole(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SMALL) as pilot:
        await sign_in(app, pilot)
        await start_checklist(app, pilot)
        words = check_footer(app, "checklist")
        assert "Note" in words


def test_every_screen_uses_the_footer_that_fits_itself() -> None:
    """Textual's own Footer cuts its last keys off at 60 columns: screens use KeysFooter."""
    import re
    from pathlib import Path

    plain = re.compile(r"(?<![\w.])Footer\(")
    root = Path(__file__).resolve().parent.parent / "tui"
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if plain.search(line)
    ]
    assert found == []


# -- the setup form's choices ------------------------------------------------------------------
async def test_a_setup_choice_keeps_its_mark_with_its_words_at_80_and_60_columns(store, alex):
    """Each option of a setup choice is drawn as "○ words"; one that does not fit on the line
    starts the next, so no line of the form ends with a ○ or ◉ left behind (it did at 80
    columns for "Meeting or case conference")."""
    from tui.screens.setup import SetupScreen
    from tui.widgets.choice_field import ChoiceField

    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot)
        for size in ((80, 24), SMALL):
            await pilot.resize_terminal(*size)
            for checklist in app.store.library.checklists.values():
                app.push_screen(SetupScreen(checklist))
                await settle(app, pilot)
                fields = list(app.screen.query(ChoiceField))
                assert fields, checklist.id
                for field in fields:
                    shown = [field.render_line(y).text.rstrip() for y in range(field.size.height)]
                    assert not any(line.endswith(("○", "◉")) for line in shown), (size, shown)
                    words = " ".join(" ".join(shown).split())
                    for _, label in field.options:
                        assert " ".join(label.split()) in words, (size, label, shown)
                app.pop_screen()
                await settle(app, pilot)
