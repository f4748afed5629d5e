"""Sessions that can be trusted when anyone can write the store folder (issue 13, findings 4,
6 and 7): sealed records keep no clear copy, every session is signed by its author, and what
is not signed (or was changed since) is named, never shown as genuine. Each attack is done
here the way a colleague with write access to the folder would do it.

All data here is synthetic: invented staff names, no women's details.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

from reports.output import render
from services import people, summaries
from services.exchange import export_bundle, import_bundle
from store import Store, session_manifest
from store.files import raw_table
from store.sealed_table import doc_id
from store.session_signing import record_hash, signed
from store.sessions import TABLE, new_session
from tests.helpers import PASSPHRASE, finish_session, run_cli
from tests.test_bundle import reseal_bundle

OLD_NOTE = "Offered the quiet room upstairs"


def _write_raw(store, person_id: str, name: str, record: dict) -> None:
    """Put a record into one of a person's session files exactly as given (as an older
    version of the program, or someone editing the file, would leave it)."""
    kind = "drafts" if name == "drafts.json" else "archive"
    file = store.sessions.sealed.file(person_id, name, kind)
    store.sessions.sealed.put(file, TABLE, record)


def _legacy_draft(store, person, checklist):
    """A draft as the program wrote it before sealing existed: the content in clear."""
    store.remember_version(checklist)
    session = new_session(person.id, checklist, {})
    first = session.visible_items(checklist)[0]
    session.answer(first, "not_done")
    session.set_note(first, OLD_NOTE)
    _write_raw(store, person.id, "drafts.json", session.record)
    return session


def test_a_draft_sealed_after_the_upgrade_keeps_no_clear_copy_and_keeps_later_edits(
    team, checklist
) -> None:
    store, sam, jo, kit = team
    old = _legacy_draft(store, jo, checklist)
    drafts = store.sessions.person_dir(jo.id) / "drafts.json"
    assert OLD_NOTE in drafts.read_text()
    # The upgrade: the first admin to sign in vouches for it (and seals it for its readers).
    people.reshare(store, people.sign_in(store, "Alex Reid", PASSPHRASE))
    jo_in = people.sign_in(store, "Jo Patel", PASSPHRASE)
    people.reshare(store, jo_in)
    [raw] = store.sessions.peek(jo.id)
    assert "sealed" in raw and "content" not in raw
    assert OLD_NOTE not in drafts.read_text()
    # A later edit to that draft is kept: the old clear copy is not read first.
    [draft] = store.sessions.drafts(jo.id, jo_in)
    second = draft.visible_items(checklist)[1]
    draft.answer(second, "done")
    store.sessions.save_draft(draft)
    [again] = Store(store.data_dir).sessions.drafts(jo.id, jo_in)
    assert again.response(second.id) == "done"
    assert again.response(old.visible_items(checklist)[0].id) == "not_done"
    assert "content" not in json.loads(drafts.read_text())[TABLE][str(doc_id(old.id))]


# -- finding 4: a session "by" a colleague cannot be planted -------------------------------------
FORGED = "I gave up on her that day"


def _genuine(store, person, checklist):
    """A finished session written the ordinary way (signed by its author)."""
    session = store.start_session(person, checklist, {})
    session.answer(session.visible_items(checklist)[0], "done")
    store.sessions.save_draft(session)
    return store.sessions.finish(session)


def _forged_record(store, author, checklist, sealed: bool = True, signer=None) -> dict:
    """A finished session "by" `author`, made from public keys alone, as a colleague with write
    access to the folder (or a bundle maker) can: sealed for her and her supervisors."""
    store.remember_version(checklist)
    session = new_session(author.id, checklist, {})
    session.answer(session.visible_items(checklist)[0], "not_done")
    session.set_reflection("difficult", FORGED)
    stamp = session.record["updated_at"]
    session.record.update(status="complete", completed_at=stamp)
    if not sealed:
        return session.record
    record = store.sessions.seal_record(session)  # no signer: nobody signed it
    return signed(record, signer) if signer is not None else record


def test_a_session_planted_in_a_colleagues_archive_is_not_listed_as_hers(
    team, checklist, passphrase_file
) -> None:
    store, sam, jo, kit = team
    real = _genuine(store, jo, checklist)
    month = real.record["completed_at"][:7]
    planted = {
        "clear": _forged_record(store, jo, checklist, sealed=False),
        "unsigned": _forged_record(store, jo, checklist),
        "signed by Kit": _forged_record(store, jo, checklist, signer=kit.private_key),
    }
    for record in planted.values():
        _write_raw(store, jo.id, f"archive-{month}.json", record)
    # And Jo's own finished session is re-dated on disk (to move it out of a summary's period).
    archive = store.sessions.person_dir(jo.id) / f"archive-{month}.json"
    data = json.loads(archive.read_text())
    data[TABLE][str(doc_id(real.id))]["completed_at"] = "2020-01-01T09:00:00+00:00"
    archive.write_text(json.dumps(data))

    for reader in ("Jo Patel", "Sam Supervisor"):
        args = ("--of", "Jo Patel") if reader == "Sam Supervisor" else ()
        result = run_cli(
            "sessions",
            "list",
            "--user",
            reader,
            "--passphrase-file",
            str(passphrase_file),
            "--json",
            *args,
            data_dir=store.data_dir,
        )
        assert result.returncode == 1
        assert json.loads(result.stdout) == []  # nothing shown as hers, the re-dated one neither
        for record in [*planted.values(), real.record]:
            assert record["id"] in result.stderr
        assert FORGED not in result.stdout + result.stderr
    assert "not sealed or signed by Jo Patel" in result.stderr
    assert "is not signed by Jo Patel" in result.stderr
    assert "altered or damaged since Jo Patel signed it" in result.stderr

    checked = run_cli("verify", "--json", data_dir=store.data_dir)
    assert checked.returncode == 1
    named = [p["problem"] for p in json.loads(checked.stdout)["problems"]]
    for record in [*planted.values(), real.record]:
        assert any(record["id"] in problem for problem in named), record["id"]
    # Jo's sign-in never signs, seals or re-shares what was planted.
    before = archive.read_bytes()
    jo_in = people.sign_in(store, "Jo Patel", PASSPHRASE)
    people.reshare(store, jo_in)
    assert archive.read_bytes() == before
    problems: list = []
    assert store.sessions.finished(jo.id, jo_in, problems) == []
    assert len(problems) == 4


def test_a_bundle_with_a_session_by_her_is_set_aside_and_never_reaches_a_summary(
    team, checklist, tmp_path
) -> None:
    store, sam, jo, kit = team
    real = _genuine(store, jo, checklist)
    # Kit makes a bundle of her own, then adds Jo's public entry and two sessions "by" Jo.
    _genuine(store, kit, checklist)
    bundle = tmp_path / "kit.bundle"
    export_bundle(store, kit, bundle)
    jo_entry = next(
        {**r, "passphrase": {}, "keys": {k: v for k, v in r["keys"].items() if k != "private"}}
        for r in raw_table(store.data_dir / "people.json", "people")
        if r["id"] == jo.id
    )
    forged = [
        _forged_record(store, jo, checklist),
        _forged_record(store, jo, checklist, signer=kit.private_key),
    ]

    def plant(data: dict) -> None:
        data["people"].append(jo_entry)
        data["manifest"]["people"].append({"id": jo.id})
        for record in forged:
            data["records"].append({**record, "kind": "session"})
            data["manifest"]["records"].append(
                {"kind": "session", "id": record["id"], "revision": record["revision"]}
            )

    reseal_bundle(bundle, plant)
    # An admin imports it: an admin's import is no way round the signature either.
    report = import_bundle(store, bundle, "Alex Reid", PASSPHRASE)
    set_aside = {i["id"]: i["why"] for i in report["quarantined"]}
    assert set(set_aside) == {r["id"] for r in forged}
    assert all("not signed by the person it says wrote it" in why for why in set_aside.values())
    assert not {r["id"] for r in forged} & {i["id"] for i in report["added"]}
    assert {r["id"] for r in forged}.isdisjoint(
        {
            r.get("id")
            for f in store.sessions.archive_files(jo.id)
            for r in store.sessions.records_in(f)
        }
    )
    # Neither her supervisor's summary nor her own NMC draft ever sees them.
    for reader, of in ((people.sign_in(store, "Sam Supervisor", PASSPHRASE), jo), (jo, None)):
        summary = summaries.build(store, reader, of=of)
        assert [s.id for s in summary.sessions] == [real.id]
        assert FORGED not in render(summary, "nmc") + render(summary, "md")


# -- finding 7: a replayed bundle never rolls back newer edits ---------------------------------
def test_a_replayed_bundle_never_rolls_back_newer_edits(team, checklist, tmp_path) -> None:
    store, sam, jo, kit = team
    done = _genuine(store, jo, checklist)
    draft = store.start_session(jo, checklist, {})
    first, second = draft.visible_items(checklist)[:2]
    draft.answer(first, "done")
    store.sessions.save_draft(draft)
    old = tmp_path / "old.bundle"
    export_bundle(store, jo, old)
    # Jo goes on working: her later answer must survive any replay of the old bundle.
    draft.answer(second, "not_done")
    store.sessions.save_draft(draft)

    def newest() -> dict:
        [now] = store.sessions.drafts(jo.id, jo)
        return now.responses()

    wanted = newest()
    # The old bundle as it is: an older revision, set aside and named.
    report = import_bundle(store, old, "Alex Reid", PASSPHRASE)
    [item] = report["quarantined"]
    assert item["id"] == draft.id and "older revision" in item["why"]
    assert newest() == wanted
    # The old bundle doctored to look newer (revision and time of its last change): its
    # signature no longer holds, so it is set aside too.
    doctored = tmp_path / "doctored.bundle"
    doctored.write_bytes(old.read_bytes())

    def bump(data: dict) -> None:
        for record in data["records"]:
            if record["id"] == draft.id:
                record.update(revision=999, updated_at="2099-01-01T00:00:00+00:00")
            if record["id"] == done.id:  # and the finished one re-dated
                record.update(completed_at="2020-01-01T09:00:00+00:00")
        for line in data["manifest"]["records"]:
            if line["id"] == draft.id:
                line["revision"] = 999

    reseal_bundle(doctored, bump)
    for who in ("Alex Reid", "Jo Patel"):
        report = import_bundle(store, doctored, who, PASSPHRASE)
        reasons = {i["id"]: i["why"] for i in report["quarantined"]}
        assert set(reasons) == {draft.id, done.id}
        assert all("not signed by the person it says wrote it" in w for w in reasons.values())
        assert report["replaced"] == [] and report["added"] == []
        assert newest() == wanted
    [kept] = store.sessions.finished(jo.id, jo)
    assert kept.record["completed_at"] == done.record["completed_at"]


# -- finding 7: a summary starts only from a record that can be vouched for ---------------------
def _day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def test_a_summary_starts_only_from_a_verified_record_and_names_the_others(team, checklist) -> None:
    store, sam, jo, kit = team
    store.supervision.add_record(sam, jo, "We met.", when=_day(50))
    store.supervision.add_record(sam, jo, "We met again.", when=_day(40))
    first = finish_session(store, jo, checklist, f"{_day(20)}T10:00:00+00:00", {0: ("done", None)})
    second = finish_session(
        store, jo, checklist, f"{_day(10)}T10:00:00+00:00", {0: ("not_done", None)}
    )
    # Jo re-dates Sam's later record to yesterday, so that the next period would start after
    # both sessions; Kit, who is not her supervisor, writes one of his own (signed by him).
    file = store.supervision.file(jo.id)
    [later] = [r for r in store.supervision.raw(jo.id, "record") if r["date"] == _day(40)]
    with file.transaction() as db:
        file.table(db, "records").update({"date": _day(1)}, doc_ids=[doc_id(later["id"])])
    planted = store.supervision._add(
        "record", kit, jo.id, {"date": _day(2)}, {"notes": "", "actions": []}, _day(2)
    )

    sam_in = people.sign_in(store, "Sam Supervisor", PASSPHRASE)
    summary = summaries.build(store, sam_in, of=jo)
    assert (summary.period.basis, summary.period.since) == ("last_supervision", _day(50))
    assert [s.id for s in summary.sessions] == [first.id, second.id]
    assert summary.last_record is not None and summary.last_record.date == _day(50)
    ignored = {r.id: r for r in summary.ignored_records}
    assert set(ignored) == {later["id"], planted.id}
    assert "not signed by the person it names" in ignored[later["id"]].why
    assert ignored[planted.id].by == "Kit Novak"
    assert "not the person's supervisor on that date" in ignored[planted.id].why
    for fmt in ("md", "html"):
        assert render(summary, fmt).count("Not counted: a supervision record of") == 2
    [row] = summaries.overview(store, sam_in)
    assert (row.since, row.sessions, row.last_supervision) == (_day(50), 2, _day(50))


def test_a_changed_finishing_time_cannot_hide_a_session_from_a_summary(team, checklist) -> None:
    store, sam, jo, kit = team
    session = finish_session(store, jo, checklist, f"{_day(5)}T10:00:00+00:00", {0: ("done", None)})
    month = session.record["completed_at"][:7]
    archive = store.sessions.person_dir(jo.id) / f"archive-{month}.json"
    data = json.loads(archive.read_text())
    data[TABLE][str(doc_id(session.id))]["completed_at"] = "2020-01-01T09:00:00+00:00"
    archive.write_text(json.dumps(data))
    problems: list = []
    sam_in = people.sign_in(store, "Sam Supervisor", PASSPHRASE)
    summary = summaries.build(store, sam_in, of=jo, problems=problems)
    assert summary.sessions == ()
    assert [session.id in str(p) and "altered" in str(p) for p in problems] == [True]


# -- old stores: vouched for once by the first admin to sign in ---------------------------------
OLD_STORE = Path(__file__).parent / "data" / "store-before-signing"


def _list(data: Path, name: str, passphrase_file: Path, *args: str):
    return run_cli(
        "sessions",
        "list",
        "--user",
        name,
        "--passphrase-file",
        str(passphrase_file),
        "--json",
        *args,
        data_dir=data,
    )


def test_an_old_store_is_vouched_for_once_by_the_first_admin_to_sign_in(
    tmp_path, passphrase_file
) -> None:
    """A store written by the program before sessions were signed (tests/data/, made by
    make_store_before_signing.py at 61c24ce): Dee Okafor was switched off and can never sign
    hers again."""
    data = tmp_path / "old"
    shutil.copytree(OLD_STORE, data)
    # Before an admin signs in, nothing from before signing is shown as genuine.
    before = _list(data, "Jo Patel", passphrase_file)
    assert before.returncode == 1 and json.loads(before.stdout) == []
    assert not session_manifest.path_in(data).exists()
    # The first admin to sign in vouches for every record there, once, and it is audited.
    assert _list(data, "Alex Reid", passphrase_file).returncode == 0
    assert _list(data, "Alex Reid", passphrase_file).returncode == 0
    store = Store(data)
    vouching = [e for e in store.audit.entries() if e["event"] == "sessions_vouched"]
    assert [(e["actor"], e["detail"]) for e in vouching] == [("Alex Reid", {"records": 4})]
    assert run_cli("audit", "verify", data_dir=data).returncode == 0
    assert run_cli("verify", data_dir=data).returncode == 0
    jo = _list(data, "Jo Patel", passphrase_file)
    assert jo.returncode == 0 and len(json.loads(jo.stdout)) == 2
    dee = _list(data, "Sam Supervisor", passphrase_file, "--of", "Dee Okafor")
    assert dee.returncode == 0
    assert {s["status"] for s in json.loads(dee.stdout)} == {"draft", "complete"}
    # Jo's next change to her old draft is signed by her (the manifest is then not needed).
    jo_in = people.sign_in(store, "Jo Patel", PASSPHRASE)
    [draft] = store.sessions.drafts(jo_in.id, jo_in)
    draft.answer(draft.visible_items(store.library.checklists["any-contact"])[1], "done")
    store.sessions.save_draft(draft)
    assert [r["id"] for r in store.sessions.peek(jo_in.id) if "signature" in r] == [draft.id]

    # What is written afterwards without its author's signature is not vouched for.
    checklist = store.library.checklists["any-contact"]
    planted = _forged_record(store, jo_in, checklist)
    _write_raw(store, jo_in.id, f"archive-{planted['completed_at'][:7]}.json", planted)
    after = _list(data, "Jo Patel", passphrase_file)
    assert after.returncode == 1 and planted["id"] in after.stderr
    assert planted["id"] not in after.stdout
    # Deleting the manifest never makes an admin vouch again: old records are then named.
    session_manifest.path_in(data).unlink()
    assert _list(data, "Alex Reid", passphrase_file).returncode == 0
    assert not session_manifest.path_in(data).exists()
    again = _list(data, "Sam Supervisor", passphrase_file, "--of", "Dee Okafor")
    assert again.returncode == 1 and json.loads(again.stdout) == []
    # Jo's own old records were signed by her at her sign-in: they no longer need it.
    mine = _list(data, "Sam Supervisor", passphrase_file, "--of", "Jo Patel")
    assert len(json.loads(mine.stdout)) == 2 and planted["id"] in mine.stderr


def test_a_manifest_not_signed_by_an_admin_vouches_for_nothing(tmp_path, passphrase_file) -> None:
    data = tmp_path / "old"
    shutil.copytree(OLD_STORE, data)
    store = Store(data)
    # Jo (not an admin) writes a manifest of her own, to vouch for a record she planted.
    jo = people.sign_in(store, "Jo Patel", PASSPHRASE)
    jo.roles.append("admin")  # as she would pretend to be, in her own copy of the program
    session_manifest.write(data, jo, [record_hash(r) for r in store.sessions.peek(jo.id)])
    assert json.loads(_list(data, "Jo Patel", passphrase_file).stdout) == []
    checked = run_cli("verify", "--json", data_dir=data)
    problems = json.loads(checked.stdout)["problems"]
    assert {
        "file": "session-manifest.json",
        "problem": ("it is not signed by an admin, so it vouches for nothing"),
    } in problems


def test_a_session_moved_to_another_months_file_is_named_by_verify(team, checklist) -> None:
    """The file a finished session is kept in is not signed; a summary reads only the months
    of its period, so a session moved to an older month's file is named by `verify`."""
    store, sam, jo, kit = team
    session = _genuine(store, jo, checklist)
    month = session.record["completed_at"][:7]
    folder = store.sessions.person_dir(jo.id)
    (folder / f"archive-{month}.json").rename(folder / "archive-2020-01.json")
    checked = run_cli("verify", "--json", data_dir=store.data_dir)
    assert checked.returncode == 1
    [problem] = json.loads(checked.stdout)["problems"]
    assert problem["file"].endswith("archive-2020-01.json")
    assert f"was finished in {month} but is kept in the file of 2020-01" in problem["problem"]


def test_a_record_counts_only_if_its_writer_was_the_supervisor_on_its_date(team) -> None:
    """Sam supervised Jo and wrote up a meeting 50 days ago; today an admin moves Jo to Kit.
    Kit back-dates a record to 30 days ago, before he was her supervisor: passed over and
    named. Sam's record still counts: he was her supervisor on its date."""
    from tests.helpers import confirm_supervisors

    store, sam, jo, kit = team
    sams = store.supervision.add_record(sam, jo, "We met.", when=_day(50))
    alex = people.sign_in(store, "Alex Reid", PASSPHRASE)
    people.update_person(store, alex, "Kit Novak", add_roles=["supervisor"])
    people.update_person(
        store,
        alex,
        "Jo Patel",
        add_supervisors=["Kit Novak"],
        remove_supervisors=["Sam Supervisor"],
    )
    confirm_supervisors(store, "Jo Patel")
    jo = people.sign_in(store, "Jo Patel", PASSPHRASE)
    people.reshare(store, jo)  # as her sign-in does: what she can open is shared with Kit
    kit = people.sign_in(store, "Kit Novak", PASSPHRASE)
    back_dated = store.supervision.add_record(kit, jo, "Catching up.", when=_day(30))

    summary = summaries.build(store, kit, of=jo)
    assert summary.last_record is not None and summary.last_record.id == sams.id
    assert (summary.period.basis, summary.period.since) == ("last_supervision", _day(50))
    [ignored] = summary.ignored_records
    assert ignored.id == back_dated.id and ignored.by == "Kit Novak"
    assert "not the person's supervisor on that date" in ignored.why

    today = store.supervision.add_record(kit, jo, "We met today.", when=_day(0))
    summary = summaries.build(store, kit, of=jo)
    assert summary.last_record is not None and summary.last_record.id == today.id
