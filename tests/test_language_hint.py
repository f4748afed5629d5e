"""The language coach in the app: a soft hint under notes and reflections, never a block.

Driven by keys at 80x24, as a person would. All text typed here is invented.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import TextArea

from checklists.language import LanguageEntry, LanguageGuide
from store import Store
from tests.helpers import (
    PASSPHRASE,
    SIZE,
    answer_the_rest,
    put,
    screen_text,
    settle,
    sign_in,
    start_checklist,
)
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.note import NoteScreen
from tui.screens.reflection import ReflectionScreen
from tui.screens.session_summary import SessionSummaryScreen
from tui.widgets.language_hint import LanguageHint

TYPED = "She was an addict"


def visible_within_screen(widget, size=SIZE) -> bool:
    region = widget.region
    width, height = size
    return (
        widget.display
        and region.height > 0
        and region.x >= 0
        and region.y >= 0
        and region.right <= width
        and region.bottom <= height
    )


async def test_a_note_shows_the_hint_and_is_kept_as_typed(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        checklist = await start_checklist(app, pilot)
        item = checklist.items[0]
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteScreen)
        hint = app.screen.query_one(LanguageHint)
        assert not hint.display  # nothing to say yet

        await pilot.press(*TYPED)  # typed key by key: the hint follows the typing
        await settle(app, pilot)
        text = screen_text(app)
        assert 'Language: "addict" → person who uses drugs' in text
        assert visible_within_screen(hint)
        # The identifier warning stays empty: the hint is a separate, softer line.
        assert str(app.screen.query_one("#warning").render()) == ""

        await pilot.press("ctrl+s")  # one press keeps it: the hint never holds it back
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert checklist.session.answers[item.id]["note"] == TYPED
        await pilot.press("escape")  # home; the draft is kept
        await settle(app, pilot)

    person = Store(store.data_dir).people.authenticate("Alex Reid", PASSPHRASE)
    [draft] = Store(store.data_dir).sessions.drafts(person.id, person)
    assert draft.answers[item.id]["note"] == TYPED


async def test_the_note_hint_goes_when_the_words_are_changed(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await start_checklist(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await put(pilot, app.focused, "Spoke with a junkie")
        await settle(app, pilot)
        hint = app.screen.query_one(LanguageHint)
        assert hint.display
        assert "junkie" in screen_text(app)
        field = app.screen.query_one("#note", TextArea)
        field.text = "Spoke with a person who uses drugs"
        await settle(app, pilot)
        assert not hint.display
        assert "Language:" not in screen_text(app)


async def test_an_identifier_warning_still_comes_first_next_to_the_hint(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        checklist = await start_checklist(app, pilot)
        item = checklist.items[0]
        await pilot.press("n")
        await settle(app, pilot)
        # A phone number is refused: the note stays open, saying so, whatever keys follow.
        await pilot.press(*"Addict, call 07700 900123", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteScreen)
        text = screen_text(app)
        assert "Not saved: contains a phone number" in text
        assert 'Language: "Addict"' in text
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteScreen)
        # A date long ago is only a warning: shown first, kept on a second ctrl+s.
        note = "Addict, seen 12/03/1998"
        app.screen.query_one("#note", TextArea).text = note
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteScreen)  # held back by the identifier warning
        assert "date of birth" in screen_text(app)
        assert 'Language: "Addict"' in screen_text(app)
        await pilot.press("ctrl+s")  # keep it as it is
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert checklist.session.answers[item.id]["note"] == note


async def test_a_reflection_shows_the_hint_and_finishes_with_the_text_as_typed(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await start_checklist(app, pilot)
        await answer_the_rest(app, pilot, "1")
        screen = app.screen
        assert isinstance(screen, ReflectionScreen)
        first = screen.query(TextArea).first()
        prompt_id = first.id.removeprefix("r-")
        hint = screen.query_one(f"#l-{prompt_id}", LanguageHint)
        assert not hint.display

        await pilot.press(*TYPED)  # typed key by key: the hint follows the typing
        await settle(app, pilot)
        assert hint.display
        assert 'Language: "addict" → person who uses drugs' in screen_text(app)
        assert visible_within_screen(hint)
        # Only the field typed in gets a hint.
        others = [h for h in screen.query(LanguageHint) if h is not hint]
        assert others and not any(h.display for h in others)

        await pilot.press("ctrl+s")  # one press finishes: the hint never holds it back
        await settle(app, pilot)
        assert isinstance(app.screen, SessionSummaryScreen)

    person = Store(store.data_dir).people.authenticate("Alex Reid", PASSPHRASE)
    [session] = Store(store.data_dir).sessions.finished(person.id, person)
    assert session.reflection[prompt_id] == TYPED


async def test_a_service_term_is_hinted_too(store, alex) -> None:
    folder = store.data_dir / "checklists"
    folder.mkdir(exist_ok=True)
    (folder / "language.yaml").write_text(
        'terms:\n  - avoid: ["frequent flyer"]\n    prefer: "woman we see often"\n',
        encoding="utf-8",
    )
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await start_checklist(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await put(pilot, app.focused, "A frequent-flyer at clinic")
        await settle(app, pilot)
        assert 'Language: "frequent-flyer" → woman we see often' in screen_text(app)


class HintApp(App):
    def __init__(self, guide: LanguageGuide | None = None) -> None:
        super().__init__()
        self.guide = guide

    def compose(self) -> ComposeResult:
        yield LanguageHint(self.guide, id="hint")


async def test_the_widget_shows_at_most_two_lines_and_hides_when_empty() -> None:
    app = HintApp()  # no store: the built-in list
    async with app.run_test(size=SIZE) as pilot:
        hint = app.query_one(LanguageHint)
        assert not hint.display
        findings = hint.check("addicts, junkies, alcoholics and a NAS baby")
        await pilot.pause()
        assert len(findings) == 4
        lines = str(hint.render()).splitlines()
        assert lines == [
            'Language: "addicts" → person who uses drugs',
            "Language: and 3 more words you might rephrase",
        ]
        assert hint.display and hint.region.height == 2
        assert "NAS baby: baby with neonatal abstinence syndrome" in str(hint.tooltip)
        hint.check("")
        await pilot.pause()
        assert not hint.display


async def test_the_widget_uses_the_guide_it_is_given() -> None:
    guide = LanguageGuide([LanguageEntry(avoid=("hopeless",), prefer="still finding her way")])
    app = HintApp(guide)
    async with app.run_test(size=SIZE) as pilot:
        hint = app.query_one(LanguageHint)
        assert hint.check("an addict") == []
        hint.check("Hopeless")
        await pilot.pause()
        assert str(hint.render()) == 'Language: "Hopeless" → still finding her way'


async def test_square_brackets_in_a_suggestion_are_shown_as_written() -> None:
    """ "[drug]" in a suggestion is words, not markup: it stays on the line and in the
    tooltip, and a service's own stray "[/" cannot break the screen."""
    guide = LanguageGuide(
        [
            LanguageEntry(avoid=("addict",), prefer="person with a dependence on [drug]"),
            LanguageEntry(avoid=("hopeless",), prefer="still [/finding] her way"),
        ]
    )
    app = HintApp(guide)
    async with app.run_test(size=SIZE) as pilot:
        hint = app.query_one(LanguageHint)
        hint.check("an addict, hopeless")
        await pilot.pause()
        assert "[drug]" in str(hint.render())
        assert "person with a dependence on [drug]" in str(hint.tooltip)
        assert "still [/finding] her way" in str(hint.tooltip)
        # Resting the mouse on it shows the tooltip in a Static, as here.
        from textual.widgets import Static

        shown = Static()
        await app.screen.mount(shown)
        shown.update(hint.tooltip)
        await pilot.pause()
        assert "person with a dependence on [drug]" in str(shown.render())
