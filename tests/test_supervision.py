"""Reflective supervision: the period summary, comments and supervision records.

Everything here is synthetic: invented staff names, invented reflections, no women's details.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

import pytest

from services import summaries
from store import InvalidInput, PermissionDenied, Store
from store.reports.period import STAFF_REQUIREMENTS, build_summary, choose_period, months_before
from store.supervision import new_action
from tests.helpers import PASSPHRASE, confirm_supervisors, finish_session, one_line_error
from tests.helpers import run_cli as run

COMMENT = "Let's talk about the room next time"
NOTES = "We talked about asking for the quiet room earlier in the day."


# `team` (store, Sam, Jo, Kit, each signed in once) is a fixture in tests/conftest.py.


def summary_json(*args, **kwargs) -> dict:
    """The summary as its JSON object (docs/summary-format.md), as these tests read it."""
    return build_summary(*args, **kwargs).as_dict()


def finished_session(store, person, checklist, days_ago: int, answers: dict, **extra):
    """A finished session completed `days_ago` days ago, with the given answers.

    `answers` maps an item index to (response, reason or None).
    """
    when = (date.today() - timedelta(days=days_ago)).isoformat() + "T10:00:00+00:00"
    return finish_session(store, person, checklist, when, answers, **extra)


def all_answers(checklist, store, person, response="done"):
    session = store.start_session(person, checklist, {})
    count = len(session.visible_items(checklist))
    store.sessions.discard_draft(session)
    return {i: (response, None) for i in range(count)}


def test_summary_figures_match_the_stored_answers_exactly(team, checklist) -> None:
    store, sam, jo, _kit = team
    finished_session(
        store,
        jo,
        checklist,
        3,
        {
            0: ("done", None),
            1: ("partly", "no-private-room"),
            2: ("not_done", "not-enough-time"),
            3: ("not_applicable", None),
            4: ("not_done", None),
        },
        reflection={"differently": "Ask about the room at booking", "feelings": "Tired but ok"},
        flagged=True,
    )
    finished_session(store, jo, checklist, 10, all_answers(checklist, store, jo), setting="home")
    finished_session(
        store,
        jo,
        checklist,
        20,
        {0: ("not_done", "no-private-room"), 5: ("partly", None)},
        baby_removed=True,
        reflection={"supervision": "Would like to talk this through"},
    )
    # Out of the period (the default three months) but in the previous one.
    finished_session(store, jo, checklist, 120, {0: ("not_done", "no-private-room")})

    summary = summary_json(store, sam, of=jo)

    # Count independently from what `sessions list --json` shows.
    listed = [
        s.json_view("Jo Patel")
        for s in store.readable_sessions(sam, of=jo)
        if s.status == "complete"
        and summary["period"]["since"]
        <= s.record["completed_at"][:10]
        <= summary["period"]["until"]
    ]
    assert len(listed) == 3 == summary["activity"]["finished"]
    expected: dict[str, Counter] = {}
    barriers: dict[str, Counter] = {"service": Counter(), "practice": Counter(), "woman": Counter()}
    for row in listed:
        for answer in row["answers"].values():
            if answer["response"] is None:
                continue
            for number in answer["requirements"]:
                expected.setdefault(number, Counter())[answer["response"]] += 1
            if answer["reason"]:
                reason = store.library.reason(answer["reason"])
                barriers[reason.level][reason.id] += 1
    for number, counts in expected.items():
        for response in ("done", "partly", "not_done", "not_applicable"):
            assert summary["requirements"][number][response] == counts[response], number
    assert summary["barriers"] == {level: dict(c) for level, c in barriers.items()}
    assert summary["barriers"]["service"]["no-private-room"] == 2
    assert summary["no_reason"] == 2
    assert set(STAFF_REQUIREMENTS) <= set(summary["requirements"])
    # Unanswered: every shown item without an answer counts for each requirement it cites.
    unanswered = sum(r["unanswered"] for r in summary["requirements"].values())
    assert unanswered > 0
    assert summary["activity"]["by_setting"] == {"clinic": 2, "home": 1}
    assert summary["flagged"][0]["session_id"] == listed[-1]["id"] or summary["flagged"]
    assert [f["text"] for f in summary["flagged"]] == [""]
    assert summary["wellbeing"]["heavy_sessions"][0]["why"].startswith("Her baby")
    assert summary["learning"]["differently"][0]["text"] == "Ask about the room at booking"
    assert sum(w["count"] for w in summary["activity"]["by_week"]) == 3
    json.dumps(summary)  # plain data all the way down


def test_change_from_the_previous_period(team, checklist) -> None:
    store, sam, jo, _kit = team
    until = date.today()
    since = until - timedelta(days=29)
    finished_session(store, jo, checklist, 5, {0: ("done", None)})
    finished_session(store, jo, checklist, 40, {0: ("not_done", "no-private-room")})
    summary = summary_json(store, sam, of=jo, since=since.isoformat())
    first = store.library.checklists["any-contact"].sections[0].items[0].requirements[0]
    row = summary["requirements"][first]
    assert row["share_done"] == 1.0
    assert row["previous_share_done"] == 0.0
    assert row["change"] == 1.0
    assert summary["period"]["basis"] == "given"
    assert summary["period"]["previous"]["until"] == (since - timedelta(days=1)).isoformat()


def test_default_period_starts_at_the_last_supervision_record(team, checklist) -> None:
    store, sam, jo, _kit = team
    assert choose_period(store, jo.id).basis == "three_months"
    assert choose_period(store, jo.id).since == months_before(date.today(), 3)
    meeting = (date.today() - timedelta(days=14)).isoformat()
    action = new_action("Book the quiet room ahead (due 2026-12-01)", "Jo Patel")
    store.supervision.add_record(sam, jo, NOTES, when=meeting, actions=[action])
    finished_session(store, jo, checklist, 20, {0: ("done", None)})
    finished_session(store, jo, checklist, 2, {0: ("done", None)})
    summary = summary_json(store, sam, of=jo)
    assert summary["period"] == {
        "since": meeting,
        "until": date.today().isoformat(),
        "basis": "last_supervision",
        "previous": summary["period"]["previous"],
    }
    assert summary["activity"]["finished"] == 1
    assert summary["last_record"]["date"] == meeting
    assert summary["actions"][0]["text"].startswith("Book the quiet room")
    assert summary["actions"][0]["done"] is False


def test_months_before_handles_short_months() -> None:
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 3) == date(2025, 10, 15)


def test_a_supervisor_comments_and_the_practitioner_sees_it_once(team, checklist) -> None:
    store, sam, jo, kit = team
    session = finished_session(store, jo, checklist, 1, {0: ("done", None)})
    store.supervision.add_comment(sam, jo.id, session.id, COMMENT)
    jo_again = Store(store.data_dir).sign_in("Jo Patel", PASSPHRASE)
    new = store.supervision.unseen_comments(jo_again)
    assert [c.text for c in new] == [COMMENT]
    store.supervision.mark_seen(jo_again, new)
    assert store.supervision.unseen_comments(jo_again) == []
    # Kit is not Jo's supervisor: no comments, no reading.
    with pytest.raises(PermissionDenied):
        store.supervision.add_comment(kit, jo.id, session.id, "hello")
    with pytest.raises(PermissionDenied):
        store.supervision.comments(kit, jo.id)
    # Jo cannot comment on her own session as if she were her supervisor.
    with pytest.raises(PermissionDenied):
        store.supervision.add_comment(jo, jo.id, session.id, "hello")
    with pytest.raises(InvalidInput):
        store.supervision.add_comment(sam, jo.id, session.id, "   ")


def test_comments_and_records_are_sealed_at_rest(team, checklist) -> None:
    store, sam, jo, _kit = team
    session = finished_session(store, jo, checklist, 1, {0: ("done", None)})
    store.supervision.add_comment(sam, jo.id, session.id, COMMENT)
    store.supervision.add_record(sam, jo, NOTES, actions=[new_action("Ask for the room", "Jo")])
    raw = (store.data_dir / "sessions" / jo.id / "supervision.json").read_bytes()
    for secret in (COMMENT, NOTES, "Ask for the room"):
        assert secret.encode() not in raw
    # Both people it concerns can open it.
    assert store.supervision.records(jo, jo.id)[0].content["notes"] == NOTES
    assert store.supervision.records(sam, jo.id)[0].actions[0]["text"] == "Ask for the room"


def test_a_new_supervisor_gains_older_comments_at_sign_in(team, checklist, alex) -> None:
    store, sam, jo, _kit = team
    session = finished_session(store, jo, checklist, 1, {0: ("done", None)})
    store.supervision.add_comment(sam, jo.id, session.id, COMMENT)
    lee = store.people.add("Lee Lead", ["supervisor"], PASSPHRASE, acting=alex)
    lee = store.sign_in("Lee Lead", PASSPHRASE)
    store.people.update(alex, "Jo Patel", add_supervisors=["Lee Lead"])
    confirm_supervisors(store, "Jo Patel")  # her yes, asked once at sign-in
    problems: list = []
    assert store.supervision.comments(lee, jo.id, problems) == []
    assert problems  # reported as not yet shared, not silently empty
    store.reshare_all(store.sign_in("Jo Patel", PASSPHRASE))
    assert [c.text for c in store.supervision.comments(lee, jo.id)] == [COMMENT]


def test_marking_an_action_done_keeps_the_record(team) -> None:
    store, sam, jo, _kit = team
    record = store.supervision.add_record(
        sam, jo, NOTES, actions=[new_action("Read the local guidance", "Jo Patel", "2026-12-01")]
    )
    action_id = record.actions[0]["id"]
    updated = store.supervision.set_action_done(jo, jo.id, record.id, action_id, True)
    assert updated.revision == 2
    again = store.supervision.records(sam, jo.id)[0]
    assert again.actions[0]["done"] is True
    assert again.actions[0]["due"] == "2026-12-01"
    assert again.content["notes"] == NOTES


def test_reading_someone_elses_summary_is_audited(team, checklist) -> None:
    store, sam, jo, kit = team
    finished_session(store, jo, checklist, 1, {0: ("done", None)})
    summaries.build(store, sam, of=jo)
    events = [(e["event"], e["actor"], e["subject"]) for e in store.audit.entries()]
    assert ("read_summary", "Sam Supervisor", "Jo Patel") in events
    with pytest.raises(PermissionDenied):
        summaries.build(store, kit, of=jo)
    # One's own summary is not someone else's.
    summaries.build(store, jo)
    assert ("read_summary", "Jo Patel", "Jo Patel") not in [
        (e["event"], e["actor"], e["subject"]) for e in store.audit.entries()
    ]


def test_bad_dates_are_refused_plainly(team) -> None:
    store, sam, jo, _kit = team
    with pytest.raises(InvalidInput, match="not a date"):
        summary_json(store, sam, of=jo, since="last week")
    with pytest.raises(InvalidInput, match="starts after it ends"):
        summary_json(store, sam, of=jo, since="2026-12-01", until="2026-11-01")
    for far in ("0001-01-01", "9999-12-31"):
        with pytest.raises(InvalidInput, match="out of range"):
            summary_json(store, sam, of=jo, since=far)
    with pytest.raises(InvalidInput, match="in the future"):
        store.supervision.add_record(sam, jo, NOTES, when="2099-01-01")


def test_a_record_after_the_period_does_not_move_its_start(team, checklist) -> None:
    store, sam, jo, _kit = team
    older = (date.today() - timedelta(days=30)).isoformat()
    newer = (date.today() - timedelta(days=5)).isoformat()
    store.supervision.add_record(sam, jo, NOTES, when=older)
    store.supervision.add_record(sam, jo, NOTES, when=newer)
    until = (date.today() - timedelta(days=10)).isoformat()
    summary = summary_json(store, sam, of=jo, until=until)
    assert summary["period"]["since"] == older
    assert summary["period"]["basis"] == "last_supervision"
    assert summary["last_record"]["date"] == older


# -- command line ------------------------------------------------------------------------------
@pytest.fixture
def cli_team(team, checklist, passphrase_file):
    store, sam, jo, kit = team
    session = finished_session(
        store,
        jo,
        checklist,
        2,
        {0: ("not_done", "no-private-room"), 1: ("done", None)},
        reflection={"differently": "Ask earlier", "feelings": "A heavy day"},
        flagged=True,
    )
    return store, session, passphrase_file


def test_cli_summary_formats(cli_team, tmp_path) -> None:
    store, session, pf = cli_team
    base = ["--user", "Sam Supervisor", "--passphrase-file", str(pf), "--of", "Jo Patel"]
    result = run("summary", *base, "--format", "json", data_dir=store.data_dir)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["barriers"]["service"] == {"no-private-room": 1}
    assert data["activity"]["finished"] == 1
    md = run("summary", *base, "--format", "md", data_dir=store.data_dir)
    assert md.returncode == 0 and "Ask earlier" in md.stdout
    out = tmp_path / "summary.html"
    html = run("summary", *base, "--format", "html", "--out", str(out), data_dir=store.data_dir)
    assert html.returncode == 0, html.stderr
    assert out.read_text().lstrip().lower().startswith("<!doctype html")
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    mine = ["--user", "Jo Patel", "--passphrase-file", str(pf)]
    nmc = run("summary", *mine, "--format", "nmc", "--session", session.id, data_dir=store.data_dir)
    assert nmc.returncode == 0, nmc.stderr
    assert "Jo Patel" not in nmc.stdout and session.id not in nmc.stdout
    bad = run("summary", *mine, "--format", "nmc", "--session", "nope", data_dir=store.data_dir)
    assert one_line_error(bad)
    # A reflective account is the practitioner's own.
    theirs = run("summary", *base, "--format", "nmc", data_dir=store.data_dir)
    assert "practitioner's own" in one_line_error(theirs)
    # Never written inside the store; --json says where the file went.
    inside = store.data_dir / "people.json"
    before = inside.read_bytes()
    refused = run("summary", *base, "--out", str(inside), data_dir=store.data_dir)
    assert "inside the store folder" in one_line_error(refused)
    assert inside.read_bytes() == before
    where = tmp_path / "s.md"
    said = run("summary", *base, "--out", str(where), "--json", data_dir=store.data_dir)
    assert json.loads(said.stdout) == {"path": str(where), "format": "json"}
    assert json.loads(where.read_text())["person"] == "Jo Patel"
    kit = run(
        "summary",
        "--user",
        "Kit Novak",
        "--passphrase-file",
        str(pf),
        "--of",
        "Jo Patel",
        data_dir=store.data_dir,
    )
    assert "supervisor" in one_line_error(kit)


def test_cli_comment_record_list_and_done(cli_team, tmp_path) -> None:
    store, session, pf = cli_team
    sam = ["--user", "Sam Supervisor", "--passphrase-file", str(pf)]
    jo = ["--user", "Jo Patel", "--passphrase-file", str(pf)]
    result = run(
        "supervision", "comment", session.id, *sam, "--text", COMMENT, data_dir=store.data_dir
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(run("sessions", "list", *jo, "--json", data_dir=store.data_dir).stdout)
    assert listed[0]["comments"][0]["text"] == COMMENT
    assert listed[0]["comments"][0]["by"] == "Sam Supervisor"
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES)
    result = run(
        "supervision",
        "record",
        *sam,
        "--of",
        "Jo Patel",
        "--notes-file",
        str(notes),
        "--action",
        "Ask for the room at booking (due 2026-12-01)",
        "--action",
        "Read 7.3",
        "--session",
        session.id,
        "--json",
        data_dir=store.data_dir,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert [a["text"] for a in record["actions"]] == ["Ask for the room at booking", "Read 7.3"]
    assert record["actions"][0]["due"] == "2026-12-01"
    assert record["actions"][0]["owner"] == "Jo Patel"
    done = run(
        "supervision",
        "done",
        record["id"],
        record["actions"][0]["id"],
        *jo,
        "--json",
        data_dir=store.data_dir,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["actions"][0]["done"] is True
    mine = json.loads(run("supervision", "list", *jo, "--json", data_dir=store.data_dir).stdout)
    assert mine["records"][0]["notes"] == NOTES
    assert mine["comments"][0]["text"] == COMMENT
    # A phone number in a comment is refused in one line; nothing is saved.
    refused = run(
        "supervision",
        "comment",
        session.id,
        *sam,
        "--text",
        "Ring 07700 900123",
        data_dir=store.data_dir,
    )
    assert "phone" in one_line_error(refused).lower()
    # A session that is not hers, a due date that is not a date, a name with an address.
    notes_args = [*sam, "--of", "Jo Patel", "--notes-file", str(notes)]
    wrong = run("supervision", "record", *notes_args, "--session", "nope", data_dir=store.data_dir)
    assert "no session nope" in one_line_error(wrong)
    vague = run(
        "supervision", "record", *notes_args, "--action", "Read it (due tomorrow)",
        data_dir=store.data_dir,
    )  # fmt: skip
    assert "(due 2026-12-01)" in one_line_error(vague)
    where = run(
        "supervision", "record", *notes_args, "--present", "Jo, 12 High Street, SW1A 1AA",
        data_dir=store.data_dir,
    )  # fmt: skip
    assert "postcode" in one_line_error(where).lower()
    assert (
        len(Store(store.data_dir).supervision.raw(store.people.find("Jo Patel").id, "record")) == 1
    )
    # Jo is not her own supervisor.
    own = run("supervision", "comment", session.id, *jo, "--text", "hi", data_dir=store.data_dir)
    assert "supervisor" in one_line_error(own)
    events = [e["event"] for e in Store(store.data_dir).audit.entries()]
    assert "comment_added" in events and "supervision_record_added" in events
    assert "action_updated" in events


def test_an_answer_hidden_by_a_changed_answer_is_not_counted(team, checklist_v1) -> None:
    """Preferred contact Done shows 'safe to contact'; changing it to N/A hides that item
    again, and its old Not done (and barrier) no longer counts: the practitioner took it back."""
    store, sam, jo, _kit = team
    items = {item.id: item for section in checklist_v1.sections for item in section.items}
    session = store.start_session(jo, checklist_v1, {})
    session.answer(items["preferred-contact"], "done")
    session.answer(items["safe-to-contact"], "not_done")
    session.set_reason(items["safe-to-contact"], "short-staffed")
    session.answer(items["preferred-contact"], "not_applicable")
    store.sessions.save_draft(session)
    store.sessions.finish(session)
    summary = summary_json(store, sam, of=jo)
    hidden = items["safe-to-contact"].requirements
    shown_only = {
        number: sum(1 for i in session.visible_items(checklist_v1) if number in i.requirements)
        for number in hidden
    }
    for number in hidden:
        row = summary["requirements"][number]
        assert row["not_done"] == 0
        assert (
            sum(row[k] for k in ("done", "partly", "not_done", "not_applicable", "unanswered"))
            == (shown_only[number])
        )
    assert summary["barriers"]["service"] == {}
    assert summary["sessions"][0]["answered"] == 1


def test_a_comment_or_record_cannot_be_forged_or_altered(team, checklist) -> None:
    """Anyone can seal for a public key, so what a supervisor writes is also signed: a note
    claiming to be Sam's that Sam did not sign, or one whose clear part was changed, is
    reported and never shown."""
    import copy

    from store.crypto import sign
    from store.supervision import signed_part

    store, sam, jo, _kit = team
    session = finished_session(store, jo, checklist, 1, {0: ("done", None)})
    store.supervision.add_comment(sam, jo.id, session.id, COMMENT)
    store.supervision.add_record(sam, jo, NOTES, actions=[new_action("Ask early", "Jo Patel")])
    file = store.supervision.file(jo.id)
    [record] = store.supervision.raw(jo.id, "record")

    # Jo re-dates Sam's record (to hide her sessions from the next summary): refused.
    later = (date.today() - timedelta(days=1)).isoformat()  # any date but the real one
    moved = {**copy.deepcopy(record), "date": later, "revision": 9}
    # Jo writes a "comment by Sam", sealed for both and signed with her own key: refused.
    [comment] = store.supervision.raw(jo.id, "comment")
    forged = {**copy.deepcopy(comment), "id": "6a1f8f8e-0000-4000-8000-000000000001"}
    forged["signature"] = sign(jo.private_key, signed_part(forged))
    with file.transaction() as db:
        file.table(db, "records").truncate()
        file.table(db, "records").insert(moved)
        file.table(db, "comments").insert(forged)

    problems: list = []
    assert [c.text for c in store.supervision.comments(sam, jo.id, problems)] == [COMMENT]
    assert store.supervision.records(sam, jo.id, problems) == []
    assert len(problems) == 2
    assert all("altered" in str(p) for p in problems)
    # Ticking an action done is still possible: it changes only the clear part.


def test_an_entry_of_the_wrong_shape_is_reported_and_the_rest_are_shown(team, checklist) -> None:
    """A hand-edited comment that is not even a sealed record is damaged like a broken seal:
    named among the problems, never a reason to stop listing or re-sharing the others."""
    from store.crypto import SealError

    store, sam, jo, _kit = team
    session = finished_session(store, jo, checklist, 1, {0: ("done", None)})
    store.supervision.add_comment(sam, jo.id, session.id, COMMENT)
    [comment] = store.supervision.raw(jo.id, "comment")
    broken = {**comment, "id": "6a1f8f8e-0000-4000-8000-000000000002", "sealed": ["a", "list"]}
    file = store.supervision.file(jo.id)
    with file.transaction() as db:
        file.table(db, "comments").insert(broken)

    problems: list = []
    assert [c.text for c in store.supervision.comments(jo, jo.id, problems)] == [COMMENT]
    assert [str(p) for p in problems] == [
        "A supervision comment is damaged, so it cannot be opened."
    ]
    assert all(isinstance(p, SealError) for p in problems)
    assert store.supervision.reshare(jo.id, sam) == 0
    with pytest.raises(SealError, match="damaged"):
        store.supervision.comments(jo, jo.id)


def test_ticking_an_action_keeps_the_signature(team) -> None:
    store, sam, jo, _kit = team
    record = store.supervision.add_record(
        sam, jo, NOTES, actions=[new_action("Ask early", "Jo Patel")]
    )
    store.supervision.set_action_done(jo, jo.id, record.id, record.actions[0]["id"], True)
    problems: list = []
    [again] = store.supervision.records(sam, jo.id, problems)
    assert problems == [] and again.actions[0]["done"] is True
