"""Guessing a colleague's passphrase, tried as a colleague with the command line and write
access to the store folder would (issue 13, findings 3 and 8): race many guesses at once, fill
the disk, delete or damage `lockouts.json`, guess through `users passphrase`. Each of these
worked before the lockout counted tries ahead of checking them. All names are synthetic."""

from __future__ import annotations

import errno
import json
import os
import threading

import pytest

import store.people as people_module
from services import people
from store import Store
from store.audit import canonical, entry_hash
from store.errors import SignInError
from store.lockout import ATTEMPTS, LockedOut, NotCounted
from tests.helpers import PASSPHRASE, run_cli

WRONG = "a wrong guess at it"


def events(store: Store, name: str | None = None) -> list[str]:
    return [
        e["event"]
        for e in store.audit.entries()
        if name is None or name in (e["subject"], e["actor"])
    ]


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Every passphrase check that runs scrypt against a stored hash, by passphrase tried."""
    seen: list[str] = []
    real = people_module.check_passphrase

    def counting(passphrase, hashed):
        seen.append(passphrase)
        return real(passphrase, hashed)

    monkeypatch.setattr(people_module, "check_passphrase", counting)
    return seen


def lock_out(store: Store, name: str) -> LockedOut:
    for _ in range(ATTEMPTS - 1):
        with pytest.raises(SignInError, match="do not match"):
            people.sign_in(store, name, WRONG)
    with pytest.raises(LockedOut) as locked:
        people.sign_in(store, name, WRONG)
    return locked.value


def test_twenty_guesses_at_once_get_at_most_five_checks(store, alex, monkeypatch) -> None:
    """Twenty sign-ins race, each with its own Store as twenty processes would have. Each
    check is held until every try has either reached its check or been turned away, so on
    the old code (count written after scrypt) all twenty reach scrypt."""
    tries = 20
    lock = threading.Condition()
    settled = {"n": 0}
    reached: list[str] = []
    release = threading.Event()
    real = people_module.check_passphrase

    def held(passphrase, hashed):
        with lock:
            reached.append(passphrase)
            settled["n"] += 1
            lock.notify_all()
        release.wait(timeout=30)
        return real(passphrase, hashed)

    monkeypatch.setattr(people_module, "check_passphrase", held)
    outcomes: list[BaseException | None] = []

    def attacker(n: int) -> None:
        try:
            people.sign_in(Store(store.data_dir), "Alex Reid", f"{WRONG} {n}", via="cli")
            outcomes.append(None)
        except SignInError as exc:
            outcomes.append(exc)
            if isinstance(exc, LockedOut) and exc.refused:
                with lock:
                    settled["n"] += 1
                    lock.notify_all()

    threads = [threading.Thread(target=attacker, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    with lock:
        lock.wait_for(lambda: settled["n"] >= tries, timeout=30)
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert len(reached) <= ATTEMPTS, f"{len(reached)} passphrase checks ran"
    assert len(outcomes) == tries and None not in outcomes
    refused = [e for e in outcomes if isinstance(e, LockedOut) and e.refused]
    assert len(refused) == tries - len(reached)
    trail = events(store, "Alex Reid")
    assert trail.count("sign_in_failed") == len(reached)
    assert trail.count("sign_in_refused") == len(refused)
    assert trail.count("locked_out") == 1
    # And the right passphrase is refused too, unchecked, until the wait is over.
    with pytest.raises(LockedOut, match="users unlock"):
        people.sign_in(store, "Alex Reid", PASSPHRASE)


def test_a_try_that_cannot_be_counted_is_refused_without_checking(
    store, alex, checks, monkeypatch
) -> None:
    people.sign_in(store, "Alex Reid", PASSPHRASE)  # the store is in use: lockouts.json exists
    checks.clear()
    real_open = os.open

    def full_disk(path, flags, *args, **kwargs):
        # The new copy of lockouts.json is written to a temporary file beside it first.
        if os.path.basename(os.fspath(path)).startswith(".lockouts.json."):
            raise OSError(errno.ENOSPC, "No space left on device", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", full_disk)
    for guess in (WRONG, PASSPHRASE):
        with pytest.raises(NotCounted) as refused:
            people.sign_in(store, "Alex Reid", guess)
        assert "disk is full" in str(refused.value) and "Nothing was checked" in str(refused.value)
        assert "\n" not in str(refused.value)
    assert checks == []
    monkeypatch.setattr(os, "open", real_open)
    trail = store.audit.entries()[-2:]
    assert [(e["event"], e["subject"], e["detail"]["why"]) for e in trail] == [
        ("sign_in_refused", "Alex Reid", "not_counted")
    ] * 2
    # On the command line: one plain line, no traceback.
    wrong = store.data_dir.parent / "wrong.txt"
    wrong.write_text(WRONG + "\n")
    monkeypatch.setattr(os, "open", full_disk)
    result = run_cli(
        "sessions", "list", "--user", "Alex Reid", "--passphrase-file", str(wrong),
        data_dir=store.data_dir,
    )  # fmt: skip
    monkeypatch.setattr(os, "open", real_open)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "could not be checked" in result.stderr and "Traceback" not in result.stderr
    assert checks == []


def test_deleting_lockouts_json_does_not_lift_a_lock(store, alex, checks) -> None:
    lock_out(store, "Alex Reid")
    (store.data_dir / "lockouts.json").unlink()
    checks.clear()
    fresh = Store(store.data_dir)  # as the next command or app would open it
    with pytest.raises(LockedOut) as still:
        people.sign_in(fresh, "Alex Reid", PASSPHRASE)
    assert still.value.refused and checks == []
    assert any("rebuilt from the audit trail" in n for n in fresh.notices)


def test_editing_lockouts_json_does_not_lift_a_lock(store, alex, checks) -> None:
    """Rather than delete the file, empty it of Alex's record (a file of the right shape)."""
    lock_out(store, "Alex Reid")
    path = store.data_dir / "lockouts.json"
    data = json.loads(path.read_text())
    data["failures"] = {}
    path.write_text(json.dumps(data))
    checks.clear()
    with pytest.raises(LockedOut) as still:
        people.sign_in(Store(store.data_dir), "Alex Reid", PASSPHRASE)
    assert still.value.refused and checks == []
    # Lifting it for real is an admin's lift, in the trail, and then the right one works.
    people.lift_lockout(store, alex, "Alex Reid")
    assert people.sign_in(Store(store.data_dir), "Alex Reid", PASSPHRASE).name == "Alex Reid"


def test_a_lock_is_found_behind_many_newer_entries(store, alex) -> None:
    """The trail is read back from its end only as far as the longest wait: here across
    several reads, past a thousand newer entries about someone else."""
    lock_out(store, "Alex Reid")
    path = store.data_dir / "audit.jsonl"
    last = json.loads(path.read_bytes().splitlines()[-1])
    with path.open("ab") as handle:
        for _ in range(1000):
            entry = {
                **last,
                "seq": last["seq"] + 1,
                "event": "sign_in_refused",
                "prev": last["hash"],
            }
            entry.update(subject="Nobody Here", detail={"via": "cli", "why": "locked_out"})
            entry["hash"] = entry_hash(entry)
            handle.write(canonical(entry) + b"\n")
            last = entry
    assert path.stat().st_size > 3 * 65536 and store.audit.verify() == []
    (store.data_dir / "lockouts.json").write_text('{"failures": {}}')
    with pytest.raises(LockedOut):
        people.sign_in(Store(store.data_dir), "Alex Reid", PASSPHRASE)


def test_a_count_short_of_a_lock_survives_the_file_being_deleted(store, alex) -> None:
    for _ in range(ATTEMPTS - 2):
        with pytest.raises(SignInError, match="do not match"):
            people.sign_in(store, "Alex Reid", WRONG)
    (store.data_dir / "lockouts.json").unlink()
    fresh = Store(store.data_dir)
    with pytest.raises(SignInError, match="do not match"):
        people.sign_in(fresh, "Alex Reid", WRONG)
    with pytest.raises(LockedOut):
        people.sign_in(fresh, "Alex Reid", WRONG)


@pytest.mark.parametrize(
    "damage",
    [
        b"not json at all",
        b"",
        b'{"failures": {"1": {"count": "zero", "times": 0}}}',
        b'{"failures": {"1": {"count": 0, "times": 0, "until": "soon"}}}',
        b'{"failures": []}',
        b"[1, 2, 3]",
    ],
)
def test_a_damaged_lockouts_json_is_set_aside_and_rebuilt(store, alex, damage) -> None:
    lock_out(store, "Alex Reid")
    (store.data_dir / "lockouts.json").write_bytes(damage)
    fresh = Store(store.data_dir)
    with pytest.raises(LockedOut):
        people.sign_in(fresh, "Alex Reid", PASSPHRASE)
    assert any("rebuilt from the audit trail" in n for n in fresh.notices)
    assert list(store.data_dir.glob("lockouts.json.corrupt-*"))
    json.loads((store.data_dir / "lockouts.json").read_text())  # whole again


def test_users_passphrase_is_a_sign_in(store, alex, checks, tmp_path) -> None:
    """Finding 3: guessing through `users passphrase` was unlimited, unaudited, and it said
    which names exist."""
    people.add_person(store, alex, "Jo Patel", ["practitioner"], PASSPHRASE)
    wrong, right, new = (tmp_path / f"{n}.txt" for n in ("wrong", "right", "new"))
    wrong.write_text(WRONG + "\n")
    right.write_text(PASSPHRASE + "\n")
    new.write_text("Jo's brand new passphrase\n")

    def change(name: str, old) -> object:
        return run_cli(
            "users", "passphrase", "--user", name, "--passphrase-file", str(old),
            "--new-passphrase-file", str(new), data_dir=store.data_dir,
        )  # fmt: skip

    # An unknown name is answered exactly like a wrong passphrase for a real one.
    nobody, jo = change("Nobody Here", wrong), change("Jo Patel", wrong)
    assert nobody.returncode == jo.returncode == 1
    assert nobody.stderr == jo.stderr and "nobody called" not in nobody.stderr.lower()
    # Wrong guesses are counted and recorded; the fifth locks the name.
    results = [change("Jo Patel", wrong) for _ in range(ATTEMPTS - 1)]
    assert "Too many wrong passphrases" in results[-1].stderr
    trail = events(store, "Jo Patel")
    assert trail.count("sign_in_failed") == ATTEMPTS and trail.count("locked_out") == 1
    # Locked out: even the right old passphrase is refused, unchecked, and nothing changes.
    checks.clear()
    locked = change("Jo Patel", right)
    assert locked.returncode == 1 and "Too many wrong passphrases" in locked.stderr
    assert checks == [] and events(store, "Jo Patel")[-1] == "sign_in_refused"
    with pytest.raises(SignInError):
        people.sign_in(Store(store.data_dir), "Jo Patel", "Jo's brand new passphrase")


def test_an_admin_lifts_a_lockout_on_the_command_line(store, alex, passphrase_file) -> None:
    people.add_person(store, alex, "Jo Patel", ["practitioner"], PASSPHRASE)
    locked = lock_out(store, "Jo Patel")
    assert "users unlock" in str(locked) and "People screen" in str(locked)

    def unlock(user: str, *more: str):
        return run_cli(
            "users", "unlock", "jo patel", "--user", user, "--passphrase-file",
            str(passphrase_file), *more, data_dir=store.data_dir,
        )  # fmt: skip

    denied = unlock("Jo Patel")
    assert denied.returncode == 1 and "Too many wrong passphrases" in denied.stderr
    done = unlock("Alex Reid", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"name": "Jo Patel", "lifted": True}
    lifted = [e for e in store.audit.entries() if e["event"] == "lockout_lifted"]
    assert [(e["actor"], e["subject"]) for e in lifted] == [("Alex Reid", "Jo Patel")]
    again = unlock("Alex Reid")
    assert again.returncode == 0 and "nothing to lift" in again.stdout
    # The lift is in the trail, so a deleted lockouts.json does not bring the lock back.
    (store.data_dir / "lockouts.json").unlink()
    assert people.sign_in(Store(store.data_dir), "Jo Patel", PASSPHRASE).name == "Jo Patel"


def test_only_an_admin_lifts_a_lockout(store, alex, passphrase_file) -> None:
    people.add_person(store, alex, "Jo Patel", ["practitioner"], PASSPHRASE)
    people.add_person(store, alex, "Kit Novak", ["practitioner"], PASSPHRASE)
    lock_out(store, "Kit Novak")
    result = run_cli(
        "users", "unlock", "Kit Novak", "--user", "Jo Patel", "--passphrase-file",
        str(passphrase_file), data_dir=store.data_dir,
    )  # fmt: skip
    assert result.returncode == 1 and "admin" in result.stderr
    with pytest.raises(LockedOut):
        people.sign_in(store, "Kit Novak", PASSPHRASE)
    assert "lockout_lifted" not in events(store)
