"""`serve`: the checks textual-serve leaves out, each done as an attack against a real server
on this machine (in-process aiohttp, bounded in time), and the closing of a tab keeping what
was typed. The real browser is in tests/e2e/test_serve_browser.py."""

from __future__ import annotations

import asyncio
import gc
import socket
import sys

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from textual.messages import ExitApp
from textual.widgets import TextArea

from cli.serve import allowed_origins, app_command, public_url
from cli.web import GuardedServer, hosts_of, origin_of
from tests.helpers import SIZE, open_note, run_cli, settle, sign_in
from tests.test_nothing_lost import stored_draft
from tui.app import SteppingStonesApp

# An app process that ends on the first byte it is sent (the "quit" textual-serve sends when
# a tab closes): the cap is about processes, not about what runs in them.
STAND_IN = f"{sys.executable} -c 'import sys; sys.stdin.buffer.read(1)'"
TIMEOUT = aiohttp.ClientTimeout(total=20)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def started(max_apps: int = 8, command: str = STAND_IN):
    port = free_port()
    url = public_url("127.0.0.1", port, None)
    guarded = GuardedServer(
        command,
        host="127.0.0.1",
        port=port,
        public_url=url,
        origins=allowed_origins(url, "127.0.0.1", port),
        max_apps=max_apps,
    )
    server = TestServer(await guarded._make_app(), host="127.0.0.1", port=port)  # noqa: SLF001
    await server.start_server()
    return guarded, server, url


async def test_a_websocket_from_another_web_page_is_refused_before_any_app_starts() -> None:
    guarded, server, url = await started()
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as client:
            for origin in ("http://evil.example", "null", f"{url}.evil.example", "https://x:1"):
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await client.ws_connect(f"{url}/ws", headers={"Origin": origin})
                assert refused.value.status == 403, origin
            # No Origin at all: no browser, no page of ours.
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(f"{url}/ws")
            assert refused.value.status == 403
        assert guarded.running == 0
    finally:
        await server.close()


async def test_a_request_for_another_host_is_refused() -> None:
    """DNS rebinding: a name the attacker controls pointed at 127.0.0.1 still says its own
    name in Host."""
    guarded, server, url = await started()
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as client:
            port = url.rsplit(":", 1)[1]
            page = await client.get(f"{url}/", headers={"Host": f"rebound.example:{port}"})
            assert page.status == 421
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(
                    f"{url}/ws",
                    headers={
                        "Host": f"rebound.example:{port}",
                        "Origin": f"http://rebound.example:{port}",
                    },
                )
            assert refused.value.status == 421
            page = await client.get(f"{url}/")
            assert page.status == 200
            assert page.headers["Cache-Control"] == "no-store"
            assert "fonts.googleapis.com" not in await page.text()
        assert guarded.running == 0
    finally:
        await server.close()


async def test_only_so_many_app_processes_run_at_once() -> None:
    guarded, server, url = await started(max_apps=1)
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as client:
            first = await client.ws_connect(f"{url}/ws", headers={"Origin": url})
            assert guarded.running == 1
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(f"{url}/ws", headers={"Origin": url})
            assert refused.value.status == 503
            await first.close()
            # The tab closed: its place is free again.
            port = url.rsplit(":", 1)[1]
            second = await client.ws_connect(
                f"{url}/ws", headers={"Origin": f"http://localhost:{port}"}
            )
            assert guarded.running == 1
            await second.close()
            await until_no_apps(guarded)
            gc.collect()  # textual-serve leaves ended processes' pipes to the collector
    finally:
        await server.close()


async def until_no_apps(guarded: GuardedServer) -> None:
    """The closed tab's app process has ended (it ends on textual-serve's "quit")."""
    for _ in range(400):
        if guarded.running == 0:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"{guarded.running} app process(es) still running")


def test_addresses_are_compared_whole() -> None:
    assert origin_of("HTTP://LocalHost:8000") == "http://localhost:8000"
    assert origin_of("https://clinic.example") == "https://clinic.example:443"
    assert origin_of("http://[::1]:8000") == "http://[::1]:8000"
    assert origin_of("not a url") == ""
    assert hosts_of("clinic.example") == {"clinic.example:80", "clinic.example:443"}
    origins = allowed_origins("https://clinic.example", "127.0.0.1", 8000)
    assert "https://clinic.example" in origins and "http://localhost:8000" in origins


def test_another_network_needs_a_public_address_and_gets_a_warning(tmp_path, capsys) -> None:
    result = run_cli("--data-dir", str(tmp_path), "serve", "--host", "0.0.0.0")
    assert result.returncode == 1
    assert "--public-url" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("--data-dir", str(tmp_path), "serve", "--public-url", "ftp://x")
    assert result.returncode == 1 and "http://" in result.stderr
    result = run_cli("--data-dir", str(tmp_path), "serve", "--max-apps", "0")
    assert result.returncode == 1 and "--max-apps" in result.stderr


def test_each_tab_runs_this_python_on_this_store(tmp_path) -> None:
    command = app_command(tmp_path / "a store", 60.0)
    assert command.startswith(sys.executable)
    assert f"'{tmp_path / 'a store'}'" in command and "--idle-lock 60.0" in command


async def test_closing_the_tab_keeps_a_note_typed_a_moment_before(store, alex, monkeypatch) -> None:
    """textual-serve closes a tab's app with a message, not a key: what was typed is saved
    before the app process ends (without waiting for the pause after typing)."""
    from tui.screens import typing

    # The pause after typing made long, so that on a busy machine it cannot pass while the
    # test settles (it did once, under load, and then there was nothing left to prove).
    monkeypatch.setattr(typing, "SAVE_DELAY", 60.0)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        note = await open_note(app, pilot)
        item = app.screen_stack[-2].items[0]
        note.query_one("#note", TextArea).text = "Talked in the family room"
        await settle(app, pilot)
        assert note._timer is not None  # noqa: SLF001 - the pause after typing has not passed
        app.post_message(ExitApp())
        await pilot.pause()
    assert stored_draft(store.data_dir).answers[item.id]["note"] == "Talked in the family room"
