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

from reports.transfer import report_lines
from services.exchange import export_bundle, import_bundle
from store import PermissionDenied, SignInError, Store
from store.exchange import BundleError, conflicts_file, history_file, read_bundle
from store.exchange.bundle_file import canonical, sha256_of
from store.exchange.merge import decide
from store.verify import verify_store
from tests.helpers import PASSPHRASE, one_line_error
from tests.helpers import run_cli as run

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
    """The outreach flow end to end. Jo makes her own bundle at the clinic (so her sign-in
    travels with it; Sam's only public parts do), sets up her empty laptop with it, works
    there, and brings the sessions back: at the clinic she and her supervisor read them
    exactly as she did on the laptop, because the laptop sealed them for Sam's public key."""
    store, jo, sam = clinic.store, clinic.jo, clinic.sam
    setup = tmp_path / "jo-setup.bundle"
    result = export_bundle(store, jo, setup)
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
    assert views(laptop, jo_l) == views(store, jo)
    assert supervision_views(laptop, jo_l, jo.id) == supervision_views(store, jo, jo.id)
    assert {p.name for p in laptop.people.all()} == {"Jo Patel", "Sam Supervisor"}
    # Sam came with his public key only: the laptop seals for him, but he cannot sign in there.
    sam_l = laptop.people.find("Sam Supervisor")
    assert sam_l.public == sam.public
    with pytest.raises(SignInError):
        laptop.sign_in("Sam Supervisor", PASSPHRASE)

    # On outreach, Jo finishes a new session, carries on with the unfinished one, and reads
    # Sam's comment (it is marked as seen on the laptop).
    new = write_session(laptop, jo_l, finish=True, answers=("not_done",))
    [draft] = [s for s in laptop.readable_sessions(jo_l) if s.is_draft]
    checklist = laptop.checklist_for(draft)
    draft.answer(draft.visible_items(checklist)[2], "not_applicable")
    laptop.sessions.save_draft(draft)
    laptop.supervision.mark_seen(jo_l, laptop.supervision.comments(jo_l, jo.id))
    assert [c["seen"] for c in supervision_views(laptop, jo_l, jo.id)[0]] == [True]
    for session in laptop.readable_sessions(jo_l):
        assert set(session.readers) == {jo.id, sam.id}  # sealed for Sam too
    back = tmp_path / "jo-back.bundle"
    export_bundle(laptop, jo_l, back)

    # Back at the clinic, Jo imports it herself (she is in the bundle, not an admin).
    report = import_bundle(store, back, "Jo Patel", PASSPHRASE)
    assert [(i["kind"], i["id"]) for i in report["added"]] == [("session", new.id)]
    assert [(i["kind"], i["id"]) for i in report["replaced"]] == [("session", draft.id)]
    assert sorted((i["kind"], i["why"]) for i in report["skipped"]) == [
        ("comment", "already here (now marked as seen)"),
        ("record", "already here"),
        ("session", "already here"),  # the finished session
    ]
    assert report["people_added"] == [] and len(report["people_skipped"]) == 2
    # The sessions read the same at the clinic, for their author and for her supervisor, as
    # they did for Jo on the laptop; so do Sam's comment (now seen) and his record.
    on_laptop = views(laptop, jo_l)
    assert views(store, jo) == on_laptop
    assert views(store, sam, of=jo) == on_laptop
    laptop_supervision = supervision_views(laptop, jo_l, jo.id)
    assert supervision_views(store, jo, jo.id) == laptop_supervision
    assert supervision_views(store, sam, jo.id) == laptop_supervision
    # The older copy of the draft is kept in history, not thrown away.
    with history_file(store, jo.id).transaction() as db:
        [kept] = history_file(store, jo.id).table(db, "records").all()
    assert (kept["kind"], kept["id"]) == ("session", draft.id)
    assert kept["revision"] < draft.revision
    assert verify_store(store.data_dir)[1] == []
    assert verify_store(laptop.data_dir)[1] == []


def test_a_supervisor_sets_up_a_store_of_their_own_and_reads_the_same(
    clinic: Team, tmp_path: Path
) -> None:
    """Sam makes the bundle of Jo's records, so his sign-in travels with it and Jo's does
    not: he sets up an empty store as himself and reads her sessions, comments and records
    there exactly as at the clinic. Jo arrives with her public parts only."""
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.sam, bundle, of=clinic.jo)
    target = Store(tmp_path / "other")
    import_bundle(target, bundle, "Sam Supervisor", PASSPHRASE)
    sam_t = target.sign_in("Sam Supervisor", PASSPHRASE)
    jo_t = target.people.find("Jo Patel")
    assert views(target, sam_t, of=jo_t) == views(clinic.store, clinic.sam, of=clinic.jo)
    assert views(target, sam_t, of=jo_t) == views(clinic.store, clinic.jo)
    assert supervision_views(target, sam_t, jo_t.id) == supervision_views(
        clinic.store, clinic.sam, clinic.jo.id
    )
    with pytest.raises(SignInError):
        target.sign_in("Jo Patel", PASSPHRASE)


def test_the_bundle_holds_no_content_in_clear_and_only_the_people_needed(
    clinic: Team, tmp_path: Path
) -> None:
    """A lost bundle shows no note, reflection, comment or passphrase, and names only Jo and
    the supervisor her records are sealed for."""
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.jo, bundle)
    raw = bundle.read_bytes()
    for secret in (NOTE, REFLECTION, COMMENT, NOTES, PASSPHRASE):
        assert secret.encode() not in raw
    data = json.loads(raw)
    assert {p["name"] for p in data["people"]} == {"Jo Patel", "Sam Supervisor"}
    # Jo made it: her sign-in envelope travels as the store holds it (a scrypt check and a
    # wrapped key, nothing in clear). Who else travels is the next test's subject.
    [jo] = [p for p in data["people"] if p["name"] == "Jo Patel"]
    assert jo["passphrase"]["alg"] == "scrypt"
    assert set(jo["keys"]["private"]) == {"nonce", "sealed"}
    assert all("content" not in r and "sealed" in r for r in data["records"])
    assert data["digest"] == sha256_of({k: v for k, v in data.items() if k != "digest"})
    assert canonical({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def _stored_people(store: Store) -> dict[str, dict]:
    """Everyone as the store's people file holds them, by name."""
    people = json.loads((store.data_dir / "people.json").read_text())["people"].values()
    return {p["name"]: p for p in people}


def test_only_the_bundles_maker_travels_with_a_sign_in(clinic: Team, tmp_path: Path) -> None:
    """Whoever holds a bundle can try passphrases offline against any sign-in envelope in it,
    so it carries exactly one: its maker's. Everyone else travels as public parts only
    (the public keys their records are sealed for and checked against), and nothing of
    their scrypt check or wrapped private key is anywhere in the file."""
    stored = _stored_people(clinic.store)
    for maker, of, names in (
        (clinic.jo, None, {"Jo Patel", "Sam Supervisor"}),
        (clinic.alex, clinic.jo, {"Alex Reid", "Jo Patel", "Sam Supervisor"}),
    ):
        bundle = tmp_path / f"{maker.name}.bundle"
        export_bundle(clinic.store, maker, bundle, of=of)
        raw = bundle.read_bytes()
        data = json.loads(raw)
        assert data["created_by"] == maker.name
        assert {p["name"] for p in data["people"]} == names
        for person in data["people"]:
            mine = stored[person["name"]]
            if person["name"] == maker.name:
                assert person["passphrase"] == mine["passphrase"]
                assert person["keys"] == mine["keys"]
                continue
            assert person["passphrase"] == {}
            assert "private" not in person["keys"]
            assert set(person["keys"]) <= {"public", "sign_public", "sign_before"}
            assert person["keys"]["public"] == mine["keys"]["public"]
            # Not in the person's entry, nor anywhere else in the file.
            for secret in (
                mine["passphrase"]["salt"],
                mine["passphrase"]["hash"],
                mine["keys"]["private"]["nonce"],
                mine["keys"]["private"]["sealed"],
            ):
                assert secret.encode() not in raw


def test_only_the_bundles_maker_can_import_it_into_an_empty_store(
    clinic: Team, tmp_path: Path
) -> None:
    """Sam is in Jo's bundle, with his real passphrase, but the bundle holds no sign-in of his
    to check it against: he is told plainly whose bundle it is, and the folder stays empty
    (the command line says the same in one line)."""
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.jo, bundle)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SignInError, match=r"Only the person who made this bundle \(Jo Patel\)"):
        import_bundle(empty, bundle, "Sam Supervisor", PASSPHRASE)
    with pytest.raises(SignInError, match="Only the person who made this bundle"):
        import_bundle(empty, bundle, "Sam Supervisor", PASSPHRASE, dry_run=True)
    result = run(
        "import",
        str(bundle),
        "--user",
        "Sam Supervisor",
        "--passphrase-file",
        str(_pp(tmp_path)),
        data_dir=empty,
    )
    assert "Only the person who made this bundle (Jo Patel)" in one_line_error(result)
    assert list(empty.iterdir()) == []
    # Jo, who made it, can.
    report = import_bundle(empty, bundle, "Jo Patel", PASSPHRASE)
    assert len(report["added"]) == 4


def test_someone_who_arrived_public_only_signs_in_only_after_an_admin_resets_them(
    clinic: Team, tmp_path: Path
) -> None:
    """Sam reached Jo's laptop with his public key only, so he cannot sign in there (with the
    same words as a wrong passphrase), and the laptop has no admin who could change that.
    Where the bundle's maker is an admin (Alex set this store up), the admin resets Sam's
    passphrase: he signs in, with new keys, which open nothing sealed for his old ones."""
    laptop, _jo_l = _laptop_with_jo(clinic, tmp_path)
    with pytest.raises(SignInError, match="That name and passphrase do not match"):
        laptop.sign_in("Sam Supervisor", PASSPHRASE)
    assert not any(p.has("admin") for p in laptop.people.all())

    bundle = tmp_path / "alex.bundle"
    export_bundle(clinic.store, clinic.alex, bundle, of=clinic.jo)
    office = Store(tmp_path / "office")
    import_bundle(office, bundle, "Alex Reid", PASSPHRASE)
    with pytest.raises(SignInError, match="That name and passphrase do not match"):
        office.sign_in("Sam Supervisor", PASSPHRASE)
    alex_o = office.sign_in("Alex Reid", PASSPHRASE)
    assert alex_o.has("admin")
    fresh = "a new passphrase for the office"
    office.people.reset_passphrase(alex_o, "Sam Supervisor", fresh)
    sam_o = office.sign_in("Sam Supervisor", fresh)
    assert sam_o.public is not None and sam_o.public != clinic.sam.public
    problems: list = []
    jo_o = office.people.find("Jo Patel")
    assert office.readable_sessions(sam_o, of=jo_o, problems=problems) == []
    assert len(problems) == 2  # Jo's sessions, still sealed for his clinic keys
    with pytest.raises(SignInError):
        office.sign_in("Jo Patel", PASSPHRASE)  # she too waits for a reset there


def test_importing_the_same_bundle_twice_changes_nothing_the_second_time(
    clinic: Team, tmp_path: Path
) -> None:
    """The second import of one bundle is reported, and not one byte of the store changes."""
    bundle = tmp_path / "jo.bundle"
    export_bundle(clinic.store, clinic.jo, bundle)
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
    """Jo's outreach laptop, set up from the bundle she made of her own records at the clinic
    (only a bundle's maker can set up an empty store), with Jo signed in."""
    setup = tmp_path / "setup.bundle"
    export_bundle(clinic.store, clinic.jo, setup)
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


def _bundle_without_jo(clinic: Team, maker, path: Path) -> Path:
    """`maker`'s bundle of Jo's records, with Jo taken out of its people (and the manifest
    and digest made to agree): records about someone the bundle does not name."""
    export_bundle(clinic.store, maker, path, of=clinic.jo)

    def without_jo(data: dict) -> None:
        data["people"] = [p for p in data["people"] if p["name"] != "Jo Patel"]
        data["manifest"]["people"] = [{}] * len(data["people"])

    reseal_bundle(path, without_jo)
    assert "Jo Patel" not in {p["name"] for p in read_bundle(path).people}
    return path


def test_a_record_about_someone_unknown_is_quarantined(clinic: Team, tmp_path: Path) -> None:
    """Records whose author neither the bundle nor the store knows are set aside, never
    placed; and only an admin may bring them at all."""
    by_sam = _bundle_without_jo(clinic, clinic.sam, tmp_path / "sam.bundle")
    report = import_bundle(clinic.store.data_dir, by_sam, "Sam Supervisor", PASSPHRASE)
    assert report["quarantined"] == []  # Jo is known here: nothing is lost
    # Into a new store, Sam (not an admin) brings only his supervisees' records: Jo is not one.
    report = import_bundle(tmp_path / "other", by_sam, "Sam Supervisor", PASSPHRASE)
    assert report["quarantined"] == [] and report["added"] == []
    assert {i["why"] for i in report["skipped"]} == {
        "only an admin can import other people's records"
    }
    # The admin who made a bundle may bring anyone's, but nobody here can read Jo's: set aside.
    by_alex = _bundle_without_jo(clinic, clinic.alex, tmp_path / "alex.bundle")
    report = import_bundle(tmp_path / "new", by_alex, "Alex Reid", PASSPHRASE)
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
    """Each store records who moved what: the export (by whom, of whom) where it was made,
    and the import (by whom, from whose bundle, with what result) where it arrived."""
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
        "people": 3,  # Jo, her supervisor, and Alex who made it
        "since": "2020-01-01",
    }
    # Into an empty store only the bundle's maker can import it.
    target = tmp_path / "laptop"
    import_bundle(target, bundle, "Alex Reid", PASSPHRASE)
    events = audit_events(Store(target))
    # A store with no manifest of sessions from before signing gets one (vouching for none)
    # at its first admin's sign-in; making it is audited (tests/test_signed_sessions.py).
    assert [e["event"] for e in events] == ["person_added"] * 3 + ["import", "sessions_vouched"]
    assert events[-1]["detail"] == {"records": 0}
    detail = events[-2]["detail"]
    assert events[-2]["actor"] == "Alex Reid"
    assert (detail["added"], detail["from"], detail["format"]) == (4, "Alex Reid", "bundle")
    assert Store(target).audit.verify() == []
    # Into a store with people, the importer and the bundle's maker are recorded apart.
    import_bundle(clinic.store, bundle, "Jo Patel", PASSPHRASE)
    imported = audit_events(clinic.store)[-1]
    assert (imported["event"], imported["actor"]) == ("import", "Jo Patel")
    assert (imported["detail"]["from"], imported["detail"]["skipped"]) == ("Alex Reid", 4)
    assert clinic.store.audit.verify() == []


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
    # Alex made it, so Alex (an admin) sets up the empty laptop with it. A dry run only reads:
    # it refuses a store folder that is not there and makes none; in an empty one it changes
    # nothing.
    laptop = tmp_path / "laptop"
    check = ["import", str(bundle), "--user", "Alex Reid", "--passphrase-file", str(pp)]
    refused = run(*check, "--dry-run", data_dir=laptop)
    assert refused.returncode == 1 and "there is no store at" in refused.stderr
    assert not laptop.exists()
    laptop.mkdir()
    dry = run(
        "import",
        str(bundle),
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(pp),
        "--dry-run",
        data_dir=laptop,
    )
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Only a check: nothing was changed")
    assert list(laptop.iterdir()) == []
    done = run(
        "import",
        str(bundle),
        "--user",
        "Alex Reid",
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
        "Alex Reid",
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


def test_a_practitioner_cannot_rewrite_her_supervisors_record_through_a_bundle(
    clinic: Team, tmp_path: Path
) -> None:
    """The reviewer's attack: Jo re-dates Sam's supervision record (to hide her later sessions
    from the next summary) and adds a comment "by Sam", re-seals both for their readers with
    the public keys, fixes the manifest, and imports at the clinic. Neither is signed by Sam:
    both are set aside and the clinic's record is unchanged."""
    from store.crypto import sign
    from store.supervision import signed_part

    store, jo, sam = clinic.store, clinic.jo, clinic.sam
    path = tmp_path / "jo.bundle"
    export_bundle(store, jo, path)

    def forge(data: dict) -> None:
        for entry, line in zip(data["records"], data["manifest"]["records"], strict=True):
            if entry["kind"] == "record":
                entry["date"] = "2020-01-01"
                entry["revision"] = line["revision"] = 99
        comment = next(e for e in data["records"] if e["kind"] == "comment")
        fake = {**json.loads(json.dumps(comment)), "id": "6a1f8f8e-0000-4000-8000-000000000002"}
        fake["signature"] = sign(jo.private_key, signed_part(fake))  # her key, not Sam's
        data["records"].append(fake)
        data["manifest"]["records"].append(
            {"kind": "comment", "id": fake["id"], "revision": 1, "sha256": ""}
        )

    reseal_bundle(path, forge)
    before = supervision_views(store, sam, jo.id)
    report = import_bundle(store, path, "Jo Patel", PASSPHRASE)
    quarantined = {(q["kind"], q["why"].split(":")[0]) for q in report["quarantined"]}
    assert quarantined == {
        ("record", "it is not signed by the person it says wrote it"),
        ("comment", "it is not signed by the person it says wrote it"),
    }
    assert report["replaced"] == [] and [a for a in report["added"] if a["kind"] != "session"] == []
    assert supervision_views(store, sam, jo.id) == before
