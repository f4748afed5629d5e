"""The footer of every screen and box: the screen's keys, then Quit, Help and Lock.

Textual's footer draws every key in a row and, when they do not fit, cuts the row off at the
edge (at 60 columns, mid-word and without Lock). Below 80 columns this footer goes compact,
leaves out the palette key (`ctrl+p` still opens it, and help lists it), and keeps Quit, Help
and Lock always on show: the screen's own keys come first as far as they fit, and when some do
not, a "…" says there are more (`?` lists every key).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Label
from textual.widgets._footer import FooterKey  # Textual's own key in a footer

NARROW = 80  # below this many columns the footer fits itself to the width
ALWAYS = ("quit", "help", "lock")  # the ids of the keys always on show
MORE = "…"


def key_width(key_display: str, description: str) -> int:
    """Columns a compact footer key takes: the key, a space, its words and a gap after it."""
    return len(key_display) + 1 + len(description) + 1


class KeysFooter(Footer):
    """Textual's footer at 80 columns and wider; below that, compact and fitted (see above)."""

    DEFAULT_CSS = """
    KeysFooter .footer-more {
        margin: 0 1 0 0;
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self.wide_compact = compact
        self.narrow: bool | None = None

    def on_resize(self) -> None:
        narrow = self.app.size.width < NARROW
        if narrow != self.narrow or narrow:
            self.call_after_refresh(self.recompose)

    def compose(self) -> ComposeResult:
        width = self.app.size.width
        self.narrow = width < NARROW
        self.compact = self.wide_compact or self.narrow
        if not self.narrow:
            self.show_command_palette = True
            yield from super().compose()
            return
        self.show_command_palette = False
        if not self._bindings_ready:
            return
        shown: dict[str, tuple] = {}  # one key per action, as Textual's footer shows them
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled, tooltip)
        keys = [
            (binding, enabled, tooltip, self.app.get_key_display(binding))
            for binding, enabled, tooltip in shown.values()
        ]
        always = [key for key in keys if key[0].id in ALWAYS]
        rest = [key for key in keys if key[0].id not in ALWAYS]
        room = width - sum(key_width(key[3], key[0].description) for key in always)
        fitted = []
        for at, key in enumerate(rest):
            more = len(MORE) + 1 if at < len(rest) - 1 else 0  # room for "…" if more follow
            needed = key_width(key[3], key[0].description)
            if needed + more > room:
                break
            fitted.append(key)
            room -= needed
        for binding, enabled, tooltip, key_display in fitted:
            yield self._key(binding, enabled, tooltip, key_display)
        if len(fitted) < len(rest):
            yield Label(MORE, classes="footer-more")
        for binding, enabled, tooltip, key_display in always:
            yield self._key(binding, enabled, tooltip, key_display)

    def _key(self, binding, enabled: bool, tooltip: str, key_display: str) -> FooterKey:
        return FooterKey(
            binding.key,
            key_display,
            binding.description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
        ).data_bind(compact=Footer.compact)
