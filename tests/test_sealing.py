"""Sealed at rest: only the author and the author's supervisors can read a session."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from store import PermissionDenied, Store
from store.crypto import SealError
from tests.helpers import PASSPHRASE, make_team, run_cli

SECRET_NOTE = "Offered the quiet room upstairs"
SECRET_REFLECTION = "I felt unsure how to raise the meeting"
CASE_REF = "TEAM-B-0042"


@pytest.fixture
def team(store, alex):
    """Alex (admin, practitioner), Sam (supervisor), Jo (practitioner), Kit (practitioner)."""
    store.people.update(alex, "Alex Reid", add_roles=["supervisor"])
    return make_team(store, alex, signed_in=False)


def write_session(store, person, checklist, finish=True):
    session = store.start_session(person, checklist, {"case_ref": CASE_REF})
    items = session.visible_items(checklist)
    session.answer(items[0], "not_done")
    session.set_reason(items[0], "no-private-room")
    session.set_note(items[0], SECRET_NOTE)
    session.set_reflection("feelings", SECRET_REFLECTION)
    store.sessions.save_draft(session)
    return store.sessions.finish(session) if finish else session


def sign_in(store, name):
    return Store(store.data_dir).people.authenticate(name, PASSPHRASE)


def test_copied_store_files_reveal_nothing_typed(team, checklist) -> None:
    store, sam, jo, kit = team
    write_session(store, jo, checklist)
    write_session(store, jo, checklist, finish=False)
    everything = b"".join(p.read_bytes() for p in store.data_dir.rglob("*") if p.is_file())
    for secret in (SECRET_NOTE, SECRET_REFLECTION, CASE_REF, PASSPHRASE, "no-private-room"):
        assert secret.encode() not in everything
        assert base64.b64encode(secret.encode())[:12] not in everything


def test_author_and_supervisor_read_colleague_and_admin_cannot(team, checklist) -> None:
    store, sam, jo, kit = team
    done = write_session(store, jo, checklist)
    jo_in = sign_in(store, "Jo Patel")
    [mine] = Store(store.data_dir).readable_sessions(jo_in)
    assert mine.answers[done.visible_items(checklist)[0].id]["note"] == SECRET_NOTE

    sam_in = sign_in(store, "Sam Supervisor")
    jo_record = store.people.find("Jo Patel")
    [theirs] = Store(store.data_dir).readable_sessions(sam_in, of=jo_record)
    assert theirs.reflection["feelings"] == SECRET_REFLECTION

    kit_in = sign_in(store, "Kit Novak")
    with pytest.raises(PermissionDenied, match="not Jo Patel's supervisor"):
        Store(store.data_dir).readable_sessions(kit_in, of=jo_record)
    admin_in = sign_in(store, "Alex Reid")  # admin and supervisor, but not Jo's
    with pytest.raises(PermissionDenied):
        Store(store.data_dir).readable_sessions(admin_in, of=jo_record)


def test_a_supervisor_assigned_later_gains_older_sessions_after_the_author_signs_in(
    team, checklist, alex
) -> None:
    store, sam, jo, kit = team
    write_session(store, kit, checklist)
    store.people.update(alex, "Kit Novak", add_supervisors=["Sam Supervisor"])
    kit_in = sign_in(store, "Kit Novak")
    [(sam_id, _, _)] = store.people.waiting_supervisors(kit_in)
    store.people.confirm_supervisor(kit_in, sam_id)  # her yes, asked once at sign-in
    kit_record = store.people.find("Kit Novak")
    sam_in = sign_in(store, "Sam Supervisor")
    problems: list = []
    assert Store(store.data_dir).readable_sessions(sam_in, of=kit_record, problems=problems) == []
    assert "not been shared" in str(problems[0])  # reported, not silently skipped

    assert Store(store.data_dir).reshare_all(kit_in) == 1
    [shared] = Store(store.data_dir).readable_sessions(sam_in, of=kit_record)
    assert shared.reflection["feelings"] == SECRET_REFLECTION


def test_passphrase_change_keeps_access_and_reset_is_repaired_by_the_supervisor(
    team, checklist, alex
) -> None:
    store, sam, jo, kit = team
    write_session(store, jo, checklist)
    store.people.change_passphrase(store.people.find("Jo Patel"), PASSPHRASE, "a brand new one")
    jo_in = Store(store.data_dir).people.authenticate("Jo Patel", "a brand new one")
    assert len(Store(store.data_dir).readable_sessions(jo_in)) == 1

    store.people.reset_passphrase(alex, "Jo Patel", "reset by the admin")
    jo_reset = Store(store.data_dir).people.authenticate("Jo Patel", "reset by the admin")
    problems: list = []
    assert Store(store.data_dir).readable_sessions(jo_reset, problems=problems) == []
    assert problems  # new keys: the old sessions wait for the supervisor to share them
    sam_in = sign_in(store, "Sam Supervisor")
    assert Store(store.data_dir).reshare_all(sam_in) == 1
    [back] = Store(store.data_dir).readable_sessions(jo_reset)
    assert back.reflection["feelings"] == SECRET_REFLECTION


def test_a_tampered_record_is_reported_never_shown_empty(team, checklist, passphrase_file) -> None:
    store, sam, jo, kit = team
    write_session(store, jo, checklist)
    archive = next(store.data_dir.glob(f"sessions/{jo.id}/archive-*.json"))
    data = json.loads(archive.read_text())
    record = next(iter(data["sessions"].values()))
    sealed = bytearray(base64.b64decode(record["sealed"]["content"]["data"]))
    sealed[5] ^= 0x01
    record["sealed"]["content"]["data"] = base64.b64encode(bytes(sealed)).decode()
    archive.write_text(json.dumps(data))

    jo_in = sign_in(store, "Jo Patel")
    with pytest.raises(SealError, match="altered or damaged"):
        Store(store.data_dir).readable_sessions(jo_in)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "--data-dir",
            str(store.data_dir),
            "sessions",
            "list",
            "--user",
            "Jo Patel",
            "--passphrase-file",
            str(passphrase_file),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "altered or damaged" in result.stderr and "Traceback" not in result.stderr


def test_moving_a_record_to_another_author_breaks_the_seal(team, checklist) -> None:
    store, sam, jo, kit = team
    write_session(store, jo, checklist)
    archive = next(store.data_dir.glob(f"sessions/{jo.id}/archive-*.json"))
    data = json.loads(archive.read_text())
    record = next(iter(data["sessions"].values()))
    record["checklist"]["hash"] = "0" * 16
    archive.write_text(json.dumps(data))
    with pytest.raises(SealError):
        Store(store.data_dir).readable_sessions(sign_in(store, "Jo Patel"))


def test_cli_of_and_roles(team, checklist, passphrase_file, alex) -> None:
    store, sam, jo, kit = team
    write_session(store, jo, checklist)

    def cli(*args):
        return run_cli("--data-dir", str(store.data_dir), *args)

    ok = cli(
        "sessions",
        "list",
        "--user",
        "Sam Supervisor",
        "--passphrase-file",
        str(passphrase_file),
        "--of",
        "Jo Patel",
        "--json",
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["author"] == "Jo Patel"
    refused = cli(
        "sessions",
        "list",
        "--user",
        "Kit Novak",
        "--passphrase-file",
        str(passphrase_file),
        "--of",
        "Jo Patel",
        "--json",
    )
    assert refused.returncode == 1
    assert refused.stderr.strip().count("\n") == 0 and "supervisor" in refused.stderr
    updated = cli(
        "users",
        "update",
        "Kit Novak",
        "--supervisor",
        "Sam Supervisor",
        "--add-role",
        "supervisor",
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(passphrase_file),
        "--json",
    )
    assert updated.returncode == 0, updated.stderr
    view = json.loads(updated.stdout)
    assert view["supervisors"] == ["Sam Supervisor"] and "supervisor" in view["roles"]
    not_admin = cli(
        "users",
        "update",
        "Kit Novak",
        "--deactivate",
        "--user",
        "Jo Patel",
        "--passphrase-file",
        str(passphrase_file),
    )
    assert not_admin.returncode == 1 and "admin" in not_admin.stderr


def test_files_are_private_to_their_owner(team, checklist) -> None:
    store, sam, jo, kit = team
    write_session(store, jo, checklist)
    for path in Path(store.data_dir).rglob("*"):
        mode = path.stat().st_mode & 0o777
        assert mode & 0o077 == 0, f"{path} is readable by others ({oct(mode)})"
