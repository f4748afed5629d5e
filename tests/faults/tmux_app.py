"""Helpers for the fault tests that drive the installed command in tmux.

The terminal itself comes from `tests.e2e.terminal` (one tmux server per `Terminal`); this
module adds what several fault tests share: a store made through the command line, signing in
as one of several people, reading back what was kept with `sessions list --json`, and the
checklist model used to predict which item each key answers. All people are synthetic.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal, item_position

COMMAND = shutil.which("stepping-stones") or str(Path(sys.executable).parent / "stepping-stones")

APP_ENV = {
    # Fast passphrase hashing; a test-only setting (the cost is stored with each hash).
    "STEPPING_STONES_SCRYPT_N": "16",
    "TERM": "xterm-256color",
}

ALEX = "Alex Reid"
JO = "Jo Patel"
PASSPHRASES = {ALEX: "correct horse battery", JO: "purple kettle morning"}

needs_tmux = pytest.mark.skipif(
    shutil.which("tmux") is None,
    reason="tmux is not installed: the end-to-end tests need it (apt-get install tmux)",
)


@dataclass
class Account:
    name: str
    passphrase: str
    passphrase_file: Path


@dataclass
class TmuxStore:
    data_dir: Path
    accounts: dict[str, Account]

    def account(self, name: str) -> Account:
        return self.accounts[name]


# -- the command line ------------------------------------------------------------------------
def cli(data_dir: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("STEPPING_STONES_DATA_DIR", None)
    env.update(APP_ENV)
    return subprocess.run(
        [COMMAND, "--data-dir", str(data_dir), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def make_store(tmp_path: Path, data_dir: Path, names: tuple[str, ...] = (ALEX,)) -> TmuxStore:
    """A store with these people, made with `users add`; the first is admin and practitioner."""
    assert Path(COMMAND).exists(), f"the stepping-stones command is not installed ({COMMAND})"
    accounts = {}
    for index, name in enumerate(names):
        path = tmp_path / f"passphrase-{index}.txt"
        path.write_text(PASSPHRASES[name] + "\n", encoding="utf-8")
        accounts[name] = Account(name, PASSPHRASES[name], path)
    first = accounts[names[0]]
    result = cli(
        data_dir,
        "users",
        "add",
        first.name,
        "--role",
        "practitioner",
        "--role",
        "admin",
        "--new-passphrase-file",
        str(first.passphrase_file),
    )
    assert result.returncode == 0, result.stderr
    for name in names[1:]:
        result = cli(
            data_dir,
            "users",
            "add",
            name,
            "--role",
            "practitioner",
            "--new-passphrase-file",
            str(accounts[name].passphrase_file),
            "--user",
            first.name,
            "--passphrase-file",
            str(first.passphrase_file),
        )
        assert result.returncode == 0, result.stderr
    return TmuxStore(data_dir, accounts)


def sessions_of(store: TmuxStore, name: str = ALEX) -> list[dict]:
    """`sessions list --json` for one person; fails the test if the command fails."""
    account = store.account(name)
    result = cli(
        store.data_dir,
        "sessions",
        "list",
        "--user",
        account.name,
        "--passphrase-file",
        str(account.passphrase_file),
        "--json",
    )
    assert result.returncode == 0, f"sessions list failed: {result.stderr}"
    return json.loads(result.stdout)


def assert_verify_passes(data_dir: Path, context: str = "", after_kill: bool = False) -> None:
    """`verify` finds nothing wrong. Straight after a kill, a half-written temporary file
    beside a store file is expected (the save it belonged to was never acknowledged, and the
    next open removes it), so then that, and only that, is allowed."""
    result = cli(data_dir, "verify", "--json")
    findings = json.loads(result.stdout)["problems"] if result.stdout.strip() else None
    if after_kill and findings is not None:
        findings = [
            f for f in findings if "temporary file left by an interrupted save" not in f["problem"]
        ]
        assert findings == [], f"verify failed {context}: {findings}"
        return
    assert result.returncode == 0, (
        f"verify failed {context}:\n{result.stdout}{result.stderr}".rstrip()
    )


def checklist_json(data_dir: Path, checklist_id: str) -> dict:
    result = cli(data_dir, "checklists", "show", checklist_id, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def responses(session: dict) -> dict[str, str]:
    """item id -> response, for the answered items of one `sessions list --json` session."""
    return {i: a["response"] for i, a in session["answers"].items() if a.get("response")}


# -- the terminal ----------------------------------------------------------------------------
def start_app(term: Terminal, data_dir: Path) -> None:
    term.start([COMMAND, "--data-dir", str(data_dir)])


def sign_in(term: Terminal, account: Account, passphrase: str | None = None) -> None:
    """Name, tab, passphrase, enter in one burst, once the Sign in screen is up."""
    term.wait_for("Sign in", "Passphrase")
    term.type(account.name)
    term.send("Tab")
    term.type(passphrase if passphrase is not None else account.passphrase)
    term.send("Enter")


def wait_for_home(term: Terminal) -> str:
    """Home, once it has looked for unfinished checklists (`r` does nothing before that)."""
    screen = term.wait_until(
        lambda s: (
            "Signed in as" in s
            and ("press r" in s or "No unfinished" in s or "Could not read" in s)
        ),
        "home with its unfinished checklists looked up",
    )
    assert "Could not read" not in screen, f"home could not read the sessions:\n{screen}"
    return screen


def is_reflection(screen: str) -> bool:
    return "Reflection" in screen and item_position(screen) is None


def is_end(screen: str) -> bool:
    """The end of the checklist: "All N items answered", enter opens the Reflection."""
    return "items answered" in screen and item_position(screen) is None


def on_item_or_reflection(screen: str) -> bool:
    return item_position(screen) is not None or is_reflection(screen) or is_end(screen)


def start_new_checklist(term: Terminal) -> str:
    """`n`, enter (the first checklist), enter (the setup's defaults); the first item."""
    term.send("n")
    term.wait_for("Which checklist")
    term.send("Enter")
    term.wait_for("Press enter to start")
    term.send("Enter")
    return term.wait_for("Item 1 of")


def squash(text: str) -> str:
    """Screen text without box borders and line breaks, for messages that wrap."""
    return " ".join(re.sub(r"[│╭╮╰╯─▎▊▌▐┃]", " ", text).split())


@dataclass
class ChecklistModel:
    """Which items a checklist shows, given the setup and the answers so far.

    Uses the checklist package directly (no Textual, no store) so a test can predict which
    item each key answers without waiting for the screen.
    """

    checklist: object
    setup: dict

    @classmethod
    def for_session(cls, session: dict) -> ChecklistModel:
        from checklists import load_library

        library = load_library()
        return cls(library.checklists[session["checklist"]["id"]], dict(session["setup"]))

    def visible(self, answers: dict[str, str]) -> list[str]:
        return [item.id for item in self.checklist.visible_items(self.setup, answers)]

    def first_unanswered(self, answers: dict[str, str]) -> int:
        ids = self.visible(answers)
        for index, item_id in enumerate(ids):
            if item_id not in answers:
                return index
        return max(len(ids) - 1, 0)
