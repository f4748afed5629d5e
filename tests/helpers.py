"""What many tests share: one copy of each helper.

- the command line run in this process (`run_cli`), and the installed command run for real
  (`run_installed`, for the few tests that must see a real process);
- a small team of synthetic people (`make_team`);
- Pilot helpers: `settle`, `press`, `screen_text`, `rendered_text`, `put`, `sign_in`,
  `start_checklist`, `answer_the_rest`;
- `wait_for` and, under Pilot, `wait_until`: poll a condition with a deadline instead of
  sleeping.

Fixtures built on these live in `tests/conftest.py`. All people and text are synthetic.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

PASSPHRASE = "correct horse battery"
SIZE = (80, 24)
# The cost tests give the passphrases they set (the program itself always uses the full one).
TEST_SCRYPT_N = 16
DATA_DIR_ENV = "STEPPING_STONES_DATA_DIR"
COMMAND = shutil.which("stepping-stones") or str(Path(sys.executable).parent / "stepping-stones")


# -- waiting -----------------------------------------------------------------------------------
def wait_for(
    condition: Callable[[], object], description: str, timeout: float = 10, every: float = 0.02
):
    """Poll `condition` until it is true (returns its value) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {description}")
        time.sleep(every)


async def wait_until(pilot, condition: Callable[[], object], description: str, timeout=5.0):
    """Under Pilot: let the app run until `condition()` is true (returns its value), or fail
    after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {description}")
        await pilot.pause(0.02)


# -- the command line --------------------------------------------------------------------------
@dataclass
class CliResult:
    """What a run of the command gave: the same fields as `subprocess.CompletedProcess`."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _data_dir_env(env_dir: Path | None) -> Iterator[None]:
    """STEPPING_STONES_DATA_DIR set to `env_dir` (or unset) for the duration."""
    before = os.environ.pop(DATA_DIR_ENV, None)
    if env_dir is not None:
        os.environ[DATA_DIR_ENV] = str(env_dir)
    try:
        yield
    finally:
        os.environ.pop(DATA_DIR_ENV, None)
        if before is not None:
            os.environ[DATA_DIR_ENV] = before


def run_cli(
    *args: str, data_dir: Path | None = None, env_dir: Path | None = None, stdin: str = ""
) -> CliResult:
    """`stepping-stones ARGS [--data-dir DATA_DIR]` run in this process through `cli.main.main`.

    Output is captured as the command would print it; standard input is `stdin` (not a
    terminal); STEPPING_STONES_DATA_DIR is `env_dir`, or unset. Exits from argparse (`--help`,
    a bad option) become the return code, as they would for the real command.
    """
    from cli.main import main

    argv = [*args]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    out, err = io.StringIO(), io.StringIO()
    with (
        _data_dir_env(env_dir),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        _stdin(stdin),
    ):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return CliResult(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _stdin(text: str) -> Iterator[None]:
    before = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = before


def run_installed(
    *args: str, data_dir: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed `stepping-stones` command in a process of its own (no data folder from the
    caller's environment unless `env` gives one)."""
    assert Path(COMMAND).exists(), f"the stepping-stones command is not installed ({COMMAND})"
    full_env = {k: v for k, v in os.environ.items() if k != DATA_DIR_ENV}
    full_env.update(env or {})
    cmd = [COMMAND, *args]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return subprocess.run(
        cmd, capture_output=True, text=True, env=full_env, timeout=60, stdin=subprocess.DEVNULL
    )


def one_line_error(result) -> str:
    """The one line a failed command printed on stderr (and no traceback)."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def one_line(capsys) -> str:
    """The one line `main` (run in this process) wrote on stderr, read through capsys."""
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


# -- people ------------------------------------------------------------------------------------
class Team(NamedTuple):
    store: object
    sam: object
    jo: object
    kit: object


def make_team(store, alex, signed_in: bool = True) -> Team:
    """Sam (supervisor of Jo), Jo (practitioner) and Kit (practitioner, not Sam's), added by
    Alex (admin). With `signed_in`, each has signed in once, so has keys to seal for.
    Through the services, so the audit trail holds what the app would have written."""
    from services import people

    sam = people.add_person(store, alex, "Sam Supervisor", ["supervisor"], PASSPHRASE)
    jo = people.add_person(
        store, alex, "Jo Patel", ["practitioner"], PASSPHRASE, ["Sam Supervisor"]
    )
    kit = people.add_person(store, alex, "Kit Novak", ["practitioner"], PASSPHRASE)
    if signed_in:
        sam, jo, kit = (people.sign_in(store, p.name, PASSPHRASE) for p in (sam, jo, kit))
    return Team(store, sam, jo, kit)


# -- Pilot -------------------------------------------------------------------------------------
SETTLE_DEADLINE = 60.0  # seconds: a worker still running after this is a fault, not a wait


async def settle(app, pilot, rounds: int = 3, workers: bool = False) -> None:
    """Let workers (disk writes, sign-in) finish and the screen catch up: `rounds` quiet rounds
    of waiting until idle in a row (while anything is busy, up to a minute). A round is busy
    while a table is still fitting its columns, and with `workers` while the screen has a
    worker running (reading and sealing; never the app's long-lived draft writer): a busy
    machine can finish a worker on the last round, and its rows must be drawn before anyone
    looks."""
    quiet = 0  # rounds in a row with nothing left to do
    # Rounds are quick when nothing is left to do, so a worker still busy (signing, sealing)
    # on a loaded machine is waited for by the clock, not for a number of rounds.
    give_up = time.monotonic() + SETTLE_DEADLINE
    for done in range(10_000):
        await app.wait_until_idle()
        await pilot.pause()
        busy = (
            workers and not all(w.is_finished or w.group == "writer" for w in app.workers)
        ) or _tables_fitting(app)
        quiet = 0 if busy else quiet + 1
        if quiet >= rounds or (done >= 100 and time.monotonic() > give_up):
            break


def _tables_fitting(app) -> bool:
    """A table that still has to fit its columns to its width (it does so after a refresh, and
    then Textual measures it again on its next idle): a screen is not settled until it has."""
    from tui.widgets.marked import MarkedTable

    try:
        tables = list(app.screen.query(MarkedTable))
    except Exception:  # noqa: BLE001 - no screen yet
        return False
    return any(t._fitting or t._require_update_dimensions for t in tables)  # noqa: SLF001


async def press(pilot, *keys: str, then=None) -> None:
    """Press `keys`, let the screen settle, and check it is a `then` screen."""
    await pilot.press(*keys)
    await settle(pilot.app, pilot, workers=True)
    if then is not None:
        assert isinstance(pilot.app.screen, then), pilot.app.screen


def screen_text(app) -> str:
    """The visible text of the active screen, as a person would read it."""
    from textual.widgets import Static

    parts = [str(w.render()) for w in app.screen.query(Static) if w.display]
    return "\n".join(parts)


def rendered_text(app) -> str:
    """What the active screen's text widgets show, rendered as plain text at 78 columns."""
    from rich.console import Console
    from rich.text import Text
    from textual.widgets import Static

    with open(os.devnull, "w") as sink:
        console = Console(width=78, record=True, file=sink)
        for widget in app.screen.query(Static):
            if widget.display:
                content = widget.content
                console.print(Text.from_markup(content) if isinstance(content, str) else content)
        return console.export_text()


async def put(pilot, widget, text: str) -> None:
    """Fill a field at once, as if typed: `Input.value` or `TextArea.text`, then let the
    screen handle the change. Use real key presses where the typing itself is under test."""
    from textual.widgets import TextArea

    if isinstance(widget, TextArea):
        widget.text = text
        widget.move_cursor(widget.document.end)
    else:
        widget.value = text
        widget.cursor_position = len(text)
    await pilot.pause()


async def sign_in(
    app, pilot, name: str = "Alex Reid", passphrase: str = PASSPHRASE, typed: bool = False
) -> None:
    """On the Sign in screen: name, tab, passphrase, enter. The fields are filled at once
    unless `typed` (then every character is a key press)."""
    from textual.widgets import Input

    from tui.screens.sign_in import SignInScreen

    await opened(app, pilot)
    assert isinstance(app.screen, SignInScreen)
    if typed:
        await pilot.press(*name, "tab", *passphrase, "enter")
    else:
        await put(pilot, app.screen.query_one("#name", Input), name)
        await pilot.press("tab")
        await put(pilot, app.screen.query_one("#passphrase", Input), passphrase)
        await pilot.press("enter")
    await settle(app, pilot)


async def opened(app, pilot) -> None:
    """Past the first frame: the store has been read in the background and the first real
    screen (Welcome, Sign in or a message that it cannot be opened) is up."""
    from tui.screens.opening import OpeningScreen

    await settle(app, pilot)
    await wait_until(
        pilot, lambda: not isinstance(app.screen, OpeningScreen), "the store to be opened"
    )
    await settle(app, pilot)


async def start_checklist(app, pilot, key: str = "n"):
    """`n` (or `key`), enter (the first checklist), enter (the setup's defaults): the checklist
    screen."""
    from tui.screens.checklist import ChecklistScreen

    await pilot.press(key)
    await settle(app, pilot)
    await pilot.press("enter")  # the picker: the first checklist
    await settle(app, pilot)
    await pilot.press("enter")  # the setup form: its defaults
    await settle(app, pilot)
    assert isinstance(app.screen, ChecklistScreen)
    return app.screen


async def open_note(app, pilot):
    """Signed in: a new checklist, then `n` on its first item: the note box."""
    from tui.screens.note import NoteScreen

    await start_checklist(app, pilot)
    await pilot.press("n")
    await settle(app, pilot)
    assert isinstance(app.screen, NoteScreen)
    return app.screen


async def answer_the_rest(app, pilot, key: str = "1") -> None:
    """On a checklist: press `key` on each item left, as a quick person would (each key is
    handled before the next), until the end of the list ("All N items answered"), then
    `enter` for the Reflection; then settle."""
    from tui.screens.checklist import ChecklistScreen

    for _ in range(200):
        screen = app.screen
        if not isinstance(screen, ChecklistScreen) or screen.at_end:
            break
        await pilot.press(key)
    await settle(app, pilot)
    assert "items answered" in screen_text(app)  # the end of the list
    await pilot.press("enter")  # opens the Reflection
    await settle(app, pilot)


# -- sessions ------------------------------------------------------------------------------------
def finish_session(store, person, checklist, when: str, answers: dict, **extra):
    """A finished session completed at `when` (an ISO stamp), with the given answers.

    `answers` maps an item index to (response, reason or None); `extra` may give `setting`,
    `stage`, `baby_removed`, `note` (on every answer), `reflection` (a dict) and `flagged`.
    """
    setup = {"setting": extra.get("setting", "clinic"), "stage": extra.get("stage", "antenatal")}
    if extra.get("baby_removed"):
        setup["baby_removed"] = True
    session = store.start_session(person, checklist, setup)
    items = session.visible_items(checklist)
    for index, (response, reason) in answers.items():
        session.answer(items[index], response)
        if reason:
            session.set_reason(items[index], reason)
        if extra.get("note"):
            session.set_note(items[index], extra["note"])
    for key, text in extra.get("reflection", {}).items():
        session.set_reflection(key, text)
    if extra.get("flagged"):
        session.set_flagged(True)
    store.sessions.discard_draft(session)
    session.record.update(status="complete", completed_at=when, updated_at=when)
    store.sessions.write_archive_bulk(person.id, [store.sessions.seal_record(session)])
    return session


def confirm_supervisors(store, name: str):
    """`name` signs in and says yes to every supervisor an admin added for them since they
    joined (asked once at sign-in; nothing is shared with them before): through the store, so
    no audit entry. Returns the person, signed in."""
    person = store.sign_in(name, PASSPHRASE)
    for supervisor_id, _by, _at in store.people.waiting_supervisors(person):
        store.people.confirm_supervisor(person, supervisor_id)
    return person


VERSION_1 = Path(__file__).parent / "data" / "any-contact-v1.yaml"


def version_1_checklist():
    """Version 1 of the core checklist (before issue 15), as sessions answered on it stored it:
    24 items, a section shown after a removal and an item shown after an earlier answer."""
    from checklists.loader import load_checklist_file, load_library

    known = set(load_library().requirements)
    checklist, problems = load_checklist_file(VERSION_1, known)
    assert checklist is not None, [str(p) for p in problems]
    return checklist


# -- the published texts (the seeds) ------------------------------------------------------------
SEEDS_BESIDE = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
SEEDS_COPY = Path(__file__).resolve().parent / "data" / "seeds"  # the same texts, CC-BY 4.0


def seed_text(pattern: str = "*.txt") -> str:
    """The published texts the checklists quote: `../shared/seeds` when it is beside the
    repository (the developers' machines, CI), else the copy in tests/data/seeds, so a fresh
    clone checks every quote too. Never empty: a check against nothing would pass unseen."""
    folder = SEEDS_BESIDE if any(SEEDS_BESIDE.glob(pattern)) else SEEDS_COPY
    files = sorted(folder.glob(pattern))
    assert files, f"the seed texts are missing: expected them in {SEEDS_BESIDE} or {SEEDS_COPY}"
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def quote_form(text: str) -> str:
    """Whitespace, curly quotes, dashes and ellipses as one form each, for finding a quote."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub("[\u2010\u2011\u2012\u2013\u2014\u2212]", "-", text)
    return re.sub(r"\s+", " ", text).strip()
