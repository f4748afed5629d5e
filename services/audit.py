"""The one place the services write the audit trail (never the front ends)."""

from __future__ import annotations

from typing import Any

from store import Store
from store.errors import InvalidInput, StoreError

from .errors import AuditFailed


def record(
    store: Store,
    event: str,
    actor: str | None,
    subject: str | None = None,
    detail: dict | None = None,
    result: Any = None,
) -> None:
    """Append one entry; if that fails after the change itself was saved, raise `AuditFailed`
    carrying `result`, so the caller can say "saved, but not audited"."""
    try:
        store.audit.append(event, actor, subject, detail)
    except StoreError as exc:
        raise AuditFailed(result, exc) from exc


def record_first(
    store: Store,
    event: str,
    actor: str | None,
    subject: str | None = None,
    detail: dict | None = None,
) -> None:
    """Append the entry that must be on disk before the change is made (an export: the
    entry, then the file), so that no change goes unrecorded. If it fails nothing has been
    changed yet, so the store's own error stops the change as it is."""
    store.audit.append(event, actor, subject, detail)


def head(store: Store) -> str:
    """The last entry as `NUMBER:HASH` (`0:000…` for an empty trail): written down somewhere
    the store folder cannot change, it lets `verify` prove later that nothing up to it was cut
    off or rewritten."""
    from store.audit import format_anchor

    return format_anchor(store.audit.head())


def verify(store: Store, anchor: str | None = None) -> list[str]:
    """Plain problems with the trail, each naming its line (none: intact). With `anchor`
    (`NUMBER:HASH` from `head`), also that this entry is still there, unchanged."""
    from store.audit import parse_anchor

    try:
        pinned = parse_anchor(anchor) if anchor is not None else None
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    return store.audit.verify(anchor=pinned)
