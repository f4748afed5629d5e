"""A command that reads the store refuses a store folder that is not there: one line, a
non-zero exit, and nothing created (issue 12; PRODUCT.md: "A command that only reads never
creates a store folder"). Every subcommand the parser has is checked, so a new one is too,
unless it is named below as one that may set up a store or needs none.

All people and text are synthetic.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from cli.main import build_parser
from tests.helpers import one_line_error, run_cli

# Commands that work without a store, or that may set one up (the first person, a demo).
NO_STORE_NEEDED = {
    ("checklists", "validate"),
    ("checklists", "list"),
    ("checklists", "show"),
    ("checklists", "reasons"),
    ("check-text",),
}
MAY_SET_UP_A_STORE = {("users", "add"), ("demo",), ("import",)}
# Values for the options and arguments a command requires.
VALUES = {
    "user": "Alex Reid",
    "of": "Jo Patel",
    "role": "practitioner",
    "text": "Let's talk about this",
}


def subcommands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """(words, parser) for every leaf subcommand."""
    for action in parser._actions:  # noqa: SLF001 - argparse keeps no public list
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for name, sub in action.choices.items():
                yield from subcommands(sub, (*prefix, name))
            return
    yield prefix, parser


COMMANDS = {words: parser for words, parser in subcommands(build_parser())}
STORE_READERS = sorted(set(COMMANDS) - NO_STORE_NEEDED - MAY_SET_UP_A_STORE)


def arguments(parser: argparse.ArgumentParser, files: dict[str, Path]) -> list[str]:
    """The command's required arguments and options, filled in."""
    argv: list[str] = []
    for action in parser._actions:  # noqa: SLF001
        if action.option_strings:
            if not action.required:
                continue
            flag = action.option_strings[-1]
            argv += [flag, str(files.get(action.dest, VALUES.get(action.dest, "x")))]
        elif action.dest != "help":
            argv.append(str(files.get(action.dest, VALUES.get(action.dest, "x"))))
    return argv


@pytest.fixture
def files(tmp_path: Path, passphrase_file: Path, store, alex) -> dict[str, Path]:
    """Real files for the options that read one; a real bundle for `import` (it is checked
    whole before the store is opened)."""
    from tests.helpers import run_cli as run

    notes = tmp_path / "notes.txt"
    notes.write_text("We talked about the quiet room.\n", encoding="utf-8")
    bundle = tmp_path / "records.ssb"
    made = run(
        "export",
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(passphrase_file),
        "--out",
        str(bundle),
        data_dir=store.data_dir,
    )
    assert made.returncode == 0, made.stderr
    return {
        "passphrase_file": passphrase_file,
        "new_passphrase_file": passphrase_file,
        "notes_file": notes,
        "out": tmp_path / "elsewhere" / "out",
        "file": bundle,
    }


def test_every_command_is_sorted_into_one_kind() -> None:
    assert NO_STORE_NEEDED | MAY_SET_UP_A_STORE <= set(COMMANDS)
    assert len(STORE_READERS) >= 15


@pytest.mark.parametrize(
    "words", [*STORE_READERS, ("import", "--dry-run")], ids=lambda words: " ".join(words)
)
def test_a_store_folder_that_is_not_there_is_refused_and_nothing_is_made(
    tmp_path: Path, files: dict[str, Path], words: tuple[str, ...]
) -> None:
    missing = tmp_path / "mistyped" / "store"
    command = tuple(w for w in words if not w.startswith("--"))
    flags = [w for w in words if w.startswith("--")]
    argv = [*command, *arguments(COMMANDS[command], files), *flags]
    if "--passphrase-file" not in argv and any(
        a.dest == "passphrase_file"
        for a in COMMANDS[command]._actions  # noqa: SLF001
    ):
        argv += ["--passphrase-file", str(files["passphrase_file"])]
    result = run_cli(*argv, data_dir=missing)
    line = one_line_error(result)
    assert "there is no store at" in line and str(missing) in line, line
    assert not missing.parent.exists()
    assert not (tmp_path / "elsewhere").exists()
