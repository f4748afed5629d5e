"""The app as its screens and widgets see it, typed.

`self.app` is typed as Textual's `App`, so `self.app.store` says nothing to an editor or a
type checker. Screens and widgets reach the app's own parts through `self.stepping_app`
instead. It is a Protocol rather than `SteppingStonesApp` itself because `tui.app` imports
the screens: importing it back, even only for typing, would be an import cycle (see
tests/test_architecture.py). tests/test_typed_app.py checks the app keeps this promise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

if TYPE_CHECKING:  # the store is imported after the first frame (start-up speed)
    from textual.dom import DOMNode
    from textual.screen import Screen

    from store import Person, Session, Store


@runtime_checkable
class SteppingStones(Protocol):
    """What screens and widgets use of `tui.app.SteppingStonesApp` beyond Textual's `App`."""

    user: Person | None
    locked: bool
    held: dict[str, str]

    @property
    def store(self) -> Store: ...

    # -- who is signed in, and where they are
    def signed_in(self, person: Person) -> None: ...
    def unlocked(self, person: Person) -> None: ...
    def sign_out(self) -> None: ...
    def go_home(self) -> None: ...
    def reset_to(self, screen: Screen) -> None: ...
    def unless_held_text(self, then: Callable[[], None]) -> None: ...

    # -- saving, and what the "saved" indicator says
    def save_draft(self, session: Session) -> None: ...
    def mark_unsaved(self) -> None: ...
    def settle_save_state(self) -> None: ...
    def set_held(self, key: str, why: str | None) -> None: ...
    def discarding(self, session_id: str) -> None: ...
    def discard_failed(self, session_id: str) -> None: ...
    def forget_pending(self, session_id: str) -> None: ...


def stepping_app(node: DOMNode) -> SteppingStones:
    """The app `node` (a screen or widget) belongs to, typed."""
    return cast(SteppingStones, node.app)


class SteppingNode:
    """Mixed into a screen or widget (before Textual's class): `self.stepping_app`."""

    @property
    def stepping_app(self) -> SteppingStones:
        return stepping_app(self)  # type: ignore[arg-type]
