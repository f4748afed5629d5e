"""Keys that act on a list or a choice act in the order they were typed.

Textual delivers each key to the widget that has focus when the key arrives, but runs that
widget's key bindings only later, when the key has come back up to the app, and then for
whatever has focus by that time. A priority key typed just after (`tab`, or a form's `enter`)
acts as soon as it arrives. So "space, tab" typed in one burst, which a fast typist, a busy
clinic terminal or a connection over SSH can deliver, moved the focus first and then ticked
nothing: the tick was lost. The same burst with `→` on a setup choice changed the next field.

A widget with `ActOnArrival` runs its own bindings as the key is delivered to it, in its own
queue, so each key acts on the widget it was typed at, in the order typed. Its bindings are
read as the person's keymap has them (tui/keymap.py), and an action the widget switches off
is left alone, as Textual would.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding

from tui.keys import current_keys


class ActOnArrival:
    """Mixed into a focusable widget before its Textual base class."""

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls each class's own `_on_key` in turn along the MRO; `prevent_default`
        # stops it there once the key has acted (so a key is never handled twice).
        binding = self._own_binding(event)
        if binding is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(binding.action)  # type: ignore[attr-defined]

    def _own_binding(self, event: events.Key) -> Binding | None:
        """The binding of this widget (its class and bases) that `event` runs, if any."""
        typed = set(event.aliases) | {event.key}
        bindings = self._bindings.key_to_bindings.values()  # type: ignore[attr-defined]
        for binding in (b for listed in bindings for b in listed):
            if typed.isdisjoint(current_keys(self.app, binding)):  # type: ignore[attr-defined]
                continue
            name, _, _ = binding.action.partition("(")
            if self.check_action(name, ()) is not True:  # type: ignore[attr-defined]
                continue
            return binding
        return None
