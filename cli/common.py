"""What every subcommand shares: one-line errors, the common options, signing in, output.

Kept apart from `main.py` so each group of subcommands can live in a module of its own.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from store import StoreError, resolve_data_dir

if TYPE_CHECKING:
    from store import Store

PROG = "stepping-stones"


class CommandError(Exception):
    """A failure to report as one line on stderr."""


NOT_TEXT = "contains bytes that are not UTF-8 text; type it again"
# An option or argument that names a file or folder says so in its metavar: a file name may
# hold any bytes the system allows (Python gives the undecodable ones as lone surrogates), so
# it is taken as it is. Every other value is text that is kept, sealed or compared, so it
# must be UTF-8.
PATH_METAVARS = frozenset({"PATH", "FILE", "DIR"})


def is_text(value: str) -> bool:
    """Whether `value` is whole UTF-8 text (no undecodable bytes smuggled in as surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_value(value: str) -> str:
    """The type of every option and argument that is text: refused, not stored, when the
    command line gave bytes that are not UTF-8."""
    if not is_text(value):
        raise argparse.ArgumentTypeError(NOT_TEXT)
    return value


class Parser(argparse.ArgumentParser):
    def add_argument(self, *args, **kwargs):  # type: ignore[override]
        """Every value given as text is checked once, here, as the command line is read
        (paths excepted: `PATH_METAVARS`), so no subcommand has to remember to."""
        stores_strings = kwargs.get("action", "store") in ("store", "append")
        if stores_strings and "type" not in kwargs and kwargs.get("metavar") not in PATH_METAVARS:
            kwargs["type"] = text_value
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        not_text = re.fullmatch(rf"argument (\S+): {re.escape(NOT_TEXT)}", message)
        if not_text:  # which option, in the project's words (`--help` would not help)
            sys.stderr.write(f"{PROG}: {not_text.group(1).split('/')[-1]} {NOT_TEXT}\n")
            raise SystemExit(2)
        # One line, as the interface contract promises; `--help` still shows the usage.
        sys.stderr.write(f"{self.prog}: {message} (try --help)\n")
        raise SystemExit(2)


def common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the store folder (default: $STEPPING_STONES_DATA_DIR, else your user data folder)",
    )
    return common


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def acting_flags(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--user", metavar="NAME", required=required, help="who is acting")
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the passphrase from the first line of FILE (else you are asked, without echo)",
    )
    parser.add_argument(
        "--confirm-supervisor",
        metavar="NAME",
        action="append",
        default=[],
        help="yes, share my sessions with NAME, a supervisor an admin added for me (asked once; "
        "else you are asked on a terminal)",
    )
    parser.add_argument(
        "--share-report-key",
        metavar="NAME",
        action="append",
        default=[],
        help="service leads: yes, share the service report key with NAME, a lead an admin "
        "added (asked once; else you are asked on a terminal)",
    )


# The longest passphrase read from a file: far more than anyone types (the app's fields take
# 200 characters), so a FILE that is not a passphrase (/dev/zero, a log) is refused at once
# instead of being read to its end.
MAX_PASSPHRASE = 1024


def read_passphrase(path: str | None, prompt: str = "Passphrase: ") -> str:
    """The first line of FILE (at most MAX_PASSPHRASE characters of UTF-8 text), or a prompt
    without echo on a terminal."""
    if path:
        return _passphrase_from(path)
    if on_terminal():
        try:
            typed = getpass.getpass(prompt)
        except UnicodeDecodeError:  # a UTF-8 locale decodes strictly; the C locale keeps
            typed = None  # such bytes as surrogates: refused alike
        if typed is None or not is_text(typed):
            raise CommandError(f"the passphrase {NOT_TEXT}")
        return typed
    raise CommandError("no passphrase: give --passphrase-file FILE")


def _passphrase_from(path: str) -> str:
    most = 4 * MAX_PASSPHRASE + 2  # UTF-8 takes at most 4 bytes a character; then \r\n
    try:
        with open(path, "rb") as handle:
            line = handle.readline(most)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    # What comes before the first line break (\n, \r\n or \r, as text files write them).
    first, *rest = re.split(rb"\r\n?|\n", line, maxsplit=1)
    cut_short = not rest and len(line) == most  # no line break yet: the line goes on
    if cut_short or len(passphrase := file_text(first, path)) > MAX_PASSPHRASE:
        raise CommandError(
            f"the first line of {path} is too long for a passphrase (at most {MAX_PASSPHRASE} "
            "characters)"
        )
    if not passphrase:
        raise CommandError(f"{path} is empty: put the passphrase on its first line")
    return passphrase


def file_text(raw: bytes, path: str) -> str:
    """The text of a file the command reads (a passphrase, notes), which must be UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(
            f"{path} contains bytes that are not UTF-8 text: save it as UTF-8 and try again"
        ) from None


def read_stdin() -> str:
    """All of standard input (`-` for a file), which must be UTF-8 text."""
    try:
        text = sys.stdin.read()
    except UnicodeDecodeError:  # decoded strictly (a UTF-8 locale), or kept as surrogates
        text = None  # (the C locale): refused alike
    if text is None or not is_text(text):
        raise CommandError("standard input contains bytes that are not UTF-8 text: give UTF-8 text")
    return text


def ask_yes(question: str) -> bool:
    """A y/n question on the terminal (stderr), answered on standard input."""
    sys.stderr.write(f"{question} y/n: ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except UnicodeDecodeError:
        return False  # not a yes
    return answer.strip().casefold() in ("y", "yes")


def on_terminal() -> bool:
    """Whether someone can be asked (standard input is a terminal)."""
    return sys.stdin.isatty()


def read_new_passphrase(path: str | None, whose: str) -> tuple[str, str | None]:
    """A new passphrase: the first line of FILE, else asked twice without echo. Returns the
    passphrase and the second typing (None from a file) for the store to compare."""
    if path:
        return read_passphrase(path), None
    first = read_passphrase(None, prompt=f"New passphrase for {whose}: ")
    return first, read_passphrase(None, prompt="Again: ")


def out(args: argparse.Namespace, data: object, text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)


opened_stores: list[Store] = []  # noqa: F821 (a type only)


def existing_store_folder(args: argparse.Namespace) -> Path:
    """The store folder, which must already be there: a command that reads a store never
    creates one (a mistyped --data-dir would otherwise look like an empty store)."""
    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    if not data_dir.is_dir():
        what = "is not a folder" if data_dir.exists() else "does not exist"
        raise CommandError(
            f"there is no store at {data_dir}: the folder {what} (check --data-dir or "
            "$STEPPING_STONES_DATA_DIR); nothing was created"
        )
    return data_dir


def open_store(args: argparse.Namespace, library=None, may_create: bool = False) -> Store:
    """The store in the chosen folder; only a command that sets up a store (`may_create`)
    opens one in a folder that is not there yet."""
    from store import Store  # here, not at the top: quick commands never load the store

    if may_create:
        data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    else:
        data_dir = existing_store_folder(args)
    store = Store(data_dir, library)
    opened_stores.append(store)  # so damaged files it set aside can be reported at the end
    return store


written_to: list[Path] = []


def wrote(data_dir: Path) -> None:
    """Called once a command has changed the store: it says so at the end (on stderr)."""
    if data_dir not in written_to:
        written_to.append(data_dir)


def report_writes(say: bool = True) -> None:
    """Which store folder a command wrote to, so a wrong --data-dir is noticed at once. Said
    only when the command succeeded: a failure is one line saying why (its report, if any,
    says what was done)."""
    while written_to:
        folder = written_to.pop(0)
        if say:
            sys.stderr.write(f"{PROG}: wrote to the store at {folder}\n")


def report_notices() -> None:
    """Once, at the end of a command: stores are forgotten once reported, so a later call of
    `main` in the same process (tests run the command in-process) reports only its own."""
    while opened_stores:
        store = opened_stores.pop(0)
        if store.repairs:  # a file put back from its backup copy, not yet in the audit trail
            from services.audit import record_repairs

            try:
                record_repairs(store)
            except StoreError as exc:
                store.notices.append(f"the audit trail could not record it: {exc}")
        for notice in store.notices:
            sys.stderr.write(f"{PROG}: warning: {notice}\n")


def sign_in_cli(store: Store, args: argparse.Namespace):
    passphrase = read_passphrase(args.passphrase_file)
    from services import people as people_use

    person = people_use.sign_in(store, args.user, passphrase, via="cli")
    _confirm_supervisors(store, person, getattr(args, "confirm_supervisor", None) or [])
    _share_report_key(store, person, getattr(args, "share_report_key", None) or [])
    return person


def _share_report_key(store: Store, person, named: list[str]) -> None:  # noqa: F821
    """A lead who has the service report key shares it with each lead added since, once they
    say yes (`--share-report-key NAME`, or asked on a terminal); else say who is waiting."""
    from services import report_key

    for waiting in _said_yes(
        report_key.waiting_leads(store, person),
        named,
        "{name} was added as a service lead by {by} on {on} and does not have the service "
        "report key yet: share it with --share-report-key '{name}'",
    ):
        report_key.share(store, person, waiting)


def _confirm_supervisors(store: Store, person, named: list[str]) -> None:  # noqa: F821
    """Before the first re-share to a supervisor an admin added: the person's yes, once
    (`--confirm-supervisor NAME`, or asked on a terminal); else say what is waiting."""
    from services import directory

    for waiting in _said_yes(
        directory.waiting_supervisors(store, person),
        named,
        "{name} was added as your supervisor by {by} on {on}: nothing is shared with them "
        "until you confirm it (--confirm-supervisor '{name}')",
    ):
        directory.confirm_supervisor(store, person, waiting)


def _said_yes(waiting: list[dict], named: list[str], not_asked: str) -> list[dict]:
    """Those of `waiting` the person says yes to: named with a flag, or asked on a terminal;
    off a terminal, each one not named is said (`not_asked`, filled from it) and left waiting."""
    from services import directory

    yes = []
    for one in waiting:
        if directory.is_named(one, named):
            yes.append(one)
        elif on_terminal():
            if ask_yes(one["question"]):
                yes.append(one)
        else:
            sys.stderr.write(f"{PROG}: {not_asked.format(**one)}\n")
    return yes


# A setting that protects people can only be made stricter: whatever the store's config.toml
# (which any colleague can edit) says, the screen locks after at most 15 minutes.
MAX_IDLE_LOCK = 900


def checked_idle_lock(value: float) -> float:
    """`--idle-lock` (the app's, and each browser tab's under `serve`)."""
    if not 5 <= value <= MAX_IDLE_LOCK:
        raise CommandError("the idle lock must be between 5 seconds and 15 minutes (900)")
    return float(value)


def idle_lock_seconds(args: argparse.Namespace, data_dir: Path) -> float:
    """The flag's value, else the store's config.toml's (`store.config`: a file or value that
    cannot be used gives the default, and the app says so when it opens the store). The app
    and line mode (`answer`) alike."""
    value = getattr(args, "idle_lock", None)
    if value is not None:
        return checked_idle_lock(value)
    from services import settings

    return settings.idle_lock_seconds(data_dir)
