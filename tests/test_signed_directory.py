"""The signed directory of people (issue 13, findings 1 and 2): attacks performed as a colleague
with write access to the store folder and no admin key would, each failing on the code before
it (where people.json alone was believed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services import people
from store import Store
from store.crypto import b64, signing_public
from store.directory import CHANGES, show_fingerprint
from store.pins import Pins
from store.verify import verify_store
from tests.helpers import PASSPHRASE, finish_session


def _edit_people(store: Store, edit) -> None:
    """What the attacker does: open people.json in an editor and change the rows."""
    path = store.data_dir / "people.json"
    data = json.loads(path.read_text())
    for row in data["people"].values():
        edit(row)
    path.write_text(json.dumps(data))


def _row(store: Store, name: str) -> dict:
    data = json.loads((store.data_dir / "people.json").read_text())
    return next(r for r in data["people"].values() if r["name"] == name)


@pytest.fixture
def eve(team):
    """A colleague with an ordinary account and write access to the store folder."""
    added = people.add_person(
        team.store,
        people.sign_in(team.store, "Alex Reid", PASSPHRASE),
        "Eve Mallory",
        ["practitioner"],
        PASSPHRASE,
    )
    return people.sign_in(team.store, added.name, PASSPHRASE)


def test_a_new_store_is_signed_from_its_first_admin_and_its_root_pinned(store, alex) -> None:
    data = json.loads((store.data_dir / "people.json").read_text())
    [genesis] = data[CHANGES].values()
    assert genesis["by"] == alex.id and genesis["prev"] == "0" * 64
    root, where = store.pins.root_for(store.data_dir)
    assert where == "user" and root == _row(store, "Alex Reid")["keys"]["sign_public"]
    assert people_root_shown(store) != "not signed yet"
    assert verify_store(store.data_dir)[1] == []


def people_root_shown(store: Store) -> str:
    from services.directory import root_fingerprint

    return root_fingerprint(store)


def test_finding_1_adding_yourself_as_a_supervisor_shares_nothing(team, eve, checklist) -> None:
    store, jo = team.store, team.jo
    finish_session(store, jo, checklist, "2026-11-02T10:00:00+00:00", {})

    # The attack: Eve makes herself a supervisor and Jo's supervisor, by hand.
    def edit(row: dict) -> None:
        if row["id"] == eve.id:
            row["roles"].append("supervisor")
        if row["id"] == jo.id:
            row["supervisors"].append(eve.id)

    _edit_people(store, edit)
    store.notices.clear()
    again = Store(store.data_dir)
    jo = people.sign_in(again, "Jo Patel", PASSPHRASE)
    people.reshare(again, jo)

    assert eve.id not in again.people.get(jo.id).supervisors
    for record in _session_rows(again, jo.id):
        assert eve.id not in record["sealed"]["readers"]
    said = "\n".join(again.notices)
    assert (
        "Eve Mallory is listed as your supervisor without an admin's signed change: "
        "nothing was shared"
    ) in said
    found = "\n".join(str(f) for f in verify_store(again.data_dir)[1])
    assert (
        "Eve Mallory is listed as Jo Patel's supervisor without an admin's signed change" in found
    )
    assert (
        "Eve Mallory is listed with the supervisor role without an admin's signed change" in found
    )


def _session_rows(store: Store, person_id: str) -> list[dict]:
    rows = []
    for path in (store.data_dir / "sessions" / person_id).glob("*.json"):
        data = json.loads(path.read_text())
        for name, table in data.items():
            if name != "_meta":
                rows += [r for r in table.values() if "sealed" in r]
    assert rows
    return rows


def test_finding_2_an_old_key_added_by_hand_does_not_make_a_forged_comment_genuine(
    team, eve, checklist
) -> None:
    store, sam, jo = team.store, team.sam, team.jo
    session = finish_session(store, jo, checklist, "2026-11-02T10:00:00+00:00", {})
    # The attack: a comment "by Sam", signed with Eve's key, sealed from the public keys ...
    fake_sam = store.people.get(sam.id)
    fake_sam.private_key = eve.private_key
    store.supervision.add_comment(fake_sam, jo.id, session.id, "Forged words")
    # ... and Eve's signing key added by hand to Sam's keys from before a reset.
    eves_key = b64(signing_public(eve.private_key))

    def edit(row: dict) -> None:
        if row["id"] == sam.id:
            row["keys"].setdefault("sign_before", []).append(eves_key)

    _edit_people(store, edit)
    again = Store(store.data_dir)
    jo = people.sign_in(again, "Jo Patel", PASSPHRASE)
    problems: list = []
    assert [c.text for c in again.supervision.comments(jo, jo.id, problems)] == []
    assert problems and "could not be checked as written by the person it names" in str(problems[0])
    found = "\n".join(str(f) for f in verify_store(again.data_dir)[1])
    assert "an old signing key listed for Sam Supervisor without an admin's signed change" in found


def test_a_key_swapped_in_by_hand_cannot_be_signed_in_with(team, eve) -> None:
    """Eve copies her own passphrase check and wrapped key into Sam's row (keeping Sam's public
    key, or putting hers): neither signs her in as Sam."""
    store = team.store
    eves = _row(store, "Eve Mallory")

    def edit(row: dict) -> None:
        if row["name"] == "Sam Supervisor":
            row["passphrase"] = eves["passphrase"]
            row["keys"]["private"] = eves["keys"]["private"]

    _edit_people(store, edit)
    from store.errors import SignInError

    with pytest.raises(SignInError):
        people.sign_in(Store(store.data_dir), "Sam Supervisor", PASSPHRASE)

    def swap(row: dict) -> None:
        if row["name"] == "Sam Supervisor":
            row["keys"] = dict(eves["keys"])

    _edit_people(store, swap)
    with pytest.raises(SignInError):
        people.sign_in(Store(store.data_dir), "Sam Supervisor", PASSPHRASE)


def test_admin_changes_are_signed_and_a_row_added_by_hand_is_nobody(team) -> None:
    store = team.store
    alex = people.sign_in(store, "Alex Reid", PASSPHRASE)
    people.update_person(store, alex, "Kit Novak", add_supervisors=["Sam Supervisor"])
    from services.directory import waiting_supervisors  # signed; shared once Kit says yes

    assert [w["name"] for w in waiting_supervisors(store, team.kit)] == ["Sam Supervisor"]

    eves = dict(
        _row(store, "Jo Patel"),
        id="00000000-0000-4000-8000-00000000e7e0",
        name="Eve Mallory",
        roles=["admin", "supervisor"],
    )
    path = store.data_dir / "people.json"
    data = json.loads(path.read_text())
    data["people"][str(int("e7e0", 16))] = eves
    path.write_text(json.dumps(data))
    again = Store(store.data_dir)
    assert again.people.find("Eve Mallory") is None
    found = "\n".join(str(f) for f in verify_store(again.data_dir)[1])
    assert "Eve Mallory is in people.json without an admin's signed change" in found


def test_the_fingerprint_reads_in_groups() -> None:
    assert show_fingerprint(None) == "not signed yet"
    assert len(show_fingerprint(b64(b"x" * 32)).split()) == 4


def test_an_installed_pin_wins_over_the_user_one(tmp_path: Path) -> None:
    installed = tmp_path / "etc" / "roots.json"
    installed.parent.mkdir()
    installed.write_text(json.dumps({str((tmp_path / "s").resolve()): "AAAA"}))
    pins = Pins(installed=installed, user=tmp_path / "user.json")
    assert pins.root_for(tmp_path / "s") == ("AAAA", "installed")
    assert pins.pin(tmp_path / "s", "BBBB") is False
    assert not (tmp_path / "user.json").exists()


# -- the root, pinned outside the store (step 3) ------------------------------------------------
def test_a_rebuilt_directory_with_a_new_root_is_refused_where_the_real_one_is_pinned(
    team, tmp_path: Path
) -> None:
    """Eve rebuilds people.json from scratch: a new self-signed root (herself, an admin) and
    everyone else's rows copied. This machine pinned the real root: refused, in one line."""
    from store.directory import DirectoryRefused
    from tests.helpers import run_cli

    store = team.store
    forged = Store(tmp_path / "forge", pins=Pins(user=tmp_path / "forger-roots.json"))
    people.set_up_first(forged, "Eve Mallory", PASSPHRASE, again=PASSPHRASE)
    real = json.loads((store.data_dir / "people.json").read_text())
    fake = json.loads((forged.data_dir / "people.json").read_text())
    fake["people"].update(real["people"])
    (store.data_dir / "people.json").write_text(json.dumps(fake))

    with pytest.raises(DirectoryRefused, match="starts from a different root"):
        people.sign_in(Store(store.data_dir), "Eve Mallory", PASSPHRASE)
    secret = tmp_path / "eve.txt"
    secret.write_text(PASSPHRASE + "\n")
    acting = ("--user", "Eve Mallory", "--passphrase-file", str(secret))
    result = run_cli("users", "list", *acting, data_dir=store.data_dir)
    assert result.returncode == 1 and "refusing to trust it" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    found = "\n".join(str(f) for f in verify_store(store.data_dir)[1])
    assert "starts from a different root" in found


def test_a_pinned_store_whose_signed_changes_were_removed_is_refused(team) -> None:
    """Deleting the changes would make it look like an old, unsigned store again."""
    from store.directory import DirectoryRefused

    path = team.store.data_dir / "people.json"
    data = json.loads(path.read_text())
    del data[CHANGES]
    for row in data["people"].values():
        if row["name"] == "Jo Patel":
            row["supervisors"].append(team.kit.id)
    path.write_text(json.dumps(data))
    with pytest.raises(DirectoryRefused, match="lost its signed changes"):
        people.sign_in(Store(team.store.data_dir), "Jo Patel", PASSPHRASE)


def test_an_installed_pin_is_used_and_never_taken_from_the_store(team, tmp_path: Path) -> None:
    installed = tmp_path / "etc" / "roots.json"
    installed.parent.mkdir()
    installed.write_text(json.dumps({str(team.store.data_dir.resolve()): b64(b"y" * 32)}))
    from store.directory import DirectoryRefused

    with pytest.raises(DirectoryRefused, match="this machine's installed settings"):
        Store(team.store.data_dir, pins=Pins(installed=installed)).people.all()


def test_users_list_shows_the_fingerprint(team, tmp_path: Path) -> None:
    from services.directory import root_fingerprint
    from tests.helpers import run_cli

    secret = tmp_path / "alex.txt"
    secret.write_text(PASSPHRASE + "\n")
    acting = ("--user", "Alex Reid", "--passphrase-file", str(secret))
    result = run_cli("users", "list", *acting, data_dir=team.store.data_dir)
    assert f"This store's fingerprint: {root_fingerprint(team.store)}" in result.stdout


# -- an old store (made by the code before signing) ---------------------------------------------
GOLDEN = Path(__file__).parent / "golden" / "store-before-signing"


def test_an_old_store_works_as_before_until_its_first_admin_signs_it(tmp_path: Path) -> None:
    import shutil

    from services.sessions import readable

    folder = tmp_path / "old"
    shutil.copytree(GOLDEN, folder)
    store = Store(folder)
    found = "\n".join(str(f) for f in verify_store(folder)[1])
    assert "not signed by an admin yet" in found
    jo = people.sign_in(store, "Jo Patel", PASSPHRASE)  # not an admin: nothing is signed
    # Her old, unsigned session waits for an admin to vouch for it: named, never shown as hers.
    waiting: list = []
    assert readable(store, jo, problems=waiting) == [] and len(waiting) == 1
    assert "not signed by an admin yet" in "\n".join(str(f) for f in verify_store(folder)[1])
    assert store.pins.root_for(folder) == (None, "")

    alex = people.sign_in(store, "Alex Reid", PASSPHRASE)  # the first admin: signs it, once
    people.reshare(store, alex)  # as every front end does after signing in: vouches old records
    data = json.loads((folder / "people.json").read_text())
    assert len(data[CHANGES]) == 3
    events = [e["event"] for e in store.audit.entries()]
    assert events.count("directory_signed") == 1
    people.sign_in(store, "Alex Reid", PASSPHRASE)
    assert [e["event"] for e in store.audit.entries()].count("directory_signed") == 1
    assert store.pins.root_for(folder)[0] == _row(store, "Alex Reid")["keys"]["sign_public"]
    assert verify_store(folder)[1] == []
    sam = people.sign_in(store, "Sam Supervisor", PASSPHRASE)
    assert len(readable(store, sam, of=store.people.find("Jo Patel"))) == 1
    assert alex.has("admin")
    assert len(readable(store, people.sign_in(store, "Jo Patel", PASSPHRASE))) == 1


# -- bundles ----------------------------------------------------------------------------------
def test_a_bundle_carries_a_sign_in_envelope_only_for_its_maker(team, tmp_path: Path) -> None:
    """A forged bundle gives Sam a sign-in envelope with the forger's passphrase: an admin who
    imports it adds Sam with public parts only, so that passphrase signs nobody in."""
    from services.exchange import export_bundle, import_bundle
    from tests.test_bundle import reseal_bundle

    store, jo = team.store, team.jo
    bundle = tmp_path / "jo.bundle"
    export_bundle(store, jo, bundle)
    forgers = "the forger's own passphrase"
    other = Store(tmp_path / "other", pins=Pins(user=tmp_path / "other-roots.json"))
    people.set_up_first(other, "Eve Mallory", forgers, again=forgers)
    eve_row = json.loads((other.data_dir / "people.json").read_text())["people"]
    [eve_row] = eve_row.values()

    def give_sam_an_envelope(data: dict) -> None:
        for person in data["people"]:
            if person["name"] == "Sam Supervisor":
                person["passphrase"] = eve_row["passphrase"]
                person["keys"]["private"] = eve_row["keys"]["private"]

    reseal_bundle(bundle, give_sam_an_envelope)
    clinic = Store(tmp_path / "clinic")
    admin = people.set_up_first(clinic, "Robin Lewis", PASSPHRASE, again=PASSPHRASE)
    import_bundle(clinic, bundle, admin.name, PASSPHRASE)
    row = _row(clinic, "Sam Supervisor")
    assert row["passphrase"] == {} and "private" not in row["keys"]
    from store.errors import SignInError

    with pytest.raises(SignInError):
        people.sign_in(clinic, "Sam Supervisor", forgers)
    # Into an empty store, only the maker may sign in from it.
    with pytest.raises(SignInError, match="Only the person who made this bundle"):
        import_bundle(tmp_path / "empty", bundle, "Sam Supervisor", forgers)


def test_a_laptop_set_up_from_a_bundle_pins_the_root_only_once_confirmed(
    team, tmp_path: Path
) -> None:
    from services.directory import root_fingerprint
    from services.exchange import export_bundle, import_bundle
    from store.exchange import RootNotConfirmed

    store, jo = team.store, team.jo
    bundle = tmp_path / "jo.bundle"
    export_bundle(store, jo, bundle)
    shown = root_fingerprint(store)
    laptop = tmp_path / "laptop"
    with pytest.raises(RootNotConfirmed, match=shown):
        import_bundle(laptop, bundle, "Jo Patel", PASSPHRASE)
    with pytest.raises(RootNotConfirmed, match="does not match"):
        import_bundle(laptop, bundle, "Jo Patel", PASSPHRASE, root="0000 0000 0000 0000")
    assert not (laptop / "people.json").exists()
    import_bundle(laptop, bundle, "Jo Patel", PASSPHRASE, root=shown.replace(" ", ""))
    there = Store(laptop)
    assert there.pins.root_for(laptop)[0] == store.pins.root_for(store.data_dir)[0]
    jo_l = people.sign_in(there, "Jo Patel", PASSPHRASE)
    assert {p.name for p in there.people.all()} == {"Jo Patel", "Sam Supervisor"}
    assert jo_l.supervisors == [team.sam.id]
    assert verify_store(laptop)[1] == []


# -- a supervisor added later is confirmed once by the practitioner (step 4) --------------------
def test_nothing_is_shared_with_a_newly_added_supervisor_until_the_practitioner_says_yes(
    team, checklist
) -> None:
    from services import directory
    from services.sessions import readable

    store, kit = team.store, team.kit
    finish_session(store, kit, checklist, "2026-11-02T10:00:00+00:00", {})
    alex = people.sign_in(store, "Alex Reid", PASSPHRASE)
    people.update_person(store, alex, "Kit Novak", add_supervisors=["Sam Supervisor"])

    kit = people.sign_in(store, "Kit Novak", PASSPHRASE)
    [waiting] = directory.waiting_supervisors(store, kit)
    assert waiting["question"].startswith(
        "Share your sessions with Sam Supervisor, added by Alex Reid on "
    )
    people.reshare(store, kit)
    assert store.people.get(kit.id).supervisors == []  # not a reader of hers yet
    for record in _session_rows(store, kit.id):
        assert team.sam.id not in record["sealed"]["readers"]

    directory.confirm_supervisor(store, kit, waiting)
    people.reshare(store, kit)
    assert directory.waiting_supervisors(store, kit) == []
    sam = people.sign_in(store, "Sam Supervisor", PASSPHRASE)
    assert len(readable(store, sam, of=store.people.get(kit.id))) == 1
    assert "supervisor_confirmed" in [e["event"] for e in store.audit.entries()]


def test_the_command_line_asks_or_takes_confirm_supervisor(team, checklist, tmp_path) -> None:
    from tests.helpers import run_cli

    store = team.store
    alex = people.sign_in(store, "Alex Reid", PASSPHRASE)
    people.update_person(store, alex, "Kit Novak", add_supervisors=["Sam Supervisor"])
    pp = tmp_path / "pp.txt"
    pp.write_text(PASSPHRASE + "\n")
    args = ["sessions", "list", "--user", "Kit Novak", "--passphrase-file", str(pp)]
    result = run_cli(*args, data_dir=store.data_dir)
    assert "nothing is shared with them until you confirm it" in result.stderr
    assert store.people.get(team.kit.id).supervisors == []
    result = run_cli(*args, "--confirm-supervisor", "sam supervisor", data_dir=store.data_dir)
    assert result.returncode == 0, result.stderr
    assert store.people.get(team.kit.id).supervisors == [team.sam.id]


def test_audit_head_shows_the_fingerprint_beside_the_anchor(team) -> None:
    from services.directory import root_fingerprint
    from tests.helpers import run_cli

    result = run_cli("audit", "head", data_dir=team.store.data_dir)
    assert result.returncode == 0 and ":" in result.stdout.strip()
    assert f"This store's fingerprint: {root_fingerprint(team.store)}" in result.stderr
    as_json = run_cli("audit", "head", "--json", data_dir=team.store.data_dir)
    assert set(json.loads(as_json.stdout)) == {"anchor", "entry", "hash"}  # as before
