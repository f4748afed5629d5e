"""`stepping-stones answer`: a checklist answered line by line (cli/line_mode/)."""

from __future__ import annotations

import argparse
import sys
import textwrap

from .common import idle_lock_seconds, open_store, read_passphrase, wrote

DESCRIPTION = """\
Answer a checklist as a plain conversation of lines, for screen readers (NVDA, JAWS, Orca,
VoiceOver) and slow links. Each question is whole lines of text, then a prompt ending in
": ". Nothing else is ever written: no colour, no cursor movement, no redrawing, in any
terminal.

Sign in (Name, Passphrase), choose a checklist by its number, answer the few setup
questions (an empty line takes the default), then each item:
  1 Done, 2 Partly, 3 Not done, 4 Not applicable,
  w why it matters, n add a note, b back to the item before, q stop for now.
Partly and Not done ask what got in the way: type the reasons' numbers, like 1,4, or an
empty line for none. When the item already has reasons, an empty line keeps them and none
takes them off. A note is typed line by line and ends with an empty line. Then the
reflection (an empty line skips a question), whether to take the contact to supervision,
and a short summary.

Every answer is saved before the next question. q, or the end of input, keeps the
unfinished checklist: carry on with --resume or in the app. After the idle time (as in the
app), your passphrase is asked again before your next answer counts."""


class ParagraphsFormatter(argparse.HelpFormatter):
    """The description wrapped to the terminal's width, as argparse wraps the other
    commands' help, keeping its paragraphs and each indented line (the keys) on a line of
    its own; never a word split."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        def fill(words: str, first: str, rest: str) -> list[str]:
            return textwrap.wrap(
                words,
                width,
                initial_indent=first,
                subsequent_indent=rest,
                break_long_words=False,
                break_on_hyphens=False,
            )

        paragraphs = []
        for paragraph in text.split("\n\n"):
            lines: list[str] = []
            run: list[str] = []  # lines of running text, joined before wrapping
            for line in [*paragraph.splitlines(), ""]:
                if line.startswith(" ") or not line:
                    lines += fill(" ".join(run), indent, indent)
                    run = []
                    if line:
                        lead = indent + " " * (len(line) - len(line.lstrip()))
                        lines += fill(line.strip(), lead, lead + "  ")
                else:
                    run.append(line.strip())
            paragraphs.append("\n".join(lines))
        return "\n\n".join(paragraphs)


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "answer",
        parents=[common],
        help="answer a checklist line by line (for screen readers and slow links)",
        description=DESCRIPTION,
        formatter_class=ParagraphsFormatter,
        # Python 3.14 colours help when FORCE_COLOR says so: never here.
        **({"color": False} if sys.version_info >= (3, 14) else {}),
    )
    parser.add_argument("--user", metavar="NAME", help="who is answering (else: asked, Name)")
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the passphrase from the first line of FILE (else: asked, without echo on "
        "a terminal)",
    )
    parser.add_argument(
        "--checklist", metavar="ID", help="start this checklist (see `checklists list`)"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="carry on with an unfinished checklist (with several, you choose one by number)",
    )


def cmd_answer(args: argparse.Namespace) -> int:
    from .line_mode.answering import LineMode
    from .line_mode.conversation import Conversation

    store = open_store(args)
    talk = Conversation(idle=idle_lock_seconds(args, store.data_dir))
    passphrase = read_passphrase(args.passphrase_file) if args.passphrase_file else None
    wrote(store.data_dir)
    code = LineMode(store, talk).run(args.user, passphrase, args.checklist, args.resume)
    sys.stdout.flush()
    return code


COMMANDS = {"answer": cmd_answer}
