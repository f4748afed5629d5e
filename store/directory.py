"""The signed directory of people: who is in the store, their roles, supervisors and public
keys, believed only as far as an admin has signed each change (docs/signed-directory.md).

`people.json` holds the `people` rows (the rest of the code reads their shape) and, next to
them, the `changes` table: each change is one person's facts as they are after it, signed with
Ed25519 by an active admin and chained to the change before it by SHA-256. The first change is
the first admin's own record, signed by their own key: its signing key is the store's root,
pinned outside the store folder (`store.pins`). The directory is what the chain says; the rows
contribute only each person's sign-in envelope (passphrase check and wrapped private key), and
only while the row's public key is the signed one.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .crypto import fingerprint, sign, signature_ok, unb64
from .errors import PermissionDenied, StoreError
from .roles import LEAD, ROLES

if TYPE_CHECKING:
    from .pins import Pins

CHANGES = "changes"
CONFIRMED = "confirmed"  # a practitioner's own signed "yes, share with this supervisor"
CONFIRM_LABEL = b"stepping-stones/supervisor-confirmed/v1\n"
START = "0" * 64  # what the first change (the root's own record) follows
LABEL = b"stepping-stones/directory/v1\n"
FACTS = ("id", "name", "roles", "supervisors", "active", "created_at")
PUBLIC_KEYS = ("public", "sign_public", "sign_before")
REPORT = "report"  # a change that makes the service report key (not about one person)


class DirectoryRefused(StoreError):
    """The store's people cannot be trusted on this machine (a different root, or the signed
    changes gone from a store whose root is pinned): nothing is read from it."""


def canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def change_hash(change: dict) -> str:
    return hashlib.sha256(canonical(change)).hexdigest()


def _signed_part(change: dict) -> bytes:
    return LABEL + canonical({k: v for k, v in change.items() if k != "sig"})


def facts_of(row: dict) -> dict:
    """A person's directory facts from a people row: nothing secret."""
    keys = row.get("keys") or {}
    facts = {k: copy.deepcopy(row.get(k)) for k in FACTS}
    facts["supervisors"] = list(row.get("supervisors") or [])
    facts["active"] = bool(row.get("active", True))
    facts["created_at"] = row.get("created_at", "")
    facts["keys"] = {k: copy.deepcopy(keys[k]) for k in PUBLIC_KEYS if keys.get(k)}
    return facts


def show_fingerprint(root: str | None) -> str:
    """The root as an admin reads it out: 16 hex digits in groups of four."""
    if not root:
        return "not signed yet"
    try:
        digits = fingerprint(unb64(root))
    except ValueError:
        return "unreadable"
    return " ".join(digits[i : i + 4] for i in range(0, 16, 4))


def _facts_ok(facts: object) -> bool:
    if not isinstance(facts, dict):
        return False
    strings = all(isinstance(facts.get(k), str) for k in ("id", "name", "created_at"))
    roles, supervisors, keys = facts.get("roles"), facts.get("supervisors"), facts.get("keys")
    return (
        strings
        and isinstance(roles, list)
        and bool(roles)
        and all(r in ROLES for r in roles)
        and isinstance(supervisors, list)
        and all(isinstance(s, str) for s in supervisors)
        and isinstance(facts.get("active"), bool)
        and isinstance(keys, dict)
        and all(isinstance(keys.get(k, ""), str) for k in ("public", "sign_public"))
        and all(isinstance(k, str) for k in keys.get("sign_before", []))
    )


@lru_cache(maxsize=4096)
def _checks(public: bytes, data: bytes, signature: str) -> bool:
    """Whether this key signed it (remembered: the chain is replayed at every read)."""
    return signature_ok([public], data, signature)


def _signed_by(publics: list[bytes], data: bytes, signature: str) -> bool:
    return any(_checks(public, data, signature) for public in publics)


def _publics(facts: dict) -> list[bytes]:
    key = (facts.get("keys") or {}).get("sign_public")
    try:
        return [unb64(key)] if key else []
    except ValueError:
        return []


@dataclass
class Directory:
    """What the chain of signed changes says."""

    people: dict[str, dict] = field(default_factory=dict)  # id -> facts
    root: str | None = None  # the first admin's signing key (base64); None: not signed yet
    last: str = START  # the hash of the last valid change
    # (person id, supervisor id) -> (who linked them, when): the change that first did
    links: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # Links an admin added to someone already in the directory: (person, supervisor) -> (by,
    # at, the change's hash). Nothing is shared with such a supervisor until the person says yes.
    newly_linked: dict[tuple[str, str], tuple[str, str, str]] = field(default_factory=dict)
    # (person id, supervisor id) -> [[from, until or None]]: when each link held, by the signed
    # changes' dates. A link made as the person joined the store (or as an old store was first
    # signed) holds from the start: the store knows nothing of them before.
    periods: dict[tuple[str, str], list[list]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # plain sentences: changes not believed
    count: int = 0  # changes in the file
    # The service report key's public half (base64), from the admin-signed change that made
    # it (docs/service-report-key.md), with who made it and when; None: no lead yet.
    report_public: str | None = None
    report_made: tuple[str, str] | None = None
    # person id -> (the admin who gave them the lead role, when), by the signed changes.
    lead_grants: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def signed(self) -> bool:
        return self.count > 0

    def name(self, person_id: str) -> str:
        return (self.people.get(person_id) or {}).get("name") or "someone unknown"

    def supervised_on(self, person_id: str, supervisor_id: str, day: str) -> bool:
        """Whether the signed changes made `supervisor_id` this person's supervisor on `day`
        (YYYY-MM-DD; the days a link began and ended both count)."""
        day = str(day)[:10]
        for start, end in self.periods.get((person_id, supervisor_id), []):
            if start[:10] <= day and (end is None or day <= end[:10]):
                return True
        return False


def _report_ok(report: object) -> bool:
    if not isinstance(report, dict) or not isinstance(report.get("public"), str):
        return False
    try:
        return len(unb64(report["public"])) == 32
    except ValueError:
        return False


def _by_admin(directory: Directory, change: dict) -> bool:
    signer = directory.people.get(change.get("by"))  # type: ignore[arg-type]
    if signer and signer["active"] and "admin" in signer["roles"]:
        return _signed_by(_publics(signer), _signed_part(change), change["sig"])
    return False


def _valid_next(directory: Directory, change: dict) -> bool:
    """Whether `change` may follow the directory as it stands."""
    if REPORT in change:  # the service report key, made by an admin once there is a lead
        return (
            directory.last != START
            and directory.report_public is None
            and _report_ok(change[REPORT])
            and isinstance(change.get("sig"), str)
            and _by_admin(directory, change)
        )
    facts, by = change.get("person"), change.get("by")
    if not _facts_ok(facts) or not isinstance(by, str) or not isinstance(change.get("sig"), str):
        return False
    data, signature = _signed_part(change), change["sig"]
    if directory.last == START:  # the root: the first admin's own record, self-signed
        return (
            by == facts["id"]
            and "admin" in facts["roles"]
            and bool(facts["keys"].get("sign_public"))
            and _signed_by(_publics(facts), data, signature)
        )
    return _by_admin(directory, change)


def _follow_periods(directory: Directory, before: list, change: dict, joining: bool) -> None:
    """Open a period for each supervisor this change links, close one for each it unlinks."""
    facts, at = change["person"], str(change.get("at") or "")
    start = "" if joining or change.get("event") == "directory_signed" else at
    for supervisor in facts["supervisors"]:
        if supervisor not in before:
            directory.periods.setdefault((facts["id"], supervisor), []).append([start, None])
    for supervisor in before:
        if supervisor not in facts["supervisors"]:
            spans = directory.periods.get((facts["id"], supervisor))
            if spans and spans[-1][1] is None:
                spans[-1][1] = at


def replay(changes: list[dict]) -> Directory:
    """Follow the chain from the root; a change that does not validly follow is ignored (and
    named), and the next valid change follows the last valid one."""
    directory = Directory(count=len(changes))
    rows = [c for c in changes if isinstance(c, dict)]
    following: dict[str, list[dict]] = {}
    for change in rows:
        if isinstance(change.get("prev"), str):
            following.setdefault(change["prev"], []).append(change)
    used: set[int] = set()
    while True:
        chosen = None
        for change in following.get(directory.last, []):
            if id(change) not in used and _valid_next(directory, change):
                chosen = change
                break
        if chosen is None:
            break
        used.add(id(chosen))
        if REPORT in chosen:
            directory.report_public = chosen[REPORT]["public"]
            directory.report_made = (chosen["by"], str(chosen.get("at") or ""))
            directory.last = change_hash(chosen)
            continue
        facts = copy.deepcopy(chosen["person"])
        if directory.last == START:
            directory.root = facts["keys"]["sign_public"]
        known = directory.people.get(facts["id"])
        before = known or {"supervisors": []}
        this = change_hash(chosen)
        for supervisor in facts["supervisors"]:
            if supervisor not in before["supervisors"]:
                directory.links[(facts["id"], supervisor)] = (chosen["by"], str(chosen.get("at")))
                if known is not None and chosen.get("event") != "directory_signed":
                    at = str(chosen.get("at"))
                    directory.newly_linked[(facts["id"], supervisor)] = (chosen["by"], at, this)
        for supervisor in before["supervisors"]:
            if supervisor not in facts["supervisors"]:
                directory.newly_linked.pop((facts["id"], supervisor), None)
        _follow_periods(directory, before["supervisors"], chosen, joining=known is None)
        if LEAD in facts["roles"] and LEAD not in (known or {}).get("roles", []):
            directory.lead_grants[facts["id"]] = (chosen["by"], str(chosen.get("at") or ""))
        elif LEAD not in facts["roles"]:
            directory.lead_grants.pop(facts["id"], None)
        directory.people[facts["id"]] = facts
        directory.last = this
    for change in rows:
        if id(change) not in used:
            who = (change.get("person") or {}) if isinstance(change.get("person"), dict) else {}
            what = "the service report key" if REPORT in change else who.get("name") or "someone"
            directory.ignored.append(
                f"a change to {what} dated {change.get('at') or '?'} "
                "is not validly signed by an admin, or does not follow the changes before it: "
                "it was ignored"
            )
    if len(rows) < len(changes):
        directory.ignored.append("a change in people.json is not a record: it was ignored")
    return directory


def new_change(directory: Directory, signer, row: dict, event: str) -> dict:
    """The next change: `row`'s facts as they are now, signed by `signer` (a signed-in Person
    with their private key); PermissionDenied when they cannot sign it."""
    refused = "Only an admin can change people's accounts."
    return _signed_change(directory, signer, event, {"person": facts_of(row)}, refused)


def new_report_change(directory: Directory, signer, public: str) -> dict:
    """The change that makes the service report key (its public half, base64), signed by
    `signer`, an admin signed in; PermissionDenied when they cannot sign it, or when the store
    has a report key already."""
    refused = "Only an admin can make the service report key, and only once."
    body = {REPORT: {"public": public}}
    return _signed_change(directory, signer, "report_key_made", body, refused)


def _signed_change(directory: Directory, signer, event: str, body: dict, refused: str) -> dict:
    if getattr(signer, "private_key", None) is None:
        raise PermissionDenied("Sign in again first: changes to people are signed with your key.")
    change = {
        "prev": directory.last,
        "by": signer.id,
        "at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "event": event,
        **body,
    }
    change["sig"] = sign(signer.private_key, _signed_part(change))
    if not _valid_next(directory, change):
        raise PermissionDenied(refused)
    return change


def effective_rows(
    rows: list[dict], directory: Directory, confirmed: set[tuple[str, str]] | None = None
) -> list[dict]:
    """The people the directory vouches for who have a row here, each with the facts of their
    last signed change and, from their row, only the sign-in envelope, and that only while the
    row's public key is the signed one (a row with no signed change is nobody)."""
    by_id = {r.get("id"): r for r in rows if isinstance(r, dict)}
    out = []
    for person_id, facts in directory.people.items():
        row = by_id.get(person_id)
        if row is None:  # signed, but not in this store (a laptop set up from a bundle)
            continue
        record = {k: copy.deepcopy(facts[k]) for k in FACTS}
        if confirmed is not None:  # reading: a newly linked supervisor only once confirmed
            record["supervisors"] = [
                s
                for s in record["supervisors"]
                if (person_id, s) not in directory.newly_linked or (person_id, s) in confirmed
            ]
        keys = copy.deepcopy(facts["keys"])
        row_keys = row.get("keys") if isinstance(row.get("keys"), dict) else {}
        record["passphrase"] = {}
        # Bound to the signed public key: a row whose key is not the signed one (or a person
        # with no signed key) cannot be signed in to until an admin resets the passphrase.
        if keys.get("public") and row_keys.get("public") == keys["public"]:
            if isinstance(row_keys.get("private"), dict):
                record["passphrase"] = copy.deepcopy(row.get("passphrase") or {})
                keys["private"] = copy.deepcopy(row_keys["private"])
        if keys:
            record["keys"] = keys
        out.append(record)
    return out


def new_confirmation(directory: Directory, person, supervisor_id: str) -> dict:
    """The person's own signed yes to sharing with a supervisor an admin linked them to."""
    _, _, change = directory.newly_linked[(person.id, supervisor_id)]
    confirmation = {
        "person": person.id,
        "supervisor": supervisor_id,
        "change": change,
        "at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    confirmation["sig"] = sign(person.private_key, CONFIRM_LABEL + canonical(confirmation))
    return confirmation


def confirmed_links(directory: Directory, confirmations: list[dict]) -> set[tuple[str, str]]:
    """The (person, supervisor) links their person has confirmed, each signed by the person
    for the very change that linked them (a link removed and added again is asked again)."""
    out = set()
    for item in confirmations:
        if not isinstance(item, dict) or not isinstance(item.get("sig"), str):
            continue
        key = (item.get("person"), item.get("supervisor"))
        linked = directory.newly_linked.get(key)  # type: ignore[arg-type]
        person = directory.people.get(str(key[0]))
        if linked is None or person is None or item.get("change") != linked[2]:
            continue
        data = CONFIRM_LABEL + canonical({k: v for k, v in item.items() if k != "sig"})
        if _signed_by(_publics(person), data, item["sig"]):
            out.add(key)  # type: ignore[arg-type]
    return out


def unbacked(rows: list[dict], directory: Directory, about: str | None = None) -> list[str]:
    """Each fact in the people rows that no signed change backs, in plain words; with `about`
    (a person's id), only those about that person, said to them ("your")."""
    out: list[str] = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            continue
        pid = row["id"]
        if about is not None and pid != about:
            continue
        name = str(row.get("name", "someone"))
        whose = "your" if about else f"{name}'s"
        facts = directory.people.get(pid)
        if facts is None:
            out.append(
                f"{name} is in people.json without an admin's signed change: they were "
                "ignored (they cannot sign in, and nothing is shared with them)"
            )
            continue
        for sid in row.get("supervisors") or []:
            if sid not in facts["supervisors"]:
                sup = directory.name(sid) if sid in directory.people else _row_name(rows, sid)
                out.append(
                    f"{sup} is listed as {whose} supervisor without an admin's signed change: "
                    "nothing was shared"
                )
        for role in row.get("roles") or []:
            if role not in facts["roles"]:
                out.append(
                    f"{name} is listed with the {role} role without an admin's signed change: "
                    "it was ignored"
                )
        if bool(row.get("active", True)) and not facts["active"]:
            out.append(f"{name} is listed as switched on without an admin's signed change")
        if row.get("name") != facts["name"]:
            out.append(f"{facts['name']} is listed as {name} without an admin's signed change")
        keys = row.get("keys") if isinstance(row.get("keys"), dict) else {}
        signed = facts["keys"]
        if keys.get("public") != signed.get("public") or (
            keys.get("sign_public") and keys.get("sign_public") != signed.get("sign_public")
        ):
            out.append(
                f"{whose[0].upper() + whose[1:]} keys in people.json are not the signed ones: "
                "they were ignored (an admin can reset the passphrase)"
            )
        extra = [k for k in keys.get("sign_before") or [] if k not in signed.get("sign_before", [])]
        if extra:
            out.append(
                f"an old signing key listed for {facts['name']} without an admin's signed "
                "change was ignored: nothing it signed shows as theirs"
            )
    return out


def _row_name(rows: list[dict], person_id: str) -> str:
    for row in rows:
        if isinstance(row, dict) and row.get("id") == person_id:
            return str(row.get("name", "someone unknown"))
    return "someone unknown"


class Keeper:
    """The directory of one people file, with its pinned root. `state` refuses a store whose
    root differs from the pinned one (or that lost its changes since being pinned)."""

    def __init__(self, data_dir: Path, pins: Pins) -> None:
        self.data_dir = Path(data_dir)
        self.pins = pins
        self._cache: tuple[str, Directory] | None = None

    def replay(self, changes: list[dict]) -> Directory:
        key = hashlib.sha256(canonical(changes)).hexdigest()
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, replay(changes))
        return self._cache[1]

    def state(self, changes: list[dict]) -> Directory:
        directory = self.replay(changes)
        pinned, where = self.pins.root_for(self.data_dir)
        if pinned is None:
            return directory
        place = "this machine's installed settings" if where == "installed" else "your settings"
        if not directory.signed:
            raise DirectoryRefused(
                f"people.json in {self.data_dir} has lost its signed changes, but {place} "
                "pin this store's root: refusing to trust it (restore people.json from a backup)"
            )
        if directory.root != pinned:
            raise DirectoryRefused(
                f"people.json in {self.data_dir} starts from a different root "
                f"({show_fingerprint(directory.root)}) than the one {place} pin "
                f"({show_fingerprint(pinned)}): refusing to trust it"
            )
        return directory

    def pin(self, root: str | None) -> bool:
        return bool(root) and self.pins.pin(self.data_dir, root)


def findings(path: Path, data: dict, pins: Pins) -> list[str]:
    """What `verify` says about a people file's directory, in plain words."""
    rows, changes = _records(data, "people"), _records(data, CHANGES)
    try:
        directory = Keeper(path.parent, pins).state(changes)
    except DirectoryRefused as exc:
        return [str(exc)]
    if not directory.signed:
        if not rows:
            return []
        return [
            "the people in it are not signed by an admin yet, so anyone who can write to this "
            "folder can change who supervises whom: the first admin to sign in signs them"
        ]
    return [*directory.ignored, *unbacked(rows, directory)]


def trusted_rows(data: dict) -> list[dict]:
    """The people rows a reader outside PeopleStore may trust from a people file's content:
    in a signed store only what the signed changes vouch for (a row or key added by hand is
    nobody); in a store not signed yet, the rows as they are (verify says it is unsigned)."""
    rows, changes = _records(data, "people"), _records(data, CHANGES)
    directory = replay(changes)
    return effective_rows(rows, directory) if directory.signed else rows


def _records(data: object, table_name: str) -> list[dict]:
    """The records of one table in a people file's content, whatever shape a hand edit gave
    it (a table that is not a table holds nothing)."""
    table = data.get(table_name) if isinstance(data, dict) else None
    return [r for r in table.values() if isinstance(r, dict)] if isinstance(table, dict) else []
