"""Issue 13: an admin who resets a passphrase (perhaps to read someone's sessions once their
supervisor re-shares them) is audited, and the person is told at their next sign-in."""

from __future__ import annotations

from services import people
from store import Store
from tests.helpers import PASSPHRASE, run_cli

NEW = "lantern orchard velvet"


def test_after_an_admins_reset_the_person_is_told_who_and_when_once(team) -> None:
    store, alex = team.store, people.sign_in(team.store, "Alex Reid", PASSPHRASE)
    people.reset_passphrase(store, alex, "Jo Patel", NEW, again=NEW)

    fresh = Store(store.data_dir)
    people.sign_in(fresh, "Jo Patel", NEW)
    [told] = [n for n in fresh.notices if "reset your passphrase" in n]
    assert told.startswith("Alex Reid reset your passphrase on ")
    assert "tell your service lead" in told

    again = Store(store.data_dir)  # the next sign-in: already told
    people.sign_in(again, "Jo Patel", NEW)
    assert not [n for n in again.notices if "reset your passphrase" in n]


def test_nobody_else_is_told_and_an_ordinary_sign_in_says_nothing(team) -> None:
    store, alex = team.store, people.sign_in(team.store, "Alex Reid", PASSPHRASE)
    people.reset_passphrase(store, alex, "Jo Patel", NEW, again=NEW)
    fresh = Store(store.data_dir)
    people.sign_in(fresh, "Kit Novak", PASSPHRASE)
    assert not [n for n in fresh.notices if "reset your passphrase" in n]


def test_the_command_line_tells_her_too(team, tmp_path) -> None:
    store, alex = team.store, people.sign_in(team.store, "Alex Reid", PASSPHRASE)
    people.reset_passphrase(store, alex, "Jo Patel", NEW, again=NEW)
    secret = tmp_path / "jo.txt"
    secret.write_text(NEW + "\n")
    acting = ("--user", "Jo Patel", "--passphrase-file", str(secret))
    result = run_cli("sessions", "list", *acting, data_dir=store.data_dir)
    assert result.returncode == 0, result.stderr
    assert "Alex Reid reset your passphrase on " in result.stderr
