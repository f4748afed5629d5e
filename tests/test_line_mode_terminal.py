"""Line mode in a real terminal (issue 17): the INSTALLED `stepping-stones answer` under a
pseudo-terminal (pexpect), fed only lines of text, answers a whole checklist with reasons, a
note and a reflection; the store is then read through `sessions list --json`.

pexpect is part of the test extra; when it is missing this file fails to import (it is never
skipped). The terminal asks for colour (TERM=xterm-256color, FORCE_COLOR=1): every byte the
command writes must still be plain text and line ends.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pexpect

from tests.helpers import COMMAND, DATA_DIR_ENV, PASSPHRASE, run_installed

ANSWER = (
    "Answer 1 Done, 2 Partly, 3 Not done, 4 Not applicable, w why, n note, b back, q stop for now: "
)
TIMEOUT = 30


def test_a_whole_checklist_answered_in_a_real_terminal_with_lines_of_text(
    store, alex, data_dir: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    assert Path(COMMAND).exists(), f"the stepping-stones command is not installed ({COMMAND})"
    env = {k: v for k, v in os.environ.items() if k not in (DATA_DIR_ENV, "NO_COLOR")}
    env.update(TERM="xterm-256color", FORCE_COLOR="1", COLUMNS="80", LINES="24")
    log = tmp_path / "terminal.log"
    with log.open("wb") as record:
        child = pexpect.spawn(
            COMMAND,
            ["answer", "--data-dir", str(data_dir)],
            env=env,
            timeout=TIMEOUT,
            dimensions=(24, 80),
        )
        child.logfile_read = record
        child.expect_exact("Name: ")
        child.sendline("Alex Reid")
        child.expect_exact("Passphrase: ")
        child.sendline(PASSPHRASE)  # getpass: not echoed
        child.expect_exact("Checklist number: ")
        child.sendline("1")
        items = 0
        reflections = 0
        while True:
            found = child.expect(
                [
                    re.escape(ANSWER),
                    re.escape("Reasons (e.g. 1,4; empty for none): "),
                    r"[Nn]umber \(empty for [^)]*\): ",
                    re.escape("Case reference (optional") + r"[^\n]*: ",
                    re.escape("Your answer (empty to skip): "),
                    re.escape("Take this contact to supervision? y/N: "),
                    re.escape("Note line 1 (empty to end): "),
                ]
            )
            if found == 0:
                items += 1
                # The first item Partly (with reasons); a note on the second, then Done.
                if items == 1:
                    child.sendline("2")
                elif items == 2:
                    child.sendline("n")
                else:
                    child.sendline("1")
            elif found == 1:
                child.sendline("1,3")
            elif found in (2, 3):
                child.sendline("")  # each setup question's default
            elif found == 4:
                reflections += 1
                child.sendline("It went well; I kept the visit calm." if reflections == 1 else "")
            elif found == 5:
                child.sendline("y")
                break
            elif found == 6:
                child.sendline("Planned the next visit together.")
                child.expect_exact("Note line 2 (empty to end): ")
                child.sendline("")
                child.expect_exact("Note saved.")
                child.expect_exact(ANSWER)
                child.sendline("1")
        child.expect_exact("Finished and saved.")
        child.expect(pexpect.EOF)
        child.close()
    assert child.exitstatus == 0
    assert items >= 3 and reflections >= 1

    written = log.read_bytes().decode("utf-8")
    assert PASSPHRASE not in written  # never echoed
    # A terminal turns each line end into CR LF (and echoes what was typed); past that,
    # nothing but printable text: no escape sequence, no other control character.
    text = written.replace("\r\n", "\n")
    odd = [hex(ord(ch)) for ch in text if ch != "\n" and unicodedata.category(ch).startswith("C")]
    assert odd == []
    assert "\x1b" not in written

    listed = run_installed(
        "sessions", "list", "--user", "Alex Reid", "--passphrase-file", str(passphrase_file),
        "--json", data_dir=data_dir,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    [done] = json.loads(listed.stdout)
    assert done["status"] == "complete" and done["flagged"] is True
    answers = list(done["answers"].values())
    assert answers[0]["response"] == "partly" and len(answers[0]["reasons"]) == 2
    assert answers[1]["note"] == "Planned the next visit together."
    assert all(a["response"] == "done" for a in answers[1:])
    assert "It went well; I kept the visit calm." in done["reflection"].values()
