"""The services without Textual: who may act, the identifier guard's one policy, the audit
entry each use case writes (its event, and never the content)."""

from __future__ import annotations

import pytest

from services import session_lock, sessions, summaries, supervision
from services.errors import AuditFailed, IdentifierRefused, NeedsConfirmation
from store import PermissionDenied, StoreError
from store.errors import NotFound
from store.supervision import new_action
from tests.test_supervision import finished_session

BARE_DATE = "Talk about the visit on 12/03/1998"
PHONE = "Ring her on 07700 900123"


def last(store) -> dict:
    return store.audit.entries()[-1]


def audit_text(store) -> str:
    return store.audit.path.read_text(encoding="utf-8")


@pytest.fixture
def jo_session(team, checklist):
    return finished_session(team.store, team.jo, checklist, 3, {0: ("done", None)})


# -- comments -------------------------------------------------------------------------------


def test_only_the_supervisor_comments(team, jo_session) -> None:
    with pytest.raises(PermissionDenied):
        supervision.add_comment(team.store, team.kit, team.jo, jo_session.id, "Well done")
    with pytest.raises(PermissionDenied):
        supervision.add_comment(team.store, team.jo, team.jo, jo_session.id, "Well done")


def test_a_comment_with_an_identifier_is_refused_even_when_confirmed(team, jo_session) -> None:
    before = len(team.store.audit.entries())
    with pytest.raises(IdentifierRefused) as caught:
        supervision.add_comment(team.store, team.sam, team.jo, jo_session.id, PHONE, confirmed=True)
    assert caught.value.summary == "Not saved: contains a phone number"
    assert "a phone number (07700 900123)" in str(caught.value)
    assert isinstance(caught.value, StoreError)
    assert team.store.supervision.comments(team.sam, team.jo.id) == []
    assert len(team.store.audit.entries()) == before


def test_a_bare_date_is_a_warning_the_person_confirms(team, jo_session) -> None:
    assert [f.kind for f in supervision.check_text(BARE_DATE, "comment")] == ["date_of_birth"]
    with pytest.raises(NeedsConfirmation) as caught:
        supervision.add_comment(team.store, team.sam, team.jo, jo_session.id, BARE_DATE)
    assert [f.text for f in caught.value.warnings] == ["12/03/1998"]
    assert str(caught.value).startswith("This comment contains what looks like")
    comment = supervision.add_comment(
        team.store, team.sam, team.jo, jo_session.id, BARE_DATE, confirmed=True
    )
    assert comment.text == BARE_DATE


def test_a_comment_is_audited_without_its_words(team, jo_session) -> None:
    supervision.add_comment(team.store, team.sam, team.jo, jo_session.id, "Let's talk")
    entry = last(team.store)
    assert (entry["event"], entry["actor"], entry["subject"]) == (
        "comment_added",
        "Sam Supervisor",
        "Jo Patel",
    )
    assert entry["detail"] == {"session": jo_session.id}
    assert "Let's talk" not in audit_text(team.store)


def test_the_session_must_be_one_the_person_may_read(team, jo_session) -> None:
    assert supervision.session_author(team.store, team.sam, jo_session.id).id == team.jo.id
    with pytest.raises(NotFound, match="that you may read"):
        supervision.session_author(team.store, team.kit, jo_session.id)


def test_saved_but_not_audited_says_so_with_the_result(team, jo_session, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise StoreError("The audit trail is busy.")

    monkeypatch.setattr(team.store.audit, "append", broken)
    with pytest.raises(AuditFailed) as caught:
        supervision.add_comment(team.store, team.sam, team.jo, jo_session.id, "Let's talk")
    assert str(caught.value) == "The audit trail is busy."
    assert caught.value.result.text == "Let's talk"
    assert len(team.store.supervision.comments(team.sam, team.jo.id)) == 1


def test_comments_seen_are_audited(team, jo_session) -> None:
    supervision.add_comment(team.store, team.sam, team.jo, jo_session.id, "Let's talk")
    unseen = team.store.supervision.unseen_comments(team.jo)
    supervision.mark_comments_seen(team.store, team.jo, unseen)
    assert team.store.supervision.unseen_comments(team.jo) == []
    entry = last(team.store)
    assert (entry["event"], entry["actor"], entry["detail"]) == (
        "comments_seen",
        "Jo Patel",
        {"comments": 1},
    )


# -- supervision records and actions --------------------------------------------------------


def test_only_the_supervisor_writes_a_record(team) -> None:
    with pytest.raises(PermissionDenied):
        supervision.add_record(team.store, team.jo, team.jo, "Notes")
    with pytest.raises(PermissionDenied):
        supervision.add_record(team.store, team.kit, team.jo, "Notes")


def test_a_record_is_guarded_field_by_field(team) -> None:
    store = team.store
    with pytest.raises(IdentifierRefused) as caught:
        supervision.add_record(
            store, team.sam, team.jo, "Notes", actions=[new_action(PHONE, "Jo Patel")]
        )
    assert caught.value.field == "action-1" and caught.value.noun == "action"
    with pytest.raises(NeedsConfirmation) as warned:
        supervision.add_record(store, team.sam, team.jo, BARE_DATE)
    assert warned.value.field == "notes"
    assert str(warned.value).startswith("This note contains")
    with pytest.raises(NotFound, match="has no session"):
        supervision.add_record(store, team.sam, team.jo, "Notes", sessions=["nope"])
    assert store.supervision.records(team.sam, team.jo.id) == []


def test_a_record_is_audited_and_either_may_tick_its_actions(team) -> None:
    store = team.store
    record = supervision.add_record(
        store,
        team.sam,
        team.jo,
        BARE_DATE,
        actions=[new_action("Read the guideline", "Jo Patel")],
        confirmed=True,
    )
    entry = last(store)
    assert (entry["event"], entry["subject"], entry["detail"]) == (
        "supervision_record_added",
        "Jo Patel",
        {"actions": 1},
    )
    action_id = record.actions[0]["id"]
    supervision.set_action_done(store, team.jo, team.jo, record.id, action_id, True)
    assert (last(store)["event"], last(store)["actor"]) == ("action_updated", "Jo Patel")
    assert last(store)["detail"] == {"done": True}
    supervision.set_action_done(store, team.sam, team.jo, record.id, action_id, False)
    assert (last(store)["actor"], last(store)["detail"]) == ("Sam Supervisor", {"done": False})
    with pytest.raises(PermissionDenied):
        supervision.set_action_done(store, team.kit, team.jo, record.id, action_id, True)
    text = audit_text(store)
    assert "guideline" not in text and "12/03/1998" not in text


def test_reading_a_supervisees_notes_is_audited(team) -> None:
    store = team.store
    supervision.add_record(store, team.sam, team.jo, "Notes")
    before = len(store.audit.entries())
    records, comments = supervision.notes_of(store, team.jo, team.jo)
    assert len(records) == 1 and comments == []
    assert len(store.audit.entries()) == before  # one's own: not audited
    supervision.notes_of(store, team.sam, team.jo)
    entry = last(store)
    assert (entry["event"], entry["actor"], entry["subject"], entry["detail"]) == (
        "read_other",
        "Sam Supervisor",
        "Jo Patel",
        {"view": "supervision"},
    )
    with pytest.raises(PermissionDenied):
        supervision.notes_of(store, team.kit, team.jo)


# -- summaries ------------------------------------------------------------------------------


def test_a_summary_reshares_first_and_a_supervisees_is_audited(team, monkeypatch) -> None:
    store = team.store
    calls = []
    reshare = store.reshare_all
    monkeypatch.setattr(store, "reshare_all", lambda person: calls.append(person.name) or 0)
    summary = summaries.build(store, team.sam, of=team.jo)
    assert calls == ["Sam Supervisor"]
    assert summary.person == "Jo Patel"
    assert (last(store)["event"], last(store)["subject"]) == ("read_summary", "Jo Patel")
    monkeypatch.setattr(store, "reshare_all", reshare)
    with pytest.raises(PermissionDenied, match="their summary"):
        summaries.build(store, team.kit, of=team.jo)
    assert calls == ["Sam Supervisor"]


def test_exporting_a_summary_writes_the_file_and_the_audit_entry(team, tmp_path) -> None:
    store = team.store
    summary = summaries.build(store, team.jo)
    path = summaries.export(store, team.jo, summary, "md", tmp_path / "summary.md")
    assert path.read_text(encoding="utf-8").strip()
    entry = last(store)
    assert (entry["event"], entry["actor"], entry["subject"], entry["detail"]) == (
        "export",
        "Jo Patel",
        "Jo Patel",
        {"format": "summary-md"},
    )


# -- sessions -------------------------------------------------------------------------------


def test_reading_someone_elses_session_is_audited(team, jo_session) -> None:
    store = team.store
    before = len(store.audit.entries())
    sessions.opened(store, team.jo, team.jo)
    assert len(store.audit.entries()) == before
    sessions.opened(store, team.sam, team.jo)
    entry = last(store)
    assert (entry["event"], entry["actor"], entry["subject"], entry["detail"]) == (
        "read_other",
        "Sam Supervisor",
        "Jo Patel",
        {"view": "session"},
    )
    with pytest.raises(PermissionDenied):
        sessions.opened(store, team.kit, team.jo)


def test_discarding_a_draft_is_audited_and_only_the_authors(team, checklist) -> None:
    store = team.store
    draft = store.start_session(team.jo, checklist, {"setting": "clinic", "stage": "antenatal"})
    with pytest.raises(StoreError):
        sessions.discard_draft(store, team.kit, draft.id)
    sessions.discard_draft(store, team.jo, draft.id)
    assert store.sessions.draft_records(team.jo.id) == []
    entry = last(store)
    assert (entry["event"], entry["actor"], entry["detail"]) == (
        "session_discarded",
        "Jo Patel",
        {"session": draft.id},
    )


# -- locking and signing out ----------------------------------------------------------------


def test_locking_unlocking_and_signing_out_are_audited(team) -> None:
    store = team.store
    session_lock.lock(store, team.jo, idle=True)
    session_lock.lock(store, team.jo, idle=False)
    session_lock.unlock(store, team.jo)
    session_lock.sign_out(store, team.jo)
    events = [(e["event"], e["actor"]) for e in store.audit.entries()[-4:]]
    assert events == [
        ("idle_lock", "Jo Patel"),
        ("screen_lock", "Jo Patel"),
        ("unlock", "Jo Patel"),
        ("sign_out", "Jo Patel"),
    ]
