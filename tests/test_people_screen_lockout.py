"""The People screen (admins) at 80x24, for issue 13: a locked-out colleague shows as
`locked`, `l` lifts it (audited as `lockout_lifted`), and the audit trail's head is shown so
an admin can write it down for `audit verify --anchor`. Names are synthetic."""

from __future__ import annotations

import pytest

from services import audit as audit_use
from services import people
from store.errors import SignInError
from store.lockout import ATTEMPTS, LockedOut
from tests.helpers import PASSPHRASE, SIZE, press, rendered_text, settle
from tests.test_people_screen import highlight, open_people, table_rows
from tui.app import SteppingStonesApp
from tui.screens.people import PeopleScreen


async def lift(app, pilot, name: str) -> str:
    """`l` on this person's row; what the screen then says."""
    await highlight(app, pilot, name)
    await press(pilot, "l", then=PeopleScreen)
    await settle(app, pilot, workers=True)
    return rendered_text(app)


async def test_an_admin_sees_a_lockout_and_lifts_it(team) -> None:
    store = team.store
    for _ in range(ATTEMPTS - 1):
        with pytest.raises(SignInError):
            people.sign_in(store, "Jo Patel", "a wrong guess")
    with pytest.raises(LockedOut, match="People screen"):
        people.sign_in(store, "Jo Patel", "a wrong guess")
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_people(app, pilot)
        assert table_rows(app)["Jo Patel"][-1] == "locked"
        assert table_rows(app)["Kit Novak"][-1] == "on"
        assert audit_use.head(store) in rendered_text(app).replace("\n", "")
        assert "Lifted the lockout for Jo Patel" in await lift(app, pilot, "Jo Patel")
        assert table_rows(app)["Jo Patel"][-1] == "on"
        # The head moved on with the lift's own entry, and the screen shows the new one.
        assert audit_use.head(store) in rendered_text(app).replace("\n", "")
        assert "Kit Novak is not locked out" in await lift(app, pilot, "Kit Novak")
    lifted = [e for e in store.audit.entries() if e["event"] == "lockout_lifted"]
    assert [(e["actor"], e["subject"]) for e in lifted] == [("Alex Reid", "Jo Patel")]
    assert people.sign_in(store, "Jo Patel", PASSPHRASE).name == "Jo Patel"
