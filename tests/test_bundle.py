"""Bundles between machines: a clinic store and an outreach laptop, through one sealed file.

Everything here is synthetic: invented staff names, invented notes, no women's details.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from store import PermissionDenied, SignInError, Store
from store.exchange import (
    BundleError,
    conflicts_file,
    export_bundle,
    history_file,
    import_bundle,
    read_bundle,
    report_lines,
)
from store.exchange.bundle import canonical, decide, sha256_of
from store.verify import verify_store
from tests.conftest import PASSPHRASE
from tests.test_cli import one_line_error, run

NOTE = "Offered a later appointment time"
REFLECTION = "Ask about a quieter room at booking"
COMMENT = "Let's talk about the room next time"
NOTES = "We agreed to ask for the quiet room earlier in the day."


@dataclass
class Team:
    store: Store
    alex: object
    sam: object
    jo: object
    kit: object


def make_clinic(folder: Path) -> Team:
    """The clinic store: Alex (admin), Sam (supervisor of Jo), Jo and Kit (practitioners)."""
    store = Store(folder)
    alex = store.people.create_first("Alex Reid", PASSPHRASE, again=PASSPHRASE)
    store.people.add("Sam Supervisor", ["supervisor"], PASSPHRASE, acting=alex)
    store.people.add("Jo Patel", ["practitioner"], PASSPHRASE, ["Sam Supervisor"], alex)
    store.people.add("Kit Novak", ["practitioner"], PASSPHRASE, acting=alex)
    signed = {
        name: store.sign_in(name, PASSPHRASE)
        for name in ("Alex Reid", "Sam Supervisor", "Jo Patel", "Kit Novak")
    }
    return Team(
        store,
        signed["Alex Reid"],
        signed["Sam Supervisor"],
        signed["Jo Patel"],
        signed["Kit Novak"],
    )


@pytest.fixture
def clinic(tmp_path: Path) -> Team:
    team = make_clinic(tmp_path / "clinic")
    jo, sam = team.jo, team.sam
    finished = write_session(team.store, jo, finish=True)
    write_session(team.store, jo, finish=False)
    team.store.supervision.add_comment(sam, jo.id, finished.id, COMMENT)
    team.store.supervision.add_record(sam, jo, NOTES, sessions=[finished.id])
    return team


def write_session(store: Store, person, finish: bool, answers=("done", "partly")):
    checklist = store.library.checklists["any-contact"]
    session = store.start_session(person, checklist, {})
    items = session.visible_items(checklist)
    for item, response in zip(items, answers, strict=False):
        session.answer(item, response)
    session.set_note(items[0], NOTE)
    store.sessions.save_draft(session)
    if finish:
        session.set_reflection("differently", REFLECTION)
        return store.sessions.finish(session)
    return session


def views(store: Store, reader, of=None) -> list[dict]:
    names = {p.id: p.name for p in store.people.all()}
    sessions = store.readable_sessions(reader, of=of)
    return sorted((s.json_view(names[s.author]) for s in sessions), key=lambda v: v["id"])


def supervision_views(store: Store, reader, author_id: str) -> tuple[list, list]:
    names = {p.id: p.name for p in store.people.all()}
    comments = [c.json_view(names) for c in store.supervision.comments(reader, author_id)]
    records = [r.json_view(names) for r in store.supervision.records(reader, author_id)]
    return comments, records


def snapshot(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file in a folder, by its SHA-256: 'byte-for-byte unchanged' made checkable."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in skip
    }


def audit_events(store: Store) -> list[dict]:
    return store.audit.entries()


def reseal_bundle(path: Path, change) -> None:
    """Change a bundle and make its manifest and digest agree again: what a bug on the other
    machine (or a careful forger) would produce. Only the record checks can catch it."""
    data = json.loads(path.read_bytes())
    change(data)
    data.pop("digest")
    for part in ("records", "people", "checklists"):
        data["manifest"][part] = [
            {**line, "sha256": sha256_of(item)}
            for line, item in zip(data["manifest"][part], data[part], strict=False)
        ]
        data["manifest"][part] = data["manifest"][part][: len(data[part])]
    data["digest"] = sha256_of(data)
    path.write_bytes(json.dumps(data, separators=(",", ":")).encode())


# -- the round trip ----------------------------------------------------------------------------
def test_clinic_sets_up_a_laptop_and_the_sessions_come_back_reading_the_same(
    clinic: Team, tmp_path: Path
) -> None:
    store, jo, sam = clinic.store, clinic.jo, clinic.sam
    # The clinic's admin makes Jo's bundle to set up her outreach laptop.
    setup = tmp_path / "jo-setup.bundle"
    result = export_bundle(store, clinic.alex, setup, of=jo)
    assert (result["sessions"], result["drafts"], result["comments"], result["records"]) == (
        2,
        1,
        1,
        1,
    )
    assert sorted(result["people"]) == ["Jo Patel", "Sam Supervisor"]
    assert os.stat(setup).st_mode & 0o077 == 0

    # The laptop starts empty; Jo imports with her own passphrase, checked against the bundle.
    laptop = Store(tmp_path / "laptop")
    report = import_bundle(laptop.data_dir, setup, "Jo Patel", PASSPHRASE)
    assert len(report["added"]) == 4 and not report["conflicts"] + report["quarantined"]
    assert [p["name"] for p in report["people_added"]] == ["Jo Patel", "Sam Supervisor"]
    laptop = Store(laptop.data_dir)
    jo_l = laptop.sign_in("Jo Patel", PASSPHRASE)
    sam_l = laptop.sign_in("Sam Supervisor", PASSPHRASE)
    assert views(laptop, jo_l) == views(store, jo)
    assert views(laptop, sam_l, of=jo_l) == views(store, sam, of=jo)
    assert supervision_views(laptop, jo_l, jo.id) == supervision_views(store, jo, jo.id)
    assert {p.name for p in laptop.people.all()} == {"Jo Patel", "Sam Supervisor"}

    # On outreach, Jo finishes a new session and carries on with the unfinished one.
    new = write_session(laptop, jo_l, finish=True, answers=("not_done",))
    [draft] = [s for s in laptop.readable_sessions(jo_l) if s.is_draft]
    checklist = laptop.checklist_for(draft)
    draft.answer(draft.visible_items(checklist)[2], "not_applicable")
    laptop.sessions.save_draft(draft)
    back = tmp_path / "jo-back.bundle"
    export_bundle(laptop, jo_l, back)

    # Back at the clinic, Jo imports it herself (she is in the bundle, not an admin).
    report = import_bundle(store, back, "Jo Patel", PASSPHRASE)
    assert [(i["kind"], i["id"]) for i in report["added"]] == [("session", new.id)]
    assert [(i["kind"], i["id"]) for i in report["replaced"]] == [("session", draft.id)]
    assert len(report["skipped"]) == 3  # the finished session, the comment and the record
    assert all(i["why"] == "already here" for i in report["skipped"])
    assert report["people_added"] == [] and len(report["people_skipped"]) == 2
    # The session reads the same at the clinic, for its author and for her supervisor.
    assert views(store, jo) == views(laptop, jo_l)
    assert views(store, sam, of=jo) == views(laptop, sam_l, of=jo_l)
    # The older copy of the draft is kept in history, not thrown away.
    with history_file(store, jo.id).transaction() as db:
        [kept] = history_file(store, jo.id).table(db, "records").all()
    assert (kept["kind"], kept["id"]) == ("session", draft.id)
    assert kept["revision"] < draft.revision
    assert verify_store(store.data_dir)[1] == []
    assert verify_store(laptop.data_dir)[1] == []


def test_a_supervisor_importing_into_an_empty_store_reads_the_same(
    clinic: Team, tmp_path: Path
) -> None:
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.sam, bundle, of=clinic.jo)
    target = Store(tmp_path / "other")
    import_bundle(target, bundle, "Sam Supervisor", PASSPHRASE)
    sam_t = target.sign_in("Sam Supervisor", PASSPHRASE)
    jo_t = target.sign_in("Jo Patel", PASSPHRASE)
    assert views(target, sam_t, of=jo_t) == views(clinic.store, clinic.sam, of=clinic.jo)
    assert views(target, jo_t) == views(clinic.store, clinic.jo)
    assert supervision_views(target, sam_t, jo_t.id) == supervision_views(
        clinic.store, clinic.sam, clinic.jo.id
    )


def test_the_bundle_holds_no_content_in_clear_and_only_the_people_needed(
    clinic: Team, tmp_path: Path
) -> None:
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.jo, bundle)
    raw = bundle.read_bytes()
    for secret in (NOTE, REFLECTION, COMMENT, NOTES, PASSPHRASE):
        assert secret.encode() not in raw
    data = json.loads(raw)
    assert {p["name"] for p in data["people"]} == {"Jo Patel", "Sam Supervisor"}
    for person in data["people"]:
        # The sign-in envelope travels as the store holds it: a scrypt check and a wrapped key.
        assert person["passphrase"]["alg"] == "scrypt"
        assert set(person["keys"]["private"]) == {"nonce", "sealed"}
    assert all("content" not in r and "sealed" in r for r in data["records"])
    assert data["digest"] == sha256_of({k: v for k, v in data.items() if k != "digest"})
    assert canonical({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_importing_the_same_bundle_twice_changes_nothing_the_second_time(
    clinic: Team, tmp_path: Path
) -> None:
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.alex, bundle, of=clinic.jo)
    laptop = tmp_path / "laptop"
    import_bundle(laptop, bundle, "Jo Patel", PASSPHRASE)
    # Jo uses her laptop (a store's first sign-in starts its lockout file, import or not).
    Store(laptop).sign_in("Jo Patel", PASSPHRASE)
    before = snapshot(laptop, skip=("audit.jsonl",))
    report = import_bundle(laptop, bundle, "Jo Patel", PASSPHRASE)
    assert report["added"] == report["replaced"] == report["conflicts"] == []
    assert snapshot(laptop, skip=("audit.jsonl",)) == before
    imports = [e for e in audit_events(Store(laptop)) if e["event"] == "import"]
    assert len(imports) == 2 and imports[1]["detail"]["skipped"] == 4


# -- merging -----------------------------------------------------------------------------------
def _laptop_with_jo(clinic: Team, tmp_path: Path) -> tuple[Store, object]:
    setup = tmp_path / "setup.bundle"
    export_bundle(clinic.store, clinic.alex, setup, of=clinic.jo)
    laptop = Store(tmp_path / "laptop")
    import_bundle(laptop, setup, "Jo Patel", PASSPHRASE)
    return laptop, laptop.sign_in("Jo Patel", PASSPHRASE)


def _answer_draft(store: Store, person, index: int, response: str):
    [draft] = [s for s in store.readable_sessions(person) if s.is_draft]
    draft.answer(draft.visible_items(store.checklist_for(draft))[index], response)
    store.sessions.save_draft(draft)
    return draft


def test_two_different_edits_of_one_draft_are_a_conflict_and_both_are_kept(
    clinic: Team, tmp_path: Path
) -> None:
    laptop, jo_l = _laptop_with_jo(clinic, tmp_path)
    on_laptop = _answer_draft(laptop, jo_l, 2, "done")
    at_clinic = _answer_draft(clinic.store, clinic.jo, 3, "not_done")
    assert on_laptop.revision == at_clinic.revision
    back = tmp_path / "back.bundle"
    export_bundle(laptop, jo_l, back)

    result = run(
        "import",
        str(back),
        "--user",
        "Jo Patel",
        "--passphrase-file",
        str(_pp(tmp_path)),
        "--json",
        data_dir=clinic.store.data_dir,
    )
    assert result.returncode == 1
    assert "1 in conflict" in one_line_error(result)
    report = json.loads(result.stdout)
    [conflict] = report["conflicts"]
    assert conflict["id"] == at_clinic.id and "revision" in conflict["why"]
    # This store keeps its own copy ...
    [draft] = [s for s in clinic.store.readable_sessions(clinic.jo) if s.is_draft]
    assert draft.responses() == at_clinic.responses()
    # ... and the incoming one is kept beside it.
    with conflicts_file(clinic.store, clinic.jo.id).transaction() as db:
        [kept] = conflicts_file(clinic.store, clinic.jo.id).table(db, "records").all()
    incoming = clinic.store.sessions.open_record(kept["record"], clinic.jo)
    assert incoming.responses() == on_laptop.responses()
    assert verify_store(clinic.store.data_dir)[1] == []
    # Importing it again: still reported, nothing more written.
    before = snapshot(clinic.store.data_dir, skip=("audit.jsonl",))
    again = import_bundle(clinic.store, back, "Jo Patel", PASSPHRASE)
    assert len(again["conflicts"]) == 1
    assert snapshot(clinic.store.data_dir, skip=("audit.jsonl",)) == before


def _pp(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


SEEN = "2026-11-21T09:00:00+00:00"


def _shared_more(record: dict) -> dict:
    return {**record, "sealed": {**record["sealed"], "readers": {"x": {}}}}


def _record(revision: int, updated: str, status: str = "draft", data: str = "a", **extra):
    return {
        "id": "11111111-1111-4111-8111-111111111111",
        "author": "22222222-2222-4222-8222-222222222222",
        "status": status,
        "revision": revision,
        "updated_at": f"2026-11-20T{updated}+00:00",
        "sealed": {"v": 1, "content": {"nonce": "n", "data": data}, "readers": {}},
        **extra,
    }


@pytest.mark.parametrize(
    ("incoming", "current", "action"),
    [
        (_record(3, "10:00:00"), None, "add"),
        (_record(3, "10:00:00"), _record(3, "10:00:00"), "skip"),
        # Only who it is shared with differs (a re-share at sign-in): the same record.
        (_record(3, "10:00:00"), _shared_more(_record(3, "10:00:00")), "skip"),
        (_record(5, "11:00:00", data="b"), _record(3, "10:00:00"), "replace"),
        (_record(3, "10:00:00"), _record(5, "11:00:00", data="b"), "skip"),
        (_record(3, "10:00:00", data="b"), _record(3, "10:00:00"), "conflict"),
        # Newer by number but changed earlier than the copy here: both were changed apart.
        (_record(5, "09:00:00", data="b"), _record(3, "10:00:00"), "conflict"),
        (_record(3, "12:00:00"), _record(5, "11:00:00", data="b"), "conflict"),
        # A later time on another machine's clock (another offset) is compared as a time.
        (
            {**_record(5, "09:30:00", data="b"), "updated_at": "2026-11-20T10:30:00+01:00"},
            _record(3, "09:00:00"),
            "replace",
        ),
        (_record(6, "12:00:00", status="complete", data="b"), _record(5, "11:00:00"), "replace"),
        (_record(4, "12:00:00", status="complete", data="b"), _record(5, "11:00:00"), "conflict"),
        (_record(4, "10:00:00"), _record(6, "11:00:00", status="complete", data="b"), "skip"),
        (_record(7, "12:00:00"), _record(6, "11:00:00", status="complete", data="b"), "conflict"),
        (
            _record(6, "12:00:00", status="complete"),
            _record(6, "11:00:00", status="complete", data="b"),
            "conflict",
        ),
        (_record(6, "12:00:00", status="complete"), {"id": "x", "finished": "t"}, "add"),
        (_record(3, "10:00:00"), {"id": "x", "finished": "t"}, "skip"),
        (_record(1, "10:00:00", seen_at=SEEN), _record(1, "10:00:00"), "seen"),
    ],
)
def test_the_merge_rule(incoming: dict, current: dict | None, action: str) -> None:
    assert decide(incoming, current).action == action


def test_a_newer_revision_replaces_the_older_which_history_keeps(
    clinic: Team, tmp_path: Path
) -> None:
    laptop, jo_l = _laptop_with_jo(clinic, tmp_path)
    [old] = [s for s in clinic.store.readable_sessions(clinic.jo) if s.is_draft]
    newer = _answer_draft(laptop, jo_l, 4, "done")
    back = tmp_path / "back.bundle"
    export_bundle(laptop, jo_l, back)
    # Sam imports: he is Jo's supervisor here and in the bundle.
    report = import_bundle(clinic.store, back, "Sam Supervisor", PASSPHRASE)
    assert [i["id"] for i in report["replaced"]] == [old.id]
    assert f"revision {old.revision} here is kept in history" in report["replaced"][0]["why"]
    [now] = [s for s in clinic.store.readable_sessions(clinic.jo) if s.is_draft]
    assert now.revision == newer.revision and now.responses() == newer.responses()
    with history_file(clinic.store, clinic.jo.id).transaction() as db:
        [kept] = history_file(clinic.store, clinic.jo.id).table(db, "records").all()
    assert kept["revision"] == old.revision
    assert clinic.store.sessions.open_record(kept["record"], clinic.jo).responses() == (
        old.responses()
    )


def test_a_session_finished_elsewhere_replaces_its_draft_and_leaves_the_marker(
    clinic: Team, tmp_path: Path
) -> None:
    laptop, jo_l = _laptop_with_jo(clinic, tmp_path)
    [draft] = [s for s in laptop.readable_sessions(jo_l) if s.is_draft]
    finished = laptop.sessions.finish(draft)
    back = tmp_path / "back.bundle"
    export_bundle(laptop, jo_l, back)
    report = import_bundle(clinic.store, back, "Jo Patel", PASSPHRASE)
    assert [i["id"] for i in report["replaced"]] == [draft.id]
    sessions = {s.id: s for s in clinic.store.readable_sessions(clinic.jo)}
    assert sessions[draft.id].status == "complete"
    assert sessions[draft.id].record["completed_at"] == finished.record["completed_at"]
    folder = clinic.store.sessions.person_dir(clinic.jo.id)
    drafts = json.loads((folder / "drafts.json").read_text())
    assert {"id": draft.id, "finished": finished.record["completed_at"]} in (
        drafts["sessions"].values()
    )


# -- refusing a damaged bundle -----------------------------------------------------------------
def _flip_middle(raw: bytes) -> bytes:
    middle = len(raw) // 2
    return raw[:middle] + bytes([raw[middle] ^ 0x01]) + raw[middle + 1 :]


def _flip_in_seal(raw: bytes) -> bytes:
    at = raw.index(b'"data":"') + len(b'"data":"') + 10
    swapped = b"B" if raw[at : at + 1] != b"B" else b"C"
    return raw[:at] + swapped + raw[at + 1 :]


def _newer_format(raw: bytes) -> bytes:
    data = json.loads(raw)
    data["version"] = 2
    data.pop("digest")
    data["digest"] = sha256_of(data)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (_flip_middle, "has been altered or damaged"),
        (lambda raw: raw[: len(raw) // 2], "is incomplete: it was cut short"),
        (lambda raw: raw[:-40], "is incomplete: it was cut short"),
        (_flip_in_seal, "has been altered or damaged"),
        (lambda raw: os.urandom(4096), "is not a Stepping Stones bundle"),
        (lambda raw: b"", "is not a Stepping Stones bundle"),
        (lambda raw: b'{"format": "something else"}', "is not a Stepping Stones bundle"),
        (_newer_format, "was made by a newer version of Stepping Stones"),
    ],
    ids=[
        "flipped-byte",
        "cut-in-half",
        "cut-at-end",
        "flipped-in-seal",
        "random",
        "empty",
        "other-json",
        "newer-format",
    ],
)
def test_a_damaged_bundle_is_refused_whole_and_the_store_is_untouched(
    clinic: Team, tmp_path: Path, damage, words: str
) -> None:
    good = tmp_path / "good.bundle"
    laptop, jo_l = _laptop_with_jo(clinic, tmp_path)
    write_session(laptop, jo_l, finish=True)
    export_bundle(laptop, jo_l, good)
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(damage(good.read_bytes()))
    with pytest.raises(BundleError) as refused:
        read_bundle(bad)
    assert words in str(refused.value)

    empty = tmp_path / "empty"
    empty.mkdir()
    for target in (clinic.store.data_dir, empty):
        before = snapshot(target)
        result = run(
            "import",
            str(bad),
            "--user",
            "Jo Patel",
            "--passphrase-file",
            str(_pp(tmp_path)),
            data_dir=target,
        )
        assert words in one_line_error(result)
        assert snapshot(target) == before  # not one byte, the audit trail included
    assert list(empty.iterdir()) == []


# -- records that cannot be used ---------------------------------------------------------------
def test_an_unreadable_record_is_quarantined_and_named_while_the_others_import(
    clinic: Team, tmp_path: Path
) -> None:
    laptop, jo_l = _laptop_with_jo(clinic, tmp_path)
    damaged = write_session(laptop, jo_l, finish=True)
    fine = write_session(laptop, jo_l, finish=True, answers=("not_applicable",))
    # The laptop's disk damages one sealed session (its shape is still that of a seal).
    archive = next(laptop.sessions.person_dir(jo_l.id).glob("archive-*.json"))
    data = json.loads(archive.read_text())
    for record in data["sessions"].values():
        if record["id"] == damaged.id:
            text = record["sealed"]["content"]["data"]
            record["sealed"]["content"]["data"] = ("A" if text[0] != "A" else "B") + text[1:]
    archive.write_text(json.dumps(data))
    back = tmp_path / "back.bundle"
    export_bundle(laptop, jo_l, back)

    result = run(
        "import",
        str(back),
        "--user",
        "Jo Patel",
        "--passphrase-file",
        str(_pp(tmp_path)),
        "--json",
        data_dir=clinic.store.data_dir,
    )
    assert result.returncode == 1 and "1 set aside" in one_line_error(result)
    report = json.loads(result.stdout)
    [item] = report["quarantined"]
    assert item["id"] == damaged.id and item["author"] == "Jo Patel"
    assert "seal does not open" in item["why"]
    assert [i["id"] for i in report["added"]] == [fine.id]
    kept = clinic.store.data_dir / item["file"]
    assert kept.parent.parent.name == "quarantine" and kept.name == f"session-{damaged.id}.json"
    assert json.loads(kept.read_text())["record"]["id"] == damaged.id
    assert damaged.id not in {s.id for s in clinic.store.readable_sessions(clinic.jo)}
    assert fine.id in {s.id for s in clinic.store.readable_sessions(clinic.jo)}
    # `verify` points at what was set aside; importing again sets nothing more aside.
    assert [f.file for f in verify_store(clinic.store.data_dir)[1]] == [item["file"]]
    before = snapshot(clinic.store.data_dir, skip=("audit.jsonl",))
    import_bundle(clinic.store, back, "Jo Patel", PASSPHRASE)
    assert snapshot(clinic.store.data_dir, skip=("audit.jsonl",)) == before


def test_a_session_whose_checklist_wording_is_missing_is_quarantined(
    clinic: Team, tmp_path: Path
) -> None:
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.jo, bundle)
    reseal_bundle(bundle, lambda data: data["checklists"].clear())
    report = import_bundle(tmp_path / "laptop", bundle, "Jo Patel", PASSPHRASE)
    assert len(report["quarantined"]) == 2
    assert all("wording of checklist 'any-contact'" in i["why"] for i in report["quarantined"])
    assert {i["kind"] for i in report["added"]} == {"comment", "record"}


def test_a_record_about_someone_unknown_is_quarantined(clinic: Team, tmp_path: Path) -> None:
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.jo, bundle)
    people = json.loads((clinic.store.data_dir / "people.json").read_text())["people"].values()
    alex = next(p for p in people if p["name"] == "Alex Reid")

    def without_jo(data: dict) -> None:
        data["people"] = [p for p in data["people"] if p["name"] != "Jo Patel"] + [alex]
        data["manifest"]["people"] = [{}] * len(data["people"])

    reseal_bundle(bundle, without_jo)
    report = import_bundle(clinic.store.data_dir, bundle, "Sam Supervisor", PASSPHRASE)
    assert report["quarantined"] == []  # Jo is known here: nothing is lost
    # Into a new store, Sam (not an admin) brings only his supervisees' records: Jo is not one.
    report = import_bundle(tmp_path / "other", bundle, "Sam Supervisor", PASSPHRASE)
    assert report["quarantined"] == [] and report["added"] == []
    assert {i["why"] for i in report["skipped"]} == {
        "only an admin can import other people's records"
    }
    # The bundle's admin may bring anyone's, but nobody here can read Jo's: set aside.
    report = import_bundle(tmp_path / "new", bundle, "Alex Reid", PASSPHRASE)
    assert len(report["quarantined"]) == 4
    assert all("neither in the bundle nor in this store" in i["why"] for i in report["quarantined"])


# -- dry runs, the audit trail and who may import ----------------------------------------------
def test_a_dry_run_writes_nothing(clinic: Team, tmp_path: Path) -> None:
    laptop, jo_l = _laptop_with_jo(clinic, tmp_path)
    write_session(laptop, jo_l, finish=True)
    _answer_draft(laptop, jo_l, 4, "done")
    back = tmp_path / "back.bundle"
    export_bundle(laptop, jo_l, back)

    before = snapshot(clinic.store.data_dir, skip=("audit.jsonl",))
    dry = import_bundle(clinic.store, back, "Jo Patel", PASSPHRASE, dry_run=True)
    assert snapshot(clinic.store.data_dir, skip=("audit.jsonl",)) == before
    assert audit_events(clinic.store)[-1]["event"] == "sign_in"  # the sign-in, no import
    assert report_lines(dry)[0].startswith("Only a check: nothing was changed")
    real = import_bundle(clinic.store, back, "Jo Patel", PASSPHRASE)
    for key in ("added", "replaced", "skipped", "conflicts", "quarantined"):
        assert dry[key] == real[key]

    # Into an empty folder a dry run leaves it empty.
    empty = tmp_path / "empty"
    empty.mkdir()
    dry = import_bundle(empty, back, "Jo Patel", PASSPHRASE, dry_run=True)
    assert len(dry["added"]) == 5 and list(empty.iterdir()) == []


def test_export_and_import_are_in_the_audit_trail_of_each_store(
    clinic: Team, tmp_path: Path
) -> None:
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.alex, bundle, of=clinic.jo, since="2020-01-01")
    export = audit_events(clinic.store)[-1]
    assert export["event"] == "export"
    assert (export["actor"], export["subject"]) == ("Alex Reid", "Jo Patel")
    assert export["detail"] == {
        "format": "bundle",
        "sessions": 2,
        "comments": 1,
        "records": 1,
        "people": 2,
        "since": "2020-01-01",
    }
    target = tmp_path / "laptop"
    import_bundle(target, bundle, "Jo Patel", PASSPHRASE)
    events = audit_events(Store(target))
    assert [e["event"] for e in events] == ["person_added", "person_added", "import"]
    detail = events[-1]["detail"]
    assert events[-1]["actor"] == "Jo Patel"
    assert (detail["added"], detail["from"], detail["format"]) == (4, "Alex Reid", "bundle")
    assert Store(target).audit.verify() == []


def test_someone_not_in_the_bundle_and_not_an_admin_is_refused(
    clinic: Team, tmp_path: Path
) -> None:
    laptop, jo_l = _laptop_with_jo(clinic, tmp_path)
    back = tmp_path / "back.bundle"
    export_bundle(laptop, jo_l, back)
    before = snapshot(clinic.store.data_dir, skip=("audit.jsonl",))
    with pytest.raises(PermissionDenied, match="only an admin of this store"):
        import_bundle(clinic.store, back, "Kit Novak", PASSPHRASE)
    assert snapshot(clinic.store.data_dir, skip=("audit.jsonl",)) == before
    # Into an empty store the importer must be one of the bundle's people.
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SignInError, match="do not match anyone in this bundle"):
        import_bundle(empty, back, "Kit Novak", PASSPHRASE)
    with pytest.raises(SignInError):
        import_bundle(empty, back, "Jo Patel", "not the passphrase at all")
    assert list(empty.iterdir()) == []
    # An admin of the store may import anyone's.
    report = import_bundle(clinic.store, back, "Alex Reid", PASSPHRASE)
    assert len(report["skipped"]) == 4


def test_a_practitioner_imports_only_their_own_and_their_supervisees_records(
    clinic: Team, tmp_path: Path
) -> None:
    laptop, jo_l = _laptop_with_jo(clinic, tmp_path)
    new = write_session(laptop, jo_l, finish=True)
    back = tmp_path / "back.bundle"
    export_bundle(laptop, jo_l, back)
    # At the clinic Jo now has another supervisor; Sam still is one in the laptop's bundle.
    clinic.store.people.update(clinic.alex, "Jo Patel", remove_supervisors=["Sam Supervisor"])
    report = import_bundle(clinic.store, back, "Sam Supervisor", PASSPHRASE)
    assert report["added"] == []
    assert {i["why"] for i in report["skipped"]} == {
        "only an admin can import other people's records"
    }
    report = import_bundle(clinic.store, back, "Jo Patel", PASSPHRASE)
    assert [i["id"] for i in report["added"]] == [new.id]


def test_new_people_never_arrive_as_admins_and_namesakes_are_conflicts(
    clinic: Team, tmp_path: Path
) -> None:
    # A laptop set up on its own, not from the clinic: its accounts are new to the clinic.
    laptop = Store(tmp_path / "laptop")
    robin = laptop.people.create_first("Robin Lewis", PASSPHRASE, again=PASSPHRASE)
    laptop.people.add("Jo Patel", ["practitioner"], PASSPHRASE, acting=robin)
    robin = laptop.sign_in("Robin Lewis", PASSPHRASE)
    other_jo = laptop.sign_in("Jo Patel", PASSPHRASE)
    mine = write_session(laptop, robin, finish=True)
    write_session(laptop, other_jo, finish=True)
    robins, jos = tmp_path / "robin.bundle", tmp_path / "jo.bundle"
    export_bundle(laptop, robin, robins)
    export_bundle(laptop, robin, jos, of=other_jo)  # Robin is the laptop's admin

    # Jo (not an admin) cannot bring new people in; the clinic's admin can.
    with pytest.raises(PermissionDenied, match="different account from yours"):
        import_bundle(clinic.store, jos, "Jo Patel", PASSPHRASE)
    report = import_bundle(clinic.store, robins, "Alex Reid", PASSPHRASE)
    [added] = report["people_added"]
    assert added["name"] == "Robin Lewis" and added["roles"] == ["practitioner"]
    assert "without admin rights" in added["why"]
    assert not clinic.store.people.find("Robin Lewis").has("admin")
    assert [i["id"] for i in report["added"]] == [mine.id]

    report = import_bundle(clinic.store, jos, "Alex Reid", PASSPHRASE)
    [clash] = report["people_conflicts"]
    assert clash["name"] == "Jo Patel" and "different account" in clash["why"]
    assert report["added"] == [] and {i["kind"] for i in report["skipped"]} == {"session"}
    assert "Not added, Jo Patel" in "\n".join(report_lines(report))


def test_progress_is_reported_up_to_the_end(clinic: Team, tmp_path: Path) -> None:
    bundle = tmp_path / "jo.bundle"
    seen: list[tuple[int, int]] = []
    export_bundle(clinic.store, clinic.jo, bundle, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (4, 4)
    seen.clear()
    import_bundle(
        tmp_path / "laptop",
        bundle,
        "Jo Patel",
        PASSPHRASE,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_since_keeps_only_records_changed_from_that_day(clinic: Team, tmp_path: Path) -> None:
    bundle = tmp_path / "jo.bundle"
    result = export_bundle(clinic.store, clinic.jo, bundle, since="2999-01-01")
    assert (result["sessions"], result["comments"], result["records"]) == (0, 0, 0)
    assert result["people"] == ["Jo Patel", "Sam Supervisor"]


# -- the command line --------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["export", "import"])
def test_export_and_import_have_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0 and "usage: stepping-stones" in result.stdout


def test_the_command_line_round_trip(clinic: Team, tmp_path: Path) -> None:
    pp = _pp(tmp_path)
    bundle = tmp_path / "jo.bundle"
    made = run(
        "export",
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(pp),
        "--of",
        "Jo Patel",
        "--out",
        str(bundle),
        "--json",
        data_dir=clinic.store.data_dir,
    )
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["sessions"] == 2
    laptop = tmp_path / "laptop"
    dry = run(
        "import",
        str(bundle),
        "--user",
        "Jo Patel",
        "--passphrase-file",
        str(pp),
        "--dry-run",
        data_dir=laptop,
    )
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Only a check: nothing was changed")
    done = run(
        "import",
        str(bundle),
        "--user",
        "Jo Patel",
        "--passphrase-file",
        str(pp),
        "--json",
        data_dir=laptop,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["added"]) == 4
    text = run(
        "import",
        str(bundle),
        "--user",
        "Jo Patel",
        "--passphrase-file",
        str(pp),
        data_dir=laptop,
    )
    assert text.returncode == 0 and "Already here: 2 sessions, 1 comment" in text.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--of", "Kit Novak"], "You can export your own records"),
        (["--since", "last week"], "is not a date"),
        (["--out-inside"], "is inside the store folder"),
    ],
)
def test_export_refusals_are_one_line(clinic: Team, tmp_path: Path, args, words: str) -> None:
    out = str(tmp_path / "x.bundle")
    if args == ["--out-inside"]:
        args, out = [], str(clinic.store.data_dir / "x.bundle")
    result = run(
        "export",
        "--user",
        "Jo Patel",
        "--passphrase-file",
        str(_pp(tmp_path)),
        "--out",
        out,
        *args,
        data_dir=clinic.store.data_dir,
    )
    assert words in one_line_error(result)
    assert not Path(out).exists()


def test_import_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run(
        "import",
        str(tmp_path / "nowhere.bundle"),
        "--user",
        "Jo Patel",
        "--passphrase-file",
        str(_pp(tmp_path)),
        data_dir=tmp_path / "store",
    )
    assert "There is no file at" in one_line_error(result)
    assert not (tmp_path / "store").exists()
