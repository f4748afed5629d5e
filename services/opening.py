"""Opening a store for a front end: is it new (the welcome form), or does it have people?

A store is new only when its folder holds nothing of anyone's (`Store.is_new_folder`). A
people.json that went missing, or was emptied, in a store that is not new is put back from its
backup copy by the store (with a notice) and recorded here in the audit trail; if it cannot
be put back, `LostFileError` says so in one line and nothing else happens: no welcome form,
no new admin, the backup copy untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import audit

if TYPE_CHECKING:
    from store import Store

__all__ = ["is_new"]


def is_new(store: Store) -> bool:
    """Whether the store has nobody yet and may be set up; `StoreError` when it cannot be
    used (its people lost beyond repair, a damaged file)."""
    new = store.people.is_empty()
    audit.record_repairs(store)
    return new
