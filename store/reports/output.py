"""Saving a rendered summary, for the command line and the app alike."""

from __future__ import annotations

from pathlib import Path

from store.paths import check_out_path
from store.storage import write_atomic


def save(text: str, path: Path, data_dir: Path) -> Path:
    """Write atomically, readable only by the person who saved it (it holds reflections),
    and never inside the store folder."""
    path = check_out_path(data_dir, path)
    write_atomic(path, text.encode("utf-8"))  # 0600, and a clear StoreError on failure
    return path
