"""End to end, in a real 80x24 terminal: a black-and-white terminal (`TERM=xterm-mono`) gets the
screen `NO_COLOR=1` gives, greys only, and a colour terminal keeps its colours (issue 12: "no
colour-only state"). tmux records the colours the app drew; `capture-pane -e` reads them back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .app import (
    ALEX,
    TmuxStore,
    quit_app,
    sign_in,
    start_app,
    start_new_checklist,
    tmux_group,
    wait_for_home,
)
from .terminal import Terminal

pytestmark = [pytest.mark.e2e, tmux_group]

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
# Black, white and their bright forms, as 16-colour and 256-colour numbers.
GREY_16 = {30, 37, 90, 97, 40, 47, 100, 107}
GREY_256 = {0, 7, 8, 15, 16, 231, *range(232, 256)}


def colours(screen: str) -> set[str]:
    """Every colour the escape sequences in `screen` set, as written ("34", "38;5;17"...)."""
    found: set[str] = set()
    for match in SGR.finditer(screen):
        params = [int(p) if p else 0 for p in re.split("[;:]", match.group(1))]
        at = 0
        while at < len(params):
            code = params[at]
            if code in (38, 48) and at + 1 < len(params):
                width = 3 if params[at + 1] == 5 else 5
                found.add(";".join(map(str, params[at : at + width])))
                at += width
                continue
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                found.add(str(code))
            at += 1
    return found


def is_grey(colour: str) -> bool:
    parts = [int(p) for p in colour.split(";")]
    if len(parts) == 1:
        return parts[0] in GREY_16
    if parts[1] == 5:
        return parts[2] in GREY_256
    red, green, blue = parts[2:5]
    return red == green == blue


def test_the_colour_check_sees_colours() -> None:
    screen = "\x1b[38;5;17mx\x1b[97;46my\x1b[38;2;9;9;9m\x1b[48;2;1;2;3;1mz\x1b[0m"
    assert colours(screen) == {"38;5;17", "97", "46", "38;2;9;9;9", "48;2;1;2;3"}
    assert {c for c in colours(screen) if not is_grey(c)} == {"38;5;17", "46", "48;2;1;2;3"}


@pytest.mark.parametrize(
    ("term_name", "greys_only"), [("xterm-mono", True), ("xterm-256color", False)]
)
def test_a_black_and_white_terminal_gets_greys_only(
    e2e_store: TmuxStore, tmp_path: Path, term_name: str, greys_only: bool
) -> None:
    term = Terminal(tmp_path, {"TERM": term_name})
    try:
        start_app(term, e2e_store.data_dir)
        sign_in(term, e2e_store.account(ALEX))
        wait_for_home(term)
        seen = colours(term.screen_with_attributes())
        start_new_checklist(term)
        term.send("1")
        term.wait_for("Item 2 of")
        seen |= colours(term.screen_with_attributes())
        assert seen, "the capture shows no colours at all: the check would prove nothing"
        not_grey = sorted(c for c in seen if not is_grey(c))
        if greys_only:
            assert not_grey == [], f"{term_name} got colours: {not_grey}"
        else:
            assert not_grey, f"{term_name} lost its colours"
        quit_app(term)
    finally:
        term.close()
