"""Where a person may write a file the app makes for them (exports, summaries, bundles)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidInput
from .storage import ensure_dir, write_atomic


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
