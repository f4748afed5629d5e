"""`stepping-stones serve` in a real browser: Debian's Chromium, driven by Selenium.

The installed command serves a store on a free port on this machine; Chromium opens the page,
signs in, answers an item and starts a note; the answer and, once the tab is gone, the note
are read back through `sessions list --json`. What the app draws comes over the websocket,
read from Chromium's own network log, so the test waits for words on the screen, never for a
fixed time. Without chromium or chromium-driver this fails: .ci/run installs them.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.app import ALEX, PASSPHRASES, TmuxStore, make_store, sessions_of
from tests.helpers import COMMAND

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
DEADLINE = 60.0
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait(what: str, ready: Callable[[], object], deadline: float = DEADLINE):
    """Poll `ready` until it gives something true; fail saying what never happened."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = ready()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TmuxStore, str]]:
    store = make_store(tmp_path, tmp_path / "store")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [COMMAND, "--data-dir", str(store.data_dir), "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        def listening() -> bool:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return True
            except OSError:
                return False

        wait("the server to listen", listening)
        yield store, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)
        log.close()


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert Path(CHROMIUM).exists(), "chromium is not installed (apt-get install chromium)"
    assert Path(CHROMEDRIVER).exists(), (
        "chromedriver is not installed (apt-get install chromium-driver)"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        # 200% zoom of a 1280×900 window: half the CSS pixels each way, each drawn twice as
        # big (what the browser's zoom does), so the whole test runs at the zoom
        # ACCESSIBILITY.md promises (67×17 cells).
        "--window-size=640,450",
        "--force-device-scale-factor=2",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


class Screen:
    """What the app has drawn, as text: the websocket's frames from Chromium's network log."""

    def __init__(self, driver) -> None:
        self.driver = driver
        self.drawn = ""

    def read(self) -> str:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] != "Network.webSocketFrameReceived":
                continue
            frame = message["params"]["response"]
            payload = frame["payloadData"]
            data = base64.b64decode(payload) if frame["opcode"] == 2 else payload.encode()
            self.drawn += ESCAPES.sub("", data.decode("utf-8", "replace"))
        return self.drawn

    def mark(self) -> int:
        return len(self.read())

    def shows(self, text: str, since: int = 0) -> None:
        wait(f"{text!r} on the screen", lambda: text in self.read()[since:])


def keys(driver, *typed: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    chain = ActionChains(driver)
    for text in typed:
        chain.send_keys(text)
    chain.perform()


def draft_of(store: TmuxStore) -> dict | None:
    drafts = sessions_of(store, ALEX, "--status", "draft")
    return drafts[0] if drafts else None


def test_a_checklist_answered_in_chromium_is_in_the_store(served, browser) -> None:
    from selenium.webdriver.common.keys import Keys

    store, url = served
    screen = Screen(browser)
    browser.get(url + "/")
    screen.shows("Passphrase")
    # Keys go to the terminal's own input, not to whatever field a click would land on.
    browser.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
    at = screen.mark()
    keys(browser, ALEX, Keys.TAB, PASSPHRASES[ALEX], Keys.ENTER)
    screen.shows("Signed in as", since=at)

    at = screen.mark()
    keys(browser, "n")
    screen.shows("Which checklist", since=at)
    at = screen.mark()
    keys(browser, Keys.ENTER)
    screen.shows("Setting", since=at)
    keys(browser, Keys.ENTER)
    wait("the new unfinished checklist", lambda: draft_of(store))
    at = screen.mark()
    keys(browser, "2")
    screen.shows("Something in the service", since=at)  # the reasons, drawn
    keys(browser, Keys.ENTER)  # the highlighted reason

    def answered() -> list[dict]:
        # Partly is saved at once; its reason when the picker closes.
        return [a for a in draft_of(store)["answers"].values() if a.get("reasons")]

    (answer,) = wait("the answer and its reason on disk", answered)
    assert answer["response"] == "partly" and answer["reasons"], answer

    # A note typed, and the tab gone before the pause after typing: it is kept.
    at = screen.mark()
    keys(browser, "n")
    screen.shows("Note", since=at)
    at = screen.mark()
    keys(browser, "Typed in the browser")
    screen.shows("browser", since=at)
    # Nothing of it stays in the browser.
    kept = browser.execute_script(
        "return [localStorage.length, sessionStorage.length, document.cookie]"
    )
    assert kept == [0, 0, ""]
    browser.get("about:blank")

    def notes() -> list[str]:
        return [a.get("note") for a in draft_of(store)["answers"].values()]

    wait("the note on disk", lambda: "Typed in the browser" in notes())
