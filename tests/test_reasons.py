"""More than one reason per answer: the picker (space ticks, enter confirms), the removal-only
reasons, how reasons are stored and read back (old single-reason records too), and how the
summaries count each reason given."""

from __future__ import annotations

from contextlib import asynccontextmanager

from store import Store
from store.reports.period import build_summary
from store.summary import summarise_session
from tests.helpers import PASSPHRASE, SIZE, finish_session, press, settle, sign_in, start_checklist
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.note import NoteScreen
from tui.screens.reasons import ReasonScreen

WHEN = "2026-11-20T10:00:00+00:00"


def _reasons_list(app):
    from textual.widgets import OptionList

    return app.screen.query_one("#reasons", OptionList)


def _prompts(app) -> dict[str, str]:
    option_list = _reasons_list(app)
    return {
        option.id: str(option.prompt)
        for option in (option_list.get_option_at_index(i) for i in range(option_list.option_count))
    }


async def _highlight(app, pilot, reason_id: str) -> None:
    option_list = _reasons_list(app)
    option_list.highlighted = option_list.get_option_index(reason_id)
    await pilot.pause()


# --- the picker -----------------------------------------------------------------------------


@asynccontextmanager
async def picker(store, key: str = "3"):
    """Signed in, a new checklist, `key` (Not done) on its first item: the reasons picker.
    Yields the app, the pilot and the checklist screen."""
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        await press(pilot, key, then=ReasonScreen)
        yield app, pilot, screen


async def test_space_ticks_two_reasons_and_enter_saves_both(store, alex) -> None:
    async with picker(store) as (app, pilot, screen):
        item = screen.items[0]
        await _highlight(app, pilot, "no-private-room")
        await pilot.press("space")
        await _highlight(app, pilot, "did-not-think")
        await pilot.press("space")
        prompts = _prompts(app)
        assert prompts["no-private-room"] == "[x] No private room to talk"
        assert prompts["did-not-think"] == "[x] I did not think of it at the time"
        assert prompts["not-enough-time"].startswith("[ ] ")
        # space again unticks; a third reason ticked then unticked is not saved
        await _highlight(app, pilot, "not-ready")
        await pilot.press("space", "space")
        assert _prompts(app)["not-ready"].startswith("[ ] ")
        await press(pilot, "enter", then=ChecklistScreen)
        assert screen.index == 1
        assert screen.session.reasons(item.id) == ["no-private-room", "did-not-think"]

        # Going back to the item shows both ticked, and a changed choice replaces them.
        await pilot.press("up")
        await press(pilot, "2", then=ReasonScreen)
        prompts = _prompts(app)
        assert prompts["no-private-room"].startswith("[x]")
        assert prompts["did-not-think"].startswith("[x]")
        await pilot.press("escape")  # closes without changing the reasons
        await settle(app, pilot)
        assert screen.session.reasons(item.id) == ["no-private-room", "did-not-think"]

    store2 = Store(store.data_dir)
    person = store2.people.authenticate("Alex Reid", PASSPHRASE)
    [draft] = store2.sessions.drafts(person.id, person)
    answer = draft.answers[item.id]
    assert answer["reasons"] == ["no-private-room", "did-not-think"]
    assert answer["reason"] == "no-private-room"


async def test_enter_with_nothing_ticked_gives_the_highlighted_reason(store, alex) -> None:
    async with picker(store) as (app, pilot, screen):
        await _highlight(app, pilot, "not-ready")
        await press(pilot, "enter", then=ChecklistScreen)
        assert screen.session.reasons(screen.items[0].id) == ["not-ready"]


async def test_the_three_groups_scroll_under_the_title_and_hint_at_80_by_24(store, alex) -> None:
    from textual.widgets import Static

    async with picker(store) as (app, pilot, screen):
        option_list = _reasons_list(app)
        # The list stays on screen; with more reasons than rows it scrolls, and the highlighted
        # reason is always in view, down to the last one.
        assert option_list.region.bottom <= SIZE[1]
        ids = list(_prompts(app))
        assert {"heading-service", "heading-practice", "heading-woman"} <= set(ids)
        assert ids.index("heading-service") < ids.index("heading-practice")
        assert ids.index("heading-practice") < ids.index("heading-woman")
        for target in (ids[-1], ids[1]):
            option_list.highlighted = ids.index(target)
            await settle(app, pilot)
            row = ids.index(target) - round(option_list.scroll_y)
            assert 0 <= row < option_list.scrollable_content_region.height, target
        hint = app.screen.query_one(".hint", Static)
        assert hint.region.height >= 1 and hint.region.bottom <= SIZE[1]
        assert "space" in str(hint.render()) and "enter" in str(hint.render())
        title = app.screen.query_one(".screen-title", Static)
        assert title.region.y >= 0 and "What got in the way?" in str(title.render())
        # One "Something else (say in a note)" in each group.
        assert list(_prompts(app).values()).count("[ ] Something else (say in a note)") == 3


async def test_removal_reasons_appear_only_after_a_removal(store, alex) -> None:
    async with picker(store) as (app, pilot, screen):
        shown = set(_prompts(app))
        assert "no-support-after-removal" not in shown
        assert "too-soon-after-removal" not in shown
        assert "no-private-room" in shown
        await press(pilot, "escape", then=ChecklistScreen)

        screen.session.setup["baby_removed"] = True  # as the setup form would
        await press(pilot, "3", then=ReasonScreen)
        shown = set(_prompts(app))
        assert {"no-support-after-removal", "too-soon-after-removal"} <= shown


async def test_something_else_opens_the_note_box_then_moves_on(store, alex) -> None:
    async with picker(store, "2") as (app, pilot, screen):
        item = screen.items[0]
        await _highlight(app, pilot, "practice-something-else")
        await press(pilot, "enter", then=NoteScreen)
        assert screen.session.reasons(item.id) == ["practice-something-else"]
        await press(pilot, "escape", then=ChecklistScreen)
        assert screen.index == 1


# --- the store ------------------------------------------------------------------------------


def test_reasons_are_kept_in_order_with_the_first_as_reason(store, alex, checklist) -> None:
    session = store.start_session(alex, checklist, {})
    item = session.visible_items(checklist)[0]
    session.answer(item, "partly")
    session.set_reasons(item, ["not-ready", "no-private-room", "not-ready"])
    assert session.answers[item.id]["reasons"] == ["not-ready", "no-private-room"]
    assert session.answers[item.id]["reason"] == "not-ready"
    session.answer(item, "done")  # no reason goes with Done
    assert session.reasons(item.id) == [] and session.answers[item.id]["reason"] is None


def test_an_old_record_with_one_reason_reads_as_a_list_of_one(store, alex, checklist) -> None:
    session = store.start_session(alex, checklist, {})
    items = session.visible_items(checklist)
    session.answer(items[0], "not_done")
    session.answer(items[1], "done")
    # As written before more than one reason could be given: `reason` only.
    session.answers[items[0].id] = {"response": "not_done", "reason": "no-private-room"}
    session.answers[items[1].id] = {"response": "done", "reason": None}
    store.sessions.save_draft(session)

    [again] = store.sessions.drafts(alex.id, alex)
    assert again.reasons(items[0].id) == ["no-private-room"]
    assert again.reasons(items[1].id) == []
    view = again.json_view("Alex Reid")["answers"]
    assert view[items[0].id]["reasons"] == ["no-private-room"]
    assert view[items[0].id]["reason"] == "no-private-room"
    assert view[items[1].id]["reasons"] == [] and view[items[1].id]["reason"] is None


def test_a_malformed_reasons_list_is_set_aside_and_the_rest_still_read(
    store, alex, checklist
) -> None:
    good = store.start_session(alex, checklist, {})
    bad = store.start_session(alex, checklist, {})
    item = bad.visible_items(checklist)[0]
    bad.answer(item, "not_done")
    bad.answers[item.id]["reasons"] = "no-private-room"  # not a list
    store.sessions.save_draft(bad)
    worse = store.start_session(alex, checklist, {})
    worse.answer(item, "not_done")
    worse.answers[item.id]["reasons"] = [{"id": "no-private-room"}]  # not reason ids
    store.sessions.save_draft(worse)

    problems: list = []
    drafts = store.sessions.drafts(alex.id, alex, problems)
    assert [d.id for d in drafts] == [good.id]
    assert len(problems) == 2
    assert all("is damaged" in str(p) for p in problems)


def test_unknown_reason_ids_are_kept_but_not_counted(store, alex, checklist) -> None:
    session = finish_session(store, alex, checklist, WHEN, {0: ("not_done", None)})
    item = session.visible_items(checklist)[0]
    session.answers[item.id]["reasons"] = ["no-such-reason"]
    summary = summarise_session(session, checklist, store.library)
    assert [gap.item_id for gap in summary.no_reason] == [item.id]
    assert all(not gaps for gaps in summary.by_level.values())


# --- the summaries count each reason given ----------------------------------------------------


def _finish(store, person, checklist, answers: dict[int, tuple[str, list[str]]]):
    """A finished session whose items (by index) were answered with these reasons."""
    session = store.start_session(person, checklist, {})
    items = session.visible_items(checklist)
    for index, (response, reasons) in answers.items():
        session.answer(items[index], response)
        session.set_reasons(items[index], reasons)
    store.sessions.discard_draft(session)
    session.record.update(status="complete", completed_at=WHEN, updated_at=WHEN)
    store.sessions.write_archive_bulk(person.id, [store.sessions.seal_record(session)])
    return session


def test_summaries_count_each_reason_given(store, alex, checklist) -> None:
    _finish(store, alex, checklist, {0: ("not_done", [])})
    # Two reasons at two levels on one answer, and one more answer with one of them.
    session = _finish(
        store,
        alex,
        checklist,
        {0: ("partly", ["no-private-room", "not-ready"]), 1: ("not_done", ["no-private-room"])},
    )

    summary = summarise_session(session, checklist, store.library)
    service = [g.reason_id for g in summary.by_level["service"]]
    assert service == ["no-private-room", "no-private-room"]
    assert [g.reason_id for g in summary.by_level["woman"]] == ["not-ready"]
    assert summary.no_reason == []

    period = build_summary(store, alex, since="2026-11-01", until="2026-11-30")
    assert period.barriers["service"]["no-private-room"] == 2
    assert period.barriers["woman"]["not-ready"] == 1
    # The first session's answer had no reason at all.
    assert period.no_reason == 1
    [critical] = [c for c in period.critical_not_done if c.reason] or [None]


def test_markdown_and_html_give_every_reason_for_a_critical_item() -> None:
    from reports import render_html, render_markdown
    from tests.test_reports_render import make_summary

    summary = make_summary()
    summary["critical_not_done"][0]["reasons"] = ["no-private-room", "not-enough-time"]
    both = "No private room to talk; Not enough time in the appointment"
    assert f"Why: {both}." in render_markdown(summary).replace("\n  ", " ")
    assert f"Why: {both}." in render_html(summary)
    # A summary written before `reasons` existed still reads its one `reason`.
    del summary["critical_not_done"][0]["reasons"]
    assert "Why: No private room to talk." in render_markdown(summary)
