"""Where the store folder is: kept apart (and light) so that finding the folder does not load
the cryptography, TinyDB and file-locking code the rest of the store needs."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "STEPPING_STONES_DATA_DIR"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("stepping-stones", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """`--data-dir`, else STEPPING_STONES_DATA_DIR, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    return default_data_dir()
