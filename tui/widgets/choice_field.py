"""A one-line single choice changed with left/right, so `enter` is free to submit the form."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.widgets.on_arrival import ActOnArrival


class ChoiceField(ActOnArrival, Widget, can_focus=True):
    """Shows every option with ◉/○ marks (readable without colour); ←/→ or h/l change it,
    the moment the key reaches it (tui/widgets/on_arrival.py): "→, enter" in one burst starts
    with the choice moved to."""

    DEFAULT_CSS = """
    ChoiceField {
        height: auto;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("left,h", "move(-1)", "Previous", id="choice.previous", show=False),
        Binding("right,l,space", "move(1)", "Next", id="choice.next", show=False),
    ]

    index: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, field: ChoiceField, value: str) -> None:
            super().__init__()
            self.field = field
            self.value = value

        @property
        def control(self) -> ChoiceField:
            return self.field

    def __init__(
        self, options: list[tuple[str, str]], value: str | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.options = options
        keys = [key for key, _ in options]
        self.set_reactive(ChoiceField.index, keys.index(value) if value in keys else 0)

    @property
    def value(self) -> str:
        return self.options[self.index][0]

    def render(self) -> Text:
        return self.options_text(self.content_size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.options_text(width).wrap(self.app.console, max(width, 1)))

    def options_text(self, width: int) -> Text:
        """Every option, its mark and label kept together: an option that does not fit on
        the line starts the next one, rather than leaving its ○ behind at the end of a line."""
        text = Text()
        used = 0
        for position, (_, label) in enumerate(self.options):
            chosen = position == self.index
            mark = "◉ " if chosen else "○ "
            size = cell_len(mark + label)
            if used and width and used + 2 + size > width:
                text.append("\n")
                used = 0
            elif used:
                text.append("  ")
                used += 2
            text.append(mark, style="bold" if chosen else "")
            text.append(
                label,
                style="bold reverse" if chosen and self.has_focus else ("bold" if chosen else ""),
            )
            used += size
        return text

    def action_move(self, step: int) -> None:
        self.index = (self.index + step) % len(self.options)

    def watch_index(self) -> None:
        self.post_message(self.Changed(self, self.value))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
