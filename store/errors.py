"""Errors the store raises; each carries a plain sentence that is safe to show a person."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NamedTuple


class StoreError(Exception):
    """Base class: `str(error)` is a one-line, plain explanation."""


class CorruptFileError(StoreError):
    """`damaged` is True when the content itself is bad (not a passing read failure)."""

    def __init__(self, path: Path, why: str, damaged: bool = True) -> None:
        self.path = Path(path)
        self.why = why
        self.damaged = damaged
        super().__init__(f"The file {path} cannot be used: {why}. It has not been changed.")


class LostFileError(StoreError):
    """A file that holds the store's people is missing (or holds nobody) in a store that is
    not new, and cannot be put back: nothing may go on as if the store were new."""

    def __init__(self, path: Path, why: str, because: str) -> None:
        self.path = Path(path)
        self.why = why
        super().__init__(
            f"{path.name} in {path.parent} {why} and {because}, so this "
            "store cannot be used: nobody could sign in, and it is never set up again as new. "
            f"Put back {path.name} from a copy of the folder."
        )


class StoreWriteError(StoreError):
    def __init__(self, path: Path, why: str) -> None:
        self.path = Path(path)
        super().__init__(f"Could not save to {path}: {why}.")


class StoreFullError(StoreWriteError):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "the disk is full")


class StoreBusyError(StoreError):
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(
            f"The store is busy (another copy of the app is holding {path.name}); try again."
        )


class NewerSchemaError(StoreError):
    def __init__(self, path: Path, found: int, known: int) -> None:
        self.path = Path(path)
        super().__init__(
            f"{path} was written by a newer version of Stepping Stones (format {found}; "
            f"this version reads up to {known}). Please update the app."
        )


class FailedAttempt(NamedTuple):
    """A sign-in counted as wrong: whom it named (None for a name nobody has) and, when it was
    the last try allowed, the time the name is locked until."""

    subject: str | None
    until: datetime | None


class SignInError(StoreError):
    """Wrong name or passphrase: deliberately does not say which.

    `attempt` is set when this try was counted against the name, so the service that signs
    people in can record it; it stays None when the name was already locked out and nothing
    was checked."""

    attempt: FailedAttempt | None = None


class PermissionDenied(StoreError):
    pass


class NotFound(StoreError):
    pass


class InvalidInput(StoreError):
    pass


class ReadOnlySession(StoreError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "This session is finished, so it can no longer be changed.")
