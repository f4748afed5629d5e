"""Every file in the store folder and the service's checklist folder is hostile input (issue 13,
findings 5 and 10). Each test here does what a colleague with write access to the folder could
do: nest a file thousands of levels deep, make it huge or endless, write it in another
encoding or full of NUL bytes, give it the wrong shape, or delete people.json. Nothing ends in
a traceback: one line names the file, and the app and the command line carry on without it
where that is safe, or stop with that one line where it is not.

All people and text are synthetic.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import PASSPHRASE, SIZE, opened, run_cli, screen_text, settle, wait_until

DEEP_YAML = ("a: " + "[" * 5000 + "]" * 5000 + "\n").encode()  # 10 KB: RecursionError before
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000  # json.loads: RecursionError before
HOSTILE_YAML = {
    "nested 5000 deep": DEEP_YAML,
    "nested mappings": "".join(f"{' ' * i}k{i}:\n" for i in range(3000)).encode(),
    "too large": b"# " + b"x" * (2 * 1024 * 1024 + 10) + b"\n",
    "not UTF-8": b"id: caf\xe9\nversion: 1\n",
    "NUL bytes": b"\x00" * 4096,
    "a list, not a mapping": b"- one\n- two\n",
    "many aliases": b"a: &a [1]\nb: [" + b", ".join([b"*a"] * 500) + b"]\n",
}
HOSTILE_JSON = {
    "nested 100000 deep": DEEP_JSON,
    "nested in a table": b'{"people": ' + DEEP_JSON + b"}",
    "not UTF-8": b'{"people": {"1": {"name": "caf\xe9"}}}',
    "NUL bytes": b"\x00" * 4096,
    "a list, not a table": b"[1, 2, 3]",
    "a table that is a list": b'{"_meta": {"1": {"schema": 1}}, "people": [1, 2]}',
    "a record that is text": b'{"failures": {"1": "text"}, "people": {"1": "text"}}',
}


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


@pytest.fixture
def pf(passphrase_file: Path) -> str:
    return str(passphrase_file)


def list_sessions(data_dir: Path, pf: str):
    """`sessions list` as Alex: a command that signs in, so reads people, lockouts, the
    audit trail and Alex's sessions."""
    return run_cli(
        "sessions", "list", "--user", "Alex Reid", "--passphrase-file", pf, data_dir=data_dir
    )


# -- the service's checklist folder (finding 10) --------------------------------------------------
@pytest.mark.parametrize("content", HOSTILE_YAML.values(), ids=HOSTILE_YAML.keys())
def test_a_hostile_checklist_file_is_named_and_the_others_still_load(
    store, alex, pf, content
) -> None:
    folder = store.data_dir / "checklists"
    folder.mkdir()
    (folder / "hostile.yaml").write_bytes(content)

    listed = run_cli("checklists", "list", data_dir=store.data_dir)
    no_traceback(listed)
    assert listed.returncode == 0 and "any-contact" in listed.stdout
    assert "skipped: " in listed.stderr and "hostile.yaml:" in listed.stderr

    checked = run_cli("checklists", "validate", str(folder))
    no_traceback(checked)
    assert checked.returncode == 1
    lines = [line for line in checked.stderr.splitlines() if line.strip()]
    assert lines and all(str(folder / "hostile.yaml") in line for line in lines)

    summary = run_cli(
        "summary", "--user", "Alex Reid", "--passphrase-file", pf, data_dir=store.data_dir
    )
    no_traceback(summary)
    assert summary.returncode == 0


def test_a_deep_language_file_is_named_too(store) -> None:
    folder = store.data_dir / "checklists"
    folder.mkdir()
    (folder / "language.yaml").write_bytes(b"terms: " + DEEP_YAML[3:])
    listed = run_cli("checklists", "list", data_dir=store.data_dir)
    no_traceback(listed)
    assert listed.returncode == 0 and "language.yaml:" in listed.stderr


def test_a_checklist_that_is_a_link_to_an_endless_file_is_set_aside(store) -> None:
    folder = store.data_dir / "checklists"
    folder.mkdir()
    (folder / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.yaml")
    listed = run_cli("checklists", "validate", str(folder / "zero.yaml"), str(folder / "pipe.yaml"))
    no_traceback(listed)
    assert listed.returncode == 1
    assert "zero.yaml:1: it is not an ordinary file" in listed.stderr
    assert "pipe.yaml:1: it is not an ordinary file" in listed.stderr


def test_a_checklist_with_a_byte_order_mark_is_read(store, tmp_path) -> None:
    from checklists.loader import builtin_data_dir

    source = (builtin_data_dir() / "any-contact.yaml").read_bytes()
    own = source.replace(b"id: any-contact", b"id: with-bom", 1)
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + own)
    checked = run_cli("checklists", "validate", str(tmp_path / "bom.yaml"))
    assert checked.returncode == 0, checked.stderr


async def test_n_in_the_app_with_a_deeply_nested_checklist_opens_the_picker(store, alex) -> None:
    from tests.helpers import sign_in
    from tui.app import SteppingStonesApp
    from tui.screens.picker import PickerScreen

    folder = store.data_dir / "checklists"
    folder.mkdir()
    (folder / "deep.yaml").write_bytes(DEEP_YAML)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot)
        await pilot.press("n")
        await settle(app, pilot, workers=True)
        assert isinstance(app.screen, PickerScreen)
        await wait_until(
            pilot,
            lambda: any("deep.yaml" in str(n.message) for n in app._notifications),
            "the notice that deep.yaml was set aside",
        )
    assert app.return_code in (0, None)


# -- config.toml (finding 10) ---------------------------------------------------------------------
HOSTILE_TOML = {
    "nested 5000 deep": b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "not UTF-8": b"idle_lock_seconds = 60 # \xff\xfe\n",
    "NUL bytes": b"idle_lock_seconds = 60\x00\n",
    "too large": b"# " + b"x" * (300 * 1024) + b"\n",
    "not TOML": b"idle_lock_seconds = = 60\n",
}


@pytest.mark.parametrize("content", HOSTILE_TOML.values(), ids=HOSTILE_TOML.keys())
def test_a_hostile_config_toml_gives_the_strict_defaults_and_a_notice(
    store, alex, pf, content
) -> None:
    import argparse

    from cli.main import idle_lock_seconds
    from store import Store

    (store.data_dir / "config.toml").write_bytes(content)
    assert idle_lock_seconds(argparse.Namespace(idle_lock=None), store.data_dir) == 300.0
    [notice] = Store(store.data_dir).notices
    assert "config.toml: " in notice and "default settings" in notice
    listed = list_sessions(store.data_dir, pf)
    no_traceback(listed)
    assert listed.returncode == 0
    assert "warning: " in listed.stderr and "config.toml" in listed.stderr


def test_a_config_toml_with_a_byte_order_mark_is_read(tmp_path) -> None:
    import argparse

    from cli.main import idle_lock_seconds

    (tmp_path / "config.toml").write_bytes(b"\xef\xbb\xbfidle_lock_seconds = 60\n")
    assert idle_lock_seconds(argparse.Namespace(idle_lock=None), tmp_path) == 60.0


async def test_the_app_starts_with_a_deeply_nested_config_toml(store, alex) -> None:
    from tui.app import SteppingStonesApp
    from tui.screens.sign_in import SignInScreen

    (store.data_dir / "config.toml").write_bytes(HOSTILE_TOML["nested 5000 deep"])
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await opened(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        assert any("config.toml" in str(n.message) for n in app._notifications)


# -- the store's JSON files and the audit trail (finding 10) -------------------------------------
def _files(store, alex) -> dict[str, Path]:
    """The store files a colleague could replace, each made real first."""
    from services import people

    people.sign_in(store, "Alex Reid", PASSPHRASE)
    store.start_session(alex, store.library.checklists["any-contact"], {})
    store.lockouts.check("Alex Reid")
    folder = store.sessions.person_dir(alex.id)
    return {
        "people.json": store.data_dir / "people.json",
        "people.json.bak": store.data_dir / "people.json.bak",
        "lockouts.json": store.data_dir / "lockouts.json",
        "checklist-versions.json": store.data_dir / "checklist-versions.json",
        "drafts.json": folder / "drafts.json",
        "supervision.json": folder / "supervision.json",
    }


STORE_FILES = (
    "people.json",
    "people.json.bak",
    "lockouts.json",
    "checklist-versions.json",
    "drafts.json",
    "supervision.json",
)


@pytest.mark.parametrize("which", STORE_FILES)
@pytest.mark.parametrize("content", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
def test_a_hostile_store_file_is_named_and_set_aside(store, alex, pf, which, content) -> None:
    path = _files(store, alex)[which]
    path.write_bytes(content)

    checked = run_cli("verify", data_dir=store.data_dir)
    no_traceback(checked)
    assert checked.returncode == 1
    assert any(
        line.startswith(str(path.relative_to(store.data_dir)))
        for line in checked.stdout.splitlines()
    ), checked.stdout

    listed = list_sessions(store.data_dir, pf)
    no_traceback(listed)
    assert listed.returncode == 0, listed.stderr  # carried on: the damaged file set aside
    # The files this command reads and sets aside (lockouts.json is rebuilt from the audit
    # trail by its own rules: tests/test_lockout_attacks.py).
    if which in ("people.json", "drafts.json"):
        assert f"warning: {which}" in listed.stderr or f"/{which} was damaged" in listed.stderr


def test_a_hostile_people_file_and_backup_stop_with_one_line(store, alex, pf) -> None:
    for name in ("people.json", "people.json.bak"):
        (store.data_dir / name).write_bytes(DEEP_JSON)
    result = list_sessions(store.data_dir, pf)
    no_traceback(result)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "people.json" in line and "nested too deeply" in line


def test_a_store_file_too_large_is_refused_before_it_is_read(store, alex, pf, monkeypatch) -> None:
    from store import storage

    monkeypatch.setattr(storage, "MAX_STORE_BYTES", 64 * 1024)
    drafts = _files(store, alex)["drafts.json"]
    drafts.write_bytes(b"{" + b" " * 100_000 + b"}")
    listed = list_sessions(store.data_dir, pf)
    no_traceback(listed)
    assert listed.returncode == 0 and "drafts.json was damaged (it is too large" in listed.stderr


def test_a_store_file_that_is_a_link_to_dev_zero_is_never_read_to_its_end(store, alex) -> None:
    lockouts = _files(store, alex)["lockouts.json"]
    lockouts.unlink()
    lockouts.symlink_to("/dev/zero")
    checked = run_cli("verify", data_dir=store.data_dir)
    no_traceback(checked)
    assert checked.returncode == 1
    assert "lockouts.json: it is not an ordinary file" in checked.stdout


@pytest.mark.parametrize(
    "line",
    [DEEP_JSON, b'{"detail": ' + DEEP_JSON + b"}", b"\xff\xfe not UTF-8", b"x" * 200_000],
    ids=["nested", "nested detail", "not UTF-8", "one long line"],
)
def test_a_hostile_audit_line_is_named_never_a_traceback(store, alex, pf, line) -> None:
    log = store.data_dir / "audit.jsonl"
    with log.open("ab") as handle:
        handle.write(line + b"\n")
    verified = run_cli("audit", "verify", data_dir=store.data_dir)
    no_traceback(verified)
    assert verified.returncode == 1 and "cannot be read as an entry" in verified.stdout
    signed = list_sessions(store.data_dir, pf)
    no_traceback(signed)
    [said] = signed.stderr.strip().splitlines()
    assert signed.returncode == 1 and "audit" in said and "not a readable entry" in said


def test_an_audit_trail_that_is_a_link_to_dev_zero_is_one_line(store, alex) -> None:
    log = store.data_dir / "audit.jsonl"
    log.unlink()
    log.symlink_to("/dev/zero")
    verified = run_cli("audit", "verify", data_dir=store.data_dir)
    no_traceback(verified)
    assert verified.returncode == 1 and "it is not an ordinary file" in verified.stderr


# -- a missing people.json never means an empty store (finding 5) --------------------------------
def _add_eve(data_dir: Path, tmp_path: Path):
    """The attack: with people.json gone, add an admin without signing in."""
    eve = tmp_path / "eve.txt"
    eve.write_text("a long passphrase of eve's own\n")
    return run_cli(
        "users",
        "add",
        "Eve Mallory",
        "--role",
        "admin",
        "--new-passphrase-file",
        str(eve),
        data_dir=data_dir,
    )


def test_deleting_people_json_restores_it_from_the_backup_and_adds_no_admin(team, tmp_path) -> None:
    store = team.store
    people, backup = store.data_dir / "people.json", store.data_dir / "people.json.bak"
    before = backup.read_bytes()
    people.unlink()

    added = _add_eve(store.data_dir, tmp_path)
    no_traceback(added)
    assert added.returncode == 1 and "needs an admin" in added.stderr
    assert "was restored from its backup copy" in added.stderr
    assert backup.read_bytes() == before and people.read_bytes() == before
    assert "Eve Mallory" not in people.read_text()

    from store import Store

    events = [e["event"] for e in Store(store.data_dir).audit.entries()]
    assert events[-1] == "file_restored"
    checked = run_cli("verify", data_dir=store.data_dir)
    assert checked.returncode == 1
    assert "people.json was missing and was restored from its backup copy" in checked.stdout


def test_deleting_people_json_and_its_backup_stops_with_one_line(team, tmp_path) -> None:
    store = team.store
    checked = run_cli("verify", data_dir=store.data_dir)
    (store.data_dir / "people.json").unlink()
    (store.data_dir / "people.json.bak").unlink()

    checked = run_cli("verify", data_dir=store.data_dir)
    assert checked.returncode == 1 and "people.json: missing: nobody can sign in" in checked.stdout

    added = _add_eve(store.data_dir, tmp_path)
    no_traceback(added)
    [line] = added.stderr.strip().splitlines()
    assert added.returncode == 1
    assert "people.json" in line and "no backup copy" in line and "never set up again" in line
    assert not (store.data_dir / "people.json").exists()
    assert not (store.data_dir / "people.json.bak").exists()


def test_emptying_people_json_restores_it_too(team, tmp_path) -> None:
    store = team.store
    people = store.data_dir / "people.json"
    people.write_text(json.dumps({"_meta": {"1": {"schema": 1, "kind": "people"}}}))
    added = _add_eve(store.data_dir, tmp_path)
    no_traceback(added)
    assert added.returncode == 1 and "held nobody" in added.stderr
    assert "Alex Reid" in people.read_text() and "Eve Mallory" not in people.read_text()
    assert list(store.data_dir.glob("people.json.corrupt-*"))


def test_deleting_people_json_while_the_app_runs_never_lets_anyone_in_as_new(team) -> None:
    """The store checks at every use of the people file, not only when it is opened."""
    from services import people as people_use
    from store.errors import LostFileError

    store = team.store
    (store.data_dir / "people.json").unlink()
    (store.data_dir / "people.json.bak").unlink()
    with pytest.raises(LostFileError):
        people_use.set_up_first(store, "Eve Mallory", "a long passphrase of eve's own")
    with pytest.raises(LostFileError):
        store.people.is_empty()
    assert not (store.data_dir / "people.json.bak").exists()


def test_a_new_folder_is_still_new_after_a_failed_sign_in(data_dir, pf, tmp_path) -> None:
    (data_dir / "config.toml").write_text("idle_lock_seconds = 120\n")
    tried = list_sessions(data_dir, pf)
    assert tried.returncode == 1
    first = run_cli(
        "users",
        "add",
        "Alex Reid",
        "--role",
        "practitioner",
        "--new-passphrase-file",
        pf,
        data_dir=data_dir,
    )
    assert first.returncode == 0, first.stderr


async def test_the_app_never_shows_the_welcome_form_when_people_json_is_deleted(team) -> None:
    from tests.helpers import sign_in
    from tui.app import SteppingStonesApp
    from tui.screens.home import HomeScreen

    store = team.store
    (store.data_dir / "people.json").unlink()
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await opened(app, pilot)
        assert any("restored from its backup" in str(n.message) for n in app._notifications)
        await sign_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_the_app_stops_on_a_plain_message_when_people_json_is_lost(team) -> None:
    from tui.app import SteppingStonesApp
    from tui.screens.message import MessageScreen

    store = team.store
    (store.data_dir / "people.json").unlink()
    (store.data_dir / "people.json.bak").unlink()
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        assert isinstance(app.screen, MessageScreen)
        text = screen_text(app)
        assert "The store cannot be opened" in text and "people.json" in text
    assert not (store.data_dir / "people.json").exists()
    assert not (store.data_dir / "people.json.bak").exists()
