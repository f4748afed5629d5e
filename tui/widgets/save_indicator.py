"""The "saved" indicator: an answer counts as kept only once this says so.

It has a fixed width and repaints without a layout pass, because it changes on every answer
and a full layout of the screen each time would slow the answer keys down.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class SaveIndicator(Widget):
    DEFAULT_CSS = """
    SaveIndicator {
        width: 25;
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-align: right;
    }
    SaveIndicator.-failed {
        color: $text-error;
        text-style: bold;
    }
    SaveIndicator.-saved {
        color: $text-success;
    }
    """

    label: reactive[str] = reactive("", layout=False)

    def on_mount(self) -> None:
        self.watch(self.app, "save_state", self.show_state, init=True)

    def render(self) -> Text:
        return Text(self.label, no_wrap=True, overflow="ellipsis")

    def show_state(self, state) -> None:
        # "✓ saved" only when everything on screen that may be kept is on disk: a field held
        # back (an identifier, over its limit) counts as not saved.
        held = getattr(self.app, "held", {})
        status = state.status
        if held and status != "failed":
            status = "held"
        self.set_class(status in ("failed", "held"), "-failed")
        self.set_class(status == "saved", "-saved")
        tooltip = ("; ".join(held.values()) if status == "held" else state.message) or None
        if tooltip != self.tooltip:
            self.tooltip = tooltip
        count = len(held)
        self.label = {
            "saving": "… saving",
            "saved": f"✓ saved {state.at}",
            "failed": "✗ NOT SAVED, retrying",
            "held": f"✗ {count} field{'' if count == 1 else 's'} not saved",
        }.get(status, "")
