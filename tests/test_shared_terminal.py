"""Shared terminals: locking, lockout, the audit trail, the identifier guard, no network."""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta

import pytest

from services import people
from store import SignInError, Store
from store.lockout import LockedOut
from tests.helpers import (
    PASSPHRASE,
    SIZE,
    answer_the_rest,
    put,
    run_cli,
    screen_text,
    settle,
    sign_in,
    start_checklist,
    wait_until,
)
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.home import HomeScreen
from tui.screens.lock import LockScreen


def visible(app) -> str:
    """Every character on the terminal, however it was drawn."""
    return app.export_screenshot().replace("&#160;", " ")


async def test_ctrl_l_hides_everything_and_blocks_every_key(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        prompt_words = screen.items[1].prompt.split()[-2]
        assert prompt_words in visible(app)

        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen) and app.locked
        shown = visible(app)
        assert "Locked" in shown and prompt_words not in shown and "Item 2" not in shown

        for key in ("question_mark", "f1", "ctrl+p", "ctrl+q", "ctrl+l", "escape"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, LockScreen), key
            assert app.is_running, key
        assert screen.index == 1  # nothing reached the checklist underneath

        await pilot.press(*"not it", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert "do not match" in screen_text(app)
        await put(pilot, app.focused, PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen and not app.locked
        assert screen.index == 1


async def test_someone_else_can_sign_in_at_a_locked_terminal(store, alex) -> None:
    store.people.add("Jo Patel", ["practitioner"], PASSPHRASE, acting=alex)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await start_checklist(app, pilot)
        await pilot.press("1", "4")
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        name = app.screen.query_one("#name")
        name.value = "Jo Patel"
        await put(pilot, app.focused, PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen) and app.user.name == "Jo Patel"
        assert "No unfinished checklists" in screen_text(app)  # nothing of Alex's
    alex_in = Store(store.data_dir).people.authenticate("Alex Reid", PASSPHRASE)
    [draft] = Store(store.data_dir).sessions.drafts(alex.id, alex_in)
    assert len([a for a in draft.answers.values() if a["response"]]) == 2


async def test_idle_lock_after_the_configured_time(store, alex) -> None:
    idle = 2.0
    # Long while signing in and starting a checklist (a busy machine can take seconds), then
    # the short time under test from the last key on; the app checks about once a second.
    app = SteppingStonesApp(data_dir=store.data_dir, idle_lock=600)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await start_checklist(app, pilot)
        app.idle_lock = idle
        await pilot.press("1")
        last_key = time.monotonic()
        assert not app.locked
        await wait_until(pilot, lambda: app.locked, "the idle lock", timeout=idle + 3.0)
        assert time.monotonic() - last_key >= idle - 0.5  # and not long before its time
        assert app.locked and isinstance(app.screen, LockScreen)
    events = [e["event"] for e in Store(store.data_dir).audit.entries()]
    assert "idle_lock" in events and "sign_in" in events


def test_five_wrong_passphrases_lock_the_name_out_and_the_wait_doubles(store, alex) -> None:
    for _ in range(4):
        with pytest.raises(SignInError, match="do not match"):
            store.sign_in("Alex Reid", "wrong passphrase")
    with pytest.raises(LockedOut, match="Please wait until") as first:
        store.sign_in("Alex Reid", "wrong passphrase")
    with pytest.raises(LockedOut):
        store.sign_in("Alex Reid", PASSPHRASE)  # even the right one, while locked out
    later = first.value.until + timedelta(seconds=1)
    store.lockouts.check("Alex Reid", now=later)  # the minute has passed
    for _ in range(5):
        store.lockouts.begin("alex reid", now=later)  # each try counted before its check
    with pytest.raises(LockedOut) as second:
        store.lockouts.check("Alex Reid", now=later)
    assert second.value.until - later == timedelta(minutes=2)
    # The doubling stops at an hour (SECURITY.md says why), and an admin can lift it sooner.
    for _ in range(10):
        later = second.value.until + timedelta(seconds=1)
        for _ in range(5):
            store.lockouts.begin("Alex Reid", now=later)
        with pytest.raises(LockedOut) as second:
            store.lockouts.check("Alex Reid", now=later)
    assert second.value.until - later == timedelta(hours=1)
    assert "users unlock" in str(second.value) and "People screen" in str(second.value)
    # Unknown names are counted the same way, so the lockout reveals nothing.
    for _ in range(4):
        with pytest.raises(SignInError, match="do not match"):
            store.sign_in("Nobody Here", "wrong passphrase")
    with pytest.raises(LockedOut):
        store.sign_in("Nobody Here", "wrong passphrase")


def test_lockout_applies_on_the_command_line(store, alex, tmp_path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("wrong passphrase\n")
    cmd = ["sessions", "list", "--user", "Alex Reid", "--passphrase-file", str(wrong)]
    results = [run_cli(*cmd, data_dir=store.data_dir) for _ in range(5)]
    assert all(r.returncode == 1 for r in results)
    assert "Too many wrong passphrases" in results[-1].stderr
    assert results[-1].stderr.count("\n") == 1


def test_audit_trail_records_security_events_and_detects_a_removed_line(
    store, alex, passphrase_file
) -> None:
    people.add_person(store, alex, "Jo Patel", ["practitioner"], PASSPHRASE)
    people.update_person(store, alex, "Jo Patel", add_roles=["supervisor"])
    people.sign_in(store, "Alex Reid", PASSPHRASE)
    with pytest.raises(SignInError):
        people.sign_in(store, "Jo Patel", "wrong passphrase")

    def cli(*args):
        return run_cli("audit", *args, data_dir=store.data_dir)

    listed = cli("list", "--user", "Alex Reid", "--passphrase-file", str(passphrase_file), "--json")
    assert listed.returncode == 0, listed.stderr
    events = [e["event"] for e in json.loads(listed.stdout)]
    for expected in ("person_added", "role_added", "sign_in", "sign_in_failed"):
        assert expected in events
    assert PASSPHRASE not in listed.stdout
    denied = cli("list", "--user", "Jo Patel", "--passphrase-file", str(passphrase_file))
    assert denied.returncode == 1 and "admin" in denied.stderr
    assert cli("verify").returncode == 0

    path = store.data_dir / "audit.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:2] + lines[3:]))
    broken = cli("verify")
    assert broken.returncode == 1
    assert "line 3" in broken.stdout


async def test_case_reference_refuses_identifiers_and_notes_warn_first(store, alex) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#case_ref").value = "999 000 0018"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "NHS number" in screen_text(app)
        assert not isinstance(app.screen, ChecklistScreen)
        app.screen.query_one("#case_ref").value = "TEAM-B-7"
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)

        # A phone number in a note is refused: never written, whatever keys follow.
        await pilot.press("n", *"Texted her on 07700 900123", "ctrl+s")
        await settle(app, pilot)
        assert "Not saved: contains a phone number" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # Whatever was saved as she typed, the number is not in it (it is cut out).
        note = screen.session.answers.get(screen.items[0].id, {}).get("note", "")
        assert note == "Texted her on", note
        # A bare date only warns first (it is saved as typed), and enter again keeps it.
        app.screen.query_one("#note").text = "Seen on 02/11/1998"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "date of birth" in screen_text(app)
        await pilot.press("ctrl+s")  # keep it after all
        await settle(app, pilot)
        assert screen.session.answers[screen.items[0].id]["note"] == "Seen on 02/11/1998"


async def test_the_app_opens_no_network_connection(data_dir, monkeypatch) -> None:
    attempts: list[str] = []
    real_socket = socket.socket

    class NoNetwork(real_socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if family in (socket.AF_INET, socket.AF_INET6):
                attempts.append(f"socket({family})")
                raise OSError("network use is not allowed in this test")
            super().__init__(family, type, proto, fileno)

    def refuse(*args, **kwargs):
        attempts.append(f"connect{args[:1]}")
        raise OSError("network use is not allowed in this test")

    monkeypatch.setattr(socket, "socket", NoNetwork)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)

    app = SteppingStonesApp(data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for field_id, text in (("#name", "Alex Reid"), ("#passphrase", PASSPHRASE)):
            await put(pilot, app.screen.query_one(field_id), text)
        await put(pilot, app.screen.query_one("#again"), PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        await start_checklist(app, pilot)
        await answer_the_rest(app, pilot, "1")
        await pilot.press(*"Fine", "ctrl+s")
        await settle(app, pilot)
        assert "Finished and saved" in screen_text(app)
        await pilot.press("escape", "ctrl+l")
        await settle(app, pilot)
    from cli.main import main

    assert main(["--data-dir", str(data_dir), "verify"]) == 0
    assert attempts == []
