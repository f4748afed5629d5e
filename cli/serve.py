"""`stepping-stones serve`: the same app in a web browser, through textual-serve.

Each browser tab gets its own app process (its own sign-in, idle lock and audit), run with the
same store folder as the command. textual-serve itself accepts a websocket from any web page
and starts as many processes as are asked for; `GuardedServer` adds what it leaves out
(SECURITY.md, "The app in a browser"): the Host and Origin of every request must be the
address being served, and only so many app processes run at once.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit

from .common import CommandError, checked_idle_lock, existing_store_folder

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_APPS = 8
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")

WARNING = (
    "Warning: Stepping Stones is being offered to other machines at {url}. It has no "
    "encryption of its own: anyone on the network path can read passphrases and answers as "
    "they are typed. Only do this behind the trust's HTTPS reverse proxy, with --public-url "
    "set to the https:// address people use, and keep --host on a network only that proxy "
    "can reach."
)


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="offer the app to a web browser on this machine",
        description="Offer the full-screen app to a web browser. Each browser tab runs its own "
        "copy of the app, with its own sign-in and idle lock, on this store. It listens on "
        "this machine only unless --host says otherwise. Stop it with ctrl+c.",
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"the address to listen on (default {DEFAULT_HOST}: this machine only)",
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"the port (default {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address people open, when a reverse proxy stands in front "
        "(default http://HOST:PORT)",
    )
    serve.add_argument(
        "--max-apps",
        type=int,
        default=DEFAULT_MAX_APPS,
        metavar="N",
        help=f"how many browser tabs may use the app at once (default {DEFAULT_MAX_APPS})",
    )
    serve.add_argument(
        "--idle-lock",
        type=float,
        metavar="SECONDS",
        help="lock each tab after this long with no activity (as for the app itself)",
    )


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def public_url(host: str, port: int, given: str | None) -> str:
    """The address people open: `--public-url` (checked), else http://HOST:PORT."""
    if given is None:
        if is_unspecified(host):
            raise CommandError(
                f"--host {host} listens on every network: give --public-url, the address "
                "people open (that of the trust's HTTPS reverse proxy)"
            )
        return f"http://{_bracketed(host)}:{port}"
    parts = urlsplit(given)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CommandError(f"--public-url must be an http:// or https:// address (got {given})")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise CommandError("--public-url must be the address of the site itself, with no path")
    return f"{parts.scheme}://{parts.netloc}"


def allowed_origins(url: str, host: str, port: int) -> frozenset[str]:
    """The pages that may use the app: the public address, the address listened on, and for a
    server on this machine only, its other loopback names."""
    origins = {url, f"http://{_bracketed(host)}:{port}"}
    if is_loopback(host):
        origins |= {f"http://{_bracketed(name)}:{port}" for name in LOOPBACK_NAMES}
    return frozenset(origins)


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def app_command(data_dir: Path, idle_lock: float | None) -> str:
    """The command each browser tab's app process runs: this Python, this store."""
    words = [sys.executable, "-m", "cli.main", "--data-dir", str(data_dir)]
    if idle_lock is not None:
        words += ["--idle-lock", str(idle_lock)]
    return shlex.join(words)


def cmd_serve(args: argparse.Namespace) -> int:
    from .web import GuardedServer

    if not 1 <= args.port <= 65535:
        raise CommandError(f"--port must be between 1 and 65535 (got {args.port})")
    if not 1 <= args.max_apps <= 100:
        raise CommandError(f"--max-apps must be between 1 and 100 (got {args.max_apps})")
    if args.idle_lock is not None:
        checked_idle_lock(args.idle_lock)
    url = public_url(args.host, args.port, args.public_url)
    try:
        # Each tab would otherwise offer to set up a new store in a mistyped folder.
        data_dir = existing_store_folder(args).resolve()
    except CommandError as exc:
        raise CommandError(
            f"{exc}. Set a store up first: start the app (`stepping-stones`) or `users add`"
        ) from None
    if not is_loopback(args.host):
        print(WARNING.format(url=url), file=sys.stderr)
    server = GuardedServer(
        app_command(data_dir, args.idle_lock),
        host=args.host,
        port=args.port,
        public_url=url,
        origins=allowed_origins(url, args.host, args.port),
        max_apps=args.max_apps,
    )
    print(f"Serving Stepping Stones at {url} (the store in {data_dir}). Press ctrl+c to stop.")
    sys.stdout.flush()
    server.serve()
    return 0


COMMANDS = {"serve": cmd_serve}
