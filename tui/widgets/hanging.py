"""Text in two columns, a key then what it does, where a long line wraps under its words.

    ctrl+l        lock the screen now (it also locks itself when
                  left idle)

A line is an entry when its first `indent` columns are a key column: two spaces, the key,
then spaces up to the column where the words start. A line that starts with `indent`
spaces carries on the entry above it. Every other line wraps as usual.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.widgets import Static

KEY_COLUMN = 16


def _is_entry(plain: str, indent: int) -> bool:
    if len(plain) <= indent or not plain.startswith("  ") or plain[2] == " ":
        return False
    key, rest = plain[2:indent], plain[indent:]
    if rest[0] == " " or key[-1] != " ":
        return False
    # A key is one word ("tab/shift+tab") or words with a gap of two spaces after them.
    return key.endswith("  ") or " " not in key.strip()


class Hanging:
    """A Rich renderable that wraps each entry's words with a hanging indent."""

    def __init__(self, text: Text, indent: int = KEY_COLUMN) -> None:
        self.indent = indent
        self.lines: list[tuple[bool, Text]] = []
        for line in text.split("\n", allow_blank=True):
            plain = line.plain
            entry = _is_entry(plain, indent)
            if (
                not entry
                and plain.startswith(" " * indent)
                and plain.strip()
                and self.lines
                and self.lines[-1][0]
            ):
                # The rest of the entry above: joined, then wrapped to the width there is.
                self.lines[-1][1].append_text(Text(" ") + line[len(plain) - len(plain.lstrip()) :])
                continue
            self.lines.append((entry, line.copy()))

    def __str__(self) -> str:
        return "\n".join(line.plain for _entry, line in self.lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        out: list[Text] = []
        for entry, line in self.lines:
            if entry and width > self.indent + 12:
                key, words = line[: self.indent], line[self.indent :]
                for number, part in enumerate(words.wrap(console, width - self.indent)):
                    part.rstrip()
                    out.append((key if number == 0 else Text(" " * self.indent)) + part)
            else:
                out.extend(part for part in line.wrap(console, width) or [Text("")])
        result = Text("\n").join(out)
        result.no_wrap = True
        yield result


class HangingText(Static):
    """A `Static` that shows markup as `Hanging` text (what `str()` of its render gives is the
    text unwrapped, as written)."""

    def __init__(self, markup: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self._hanging = Hanging(Text.from_markup(markup))

    def render(self) -> Hanging:
        return self._hanging
