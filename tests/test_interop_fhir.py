"""FHIR R4 export: valid resources that link up, de-identified unless asked.

All data here is synthetic: invented staff names, a made-up case pseudonym, no women's details.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from checklists import NEEDS_REASON, Checklist
from cli.main import main
from services.interop import export_fhir
from store import PermissionDenied, Store
from store.errors import InvalidInput
from store.interop.fhir import (
    CS_REASON,
    conditions_not_expressed,
    questionnaire,
    questionnaire_response,
)
from tests.helpers import PASSPHRASE, confirm_supervisors, one_line

SECRET_NOTE = "Offered the quiet room upstairs next time"
FORMULA_NOTE = '=HYPERLINK("https://example.invalid","synthetic")'
SECRET_REFLECTION = "I felt unsure how to raise the next meeting"
CASE_REF = "TEAM-B-0042"
AUTHOR = "Jo Patel"
REASONS_FOR = {"partly": "not-enough-time", "not_done": "no-private-room"}


def answer_all(session, checklist, responses, reasons=True):
    """Answer each shown item in turn (what is shown changes as answers are given)."""
    index = 0
    while True:
        todo = session.unanswered(checklist)
        if not todo:
            return
        item = todo[0]
        response = responses[index % len(responses)]
        session.answer(item, response)
        if reasons and response in NEEDS_REASON:
            session.set_reason(item, REASONS_FOR[response])
        index += 1


def build_team(store: Store, checklist: Checklist) -> SimpleNamespace:
    """Alex (admin), Sam (supervisor of Jo), Jo and Kit (practitioners), and Jo's sessions."""
    alex = store.people.create_first("Alex Reid", PASSPHRASE, again=PASSPHRASE)
    sam = store.people.add("Sam Supervisor", ["supervisor"], PASSPHRASE, acting=alex)
    jo = store.people.add(AUTHOR, ["practitioner"], PASSPHRASE, ["Sam Supervisor"], alex)
    kit = store.people.add("Kit Novak", ["practitioner"], PASSPHRASE, acting=alex)

    # 1. Finished in clinic, antenatal, with a case pseudonym, reasons (two on the second
    # answer), a note and a reflection.
    first = store.start_session(jo, checklist, {"case_ref": CASE_REF})
    items = first.visible_items(checklist)
    first.answer(items[0], "not_done")
    first.set_reason(items[0], "no-private-room")
    first.set_note(items[0], SECRET_NOTE)
    first.answer(items[1], "partly")
    first.set_reasons(items[1], ["she-chose-not-to", "not-enough-time"])
    answer_all(first, checklist, ["done", "not_applicable"])
    first.set_reflection("feelings", SECRET_REFLECTION)
    store.sessions.save_draft(first)
    first = store.sessions.finish(first)

    # 2. Finished at home, postnatal, after her baby was removed: the extra section applies.
    removed = store.start_session(
        jo, checklist, {"setting": "home_visit", "stage": "postnatal", "baby_removed": True}
    )
    answer_all(removed, checklist, ["done", "partly", "not_done", "not_applicable"])
    store.sessions.save_draft(removed)
    removed = store.sessions.finish(removed)

    # 3. Finished: "safe to contact" answered, then hidden by changing the answer before it.
    hidden = store.start_session(jo, checklist, {"setting": "outreach"})
    preferred = checklist.item("preferred-contact")
    hidden.answer(preferred, "done")
    hidden.answer(checklist.item("safe-to-contact"), "done")
    hidden.answer(preferred, "not_done")
    answer_all(hidden, checklist, ["done"])
    store.sessions.save_draft(hidden)
    hidden = store.sessions.finish(hidden)

    # 4. A draft with a few answers, a note that looks like a formula, and no reason given.
    draft = store.start_session(jo, checklist, {"setting": "phone_video"})
    items = draft.visible_items(checklist)
    draft.answer(items[0], "done")
    draft.set_note(items[0], FORMULA_NOTE)
    draft.answer(items[1], "not_done")
    draft.set_reflection("went_well", "+ kept calm throughout")
    store.sessions.save_draft(draft)

    # Kit's session: Sam may not read it.
    other = store.start_session(kit, checklist, {})
    answer_all(other, checklist, ["done"])
    store.sessions.save_draft(other)
    store.sessions.finish(other)

    return SimpleNamespace(
        store=store,
        alex=alex,
        sam=sam,
        jo=jo,
        kit=kit,
        checklist=checklist,
        first=first,
        removed=removed,
        hidden=hidden,
        draft=draft,
        sessions=[first, removed, hidden, draft],
    )


@pytest.fixture
def team(store, checklist_v1) -> SimpleNamespace:
    # Version 1: its removed-baby section and answer-dependent item are what this exercises.
    return build_team(store, checklist_v1)


def read_dir(folder: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}


def sam_signed_in(team) -> object:
    return Store(team.store.data_dir).people.authenticate("Sam Supervisor", PASSPHRASE)


def export_as_sam(team, out: Path, **options) -> tuple[dict, dict[str, dict]]:
    store = Store(team.store.data_dir)
    sam = store.people.authenticate("Sam Supervisor", PASSPHRASE)
    report = export_fhir(store, sam, out, of=store.people.find(AUTHOR), **options)
    return report, read_dir(out)


def of_type(files: dict[str, dict], resource_type: str) -> list[dict]:
    return [r for r in files.values() if r.get("resourceType") == resource_type]


def everything_text(files: dict[str, dict]) -> str:
    return json.dumps(files, ensure_ascii=False)


# -- walking Questionnaire and QuestionnaireResponse items -----------------------------------
def value_key(thing: dict):
    for key in ("valueCoding", "answerCoding"):
        if key in thing:
            return (thing[key]["system"], thing[key]["code"])
    for key in ("valueBoolean", "answerBoolean"):
        if key in thing:
            return bool(thing[key])
    return thing.get("valueString")


def all_answers(items: list[dict], found: dict | None = None) -> dict[str, list[dict]]:
    found = {} if found is None else found
    for item in items:
        found.setdefault(item["linkId"], []).extend(item.get("answer", []))
        all_answers(item.get("item", []), found)
        for answer in item.get("answer", []):
            all_answers(answer.get("item", []), found)
    return found


def enable_test(test: dict, answers: list[dict]) -> bool:
    operator = test["operator"]
    if operator == "exists":
        return bool(answers) == test["answerBoolean"]
    wanted = value_key(test)
    if operator == "=":
        return any(value_key(a) == wanted for a in answers)
    if operator == "!=":
        return bool(answers) and all(value_key(a) != wanted for a in answers)
    raise AssertionError(f"unexpected operator {operator}")


def enabled(q_item: dict, answers: dict[str, list[dict]]) -> bool:
    tests = q_item.get("enableWhen")
    if not tests:
        return True
    results = [enable_test(t, answers.get(t["question"], [])) for t in tests]
    return all(results) if q_item.get("enableBehavior", "all") == "all" else any(results)


def check_items(q_items: list[dict], r_items: list[dict], answers, reason_codes, path="") -> int:
    """Every answered linkId exists under the same parent, is enabled, fits its type."""
    by_link = {q["linkId"]: q for q in q_items}
    checked = 0
    for r_item in r_items:
        link = r_item["linkId"]
        assert link in by_link, f"{path}/{link} is not in the Questionnaire"
        q_item = by_link[link]
        assert enabled(q_item, answers), f"{path}/{link} is answered but not enabled"
        assert q_item["type"] != "display"
        for answer in r_item.get("answer", []):
            checked += 1
            if q_item["type"] == "choice" and "answerOption" in q_item:
                options = [value_key(o) for o in q_item["answerOption"]]
                assert value_key(answer) in options
            elif q_item["type"] == "choice":
                assert q_item["answerValueSet"].endswith("/ValueSet/reason")
                assert answer["valueCoding"]["system"] == CS_REASON
                assert answer["valueCoding"]["code"] in reason_codes
            elif q_item["type"] == "boolean":
                assert isinstance(answer["valueBoolean"], bool)
            elif q_item["type"] == "text":
                assert isinstance(answer["valueString"], str)
                assert len(answer["valueString"]) <= q_item["maxLength"]
            else:
                raise AssertionError(f"unexpected item type {q_item['type']}")
            checked += check_items(
                q_item.get("item", []), answer.get("item", []), answers, reason_codes, link
            )
        assert not (r_item.get("item") and any(a.get("item") for a in r_item.get("answer", [])))
        checked += check_items(
            q_item.get("item", []), r_item.get("item", []), answers, reason_codes, link
        )
    return checked


def questions(items: list[dict]) -> dict[str, dict]:
    found = {}
    for item in items:
        found[item["linkId"]] = item
        found.update(questions(item.get("item", [])))
    return found


# -- the tests -------------------------------------------------------------------------------
def test_every_resource_and_the_bundle_validate_as_r4b(team, tmp_path) -> None:
    report, files = export_as_sam(team, tmp_path / "fhir")
    assert report["questionnaires"] == 1 and report["responses"] == 4
    assert report["completed"] == 3 and report["in_progress"] == 1
    assert report["conditions_not_expressed"] == []
    for name, resource in files.items():
        model = get_fhir_model_class(resource["resourceType"])
        model.model_validate(resource)
        if name != "bundle.json":
            assert name == f"{resource['resourceType']}-{resource['id']}.json"
    bundle = files["bundle.json"]
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection" and bundle["timestamp"]
    assert len(bundle["entry"]) == len(files) - 1
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert all(u.startswith("urn:uuid:") for u in full_urls)
    in_bundle = {(e["resource"]["resourceType"], e["resource"]["id"]) for e in bundle["entry"]}
    on_disk = {(r["resourceType"], r["id"]) for n, r in files.items() if n != "bundle.json"}
    assert in_bundle == on_disk
    assert sorted(report["files"]) == sorted(files)


def test_every_answered_link_id_exists_is_enabled_and_fits_its_question(team, tmp_path) -> None:
    _, files = export_as_sam(team, tmp_path / "fhir")
    written = {f"{q['url']}|{q['version']}": q for q in of_type(files, "Questionnaire")}
    [reasons] = [c for c in of_type(files, "CodeSystem") if c["url"] == CS_REASON]
    reason_codes = {c["code"] for c in reasons["concept"]}
    responses = of_type(files, "QuestionnaireResponse")
    assert {r["id"] for r in responses} == {s.id for s in team.sessions}
    for response in responses:
        QuestionnaireResponse.model_validate(response)
        assert response["questionnaire"] in written  # points at a Questionnaire written
        form = written[response["questionnaire"]]
        answers = all_answers(response["item"])
        checked = check_items(form["item"], response["item"], answers, reason_codes)
        assert checked > 0
        # Link ids are unique in the Questionnaire.
        links = []

        def collect(items, links=links):
            for item in items:
                links.append(item["linkId"])
                collect(item.get("item", []))

        collect(form["item"])
        assert len(links) == len(set(links))


def test_questionnaire_carries_answers_requirements_conditions_and_why(team) -> None:
    checklist = team.checklist
    form = questionnaire(checklist)
    Questionnaire.model_validate(form)
    assert form["url"].endswith("/Questionnaire/any-contact")
    assert form["version"] == f"{checklist.version}+{checklist.content_hash}"
    assert form["status"] == "active"
    found = questions(form["item"])
    item = checklist.items[0]
    question = found[item.id]
    assert question["type"] == "choice" and question["text"] == item.prompt
    assert [o["valueCoding"]["code"] for o in question["answerOption"]] == [
        "done",
        "partly",
        "not-done",
        "not-applicable",
    ]
    assert [c["code"] for c in question["code"] if c["system"].endswith("toc-requirement")] == list(
        item.requirements
    )
    assert found[f"{item.id}.why"] == {
        "linkId": f"{item.id}.why",
        "text": item.why,
        "type": "display",
    }
    reason = found[f"{item.id}.reason"]
    assert reason["enableBehavior"] == "any"
    assert {t["answerCoding"]["code"] for t in reason["enableWhen"]} == {"partly", "not-done"}
    critical = [i for i in checklist.items if i.critical][0]
    assert any(c["code"] == "critical" for c in found[critical.id]["code"])
    # An earlier item's answers: one test per answer, any of them.
    safe = found["safe-to-contact"]
    assert safe["enableBehavior"] == "any"
    assert {(t["question"], t["answerCoding"]["code"]) for t in safe["enableWhen"]} == {
        ("preferred-contact", "done"),
        ("preferred-contact", "partly"),
    }
    # A setup choice: the section for a removed baby.
    section = found["baby-removed"]
    assert section["type"] == "group"
    assert section["enableWhen"] == [
        {"question": "setup.baby_removed", "operator": "=", "answerBoolean": True}
    ]
    assert found["setup.baby_removed"]["type"] == "boolean"
    assert "setup.case_ref" not in found


def test_conditions_map_to_enable_when_or_are_named_when_they_cannot(team) -> None:
    data = team.checklist.to_dict()
    items = data["sections"][0]["items"]
    items[1]["show_if"] = {"setup": {"setting": ["clinic", "home_visit"]}}
    items[2]["show_if"] = {
        "setup": {"setting": ["clinic", "home_visit", "hospital_ward", "phone_video", "outreach"]}
    }
    items[3]["show_if"] = {
        "item": items[0]["id"],
        "answer": ["done", "partly", "not_done", "not_applicable"],
    }
    items[4]["show_if"] = {"setup": {"stage": ["postnatal"], "baby_removed": [True]}}
    items[5]["show_if"] = {"setup": {"setting": ["clinic", "home_visit"], "stage": ["postnatal"]}}
    changed = Checklist.from_dict(data)
    found = questions(questionnaire(changed)["item"])
    one_of_two = found[items[1]["id"]]
    assert one_of_two["enableBehavior"] == "any"
    assert [t["answerCoding"]["code"] for t in one_of_two["enableWhen"]] == ["clinic", "home_visit"]
    [all_but_one] = found[items[2]["id"]]["enableWhen"]
    assert all_but_one["operator"] == "!=" and all_but_one["answerCoding"]["code"] == "meeting"
    assert found[items[3]["id"]]["enableWhen"] == [
        {"question": items[0]["id"], "operator": "exists", "answerBoolean": True}
    ]
    both = found[items[4]["id"]]
    assert both["enableBehavior"] == "all" and len(both["enableWhen"]) == 2
    assert "enableWhen" not in found[items[5]["id"]]  # an "and" of "or"s: always enabled
    [named] = conditions_not_expressed(changed)
    assert items[5]["id"] in named
    Questionnaire.model_validate(questionnaire(changed))


def test_two_wordings_of_one_version_are_two_questionnaires(team) -> None:
    checklist = team.checklist
    reworded = dataclasses.replace(checklist, title=checklist.title + " (reworded)")
    one, two = questionnaire(checklist), questionnaire(reworded)
    assert one["url"] == two["url"]
    assert one["version"] != two["version"] and one["id"] != two["id"]
    assert one["version"].startswith(f"{checklist.version}+")


def test_responses_carry_status_answers_reasons_and_notes(team, tmp_path) -> None:
    _, files = export_as_sam(team, tmp_path / "fhir")
    responses = {r["id"]: r for r in of_type(files, "QuestionnaireResponse")}
    first = responses[team.first.id]
    assert first["status"] == "completed"
    assert first["authored"] == team.first.record["completed_at"]
    draft = responses[team.draft.id]
    assert draft["status"] == "in-progress"
    assert draft["authored"] == team.draft.record["updated_at"]

    found = questions(first["item"])
    item_id = team.checklist.items[0].id
    [answer] = found[item_id]["answer"]
    assert answer["valueCoding"]["code"] == "not-done"
    nested = {i["linkId"]: i for i in answer["item"]}
    reason = nested[f"{item_id}.reason"]["answer"][0]["valueCoding"]
    assert reason == {
        "system": CS_REASON,
        "code": "no-private-room",
        "display": "No private room to talk",
    }
    assert nested[f"{item_id}.note"]["answer"][0]["valueString"] == SECRET_NOTE
    # More than one reason: one answer each, in the order given; the question repeats.
    second = team.checklist.items[1].id
    [answer] = found[second]["answer"]
    [nested] = [i for i in answer["item"] if i["linkId"] == f"{second}.reason"]
    codes = [a["valueCoding"]["code"] for a in nested["answer"]]
    assert codes == ["she-chose-not-to", "not-enough-time"]
    [questionnaire] = of_type(files, "Questionnaire")
    assert questions(questionnaire["item"])[f"{second}.reason"]["repeats"] is True
    # The reason's level is a property in the reason CodeSystem.
    [reasons] = [c for c in of_type(files, "CodeSystem") if c["url"] == CS_REASON]
    levels = {c["code"]: c["property"][0]["valueCode"] for c in reasons["concept"]}
    assert levels["no-private-room"] == "service" and levels["she-chose-not-to"] == "woman"

    # One answered question per answer the session shows.
    for session in team.sessions:
        shown = session.visible_items(team.checklist)
        expected = {i.id for i in shown if session.response(i.id)}
        got = questions(responses[session.id]["item"])
        answered = {k for k, v in got.items() if "answer" in v and not k.startswith("setup.")}
        assert answered == expected


def test_hidden_answers_are_left_out_and_the_removed_baby_section_is_in(team, tmp_path) -> None:
    _, files = export_as_sam(team, tmp_path / "fhir")
    responses = {r["id"]: r for r in of_type(files, "QuestionnaireResponse")}
    assert team.hidden.response("safe-to-contact") == "done"  # kept in the session...
    assert "safe-to-contact" not in questions(responses[team.hidden.id]["item"])  # ...not here
    removed = questions(responses[team.removed.id]["item"])
    assert removed["setup.baby_removed"]["answer"] == [{"valueBoolean": True}]
    assert "coping-and-safety" in removed and "baby-removed" in removed
    first = questions(responses[team.first.id]["item"])
    assert first["setup.baby_removed"]["answer"] == [{"valueBoolean": False}]
    assert "coping-and-safety" not in first


def test_no_author_case_reference_or_reflection_unless_asked(team, tmp_path) -> None:
    _, files = export_as_sam(team, tmp_path / "plain")
    text = everything_text(files)
    assert AUTHOR not in text and "Sam Supervisor" not in text
    assert CASE_REF not in text and SECRET_REFLECTION not in text
    assert "kept calm" not in text
    assert all("author" not in r for r in of_type(files, "QuestionnaireResponse"))
    assert SECRET_NOTE in text  # notes are part of the answer (as the issue asks)

    _, named = export_as_sam(team, tmp_path / "named", include_author=True)
    for response in of_type(named, "QuestionnaireResponse"):
        assert response["author"] == {"display": AUTHOR}
    assert CASE_REF not in everything_text(named)


def test_questionnaire_response_on_its_own(team) -> None:
    store = Store(team.store.data_dir)
    jo = store.people.authenticate(AUTHOR, PASSPHRASE)
    [session] = [s for s in store.readable_sessions(jo) if s.id == team.removed.id]
    checklist = store.checklist_for(session)
    response = questionnaire_response(session, checklist, store.library)
    QuestionnaireResponse.model_validate(response)
    assert "author" not in response and "subject" not in response
    named = questionnaire_response(session, checklist, store.library, author_name=AUTHOR)
    assert named["author"] == {"display": AUTHOR}


def test_since_filters_by_the_date_started_and_a_bad_date_is_refused(team, tmp_path) -> None:
    today = team.first.record["started_at"][:10]
    report, _ = export_as_sam(team, tmp_path / "today", since=today)
    assert report["responses"] == 4
    report, files = export_as_sam(team, tmp_path / "future", since="2999-01-01")
    assert report["responses"] == 0 and report["questionnaires"] == 0
    assert of_type(files, "QuestionnaireResponse") == []
    for bad in ("31/01/2026", "2026-02-30", "yesterday", "20260101"):
        with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
            export_as_sam(team, tmp_path / "bad", since=bad)


def test_only_what_the_reader_may_read(team, tmp_path) -> None:
    store = Store(team.store.data_dir)
    sam = store.people.authenticate("Sam Supervisor", PASSPHRASE)
    with pytest.raises(PermissionDenied, match="not Kit Novak's supervisor"):
        export_fhir(store, sam, tmp_path / "kit", of=store.people.find("Kit Novak"))
    assert not (tmp_path / "kit").exists()
    jo = store.people.authenticate(AUTHOR, PASSPHRASE)
    report = export_fhir(store, jo, tmp_path / "own")
    assert report["responses"] == 4
    kit = store.people.authenticate("Kit Novak", PASSPHRASE)
    assert export_fhir(store, kit, tmp_path / "kit-own")["responses"] == 1


def test_never_writes_inside_the_store(team) -> None:
    store = Store(team.store.data_dir)
    sam = store.people.authenticate("Sam Supervisor", PASSPHRASE)
    before = sorted(p.name for p in store.data_dir.rglob("*"))
    with pytest.raises(InvalidInput, match="inside the store folder"):
        export_fhir(store, sam, store.data_dir / "fhir")
    assert sorted(p.name for p in store.data_dir.rglob("*")) == before


def test_audit_records_the_export_without_content(team, tmp_path) -> None:
    export_as_sam(team, tmp_path / "fhir", include_author=True)
    [entry] = [e for e in Store(team.store.data_dir).audit.entries() if e["event"] == "export"]
    assert entry["actor"] == "Sam Supervisor" and entry["subject"] == AUTHOR
    assert entry["detail"]["format"] == "fhir"
    assert entry["detail"]["sessions"] == 4 and entry["detail"]["include_author"] is True
    assert SECRET_NOTE not in json.dumps(entry)


# -- the command line ------------------------------------------------------------------------
def cli(team, passphrase_file, *args: str) -> int:
    return main(
        [*args, "--data-dir", str(team.store.data_dir), "--passphrase-file", str(passphrase_file)]
    )


def test_cli_fhir_export(team, passphrase_file, tmp_path, capsys) -> None:
    out = tmp_path / "fhir"
    code = cli(
        team,
        passphrase_file,
        "fhir",
        "export",
        "--user",
        "Sam Supervisor",
        "--of",
        AUTHOR,
        "--out",
        str(out),
        "--json",
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert report["responses"] == 4 and (out / "bundle.json").exists()
    Bundle.model_validate(json.loads((out / "bundle.json").read_text(encoding="utf-8")))
    assert AUTHOR not in (out / "bundle.json").read_text(encoding="utf-8")

    code = cli(
        team,
        passphrase_file,
        "fhir",
        "export",
        "--user",
        AUTHOR,
        "--out",
        str(out),
        "--include-author",
    )
    captured = capsys.readouterr()
    assert code == 0 and "4 response(s)" in captured.out
    assert AUTHOR in (out / "bundle.json").read_text(encoding="utf-8")
    events = [e for e in Store(team.store.data_dir).audit.entries() if e["event"] == "export"]
    assert [e["actor"] for e in events] == ["Sam Supervisor", AUTHOR]


def test_cli_refuses_a_supervisee_not_yours_a_bad_date_and_a_file(
    team, passphrase_file, tmp_path, capsys
) -> None:
    out = tmp_path / "fhir"
    code = cli(
        team,
        passphrase_file,
        "fhir",
        "export",
        "--user",
        "Sam Supervisor",
        "--of",
        "Kit Novak",
        "--out",
        str(out),
    )
    assert code == 1
    assert "not Kit Novak's supervisor" in one_line(capsys)

    code = cli(
        team,
        passphrase_file,
        "fhir",
        "export",
        "--user",
        "Sam Supervisor",
        "--since",
        "last week",
        "--out",
        str(out),
    )
    assert code == 1
    assert "YYYY-MM-DD" in one_line(capsys)

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    code = cli(
        team, passphrase_file, "fhir", "export", "--user", "Sam Supervisor", "--out", str(a_file)
    )
    assert code == 1
    assert "is a file, not a folder" in one_line(capsys)

    code = cli(team, passphrase_file, "fhir", "export", "--user", "Nobody Here", "--out", str(out))
    assert code == 1
    assert "do not match" in one_line(capsys)
    assert not out.exists()


def test_cli_warns_about_sessions_not_yet_shared(team, passphrase_file, tmp_path, capsys) -> None:
    store = team.store
    store.people.update(team.alex, "Kit Novak", add_supervisors=["Sam Supervisor"])
    confirm_supervisors(store, "Kit Novak")  # her yes, before her sessions are shared
    code = cli(
        team,
        passphrase_file,
        "fhir",
        "export",
        "--user",
        "Sam Supervisor",
        "--of",
        "Kit Novak",
        "--out",
        str(tmp_path / "f"),
    )
    captured = capsys.readouterr()
    assert code == 0  # not shared yet is a warning, not a failure
    assert "warning" in captured.err and "not been shared" in captured.err
    assert "0 response(s)" in captured.out


@pytest.mark.parametrize("command", [["fhir"], ["fhir", "export"], ["export-csv"]])
def test_help(command, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    assert "usage: stepping-stones" in capsys.readouterr().out
