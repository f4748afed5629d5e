"""The six pause-point checklists (issue 15, part 3): one short list for each moment of care.

Each loads with the real loader, has 5 to 9 items, cites the Theory of Change for every item
with a passage that stands in the published text (`../shared/seeds/`, beside the repository
here and in CI), speaks as the app asks staff to speak, and can be picked, set up and
answered through to the Reflection.
"""

from __future__ import annotations

import re

import pytest
import yaml

from checklists import load_library
from checklists.language import default_guide
from checklists.yaml_source import builtin_data_dir
from tests.helpers import (
    PASSPHRASE,
    SIZE,
    answer_the_rest,
    quote_form,
    screen_text,
    seed_text,
    settle,
    sign_in,
)

PAUSE_POINTS = (
    "first-contact",
    "home-visit",
    "cp-meeting",
    "birth-ward",
    "handover",
    "after-removal",
)

# Critical only where the seeds make it so: "essential" (contact method, perinatal mental
# health), "crucial" (keeping women in touch with services), "critical" (support after a
# removal), the greater risk of suicide or overdose after a removal, and privacy that
# protects "potentially their safety". A change to this list is a decision: make it here.
CRITICAL = {
    "first-contact": {"fc-contact-preference", "fc-mental-health-offered"},
    "home-visit": {"hv-private-first", "hv-missed-contact-followed-up"},
    "cp-meeting": {"cp-what-to-expect"},
    "birth-ward": {"bw-private-room"},
    "handover": set(),
    "after-removal": {"ar-suicide-asked", "ar-overdose-safety", "ar-own-support"},
}
# Words that only national guidance supports, never the seeds: an item using one names it.
NATIONAL_GUIDANCE_WORDS = ("naloxone", "tolerance")

normalise = quote_form


@pytest.fixture(scope="module")
def seeds_text() -> str:
    return normalise(seed_text())  # never empty: unchecked evidence must be seen


@pytest.fixture(scope="module")
def library():
    return load_library()


def raw(checklist_id: str) -> dict:
    return yaml.safe_load((builtin_data_dir() / f"{checklist_id}.yaml").read_text())


def raw_items(checklist_id: str) -> list[dict]:
    return [item for section in raw(checklist_id)["sections"] for item in section["items"]]


@pytest.mark.parametrize("checklist_id", PAUSE_POINTS)
def test_each_pause_point_loads_cleanly_with_five_to_nine_items(library, checklist_id) -> None:
    path = str(builtin_data_dir() / f"{checklist_id}.yaml")
    assert [p for p in library.problems if p.path == path] == []
    checklist = library.checklists[checklist_id]
    assert checklist.kind == "pause-point"
    assert 5 <= len(checklist.items) <= 9
    assert checklist.when and "\n" not in checklist.when
    assert checklist.settings and checklist.stages


def test_the_moments_of_care_come_in_the_order_of_a_pregnancy(library) -> None:
    positions = [library.checklists[c].position for c in PAUSE_POINTS]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)


def test_item_ids_are_unique_across_every_checklist(library) -> None:
    seen: dict[str, str] = {}
    for checklist in library.checklists.values():
        for item in checklist.items:
            assert item.id not in seen, f"{item.id} is in {seen.get(item.id)} and {checklist.id}"
            seen[item.id] = checklist.id


@pytest.mark.parametrize("checklist_id", PAUSE_POINTS)
def test_every_item_cites_a_passage_found_in_the_seeds(seeds_text, checklist_id) -> None:
    for item in raw_items(checklist_id):
        evidence = item.get("evidence") or []
        assert evidence, f"{item['id']} has no evidence"
        for entry in evidence:
            assert entry["requirement"] in item["requirements"], item["id"]
            passage = entry["passage"]
            assert len(passage.split()) <= 35, f"{item['id']}: a short passage, please"
            assert normalise(passage) in seeds_text, f"{item['id']}: not in the seeds: {passage}"


def test_the_passage_check_finds_a_quote_and_refuses_an_invented_one(seeds_text) -> None:
    assert normalise("asking women how they prefer  to be contacted is essential") in seeds_text
    assert normalise("women said transparency was what they most wanted") not in seeds_text


@pytest.mark.parametrize("checklist_id", PAUSE_POINTS)
def test_every_why_has_two_sentences_and_items_ask_one_thing(checklist_id) -> None:
    for item in raw_items(checklist_id):
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", item["why"].strip()) if s]
        assert len(sentences) >= 2, item["id"]
        assert item["prompt"].startswith("I "), item["id"]  # do-confirm: what I did


@pytest.mark.parametrize("checklist_id", PAUSE_POINTS)
def test_no_stigmatising_words_in_what_the_app_shows(checklist_id) -> None:
    guide = default_guide()
    data = raw(checklist_id)
    texts = [data["title"], data["description"], data["when"]]
    for section in data["sections"]:
        texts.append(section["title"])
        for item in section["items"]:
            texts += [item["prompt"], item["why"], item.get("guidance") or ""]
    for text in texts:
        assert guide.find(text) == [], text


@pytest.mark.parametrize("checklist_id", PAUSE_POINTS)
def test_critical_items_are_those_the_seeds_make_critical(library, checklist_id) -> None:
    checklist = library.checklists[checklist_id]
    assert {item.id for item in checklist.items if item.critical} == CRITICAL[checklist_id]


@pytest.mark.parametrize("checklist_id", PAUSE_POINTS)
def test_national_guidance_is_named_where_it_is_used(checklist_id) -> None:
    for item in raw_items(checklist_id):
        text = " ".join((item["prompt"], item["why"], item.get("guidance") or "")).lower()
        if any(word in text for word in NATIONAL_GUIDANCE_WORDS):
            assert item.get("guidance_source"), item["id"]
            assert not any(word in item["why"].lower() for word in NATIONAL_GUIDANCE_WORDS)


async def test_a_pause_point_is_picked_set_up_and_answered_to_the_reflection(store, alex) -> None:
    from textual.widgets import OptionList

    from tui.app import SteppingStonesApp
    from tui.screens.checklist import ChecklistScreen
    from tui.screens.reflection import ReflectionScreen
    from tui.screens.setup import SetupScreen

    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        options = app.screen.query_one("#checklists", OptionList)

        def highlighted() -> str | None:
            at = options.highlighted
            return None if at is None else options.get_option_at_index(at).id

        for _ in range(options.option_count):  # as a person would: down until it is there
            if highlighted() == "birth-ward":
                break
            await pilot.press("down")
        assert highlighted() == "birth-ward"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.checklist.id == "birth-ward"
        await pilot.press("enter")  # the setup's defaults
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        items = app.store.library.checklists["birth-ward"].items
        assert [item.id for item in screen.items] == [item.id for item in items]
        assert "Item 1 of 8" in screen_text(app)
        await answer_the_rest(app, pilot, "1")
        assert isinstance(app.screen, ReflectionScreen)
        assert app.screen.title == "Reflection"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Finished and saved" in screen_text(app)

    person = store.people.authenticate("Alex Reid", PASSPHRASE)
    [session] = store.sessions.finished(person.id, person)
    assert session.checklist_id == "birth-ward"
    assert {a["response"] for a in session.answers.values()} == {"done"}
    assert set(session.answers) == {item.id for item in items}
