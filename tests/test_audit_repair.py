"""A damaged audit trail, as a power cut or a colleague who can write the store folder leaves it.

A power cut part-way through adding an entry (or one stray byte appended) leaves an incomplete
last line. That is set aside (kept beside the trail, never deleted) the next time anything is
recorded, so signing in works again; everything before it is kept, the person is told once,
the repair is itself an entry in the trail, and `audit verify --anchor` still proves nothing
up to an anchor written down earlier was cut off or rewritten. Any other damage (a complete
line altered or unreadable) is refused or named as before, never repaired. A folder in the
trail's place is one plain line on the command line and a message in the app, never a
traceback or a screen that waits for ever; `verify` names all of these.

All names are synthetic.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services import people
from tests.helpers import (
    PASSPHRASE,
    SIZE,
    opened,
    run_cli,
    screen_text,
    settle,
    sign_in,
    wait_until,
)


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


@pytest.fixture
def pf(passphrase_file: Path) -> str:
    return str(passphrase_file)


def trail_of(store) -> Path:
    return store.data_dir / "audit.jsonl"


def list_sessions(store, pf: str, who: str = "Alex Reid"):
    """A command that signs in, so reads the lockouts and the trail, and adds to the trail."""
    return run_cli(
        "sessions", "list", "--user", who, "--passphrase-file", pf, data_dir=store.data_dir
    )


def head(store) -> str:
    result = run_cli("audit", "head", data_dir=store.data_dir)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def verify_anchor(store, anchor: str):
    return run_cli("audit", "verify", "--anchor", anchor, data_dir=store.data_dir)


def set_aside(store) -> list[Path]:
    return sorted(store.data_dir.glob("audit.jsonl.torn-*"))


def warnings(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "warning:" in line]


@pytest.fixture
def trail(team):
    """A store with a trail of some length: the team added and signed in, then Jo once more."""
    store = team.store
    people.sign_in(store, "Jo Patel", PASSPHRASE)
    return store


# -- a torn last line: set aside at the next sign-in ----------------------------------------------
def test_a_power_cut_mid_append_is_set_aside_and_signing_in_works_again(trail, pf) -> None:
    path = trail_of(trail)
    earlier = head(trail)  # written down by an admin some time ago
    people.sign_in(trail, "Sam Supervisor", PASSPHRASE)  # the entry the power cut tears
    torn_anchor = head(trail)
    whole = path.read_bytes()
    lines = whole.splitlines(keepends=True)
    # What a power cut part-way through writing the last entry leaves (`truncate -s -40`).
    path.write_bytes(whole[:-40])
    kept, lost = b"".join(lines[:-1]), lines[-1][:-40]

    signed = list_sessions(trail, pf)
    no_traceback(signed)
    assert signed.returncode == 0, signed.stderr
    [said] = warnings(signed)
    assert "audit.jsonl" in said and "incomplete" in said and "set aside" in said
    [aside] = set_aside(trail)
    assert aside.read_bytes() == lost  # the partial line is kept, not deleted
    assert aside.name in said
    assert path.read_bytes().startswith(kept)  # every entry before it is kept as it was

    # The repair is itself in the trail, which is whole again.
    entries = trail.audit.entries()
    repair = [e for e in entries if e["event"] == "file_restored"]
    assert [e["detail"] for e in repair] == [
        {
            "file": "audit.jsonl",
            "why": "incomplete_last_line",
            "line": len(lines),
            "kept_as": aside.name,
        }
    ]
    after = entries[entries.index(repair[0]) + 1]  # recorded before the sign-in that found it
    assert after["event"] == "sign_in" and after["actor"] == "Alex Reid"
    plain = run_cli("audit", "verify", data_dir=trail.data_dir)
    assert plain.returncode == 0, plain.stdout
    # An anchor written down before the power cut still holds ...
    good = verify_anchor(trail, earlier)
    assert good.returncode == 0 and "intact" in good.stdout, good.stdout
    # ... and one of the entry that was torn off shows it is gone: repairing hides nothing.
    gone = verify_anchor(trail, torn_anchor)
    assert gone.returncode == 1 and "rewritten" in gone.stdout

    # Told once: the next command says nothing more about it, and sets nothing else aside.
    again = list_sessions(trail, pf)
    assert again.returncode == 0 and warnings(again) == [], again.stderr
    assert set_aside(trail) == [aside]


def test_a_stray_byte_after_the_last_line_is_set_aside_too(trail, pf) -> None:
    path = trail_of(trail)
    earlier = head(trail)
    before = path.read_bytes()
    with path.open("ab") as handle:
        handle.write(b"x")

    signed = list_sessions(trail, pf)
    no_traceback(signed)
    assert signed.returncode == 0, signed.stderr
    assert len(warnings(signed)) == 1
    [aside] = set_aside(trail)
    assert aside.read_bytes() == b"x"
    assert path.read_bytes().startswith(before)  # not one entry lost
    assert verify_anchor(trail, earlier).returncode == 0


def test_a_failed_sign_in_sets_a_torn_line_aside_too(trail, pf, tmp_path) -> None:
    """Any entry repairs it, even a wrong passphrase's: the try is still counted and recorded."""
    path = trail_of(trail)
    path.write_bytes(path.read_bytes()[:-40])
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase at all\n")
    tried = list_sessions(trail, str(wrong))
    no_traceback(tried)
    assert tried.returncode == 1 and "damaged" not in tried.stderr, tried.stderr
    assert len(set_aside(trail)) == 1
    assert trail.audit.entries()[-1]["event"] == "sign_in_failed"


def test_the_api_says_it_once_in_the_stores_notices(trail) -> None:
    from store import Store

    path = trail_of(trail)
    path.write_bytes(path.read_bytes()[:-40])
    store = Store(trail.data_dir)
    people.sign_in(store, "Alex Reid", PASSPHRASE)
    people.sign_in(store, "Jo Patel", PASSPHRASE)
    said = [n for n in store.notices if "audit" in n]
    assert len(said) == 1 and "incomplete" in said[0]


def test_a_torn_line_in_a_new_stores_trail_does_not_stop_it_being_set_up(data_dir, pf) -> None:
    """Wrong sign-ins before anyone was there, one cut short by a power cut and set aside by
    the next: still a new store, which its first person can set up."""

    def try_to_sign_in():
        return run_cli(
            "sessions", "list", "--user", "Alex Reid", "--passphrase-file", pf, data_dir=data_dir
        )

    assert try_to_sign_in().returncode == 1
    path = data_dir / "audit.jsonl"
    path.write_bytes(path.read_bytes()[:-40])
    assert run_cli("verify", data_dir=data_dir).returncode == 1  # named, before ...
    assert try_to_sign_in().returncode == 1
    assert len(list(data_dir.glob("audit.jsonl.torn-*"))) == 1  # ... and after it is set aside
    first = run_cli(
        "users",
        "add",
        "Alex Reid",
        "--role",
        "admin",
        "--new-passphrase-file",
        pf,
        data_dir=data_dir,
    )
    no_traceback(first)
    assert first.returncode == 0, first.stderr


async def test_the_app_signs_in_after_a_power_cut_and_says_so_once(trail) -> None:
    from tui.app import SteppingStonesApp
    from tui.screens.home import HomeScreen

    path = trail_of(trail)
    path.write_bytes(path.read_bytes()[:-40])
    app = SteppingStonesApp(data_dir=trail.data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await opened(app, pilot)
        await sign_in(app, pilot)
        await settle(app, pilot, workers=True)
        assert isinstance(app.screen, HomeScreen), screen_text(app)

        def told() -> list[str]:
            return [str(n.message) for n in app._notifications if "audit" in str(n.message)]  # noqa: SLF001

        await wait_until(pilot, told, "the notice of the line set aside")
        await pilot.pause(1.5)  # the store's notices are looked at each second: not said again
        [said] = told()
        assert "incomplete" in said and "set aside" in said
    assert len(set_aside(trail)) == 1


# -- other damage: never repaired ------------------------------------------------------------------
def test_an_unreadable_complete_last_line_is_still_refused_and_left_alone(trail, pf) -> None:
    path = trail_of(trail)
    damaged = path.read_bytes() + b"{not an entry}\n"
    path.write_bytes(damaged)
    signed = list_sessions(trail, pf)
    no_traceback(signed)
    [said] = signed.stderr.strip().splitlines()
    assert signed.returncode == 1 and "not a readable entry" in said
    assert path.read_bytes() == damaged and set_aside(trail) == []


def test_an_altered_middle_line_is_still_named_after_a_torn_tail_is_repaired(trail, pf) -> None:
    path = trail_of(trail)
    earlier = head(trail)
    lines = path.read_bytes().splitlines(keepends=True)
    entry = json.loads(lines[2])
    entry["actor"] = "Someone Else"  # edited by hand, its hash left as it was
    lines[2] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    path.write_bytes(b"".join(lines)[:-40])

    signed = list_sessions(trail, pf)
    assert signed.returncode == 0, signed.stderr
    assert path.read_bytes().splitlines(keepends=True)[2] == lines[2]  # never "repaired"
    plain = run_cli("audit", "verify", data_dir=trail.data_dir)
    assert plain.returncode == 1 and "line 3 was edited after it was written" in plain.stdout
    assert verify_anchor(trail, earlier).returncode == 1
    checked = run_cli("verify", data_dir=trail.data_dir)
    assert checked.returncode == 1
    assert "audit.jsonl: line 3 was edited after it was written" in checked.stdout


def test_a_torn_line_longer_than_any_entry_is_not_taken_for_a_power_cut(trail, pf) -> None:
    path = trail_of(trail)
    damaged = path.read_bytes() + b"x" * 100_000
    path.write_bytes(damaged)
    signed = list_sessions(trail, pf)
    no_traceback(signed)
    assert signed.returncode == 1 and "audit" in signed.stderr
    assert path.read_bytes() == damaged and set_aside(trail) == []


# -- a folder in the trail's place -----------------------------------------------------------------
@pytest.fixture
def folder_trail(trail):
    path = trail_of(trail)
    path.unlink()
    path.mkdir()
    return trail


@pytest.mark.parametrize(
    "command",
    [
        ("sessions", "list", "--user", "Alex Reid"),
        ("users", "list", "--user", "Alex Reid"),
        ("audit", "list", "--user", "Alex Reid"),
        ("audit", "head"),
        ("audit", "verify"),
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_folder_in_place_of_the_trail_is_one_line(folder_trail, pf, command) -> None:
    extra = ("--passphrase-file", pf) if "--user" in command else ()
    result = run_cli(*command, *extra, data_dir=folder_trail.data_dir)
    no_traceback(result)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "audit.jsonl" in line and "not an ordinary file" in line
    assert trail_of(folder_trail).is_dir()  # left for whoever looks after the store


def test_the_api_says_a_folder_in_place_of_the_trail_in_plain_words(folder_trail) -> None:
    from store.errors import StoreError

    with pytest.raises(StoreError, match="audit.jsonl.*not an ordinary file"):
        people.sign_in(folder_trail, "Alex Reid", PASSPHRASE)
    with pytest.raises(StoreError, match="not an ordinary file"):
        folder_trail.audit.append("sign_out", "Alex Reid")
    with pytest.raises(StoreError, match="not an ordinary file"):
        list(folder_trail.audit.newest_first())


async def test_the_app_says_a_folder_in_place_of_the_trail_never_waits_for_ever(folder_trail):
    from tui.app import SteppingStonesApp
    from tui.screens.sign_in import SignInScreen

    app = SteppingStonesApp(data_dir=folder_trail.data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot)
        await settle(app, pilot, workers=True)
        assert isinstance(app.screen, SignInScreen)
        text = screen_text(app)
        assert "Checking…" not in text
        assert "audit.jsonl" in text and "not an ordinary file" in text, text


# -- verify names it -------------------------------------------------------------------------------
def test_verify_is_all_good_on_a_whole_trail(trail) -> None:
    checked = run_cli("verify", data_dir=trail.data_dir)
    assert checked.returncode == 0 and "all good" in checked.stdout, checked.stdout


def test_verify_names_a_torn_trail_and_then_the_line_set_aside(trail, pf) -> None:
    path = trail_of(trail)
    path.write_bytes(path.read_bytes()[:-40])
    checked = run_cli("verify", data_dir=trail.data_dir)
    assert checked.returncode == 1
    assert any(
        line.startswith("audit.jsonl: ") and "incomplete" in line
        for line in checked.stdout.splitlines()
    ), checked.stdout
    assert list_sessions(trail, pf).returncode == 0
    checked = run_cli("verify", data_dir=trail.data_dir)
    [aside] = set_aside(trail)
    assert checked.returncode == 1
    [line] = [line for line in checked.stdout.splitlines() if "audit" in line]
    assert line.startswith(f"{aside.name}: ") and "incomplete last line" in line
    aside.unlink()  # looked at and removed
    assert run_cli("verify", data_dir=trail.data_dir).returncode == 0


def test_verify_names_a_folder_in_place_of_the_trail(folder_trail) -> None:
    checked = run_cli("verify", data_dir=folder_trail.data_dir)
    no_traceback(checked)
    assert checked.returncode == 1
    assert "audit.jsonl: it is not an ordinary file" in checked.stdout, checked.stdout


def test_verify_names_a_removed_entry(trail) -> None:
    path = trail_of(trail)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:3] + lines[4:]))
    checked = run_cli("verify", data_dir=trail.data_dir)
    assert checked.returncode == 1
    assert "audit.jsonl: entry 4 is missing (line 4 has 5)" in checked.stdout, checked.stdout
