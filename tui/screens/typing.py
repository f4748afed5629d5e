"""Saving typed text a moment after the last key, at a cost that does not grow with the keys.

The wait starts again at every key, but no timer is stopped and started per key: one timer
runs at a time and, when it fires early (more keys came), waits out the rest. A burst of keys
from the terminal (a fast typist, a long note) then costs no more per key than one key does.
"""

from __future__ import annotations

import time

from textual.timer import Timer

SAVE_DELAY = 0.4


class SavesAfterTyping:
    """For a screen with `keep()` (save what may be kept now) and Textual's `set_timer`.

    `_timer` is None exactly when no save is waiting; `keep` must stop it and set it to None.
    """

    _timer: Timer | None = None
    _typed_at = 0.0

    def save_soon(self) -> None:
        """A key was typed: save SAVE_DELAY after the last one."""
        self._typed_at = time.monotonic()
        if self._timer is None:
            self._timer = self.set_timer(SAVE_DELAY, self._save_when_quiet)

    def stop_waiting(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None

    def _save_when_quiet(self) -> None:
        left = self._typed_at + SAVE_DELAY - time.monotonic()
        if left > 0:
            self._timer = self.set_timer(left, self._save_when_quiet)
            return
        self._timer = None
        self.keep()
