"""The audit log: a hash chain that shows removed, edited, reordered or cut-off entries.

All names are synthetic.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import stat
import statistics
import time
from pathlib import Path

import pytest

from store.audit import EVENTS, ZERO_HASH, AuditDamaged, AuditLog, TornTail
from store.errors import StoreError

NAMES = ("Alex Reid", "Sam Okafor", "Jo Lindqvist", "Priya Natt")


def fill(log: AuditLog, count: int) -> list[dict]:
    return [
        log.append("sign_in", NAMES[i % len(NAMES)], detail={"attempt": i}) for i in range(count)
    ]


def read_lines(log: AuditLog) -> list[bytes]:
    return log.path.read_bytes().splitlines(keepends=True)


def write_lines(log: AuditLog, lines: list[bytes]) -> None:
    log.path.write_bytes(b"".join(lines))


def own_hash(entry: dict) -> str:
    """Independent of store.audit: SHA-256 of the canonical JSON without `hash`."""
    body = {key: value for key, value in entry.items() if key != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def forge_log(path: Path, count: int) -> None:
    """Write a valid chain of `count` entries directly, without an fsync for each."""
    prev = ZERO_HASH
    out = []
    for seq in range(1, count + 1):
        entry = {
            "seq": seq,
            "at": "2025-01-06T09:00:00+00:00",
            "event": "sign_in",
            "actor": NAMES[seq % len(NAMES)],
            "subject": None,
            "detail": {},
            "prev": prev,
        }
        entry["hash"] = prev = own_hash(entry)
        text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        out.append(text + "\n")
    path.write_text("".join(out), encoding="utf-8")


@pytest.fixture
def log(data_dir: Path) -> AuditLog:
    return AuditLog(data_dir)


# -- a clean log --------------------------------------------------------------------------------


def test_appends_are_numbered_and_chained(log: AuditLog) -> None:
    written = fill(log, 5)
    entries = log.entries()
    assert entries == written
    assert [entry["seq"] for entry in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev"] == ZERO_HASH
    for before, after in zip(entries[:-1], entries[1:], strict=True):
        assert after["prev"] == before["hash"]
    for entry in entries:
        assert entry["hash"] == own_hash(entry)
    assert log.verify() == []
    assert log.head() == (5, entries[-1]["hash"])


def test_entry_records_who_and_what(log: AuditLog) -> None:
    entry = log.append("read_other", "Sam Okafor", "Alex Reid", {"session": "s-123"})
    assert entry["event"] == "read_other"
    assert entry["actor"] == "Sam Okafor"
    assert entry["subject"] == "Alex Reid"
    assert entry["detail"] == {"session": "s-123"}
    assert "T" in entry["at"] and ("+" in entry["at"] or "-" in entry["at"][10:])
    line = log.path.read_text(encoding="utf-8")
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line) == entry


def test_file_is_private(log: AuditLog) -> None:
    log.append("sign_in", "Alex Reid")
    assert stat.S_IMODE(os.stat(log.path).st_mode) == 0o600


def test_missing_or_empty_log_has_no_problems(log: AuditLog) -> None:
    assert log.verify() == []
    assert log.entries() == []
    assert log.head() == (0, ZERO_HASH)
    log.path.write_bytes(b"")
    assert log.verify() == []
    assert log.append("sign_out", "Alex Reid")["seq"] == 1


def test_every_event_is_accepted(log: AuditLog) -> None:
    for event in EVENTS:
        log.append(event, "Alex Reid")
    assert [entry["event"] for entry in log.entries()] == list(EVENTS)
    assert log.verify() == []


def test_failed_sign_in_may_have_no_actor(log: AuditLog) -> None:
    entry = log.append("sign_in_failed", None, "Jo Lindqvist", {"attempts": 3})
    assert entry["actor"] is None
    assert log.verify() == []


# -- what is refused ----------------------------------------------------------------------------


def test_unknown_event_is_refused(log: AuditLog) -> None:
    with pytest.raises(ValueError, match="not an audit event"):
        log.append("coffee_break", "Alex Reid")
    assert not log.path.exists()


@pytest.mark.parametrize(
    "key", ["note", "reflection", "answers", "text", "case_ref", "Notes", "_text", "CASE_REF"]
)
def test_content_like_detail_is_refused(log: AuditLog, key: str) -> None:
    with pytest.raises(ValueError, match="never records session content"):
        log.append("export", "Alex Reid", detail={key: "anything"})
    assert not log.path.exists()


@pytest.mark.parametrize("value", [1.5, ["a"], {"nested": 1}, b"bytes", ("t",)])
def test_non_scalar_detail_is_refused(log: AuditLog, value: object) -> None:
    with pytest.raises(ValueError, match="must be text"):
        log.append("export", "Alex Reid", detail={"count": value})
    assert not log.path.exists()


def test_plain_detail_values_are_kept(log: AuditLog) -> None:
    detail = {"count": 3, "admin": True, "format": "json", "folder": None}
    assert log.append("export", "Alex Reid", detail=detail)["detail"] == detail


def test_non_text_actor_is_refused(log: AuditLog) -> None:
    with pytest.raises(ValueError):
        log.append("sign_in", 42)  # type: ignore[arg-type]


# -- tampering ----------------------------------------------------------------------------------


def test_deleting_a_middle_line_is_detected(log: AuditLog) -> None:
    fill(log, 10)
    lines = read_lines(log)
    del lines[4]  # entry 5
    write_lines(log, lines)
    assert log.verify() == ["entry 5 is missing (line 5 has 6)"]


def test_deleting_the_first_line_is_detected(log: AuditLog) -> None:
    fill(log, 4)
    write_lines(log, read_lines(log)[1:])
    assert log.verify() == ["entry 1 is missing (line 1 has 2)"]


def test_editing_a_middle_line_is_detected(log: AuditLog) -> None:
    fill(log, 10)
    lines = read_lines(log)
    lines[6] = lines[6].replace(b'"actor":"', b'"actor":"X')
    write_lines(log, lines)
    assert log.verify() == ["line 7 was edited after it was written"]


def test_editing_and_resealing_a_line_breaks_the_next_link(log: AuditLog) -> None:
    fill(log, 10)
    lines = read_lines(log)
    entry = json.loads(lines[6])
    entry["actor"] = "Priya Natt" if entry["actor"] != "Priya Natt" else "Sam Okafor"
    entry["hash"] = own_hash(entry)
    lines[6] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    write_lines(log, lines)
    assert log.verify() == ["line 8 does not follow line 7: an entry was removed or changed"]


def test_editing_the_last_line_is_detected(log: AuditLog) -> None:
    fill(log, 6)
    lines = read_lines(log)
    lines[-1] = lines[-1].replace(b'"event":"sign_in"', b'"event":"sign_out"')
    write_lines(log, lines)
    assert log.verify() == ["line 6 was edited after it was written"]


def test_reordering_two_lines_is_detected(log: AuditLog) -> None:
    fill(log, 6)
    lines = read_lines(log)
    lines[2], lines[3] = lines[3], lines[2]
    write_lines(log, lines)
    assert log.verify() == [
        "entry 3 is missing (line 3 has 4)",
        "line 4 has entry 3 out of order (entry 5 was expected next): "
        "entries were repeated or moved",
        "line 5 does not follow line 4: an entry was removed or changed",
    ]


def test_truncating_mid_line_is_detected(log: AuditLog) -> None:
    fill(log, 10)
    lines = read_lines(log)
    cut = sum(len(line) for line in lines[:5]) + len(lines[5]) // 2
    with open(log.path, "r+b") as handle:
        handle.truncate(cut)
    problems = log.verify()
    assert len(problems) == 1
    assert problems[0].startswith("line 6 is incomplete")


def test_garbage_line_is_named(log: AuditLog) -> None:
    fill(log, 5)
    lines = read_lines(log)
    lines[2] = b"{not json\n"
    write_lines(log, lines)
    assert log.verify() == ["line 3 cannot be read as an entry"]
    with pytest.raises(AuditDamaged, match="line 3"):
        log.entries()


def test_unknown_event_in_the_file_is_named(log: AuditLog) -> None:
    fill(log, 3)
    lines = read_lines(log)
    entry = json.loads(lines[1])
    entry["event"] = "coffee_break"
    entry["hash"] = own_hash(entry)
    lines[1] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    write_lines(log, lines)
    problems = log.verify()
    assert "line 2 has an unknown event 'coffee_break'" in problems


def test_anchor_catches_entries_cut_off_the_end(log: AuditLog) -> None:
    fill(log, 8)
    anchor = log.head()
    assert log.verify(anchor=anchor) == []
    write_lines(log, read_lines(log)[:6])
    assert log.verify() == []  # a shorter chain is still a chain
    assert log.verify(anchor=anchor) == [
        "the log ends at entry 6, but entry 8 was written: entries at the end were removed"
    ]


# -- torn tail after a crash --------------------------------------------------------------------


def test_torn_tail_is_refused_by_a_read_and_repaired_on_its_own(log: AuditLog) -> None:
    fill(log, 4)
    whole = log.path.read_bytes()
    half = b'{"actor":"Alex Reid","at":"2025-01-06T09:'
    log.path.write_bytes(whole + half)

    with pytest.raises(AuditDamaged) as caught:
        log.head()  # a read: it names the line, and changes nothing
    assert isinstance(caught.value, StoreError)
    assert caught.value.torn and caught.value.line == 5
    assert "audit.jsonl" in str(caught.value) and "line 5" in str(caught.value)
    assert "set aside" in str(caught.value)
    assert log.path.read_bytes() == whole + half

    repaired = log.repair_torn_tail()
    assert isinstance(repaired, TornTail)
    assert repaired.line == 5 and repaired.removed == half
    assert repaired.moved_to.name.startswith("audit.jsonl.torn-")
    assert repaired.moved_to.read_bytes() == half
    assert stat.S_IMODE(os.stat(repaired.moved_to).st_mode) == 0o600
    assert log.path.read_bytes() == whole

    assert log.append("sign_out", "Alex Reid")["seq"] == 5
    assert log.verify() == []
    assert log.repair_torn_tail() is None


def test_the_next_append_sets_a_torn_tail_aside_and_records_it(data_dir: Path) -> None:
    notices: list[str] = []
    log = AuditLog(data_dir, notices)
    fill(log, 4)
    anchor = log.head()
    whole = log.path.read_bytes()
    half = b'{"actor":"Alex Reid","at":"2025-01-06T09:'
    log.path.write_bytes(whole + half)

    entry = log.append("sign_out", "Alex Reid")
    [aside] = data_dir.glob("audit.jsonl.torn-*")
    assert aside.read_bytes() == half and stat.S_IMODE(os.stat(aside).st_mode) == 0o600
    assert log.path.read_bytes().startswith(whole)
    repair, added = log.entries()[4:]
    assert repair["event"] == "file_restored" and repair["actor"] is None
    assert repair["detail"] == {
        "file": "audit.jsonl",
        "why": "incomplete_last_line",
        "line": 5,
        "kept_as": aside.name,
    }
    assert added == entry and entry["seq"] == 6 and entry["prev"] == repair["hash"]
    assert log.verify(anchor=anchor) == []
    [said] = notices
    assert "incomplete" in said and aside.name in said
    log.append("sign_in", "Alex Reid")
    assert len(notices) == 1 and list(data_dir.glob("audit.jsonl.torn-*")) == [aside]


def test_a_torn_tail_that_cannot_be_set_aside_is_left_as_it_was(log: AuditLog, monkeypatch):
    """A full disk while keeping the incomplete line: nothing is cut off, no traceback."""
    import errno

    from store.errors import StoreFullError

    fill(log, 3)
    torn = log.path.read_bytes() + b'{"actor":"Alex'
    log.path.write_bytes(torn)
    real_write = os.write

    def full(fd, data):
        if os.fstat(fd).st_size == 0:  # the new file the line is kept in
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StoreFullError):
        log.append("sign_in", "Alex Reid")
    monkeypatch.undo()
    assert log.path.read_bytes() == torn
    assert list(log.data_dir.glob("audit.jsonl.torn-*")) == []


def test_torn_first_line_is_repaired(log: AuditLog) -> None:
    log.path.write_bytes(b'{"seq":1,"at"')
    with pytest.raises(AuditDamaged, match="line 1"):
        log.head()
    assert log.repair_torn_tail().removed == b'{"seq":1,"at"'
    assert log.path.read_bytes() == b""
    assert log.append("sign_in", "Alex Reid")["seq"] == 1
    assert log.verify() == []


def test_torn_first_line_is_set_aside_by_the_first_append(log: AuditLog) -> None:
    log.path.write_bytes(b'{"seq":1,"at"')
    assert log.append("sign_in", "Alex Reid")["seq"] == 2  # after the repair's own entry
    assert [e["event"] for e in log.entries()] == ["file_restored", "sign_in"]
    assert log.verify() == []


def test_unreadable_complete_last_line_is_not_appended_after(log: AuditLog) -> None:
    fill(log, 3)
    before = log.path.read_bytes() + b"garbage\n"
    log.path.write_bytes(before)
    with pytest.raises(AuditDamaged, match="line 4") as caught:
        log.append("sign_in", "Alex Reid")
    assert not caught.value.torn
    assert log.repair_torn_tail() is None  # only an incomplete line is ever removed
    assert log.path.read_bytes() == before


def test_repair_on_a_clean_or_missing_log_does_nothing(log: AuditLog) -> None:
    assert log.repair_torn_tail() is None
    fill(log, 2)
    before = log.path.read_bytes()
    assert log.repair_torn_tail() is None
    assert log.path.read_bytes() == before


# -- two processes at once ----------------------------------------------------------------------


def _append_many(data_dir: str, name: str, count: int, start) -> None:
    start.wait(30)
    log = AuditLog(Path(data_dir))
    for i in range(count):
        log.append("sign_in", name, detail={"i": i})


def test_two_processes_append_without_losing_entries(log: AuditLog) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_append_many, args=(str(log.data_dir), name, 50, start))
        for name in ("Alex Reid", "Sam Okafor")
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    entries = log.entries()
    assert [entry["seq"] for entry in entries] == list(range(1, 101))
    assert sorted(entry["actor"] for entry in entries) == ["Alex Reid"] * 50 + ["Sam Okafor"] * 50
    assert log.verify() == []


# -- speed --------------------------------------------------------------------------------------


def test_append_does_not_read_the_whole_log(log: AuditLog) -> None:
    forge_log(log.path, 10_000)
    assert log.verify() == []
    timings = []
    for i in range(20):
        started = time.perf_counter()
        log.append("unlock", "Alex Reid", detail={"i": i})
        timings.append(time.perf_counter() - started)
    # The design target is well under 10 ms; the bound is coarse so a busy machine passes.
    assert statistics.median(timings) < 0.025
    assert log.head()[0] == 10_020
    assert log.verify() == []
