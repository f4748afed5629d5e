"""A full disk: the app says the answer is NOT SAVED, keeps it, and saves it once there is room.

The end-to-end test puts the store on a real 200 KB tmpfs (it needs root and `mount`; it is
skipped otherwise), fills it with a big file after sign-in, answers, then deletes the file.
The store-level test injects ENOSPC into `os.write` while `save_draft` runs.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from store import StoreError, StoreFullError
from tests.e2e.app import (
    ALEX,
    APP_ENV,
    cli,
    make_store,
    needs_tmux,
    responses,
    sessions_of,
    sign_in,
    squash,
    start_app,
    start_new_checklist,
    tmux_group,
    wait_for_home,
)
from tests.e2e.terminal import Terminal, item_position
from tests.helpers import PASSPHRASE

TMPFS_SIZE = "200k"
RETRY_WITHIN_SECONDS = 5.0


# -- a real small disk -----------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path):
    """A 200 KB tmpfs mounted for this test; skipped where that cannot be done."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real full disk needs root and mount (tmpfs); not available here")
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE},mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=10)


def fill(disk: Path) -> Path:
    """Write one file until the disk refuses another byte; returns it."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (64 * 1024, 4096, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
    finally:
        os.close(fd)
    return filler


def answer_saved(term: Terminal, key: str) -> str:
    current = item_position(term.screen())
    assert current is not None, term.screen()
    term.send(key)
    return term.wait_until(
        lambda s: "✓ saved" in s and (item_position(s) or (0, 0))[0] > current[0],
        f"item {current[0]} answered and saved",
    )


def answer_unsaved(term: Terminal, key: str) -> str:
    """Answer on a full disk: the app moves on and says the answer is not saved."""
    current = item_position(term.screen())
    assert current is not None, term.screen()
    term.send(key)
    return term.wait_until(
        lambda s: "NOT SAVED" in s and (item_position(s) or (0, 0))[0] > current[0],
        f"item {current[0]} answered, with 'NOT SAVED'",
    )


def shows_answer(term: Terminal, item: int, label: str) -> str:
    """Go to `item` with k/j and see its answer in the answer line."""
    current = item_position(term.screen())[0]
    key = "k" if item < current else "j"
    for _ in range(abs(current - item)):
        term.send(key)
    return term.wait_until(
        lambda s: f"Item {item} of" in s and label in s, f"item {item} showing '{label}'"
    )


@pytest.mark.e2e
@needs_tmux
@tmux_group
def test_a_full_disk_is_shown_kept_and_retried_until_saved(tmp_path: Path, small_disk) -> None:
    store = make_store(tmp_path, small_disk / "store")
    term = Terminal(tmp_path, APP_ENV)
    try:
        start_app(term, store.data_dir)
        sign_in(term, store.account(ALEX))
        wait_for_home(term)
        start_new_checklist(term)
        answer_saved(term, "1")
        answer_saved(term, "1")

        filler = fill(small_disk)
        screen = answer_unsaved(term, "1")  # item 3: Done
        notice = squash(term.wait_until(lambda s: "disk is full" in squash(s), "the notice"))
        assert "Not saved yet" in notice, notice
        assert "✓ saved" not in screen, screen
        screen = answer_unsaved(term, "4")  # item 4: Not applicable
        assert "Item 5 of" in screen
        # The answers stay on screen ...
        shows_answer(term, 3, "✓ Done")
        shows_answer(term, 4, "– Not applicable")
        shows_answer(term, 5, "Not answered yet")
        assert not term.ended(), term.screen_with_history()
        # ... and the store is whole, with no half-written file left behind.
        verified = cli(store.data_dir, "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr

        filler.unlink()
        started = time.monotonic()
        term.wait_until(
            lambda s: "✓ saved" in s and "NOT SAVED" not in s,
            "the app to save by itself once there is room",
            timeout=RETRY_WITHIN_SECONDS,
        )
        print(f"saved {time.monotonic() - started:.1f}s after the disk had room")
        term.send("C-q")
        assert term.wait_for_exit() == 0, term.screen_with_history()
    finally:
        term.close()

    [draft] = sessions_of(store)
    kept = responses(draft)
    assert list(kept.values()) == ["done", "done", "done", "not_applicable"], kept
    verified = cli(store.data_dir, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


# -- the store, without the app --------------------------------------------------------------
def test_enospc_while_saving_a_draft_loses_nothing_already_saved(
    store, alex, checklist, monkeypatch
) -> None:
    me = store.people.authenticate(ALEX, PASSPHRASE)
    session = store.start_session(me, checklist, {})
    items = session.visible_items(checklist)
    for item in items[:3]:
        session.answer(item, "done")
        store.sessions.save_draft(session)
    drafts_file = store.sessions.drafts_file(me.id).path
    before = drafts_file.read_bytes()

    real_write = os.write
    calls = []

    def full(fd, data):
        calls.append(len(data))
        raise OSError(errno.ENOSPC, "No space left on device")

    session.answer(items[3], "partly")
    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StoreFullError) as raised:
        store.sessions.save_draft(session)
    monkeypatch.setattr(os, "write", real_write)
    assert calls, "save_draft never tried to write"
    assert isinstance(raised.value, StoreError)
    assert "disk is full" in str(raised.value)
    # Nothing already saved is lost, and nothing half-written is left.
    assert drafts_file.read_bytes() == before
    assert [p.name for p in drafts_file.parent.iterdir() if p.name.endswith(".tmp")] == []
    [kept] = store.readable_sessions(me, status="draft")
    assert [kept.response(i.id) for i in items[:4]] == ["done", "done", "done", None]

    # The same snapshot saves once there is room again.
    store.sessions.save_draft(session)
    [kept] = store.readable_sessions(me, status="draft")
    assert [kept.response(i.id) for i in items[:4]] == ["done", "done", "done", "partly"]
