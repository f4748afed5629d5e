"""Audit anchors (issue 13): `audit head` gives the last entry as NUMBER:HASH to write down
outside the store folder; `audit verify --anchor` then proves nothing up to it was cut off or
rewritten, which the hash chain alone cannot (someone who writes the folder can cut entries
off the end, or rebuild the chain). Tried here as that person would. Names are synthetic."""

from __future__ import annotations

import json
import re

import pytest

from services import people
from store.audit import ZERO_HASH, canonical, entry_hash
from store.errors import SignInError
from tests.helpers import PASSPHRASE, run_cli

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def audit(store, *args: str):
    return run_cli("audit", *args, data_dir=store.data_dir)


@pytest.fixture
def trail(store, alex):
    """A store whose trail ends with Jo's sign-ins, two wrong guesses among them."""
    people.add_person(store, alex, "Jo Patel", ["practitioner"], PASSPHRASE)
    for guess in ("a wrong guess", "another wrong guess"):
        with pytest.raises(SignInError):
            people.sign_in(store, "Jo Patel", guess)
    people.sign_in(store, "Jo Patel", PASSPHRASE)
    return store


def written_down(store) -> str:
    result = audit(store, "head")
    assert result.returncode == 0, result.stderr
    anchor = result.stdout.strip()
    assert ANCHOR.match(anchor) and result.stdout.count("\n") == 1
    return anchor


def test_audit_head_prints_the_last_entry_as_number_and_hash(trail) -> None:
    anchor = written_down(trail)
    number, digest = ANCHOR.match(anchor).groups()
    last = trail.audit.entries()[-1]
    assert (int(number), digest) == (last["seq"], last["hash"])
    as_json = json.loads(audit(trail, "head", "--json").stdout)
    assert as_json == {"anchor": anchor, "entry": last["seq"], "hash": last["hash"]}
    good = audit(trail, "verify", "--anchor", anchor)
    assert good.returncode == 0 and "intact" in good.stdout
    assert json.loads(audit(trail, "verify", "--anchor", anchor, "--json").stdout)["ok"] is True
    # Entries written since the anchor are fine: the anchor only vouches for what came before.
    people.sign_in(trail, "Alex Reid", PASSPHRASE)
    assert audit(trail, "verify", "--anchor", anchor).returncode == 0


def test_an_empty_trail_has_the_zero_anchor(data_dir) -> None:
    result = run_cli("audit", "head", data_dir=data_dir)  # a store folder, nothing in its trail
    assert result.stdout.strip() == f"0:{ZERO_HASH}"


def test_cutting_the_end_off_the_trail_is_caught_by_the_anchor(trail) -> None:
    anchor = written_down(trail)
    # Jo's wrong guesses and sign-in are at the end: cut them off.
    path = trail.data_dir / "audit.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-3]))
    plain = audit(trail, "verify")
    assert plain.returncode == 0 and "intact" in plain.stdout  # the chain alone cannot tell
    anchored = audit(trail, "verify", "--anchor", anchor)
    assert anchored.returncode == 1
    assert anchored.stdout.strip() == (
        f"the log ends at entry {len(lines) - 3}, but entry {len(lines)} was written: "
        "entries at the end were removed"
    )
    report = json.loads(audit(trail, "verify", "--anchor", anchor, "--json").stdout)
    assert report["ok"] is False and report["anchor"] == anchor


def test_a_rewritten_trail_is_caught_by_the_anchor(trail) -> None:
    """Blame someone else for the wrong guesses: change whom they name, then re-chain every
    entry after it, as anyone with the program's source can."""
    anchor = written_down(trail)
    path = trail.data_dir / "audit.jsonl"
    entries = [json.loads(line) for line in path.read_bytes().splitlines()]
    prev = None
    for entry in entries:
        if entry["event"] == "sign_in_failed":
            entry["subject"] = "Alex Reid"
        if prev is not None:
            entry["prev"] = prev
        entry["hash"] = entry_hash(entry)
        prev = entry["hash"]
    path.write_bytes(b"".join(canonical(e) + b"\n" for e in entries))
    assert audit(trail, "verify").returncode == 0  # a whole, valid chain
    anchored = audit(trail, "verify", "--anchor", anchor)
    assert anchored.returncode == 1
    assert anchored.stdout.strip() == (
        f"line {len(entries)} is not the entry {len(entries)} that was written: "
        "the log was rewritten"
    )


@pytest.mark.parametrize("bad", ["nonsense", "12", "x:" + "a" * 64, "3:abc", "²:" + "a" * 64])
def test_a_mistyped_anchor_is_one_plain_line(trail, bad) -> None:
    result = audit(trail, "verify", "--anchor", bad)
    assert result.returncode == 1 and result.stdout == ""
    assert "is not an audit anchor" in result.stderr and result.stderr.count("\n") == 1


def test_an_entry_with_an_event_the_program_never_writes_fails_verify(trail) -> None:
    """The known events are a closed list: a well-chained entry with another event (say, to
    pass off a forged note as a harmless one) is named."""
    path = trail.data_dir / "audit.jsonl"
    last = json.loads(path.read_bytes().splitlines()[-1])
    forged = {
        "seq": last["seq"] + 1,
        "at": last["at"],
        "event": "lockout_cleared_by_system",
        "actor": None,
        "subject": "Jo Patel",
        "detail": {},
        "prev": last["hash"],
    }
    forged["hash"] = entry_hash(forged)
    with path.open("ab") as handle:
        handle.write(canonical(forged) + b"\n")
    result = audit(trail, "verify")
    assert result.returncode == 1
    assert "has an unknown event 'lockout_cleared_by_system'" in result.stdout
    for event in ("sign_in_refused", "lockout_lifted"):
        trail.audit.append(event, "Alex Reid", "Jo Patel")  # the new events are known ones
