"""The installed command in tmux, for the end-to-end and fault tests.

The terminal itself is `tests.e2e.terminal.Terminal` (one tmux server each); this module adds
what those tests share: a store whose people are made through the Python API (at the tests'
low scrypt cost, which the installed program then checks), reading back what was kept with
the command line run in this process (`sessions list --json`, `verify`), signing in as one of
several people, and the checklist model used to predict which item each key answers. All
people are synthetic.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from store import Store
from tests.e2e.terminal import Terminal, item_position
from tests.helpers import COMMAND, CliResult, run_cli

APP_ENV = {"TERM": "xterm-256color"}

ALEX = "Alex Reid"
JO = "Jo Patel"
PASSPHRASES = {ALEX: "correct horse battery", JO: "purple kettle morning"}

needs_tmux = pytest.mark.skipif(
    shutil.which("tmux") is None,
    reason="tmux is not installed: the end-to-end tests need it (apt-get install tmux)",
)
# Tests that drive the app in tmux run one after another, on one xdist worker.
tmux_group = pytest.mark.xdist_group("tmux")


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


# -- the store and the command line ----------------------------------------------------------
def cli(data_dir: Path, *args: str) -> CliResult:
    """`stepping-stones --data-dir DATA_DIR ARGS`, run in this process."""
    return run_cli("--data-dir", str(data_dir), *args)


def make_store(tmp_path: Path, data_dir: Path, names: tuple[str, ...] = (ALEX,)) -> TmuxStore:
    """A store with these people; the first is admin and practitioner, the rest practitioners.

    Made through the Python API, so the passphrases get the tests' low cost."""
    assert Path(COMMAND).exists(), f"the stepping-stones command is not installed ({COMMAND})"
    accounts = {}
    for index, name in enumerate(names):
        path = tmp_path / f"passphrase-{index}.txt"
        path.write_text(PASSPHRASES[name] + "\n", encoding="utf-8")
        accounts[name] = Account(name, PASSPHRASES[name], path)
    people = Store(data_dir).people
    first = people.add(names[0], ["practitioner", "admin"], PASSPHRASES[names[0]])
    for name in names[1:]:
        people.add(name, ["practitioner"], PASSPHRASES[name], acting=first)
    return TmuxStore(data_dir, accounts)


def sessions_of(store: TmuxStore, name: str = ALEX, *extra: str) -> list[dict]:
    """`sessions list --json [EXTRA]` for one person; fails the test if the command fails."""
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
        *extra,
    )
    assert result.returncode == 0, f"sessions list failed: {result.stderr}"
    return json.loads(result.stdout)


# How `audit verify` (and so `verify`) names the audit trail's last line when a write of it
# was cut short.
_CUT_SHORT = "(the app may have stopped while writing it, or the file was cut short)"


def assert_verify_passes(data_dir: Path, context: str = "", after_kill: bool = False) -> None:
    """`verify` finds nothing wrong. Straight after a kill, a half-written temporary file
    beside a store file is expected (the save it belonged to was never acknowledged, and the
    next open removes it), and so is an incomplete last line of the audit trail (an entry
    being written), or that line set aside by the next entry after an earlier kill, so then
    those, and only those, are allowed."""
    result = cli(data_dir, "verify", "--json")
    findings = json.loads(result.stdout)["problems"] if result.stdout.strip() else None
    if after_kill and findings is not None:
        findings = [
            f
            for f in findings
            if "temporary file left by an interrupted save" not in f["problem"]
            and not (f["file"] == "audit.jsonl" and f["problem"].endswith(_CUT_SHORT))
            and not f["file"].startswith("audit.jsonl.torn-")
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


def quit_app(term: Terminal) -> None:
    """ctrl+q, and the app ends with status 0."""
    term.send("C-q")
    status = term.wait_for_exit()
    assert status == 0, f"the app exited with {status}:\n{term.screen_with_history()}"


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
