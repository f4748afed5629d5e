"""What the command line is given as text must be UTF-8: a value that is not (Python gives its
bytes as lone surrogates) is refused once, as the command line is read, in one line naming the
option, never a traceback from deep in the store (sealing, the lockout file). A passphrase
file, a notes file and standard input are text too. A file NAME is only a path: any bytes the
system allows are fine there, and printing one never fails.

All people and text are synthetic.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
from pathlib import Path

import pytest

from cli.common import MAX_PASSPHRASE, PATH_METAVARS, text_value
from cli.main import build_parser, main
from tests.helpers import one_line_error, run_cli
from tests.test_cli_store_folder import subcommands

NOT_UTF8 = "\udcff"  # how Python gives the byte 0xff of a command line that is not UTF-8
COMMANDS = dict(subcommands(build_parser()))
# Values for the options and arguments a command requires (all valid).
VALUES = {"role": "practitioner", "of": "Jo Patel", "notes_file": "notes.txt"}


def name_of(action: argparse.Action) -> str:
    return action.option_strings[-1] if action.option_strings else action.metavar


def arguments(parser: argparse.ArgumentParser, given: argparse.Action, value: str) -> list[str]:
    """The command's required arguments filled in, and `value` for `given`, in its place."""
    argv: list[str] = []
    for action in parser._actions:  # noqa: SLF001 - argparse keeps no public list
        if action.dest == "help":
            continue
        if action.option_strings:
            if action is given:
                argv += [action.option_strings[-1], value]
            elif action.required:
                argv += [action.option_strings[-1], VALUES.get(action.dest, "Alex Reid")]
        elif action is given:
            argv.append(value)
        elif action.nargs not in ("?", "*"):
            argv.append(VALUES.get(action.dest, "x"))
    return argv


TEXT_OPTIONS = [
    (words, action)
    for words, parser in COMMANDS.items()
    for action in parser._actions  # noqa: SLF001
    if action.type is text_value
]


def test_every_option_that_takes_words_is_text_or_a_path() -> None:
    """Each option or argument that keeps what it is given as it is (no int, no float) is
    checked as text, unless its metavar says it names a file or folder."""
    for words, parser in COMMANDS.items():
        for action in parser._actions:  # noqa: SLF001
            if not isinstance(action, (argparse._StoreAction, argparse._AppendAction)):  # noqa: SLF001
                continue
            if action.metavar in PATH_METAVARS:
                assert action.type is None, (words, name_of(action))
            elif action.dest != "data_dir":  # the shared --data-dir is a PATH
                assert action.type in (text_value, int, float), (words, name_of(action))
    named = {(" ".join(words), name_of(action)) for words, action in TEXT_OPTIONS}
    # The ones the reviewers met, among all the others.
    assert {
        ("sessions list", "--user"),
        ("users passphrase", "--user"),
        ("users add", "NAME"),
        ("supervision comment", "--text"),
        ("supervision record", "--action"),
        ("answer", "--user"),
    } <= named


@pytest.mark.parametrize(
    ("words", "action"),
    TEXT_OPTIONS,
    ids=[f"{' '.join(words)} {name_of(action)}" for words, action in TEXT_OPTIONS],
)
def test_text_that_is_not_utf8_is_refused_in_one_line_naming_it(
    words, action, tmp_path: Path
) -> None:
    argv = arguments(COMMANDS[words], action, f"Jam{NOT_UTF8}ie")
    result = run_cli(*words, *argv, data_dir=tmp_path / "store")
    line = one_line_error(result)
    assert line == (
        f"stepping-stones: {name_of(action)} contains bytes that are not UTF-8 text; type it again"
    )
    assert not (tmp_path / "store").exists()


def test_the_reviewers_commands_stop_before_the_store_is_touched(store, alex, passphrase_file):
    before = sorted(p.name for p in store.data_dir.rglob("*"))
    for argv in (
        ("sessions", "list", "--user", f"Jam{NOT_UTF8}ie"),
        ("users", "passphrase", "--user", f"Jam{NOT_UTF8}ie"),
        ("supervision", "comment", "some-id", "--user", "Alex Reid", "--text", f"hi {NOT_UTF8}"),
    ):
        result = run_cli(*argv, "--passphrase-file", str(passphrase_file), data_dir=store.data_dir)
        assert "not UTF-8 text" in one_line_error(result)
    assert sorted(p.name for p in store.data_dir.rglob("*")) == before


def test_a_passphrase_file_that_is_not_utf8_is_refused_in_one_line(store, alex, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe bad\n")
    result = run_cli(
        "sessions",
        "list",
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(bad),
        data_dir=store.data_dir,
    )
    assert one_line_error(result) == (
        f"stepping-stones: {bad} contains bytes that are not UTF-8 text: save it as UTF-8 and "
        "try again"
    )


def test_a_notes_file_and_standard_input_that_are_not_utf8_are_refused(team, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"We talked about \xe9\n")
    acting = ("--user", "Sam Supervisor", "--passphrase-file", str(tmp_path / "pf"))
    (tmp_path / "pf").write_text("correct horse battery\n")
    result = run_cli(
        "supervision",
        "record",
        "--of",
        "Jo Patel",
        "--notes-file",
        str(notes),
        *acting,
        data_dir=team.store.data_dir,
    )
    assert "contains bytes that are not UTF-8 text" in one_line_error(result)
    # Standard input read in the C locale keeps the byte as a surrogate; refused alike.
    result = run_cli("check-text", "-", stdin=f"caf{NOT_UTF8}\n")
    assert one_line_error(result) == (
        "stepping-stones: standard input contains bytes that are not UTF-8 text: give UTF-8 text"
    )


def test_a_file_name_that_is_not_utf8_is_a_path_and_prints(store, alex, passphrase_file, tmp_path):
    """--out names a file: bytes that are not UTF-8 are a valid name, so it is written, and
    saying where never fails, even on a standard output that refuses surrogates (a UTF-8
    locale's)."""
    where = tmp_path / os.fsdecode(b"caf\xe9.csv")
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8", errors="strict")
    argv = ["export-csv", "--user", "Alex Reid", "--passphrase-file", str(passphrase_file)]
    argv += ["--out", str(where), "--data-dir", str(store.data_dir)]
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
        stdout.flush()
    assert code == 0
    assert os.path.exists(os.fsencode(where))
    assert "caf\\udce9.csv" in raw.getvalue().decode("utf-8")


def test_a_passphrase_file_with_a_line_too_long_is_refused(store, alex, tmp_path) -> None:
    long = tmp_path / "long.txt"
    long.write_text("a" * (MAX_PASSPHRASE + 1) + "\n")
    result = run_cli(
        "users", "list", "--user", "Alex Reid", "--passphrase-file", str(long),
        data_dir=store.data_dir,
    )  # fmt: skip
    assert one_line_error(result) == (
        f"stepping-stones: the first line of {long} is too long for a passphrase (at most "
        f"{MAX_PASSPHRASE} characters)"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_passphrase_file_that_never_ends_is_refused_at_once(store, alex) -> None:
    """/dev/zero has an endless first line: only a passphrase's worth of it is read."""
    result = run_cli(
        "users", "list", "--user", "Alex Reid", "--passphrase-file", "/dev/zero",
        data_dir=store.data_dir,
    )  # fmt: skip
    assert "too long for a passphrase" in one_line_error(result)
