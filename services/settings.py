"""The store's own settings (`<data dir>/config.toml`), read before the app's first frame.

Only `store.config` is imported here (no cryptography, TinyDB or file locks), so the command
line can ask for the idle lock before the store is opened. A file or value that cannot be
used gives the strict default; the store says why when it opens (`Store.notices`).
"""

from __future__ import annotations

from pathlib import Path

from store.config import idle_lock_seconds as _idle_lock_seconds
from store.config import read_config

__all__ = ["idle_lock_seconds"]


def idle_lock_seconds(data_dir: Path) -> float:
    """How long the app may stay idle before the screen locks: at most 15 minutes."""
    return _idle_lock_seconds(read_config(data_dir), data_dir)[0]
