"""--out, on every command that has it: the file is written beside the place and renamed over
it, so only an ordinary file may be replaced (a device, a pipe, or a link to one is refused,
and stays as it was), and a folder that is not there is said, never quietly made. Writing over
an ordinary file stays allowed; writing inside the store folder stays refused (test_cli.py,
test_service_report.py).

All people and text are synthetic.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.helpers import one_line_error, run_cli
from tests.test_cli_store_folder import COMMANDS

# Every command with --out, and whether it writes one file or a folder of them.
OUT_COMMANDS = {
    ("summary",): "file",
    ("report",): "file",
    ("export",): "file",
    ("export-csv",): "file",
    ("fhir", "export"): "folder",
}


def test_every_command_with_out_is_checked_here() -> None:
    with_out = {
        words
        for words, parser in COMMANDS.items()
        if any("--out" in action.option_strings for action in parser._actions)  # noqa: SLF001
    }
    assert with_out == set(OUT_COMMANDS)


def out_to(words, store, passphrase_file, where: Path):
    return run_cli(
        *words,
        "--user",
        "Alex Reid",
        "--passphrase-file",
        str(passphrase_file),
        "--out",
        str(where),
        data_dir=store.data_dir,
    )


@pytest.mark.parametrize("words", list(OUT_COMMANDS), ids=" ".join)
def test_a_named_pipe_is_refused_and_left_as_it_was(words, store, alex, passphrase_file, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    link = tmp_path / "link-to-pipe"
    link.symlink_to(pipe)
    for where in (pipe, link):
        line = one_line_error(out_to(words, store, passphrase_file, where))
        if OUT_COMMANDS[words] == "file":
            assert line == (
                f"stepping-stones: {where} is a named pipe, not an ordinary file: give the name "
                "of a file to write"
            )
        else:
            assert "is a file, not a folder" in line
        assert stat.S_ISFIFO(pipe.stat().st_mode) and link.is_symlink()


@pytest.mark.parametrize(
    "words", [w for w, kind in OUT_COMMANDS.items() if kind == "file"], ids=" ".join
)
def test_a_link_to_a_device_is_refused_and_left_as_it_was(
    words, store, alex, passphrase_file, tmp_path
):
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    line = one_line_error(out_to(words, store, passphrase_file, link))
    assert line.endswith(
        f"{link} is a device, not an ordinary file: give the name of a file to write"
    )
    assert link.is_symlink() and stat.S_ISCHR(Path(os.devnull).stat().st_mode)


@pytest.mark.parametrize("words", list(OUT_COMMANDS), ids=" ".join)
def test_a_folder_that_is_not_there_is_said_not_made(words, store, alex, passphrase_file, tmp_path):
    folder = tmp_path / "nope-dir"
    line = one_line_error(out_to(words, store, passphrase_file, folder / "x"))
    assert (
        line
        == f"stepping-stones: The folder {folder} does not exist: make it first, or choose another"
    )
    assert not folder.exists()


@pytest.mark.parametrize("words", [("summary",), ("export",), ("export-csv",)], ids=" ".join)
def test_an_ordinary_file_is_still_replaced(words, store, alex, passphrase_file, tmp_path):
    old = tmp_path / "old.txt"
    old.write_text("yesterday's\n")
    result = out_to(words, store, passphrase_file, old)
    assert result.returncode == 0, result.stderr
    assert old.is_file() and old.read_bytes() != b"yesterday's\n"


def test_the_fhir_folder_itself_is_still_made(store, alex, passphrase_file, tmp_path) -> None:
    result = out_to(("fhir", "export"), store, passphrase_file, tmp_path / "fhir")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fhir" / "bundle.json").is_file()
