"""Lists and tick boxes that say where you are and what is ticked in characters, not only in
colour: the highlighted row of a list (a drop-down's too) starts with `▶`, a tick box reads
`[x]` or `[ ]`; a table fits its width, ending a cut cell with "…".

So a screen without colour (NO_COLOR, TERM=xterm-mono, a screen reader reading the text)
still shows which row `enter` will open and which actions are ticked.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, DataTable, OptionList, Select, SelectionList
from textual.widgets._select import SelectCurrent, SelectOverlay  # the drop-down's own parts
from textual.widgets.selection_list import SelectionType

from tui.widgets.on_arrival import ActOnArrival

MARK = "▶"
TICKED, UNTICKED = "[x]", "[ ]"


def marked(strip: Strip, mark: str = MARK) -> Strip:
    """`strip` with its first cell (a row's left padding, always blank) drawn as `mark`."""
    if strip.cell_length < 2:
        return strip
    style = next(iter(strip)).style
    return Strip([Segment(mark, style), *strip.crop(1, strip.cell_length)], strip.cell_length)


MIN_COLUMN = 4  # the narrowest a column is made: three characters and "…"


def fit(wanted: list[int], room: int, keep: Collection[int] = ()) -> list[int]:
    """Column widths that fit `room`: narrow columns keep their width, the widest are made
    equally narrower (never below MIN_COLUMN) until the sum fits. Columns at the indexes in
    `keep` (a date, say) keep their width while the others can give way."""
    if sum(wanted) <= room:
        return list(wanted)
    flexible = [at for at in range(len(wanted)) if at not in keep]
    left = room - sum(wanted[at] for at in keep if at < len(wanted))
    if not flexible or left < MIN_COLUMN * len(flexible):
        flexible, left = list(range(len(wanted))), room
    widths = list(wanted)
    count = len(flexible)
    for at in sorted(flexible, key=wanted.__getitem__):
        if wanted[at] * count > left:
            break
        left, count = left - wanted[at], count - 1
    cut = [at for at in flexible if wanted[at] * max(count, 1) > left] if count else []
    for n, at in enumerate(cut):  # share out what is left, the first ones a cell more
        widths[at] = max(MIN_COLUMN, left // count + (n < left % count))
    return widths


def _cut_with_ellipsis(value: object) -> object:
    """A cell that ends with "…" where the column is too narrow for it (a string is markup to a
    DataTable, so it stays markup here)."""
    if isinstance(value, str):
        value = Text.from_markup(value, end="")
    if isinstance(value, Text):
        value = value.copy()
        value.overflow = "ellipsis"
    return value


class MarkedTable(DataTable):
    """A table whose cursor row starts with ▶ (rows are one line high), that fits its width:
    when the columns are wider than the table, the widest are made narrower and a cut cell
    ends with "…", so nothing is cut without saying so (at 60×20 too)."""

    def __init__(self, *args, keep: Collection[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.keep = keep  # the headings of columns that keep their width while others give way
        self._wanted: dict[object, int | None] = {}  # a fixed width asked for, or None: measure
        self._fitting = False

    def add_column(self, label, *, width=None, key=None, default=None):  # type: ignore[override]
        column_key = super().add_column(
            _cut_with_ellipsis(label), width=width, key=key, default=default
        )
        self._wanted[column_key] = width
        self._fit_soon()
        return column_key

    def add_row(self, *cells, **kwargs):  # type: ignore[override]
        row_key = super().add_row(*(_cut_with_ellipsis(cell) for cell in cells), **kwargs)
        self._fit_soon()
        return row_key

    def update_cell(self, row_key, column_key, value, *, update_width=False) -> None:  # type: ignore[override]
        super().update_cell(
            row_key, column_key, _cut_with_ellipsis(value), update_width=update_width
        )
        self._fit_soon()

    def on_resize(self) -> None:
        self._fit_soon()

    def watch_show_vertical_scrollbar(self) -> None:
        # A scroll bar appearing (more rows than fit) takes two columns from the width the
        # columns were fitted to, and the table is not resized: fit again.
        self._fit_soon()

    def _fit_soon(self) -> None:
        if not self._fitting and self.is_attached:
            self._fitting = True
            self.call_after_refresh(self.fit_columns)

    def _measure(self, key) -> int:
        column = self.columns[key]
        widths = [cell_len(column.label.plain)]
        for value in self.get_column(key):
            text = value.plain if isinstance(value, Text) else str(value)
            widths.append(max((cell_len(line) for line in text.splitlines()), default=0))
        return max(widths)

    def fit_columns(self) -> None:
        """Make the columns fit the table's width (and wide again when there is room)."""
        self._fitting = False
        room = self.scrollable_content_region.width
        keys = [key for key in self.columns if key in self._wanted]
        if not room or not keys:
            return
        wanted = [self._wanted[key] or self._measure(key) for key in keys]
        kept = [at for at, key in enumerate(keys) if self.columns[key].label.plain in self.keep]
        widths = fit(wanted, room - 2 * self.cell_padding * len(self.columns), kept)
        changed = False
        for key, width in zip(keys, widths, strict=True):
            column = self.columns[key]
            if column.auto_width or column.width != width:
                column.auto_width, column.width = False, width
                changed = True
        if changed:
            # Textual's own re-measuring on its next idle (it sets the table's virtual width).
            self._require_update_dimensions = True
            self._clear_caches()
            self.refresh()

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


class _MarkedOptions(_Marks):
    """An option list's lines, the highlighted option's first line starting with ▶."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        at = self._option_at(y)
        if at is None or not strip.cell_length:
            return strip
        mark = MARK if at == (self.highlighted, 0) else " "
        style = next(iter(strip)).style
        return Strip([Segment(f"{mark} ", style), *strip], strip.cell_length + 2)


class MarkedOptionList(_MarkedOptions, OptionList):
    """An option list whose highlighted option starts with ▶."""


class _MarkedSelectOverlay(_MarkedOptions, SelectOverlay):
    """A drop-down's list of choices, the highlighted one starting with ▶."""


class MarkedSelect(Select):
    """A drop-down whose open list marks its highlighted choice with ▶, not only by colour."""

    def compose(self) -> ComposeResult:
        # Textual's Select.compose, with the marking list in place of its own.
        yield SelectCurrent(self.prompt)
        yield _MarkedSelectOverlay(type_to_search=self._type_to_search).data_bind(
            compact=Select.compact
        )


class TickList(ActOnArrival, _Marks, SelectionList[SelectionType]):
    """A selection list drawn `[x]`/`[ ]`, its highlighted option starting with ▶; ticked the
    moment its key reaches it (tui/widgets/on_arrival.py), so "space, tab" keeps the tick."""

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
