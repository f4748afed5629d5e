"""The "saved" indicator: an answer counts as kept only once this says so."""

from __future__ import annotations

from textual.widgets import Static


class SaveIndicator(Static):
    DEFAULT_CSS = """
    SaveIndicator {
        width: auto;
        min-width: 12;
        padding: 0 1;
        color: $text-muted;
    }
    SaveIndicator.-failed {
        color: $text-error;
        text-style: bold;
    }
    SaveIndicator.-saved {
        color: $text-success;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "save_state", self.show_state, init=True)

    def show_state(self, state) -> None:
        self.set_class(state.status == "failed", "-failed")
        self.set_class(state.status == "saved", "-saved")
        if state.status == "saving":
            self.update("… saving")
        elif state.status == "saved":
            self.update(f"✓ saved {state.at}")
        elif state.status == "failed":
            self.update("✗ NOT SAVED: retrying")
            self.tooltip = state.message
        else:
            self.update("")
