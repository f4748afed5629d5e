"""Make the README's screenshots from a synthetic store: `python docs/screenshots.py`.

Everything shown is invented demo data.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from services.demo import build as build_demo_store
from store import passwords
from tui.app import SteppingStonesApp

HERE = Path(__file__).resolve().parent
PASSPHRASE = "correct horse battery"


async def main() -> None:
    data_dir = Path(tempfile.mkdtemp()) / "demo"
    # A throwaway store: its people's passphrases need not take the full cost to set. The cost
    # is stored with each hash, so the app signs them in at this one.
    passwords.N = 1024
    report = build_demo_store(data_dir, 3, 12, seed=5, passphrase=PASSPHRASE)
    app = SteppingStonesApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:

        async def settle() -> None:
            # A few rounds: a table sizes its columns when idle after its rows arrive.
            for _ in range(3):
                await app.wait_until_idle()
                await pilot.pause(0.2)

        await settle()
        await pilot.press(*report["first_practitioner"], "tab", *PASSPHRASE, "enter")
        await settle()
        app.save_screenshot("home.svg", path=str(HERE))
        await pilot.press("n")
        await settle()
        await pilot.press("enter")
        await settle()
        await pilot.press("enter")
        await settle()
        await pilot.press("1", "1")
        await pilot.press("3")
        await settle()
        app.save_screenshot("reasons.svg", path=str(HERE))
        await pilot.press("enter")
        await settle()
        await pilot.press("w")
        await settle()
        app.save_screenshot("checklist.svg", path=str(HERE))

    # The supervisor's view: People (an admin's), the supervisees, one supervisee's summary.
    app = SteppingStonesApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:

        async def settle() -> None:
            for _ in range(3):
                await app.wait_until_idle()
                await pilot.pause(0.3)

        await settle()
        await pilot.press(*report["supervisor"], "tab", *PASSPHRASE, "enter")
        await settle()
        # The supervisor is the demo store's admin too: People.
        await pilot.press("u")
        await settle()
        app.save_screenshot("people.svg", path=str(HERE))
        await pilot.press("escape")
        await settle()
        await pilot.press("v")
        await settle()
        app.save_screenshot("supervisees.svg", path=str(HERE))
        await pilot.press("enter")
        await settle()
        await settle()
        app.save_screenshot("supervision.svg", path=str(HERE))


if __name__ == "__main__":
    asyncio.run(main())
