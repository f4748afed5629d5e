"""Typing key by key (not a paste) into the note box costs the same small amount per key.

A person typing a long note, or a terminal delivering a burst of keys one by one, must not
make every key lay the screen out again, repaint the "saved" indicator or start a new timer.
Each key used to do all three (three layouts, two indicator updates and a timer per key), so
a long burst of keys fell ever further behind. Counted, not timed, so the test means the
same on a slow machine.
"""

from __future__ import annotations

from collections import Counter

from textual import events
from textual.widget import Widget
from textual.widgets import TextArea

from tests.helpers import SIZE, open_note, settle, sign_in, wait_until
from tui.app import SteppingStonesApp
from tui.screens.note import NoteScreen

KEYS = 400


async def test_four_hundred_single_keys_lay_the_note_box_out_a_bounded_number_of_times(
    store, alex, checklist, monkeypatch
) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await open_note(app, pilot)
        field = screen.query_one("#note", TextArea)

        counts: Counter[str] = Counter()
        real_refresh = Widget.refresh
        real_set_timer = NoteScreen.set_timer

        def refresh(self, *regions, repaint=True, layout=False, recompose=False):
            # Textual's TextArea lays itself out as its text grows; that is not ours to change.
            if layout and self is not field:
                counts["layout"] += 1
            return real_refresh(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

        def indicator_told(_state) -> None:
            counts["indicator"] += 1

        def set_timer(self, *args, **kwargs):
            counts["timers"] += 1
            return real_set_timer(self, *args, **kwargs)

        screen.watch(app, "save_state", indicator_told, init=False)
        with monkeypatch.context() as patch:
            patch.setattr(Widget, "refresh", refresh)
            patch.setattr(NoteScreen, "set_timer", set_timer)
            # One key event per character, as a terminal sends typing (not a bracketed
            # paste), as fast as it can: the app handles them one after another.
            for index in range(KEYS):
                key = events.Key("space", " ") if index % 5 == 4 else events.Key("a", "a")
                key.set_sender(app)
                app._driver.send_message(key)
            await wait_until(pilot, lambda: len(field.text) == KEYS, "every key", timeout=60)
        # ... and the note is saved once, a moment after the last key.
        await wait_until(pilot, lambda: screen._timer is None, "the save after the last key")
        await settle(app, pilot)

        typed = field.text
        assert typed == ("aaaa " * KEYS)[:KEYS]
        assert counts["layout"] <= 10, counts
        assert counts["indicator"] <= 10, counts
        assert counts["timers"] <= 10, counts
        assert screen.saved == typed
        assert app.save_state.status == "saved"
