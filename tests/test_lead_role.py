"""The service lead role (issue 16, "Who"): a lead who has no other role sees no session, by
the command line or the services; the report key reaches a lead added later only through a
lead who has it saying yes; and a planted key, wrap or role gets nobody anything."""

from __future__ import annotations

import json

import pytest

from services import people, report_key, summaries
from services import sessions as session_use
from services.errors import NotAllowed
from services.service_parts import read_parts
from store.report_key import WRAPS, ReportKeys
from tests.helpers import PASSPHRASE, finish_session, one_line_error, run_cli


@pytest.fixture
def lee(team, alex):
    people.add_person(team.store, alex, "Lee Lead", ["lead"], PASSPHRASE)
    return people.sign_in(team.store, "Lee Lead", PASSPHRASE)


def test_a_lead_cannot_list_open_summarise_or_export_anyones_sessions(team, lee, checklist):
    """The attack: a lead-only account asks the services for sessions, its own and others'."""
    store = team.store
    finish_session(store, team.jo, checklist, "2026-10-03T10:00:00+00:00", {0: ("done", None)})
    with pytest.raises(NotAllowed, match="service lead"):
        session_use.readable(store, lee)
    with pytest.raises(NotAllowed):
        session_use.readable(store, lee, of=team.jo)
    with pytest.raises(NotAllowed):
        session_use.opened(store, lee, team.jo)
    with pytest.raises(NotAllowed):
        summaries.build(store, lee, of=team.jo)
    with pytest.raises(NotAllowed):
        summaries.overview(store, lee)
    from services import exchange, interop

    with pytest.raises(NotAllowed):
        exchange.export_bundle(store, lee, store.data_dir.parent / "out.bundle", of=team.jo)
    with pytest.raises(NotAllowed):
        interop.export_csv(store, lee, store.data_dir.parent / "out.csv", of=team.jo)
    assert not store.may_read(lee, team.jo)
    with pytest.raises(Exception, match="service lead"):
        store.start_session(lee, checklist, {})


def test_a_lead_is_refused_sessions_on_the_command_line(
    team, lee, checklist, data_dir, passphrase_file
):
    finish_session(team.store, team.jo, checklist, "2026-10-03T10:00:00+00:00", {0: ("done", None)})
    acting = ["--user", "Lee Lead", "--passphrase-file", str(passphrase_file)]
    for args in (
        ["sessions", "list", *acting],
        ["sessions", "list", *acting, "--of", "Jo Patel"],
        ["summary", *acting, "--of", "Jo Patel"],
        ["export", *acting, "--of", "Jo Patel", "--out", str(data_dir.parent / "x.bundle")],
    ):
        result = run_cli(*args, data_dir=data_dir)
        assert "service lead" in one_line_error(result), args


def test_an_admin_gives_the_lead_role_on_the_command_line(team, data_dir, passphrase_file):
    acting = ["--user", "Alex Reid", "--passphrase-file", str(passphrase_file)]
    result = run_cli(
        "users", "add", "Lee Lead", "--role", "lead", "--new-passphrase-file",
        str(passphrase_file), *acting, data_dir=data_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert ReportKeys(team.store.people).public() is not None
    result = run_cli("users", "list", "--json", *acting, data_dir=data_dir)
    listed = {p["name"]: p["roles"] for p in json.loads(result.stdout)}
    assert listed["Lee Lead"] == ["lead"]


def test_a_lead_added_later_reads_older_parts_after_a_holder_says_yes(team, alex, lee, checklist):
    store = team.store
    finish_session(store, team.jo, checklist, "2026-09-03T10:00:00+00:00", {0: ("done", None)})
    people.reshare(store, people.sign_in(store, "Jo Patel", PASSPHRASE))
    people.add_person(store, alex, "Lou Later", ["lead"], PASSPHRASE)
    lou = people.sign_in(store, "Lou Later", PASSPHRASE)
    assert not read_parts(store, lou, "2026-09", "2026-09").has_key
    waiting = report_key.waiting_leads(store, lee)
    assert [w["question"] for w in waiting] == [
        f"Share the service report key with Lou Later, added by Alex Reid on {waiting[0]['on']}?"
    ]
    assert report_key.waiting_leads(store, lou) == []  # Lou has nothing to share
    report_key.share(store, lee, waiting[0])
    assert report_key.waiting_leads(store, lee) == []
    read = read_parts(store, lou, "2026-09", "2026-09")
    assert read.has_key and len(read.contacts) == 1
    events = [e["event"] for e in store.audit.entries()]
    assert events.count("report_key_made") == 1 and "report_key_shared" in events


def test_the_command_line_asks_a_holder_or_takes_the_flag(
    team, alex, lee, data_dir, passphrase_file
):
    store = team.store
    people.add_person(store, alex, "Lou Later", ["lead"], PASSPHRASE)
    acting = ["--user", "Lee Lead", "--passphrase-file", str(passphrase_file)]
    result = run_cli("sessions", "list", *acting, data_dir=data_dir)
    assert "Lou Later was added as a service lead by Alex Reid" in result.stderr
    run_cli("sessions", "list", *acting, "--share-report-key", "lou later", data_dir=data_dir)
    lou = people.sign_in(store, "Lou Later", PASSPHRASE)
    assert read_parts(store, lou, "2026-09", "2026-09").has_key


def test_a_role_wrap_or_key_planted_in_people_json_gets_nobody_the_key(team, alex, lee):
    """The attack: Kit edits people.json to give herself the lead role, plants a wrap of a key
    of her own for herself, and a second report-key change."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from store.crypto import b64, fingerprint, public_bytes, wrap_for
    from store.directory import change_hash

    store = team.store
    path = store.data_dir / "people.json"
    data = json.loads(path.read_text())
    for row in data["people"].values():
        if row["name"] == "Kit Novak":
            row["roles"] = ["practitioner", "lead"]
    fake = X25519PrivateKey.generate()
    wrap = wrap_for(b"\0" * 32, team.kit.public, b"x")
    data[WRAPS]["99"] = {
        "lead": team.kit.id, "report": b64(public_bytes(fake)), **wrap,
        "by": team.kit.id, "at": "2026-10-01T00:00:00+00:00", "sig": "AAAA",
    }  # fmt: skip
    changes = data["changes"]
    last = changes[max(changes, key=int)]
    changes[str(int(max(changes, key=int)) + 1)] = {
        "prev": change_hash(last), "by": team.kit.id, "at": "2026-10-01T00:00:00+00:00",
        "event": "report_key_made", "report": {"public": b64(public_bytes(fake))}, "sig": "AAAA",
    }  # fmt: skip
    path.write_text(json.dumps(data))
    kit = people.sign_in(store, "Kit Novak", PASSPHRASE)
    with pytest.raises(NotAllowed):
        read_parts(store, kit, "2026-09", "2026-09")
    assert [w["name"] for w in report_key.waiting_leads(store, lee)] == []
    assert ReportKeys(store.people).public() != public_bytes(fake)
    assert fingerprint(ReportKeys(store.people).public() or b"") != fingerprint(public_bytes(fake))


async def test_signing_in_the_app_asks_a_holder_to_share_the_key(team, alex, lee) -> None:
    """Lee has the key; Lou is added as a lead: at Lee's next sign-in in the app she is asked
    once, `n` leaves Lou waiting (asked again next time), `y` shares it."""
    from tests.helpers import SIZE, press, rendered_text, settle, sign_in
    from tui.app import SteppingStonesApp
    from tui.screens.confirm import ConfirmScreen
    from tui.screens.home import HomeScreen

    store = team.store
    people.add_person(store, alex, "Lou Later", ["lead"], PASSPHRASE)
    for answer, waiting in (("n", 1), ("y", 0)):
        app = SteppingStonesApp(data_dir=store.data_dir)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(app, pilot, "Lee Lead")
            await settle(app, pilot, workers=True)
            assert isinstance(app.screen, ConfirmScreen)
            assert "Share the service report key with Lou Later, added by Alex Reid on" in (
                rendered_text(app)
            )
            await press(pilot, answer, then=HomeScreen)
        assert len(report_key.waiting_leads(store, lee)) == waiting
    lou = people.sign_in(store, "Lou Later", PASSPHRASE)
    assert read_parts(store, lou, "2026-09", "2026-09").has_key


def test_resetting_the_only_lead_who_holds_the_report_key_warns_and_asks_first(
    team, alex, lee, data_dir, passphrase_file
):
    """The key exists once: resetting the one lead who holds it would leave nobody able to
    read the service's figures, for good. The admin is told before, the command line refuses
    without --lose-report-key, and afterwards the lead is told why, not "shared with you when
    a lead who has it signs in" (nobody has it)."""
    store = team.store
    text, someone = people.reset_consequences(store, "Lee Lead")
    assert not someone  # shown as a warning
    assert "only service lead who holds the service report key" in text
    assert "cannot be made again" in text
    acting = ["--user", "Alex Reid", "--passphrase-file", str(passphrase_file)]
    reset = ["users", "reset-passphrase", "Lee Lead", "--new-passphrase-file"]
    new = data_dir.parent / "new-passphrase"
    new.write_text("a new and different passphrase\n")
    refused = run_cli(*reset, str(new), *acting, data_dir=data_dir)
    assert "only service lead who holds the service report key" in one_line_error(refused)
    assert people.sign_in(store, "Lee Lead", PASSPHRASE)  # nothing changed
    # With a second lead holding the key, a reset costs the service nothing: no warning.
    people.add_person(store, alex, "Lou Later", ["lead"], PASSPHRASE)
    lou = people.sign_in(store, "Lou Later", PASSPHRASE)
    report_key.share(store, lee, report_key.waiting_leads(store, lee)[0])
    text, _ = people.reset_consequences(store, "Lee Lead")
    assert "report key" not in text
    # Back to one holder, and the admin goes on knowingly.
    people.update_person(
        store, alex, "Lou Later", remove_roles=["lead"], add_roles=["practitioner"]
    )
    done = run_cli(*reset, str(new), *acting, "--lose-report-key", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    lee_again = people.sign_in(store, "Lee Lead", "a new and different passphrase")
    read = read_parts(store, lee_again, "2026-09", "2026-09")
    assert not read.has_key
    assert "Nobody holds the service report key any more" in " ".join(read.problems)
    assert lou is not None
