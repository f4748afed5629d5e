"""Sessions that can be trusted when anyone can write the store folder (issue 13, findings 4,
6 and 7): sealed records keep no clear copy, every session is signed by its author, and what
is not signed (or was changed since) is named, never shown as genuine. Each attack is done
here the way a colleague with write access to the folder would do it.

All data here is synthetic: invented staff names, no women's details.
"""

from __future__ import annotations

import json

from services import people
from store import Store
from store.sealed_table import doc_id
from store.sessions import TABLE, new_session
from tests.helpers import PASSPHRASE

OLD_NOTE = "Offered the quiet room upstairs"


def _write_raw(store, person_id: str, name: str, record: dict) -> None:
    """Put a record into one of a person's session files exactly as given (as an older
    version of the program, or someone editing the file, would leave it)."""
    kind = "drafts" if name == "drafts.json" else "archive"
    file = store.sessions.sealed.file(person_id, name, kind)
    store.sessions.sealed.put(file, TABLE, record)


def _legacy_draft(store, person, checklist):
    """A draft as the program wrote it before sealing existed: the content in clear."""
    store.remember_version(checklist)
    session = new_session(person.id, checklist, {})
    first = session.visible_items(checklist)[0]
    session.answer(first, "not_done")
    session.set_note(first, OLD_NOTE)
    _write_raw(store, person.id, "drafts.json", session.record)
    return session


def test_a_draft_sealed_after_the_upgrade_keeps_no_clear_copy_and_keeps_later_edits(
    team, checklist
) -> None:
    store, sam, jo, kit = team
    old = _legacy_draft(store, jo, checklist)
    drafts = store.sessions.person_dir(jo.id) / "drafts.json"
    assert OLD_NOTE in drafts.read_text()
    # The upgrade: Jo signs in, and what she can open is sealed.
    jo_in = people.sign_in(store, "Jo Patel", PASSPHRASE)
    people.reshare(store, jo_in)
    [raw] = store.sessions.peek(jo.id)
    assert "sealed" in raw and "content" not in raw
    assert OLD_NOTE not in drafts.read_text()
    # A later edit to that draft is kept: the old clear copy is not read first.
    [draft] = store.sessions.drafts(jo.id, jo_in)
    second = draft.visible_items(checklist)[1]
    draft.answer(second, "done")
    store.sessions.save_draft(draft)
    [again] = Store(store.data_dir).sessions.drafts(jo.id, jo_in)
    assert again.response(second.id) == "done"
    assert again.response(old.visible_items(checklist)[0].id) == "not_done"
    assert "content" not in json.loads(drafts.read_text())[TABLE][str(doc_id(old.id))]
