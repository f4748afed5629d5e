"""The JSON field names the command line promises (PRODUCT.md's interface contract and the
README), checked against what the commands print: `sessions list --json` answers with
`response`, `reason`, `reasons`, `note`, `requirements` and `shown`; `users list --json`;
`checklists list --json` and `checklists reasons --json`. (`summary --json` has its own
golden file, tests/golden/, described in docs/summary-format.md; a session's own fields are
checked in tests/test_cli.py.)

All people and text are synthetic.
"""

from __future__ import annotations

import json

from tests.helpers import make_team, run_cli

ANSWER_FIELDS = {"response", "reason", "reasons", "note", "requirements", "shown"}


def as_alex(store, passphrase_file, *args: str):
    acting = ("--user", "Alex Reid", "--passphrase-file", str(passphrase_file))
    result = run_cli(*args, *acting, "--json", data_dir=store.data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_answer_whose_item_is_no_longer_shown_says_shown_false(
    store, alex, checklist_v1, passphrase_file
) -> None:
    """The item "I checked it is safe to contact her that way" is asked only after "preferred
    contact" was done or partly done; changing that to Not done hides it, and its answer."""
    session = store.start_session(alex, checklist_v1, {})
    asks = checklist_v1.item("preferred-contact")
    follows = checklist_v1.item("safe-to-contact")
    session.answer(asks, "done")
    assert follows in session.visible_items(checklist_v1)
    session.answer(follows, "not_done")
    session.set_reason(follows, "not-enough-time")
    session.answer(asks, "not_done")
    assert follows not in session.visible_items(checklist_v1)
    store.sessions.save_draft(session)

    [listed] = as_alex(store, passphrase_file, "sessions", "list")
    answers = listed["answers"]
    assert all(set(answer) == ANSWER_FIELDS for answer in answers.values())
    assert answers["preferred-contact"]["shown"] is True
    hidden = answers["safe-to-contact"]
    assert hidden["shown"] is False
    assert hidden["response"] == "not_done"
    assert hidden["reasons"] == ["not-enough-time"] and hidden["reason"] == "not-enough-time"


def test_when_the_checklist_wording_is_missing_every_answer_counts_as_shown(
    store, alex, checklist_v1, passphrase_file, monkeypatch
) -> None:
    """As the summaries count them: nothing to tell a hidden item from a shown one."""
    from store import Store
    from store.errors import NotFound

    session = store.start_session(alex, checklist_v1, {})
    session.answer(checklist_v1.item("preferred-contact"), "done")
    store.sessions.save_draft(session)

    def missing(self, session):
        raise NotFound("The wording of checklist 'any-contact' used by this session is missing.")

    monkeypatch.setattr(Store, "checklist_for", missing)
    [listed] = as_alex(store, passphrase_file, "sessions", "list")
    assert listed["answers"]["preferred-contact"]["shown"] is True


def test_users_list_and_the_checklist_commands_give_the_promised_fields(
    store, alex, passphrase_file
) -> None:
    make_team(store, alex)
    people = as_alex(store, passphrase_file, "users", "list")
    assert people and all({"name", "roles", "supervisors", "active"} <= set(p) for p in people)
    jo = next(p for p in people if p["name"] == "Jo Patel")
    assert jo["supervisors"] == ["Sam Supervisor"] and jo["active"] is True

    listed = json.loads(run_cli("checklists", "list", "--json").stdout)
    assert listed and all({"id", "version", "title", "kind", "when"} <= set(c) for c in listed)
    reasons = json.loads(run_cli("checklists", "reasons", "--json").stdout)
    assert all({"id", "label", "level", "requirements"} <= set(r) for r in reasons)
    assert any("only_if" in r for r in reasons) and any(r.get("asks_note") for r in reasons)
