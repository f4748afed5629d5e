"""Who wrote a session: its author's signature (or, for a record from before signing, an
admin's signed manifest that vouches for it as it was).

Sealing hides a session's content, but anyone holding the public keys can seal a record "by"
a colleague. So every session is also signed by its author with Ed25519 (the key that signs
comments, `crypto.signing_key`), over what it says and when: id, author, checklist id, version
and wording, revision, status, the three dates and the sealed content. A record that its named
author did not sign, or whose signed part was changed since (re-dated, relabelled, rolled back
to another revision number), is named and never shown as genuine. Who may read it (the reader
wraps) is not signed: re-sharing changes that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .crypto import SealError, sign, signature_ok

SIGNATURE = "signature"


def signed_part(record: dict) -> bytes:
    """The bytes a session's signature covers (and a manifest's hash is taken of). A record
    from before sealing, with its content in clear, is covered with that content."""
    checklist = record.get("checklist")
    checklist = checklist if isinstance(checklist, dict) else {}
    sealed = record.get("sealed")
    if isinstance(sealed, dict):
        content = sealed.get("content")
    else:
        content = {"clear": record.get("content")}
    part = {
        "v": 1,
        "kind": "session",
        "id": record.get("id"),
        "author": record.get("author"),
        "checklist": {k: checklist.get(k) for k in ("id", "version", "hash")},
        "revision": record.get("revision"),
        "status": record.get("status"),
        "started_at": record.get("started_at"),
        "updated_at": record.get("updated_at"),
        "completed_at": record.get("completed_at"),
        "content": content,
    }
    return json.dumps(part, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: dict) -> str:
    """What a manifest lists for a record: the SHA-256 of its signed part."""
    return hashlib.sha256(signed_part(record)).hexdigest()


def signed(record: dict, private_key) -> dict:
    """`record` (its on-disk form) with its author's signature."""
    return {**record, SIGNATURE: sign(private_key, signed_part(record))}


def unsigned(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != SIGNATURE}


class Unverified(SealError):
    """A session its named author did not sign, or that was changed after they signed it,
    and that no admin's manifest vouches for: named, never shown as theirs."""


@dataclass(frozen=True)
class Trust:
    """What checking sessions needs, read once per listing: each person's signing keys (the
    current one and any from before a reset) and names, and the hashes of the records an
    admin's manifest vouches for."""

    keys: dict[str, list[bytes]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    vouched: frozenset[str] = frozenset()

    @classmethod
    def of(cls, people: Iterable, vouched: frozenset[str] = frozenset()) -> Trust:
        """From people (each with `id`, `name`, `sign_publics`) and the vouched hashes."""
        people = list(people)
        return cls(
            keys={p.id: list(p.sign_publics) for p in people},
            names={p.id: p.name for p in people},
            vouched=vouched,
        )

    @classmethod
    def of_records(cls, records: Iterable, vouched: frozenset[str] = frozenset()) -> Trust:
        """From people records as stored (a file is hostile: one of the wrong shape is left
        out, so what it would have signed is not trusted)."""
        from .people import Person

        people = []
        for record in records:
            try:
                people.append(Person.from_record(record))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        return cls.of(people, vouched)

    def problem(self, record: dict) -> str | None:
        """Why `record` cannot be shown as its author's (None: it can)."""
        author = record.get("author")
        signature = record.get(SIGNATURE)
        if isinstance(signature, str) and signature_ok(
            self.keys.get(str(author), []), signed_part(record), signature
        ):
            return None
        if self.vouched and record_hash(record) in self.vouched:
            return None
        whom = self.names.get(str(author), "the person it names")
        if "sealed" not in record:
            return f"is not sealed or signed by {whom}"
        if not isinstance(signature, str):
            return f"is not signed by {whom}"
        return (
            f"has been altered or damaged since {whom} signed it (its dates, revision or "
            "content), or was written by someone else"
        )

    def check(self, record: dict) -> None:
        problem = self.problem(record)
        if problem:
            shown = record.get("id") if isinstance(record.get("id"), str) else "?"
            raise Unverified(f"Session {shown[:40]} {problem}, so it is not shown as theirs.")
