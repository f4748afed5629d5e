"""The service report key: one X25519 key pair per store, for the structured parts of finished
sessions that service leads count (docs/service-report-key.md).

- Its public half is a change in the signed directory of people (`directory.REPORT`), signed by
  the admin who added the first lead, so nobody who can merely write to the store folder can
  swap it for a key of their own.
- Its private half is kept only wrapped, once for each lead who has it, in the `report_key`
  table of `people.json`. A wrap is signed by whoever made it (the admin who made the key, or
  a lead who already had it and said yes to sharing it), and opens only for the lead's own
  current key pair. A wrap planted by hand, or one that opens to any other key, is ignored.
- A lead is someone whose lead role an admin signed. A new lead gets the key when a lead who
  has it next signs in and says yes, once for each new lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from .crypto import (
    SealError,
    b64,
    fingerprint,
    public_bytes,
    sign,
    signature_ok,
    unb64,
    unwrap,
    wrap_for,
)
from .directory import CHANGES, Directory, canonical, new_report_change
from .errors import InvalidInput, PermissionDenied
from .people import PeopleStore, Person, _append
from .roles import LEAD

WRAPS = "report_key"
LABEL = b"stepping-stones/report-key-wrap/v1\n"


def _context(lead_id: str, public: str) -> bytes:
    return f"stepping-stones/report-key:{lead_id}:{public}".encode()


def _raw(private_key: X25519PrivateKey) -> bytes:
    return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


@dataclass(frozen=True)
class Waiting:
    """A lead who does not have the report key yet: who gave them the role, and when."""

    lead_id: str
    name: str
    by: str  # the admin's name
    at: str  # when (ISO)


class ReportKeys:
    """The report key of one store, read through its people file."""

    def __init__(self, people: PeopleStore) -> None:
        self.people = people

    # -- reading -----------------------------------------------------------------------------
    def _read(self) -> tuple[Directory, list[dict]]:
        file = self.people.file
        if not file.exists():
            return Directory(), []
        with file.transaction() as db:
            changes = [dict(c) for c in file.table(db, CHANGES).all()]
            wraps = [dict(w) for w in file.table(db, WRAPS).all()]
        return self.people.keeper.state(changes), wraps

    def public(self) -> bytes | None:
        """The report key's public half, as the signed directory has it (None: no lead yet)."""
        directory, _ = self._read()
        return unb64(directory.report_public) if directory.report_public else None

    def _good_wraps(self, directory: Directory, wraps: list[dict]) -> list[dict]:
        """The wraps made by someone the directory says could make them (an admin or a lead,
        with their signing key), for the key the directory has."""
        out = []
        for wrap in wraps:
            if wrap.get("report") != directory.report_public or not isinstance(
                wrap.get("sig"), str
            ):
                continue
            maker = directory.people.get(str(wrap.get("by")))
            if maker is None or not ({"admin", LEAD} & set(maker["roles"])):
                continue
            key = (maker.get("keys") or {}).get("sign_public")
            try:
                publics = [unb64(key)] if key else []
            except ValueError:
                continue
            body = LABEL + canonical({k: v for k, v in wrap.items() if k != "sig"})
            if signature_ok(publics, body, wrap["sig"]):
                out.append(wrap)
        return out

    def private_for(self, lead: Person) -> X25519PrivateKey | None:
        """The report key's private half, for a lead signed in who has it (else None)."""
        if lead.private_key is None or lead.public is None:
            return None
        directory, wraps = self._read()
        if directory.report_public is None:
            return None
        wanted = unb64(directory.report_public)
        for wrap in self._good_wraps(directory, wraps):
            if wrap.get("lead") != lead.id or wrap.get("for") != fingerprint(lead.public):
                continue
            try:
                raw = unwrap(wrap, lead.private_key, _context(lead.id, directory.report_public))
                key = X25519PrivateKey.from_private_bytes(raw)
            except (SealError, ValueError):
                continue
            if public_bytes(key) == wanted:
                return key
        return None

    def holders(self) -> list[str]:
        """The ids of the leads switched on who hold the key for their current key pair: the
        people who can read the report and share the key. None left means the service's
        figures cannot be read again (the directory accepts one report key, ever)."""
        directory, wraps = self._read()
        if directory.report_public is None:
            return []
        good = {(w.get("lead"), w.get("for")) for w in self._good_wraps(directory, wraps)}
        return [
            person.id
            for person in self.people.all()
            if person.has(LEAD)
            and person.active
            and person.public is not None
            and (person.id, fingerprint(person.public)) in good
        ]

    def waiting(self) -> list[Waiting]:
        """Leads (by an admin's signed change, switched on, with keys) with no wrap of the key
        for their current key pair: a lead who has it is asked to share it with each."""
        directory, wraps = self._read()
        if directory.report_public is None:
            return []
        good = {(w.get("lead"), w.get("for")) for w in self._good_wraps(directory, wraps)}
        out = []
        for person in self.people.all():
            if not person.has(LEAD) or not person.active or person.public is None:
                continue
            if (person.id, fingerprint(person.public)) in good:
                continue
            by, at = directory.lead_grants.get(person.id, ("", ""))
            out.append(Waiting(person.id, person.name, directory.name(by), at))
        return out

    # -- writing -----------------------------------------------------------------------------
    def _wrap(self, key: X25519PrivateKey, public: str, lead: Person, maker: Person) -> dict:
        assert lead.public is not None and maker.private_key is not None
        wrap = wrap_for(_raw(key), lead.public, _context(lead.id, public))
        row = {
            "lead": lead.id,
            "report": public,
            **wrap,
            "by": maker.id,
            "at": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        row["sig"] = sign(maker.private_key, LABEL + canonical(row))
        return row

    def make(self, admin: Person) -> bool:
        """Make the key, when the store has a lead and no key yet: its public half signed into
        the directory by `admin`, its private half wrapped for every lead there is. False when
        there was a key already, or no lead (nothing done)."""
        if admin.private_key is None:
            raise PermissionDenied("Sign in again first: the report key is signed with your key.")
        leads = [p for p in self.people.all() if p.has(LEAD) and p.public is not None]
        if not leads:
            return False
        key = X25519PrivateKey.generate()
        public = b64(public_bytes(key))
        file = self.people.file
        with file.transaction() as db:
            changes = file.table(db, CHANGES)
            directory = self.people.keeper.state([dict(c) for c in changes.all()])
            if directory.report_public is not None:
                return False
            if not directory.signed:
                raise InvalidInput(
                    "The people in this store are not signed yet: an admin signs them at their "
                    "next sign-in, and then a service lead can be added."
                )
            _append(changes, new_report_change(directory, admin, public))
            table = file.table(db, WRAPS)
            for lead in leads:
                _append(table, self._wrap(key, public, lead, admin))
        return True

    def share(self, holder: Person, lead_id: str) -> None:
        """A lead who has the key (signed in) shares it with another lead."""
        key = self.private_for(holder)
        if key is None:
            raise PermissionDenied(
                "You do not have the service report key, so you cannot share it."
            )
        lead = self.people.get(lead_id)
        if lead is None or not lead.has(LEAD) or not lead.active or lead.public is None:
            raise InvalidInput("That person is not a service lead who can be given the key.")
        public = b64(public_bytes(key))
        file = self.people.file
        with file.transaction() as db:
            _append(file.table(db, WRAPS), self._wrap(key, public, lead, holder))


__all__ = ["WRAPS", "ReportKeys", "Waiting"]
