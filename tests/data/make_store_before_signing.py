"""Writes tests/data/store-before-signing/: a small store made by the program as it was before
sessions were signed (main at 61c24ce), for the migration test. Run it with that version:

    cd /path/to/checkout-at-61c24ce && .venv/bin/python /this/file OUT_DIR

Alex Reid (admin), Sam Supervisor (supervises Jo and Dee), Jo Patel, and Dee Okafor, who was
switched off after writing her sessions (she can never sign them again). Everything synthetic.
"""

from __future__ import annotations

import sys
from pathlib import Path

from services import people
from store import Store, passwords

PASSPHRASE = "correct horse battery"
passwords.N = 2**4  # quick to check; the cost is stored with each hash

out = Path(sys.argv[1])
store = Store(out)
alex = people.set_up_first(store, "Alex Reid", PASSPHRASE, again=PASSPHRASE)
people.add_person(store, alex, "Sam Supervisor", ["supervisor"], PASSPHRASE)
for name in ("Jo Patel", "Dee Okafor"):
    people.add_person(store, alex, name, ["practitioner"], PASSPHRASE, ["Sam Supervisor"])
checklist = store.library.checklists["any-contact"]
for name in ("Jo Patel", "Dee Okafor"):
    person = people.sign_in(store, name, PASSPHRASE)
    for finish in (True, False):
        session = store.start_session(person, checklist, {})
        first = session.visible_items(checklist)[0]
        session.answer(first, "done")
        session.set_note(first, f"Note by {name}")
        store.sessions.save_draft(session)
        if finish:
            store.sessions.finish(session)
sam = people.sign_in(store, "Sam Supervisor", PASSPHRASE)
dee = store.people.find("Dee Okafor")
store.supervision.add_record(sam, dee, "We talked about the home visit.")
people.update_person(store, alex, "Dee Okafor", deactivate=True)
print(out)
