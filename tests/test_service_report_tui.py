"""The Service report screen at 80x24 (issue 16): a lead signs in, presses `l`, and reads the
team's barriers, the blocked-care grid and what is working; nobody else has the key."""

from __future__ import annotations

import pytest

from services import people
from store.service_parts import opaque_id, write_part
from tests import helpers
from tests.helpers import PASSPHRASE, SIZE, rendered_text, sign_in
from tests.test_service_report import PRACTITIONERS, month_before
from tui.app import SteppingStonesApp
from tui.screens.home import HomeScreen
from tui.screens.service_report import ServiceReportScreen


def answers(blocked: bool) -> list[dict]:
    def one(item, requirement, response="done", reasons=()):
        return {
            "item": item,
            "requirements": [requirement],
            "critical": False,
            "response": response,
            "reasons": list(reasons),
        }

    first = one("private-space", "7.1", "not_done", ["no-private-room"]) if blocked else None
    return [a for a in (first, one("listen", "7.2"), one("plan", "8.1")) if a]


def fill(store, alex) -> None:
    """Five practitioners, each with two contacts held up by no private room and two without,
    in each of the last three full months; and a lead."""
    staff = [
        people.add_person(store, alex, name, ["practitioner"], PASSPHRASE) for name in PRACTITIONERS
    ]
    staff = [people.sign_in(store, p.name, PASSPHRASE) for p in staff]
    people.add_person(store, alex, "Lee Lead", ["lead"], PASSPHRASE)
    people.sign_in(store, "Lee Lead", PASSPHRASE)
    for back in (1, 2, 3):
        month = month_before(back)
        for person in staff:
            for blocked in (True, True, False, False):
                part = {
                    "kind": "contact",
                    "checklist": "any-contact",
                    "version": 1,
                    "month": month,
                    "setup": {"setting": "clinic", "stage": "antenatal"},
                    "flagged": False,
                    "answers": answers(blocked),
                    "author": opaque_id(person.sign_publics[0]),
                }
                write_part(store, part, person)


@pytest.fixture
def service(store, alex):
    fill(store, alex)
    return store


async def test_a_lead_presses_l_and_reads_the_teams_figures(service) -> None:
    app = SteppingStonesApp(data_dir=service.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Lee Lead")
        await helpers.settle(app, pilot, workers=True)
        assert isinstance(app.screen, HomeScreen)
        home = rendered_text(app)
        # Home says what a lead is here for, with no error and nothing they cannot use.
        assert "signed in as a service lead" in home and "service report" in home
        assert "Could not read" not in home and "recent sessions" not in home
        for word in ("new checklist", "resume", "prepare for supervision", "export"):
            assert word not in home, word
        footer = [key.key for key in app.screen.query("FooterKey")]
        assert "r" not in footer and "n" not in footer
        for key in ("n", "r", "p", "e", "i", "enter"):
            await pilot.press(key)
            await helpers.settle(app, pilot)
            assert isinstance(app.screen, HomeScreen), key
        await pilot.press("l")
        await helpers.settle(app, pilot, workers=True)
        assert isinstance(app.screen, ServiceReportScreen)
        text = rendered_text(app)
        assert "Contacts: 60" in text and "Practitioners: 5" in text
        assert "Service barriers" in text and "No private room to talk" in text
        row = next(line for line in text.splitlines() if "No private room to talk" in line)
        assert "30" in row and "50.0" in row  # 30 of 60 contacts
        assert "Care not given against what blocked it" in text
        assert "What is working" in text
        working = text.split("What is working")[1]
        assert "7.2" in working and "100%" in working
        for name in PRACTITIONERS:
            assert name not in text
        await pilot.press("escape")
        await helpers.settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_someone_who_is_not_a_lead_has_no_service_report_key(service) -> None:
    app = SteppingStonesApp(data_dir=service.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Ann Ash")
        await helpers.settle(app, pilot, workers=True)
        assert "service report" not in rendered_text(app)
        await pilot.press("l")
        await helpers.settle(app, pilot, workers=True)
        assert isinstance(app.screen, HomeScreen)


async def test_a_lead_is_not_offered_session_commands_anywhere(service) -> None:
    from tui import commands

    app = SteppingStonesApp(data_dir=service.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Lee Lead")
        await helpers.settle(app, pilot, workers=True)
        await pilot.press("l")
        await helpers.settle(app, pilot, workers=True)
        assert isinstance(app.screen, ServiceReportScreen)
        offered = {command.title for command in commands.for_screen(app, app.screen)}
        assert "Service report" in offered or "Sign out" in offered
        for title in ("New checklist", "Resume", "Prepare for supervision", "Export", "Import"):
            assert title not in offered, title
