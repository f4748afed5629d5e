"""People's words in GitHub-flavoured Markdown, quoted as text and never run as Markdown.

Anything a person typed (notes, reflections, comments, agreed actions, names) or a file in
the data folder holds (checklist and reason titles) goes into the Markdown outputs through
here, so that once the file is rendered it is only ever text: no HTML, no link, no heading,
list, table, code or emphasis the person did not get from the template.

- `&`, `<` and `>` become character references (`&amp;` `&lt;` `&gt;`): no raw HTML, no
  `<https://…>` autolink, no blockquote.
- The inline punctuation that starts emphasis, code, links or table cells (\\ ` * _ [ ] |)
  gets a backslash; `~` (strikethrough) a character reference.
- A word that would start a heading or a list at the start of a line (`#`, `+`, `-`, `=`,
  `1.`, `1)`) has its first mark escaped wherever folding puts it there (`fold`).
- Addresses are not linked: in a word that looks like a web address or an e-mail address
  (`https://…`, `www.…`, `name@host.uk`, `nhs.uk`) the `:`, `.` and `@` become character
  references, which the GitHub-flavoured renderers and markdown-it's linkify pass over. The
  address still reads as typed once rendered.
- Line breaks are kept as hard breaks (two spaces at the end of the line), which both
  CommonMark and python-markdown honour; long lines are folded only at spaces, so an escape
  is never cut in two.

Rendered, the words read exactly as typed (`tests/test_markdown_safety.py` renders them with
python-markdown and markdown-it-py and checks).
"""

from __future__ import annotations

import re

from .text import wrap

HARD_BREAK = "  "

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE = {c: "\\" + c for c in "\\`*_[]|"}
_INLINE["~"] = "&#126;"
_CHARS = {**_HTML, **_INLINE}
_BLOCK_START = {"#": "\\#", "+": "\\+", "-": "\\-", "=": "&#61;"}
_ORDERED = re.compile(r"^(\d{1,9})([.)])$")
# A web or e-mail address, or a bare domain whose last part is letters: `nhs.uk`,
# `www.evil.example`, `https://x`, `javascript:alert(1)` (any scheme before `:`), `a@b.uk`.
_SCHEME = re.compile(r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*:\S")
_DOMAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_ADDRESS_MARKS = {":": "&#58;", ".": "&#46;", "@": "&#64;"}


def _looks_like_address(word: str) -> bool:
    bare = word.strip("()<>[]\"'“”‘’,;!?")
    if "@" in bare or "://" in bare or bare.lower().startswith("www."):
        return True
    if _SCHEME.search(bare):
        return True  # javascript:alert(1), mailto:x, data:…
    return bool(_DOMAIN.search(bare))


def _word(word: str) -> str:
    """One word (no spaces in it), its inline marks escaped."""
    address = _looks_like_address(word)
    out = []
    for char in word:
        if char in _CHARS:
            out.append(_CHARS[char])
        elif address and char in _ADDRESS_MARKS:
            out.append(_ADDRESS_MARKS[char])
        else:
            out.append(char)
    return "".join(out)


def md(value: object) -> str:
    """A piece of text for the middle of a line (a name, a title, a table cell), escaped.

    Line breaks become spaces: use `md_lines` where the person's lines should be kept. A
    line of the file that starts with such text must go through `fold`, which escapes a
    mark that would start a block there."""
    text = " ".join(str("" if value is None else value).splitlines())
    return re.sub(r"\S+", lambda m: _word(m.group(0)), text)


def _line_start(body: str) -> str:
    """A line's words: a mark at its start that would start a heading or a list is escaped."""
    word, space, rest = body.partition(" ")
    if word[:1] in _BLOCK_START:
        word = _BLOCK_START[word[0]] + word[1:]
    ordered = _ORDERED.match(word)
    if ordered:
        word = ordered.group(1) + "\\" + ordered.group(2)
    return word + space + rest


def fold(text: str, width: int, prefix: str = "", first: str | None = None) -> list[str]:
    """Escaped text (or the template's own words) folded at spaces only, so an escape is
    never cut in two; the word that starts each line cannot start a block."""
    lead = prefix if first is None else first
    if not text.strip():
        return [lead.rstrip()]
    folded = wrap(" ".join(text.splitlines()), width, prefix, first, break_long_words=False)
    lines = []
    for index, line in enumerate(folded):
        head = lead if index == 0 else prefix
        body = line[len(head) :]
        lines.append(head + _line_start(body) if body else line)
    return lines


def _indent(line: str) -> tuple[str, str]:
    """(leading spaces and tabs as character references, the rest): never a code block."""
    rest = line.lstrip(" \t")
    lead = line[: len(line) - len(rest)]
    return lead.replace(" ", "&#32;").replace("\t", "&#9;"), rest


def md_lines(words: object, width: int, prefix: str = "", first: str | None = None) -> list[str]:
    """The person's words, escaped, folded at spaces to `width`, each of their own line breaks
    kept as a hard break; blank lines stay (as the prefix alone), so paragraphs stay."""
    raw_lines = str("" if words is None else words).splitlines() or [""]
    lines: list[str] = []
    for number, raw in enumerate(raw_lines):
        if not raw.strip():
            lines.append(prefix.rstrip() if lines else (first or prefix).rstrip())
            continue
        spaces, rest = _indent(raw)
        folded = fold(spaces + md(rest), width, prefix, first if not lines else prefix)
        following = raw_lines[number + 1] if number + 1 < len(raw_lines) else ""
        if following.strip():
            folded[-1] += HARD_BREAK
        lines.extend(folded)
    return lines
