"""The store keeps every acknowledged answer, whatever happens to the process or the disk."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from store import (
    CorruptFileError,
    InvalidInput,
    ReadOnlySession,
    SignInError,
    Store,
    StoreFullError,
)
from store.errors import NewerSchemaError
from store.files import SCHEMA_VERSION, StoreFile
from store.storage import read_json, write_atomic
from tests.helpers import PASSPHRASE


def test_write_atomic_replaces_content_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    write_atomic(target, b'{"a": 1}')
    write_atomic(target, b'{"a": 2}')
    assert json.loads(target.read_bytes()) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_crash_before_rename_keeps_the_old_file_whole(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "f.json"
    write_atomic(target, b'{"kept": true}')

    def die(*_args):
        raise OSError(errno.EIO, "simulated crash")

    monkeypatch.setattr(os, "replace", die)
    with pytest.raises(Exception, match="Could not save"):
        write_atomic(target, b'{"kept": false, "padding": "' + b"x" * 10000 + b'"}')
    assert read_json(target) == {"kept": True}
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_full_disk_is_reported_as_such_and_nothing_is_lost(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "f.json"
    write_atomic(target, b'{"kept": true}')
    real_write = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StoreFullError, match="disk is full"):
        write_atomic(target, b'{"kept": false}')
    monkeypatch.setattr(os, "write", real_write)
    assert read_json(target) == {"kept": True}


def test_stale_temp_files_are_removed_when_a_file_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "drafts.json"
    write_atomic(path, json.dumps({"_meta": {"1": {"schema": 1, "kind": "drafts"}}}).encode())
    stale = tmp_path / ".drafts.json.999.deadbeef.tmp"
    stale.write_text('{"half": ')
    file = StoreFile(path, "drafts")
    with file.transaction():
        pass
    assert not stale.exists()


def test_damaged_people_file_is_restored_from_its_backup_and_kept_aside(store, alex) -> None:
    people = store.data_dir / "people.json"
    people.write_text('{"people": {"1": {"name": "Al')
    damaged = people.read_bytes()
    fresh = Store(store.data_dir)
    assert [p.name for p in fresh.people.all()] == ["Alex Reid"]
    [aside] = list(store.data_dir.glob("people.json.corrupt-*"))
    assert aside.read_bytes() == damaged
    assert "restored from its backup" in fresh.notices[0]
    assert aside.name in fresh.notices[0]


def test_damaged_people_file_without_a_backup_is_named_and_never_touched(store, alex) -> None:
    people = store.data_dir / "people.json"
    (store.data_dir / "people.json.bak").unlink()
    people.write_bytes(b"")
    with pytest.raises(CorruptFileError) as caught:
        Store(store.data_dir).people.all()
    assert "people.json" in str(caught.value) and "it is empty" in str(caught.value)
    assert people.read_bytes() == b""
    assert not list(store.data_dir.glob("people.json.corrupt-*"))


def test_a_damaged_drafts_file_is_set_aside_and_others_stay_usable(store, alex, checklist) -> None:
    jo = store.people.add("Jo Patel", ["practitioner"], PASSPHRASE, acting=alex)
    mine = store.start_session(alex, checklist, {})
    theirs = store.start_session(jo, checklist, {})
    drafts = store.sessions.drafts_file(alex.id).path
    drafts.write_bytes(drafts.read_bytes()[:40])  # cut short, as by a failing disk
    cut = drafts.read_bytes()
    fresh = Store(store.data_dir)
    assert fresh.sessions.drafts(alex.id, alex) == []
    assert [s.id for s in fresh.sessions.drafts(jo.id, jo)] == [theirs.id]
    [aside] = list(drafts.parent.glob("drafts.json.corrupt-*"))
    assert aside.read_bytes() == cut
    assert "kept as" in fresh.notices[0] and "drafts.json" in fresh.notices[0]
    fresh.start_session(alex, checklist, {})  # and work goes on
    assert len(fresh.sessions.drafts(alex.id, alex)) == 1 and mine.id


def test_file_from_a_newer_version_is_refused(store, alex) -> None:
    path = store.data_dir / "people.json"
    data = json.loads(path.read_bytes())
    data["_meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    path.write_text(json.dumps(data))
    with pytest.raises(NewerSchemaError, match="newer version"):
        Store(store.data_dir).people.all()


def test_unversioned_file_is_migrated_and_keeps_its_records(store, alex) -> None:
    path = store.data_dir / "people.json"
    data = json.loads(path.read_bytes())
    del data["_meta"]
    path.write_text(json.dumps(data))
    fresh = Store(store.data_dir)
    assert [p.name for p in fresh.people.all()] == ["Alex Reid"]
    assert json.loads(path.read_bytes())["_meta"]["1"]["schema"] == SCHEMA_VERSION


def test_first_account_is_admin_and_practitioner_with_a_hashed_passphrase(store, alex) -> None:
    assert alex.roles == ["admin", "practitioner"]
    raw = (store.data_dir / "people.json").read_text()
    assert PASSPHRASE not in raw
    record = next(iter(json.loads(raw)["people"].values()))
    assert record["passphrase"]["alg"] == "scrypt"
    assert len(record["passphrase"]["salt"]) >= 16


def test_sign_in_failure_does_not_say_whether_the_name_exists(store, alex) -> None:
    with pytest.raises(SignInError) as wrong_pass:
        store.people.authenticate("Alex Reid", "wrong passphrase")
    with pytest.raises(SignInError) as wrong_name:
        store.people.authenticate("Nobody Here", "wrong passphrase")
    assert str(wrong_pass.value) == str(wrong_name.value)
    assert store.people.authenticate("  alex   REID ", PASSPHRASE).id == alex.id


def test_people_rules(store, alex) -> None:
    with pytest.raises(InvalidInput, match="already someone"):
        store.people.add("alex reid", ["practitioner"], PASSPHRASE, acting=alex)
    with pytest.raises(InvalidInput, match="at least 8"):
        store.people.add("Jo Patel", ["practitioner"], "short", acting=alex)
    with pytest.raises(InvalidInput, match="supervisor role"):
        store.people.add("Jo Patel", ["practitioner"], PASSPHRASE, ["Alex Reid"], acting=alex)
    jo = store.people.add("Jo Patel", ["practitioner"], PASSPHRASE, acting=alex)
    from store import PermissionDenied

    with pytest.raises(PermissionDenied):
        store.people.add("Kit Novak", ["practitioner"], PASSPHRASE, acting=jo)


def test_every_answer_is_on_disk_and_resume_starts_at_the_first_gap(store, alex, checklist):
    session = store.start_session(alex, checklist, {})
    items = session.visible_items(checklist)
    session.answer(items[0], "done")
    store.sessions.save_draft(session)
    session.answer(items[1], "not_done")
    session.set_reason(items[1], "no-private-room")
    store.sessions.save_draft(session)
    session.answer(items[3], "not_applicable")
    store.sessions.save_draft(session)

    # A new process would see exactly this:
    again = Store(store.data_dir).sessions.drafts(alex.id, alex)
    assert len(again) == 1
    draft = again[0]
    assert draft.id == session.id
    assert draft.response(items[0].id) == "done"
    assert draft.answers[items[1].id]["reason"] == "no-private-room"
    assert draft.response(items[2].id) is None
    assert draft.first_unanswered(checklist) == 2
    view = draft.json_view("Alex Reid")
    assert items[2].id not in view["answers"]  # not answered is not "not done"
    assert view["answers"][items[3].id]["response"] == "not_applicable"
    assert view["answers"][items[1].id]["requirements"] == list(items[1].requirements)


def test_an_older_copy_never_undoes_a_newer_answer(store, alex, checklist) -> None:
    session = store.start_session(alex, checklist, {})
    item = session.visible_items(checklist)[0]
    old = session.copy()
    session.answer(item, "done")
    store.sessions.save_draft(session)
    assert store.sessions.save_draft(old) > session.revision
    assert store.sessions.drafts(alex.id, alex)[0].response(item.id) == "done"


def test_finishing_archives_the_session_and_makes_it_read_only(store, alex, checklist) -> None:
    session = store.start_session(alex, checklist, {"setting": "home_visit"})
    for item in session.visible_items(checklist):
        session.answer(item, "done")
    session.set_reflection("went_well", "We found a quiet room.")
    done = store.sessions.finish(session)
    assert done.status == "complete" and done.record["completed_at"]
    assert store.sessions.drafts(alex.id, alex) == []
    finished = store.sessions.finished(alex.id, alex)
    assert [s.id for s in finished] == [session.id]
    assert finished[0].reflection["went_well"] == "We found a quiet room."
    with pytest.raises(ReadOnlySession):
        finished[0].answer(checklist.items[0], "partly")


def test_a_crash_between_archive_and_draft_removal_loses_and_doubles_nothing(
    store, alex, checklist
) -> None:
    session = store.start_session(alex, checklist, {})
    session.answer(session.visible_items(checklist)[0], "done")
    store.sessions.save_draft(session)
    done = session.copy()
    done.record.update(status="complete", completed_at=done.record["updated_at"])
    archive = store.sessions.archive_file(alex.id, done.record["completed_at"][:7])
    from store.files import doc

    with archive.transaction() as db:  # the archive was written; the crash came before the
        archive.table(db, "sessions").insert(doc(store.sessions.seal_record(done), 1))
    fresh = Store(store.data_dir)
    assert fresh.sessions.drafts(alex.id, alex) == []
    assert [s.id for s in fresh.sessions.all_for(alex.id, alex)] == [session.id]


def test_old_sessions_keep_the_wording_they_were_answered_with(store, alex, checklist) -> None:
    import dataclasses

    session = store.start_session(alex, checklist, {})
    first = checklist.sections[0]
    reworded_item = dataclasses.replace(first.items[0], prompt="A completely new wording")
    reworded = dataclasses.replace(
        checklist,
        sections=(
            dataclasses.replace(first, items=(reworded_item, *first.items[1:])),
            *checklist.sections[1:],
        ),
    )
    library = store.library
    library.checklists["any-contact"] = reworded
    fresh = Store(store.data_dir, library=library)
    old = fresh.checklist_for(fresh.sessions.drafts(alex.id, alex)[0])
    assert old.items[0].prompt == checklist.items[0].prompt
    assert old.content_hash == session.checklist_hash


def _save_many(data_dir: str, person_id: str, count: int, tag: str) -> None:
    from store import Store as _Store

    store = _Store(Path(data_dir))
    person = store.people.authenticate(store.people.get(person_id).name, PASSPHRASE)
    checklist = store.library.checklists["any-contact"]
    for _ in range(count):
        session = store.start_session(person, checklist, {"case_ref": tag})
        session.answer(session.visible_items(checklist)[0], "done")
        store.sessions.save_draft(session)


def test_two_processes_saving_at_once_lose_nothing(store, alex) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_save_many, args=(str(store.data_dir), alex.id, 15, tag))
        for tag in ("A1", "B2")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    drafts = Store(store.data_dir).sessions.drafts(alex.id, alex)
    assert len(drafts) == 30
    assert sorted({d.setup["case_ref"] for d in drafts}) == ["A1", "B2"]
    assert all(len(d.answers) == 1 for d in drafts)


def test_demo_store_is_realistic_and_fast(tmp_path: Path) -> None:
    from store.demo import build_demo_store

    report = build_demo_store(
        tmp_path / "demo", people=3, sessions_per_person=40, seed=3, passphrase=PASSPHRASE
    )
    store = Store(tmp_path / "demo")
    people = store.people.all()
    assert report["people"] == 5 == len(people)  # a supervisor, 3 practitioners, a lead
    assert [p.name for p in people if p.roles == ["lead"]] == [report["lead"]]
    practitioner = store.people.authenticate(report["first_practitioner"], PASSPHRASE)
    finished = store.sessions.finished(practitioner.id, practitioner)
    assert len(finished) == 40
    responses = {a["response"] for s in finished for a in s.answers.values()}
    assert responses == {"done", "partly", "not_done", "not_applicable"}
    with pytest.raises(InvalidInput, match="already has people"):
        build_demo_store(tmp_path / "demo", 1, 1, 1, PASSPHRASE)


def test_two_windows_editing_one_draft_are_merged_not_overwritten(store, alex, checklist):
    session = store.start_session(alex, checklist, {})
    items = session.visible_items(checklist)
    window_a = Store(store.data_dir).sessions.drafts(alex.id, alex)[0]
    window_b = Store(store.data_dir).sessions.drafts(alex.id, alex)[0]
    window_a.answer(items[0], "done")
    window_b.answer(items[1], "not_done")
    window_b.set_note(items[1], "Tried a quieter room")
    window_a.set_reflection("went_well", "Calm conversation")
    store.sessions.save_draft(window_a)
    store.sessions.save_draft(window_b)  # same revision as A: merged, not dropped
    window_a.answer(items[1], "partly")  # A changes item 2 last: A's answer wins for it
    store.sessions.save_draft(window_a)
    [draft] = store.sessions.drafts(alex.id, alex)
    assert draft.response(items[0].id) == "done"
    assert draft.response(items[1].id) == "partly"
    assert draft.reflection["went_well"] == "Calm conversation"
    done = store.sessions.finish(window_b)  # B finishes without having seen A's changes
    assert done.response(items[0].id) == "done"
    assert done.response(items[1].id) == "partly"
    assert done.reflection["went_well"] == "Calm conversation"
