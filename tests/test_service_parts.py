"""The service report key and the sealed structured parts (issue 16, "Who" and "Sealing and
trust"): who can read parts, what a planted part gets, and what the service file says."""

from __future__ import annotations

import json
import os
import zlib

import pytest

from services import people
from services.errors import NotAllowed
from services.service_parts import read_parts
from store.report_key import ReportKeys
from store.service_parts import month_path, opaque_id, put_entry, sealed_entry, write_part
from tests.helpers import PASSPHRASE

MONTH = "2026-10"


def contact(author, month: str = MONTH, **extra) -> dict:
    part = {
        "kind": "contact",
        "checklist": "any-contact",
        "version": 1,
        "month": month,
        "setup": {"setting": "clinic", "stage": "antenatal", "baby_removed": False},
        "flagged": False,
        "answers": [
            {
                "item": "private-space",
                "requirements": ["7.1"],
                "critical": True,
                "response": "not_done",
                "reasons": ["no_private_room"],
            }
        ],
        "author": opaque_id(author.sign_publics[0]),
    }
    return {**part, **extra}


@pytest.fixture
def lead(team, alex):
    store = team.store
    people.add_person(store, alex, "Lee Lead", ["lead"], PASSPHRASE)
    return people.sign_in(store, "Lee Lead", PASSPHRASE)


def test_the_first_lead_gets_the_key_and_reads_parts(team, lead):
    store = team.store
    write_part(store, contact(team.jo), team.jo)
    write_part(store, contact(team.kit, flagged=True), team.kit)
    read = read_parts(store, lead, MONTH, MONTH)
    assert read.has_key and read.rejected == 0
    assert len(read.contacts) == 2
    assert {c["author"] for c in read.contacts} == {
        opaque_id(team.jo.sign_publics[0]),
        opaque_id(team.kit.sign_publics[0]),
    }
    events = [e["event"] for e in store.audit.entries()]
    assert "report_key_made" in events


def test_someone_who_is_not_a_lead_cannot_read_parts(team, lead, alex):
    with pytest.raises(NotAllowed):
        read_parts(team.store, team.sam, MONTH, MONTH)
    with pytest.raises(NotAllowed):
        read_parts(team.store, alex, MONTH, MONTH)


def test_a_part_planted_unsigned_or_by_a_non_member_is_rejected(team, lead, tmp_path):
    """The attack: someone who can write to the store folder adds entries to the service file
    (the report key's public half is in people.json for anyone to read)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from store.crypto import b64, new_content_key, wrap_for
    from store.service_parts import _context, pack

    store = team.store
    write_part(store, contact(team.jo), team.jo)
    public = ReportKeys(store.people).public()
    # 1. signed by a key of their own that nobody in the directory has
    outsider = X25519PrivateKey.generate()
    put_entry(store.data_dir, MONTH, sealed_entry("a" * 32, [contact(team.jo)], outsider, public))
    # 2. sealed for the report key, not signed at all (no signature where one goes)
    key, nonce = new_content_key(), os.urandom(12)
    plain = bytes(96) + pack([contact(team.jo)])
    unsigned = {
        "id": "b" * 32,
        "key": wrap_for(key, public, _context("b" * 32)),
        "nonce": b64(nonce),
        "data": b64(AESGCM(key).encrypt(nonce, plain, _context("b" * 32))),
    }
    put_entry(store.data_dir, MONTH, unsigned)
    # 3. a genuine entry copied under another id
    path = month_path(store.data_dir, MONTH)
    data = json.loads(path.read_text())
    genuine = next(e for e in data["parts"].values() if e["id"] not in ("a" * 32, "b" * 32))
    put_entry(store.data_dir, MONTH, {**genuine, "id": "c" * 32})
    read = read_parts(store, lead, MONTH, MONTH)
    assert len(read.contacts) == 1
    assert read.rejected == 3
    assert read.problems


def test_a_lead_who_is_not_also_given_the_key_reads_nothing(team, lead, alex):
    store = team.store
    people.add_person(store, alex, "Lou Later", ["lead"], PASSPHRASE)
    lou = people.sign_in(store, "Lou Later", PASSPHRASE)
    write_part(store, contact(team.jo), team.jo)
    read = read_parts(store, lou, MONTH, MONTH)
    assert not read.has_key and read.contacts == []


def test_finishing_seals_the_part_and_the_service_file_names_nobody(team, lead, checklist):
    """A session finished in the app gains its part at once; the service file holds no id,
    name or signing key of its author."""
    store = team.store
    jo = team.jo
    session = store.start_session(jo, checklist, {"setting": "home", "case_ref": "BLUE-7"})
    items = session.visible_items(checklist)
    for item in items:
        session.answer(item, "not_done")
        session.set_reasons(item, ["no_private_space"])
        session.set_note(item, "Talked with Jo Patel about the room")
    store.sessions.save_draft(session)
    done = store.sessions.finish(session)
    month = done.record["completed_at"][:7]
    read = read_parts(store, lead, month, month)
    assert len(read.contacts) == 1
    part = read.contacts[0]
    assert part["setup"]["setting"] == "home" and "case_ref" not in part["setup"]
    assert len(part["answers"]) == len(items)
    assert all(a["reasons"] == ["no_private_space"] for a in part["answers"])
    text = json.dumps(part)
    assert "Jo Patel" not in text and "BLUE-7" not in text and "room" not in text
    raw = month_path(store.data_dir, month).read_text()
    from store.crypto import b64

    for secret in (jo.id, "Jo Patel", b64(jo.sign_publics[0]), opaque_id(jo.sign_publics[0])):
        assert secret not in raw


def test_older_sessions_gain_their_parts_when_their_author_or_supervisor_signs_in(
    team, alex, checklist
):
    """Sessions finished before any lead existed: the author's (or their supervisor's) next
    sign-in adds their parts, once."""
    from tests.helpers import finish_session

    store = team.store
    finish_session(store, team.jo, checklist, "2026-09-03T10:00:00+00:00", {0: ("done", None)})
    finish_session(store, team.kit, checklist, "2026-09-04T10:00:00+00:00", {0: ("done", None)})
    people.add_person(store, alex, "Lee Lead", ["lead"], PASSPHRASE)
    lee = people.sign_in(store, "Lee Lead", PASSPHRASE)
    assert read_parts(store, lee, "2026-09", "2026-09").contacts == []
    sam = people.sign_in(store, "Sam Supervisor", PASSPHRASE)
    people.reshare(store, sam)  # Jo's supervisor: Jo's session
    assert len(read_parts(store, lee, "2026-09", "2026-09").contacts) == 1
    kit = people.sign_in(store, "Kit Novak", PASSPHRASE)
    people.reshare(store, kit)
    people.reshare(store, kit)  # again: nothing twice
    jo = people.sign_in(store, "Jo Patel", PASSPHRASE)
    people.reshare(store, jo)
    read = read_parts(store, lee, "2026-09", "2026-09")
    assert len(read.contacts) == 2 and read.rejected == 0


def test_a_supervision_record_gives_a_part_naming_nobody(team, lead):
    from services import supervision

    store = team.store
    supervision.add_record(store, team.sam, team.jo, "We talked about the room.", when="2026-10-05")
    read = read_parts(store, lead, MONTH, MONTH)
    assert read.supervision == [
        {"kind": "supervision", "month": MONTH, "practitioner": opaque_id(team.jo.sign_publics[0])}
    ]
    assert "room" not in month_path(store.data_dir, MONTH).read_text()


def test_verify_is_quiet_on_parts_and_a_hostile_service_file_stops_nothing(team, lead, checklist):
    """Genuine parts and indexes are ordinary store files to `verify`; a service file that is
    not JSON, or an archive file named by hand, is named or passed over, never a traceback,
    and the other months and people still count."""
    from store.verify import verify_store
    from tests.helpers import finish_session

    store = team.store
    finish_session(store, team.jo, checklist, "2026-09-03T10:00:00+00:00", {0: ("done", None)})
    finish_session(store, team.kit, checklist, "2026-10-03T10:00:00+00:00", {0: ("done", None)})
    (store.sessions.person_dir(team.kit.id) / "archive-evil.json").write_text("{}")
    for name in ("Jo Patel", "Kit Novak"):
        people.reshare(store, people.sign_in(store, name, PASSPHRASE))
    _, findings = verify_store(store.data_dir)
    assert [f for f in findings if "report" in str(f) or "service" in str(f)] == []
    month_path(store.data_dir, "2026-09").write_text("not json")
    read = read_parts(store, lead, "2026-09", "2026-10")
    assert len(read.contacts) == 1 and read.rejected == 1
    assert any("report-2026-09.json" in p for p in read.problems)


def test_equal_answers_are_one_object_and_a_wrong_type_is_not_passed_off_as_one() -> None:
    """Reading shares one object per distinct answer across batches (so the report judges each
    kind once), but an answer is only shared when its fields have the types a valid one has:
    `critical: 1` is not `critical: true`, and a string is not a list of requirements."""
    from store.service_parts import _shared

    answer = {
        "item": "private-space",
        "requirements": ["7.1"],
        "critical": True,
        "response": "not_done",
        "reasons": ["no_private_room"],
    }
    interned: dict = {}
    first = _shared([json.loads(json.dumps(answer))], interned)
    again = _shared([json.loads(json.dumps(answer))], interned)
    assert first[0] is again[0] and first[0] == answer
    hostile = [
        {**answer, "critical": 1},
        {**answer, "requirements": "7.1"},
        {**answer, "critical": "true"},
        [answer],
        {**answer, "reasons": [None]},
    ]
    assert _shared(hostile, interned) == {}


def test_the_cycle_collector_is_paused_while_reading_and_restored_after() -> None:
    import gc

    from store.service_parts import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


def _old_pack(parts: list[dict]) -> bytes:
    """A batch as it was packed before format 2: each distinct answer as an object."""
    heads, answers, rows = [], [], []
    for part in parts:
        head = {k: v for k, v in part.items() if k != "answers"}
        if head not in heads:
            heads.append(head)
        numbers = []
        for answer in part["answers"]:
            if answer not in answers:
                answers.append(answer)
            numbers.append(answers.index(answer))
        rows.append([heads.index(head), numbers])
    document = {"heads": heads, "answers": answers, "parts": rows}
    return zlib.compress(json.dumps(document).encode())


def test_batches_packed_before_format_2_are_still_read_and_count_the_same(team, lead):
    """Answers are packed as lines of JSON since format 2; a store's older batches hold them
    as objects in one document, and both are read alike."""
    from store.service_parts import new_entry_id, pack

    store = team.store
    public = ReportKeys(store.people).public()
    parts = [contact(team.jo), contact(team.jo, flagged=True)]
    old, new = new_entry_id(), new_entry_id()
    put_entry(
        store.data_dir,
        MONTH,
        sealed_entry(old, [], team.jo.private_key, public, _old_pack(parts)),
    )
    put_entry(
        store.data_dir, MONTH, sealed_entry(new, [], team.kit.private_key, public, pack(parts))
    )
    assert json.loads(zlib.decompress(pack(parts)).split(b"\n")[0])["format"] == 2
    read = read_parts(store, lead, MONTH, MONTH)
    assert read.rejected == 0
    assert len(read.contacts) == 4
    assert [c["flagged"] for c in read.contacts] == [False, True, False, True]
    answers = [c["answers"][0] for c in read.contacts]
    assert all(a == contact(team.jo)["answers"][0] for a in answers)


def test_a_row_naming_an_answer_its_batch_does_not_have_is_rejected_and_said(team, lead):
    from store.service_parts import new_entry_id

    store = team.store
    public = ReportKeys(store.people).public()
    part = contact(team.jo)
    head = {k: v for k, v in part.items() if k != "answers"}
    line = json.dumps(part["answers"][0], sort_keys=True)
    document = {"format": 2, "heads": [head], "parts": [[0, [0]], [0, [5]], [0, [1]]]}
    # Answer 1 is not an answer at all: the row naming it goes too.
    blob = zlib.compress(f"{json.dumps(document)}\n{line}\nnot json".encode())
    put_entry(
        store.data_dir, MONTH, sealed_entry(new_entry_id(), [], team.jo.private_key, public, blob)
    )
    read = read_parts(store, lead, MONTH, MONTH)
    assert len(read.contacts) == 1
    assert read.rejected == 2
    assert any("shape this version does not write" in p for p in read.problems)


def test_an_answer_line_nested_too_deep_is_rejected_not_a_crash(team, lead):
    """A signed batch with one answer line nested 200,000 deep (Python's JSON reader gives up
    with RecursionError, not ValueError): that part is not counted; the rest are."""
    from store.service_parts import new_entry_id, pack

    store = team.store
    public = ReportKeys(store.people).public()
    part = contact(team.jo)
    head = {k: v for k, v in part.items() if k != "answers"}
    document = {"format": 2, "heads": [head], "parts": [[0, [0]]]}
    deep = "[" * 200_000 + "]" * 200_000
    blob = zlib.compress(f"{json.dumps(document)}\n{deep}".encode())
    put_entry(
        store.data_dir, MONTH, sealed_entry(new_entry_id(), [], team.jo.private_key, public, blob)
    )
    deep_document = zlib.compress(("[" * 200_000 + "]" * 200_000).encode())
    put_entry(
        store.data_dir,
        MONTH,
        sealed_entry(new_entry_id(), [], team.jo.private_key, public, deep_document),
    )
    put_entry(
        store.data_dir,
        MONTH,
        sealed_entry(new_entry_id(), [], team.kit.private_key, public, pack([contact(team.kit)])),
    )
    read = read_parts(store, lead, MONTH, MONTH)
    assert len(read.contacts) == 1
    assert read.rejected == 2


@pytest.mark.parametrize("damage", ["folder", "link to a device", "service is a file"])
def test_a_month_file_that_is_not_a_file_is_said_not_counted_as_nothing(
    team, lead, checklist, damage
):
    """A month replaced by a folder or a link (to /dev/zero here) read as 0 contacts, said
    nowhere, and 0 is always shown as a true figure: now it is named and left out."""
    from tests.helpers import finish_session

    store = team.store
    finish_session(store, team.jo, checklist, "2026-09-03T10:00:00+00:00", {0: ("done", None)})
    finish_session(store, team.kit, checklist, "2026-10-03T10:00:00+00:00", {0: ("done", None)})
    for name in ("Jo Patel", "Kit Novak"):
        people.reshare(store, people.sign_in(store, name, PASSPHRASE))
    path = month_path(store.data_dir, "2026-09")
    if damage == "service is a file":
        for item in path.parent.iterdir():
            item.unlink()
        path.parent.rmdir()
        path.parent.write_text("not a folder")
    else:
        path.unlink()
        if damage == "folder":
            path.mkdir()
        else:
            os.symlink("/dev/zero", path)
    read = read_parts(store, lead, "2026-09", "2026-10")
    assert read.rejected >= 1
    assert any("not a f" in p for p in read.problems), read.problems
    if damage != "service is a file":
        assert len(read.contacts) == 1  # the other month still counts
