"""Signing in, the people in a store, re-sharing and reading a supervisee's sessions: the
services write every audit entry, the store's primitives write none, and the command line
(which calls the services) leaves the same trail as before."""

from __future__ import annotations

from datetime import datetime

import pytest

from services import people
from services import sessions as session_use
from store import PermissionDenied, SignInError, Store
from store.lockout import ATTEMPTS, LockedOut
from tests.helpers import PASSPHRASE, make_team, run_cli


def trail(store: Store, before: int = 0) -> list[tuple]:
    """(event, actor, subject, detail) of each entry after the first `before`."""
    return [
        (e["event"], e["actor"], e["subject"], e.get("detail"))
        for e in store.audit.entries()[before:]
    ]


def count(store: Store) -> int:
    return len(store.audit.entries())


def kit_writes_then_gets_sam(team, checklist, alex) -> None:
    """Kit writes a session, then is given Sam as supervisor: it waits to be re-shared."""
    store = team.store
    session = store.start_session(team.kit, checklist, {})
    store.sessions.save_draft(session)
    people.update_person(store, alex, "Kit Novak", add_supervisors=["Sam Supervisor"])


# -- signing in -------------------------------------------------------------------------------


def test_signing_in_is_audited_with_where_from(store, alex) -> None:
    before = count(store)
    person = people.sign_in(store, "alex reid", PASSPHRASE, via="cli")
    assert person.name == "Alex Reid" and person.private_key is not None
    assert trail(store, before) == [("sign_in", "Alex Reid", None, {"via": "cli"})]


def test_a_wrong_passphrase_is_audited_though_it_raises_and_the_fifth_locks_out(
    store, alex
) -> None:
    before = count(store)
    with pytest.raises(SignInError, match="do not match") as wrong:
        people.sign_in(store, "Alex Reid", "wrong passphrase")
    assert not isinstance(wrong.value, LockedOut)
    with pytest.raises(SignInError, match="do not match"):
        people.sign_in(store, "Nobody Here", "wrong passphrase")  # counted, named by nobody
    assert trail(store, before) == [
        ("sign_in_failed", None, "Alex Reid", {"via": "app"}),
        ("sign_in_failed", None, None, {"via": "app"}),
    ]

    before = count(store)
    for _ in range(ATTEMPTS - 2):
        with pytest.raises(SignInError):
            people.sign_in(store, "Alex Reid", "wrong passphrase")
    with pytest.raises(LockedOut, match="Please wait until") as locked:
        people.sign_in(store, "Alex Reid", "wrong passphrase")
    until = locked.value.until
    assert trail(store, before) == [("sign_in_failed", None, "Alex Reid", {"via": "app"})] * (
        ATTEMPTS - 1
    ) + [("locked_out", None, "Alex Reid", {"until": until.isoformat()})]
    assert until > datetime.now().astimezone()

    # While locked out, even the right passphrase is refused unchecked, and recorded as such.
    before = count(store)
    with pytest.raises(LockedOut):
        people.sign_in(store, "Alex Reid", PASSPHRASE)
    assert trail(store, before) == [
        ("sign_in_refused", None, "Alex Reid", {"via": "app", "why": "locked_out"})
    ]


def test_the_store_primitives_write_no_audit_entry(team, checklist, alex) -> None:
    store = team.store
    kit_writes_then_gets_sam(team, checklist, alex)
    before = count(store)
    store.sign_in("Jo Patel", PASSPHRASE)
    with pytest.raises(SignInError) as wrong:
        store.sign_in("Jo Patel", "wrong passphrase")
    assert wrong.value.attempt == ("Jo Patel", None)  # what the service records
    jo = store.people.add("Jo Two", ["practitioner"], PASSPHRASE, acting=alex)
    store.people.update(alex, jo.name, add_roles=["supervisor"])
    store.people.reset_passphrase(alex, jo.name, "a brand new one")
    store.people.change_passphrase(jo, "a brand new one", "and another one")
    assert store.reshare_all(store.sign_in("Kit Novak", PASSPHRASE)) == 1
    assert len(store.readable_sessions(team.sam, of=store.people.find("Kit Novak"))) == 1
    assert count(store) == before


# -- people -----------------------------------------------------------------------------------


def test_the_first_person_and_each_change_to_people_is_audited(data_dir) -> None:
    store = Store(data_dir)
    alex = people.set_up_first(store, "Alex Reid", PASSPHRASE, again=PASSPHRASE)
    assert alex.roles == ["admin", "practitioner"] and alex.private_key is not None
    sam = people.add_person(store, alex, "Sam Supervisor", ["supervisor", "supervisor"], PASSPHRASE)
    jo = people.add_person(store, alex, "Jo Patel", ["practitioner"], PASSPHRASE)
    person, changes = people.update_person(
        store,
        alex,
        "Jo Patel",
        add_roles=["supervisor"],
        add_supervisors=[sam.name],
        deactivate=True,
    )
    assert not person.active
    assert changes == ["role_added:supervisor", "supervisor_added:Sam Supervisor"] + [
        "person_deactivated"
    ]
    people.update_person(store, alex, "Jo Patel", remove_roles=["supervisor"])
    people.reset_passphrase(store, alex, "Sam Supervisor", "reset by the admin")
    people.change_passphrase(store, sam.name, "reset by the admin", "Sam's own again")
    assert trail(store) == [
        ("person_added", None, "Alex Reid", {"roles": "admin,practitioner"}),
        ("person_added", "Alex Reid", "Sam Supervisor", {"roles": "supervisor"}),
        ("person_added", "Alex Reid", "Jo Patel", {"roles": "practitioner"}),
        ("role_added", "Alex Reid", "Jo Patel", {"value": "supervisor"}),
        ("supervisor_added", "Alex Reid", "Jo Patel", {"value": "Sam Supervisor"}),
        ("person_deactivated", "Alex Reid", "Jo Patel", {}),
        ("role_removed", "Alex Reid", "Jo Patel", {"value": "supervisor"}),
        ("passphrase_reset", "Alex Reid", "Sam Supervisor", {}),
        ("sign_in", "Sam Supervisor", None, {"via": "cli"}),  # knowing the old one is a sign-in
        ("passphrase_changed", "Sam Supervisor", "Sam Supervisor", {}),
    ]
    assert jo.name == "Jo Patel"


def test_only_an_admin_changes_people_and_a_refusal_is_not_audited(team) -> None:
    store = team.store
    before = count(store)
    with pytest.raises(PermissionDenied, match="only an admin can add people"):
        people.add_person(store, team.sam, "Lee Lead", ["practitioner"], PASSPHRASE)
    with pytest.raises(PermissionDenied, match="Only an admin can change"):
        people.update_person(store, team.sam, "Jo Patel", add_roles=["admin"])
    with pytest.raises(PermissionDenied, match="Only an admin can change"):
        people.reset_passphrase(store, team.sam, "Jo Patel", "reset by the admin")
    with pytest.raises(PermissionDenied, match="Only an admin can add"):
        people.add_person(store, None, "Lee Lead", ["practitioner"], PASSPHRASE)  # not empty
    assert count(store) == before
    assert store.people.find("Lee Lead") is None
    assert "admin" not in store.people.find("Jo Patel").roles


# -- re-sharing and reading a supervisee's sessions ---------------------------------------------


def test_resharing_is_audited_only_when_something_changed(team, checklist, alex) -> None:
    store = team.store
    kit_writes_then_gets_sam(team, checklist, alex)
    before = count(store)
    assert people.reshare(store, team.kit) == 1
    assert people.reshare(store, team.kit) == 0
    assert trail(store, before) == [("reshare", "Kit Novak", None, {"records": 1})]


def test_reading_a_supervisees_sessions_is_audited_with_how_many(team, checklist) -> None:
    store = team.store
    store.sessions.save_draft(store.start_session(team.jo, checklist, {}))
    before = count(store)
    assert len(session_use.readable(store, team.jo)) == 1  # one's own: not audited
    assert count(store) == before
    assert session_use.readable(store, team.sam, of=team.jo, status="complete") == []
    assert trail(store, before) == [("read_other", "Sam Supervisor", "Jo Patel", {"sessions": 1})]
    with pytest.raises(PermissionDenied, match="not Jo Patel's supervisor"):
        session_use.readable(store, team.kit, of=team.jo)
    assert count(store) == before + 1


# -- the same trail from the command line ------------------------------------------------------


def test_the_command_line_leaves_the_same_trail(data_dir, tmp_path, checklist) -> None:
    """The trail `stepping-stones` wrote before its use cases moved into the services (checked
    against the previous tree with the same commands: only the services write it now)."""
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("wrong passphrase\n")

    def cli(*args: str, user: str = "Alex Reid", file=secret):
        return run_cli(*args, "--user", user, "--passphrase-file", str(file), data_dir=data_dir)

    def add(name: str, role: str, *more: str) -> None:
        added = cli(
            "users", "add", name, "--role", role, *more, "--new-passphrase-file", str(secret)
        )
        assert added.returncode == 0, added.stderr

    def write_a_draft(name: str) -> None:
        store = Store(data_dir)
        author = store.people.authenticate(name, PASSPHRASE)
        store.sessions.save_draft(store.start_session(author, checklist, {}))

    first = run_cli(
        "users", "add", "Alex Reid", "--role", "admin", "--new-passphrase-file", str(secret),
        data_dir=data_dir,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    add("Sam Supervisor", "supervisor")
    add("Jo Patel", "practitioner", "--supervisor", "Sam Supervisor")
    assert cli("users", "update", "Jo Patel", "--add-role", "supervisor").returncode == 0
    refused = cli("users", "add", "Kit Novak", "--role", "practitioner", user="Jo Patel")
    assert refused.returncode == 1 and "only an admin can add people" in refused.stderr
    assert cli("sessions", "list", user="Jo Patel", file=wrong).returncode == 1
    write_a_draft("Jo Patel")
    listed = cli(
        "sessions", "list", "--of", "Jo Patel", "--status", "complete", user="Sam Supervisor"
    )
    assert listed.returncode == 0 and "No sessions" in listed.stdout
    # Kit writes before Sam supervises her: her next sign-in shares it with him.
    add("Kit Novak", "practitioner")
    write_a_draft("Kit Novak")
    assert cli("users", "update", "Kit Novak", "--supervisor", "Sam Supervisor").returncode == 0
    assert cli("sessions", "list", user="Kit Novak").returncode == 0

    by_cli = {"via": "cli"}
    assert trail(Store(data_dir)) == [
        ("person_added", None, "Alex Reid", {"roles": "admin"}),
        ("sign_in", "Alex Reid", None, by_cli),
        ("person_added", "Alex Reid", "Sam Supervisor", {"roles": "supervisor"}),
        ("sign_in", "Alex Reid", None, by_cli),
        ("person_added", "Alex Reid", "Jo Patel", {"roles": "practitioner"}),
        ("sign_in", "Alex Reid", None, by_cli),
        ("role_added", "Alex Reid", "Jo Patel", {"value": "supervisor"}),
        ("sign_in", "Jo Patel", None, by_cli),
        ("sign_in_failed", None, "Jo Patel", by_cli),
        ("sign_in", "Sam Supervisor", None, by_cli),
        ("read_other", "Sam Supervisor", "Jo Patel", {"sessions": 1}),  # before --status
        ("sign_in", "Alex Reid", None, by_cli),
        ("person_added", "Alex Reid", "Kit Novak", {"roles": "practitioner"}),
        ("sign_in", "Alex Reid", None, by_cli),
        ("supervisor_added", "Alex Reid", "Kit Novak", {"value": "Sam Supervisor"}),
        ("sign_in", "Kit Novak", None, by_cli),
        ("reshare", "Kit Novak", None, {"records": 1}),
    ]


def test_a_whole_team_set_up_through_the_services_has_its_trail(store, alex) -> None:
    """`make_team` (used across the suite) leaves what the app would have written."""
    team = make_team(store, alex)
    events = [e[:2] for e in trail(team.store)]
    assert events == [("person_added", None)] + [("person_added", "Alex Reid")] * 3 + [
        ("sign_in", "Sam Supervisor"),
        ("sign_in", "Jo Patel"),
        ("sign_in", "Kit Novak"),
    ]


def test_exporting_a_supervisees_sessions_records_the_reading_then_the_export(
    team, checklist, tmp_path
) -> None:
    from services import interop

    store = team.store
    store.sessions.save_draft(store.start_session(team.jo, checklist, {}))
    before = count(store)
    result = interop.export_csv(
        store, team.sam, tmp_path / "out.csv", of=team.jo, since="2099-01-01"
    )
    assert result["sessions"] == 0  # `since` leaves it out; the reading still counts it
    read, export = trail(store, before)
    assert read == ("read_other", "Sam Supervisor", "Jo Patel", {"sessions": 1})
    assert export[:3] == ("export", "Sam Supervisor", "Jo Patel")
    before = count(store)
    interop.export_csv(store, team.jo, tmp_path / "own.csv")  # her own: only the export
    assert [entry[0] for entry in trail(store, before)] == ["export"]


def test_a_supervisees_summary_records_the_reading_then_the_summary(team, checklist) -> None:
    from services import summaries

    store = team.store
    store.sessions.save_draft(store.start_session(team.jo, checklist, {}))
    before = count(store)
    summaries.build(store, team.jo)  # her own: nothing to record
    assert count(store) == before
    summaries.build(store, team.sam, of=team.jo)
    read, summary = trail(store, before)
    assert read == ("read_other", "Sam Supervisor", "Jo Patel", {"sessions": 1})
    assert summary[:3] == ("read_summary", "Sam Supervisor", "Jo Patel")
