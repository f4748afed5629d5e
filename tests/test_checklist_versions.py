"""A new version of the core checklist (issue 15) leaves sessions answered on version 1 as
they were: an old draft resumes on its own wording and renders, and summaries count by
requirement across the two versions. All people and text are synthetic."""

from __future__ import annotations

import json
from datetime import date, timedelta

from store import Store
from store.reports.period import build_summary
from tests.helpers import SIZE, finish_session, screen_text, settle, sign_in
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen


async def why_of_the_resumed_draft(data_dir, size=(100, 50)) -> str:
    """Sign in, `r` (the one unfinished checklist), `w`: the screen's text."""
    app = SteppingStonesApp(data_dir=data_dir)
    async with app.run_test(size=size) as pilot:
        await sign_in(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecklistScreen)
        await pilot.press("w")
        await settle(app, pilot)
        return screen_text(app)


def test_the_shipped_core_is_a_new_version(checklist, checklist_v1) -> None:
    assert checklist.id == checklist_v1.id == "any-contact"
    assert (checklist_v1.version, checklist.version) == ("1", "2")
    assert checklist.content_hash != checklist_v1.content_hash
    assert "baby-removed" not in {s.id for s in checklist.sections}


async def test_an_old_draft_of_version_1_resumes_on_its_own_wording(store, alex, checklist_v1):
    session = store.start_session(alex, checklist_v1, {"baby_removed": True})
    first = session.visible_items(checklist_v1)[0]
    session.answer(first, "done")
    store.sessions.save_draft(session)

    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        assert screen.checklist.version == "1"
        assert screen.checklist.content_hash == checklist_v1.content_hash
        # Version 1's removed-baby section is still there for this draft.
        assert "coping-and-safety" in {item.id for item in screen.items}
        shown = len(session.visible_items(checklist_v1))  # 23: one item waits on an answer
        assert screen.index == 1 and f"Item 2 of {shown}" in screen_text(app)
        assert checklist_v1.items[1].prompt in screen_text(app)
        await pilot.press("w")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Why it matters:" in text and "From the evidence:" not in text


async def test_w_shows_the_why_then_the_evidence(store, alex, checklist):
    session = store.start_session(alex, checklist, {})
    store.sessions.save_draft(session)
    text = " ".join((await why_of_the_resumed_draft(store.data_dir)).split())
    item = checklist.items[0]
    evidence = item.evidence[0]
    assert "Why it matters:" in text and "From the evidence:" in text
    assert text.index("Why it matters:") < text.index("From the evidence:")
    assert f"{evidence.requirement} Taking and spending time:" in text
    assert " ".join(evidence.passage.split()[:6]) in text


def test_summaries_count_by_requirement_across_versions(team, checklist, checklist_v1) -> None:
    store, sam, jo, _kit = team
    when = (date.today() - timedelta(days=2)).isoformat() + "T10:00:00+00:00"
    # Every item of each version answered Done.
    for wording in (checklist_v1, checklist):
        count = len(wording.visible_items({"setting": "clinic", "stage": "antenatal"}, {}))
        finish_session(store, jo, wording, when, {i: ("done", None) for i in range(count)})
    summary = build_summary(Store(store.data_dir), sam, of=jo).as_dict()
    assert summary["activity"]["finished"] == 2

    def cited(wording, number: str) -> int:
        shown = wording.visible_items({"setting": "clinic", "stage": "antenatal"}, {})
        return sum(1 for item in shown if number in item.requirements)

    for number in ("7.1", "7.5", "8.1", "8.4"):
        row = summary["requirements"][number]
        assert row["done"] == cited(checklist_v1, number) + cited(checklist, number), number
        assert cited(checklist_v1, number) and cited(checklist, number), number
    # 5.2: cited only by version 2 (no-repeat-story), counted from that session alone.
    assert summary["requirements"]["5.2"]["done"] == cited(checklist, "5.2") == 1


def test_a_session_on_the_new_core_exports_to_valid_fhir(team, checklist, tmp_path) -> None:
    """The FHIR export of version 2 (the new setting and stage values included) validates as
    R4B; tests/test_interop_fhir.py runs the outside validators on the same export code."""
    from fhir.resources.R4B import get_fhir_model_class

    from services.interop import export_fhir
    from tests.helpers import PASSPHRASE

    store, _sam, jo, _kit = team
    when = (date.today() - timedelta(days=1)).isoformat() + "T10:00:00+00:00"
    answers = {0: ("done", None), 1: ("partly", "not-enough-time"), 2: ("not_applicable", None)}
    finish_session(store, jo, checklist, when, answers, setting="meeting", stage="birth")
    fresh = Store(store.data_dir)
    sam = fresh.people.authenticate("Sam Supervisor", PASSPHRASE)
    out = tmp_path / "fhir"
    report = export_fhir(fresh, sam, out, of=fresh.people.find("Jo Patel"))
    assert report["questionnaires"] == 1 and report["responses"] == 1
    for path in out.glob("*.json"):
        resource = json.loads(path.read_text(encoding="utf-8"))
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        if resource["resourceType"] == "Questionnaire":
            assert resource["version"].startswith("2+")
        if resource["resourceType"] == "QuestionnaireResponse":
            text = json.dumps(resource)
            assert '"code": "meeting"' in text and '"code": "birth"' in text


async def test_w_shows_a_services_own_text_as_text_never_as_markup(store, alex, tmp_path):
    """A service's checklist folder is anyone's to write: markup in a why, an evidence passage
    or a guidance source is shown as typed, never styled or made into a link."""
    hostile = "[link=https://example.invalid]click[/link] [reverse]x[/reverse]"
    folder = store.data_dir / "checklists"
    folder.mkdir(exist_ok=True)
    items = "".join(
        f"      - id: i{n}\n"
        f"        prompt: I did thing {n}\n"
        f'        why: "Why {n}. {hostile}"\n'
        f'        requirements: ["7.1"]\n'
        f"        evidence:\n"
        f'          - requirement: "7.1"\n'
        f'            passage: "{hostile}"\n'
        f'        guidance_source: "{hostile}"\n'
        for n in range(5)
    )
    (folder / "own.yaml").write_text(
        "id: own\nversion: 1\nkind: pause-point\nposition: 99\ntitle: Our own\n"
        "description: A service's own.\nwhen: After our own contact\nmode: do-confirm\n"
        "source: Local\nsections:\n  - id: s\n    title: S\n    items:\n" + items,
        encoding="utf-8",
    )
    fresh = Store(store.data_dir)
    own = fresh.library.checklists["own"]
    session = fresh.start_session(fresh.people.find("Alex Reid"), own, {})
    fresh.sessions.save_draft(session)
    text = await why_of_the_resumed_draft(store.data_dir)
    assert f"Why 0. {hostile}" in text  # the why itself, as typed
    assert text.count("[link=https://example.invalid]click[/link]") == 3
    assert "[reverse]x[/reverse]" in text


async def test_the_picker_lists_by_moment_of_care_and_setup_starts_from_the_checklists_own(
    store, alex
):
    """Core first (position 0), a service's own pause point at position 1 after it; choosing
    that one, the setup offers its settings and stages only, starting from the first it
    lists."""
    from tui.screens.picker import PickerScreen
    from tui.screens.setup import SetupScreen
    from tui.widgets.choice_field import ChoiceField

    folder = store.data_dir / "checklists"
    folder.mkdir(exist_ok=True)
    items = "".join(
        f'      - id: i{n}\n        prompt: I did {n}\n        why: "A. B."\n'
        f'        requirements: ["7.1"]\n'
        for n in range(5)
    )
    (folder / "meeting.yaml").write_text(
        "id: our-meeting\nversion: 1\nkind: pause-point\nposition: 1\ntitle: Our meeting\n"
        "description: A service's own.\nwhen: Before and after a case conference\n"
        "mode: do-confirm\nsource: Local\nsettings: [meeting, phone_video]\n"
        "stages: [birth, postnatal]\nsections:\n  - id: s\n    title: S\n    items:\n" + items,
        encoding="utf-8",
    )
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        listed = app.screen.query_one("#checklists")
        text = "\n".join(
            str(listed.get_option_at_index(n).prompt) for n in range(listed.option_count)
        )
        assert text.index("Any contact") < text.index("Our meeting")
        assert "When: Before and after a case conference" in text
        assert "5 items · pause point · version 1" in text
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SetupScreen)
        setting = app.screen.query_one("#setting", ChoiceField)
        stage = app.screen.query_one("#stage", ChoiceField)
        assert [key for key, _ in setting.options] == ["meeting", "phone_video"]
        assert setting.value == "meeting" and stage.value == "birth"
        assert "Meeting or case conference" in str(setting.render())
        assert "Birth or postnatal ward" in str(stage.render())
