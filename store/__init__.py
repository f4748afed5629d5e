"""Everything on disk: storage, people, sessions, summaries and the demo store.

This package never imports Textual: the command line and the app call the same functions.
"""

from .errors import (
    CorruptFileError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ReadOnlySession,
    SignInError,
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreWriteError,
)
from .people import ROLES, Person
from .sessions import COMPLETE, DRAFT, Session
from .store import Store, default_data_dir, resolve_data_dir

__all__ = [
    "COMPLETE",
    "DRAFT",
    "ROLES",
    "CorruptFileError",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "Person",
    "ReadOnlySession",
    "Session",
    "SignInError",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StoreFullError",
    "StoreWriteError",
    "default_data_dir",
    "resolve_data_dir",
]
