"""Messages a screen's thread worker posts to its own screen.

A worker runs on another thread, so it never touches a widget itself: it posts what came of
its work, and the screen shows it on the app's thread, in order with everything else.
"""

from __future__ import annotations

from textual.message import Message


class WorkFailed(Message):
    """The work could not be done; `reason` is what the screen says."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class PassphraseChecked(Message):
    """A name and passphrase were right: `person` is who signed in; `notice` is anything to
    tell them on the way in (sharing with supervisors to be tried again)."""

    def __init__(self, person, notice: str = "") -> None:
        super().__init__()
        self.person = person
        self.notice = notice


class Notice(Message):
    """Something to tell the person in a notification; it bubbles up to the app, which shows
    it (`SteppingStonesApp.on_notice`)."""

    def __init__(
        self, text: str, title: str = "", severity: str = "information", timeout: float = 10
    ) -> None:
        super().__init__()
        self.text = text
        self.title = title
        self.severity = severity
        self.timeout = timeout
