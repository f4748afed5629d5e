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
from .location import default_data_dir, resolve_data_dir
from .roles import ROLES

# The rest loads cryptography, TinyDB and file locks: only when first used, so the app's first
# screen and the command line's quick answers do not wait for them (PEP 562).
_LAZY = {
    "Person": "people",
    "COMPLETE": "sessions",
    "DRAFT": "sessions",
    "Session": "sessions",
    "Store": "store",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'store' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


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
