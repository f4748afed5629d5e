"""Where a person may write a file the app makes for them (exports, summaries, bundles)."""

from __future__ import annotations

from pathlib import Path

from .errors import InvalidInput


def check_out_path(data_dir: Path, path: Path, directory: bool = False) -> Path:
    """Refuse a path inside the store folder (a mistyped --out must never overwrite the
    store), or of the wrong kind (a file where a folder is wanted, or the other way round)."""
    path = Path(path).expanduser()
    target = path.resolve()
    store = Path(data_dir).resolve()
    if target == store or store in target.parents:
        raise InvalidInput(
            f"{path} is inside the store folder {data_dir}: choose somewhere outside it."
        )
    if directory and path.exists() and not path.is_dir():
        raise InvalidInput(f"{path} is a file, not a folder: give a folder.")
    if not directory and path.is_dir():
        raise InvalidInput(f"{path} is a folder: give a file name.")
    return path
