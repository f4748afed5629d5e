"""The checklist schema of issue 15: kind, settings, stages, position, evidence and
guidance_source, and the limits checklist science gives (a built-in checklist outside them is
refused; a service's own only gets a warning)."""

from __future__ import annotations

import re

import pytest

from checklists.loader import load_checklist_file, load_library, parse_checklist
from checklists.model import SETTINGS, STAGES, Checklist
from tests.helpers import VERSION_1, quote_form, seed_text


def item(item_id: str, req: str = "7.1", extra: str = "", evidence: bool = True) -> str:
    text = (
        f"      - id: {item_id}\n"
        f"        prompt: I did {item_id}\n"
        f"        why: This matters for {item_id}. It helps her stay in touch.\n"
        f'        requirements: ["{req}"]\n'
    )
    if evidence:
        text += "        evidence:\n"
        text += f'          - requirement: "{req}"\n            passage: a passage\n'
    return text + extra


def checklist(
    kind: str | None, count: int, top: str = "", evidence: bool = True, extra: str = ""
) -> str:
    head = "id: demo\nversion: 1\ntitle: Demo\ndescription: A test.\nwhen: After a test\n"
    head += "mode: do-confirm\nsource: Synthetic\n"
    if kind:
        head += f"kind: {kind}\n"
    head += top + "sections:\n  - id: only\n    title: Only\n    items:\n"
    return head + "".join(item(f"i{n}", evidence=evidence) for n in range(count)) + extra


@pytest.fixture(scope="module")
def known() -> set[str]:
    return set(load_library().requirements)


def parse(text: str, known: set[str], builtin: bool) -> tuple[Checklist | None, list]:
    return parse_checklist(text, "demo.yaml", known, builtin=builtin)


def messages(problems, warning: bool) -> list[str]:
    return [p.message for p in problems if p.warning == warning]


# -- limits ------------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [4, 10])
def test_a_built_in_pause_point_of_4_or_10_items_is_refused(known, count):
    loaded, problems = parse(checklist("pause-point", count), known, builtin=True)
    assert loaded is None
    assert f"a pause-point checklist has 5 to 9 items; this one has {count}" in messages(
        problems, warning=False
    )


@pytest.mark.parametrize("count", [5, 9])
def test_a_built_in_pause_point_of_5_or_9_items_loads(known, count):
    loaded, problems = parse(checklist("pause-point", count), known, builtin=True)
    assert loaded is not None and problems == []
    assert loaded.is_pause_point


@pytest.mark.parametrize("count", [4, 10])
def test_a_services_own_pause_point_outside_the_limits_only_warns(known, count):
    loaded, problems = parse(checklist("pause-point", count), known, builtin=False)
    assert loaded is not None and len(loaded.items) == count
    assert messages(problems, warning=True) == [
        f"a pause-point checklist has 5 to 9 items; this one has {count}"
    ]


def test_a_built_in_core_showing_13_by_default_is_refused_and_12_loads(known):
    loaded, problems = parse(checklist("core", 13), known, builtin=True)
    assert loaded is None
    assert messages(problems, warning=False) == [
        "a core checklist shows at most 12 items with the setup's default answers;"
        " this one shows 13"
    ]
    loaded, problems = parse(checklist("core", 12), known, builtin=True)
    assert loaded is not None and problems == []


def test_a_core_counts_what_the_default_setup_shows(known):
    """Items hidden by a setup question (answered "no" by default) or by a setting other than
    the first listed do not count; an item shown after an earlier answer does."""
    top = "settings: [home_visit, clinic]\nsetup_questions:\n  - id: extra\n    label: Extra\n"
    text = checklist("core", 12, top=top)
    text += item("q1", extra="        show_if: {setup: {extra: true}}\n")
    text += item("q2", extra="        show_if: {setup: {setting: [clinic]}}\n")
    loaded, problems = parse(text, known, builtin=True)
    assert loaded is not None and problems == [], problems
    assert loaded.default_setup() == {"setting": "home_visit", "stage": "antenatal", "extra": False}
    text += item("q3", extra="        show_if: {item: i0, answer: [done]}\n")
    loaded, problems = parse(text, known, builtin=True)
    assert loaded is None
    assert "this one shows 13" in messages(problems, warning=False)[0]


def test_a_core_of_13_from_a_service_only_warns(known):
    loaded, problems = parse(checklist("core", 13), known, builtin=False)
    assert loaded is not None
    assert "this one shows 13" in messages(problems, warning=True)[0]


# -- kind, settings, stages, position -------------------------------------------------------------
def test_kind_is_required_of_a_built_in_checklist_and_only_warned_for_a_services(known):
    loaded, problems = parse(checklist(None, 5), known, builtin=True)
    assert loaded is None
    assert "the checklist has no 'kind' (core or pause-point)" in messages(problems, False)
    loaded, problems = parse(checklist(None, 5), known, builtin=False)
    assert loaded is not None and loaded.kind == "" and not loaded.is_pause_point
    assert messages(problems, True) == [
        "the checklist has no 'kind' (core or pause-point); it is treated as core"
    ]


def test_an_unknown_kind_is_refused(known):
    loaded, problems = parse(checklist("sometimes", 5), known, builtin=False)
    assert loaded is None
    assert "'kind' must be one of core, pause-point" in messages(problems, False)


def test_settings_stages_and_position_are_read_and_checked(known):
    top = "settings: [meeting, home_visit]\nstages: [birth]\nposition: 3\n"
    loaded, problems = parse(checklist("core", 5, top=top), known, builtin=True)
    assert loaded is not None and problems == []
    assert loaded.settings == ("meeting", "home_visit") and loaded.stages == ("birth",)
    assert loaded.position == 3
    assert loaded.setting_choices() == ["meeting", "home_visit"]
    assert loaded.default_setup()["stage"] == "birth"
    assert Checklist.from_dict(loaded.to_dict()) == loaded
    bad = "settings: [garden, meeting, meeting]\nstages: []\nposition: -1\n"
    loaded, problems = parse(checklist("core", 5, top=bad), known, builtin=True)
    assert loaded is None
    found = messages(problems, False)
    assert any("'settings' cannot include 'garden'" in m for m in found), found
    assert "'settings' lists 'meeting' twice" in found
    assert "'stages' must not be empty" in found
    assert "'position' must be a whole number, 0 or more" in found


def test_meeting_and_birth_are_known_setting_and_stage():
    assert ("meeting", "Meeting or case conference") in SETTINGS
    assert ("birth", "Birth or postnatal ward") in STAGES


# -- evidence and guidance_source ---------------------------------------------------------------
def test_a_built_in_item_needs_evidence_a_services_need_not(known):
    loaded, problems = parse(checklist("core", 5, evidence=False), known, builtin=True)
    assert loaded is None
    assert "item 'i0' has no 'evidence' (the requirement and the passage it comes from)" in (
        messages(problems, False)
    )
    loaded, problems = parse(checklist("core", 5, evidence=False), known, builtin=False)
    assert loaded is not None and problems == []


def test_evidence_must_cite_one_of_the_items_requirements(known):
    text = checklist("core", 5).replace('- requirement: "7.1"', '- requirement: "8.1"', 1)
    loaded, problems = parse(text, known, builtin=False)
    assert loaded is None
    assert "evidence in item 'i0' cites 8.1, which is not in its 'requirements'" in messages(
        problems, False
    )
    text = checklist("core", 5).replace('- requirement: "7.1"', "- requirement: 7.1", 1)
    loaded, problems = parse(text, known, builtin=False)
    assert loaded is None
    assert any("must be in quotes" in m for m in messages(problems, False))


def test_evidence_and_guidance_source_round_trip_and_change_the_hash(known):
    extra = "        guidance_source: NICE guideline NG201, Antenatal care\n"
    text = checklist("pause-point", 4) + item("last", extra=extra)
    loaded, problems = parse(text, known, builtin=True)
    assert loaded is not None and problems == []
    last = loaded.item("last")
    assert last.guidance_source == "NICE guideline NG201, Antenatal care"
    assert [(e.requirement, e.passage) for e in last.evidence] == [("7.1", "a passage")]
    again = Checklist.from_dict(loaded.to_dict())
    assert again == loaded and again.content_hash == loaded.content_hash
    other, _ = parse(text.replace("a passage", "another passage", 1), known, builtin=True)
    assert other.content_hash != loaded.content_hash


def test_a_long_evidence_passage_is_warned_about(known):
    long = " ".join(["word"] * 45)
    text = checklist("core", 5).replace("passage: a passage", f"passage: {long}", 1)
    loaded, problems = parse(text, known, builtin=True)
    assert loaded is not None
    assert messages(problems, True) == [
        "evidence in item 'i0' quotes 45 words; keep a passage to about 30"
    ]


def test_a_version_1_wording_keeps_its_hash():
    """A stored wording from before the new fields rebuilds to the same hash, so old sessions
    still find it (the new fields are written only when present)."""
    known = set(load_library().requirements)
    v1, _ = load_checklist_file(VERSION_1, known)
    data = v1.to_dict()
    assert not {"kind", "settings", "stages", "position"} & data.keys()
    assert all("evidence" not in i for s in data["sections"] for i in s["items"])
    assert Checklist.from_dict(data).content_hash == v1.content_hash


# -- the shipped content against the seeds --------------------------------------------------------
def normalise(text: str) -> str:
    return quote_form(text).lower()


@pytest.fixture(scope="module")
def seeds() -> str:
    return normalise(seed_text())  # never empty: a check against nothing would pass unseen


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_every_built_in_item_has_evidence_within_its_requirements(library):
    assert library.errors == []
    for checklist in library.checklists.values():
        for entry in checklist.items:
            assert entry.evidence, f"{checklist.id}/{entry.id}"
            for evidence in entry.evidence:
                assert evidence.requirement in entry.requirements, f"{checklist.id}/{entry.id}"


def test_every_evidence_passage_is_found_in_the_seeds(library, seeds):
    missing = [
        f"{checklist.id}/{entry.id}: {evidence.passage}"
        for checklist in library.checklists.values()
        for entry in checklist.items
        for evidence in entry.evidence
        if normalise(evidence.passage) not in seeds
    ]
    assert missing == []


def test_every_pause_point_why_has_two_sentences_or_more(library):
    for checklist in library.checklists.values():
        if checklist.is_pause_point:
            for entry in checklist.items:
                sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry.why) if s.strip()]
                assert len(sentences) >= 2, f"{checklist.id}/{entry.id}"


def test_every_built_in_checklist_names_its_when_settings_and_stages(library):
    for checklist in library.checklists.values():
        assert checklist.kind in ("core", "pause-point"), checklist.id
        assert checklist.when and "\n" not in checklist.when, checklist.id
        assert checklist.settings and checklist.stages, checklist.id
        assert checklist.position is not None, checklist.id


# -- setup facts ---------------------------------------------------------------------------------
def test_setup_facts_are_set_in_every_session_and_checked(known):
    """A moment of care can say what setup would otherwise ask (after a removal, her baby has
    been removed): every session has it, so the reasons that need it are offered."""
    top = "setup_facts: {baby_removed: true}\n"
    loaded, problems = parse(checklist("core", 5, top=top), known, builtin=True)
    assert loaded is not None and problems == []
    assert loaded.default_setup()["baby_removed"] is True
    assert Checklist.from_dict(loaded.to_dict()) == loaded
    for bad, said in (
        ("setup_facts: [baby_removed]\n", "must be a mapping"),
        ("setup_facts: {setting: true}\n", "must be the id of a yes/no setup answer"),
        ("setup_facts: {baby_removed: maybe}\n", "must be true or false"),
        (
            "setup_questions:\n  - id: baby_removed\n    label: Removed\n"
            "setup_facts: {baby_removed: true}\n",
            "cannot also be a fact",
        ),
    ):
        loaded, problems = parse(checklist("core", 5, top=bad), known, builtin=True)
        assert loaded is None and any(said in m for m in messages(problems, False)), bad


def test_after_a_removal_the_removal_reasons_are_offered(store, alex):
    """The after-removal checklist asks no setup question about a removal, yet its sessions
    are after one: "No support service after a removal" must be offered there."""
    checklist = store.library.checklists["after-removal"]
    session = store.start_session(alex, checklist, {})
    assert session.setup["baby_removed"] is True
    offered = {r.id for r in store.library.reasons if r.offered(session.setup, [])}
    assert {"no-support-after-removal", "too-soon-after-removal"} <= offered
    core = store.start_session(alex, store.library.checklists["any-contact"], {})
    assert not {r.id for r in store.library.reasons if r.offered(core.setup, [])} & {
        "no-support-after-removal",
        "too-soon-after-removal",
    }


@pytest.mark.parametrize(
    "title",
    ['"\\e[31mRed\\e[0m"', '"\\e]0;window title\\a"', '"Back\\rspace"', '"Trojan \\u202e txt"'],
)
def test_a_control_character_in_checklist_text_is_refused(known, title):
    """A service's checklist file could otherwise write to the terminal of whoever lists it
    (`checklists list`, line mode): escapes, bells, carriage returns and bidi overrides."""
    text = checklist("core", 5).replace("title: Demo", f"title: {title}")
    loaded, problems = parse(text, known, builtin=False)
    assert loaded is None
    assert any("holds a control character" in m for m in messages(problems, False)), problems
