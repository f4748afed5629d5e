"""Plain lines in and out, for screen readers and any terminal.

Everything written goes through `say` or a prompt, and is made plain first (`plain`): no
escape sequences and no control characters but the line end, whatever the text came from (a
checklist file anyone can edit, a typed note) and whatever TERM, NO_COLOR or FORCE_COLOR say.
Lines are read with `readline` (never the readline library); a passphrase is read with
`getpass` on a terminal, and as a plain line, never written back, when input is not one.

The idle lock: an answer that comes after the idle time is held until the passphrase is given
again (`on_idle`), so nobody passing a shared terminal can answer for the person, and nothing
the person typed is dropped.
"""

from __future__ import annotations

import getpass
import sys
import time
import unicodedata
from collections.abc import Callable
from typing import TextIO

# Unicode categories never written: controls (ESC, CR, BEL…), format characters (bidi
# overrides, zero-width joiners), surrogates, private use and unassigned code points.
HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def now() -> float:
    """The idle lock's clock (tests put a clock of their own here, or pass one in)."""
    return time.monotonic()


def readable(text: str) -> bool:
    """Whether `text` is real text: no lone surrogates standing in for undecodable bytes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class EndOfInput(Exception):
    """Standard input ended: save what there is and stop cleanly."""


def plain(text: object) -> str:
    """`text` with line ends kept and every other control or format character taken out (a tab
    and a line or paragraph separator become a space)."""
    out = []
    for ch in str(text).replace("\r\n", "\n"):
        if ch == "\n":
            out.append(ch)
        elif ch in "\t\u2028\u2029":
            out.append(" ")
        elif unicodedata.category(ch) not in HIDDEN:
            out.append(ch)
    return "".join(out)


class Conversation:
    """One person's side of the terminal: `say` lines, `ask` a question, `secret` a passphrase.

    `clock` and `idle` decide the idle lock; `on_idle` (set once someone has signed in) is
    called with the seconds waited when an answer came after the idle time, before the answer
    is handed back. `tty`: whether input is a terminal (None: ask stdin)."""

    def __init__(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        *,
        clock: Callable[[], float] | None = None,
        idle: float | None = None,
        tty: bool | None = None,
    ) -> None:
        self.stdin = stdin if stdin is not None else sys.stdin
        reconfigure = getattr(self.stdin, "reconfigure", None)
        if callable(reconfigure):
            # Bytes that are not UTF-8 come in as stand-ins (lone surrogates) rather than
            # ending the command with a traceback; `_read` then asks for the line again.
            reconfigure(errors="surrogateescape")
        self.stdout = stdout if stdout is not None else sys.stdout
        self.clock = clock if clock is not None else now
        self.idle = idle
        self.on_idle: Callable[[float], None] | None = None
        if tty is None:
            try:
                tty = self.stdin.isatty()
            except (AttributeError, ValueError):
                tty = False
        self.tty = tty

    def say(self, *lines: str) -> None:
        for line in lines:
            self.stdout.write(plain(line) + "\n")
        self.stdout.flush()

    def _read(self, prompt: str) -> str:
        while True:
            self.stdout.write(plain(prompt))
            self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                if not self.tty:
                    self.stdout.write("\n")  # the prompt's line ends here, not in the next line
                raise EndOfInput()
            if not self.tty:
                # Nothing echoes piped input: end the prompt's line, without writing what came.
                self.stdout.write("\n")
            if readable(line):
                return line.rstrip("\r\n")
            # Bytes that are not UTF-8 (a terminal set to another encoding) arrive as lone
            # surrogates, which can be neither saved nor sealed: asked again, nothing kept.
            self.say(
                "That line has characters that could not be read as text (the terminal may "
                "not be set to UTF-8). Please type it again."
            )

    def ask(self, prompt: str) -> str:
        """Write `prompt` (it ends in ': ') and read one line; EndOfInput when input ends."""
        shown = self.clock()
        line = self._read(prompt)
        waited = self.clock() - shown
        if self.on_idle is not None and self.idle is not None and waited >= self.idle:
            self.on_idle(waited)  # the passphrase again before the answer counts
        return line

    def secret(self, prompt: str = "Passphrase: ") -> str:
        """A passphrase: without echo on a terminal; a plain line, never written back, else."""
        if self.tty:
            try:
                return getpass.getpass(plain(prompt))
            except EOFError:
                raise EndOfInput() from None
        return self._read(prompt)

    def choose_number(self, prompt: str, count: int, default: int | None = None) -> int:
        """A number from 1 to `count` (an empty line: `default`, when there is one); asks
        again, with one line saying what is expected, until it gets one."""
        while True:
            text = self.ask(prompt).strip()
            if not text and default is not None:
                return default
            if text.isdigit() and 1 <= int(text) <= count:
                return int(text)
            expected = f"Please type a number from 1 to {count}"
            if default is not None:
                expected += f", or an empty line for {default}"
            self.say(expected + ".")

    def yes_no(self, prompt: str, default: bool = False) -> bool:
        """y or n (an empty line: `default`)."""
        while True:
            text = self.ask(prompt).strip().casefold()
            if not text:
                return default
            if text in ("y", "yes"):
                return True
            if text in ("n", "no"):
                return False
            empty = "yes" if default else "no"
            self.say(f"Please type y for yes or n for no (an empty line is {empty}).")
