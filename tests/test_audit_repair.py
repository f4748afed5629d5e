"""A damaged audit trail, as a colleague who can write the store folder leaves it.

A folder (or a link, a device, a pipe) in the trail's place is one plain line on the command
line and a message on the Sign in screen, never a traceback or a screen that waits for ever;
nobody signs in while it is there, and the trail is never started again in its place.

All names are synthetic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from services import people
from tests.helpers import (
    PASSPHRASE,
    SIZE,
    run_cli,
    screen_text,
    settle,
    sign_in,
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


@pytest.fixture
def trail(team):
    """A store with a trail of some length: the team added and signed in, then Jo once more."""
    store = team.store
    people.sign_in(store, "Jo Patel", PASSPHRASE)
    return store


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
