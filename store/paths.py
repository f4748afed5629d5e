"""Where a person may write a file the app makes for them (exports, summaries, bundles)."""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidInput
from .storage import ensure_dir, write_atomic


def check_out_path(data_dir: Path, path: Path, directory: bool = False) -> Path:
    """Refuse a path inside the store folder (a mistyped --out must never overwrite the
    store), one of the wrong kind (a file where a folder is wanted, or the other way round),
    anything but an ordinary file to replace (a device, a pipe, a socket: the file is written
    beside it and renamed over it, so it would be replaced by an ordinary file), and a place
    whose folder is not there (a mistyped folder is said, not quietly made)."""
    path = Path(path).expanduser()
    try:
        return _checked(Path(data_dir), path, directory)
    except (OSError, RuntimeError) as exc:  # a folder on the way that may not be looked in
        why = getattr(exc, "strerror", None) or "it cannot be looked at"
        raise InvalidInput(f"Cannot write to {path}: {why}.") from None


def _checked(data_dir: Path, path: Path, directory: bool) -> Path:
    target = path.resolve()
    store = data_dir.resolve()
    if target == store or store in target.parents:
        raise InvalidInput(
            f"{path} is inside the store folder {data_dir}: choose somewhere outside it."
        )
    if directory and path.exists() and not path.is_dir():
        raise InvalidInput(f"{path} is a file, not a folder: give a folder.")
    if not directory and path.is_dir():
        raise InvalidInput(f"{path} is a folder: give a file name.")
    if not directory and path.exists() and not path.is_file():
        raise InvalidInput(
            f"{path} is {_kind(path)}, not an ordinary file: give the name of a file to write."
        )
    if not path.exists():  # written (or, for a folder, made) in a folder that must be there
        folder = path.parent
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise InvalidInput(f"The folder {folder} {what}: make it first, or choose another.")
    return path


def _kind(path: Path) -> str:
    """What is at `path` that is neither a file nor a folder (a link is followed)."""
    mode = path.stat().st_mode
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "something other than a file"


@dataclass(frozen=True)
class PendingFiles:
    """An export made in memory and not yet on disk, so that the service can write the audit
    entry first (no export goes unrecorded) and only then the files. `result` is what the
    export reports (counts, never content); `folder` is made before the files are written;
    `read` is how many sessions were read to make it, for the service's `read_other` entry when
    they are someone else's."""

    result: dict
    files: list[tuple[Path, bytes]] = field(default_factory=list)
    folder: Path | None = None
    read: int = 0

    def write(self) -> dict:
        """Write every file whole (a temporary file, then a rename); returns `result`."""
        if self.folder is not None:
            ensure_dir(self.folder)
        for path, payload in self.files:
            write_atomic(path, payload)
        return self.result
