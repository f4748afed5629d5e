"""People on the command line: switching an account back on, a reset passphrase asked twice
without echo, a store folder that is not there, and saying which store a command wrote to."""

from __future__ import annotations

import json

import pytest

import cli.common
from services import people
from tests.helpers import PASSPHRASE, make_team, one_line_error
from tests.helpers import run_cli as run

WROTE = "stepping-stones: wrote to the store at "


def admin(store, passphrase_file, *args: str):
    return run(
        *args,
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(passphrase_file),
        data_dir=store.data_dir,
    )


def test_reactivate_switches_an_account_back_on_and_is_audited(
    store, alex, passphrase_file
) -> None:
    team = make_team(store, alex)
    people.update_person(store, alex, "Jo Patel", deactivate=True)
    result = admin(store, passphrase_file, "users", "reactivate", "jo patel", "--json")
    assert result.returncode == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["active"] is True and view["changes"] == ["person_reactivated"]
    assert store.people.find("Jo Patel").active
    assert people.sign_in(store, "Jo Patel", PASSPHRASE).name == team.jo.name
    entry = [e for e in store.audit.entries() if e["event"] == "person_reactivated"]
    assert [(e["actor"], e["subject"]) for e in entry] == [("Alex Reid", "Jo Patel")]
    again = admin(store, passphrase_file, "users", "reactivate", "Jo Patel")
    assert again.returncode == 0 and "already on" in again.stdout
    assert WROTE not in again.stderr  # nothing was changed, so nothing is said to be


def test_only_an_admin_reactivates(store, alex, passphrase_file) -> None:
    make_team(store, alex)
    people.update_person(store, alex, "Kit Novak", deactivate=True)
    result = run(
        "users",
        "reactivate",
        "Kit Novak",
        "--user",
        "Jo Patel",
        "--passphrase-file",
        str(passphrase_file),
        data_dir=store.data_dir,
    )
    assert "admin" in one_line_error(result)
    assert not store.people.find("Kit Novak").active


@pytest.fixture
def typed(monkeypatch):
    """What a person types at the hidden prompts, in order (standard input is a terminal)."""
    answers: list[str] = []
    prompts: list[str] = []

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return answers.pop(0)

    monkeypatch.setattr(cli.common, "on_terminal", lambda: True)
    monkeypatch.setattr(cli.common.getpass, "getpass", getpass)
    return answers, prompts


def test_reset_passphrase_asks_twice_without_echo(store, alex, passphrase_file, typed) -> None:
    make_team(store, alex)
    answers, prompts = typed
    answers += [PASSPHRASE, "a brand new one", "a brand new one"]
    result = run(
        "users", "reset-passphrase", "Jo Patel", "--user", "Alex Reid", data_dir=store.data_dir
    )
    assert result.returncode == 0, result.stderr
    assert prompts == ["Passphrase: ", "New passphrase for Jo Patel: ", "Again: "]
    assert people.sign_in(store, "Jo Patel", "a brand new one").name == "Jo Patel"
    # It says what Jo loses and until when: Sam, her supervisor, shares them back.
    assert "until Sam Supervisor next signs in" in result.stdout
    assert result.stderr == f"{WROTE}{store.data_dir}\n"


def test_reset_passphrase_typed_differently_twice_changes_nothing(
    store, alex, passphrase_file, typed
) -> None:
    make_team(store, alex)
    answers, _ = typed
    answers += [PASSPHRASE, "a brand new one", "a brand new on"]
    result = run(
        "users", "reset-passphrase", "Jo Patel", "--user", "Alex Reid", data_dir=store.data_dir
    )
    assert "not the same" in one_line_error(result)
    assert people.sign_in(store, "Jo Patel", PASSPHRASE).name == "Jo Patel"
    assert not [e for e in store.audit.entries() if e["event"] == "passphrase_reset"]


def test_reset_passphrase_warns_when_nobody_can_share_back(
    store, alex, passphrase_file, tmp_path
) -> None:
    make_team(store, alex)
    new = tmp_path / "new"
    new.write_text("Kit's new passphrase\n", encoding="utf-8")
    result = admin(
        store,
        passphrase_file,
        "users",
        "reset-passphrase",
        "Kit Novak",
        "--new-passphrase-file",
        str(new),
    )
    assert result.returncode == 0, result.stderr
    assert "nobody can share them back" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("users", "list", "--user", "Alex Reid"),
        ("sessions", "list", "--user", "Alex Reid"),
        ("summary", "--user", "Alex Reid"),
        ("audit", "verify"),
        ("audit", "list", "--user", "Alex Reid"),
        ("verify",),
        ("export", "--user", "Alex Reid", "--out", "bundle.ssb"),
        ("users", "update", "Alex Reid", "--add-role", "supervisor", "--user", "Alex Reid"),
        ("users", "reactivate", "Alex Reid", "--user", "Alex Reid"),
    ],
)
def test_a_store_folder_that_is_not_there_is_refused_and_not_made(
    tmp_path, passphrase_file, args
) -> None:
    missing = tmp_path / "mistyped" / "store"
    acting = ["--passphrase-file", str(passphrase_file)] if "--user" in args else []
    result = run(*args, *acting, data_dir=missing)
    assert "there is no store at" in one_line_error(result)
    assert str(missing) in result.stderr
    assert not missing.exists() and not missing.parent.exists()


def test_commands_without_a_store_still_work_with_a_missing_folder(tmp_path) -> None:
    missing = tmp_path / "nothing-here"
    assert run("checklists", "list", data_dir=missing).returncode == 0
    assert run("check-text", "a clinic appointment", data_dir=missing).returncode == 0
    assert not missing.exists()


def test_adding_the_first_person_says_where_and_makes_them_an_admin(
    tmp_path, passphrase_file
) -> None:
    folder = tmp_path / "new-store"
    result = run(
        "users",
        "add",
        "Alex Reid",
        "--role",
        "practitioner",
        "--new-passphrase-file",
        str(passphrase_file),
        data_dir=folder,
    )
    assert result.returncode == 0, result.stderr
    assert "always an admin" in result.stdout
    assert result.stderr == f"{WROTE}{folder}\n"
    assert folder.is_dir()
    signed_in = ("--user", "Alex Reid", "--passphrase-file", str(passphrase_file))
    listed = run("users", "list", "--json", *signed_in, data_dir=folder)
    assert json.loads(listed.stdout)[0]["roles"] == ["admin", "practitioner"]
    assert listed.stderr == ""  # reading says nothing about writing


def test_a_change_says_which_store_it_wrote_to(store, alex, passphrase_file) -> None:
    make_team(store, alex)
    result = admin(
        store, passphrase_file, "users", "update", "Kit Novak", "--add-role", "supervisor"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"{WROTE}{store.data_dir}\n"
