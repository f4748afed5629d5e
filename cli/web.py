"""The web server behind `serve`: textual-serve, with the checks it leaves out.

textual-serve starts an app process for every websocket that reaches `/ws`, from any web
page. A page on another site, open in the same browser, could otherwise start app processes
on a clinic machine and try passphrases. So every request must carry the Host of the address
being served and, when a browser sends one, an Origin from that address; a websocket must
have an Origin. And only `max_apps` app processes run at once.

The page itself loads nothing from outside this server (textual-serve's page asks a public
font service for a font) and tells the browser to keep nothing: no caching, no referrer.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

log = logging.getLogger("stepping-stones.serve")

_OUTSIDE_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>\s*", re.IGNORECASE)

REFUSED_ORIGIN = "This address only serves pages it gave out itself."
REFUSED_HOST = "This server does not answer to that address."
TOO_MANY = (
    "Stepping Stones is already open in as many browser tabs as this server allows. "
    "Close a tab you are not using, or try again in a few minutes."
)


def origin_of(url: str) -> str:
    """scheme://host:port, lower case, with the default port written out ("" if unreadable)."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "").lower()
    try:
        port = parts.port or {"https": 443, "http": 80}.get(scheme)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if not host or port is None:
        return ""
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


def hosts_of(header: str) -> set[str]:
    """A Host header as host:port; without a port, both default ports (a proxy in front may
    leave out :443)."""
    header = header.strip().lower()
    if not header:
        return set()
    found = {origin_of(f"http://{header}"), origin_of(f"https://{header}")}
    return {o.split("://", 1)[1] for o in found if o}


class GuardedServer(Server):
    """textual-serve's server, answering only to the address it serves, with a cap."""

    def __init__(
        self,
        command: str,
        *,
        origins: frozenset[str],
        max_apps: int,
        **kwargs,
    ) -> None:
        super().__init__(command, title="Stepping Stones", **kwargs)
        self.allowed_origins = frozenset(origin_of(o) for o in origins)
        self.allowed_hosts = frozenset(o.split("://", 1)[1] for o in self.allowed_origins)
        self.max_apps = max_apps
        self.running = 0

    # -- the checks ------------------------------------------------------------------------
    def refusal(self, request: web.Request) -> web.Response | None:
        """Why this request is refused, as the response to send, or None to serve it."""
        if not hosts_of(request.headers.get("Host", "")) & self.allowed_hosts:
            log.warning("Refused a request for host %r", request.headers.get("Host"))
            return web.Response(status=421, text=REFUSED_HOST)
        origin = request.headers.get("Origin")
        if origin is None and request.path == "/ws":
            return web.Response(status=403, text=REFUSED_ORIGIN)
        if origin is not None and origin_of(origin) not in self.allowed_origins:
            log.warning("Refused a request from origin %r", origin)
            return web.Response(status=403, text=REFUSED_ORIGIN)
        return None

    @web.middleware
    async def guard(self, request: web.Request, handler):
        refused = self.refusal(request)
        if refused is not None:
            return refused
        response = await handler(request)
        if not response.prepared:
            response.headers["Cache-Control"] = "no-store"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["X-Frame-Options"] = "DENY"
        return response

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    # -- the page and the app processes ----------------------------------------------------
    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        response = await super().handle_index(request)
        if isinstance(response, web.Response) and response.text:
            response.text = _OUTSIDE_FONT.sub("", response.text)
        return response

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if self.running >= self.max_apps:
            log.warning("Refused a new tab: %d app processes are running", self.running)
            return web.Response(status=503, text=TOO_MANY)
        self.running += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.running -= 1

    async def on_startup(self, app: web.Application) -> None:
        """Quiet: `serve` has said where it is serving."""
