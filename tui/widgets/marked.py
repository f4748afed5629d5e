"""Lists and tick boxes that say where you are and what is ticked in characters, not only in
colour: the highlighted row of a list starts with `▶`, a tick box reads `[x]` or `[ ]`.

So a screen without colour (NO_COLOR, TERM=xterm-mono, a screen reader reading the text)
still shows which row `enter` will open and which actions are ticked.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, DataTable, OptionList, SelectionList
from textual.widgets.selection_list import SelectionType

MARK = "▶"
TICKED, UNTICKED = "[x]", "[ ]"


def marked(strip: Strip, mark: str = MARK) -> Strip:
    """`strip` with its first cell (a row's left padding, always blank) drawn as `mark`."""
    if strip.cell_length < 2:
        return strip
    style = next(iter(strip)).style
    return Strip([Segment(mark, style), *strip.crop(1, strip.cell_length)], strip.cell_length)


class MarkedTable(DataTable):
    """A table whose cursor row starts with ▶ (rows are one line high)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        header = self.header_height if self.show_header else 0
        if self.cursor_type != "row" or not self.show_cursor or y < header or not self.row_count:
            return strip
        if y - header + self.scroll_offset.y == self.cursor_row:
            return marked(strip)
        return strip


class _Marks:
    """Which option a line of an option list belongs to, and a gutter for the mark."""

    GUTTER = 2  # "▶ "

    def _option_at(self: OptionList, y: int) -> tuple[int, int] | None:  # type: ignore[misc]
        try:
            return self._lines[self.scroll_offset.y + y]  # noqa: SLF001 (Textual's line map)
        except IndexError:
            return None

    def _get_left_gutter_width(self) -> int:
        # Textual's hook for the room before each option (SelectionList's tick box).
        return self.GUTTER


class MarkedOptionList(_Marks, OptionList):
    """An option list whose highlighted option starts with ▶."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        at = self._option_at(y)
        if at is None or not strip.cell_length:
            return strip
        mark = MARK if at == (self.highlighted, 0) else " "
        style = next(iter(strip)).style
        return Strip([Segment(f"{mark} ", style), *strip], strip.cell_length + 2)


class TickList(_Marks, SelectionList[SelectionType]):
    """A selection list drawn `[x]`/`[ ]`, its highlighted option starting with ▶."""

    GUTTER = 5  # "▶[x] "

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)  # Textual's coloured button, a gap, the prompt
        at = self._option_at(y)
        if at is None or strip.cell_length < 4:
            return strip
        index, line = at
        style = next(iter(strip.crop(3, 4))).style  # the prompt's own, under the gap
        box = "   "
        if line == 0:
            ticked = self.get_option_at_index(index).value in self.selected
            box = TICKED if ticked else UNTICKED
        mark = MARK if (index, line) == (self.highlighted, 0) else " "
        rest = strip.crop(4, strip.cell_length)
        return Strip([Segment(f"{mark}{box} ", style), *rest], strip.cell_length + 1)


class TickBox(Checkbox):
    """A checkbox that reads `[x]` or `[ ]`."""

    @property
    def _button(self) -> Content:
        return Content.styled(
            TICKED if self.value else UNTICKED, self.get_visual_style("toggle--button")
        )
