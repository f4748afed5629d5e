"""The command line: shapes, exit codes, one-line errors and JSON field names.

Most tests run the command in this process (`cli.main.main`); a few start the installed
command, to see what a real process prints and exits with.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import Store
from store.passwords import FULL_N
from tests.helpers import PASSPHRASE, one_line_error, run_installed
from tests.helpers import run_cli as run


def as_alex(passphrase_file: Path) -> tuple[str, ...]:
    """`users list` and the like need a sign-in: Alex's."""
    return ("--user", "Alex Reid", "--passphrase-file", str(passphrase_file))


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["checklists"],
        ["checklists", "validate"],
        ["checklists", "list"],
        ["checklists", "show"],
        ["checklists", "reasons"],
        ["users"],
        ["users", "add"],
        ["users", "list"],
        ["sessions", "list"],
        ["demo"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: stepping-stones" in result.stdout


def test_users_add_on_an_empty_store_then_needs_an_admin(data_dir, passphrase_file) -> None:
    first = run(
        "users",
        "add",
        "Alex Reid",
        "--role",
        "practitioner",
        "--role",
        "supervisor",
        "--new-passphrase-file",
        str(passphrase_file),
        "--json",
        data_dir=data_dir,
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {
        "name": "Alex Reid",
        # The first person in a store is always an admin, whatever roles were asked for.
        "roles": ["admin", "practitioner", "supervisor"],
        "supervisors": [],
        "active": True,
    }
    refused = run(
        "users",
        "add",
        "Jo Patel",
        "--role",
        "practitioner",
        "--new-passphrase-file",
        str(passphrase_file),
        data_dir=data_dir,
    )
    assert "admin" in one_line_error(refused)
    sam = run(
        "users",
        "add",
        "Sam Lee",
        "--role",
        "practitioner",
        "--new-passphrase-file",
        str(passphrase_file),
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(passphrase_file),
        data_dir=data_dir,
    )
    assert sam.returncode == 0, sam.stderr
    not_admin = run(
        "users",
        "add",
        "Jo Patel",
        "--role",
        "practitioner",
        "--new-passphrase-file",
        str(passphrase_file),
        "--user",
        "Sam Lee",
        "--passphrase-file",
        str(passphrase_file),
        data_dir=data_dir,
    )
    assert "admin" in one_line_error(not_admin)


def test_users_list_shows_nothing_secret(store, alex, passphrase_file) -> None:
    result = run(
        "--data-dir",
        str(store.data_dir),
        "users",
        "add",
        "Sam Supervisor",
        "--role",
        "supervisor",
        "--user",
        "alex reid",
        "--passphrase-file",
        str(passphrase_file),
        "--new-passphrase-file",
        str(passphrase_file),
    )
    assert result.returncode == 0, result.stderr
    result = run(
        "users",
        "add",
        "Jo Patel",
        "--role",
        "practitioner",
        "--supervisor",
        "Sam Supervisor",
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(passphrase_file),
        "--new-passphrase-file",
        str(passphrase_file),
        env_dir=store.data_dir,
    )
    assert result.returncode == 0, result.stderr
    listing = json.loads(
        run("users", "list", *as_alex(passphrase_file), "--json", data_dir=store.data_dir).stdout
    )
    assert [set(row) for row in listing] == [{"name", "roles", "supervisors", "active"}] * 3
    jo = next(row for row in listing if row["name"] == "Jo Patel")
    assert jo["supervisors"] == ["Sam Supervisor"]


def test_sessions_list_json_shape(store, alex, checklist, passphrase_file) -> None:
    session = store.start_session(alex, checklist, {"setting": "home_visit", "stage": "postnatal"})
    items = session.visible_items(checklist)
    session.answer(items[0], "done")
    session.answer(items[1], "not_done")
    session.set_reasons(items[1], ["not-enough-time", "no-private-room"])
    session.set_note(items[1], "Booked a longer slot")
    store.sessions.save_draft(session)

    result = run(
        "sessions",
        "list",
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(passphrase_file),
        "--json",
        data_dir=store.data_dir,
    )
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert set(row) == {
        "id",
        "author",
        "checklist",
        "status",
        "started_at",
        "updated_at",
        "completed_at",
        "setup",
        "answers",
        "reflection",
        "flagged",
        "comments",
    }
    assert row["comments"] == []
    assert row["id"] == session.id and row["author"] == "Alex Reid"
    assert row["checklist"] == {"id": "any-contact", "version": checklist.version}
    assert row["status"] == "draft" and row["completed_at"] is None
    assert row["setup"]["setting"] == "home_visit" and row["setup"]["stage"] == "postnatal"
    assert row["answers"] == {
        items[0].id: {
            "response": "done",
            "reason": None,
            "reasons": [],
            "note": "",
            "requirements": list(items[0].requirements),
            "shown": True,
        },
        items[1].id: {
            "response": "not_done",
            # `reason` stays, holding the first of `reasons`.
            "reason": "not-enough-time",
            "reasons": ["not-enough-time", "no-private-room"],
            "note": "Booked a longer slot",
            "requirements": list(items[1].requirements),
            "shown": True,
        },
    }
    complete = run(
        "sessions",
        "list",
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(passphrase_file),
        "--status",
        "complete",
        "--json",
        data_dir=store.data_dir,
    )
    assert json.loads(complete.stdout) == []


def test_wrong_passphrase_and_missing_file_fail_in_one_line(store, alex, tmp_path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    line = one_line_error(
        run(
            "sessions",
            "list",
            "--user",
            "Alex Reid",
            "--passphrase-file",
            str(wrong),
            data_dir=store.data_dir,
        )
    )
    assert "do not match" in line
    line = one_line_error(
        run(
            "sessions",
            "list",
            "--user",
            "Alex Reid",
            "--passphrase-file",
            str(tmp_path / "absent.txt"),
            data_dir=store.data_dir,
        )
    )
    assert "cannot read" in line
    line = one_line_error(run("sessions", "list", "--bogus", data_dir=store.data_dir))
    assert "required: --user" in line


def test_corrupt_store_fails_in_one_line(store, alex, passphrase_file) -> None:
    (store.data_dir / "people.json").write_text("{not json")
    (store.data_dir / "people.json.bak").write_text("{not json either")
    line = one_line_error(run("users", "list", *as_alex(passphrase_file), data_dir=store.data_dir))
    assert "people.json" in line and "no good backup" in line
    # The installed command, in a process of its own, says the same in one line and exits 1.
    real = run_installed("users", "list", *as_alex(passphrase_file), data_dir=store.data_dir)
    assert real.returncode == 1 and one_line_error(real) == line


def test_the_installed_command_answers_help_and_json(store, alex, passphrase_file) -> None:
    result = run_installed("--help")
    assert result.returncode == 0 and "usage: stepping-stones" in result.stdout
    listing = run_installed(
        "users", "list", *as_alex(passphrase_file), "--json", data_dir=store.data_dir
    )
    assert listing.returncode == 0, listing.stderr
    assert json.loads(listing.stdout) == json.loads(
        run("users", "list", *as_alex(passphrase_file), "--json", data_dir=store.data_dir).stdout
    )


def test_the_scrypt_cost_is_never_read_from_the_environment(tmp_path, passphrase_file) -> None:
    """STEPPING_STONES_SCRYPT_N once lowered the cost of every passphrase: no longer."""
    data_dir = tmp_path / "store"
    result = run_installed(
        "users",
        "add",
        "Alex Reid",
        "--role",
        "admin",
        "--new-passphrase-file",
        str(passphrase_file),
        data_dir=data_dir,
        env={"STEPPING_STONES_SCRYPT_N": "16"},
    )
    assert result.returncode == 0, result.stderr
    [record] = json.loads((data_dir / "people.json").read_text())["people"].values()
    assert record["passphrase"]["n"] == FULL_N == 2**17
    assert Store(data_dir).people.authenticate("Alex Reid", PASSPHRASE).name == "Alex Reid"


def test_damaged_people_file_is_restored_with_a_warning(store, alex, passphrase_file) -> None:
    (store.data_dir / "people.json").write_text("{not json")
    result = run("users", "list", *as_alex(passphrase_file), "--json", data_dir=store.data_dir)
    assert result.returncode == 0
    assert [row["name"] for row in json.loads(result.stdout)] == ["Alex Reid"]
    assert "warning: people.json was damaged" in result.stderr


def test_data_dir_before_and_after_the_subcommand_and_from_the_environment(
    tmp_path, passphrase_file
) -> None:
    for where in ("before", "after", "env"):
        target = tmp_path / where
        add = [
            "users",
            "add",
            "Alex Reid",
            "--role",
            "admin",
            "--new-passphrase-file",
            str(passphrase_file),
        ]
        if where == "before":
            result = run("--data-dir", str(target), *add)
        elif where == "after":
            result = run(*add, "--data-dir", str(target))
        else:
            result = run(*add, env_dir=target)
        assert result.returncode == 0, result.stderr
        assert Store(target).people.find("Alex Reid") is not None, where


def test_demo_builds_a_store_people_can_sign_in_to(tmp_path, passphrase_file) -> None:
    target = tmp_path / "demo"
    result = run(
        "demo",
        "--people",
        "2",
        "--sessions-per-person",
        "5",
        "--seed",
        "4",
        "--passphrase-file",
        str(passphrase_file),
        "--json",
        data_dir=target,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    listed = run(
        "sessions",
        "list",
        "--user",
        report["first_practitioner"],
        "--passphrase-file",
        str(passphrase_file),
        "--status",
        "complete",
        "--json",
        data_dir=target,
    )
    assert len(json.loads(listed.stdout)) == 5
    assert PASSPHRASE not in "".join(p.read_text() for p in target.rglob("*.json"))


def test_demo_help_says_who_it_makes_and_their_passphrase(tmp_path, passphrase_file) -> None:
    """Like the other commands with more to say, `demo --help` has a description: whom the
    store holds (the very names it gives them) and which passphrase they get."""
    shown = run("demo", "--help").stdout
    description = " ".join(shown.split("\n\n")[1].split())  # after the usage, before options
    assert description.startswith("Fill a new, empty store folder with invented people")
    assert "Everyone gets the same passphrase: the first line of --passphrase-file FILE" in (
        description
    )
    made = run(
        "demo",
        "--sessions-per-person",
        "0",
        "--passphrase-file",
        str(passphrase_file),
        data_dir=tmp_path / "demo",
    )
    assert made.returncode == 0, made.stderr
    people = Store(tmp_path / "demo").people.all()
    assert len(people) == 7  # the default five practitioners, a supervisor and a lead
    for person in people:
        assert person.name in description


def test_check_text_reports_language_as_a_second_kind(tmp_path: Path) -> None:
    result = run("check-text", "She is an ADDICT; urine was dirty", "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr  # a suggestion never fails the check
    data = json.loads(result.stdout)
    assert data["findings"] == []
    assert [f["term"] for f in data["language"]] == ["addict", "dirty urine"]
    assert all(f["kind"] == "language" for f in data["language"])
    both = run("check-text", "Call 07700 900123, she is a junkie", data_dir=tmp_path)
    assert both.returncode == 1
    assert "phone" in both.stdout and "person who uses drugs" in both.stdout


def test_a_warning_is_reported_by_the_command_that_met_it_only(
    store, alex, passphrase_file
) -> None:
    """In one process (as here), each call of `main` reports only its own stores' notices."""
    (store.data_dir / "people.json").write_text("{not json")
    first = run("users", "list", *as_alex(passphrase_file), "--json", data_dir=store.data_dir)
    assert "warning: people.json was damaged" in first.stderr
    again = run("users", "list", *as_alex(passphrase_file), "--json", data_dir=store.data_dir)
    assert again.returncode == 0 and again.stderr == ""
