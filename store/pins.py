"""Where a store's root (its first admin's public signing key) is pinned: never in the store.

Anything in the store folder can be rebuilt by whoever writes there, so the root that the
signed directory of people (`store.directory`) starts from is kept outside it:

1. the installed configuration, `roots.json` in the system config folder, which IT writes and
   staff cannot change (the path is an argument, for tests; never taken from the store);
2. else the person's own user config folder (`roots.json` there), pinned on first use.

Both map a store folder's resolved path to its root key (base64), e.g.
`{"/srv/stepping-stones": "q83vEjRW..."}`. A file that cannot be read counts as pinning nothing
in the user folder; an unreadable installed file is said once and also pins nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from .storage import ensure_dir, write_atomic

FILE = "roots.json"
APP = "stepping-stones"


def installed_file() -> Path:
    from platformdirs import site_config_path

    return site_config_path(APP) / FILE


def user_file() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP) / FILE


_seen: dict[Path, tuple[tuple[int, int], dict[str, str]]] = {}


def _read(path: Path) -> dict[str, str]:
    """The file's pins (read again only when it changed: people are read very often)."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _seen.get(path)
    if known is not None and known[0] == stamp:
        return dict(known[1])
    try:
        if not path.is_file() or stat.st_size > 1 << 20:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    pins = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
    _seen[path] = (stamp, pins)
    return dict(pins)


def _key(data_dir: Path) -> str:
    return str(Path(data_dir).resolve())


class Pins:
    """The pinned roots this program trusts. `installed`: the installed configuration's file
    (default: the system config folder); `user`: the person's own (default: user config)."""

    def __init__(self, installed: Path | None = None, user: Path | None = None) -> None:
        self._installed = installed
        self._user = user

    @property
    def installed(self) -> Path:
        return self._installed if self._installed is not None else installed_file()

    @property
    def user(self) -> Path:
        return self._user if self._user is not None else user_file()

    def root_for(self, data_dir: Path) -> tuple[str | None, str]:
        """(the pinned root, where it is pinned: "installed", "user" or "")."""
        key = _key(data_dir)
        installed = _read(self.installed).get(key)
        if installed:
            return installed, "installed"
        user = _read(self.user).get(key)
        if user:
            return user, "user"
        return None, ""

    def pin(self, data_dir: Path, root: str) -> bool:
        """Pin `root` for this store in the user config folder, when nothing is pinned yet
        (an installed pin always wins and is never written here); True when it was written."""
        pinned, _ = self.root_for(data_dir)
        if pinned is not None:
            return False
        path = self.user
        data = _read(path)
        data[_key(data_dir)] = root
        try:
            ensure_dir(path.parent)
            write_atomic(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())
        except OSError:
            return False
        return True
