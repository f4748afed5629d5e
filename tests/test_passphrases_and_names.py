"""Issue 13, finding 9 and the names: weak passphrases, the scrypt cost, look-alike names and
who may list the people in a store. Each attack is done as someone at the terminal would do
it (typing a weak passphrase, adding a name with a Cyrillic letter, listing without signing
in). All people are synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services import people
from store import passwords
from store.crypto import public_bytes
from store.errors import InvalidInput
from tests.helpers import PASSPHRASE, SIZE, TEST_SCRYPT_N, opened, put, screen_text, settle
from tests.helpers import run_cli as run

GOOD_ONE = "three or four unrelated words"
# Weak ones: a top-10 password, a run of digits, and the person's own name (with a year).
WEAK = ["password", "12345678", "{name}", "{lower} 2024"]


def _weak(template: str, name: str) -> str:
    return template.format(name=name, lower=name.lower())


def _stored(store, name: str) -> dict:
    [record] = [
        r
        for r in json.loads((store.data_dir / "people.json").read_text())["people"].values()
        if r["name"] == name
    ]
    return record


def _alex_adds(store, passphrase_file, name: str, new_passphrase_file):
    """`users add NAME` on the command line, signed in as Alex (the admin)."""
    signed_in = ("--user", "Alex Reid", "--passphrase-file", str(passphrase_file))
    new = ("--new-passphrase-file", str(new_passphrase_file))
    return run(
        "users", "add", name, "--role", "practitioner", *signed_in, *new, data_dir=store.data_dir
    )


# -- weak passphrases --------------------------------------------------------------------------
@pytest.mark.parametrize("template", WEAK)
def test_a_weak_first_passphrase_is_refused_kindly(store, template) -> None:
    with pytest.raises(InvalidInput) as refused:
        people.set_up_first(store, "Alex Reid", _weak(template, "Alex Reid"))
    assert GOOD_ONE in str(refused.value)
    assert store.people.is_empty()


@pytest.mark.parametrize("template", WEAK)
def test_a_weak_passphrase_for_a_colleague_is_refused(store, alex, template) -> None:
    with pytest.raises(InvalidInput) as refused:
        people.add_person(store, alex, "Kit Novak", ["practitioner"], _weak(template, "Kit Novak"))
    assert GOOD_ONE in str(refused.value)
    assert store.people.find("Kit Novak") is None


@pytest.mark.parametrize("template", WEAK)
def test_a_weak_new_passphrase_of_ones_own_is_refused(store, alex, template) -> None:
    weak = _weak(template, "Alex Reid")
    with pytest.raises(InvalidInput, match=GOOD_ONE):
        people.change_passphrase(store, "Alex Reid", PASSPHRASE, weak)
    assert people.sign_in(store, "Alex Reid", PASSPHRASE).name == "Alex Reid"


@pytest.mark.parametrize("template", WEAK)
def test_an_admin_cannot_reset_someone_to_a_weak_passphrase(team, template) -> None:
    store = team.store
    alex = store.people.find("Alex Reid")
    with pytest.raises(InvalidInput, match=GOOD_ONE):
        people.reset_passphrase(store, alex, "Jo Patel", _weak(template, "Jo Patel"))
    assert people.sign_in(store, "Jo Patel", PASSPHRASE).name == "Jo Patel"


def test_a_colleagues_name_is_no_passphrase_either(team) -> None:
    store = team.store
    alex = store.people.find("Alex Reid")
    with pytest.raises(InvalidInput, match="easy to guess"):
        people.add_person(store, alex, "Rowan Hughes", ["practitioner"], "jopatelkitnovak")


def test_the_command_line_refuses_password(store, alex, passphrase_file, tmp_path) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text("password\n")
    result = _alex_adds(store, passphrase_file, "Kit Novak", weak)
    assert result.returncode != 0
    assert "easy to guess" in result.stderr and GOOD_ONE in result.stderr
    assert store.people.find("Kit Novak") is None


async def test_the_welcome_form_refuses_the_persons_own_name(data_dir) -> None:
    from tui.app import SteppingStonesApp
    from tui.screens.welcome import WelcomeScreen

    app = SteppingStonesApp(data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        for field_id, text in (("#name", "Alex Reid"), ("#passphrase", "alex reid")):
            await put(pilot, app.screen.query_one(field_id), text)
        await put(pilot, app.screen.query_one("#again"), "alex reid")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "too close to the name Alex Reid" in screen_text(app)


def test_the_demo_store_refuses_a_common_passphrase(tmp_path) -> None:
    from store.demo import build_demo_store

    with pytest.raises(InvalidInput, match="easy to guess"):
        build_demo_store(tmp_path / "demo", 1, 0, seed=1, passphrase="12345678")


def test_good_passphrases_pass() -> None:
    for good in (PASSPHRASE, "purple kettle morning", "Alex loves quiet tuesday rain"):
        assert passwords.passphrase_problem(good, name="Alex Reid") is None


# -- the scrypt cost ---------------------------------------------------------------------------
def test_new_passphrases_get_2_to_the_17() -> None:
    """The production cost (tests lower `N` in their own process; that the installed program
    sets this cost is `tests/test_cli.py::test_the_scrypt_cost_is_never_read_from_the_environment`).
    """
    assert passwords.FULL_N == 2**17
    assert passwords.UPGRADE_FROM <= 2**15  # every cost the program ever gave is upgraded


def test_an_older_cheaper_hash_is_raised_to_todays_cost_at_sign_in(store, monkeypatch) -> None:
    """A person made when the cost was lower signs in: afterwards their hash is at today's
    cost, the same keys open with it, and what they signed before still checks. (Today's cost
    here is the tests' stand-in, `N`, so the test stays quick.)"""
    monkeypatch.setattr(passwords, "N", passwords.UPGRADE_FROM)
    alex = people.set_up_first(store, "Alex Reid", PASSPHRASE)
    before = _stored(store, "Alex Reid")
    assert before["passphrase"]["n"] == passwords.UPGRADE_FROM

    monkeypatch.setattr(passwords, "N", passwords.UPGRADE_FROM * 2)
    signed_in = people.sign_in(store, "Alex Reid", PASSPHRASE)
    after = _stored(store, "Alex Reid")
    assert after["passphrase"]["n"] == passwords.UPGRADE_FROM * 2
    assert after["passphrase"]["salt"] != before["passphrase"]["salt"]
    assert after["keys"]["public"] == before["keys"]["public"]
    assert after["keys"]["sign_public"] == before["keys"]["sign_public"]
    assert after["keys"]["private"] != before["keys"]["private"]  # wrapped anew
    assert public_bytes(signed_in.private_key) == public_bytes(alex.private_key)

    again = people.sign_in(store, "Alex Reid", PASSPHRASE)  # checked at the new cost
    assert public_bytes(again.private_key) == public_bytes(alex.private_key)
    assert _stored(store, "Alex Reid")["passphrase"] == after["passphrase"]  # not redone
    with pytest.raises(Exception, match="do not match"):
        people.sign_in(store, "Alex Reid", "not the passphrase at all")


def test_a_wrong_passphrase_upgrades_nothing(store, monkeypatch) -> None:
    monkeypatch.setattr(passwords, "N", passwords.UPGRADE_FROM)
    people.set_up_first(store, "Alex Reid", PASSPHRASE)
    monkeypatch.setattr(passwords, "N", passwords.UPGRADE_FROM * 2)
    with pytest.raises(Exception, match="do not match"):
        people.sign_in(store, "Alex Reid", "not the passphrase at all")
    assert _stored(store, "Alex Reid")["passphrase"]["n"] == passwords.UPGRADE_FROM


def test_a_reset_in_another_window_is_never_undone_by_the_upgrade(store, monkeypatch) -> None:
    """Jo signs in with her old passphrase just as an admin resets it elsewhere: raising the
    cost of the hash she signed in with must not put it (or her old key) back."""
    monkeypatch.setattr(passwords, "N", passwords.UPGRADE_FROM)
    alex = people.set_up_first(store, "Alex Reid", PASSPHRASE)
    people.add_person(store, alex, "Jo Patel", ["practitioner"], PASSPHRASE)
    checked = _stored(store, "Jo Patel")["passphrase"]
    jo = store.people.authenticate("Jo Patel", PASSPHRASE)  # at today's cost: nothing to raise
    people.reset_passphrase(store, alex, "Jo Patel", "quiet orchard lantern")
    after_reset = _stored(store, "Jo Patel")

    monkeypatch.setattr(passwords, "N", passwords.UPGRADE_FROM * 2)
    store.people._raise_cost(jo, PASSPHRASE, checked)  # the late upgrade of the old sign-in
    assert _stored(store, "Jo Patel") == after_reset
    assert people.sign_in(store, "Jo Patel", "quiet orchard lantern").name == "Jo Patel"


def test_hashes_at_the_tests_own_cost_are_left_as_they_are(store, alex, monkeypatch) -> None:
    """Below UPGRADE_FROM only test code ever wrote a hash: the installed program, started by
    tests, checks those at their cost and leaves them, so the suite stays quick."""
    assert TEST_SCRYPT_N < passwords.UPGRADE_FROM
    monkeypatch.setattr(passwords, "N", passwords.FULL_N)
    people.sign_in(store, "Alex Reid", PASSPHRASE)
    assert _stored(store, "Alex Reid")["passphrase"]["n"] == TEST_SCRYPT_N


# -- names -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "look_alike",
    [
        "\u0410lex Reid",  # a Cyrillic capital A
        "Alex R\u0435id",  # a Cyrillic e
        "\u0391lex Reid",  # a Greek capital Alpha
        "Alex Rei\u0501",  # a Cyrillic komi de
        "Sam Superv1sor",  # a one for the i
        "J0 Patel",  # a zero for the o
        "Kit Novak\u200b",  # a zero-width space (not a letter: refused as a name)
    ],
)
def test_a_name_that_looks_like_a_colleagues_is_refused(team, look_alike) -> None:
    store = team.store
    alex = store.people.find("Alex Reid")
    with pytest.raises(InvalidInput) as refused:
        people.add_person(store, alex, look_alike, ["practitioner"], "quiet orchard lantern")
    assert "looks too much like" in str(refused.value) or "letters, digits" in str(refused.value)
    assert len(store.people.all()) == 4


def test_the_command_line_names_whom_a_look_alike_resembles(store, alex, passphrase_file) -> None:
    result = _alex_adds(store, passphrase_file, "\u0410lex Reid", passphrase_file)
    assert result.returncode != 0
    assert "looks too much like Alex Reid" in result.stderr
    assert len(store.people.all()) == 1


def test_names_are_nfkc_normalised_and_compared_case_folded(store, alex) -> None:
    """Full-width letters are the plain ones: the same person, not a second one."""
    full_width = "\uff21\uff4c\uff45\uff58 REID"
    assert store.people.find(full_width).name == "Alex Reid"
    assert people.sign_in(store, full_width, PASSPHRASE).name == "Alex Reid"
    with pytest.raises(InvalidInput, match="already someone called"):
        people.add_person(store, alex, full_width, ["practitioner"], "quiet orchard lantern")
    added = people.add_person(
        store, alex, "\uff2a\uff4f Patel", ["practitioner"], "quiet orchard lantern"
    )
    assert added.name == "Jo Patel"  # kept in its plain form


def test_different_names_with_accents_are_still_welcome(store, alex) -> None:
    people.add_person(store, alex, "Jose Garcia", ["practitioner"], "quiet orchard lantern")
    people.add_person(store, alex, "Zoë Byrne", ["practitioner"], "quiet orchard lantern")
    people.add_person(store, alex, "Zoe Begum", ["practitioner"], "quiet orchard lantern")
    assert len(store.people.all()) == 4


# -- who may list the people -------------------------------------------------------------------
def test_users_list_needs_a_sign_in(store, alex, passphrase_file, tmp_path) -> None:
    nobody = run("users", "list", "--json", data_dir=store.data_dir)
    assert nobody.returncode != 0 and "Alex Reid" not in nobody.stdout
    assert "--user" in nobody.stderr

    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase at all\n")

    def listing(passphrase: Path):
        signed_in = ("--user", "Alex Reid", "--passphrase-file", str(passphrase))
        return run("users", "list", "--json", *signed_in, data_dir=store.data_dir)

    guessed = listing(wrong)
    assert guessed.returncode != 0 and "Alex Reid" not in guessed.stdout
    signed_in = listing(passphrase_file)
    assert signed_in.returncode == 0, signed_in.stderr
    assert [row["name"] for row in json.loads(signed_in.stdout)] == ["Alex Reid"]


def test_a_bundle_cannot_bring_in_a_look_alike_of_someone_here(store, alex, tmp_path) -> None:
    """Another store has a "Sam Supervisor" spelt with Cyrillic letters; her bundle, imported
    by the admin here, does not add a second Sam next to the real one."""
    from services.exchange import export_bundle, import_bundle
    from store import Store

    people.add_person(store, alex, "Sam Supervisor", ["supervisor"], PASSPHRASE)
    elsewhere = Store(tmp_path / "elsewhere")
    fake = people.set_up_first(elsewhere, "\u0405\u0430m Supervisor", PASSPHRASE)
    bundle = tmp_path / "fake.bundle"
    export_bundle(elsewhere, fake, bundle)

    report = import_bundle(store, bundle, "Alex Reid", PASSPHRASE)
    assert report["people_added"] == []
    [conflict] = report["people_conflicts"]
    assert "looks too much like Sam Supervisor" in conflict["why"]
    assert [p.name for p in store.people.all()] == ["Alex Reid", "Sam Supervisor"]
