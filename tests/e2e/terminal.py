"""A real terminal for end-to-end tests: the installed command running in tmux at 80x24.

Each `Terminal` owns one tmux server (its own `-L` socket), so tests never share state and
`close()` removes everything they started. Screens are read with `capture-pane -p` and keys
are sent with `send-keys`, one logical step at a time.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

WIDTH = 80
HEIGHT = 24
POLL_SECONDS = 0.03

# Variables from the developer's or CI's shell that would change what the app sees.
_DROPPED = ("TMUX", "TMUX_PANE", "COLUMNS", "LINES", "STEPPING_STONES_DATA_DIR")

# The tmux server's own settings: no status line (the pane gets all 24 rows), keep a pane
# after its program exits (so a crash's traceback can still be read), plain xterm unless the
# app's environment names another TERM (tmux gives its panes its default-terminal, whatever
# `new-session -e TERM=...` says).
TMUX_CONF = """\
set -g status off
set -g remain-on-exit on
set -g default-terminal {term}
set -g history-limit 2000
"""


class Terminal:
    """One tmux server; `start()` runs a command in a new 80x24 session on it.

    The command runs under a small `sh` that writes its exit status to a file when it ends.
    That, rather than tmux's `#{pane_dead_status}`, tells the tests how the app ended:
    tmux 3.3 sometimes leaves an exited pane's program unreaped (a zombie) for good, and
    then never learns its status.
    """

    def __init__(self, workdir: Path, app_env: dict[str, str]) -> None:
        self.socket = f"ss-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.workdir = workdir
        self.conf = workdir / "tmux.conf"
        self.app_env = dict(app_env)
        term = self.app_env.get("TERM", "xterm-256color")
        self.conf.write_text(TMUX_CONF.format(term=term), encoding="utf-8")
        self.env = {
            k: v for k, v in os.environ.items() if k not in _DROPPED and not k.startswith("TEXTUAL")
        }
        self.env.update(self.app_env)
        self.env.setdefault("LANG", "C.UTF-8")
        self.target = ""
        self._sessions = 0

    # -- tmux --------------------------------------------------------------------------------
    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-u", "-L", self.socket, "-f", str(self.conf), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=check,
        )

    @property
    def status_file(self) -> Path:
        return self.workdir / f"{self.socket}-{self.target}.status"

    def start(self, command: Sequence[str]) -> None:
        """Run `command` in a new session, which becomes the target of every other call."""
        self._sessions += 1
        self.target = f"s{self._sessions}"
        status = shlex.quote(str(self.status_file))
        script = f'"$@"; code=$?; echo "$code" > {status}.tmp && mv {status}.tmp {status}'
        env_flags: list[str] = []
        for key, value in self.app_env.items():
            env_flags += ["-e", f"{key}={value}"]
        args = (
            "new-session",
            "-d",
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            "-s",
            self.target,
            *env_flags,
            # Several arguments: tmux runs them directly, without a shell of its own.
            "sh",
            "-c",
            script,
            "sh",
            *command,
        )
        # When the previous app ended, its tmux server shuts down; a new session asked for in
        # that moment can be refused ("server exited unexpectedly"). Ask again, a few times.
        deadline = time.monotonic() + 5
        while True:
            started = self.tmux(*args, check=False)
            if started.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"tmux could not start a session: {started.stderr.strip()}")
            time.sleep(0.05)

    def close(self) -> None:
        """Stop whatever still runs in this server's panes, then the server itself."""
        listing = self.tmux("list-panes", "-a", "-F", "#{pane_dead} #{pane_pid}", check=False)
        for line in listing.stdout.splitlines():
            dead, pid = line.split()
            if dead == "0":
                _kill_tree(int(pid))
        socket_path = self.tmux("display-message", "-p", "#{socket_path}", check=False).stdout
        self.tmux("kill-server", check=False)
        # tmux 3.3 leaves the socket file behind.
        if socket_path.strip():
            Path(socket_path.strip()).unlink(missing_ok=True)

    # -- the pane ----------------------------------------------------------------------------
    def _format(self, fmt: str) -> str:
        return self.tmux("display-message", "-p", "-t", self.target, fmt).stdout.strip()

    def pane_pid(self) -> int:
        """The wrapping `sh`; the app is its child."""
        return int(self._format("#{pane_pid}"))

    def app_pids(self) -> list[int]:
        return _descendants(self.pane_pid())

    def exit_status(self) -> int | None:
        """The app's exit status once it has ended (128 + N if signal N killed it)."""
        try:
            return int(self.status_file.read_text(encoding="ascii").strip())
        except FileNotFoundError:
            return None

    def ended(self) -> bool:
        return self.exit_status() is not None

    def size(self) -> tuple[int, int]:
        width, height = self._format("#{pane_width} #{pane_height}").split()
        return int(width), int(height)

    def screen(self) -> str:
        """The visible screen as plain text (no colours)."""
        return self.tmux("capture-pane", "-p", "-t", self.target).stdout

    def screen_with_attributes(self) -> str:
        """The visible screen with its colours and attributes, as escape sequences."""
        return self.tmux("capture-pane", "-e", "-p", "-t", self.target).stdout

    def send(self, *keys: str) -> None:
        """Send tmux key names: `Enter`, `Tab`, `Escape`, `Down`, `C-s`, `1`, `n`..."""
        self.tmux("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        """Type `text` literally."""
        self.tmux("send-keys", "-t", self.target, "-l", text)

    def kill_app(self) -> None:
        """SIGKILL the app (and anything it started), as a power cut would."""
        pids = self.app_pids()
        assert pids, "the app is not running"
        for pid in pids:
            _kill(pid)

    # -- waiting -----------------------------------------------------------------------------
    def wait_until(
        self, predicate: Callable[[str], object], description: str, timeout: float = 10
    ) -> str:
        """Poll the screen until `predicate(screen)` is true; return that screen.

        Fails with the last screen in the message, and at once if the program has ended.
        """
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if predicate(screen):
                return screen
            if self.ended():
                raise AssertionError(
                    f"the app ended (status {self.exit_status()}) while waiting for "
                    f"{description}. Last screen:\n{self.screen_with_history()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout:g}s waiting for {description}. "
                    f"Last screen:\n{_framed(screen)}"
                )
            time.sleep(POLL_SECONDS)

    def wait_for(self, *texts: str, timeout: float = 10) -> str:
        """Wait until every one of `texts` is on screen at the same time."""
        wanted = " and ".join(repr(t) for t in texts)
        return self.wait_until(lambda s: all(t in s for t in texts), wanted, timeout)

    def wait_for_exit(self, timeout: float = 10) -> int:
        """Wait until the app has ended; return its exit status."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status()) is None:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the app did not exit within {timeout:g}s. Last screen:\n"
                    + _framed(self.screen())
                )
            time.sleep(POLL_SECONDS)
        return status

    def screen_with_history(self) -> str:
        return _framed(self.tmux("capture-pane", "-p", "-S", "-200", "-t", self.target).stdout)


def _descendants(pid: int) -> list[int]:
    """Children of `pid`, their children, and so on."""
    children = _children(pid)
    return [d for child in children for d in (child, *_descendants(child))]


def _children(pid: int) -> list[int]:
    try:
        out = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True, timeout=5
        ).stdout
        return [int(p) for p in out.split()]
    except FileNotFoundError:  # no procps: read /proc directly (Linux)
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
        return found


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _kill_tree(pid: int) -> None:
    for each in [*_descendants(pid), pid]:
        _kill(each)


def _framed(screen: str) -> str:
    rule = "-" * WIDTH
    return f"{rule}\n{screen.rstrip()}\n{rule}"


ITEM_POSITION = re.compile(r"Item (\d+) of (\d+)")


def item_position(screen: str) -> tuple[int, int] | None:
    """(K, N) from "Item K of N" on a checklist screen, else None."""
    match = ITEM_POSITION.search(screen)
    return (int(match.group(1)), int(match.group(2))) if match else None
