"""An append-only log of security events, each entry chained to the one before by a hash.

The log lives in `<data dir>/audit.jsonl`: one JSON object a line, UTF-8, readable by its
owner only. Every entry carries `prev`, the `hash` of the entry before it (64 zeros for the
first), and its own `hash`, the SHA-256 of its canonical JSON without the `hash` field. So an
edited line no longer matches its own hash, and a removed or reordered line breaks the chain
or the numbering; `verify` names the line where that happens.

It records who did what and to whom, never what a session says: `detail` holds a few plain
facts (strings, whole numbers, true/false), and keys that sound like content are refused.

The chain has no secret key, so someone who can write the file could rebuild it from scratch,
and cutting whole entries off the end leaves a shorter, valid chain. `head()` gives the last
entry's number and hash; keep it elsewhere and pass it to `verify(anchor=...)` to catch that.

Appending reads only the last line (from the end of the file), under the store's
inter-process lock, then adds one whole line with a single `O_APPEND` write and an fsync.

A power cut part-way through that write (or a stray byte appended) leaves an incomplete last
line. The next append sets that line aside (`audit.jsonl.torn-…`, kept, never deleted), keeps
everything before it, records the repair as an entry of its own (`file_restored`) and says so
once in the store's notices; `verify` names the line set aside until someone removes it. Only
an incomplete *last* line is ever set aside: a complete line that is unreadable or altered is
never repaired, and a log that is not an ordinary file (a folder in its place) is refused.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from filelock import FileLock

from checklists.untrusted import UntrustedFileError, parse_json, read_capped

from .errors import CorruptFileError, StoreError, StoreFullError, StoreWriteError
from .storage import FILE_MODE, ensure_dir, fsync_dir, lock_for, locked

AUDIT_FILE = "audit.jsonl"
ZERO_HASH = "0" * 64

EVENTS = (
    "sign_in",
    "sign_out",
    "sign_in_failed",
    "sign_in_refused",
    "locked_out",
    "lockout_lifted",
    "idle_lock",
    "screen_lock",
    "unlock",
    "read_other",
    "export",
    "import",
    "person_added",
    "person_updated",
    "role_added",
    "role_removed",
    "supervisor_added",
    "supervisor_removed",
    "person_deactivated",
    "person_reactivated",
    "passphrase_reset",
    "passphrase_changed",
    "reshare",
    "read_summary",
    "comment_added",
    "comments_seen",
    "supervision_record_added",
    "action_updated",
    "session_discarded",
    "file_restored",
    "sessions_vouched",
    "directory_signed",
    "supervisor_confirmed",
    "report_key_made",
    "report_key_shared",
    "read_service_report",
)

# `detail` keys that would carry what a session says; refused so content never reaches the log.
CONTENT_KEYS = frozenset(
    {
        "note",
        "notes",
        "reflection",
        "reflections",
        "answer",
        "answers",
        "text",
        "case_ref",
        "case_refs",
        "caseref",
        "case_reference",
    }
)
MAX_DETAIL_KEYS = 20
MAX_DETAIL_VALUE_CHARS = 1000
# No entry the log writes comes near this; a longer line was put there by someone else.
MAX_LINE_BYTES = 64 * 1024
MAX_AUDIT_BYTES = 1024 * 1024 * 1024

# The `why` of the entry that records an incomplete last line set aside (`AuditLog._mend`).
MENDED = "incomplete_last_line"
FIELDS = ("seq", "at", "event", "actor", "subject", "detail", "prev", "hash")
_TAIL_CHUNK = 4096


class AuditDamaged(StoreError):
    """The log cannot be added to: its last line is incomplete (`torn`) or unreadable."""

    def __init__(self, path: Path, line: int, why: str, torn: bool) -> None:
        self.path = Path(path)
        self.line = line
        self.torn = torn
        advice = (
            " The next time anything is recorded (someone signing in, say), that line is set"
            " aside and everything before it kept."
            if torn
            else " Check the log with `stepping-stones audit verify`."
        )
        super().__init__(
            f"The audit log {path} is damaged at line {line}: {why}. Nothing was added to it."
            + advice
        )


def format_anchor(head: tuple[int, str]) -> str:
    """`NUMBER:HASH`, the form `audit head` prints and `audit verify --anchor` reads."""
    return f"{head[0]}:{head[1]}"


def parse_anchor(text: str) -> tuple[int, str]:
    """(number, hash) from `NUMBER:HASH`; ValueError in plain words otherwise."""
    number, sep, digest = text.strip().partition(":")
    digest = digest.lower()
    if (
        not sep
        or not (number.isascii() and number.isdigit())
        or len(digest) != 64
        or any(c not in "0123456789abcdef" for c in digest)
    ):
        raise ValueError(
            f"{text!r} is not an audit anchor: it should be the entry number, a colon and the "
            "64-character hash, as `stepping-stones audit head` prints it."
        )
    return int(number), digest


class TornTail(NamedTuple):
    """What `repair_torn_tail` removed: the line number, its bytes, and where they were put."""

    line: int
    removed: bytes
    moved_to: Path


def canonical(entry: dict) -> bytes:
    """The one byte form an entry is hashed and written in."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def entry_hash(entry: dict) -> str:
    """SHA-256 (hex) of the entry's canonical JSON without its own `hash` field."""
    body = {key: value for key, value in entry.items() if key != "hash"}
    return hashlib.sha256(canonical(body)).hexdigest()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _check_text(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"The audit {name} must be a name or nothing, not {type(value).__name__}.")


def _check_detail(detail: dict | None) -> dict:
    if detail is None:
        return {}
    if not isinstance(detail, dict):
        raise ValueError("The audit detail must be a small table of plain facts.")
    if len(detail) > MAX_DETAIL_KEYS:
        raise ValueError(f"The audit detail has more than {MAX_DETAIL_KEYS} facts.")
    for key, value in detail.items():
        if not isinstance(key, str) or not key:
            raise ValueError("Each audit detail needs a name.")
        if key.strip().strip("_").lower() in CONTENT_KEYS:
            raise ValueError(
                f"The audit log never records session content, so it refuses the detail {key!r}."
            )
        if value is not None and not isinstance(value, (str, int, bool)):
            raise ValueError(
                f"The audit detail {key!r} must be text, a whole number, true/false or nothing, "
                f"not {type(value).__name__}."
            )
        if isinstance(value, str) and len(value) > MAX_DETAIL_VALUE_CHARS:
            raise ValueError(f"The audit detail {key!r} is too long to be a plain fact.")
    return dict(detail)


def _parse(raw: bytes) -> dict | None:
    """One complete line (without its newline) as an entry, or None when it is not one (too
    long to be an entry, not UTF-8, not JSON, nested too deeply: `checklists.untrusted`)."""
    if len(raw) > MAX_LINE_BYTES:
        return None
    try:
        entry = parse_json(raw, AUDIT_FILE)
    except UntrustedFileError:
        return None
    if not isinstance(entry, dict) or set(entry) != set(FIELDS):
        return None
    seq = entry["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return None
    for key in ("at", "event", "prev", "hash"):
        if not isinstance(entry[key], str):
            return None
    for key in ("actor", "subject"):
        if entry[key] is not None and not isinstance(entry[key], str):
            return None
    if not isinstance(entry["detail"], dict):
        return None
    if any(v is not None and not isinstance(v, (str, int)) for v in entry["detail"].values()):
        return None  # `_facts` never writes anything else: a nested detail was put there
    return entry


def _mended(entry: dict) -> bool:
    """Whether the entry is the log's own record of an incomplete line set aside (`_mend`)."""
    detail = entry["detail"]
    return (
        entry["event"] == "file_restored"
        and detail.get("file") == AUDIT_FILE
        and detail.get("why") == MENDED
    )


def _read_last_line(fd: int, size: int) -> tuple[int, bytes]:
    """The offset and bytes of the last line (with its newline, if any), reading from the end."""
    pos = size
    buf = b""
    while pos > 0:
        step = min(_TAIL_CHUNK, pos)
        pos -= step
        buf = os.pread(fd, step, pos) + buf
        # A newline before the final byte ends the line before the last one.
        cut = buf.rfind(b"\n", 0, len(buf) - 1)
        if cut != -1:
            return pos + cut + 1, buf[cut + 1 :]
        if len(buf) > MAX_LINE_BYTES:
            return pos, buf  # longer than any entry: `_parse` refuses it, unread to its start
    return 0, buf


def _lines(raw: bytes) -> list[bytes]:
    """The file's lines, each with its newline; only the last can lack one (when torn)."""
    parts = raw.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _count_lines(fd: int, end: int) -> int:
    """Newlines in the first `end` bytes (used only when reporting damage)."""
    count = 0
    pos = 0
    while pos < end:
        chunk = os.pread(fd, min(1 << 20, end - pos), pos)
        if not chunk:
            break
        count += chunk.count(b"\n")
        pos += len(chunk)
    return count


class AuditLog:
    """The security-event log of one data folder."""

    def __init__(self, data_dir: Path, notices: list[str] | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / AUDIT_FILE
        # Plain sentences for the person (the store's notices): an incomplete line set aside.
        self.notices = notices if notices is not None else []
        self._lock: FileLock | None = None

    def _locked(self):
        if self._lock is None:
            self._lock = lock_for(self.path)
        return locked(self._lock)

    # -- writing ---------------------------------------------------------------------------

    def append(
        self,
        event: str,
        actor: str | None,
        subject: str | None = None,
        detail: dict | None = None,
    ) -> dict:
        """Add one entry and return it; ValueError for an unknown event or content-like detail.

        An incomplete last line (a write cut short) is set aside first, and that repair is
        recorded before the entry (`_mend`); any other damage at the end stops it with
        `AuditDamaged`, and a log that is not an ordinary file with `CorruptFileError`."""
        if event not in EVENTS:
            raise ValueError(f"{event!r} is not an audit event.")
        _check_text("actor", actor)
        _check_text("subject", subject)
        facts = _check_detail(detail)
        ensure_dir(self.data_dir)
        with self._locked():
            created = not self.path.exists()
            try:
                seq, prev = self._tail_head()
            except AuditDamaged as exc:
                if not exc.torn:
                    raise
                seq, prev = self._mend()
            return self._add(seq, prev, event, actor, subject, facts, created)

    def _add(
        self,
        seq: int,
        prev: str,
        event: str,
        actor: str | None,
        subject: str | None,
        facts: dict,
        created: bool,
    ) -> dict:
        """Write the entry after (seq, prev) (lock held)."""
        entry = {
            "seq": seq + 1,
            "at": _now(),
            "event": event,
            "actor": actor,
            "subject": subject,
            "detail": facts,
            "prev": prev,
        }
        entry["hash"] = entry_hash(entry)
        self._write_line(canonical(entry) + b"\n", created)
        return entry

    def _mend(self) -> tuple[int, str]:
        """Set an incomplete last line aside, say so, and record it (lock held); returns the
        head to add the next entry after.

        Every line is written whole with its newline, so what this removes is at most the
        one entry being written when the write was cut short, never one acknowledged before
        it: the chain up to it is untouched, and an anchor written down earlier still holds
        (one of the entry cut short says the log was rewritten). The bytes are kept beside the
        log, the repair is the next entry (naming the line and where it was kept), and
        `verify` names the kept line until someone removes it."""
        torn = self._cut_torn_tail()
        if torn is None:  # nothing to cut after all
            return self._tail_head()
        self.notices.append(
            f"The last line of the audit trail {self.path} was incomplete: the app probably "
            f"stopped while writing it. That line was set aside as {torn.moved_to.name}, every "
            "entry before it was kept, and the trail carries on. `stepping-stones verify` "
            "names the line set aside until someone has looked at it and removed it."
        )
        seq, prev = self._tail_head()  # the line before may be damaged too: not repaired
        detail = {
            "file": AUDIT_FILE,
            "why": MENDED,
            "line": torn.line,
            "kept_as": torn.moved_to.name,
        }
        entry = self._add(seq, prev, "file_restored", None, None, detail, created=False)
        return entry["seq"], entry["hash"]

    def _open(self, flags: int) -> int | None:
        """A file descriptor for the log, or None when there is none. Anyone who can write the
        folder can put something else in its place: a folder, a link to a device or a pipe is
        refused in one plain sentence (`CorruptFileError`), never read or waited on."""
        try:
            fd = os.open(self.path, flags | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.EISDIR:
                raise CorruptFileError(self.path, "it is not an ordinary file", False) from exc
            why = f"it cannot be opened ({exc.strerror or exc})"
            raise CorruptFileError(self.path, why, damaged=False) from exc
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
        except OSError:
            regular = False
        if not regular:
            os.close(fd)
            raise CorruptFileError(self.path, "it is not an ordinary file", damaged=False)
        return fd

    def _tail_head(self) -> tuple[int, str]:
        """The last entry's number and hash, reading only the end of the file (lock held)."""
        fd = self._open(os.O_RDONLY)
        if fd is None:
            return 0, ZERO_HASH
        try:
            size = os.fstat(fd).st_size
            if size == 0:
                return 0, ZERO_HASH
            start, line = _read_last_line(fd, size)
            if not line.endswith(b"\n"):
                number = _count_lines(fd, start) + 1
                if len(line) > MAX_LINE_BYTES:
                    # No entry is this long, nor any part of one: not a write cut short.
                    raise AuditDamaged(
                        self.path,
                        number,
                        "the last line is incomplete and longer than any entry",
                        torn=False,
                    )
                raise AuditDamaged(
                    self.path,
                    number,
                    "the last line is incomplete (the app probably stopped while writing it)",
                    torn=True,
                )
            entry = _parse(line[:-1])
            if entry is None:
                number = _count_lines(fd, start) + 1
                raise AuditDamaged(
                    self.path, number, "the last line is not a readable entry", torn=False
                )
            return entry["seq"], entry["hash"]
        finally:
            os.close(fd)

    def _write_line(self, payload: bytes, created: bool) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        except OSError as exc:
            raise StoreWriteError(self.path, exc.strerror or str(exc)) from exc
        try:
            size = os.fstat(fd).st_size
            try:
                written = os.write(fd, payload)
                if written != len(payload):
                    # Never leave half an entry behind: take the partial line back off.
                    os.ftruncate(fd, size)
                    raise StoreWriteError(self.path, "only part of the entry could be written")
                os.fsync(fd)
            except OSError as exc:
                try:
                    os.ftruncate(fd, size)
                except OSError:
                    pass
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise StoreFullError(self.path) from exc
                raise StoreWriteError(self.path, exc.strerror or str(exc)) from exc
        finally:
            os.close(fd)
        if created:
            fsync_dir(self.data_dir)

    def repair_torn_tail(self) -> TornTail | None:
        """Set an incomplete final line (no newline) aside and cut it off; None if there is none.

        Only that line is touched: complete lines, even unreadable ones, stay for `verify`.
        `append` does this itself (and records it); this alone records and says nothing.
        """
        with self._locked():
            return self._cut_torn_tail()

    def _cut_torn_tail(self) -> TornTail | None:
        """`repair_torn_tail` with the lock held. An incomplete line longer than any entry is
        not a write cut short, so it is left for `verify` to name."""
        fd = self._open(os.O_RDWR)
        if fd is None:
            return None
        try:
            size = os.fstat(fd).st_size
            if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
                return None
            start, removed = _read_last_line(fd, size)
            if len(removed) > MAX_LINE_BYTES:
                return None
            number = _count_lines(fd, start) + 1
            target = self._write_aside(removed)  # kept before anything is cut off
            os.ftruncate(fd, start)
            os.fsync(fd)
        except OSError as exc:  # a read-only folder, a full disk: the log is left as it was
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StoreFullError(self.path) from exc
            raise StoreWriteError(self.path, exc.strerror or str(exc)) from exc
        finally:
            os.close(fd)
        return TornTail(number, removed, target)

    def _write_aside(self, data: bytes) -> Path:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        for attempt in range(1000):
            suffix = f".torn-{stamp}" + (f"-{attempt}" if attempt else "")
            target = self.path.with_name(self.path.name + suffix)
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            except FileExistsError:
                continue
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError:
                target.unlink(missing_ok=True)  # not kept whole: the log keeps the line
                raise
            finally:
                os.close(fd)
            fsync_dir(self.data_dir)
            return target
        raise StoreWriteError(self.path, "too many incomplete lines are already set aside")

    # -- reading ---------------------------------------------------------------------------

    def _read_all(self) -> bytes:
        if not self.path.exists():
            return b""
        with self._locked():
            try:
                return read_capped(self.path, MAX_AUDIT_BYTES) or b""
            except UntrustedFileError as exc:
                raise CorruptFileError(self.path, exc.why, damaged=False) from exc

    def head(self) -> tuple[int, str]:
        """(number, hash) of the last entry, or (0, 64 zeros) for an empty log.

        Keep it somewhere the log's own file cannot change, and pass it to `verify(anchor=)`.
        """
        if not self.path.exists():
            return 0, ZERO_HASH
        with self._locked():
            return self._tail_head()

    def entries(self) -> list[dict]:
        """Every entry, oldest first; AuditDamaged names the first line that cannot be read."""
        raw = self._read_all()
        result = []
        for number, line in enumerate(_lines(raw), start=1):
            if not line.endswith(b"\n"):
                raise AuditDamaged(self.path, number, "the last line is incomplete", torn=True)
            entry = _parse(line[:-1])
            if entry is None:
                raise AuditDamaged(self.path, number, "the line is not a readable entry", False)
            result.append(entry)
        return result

    def only(self, events: frozenset[str]) -> bool:
        """Whether the log is readable and every entry in it is one of `events`, or the log's
        own repair (`_mend`). An incomplete last line is no entry (the next append sets it
        aside), so it is passed over too: neither says anything of anyone."""
        try:
            lines = _lines(self._read_all())
        except StoreError:
            return False
        if lines and not lines[-1].endswith(b"\n") and len(lines[-1]) <= MAX_LINE_BYTES:
            lines.pop()
        for line in lines:
            entry = _parse(line[:-1]) if line.endswith(b"\n") else None
            if entry is None or not (entry["event"] in events or _mended(entry)):
                return False
        return True

    def newest_since(self, moment: datetime, limit: int = 10_000) -> list[dict]:
        """Readable entries written at or after `moment`, newest first (at most `limit`),
        reading back from the end of the file only as far as that."""
        found: list[dict] = []
        with closing(self.newest_first()) as entries:  # let go of the lock on leaving
            for entry in entries:
                try:
                    at = datetime.fromisoformat(entry["at"])
                except (KeyError, TypeError, ValueError):
                    continue
                if (at if at.tzinfo else at.astimezone()) < moment:
                    break
                found.append(entry)
                if len(found) >= limit:
                    break
        return found

    def newest_first(self) -> Iterator[dict]:
        """Readable entries, newest first, read back from the end of the file only as far as
        the caller goes on asking (a sign-in looks back only to the person's previous one).
        The file stays locked while it is read: use it with `contextlib.closing`."""
        if not self.path.exists():
            return
        with self._locked():
            fd = self._open(os.O_RDONLY)
            if fd is None:
                return
            try:
                pos, carry = os.fstat(fd).st_size, b""
                while pos > 0:
                    step = min(1 << 16, pos)
                    pos -= step
                    lines = (os.pread(fd, step, pos) + carry).split(b"\n")
                    # The first piece may be the end of a line that starts further back.
                    carry = lines.pop(0) if pos > 0 else b""
                    for raw in reversed(lines):
                        entry = _parse(raw) if raw.strip() else None
                        if entry is not None:
                            yield entry
            finally:
                os.close(fd)

    def readable_entries(self) -> list[dict]:
        """Every entry that can be read, oldest first, skipping lines that cannot (for
        rebuilding what the log tells, such as the lockout counts, from a damaged log)."""
        result = []
        for line in _lines(self._read_all()):
            if line.endswith(b"\n"):
                entry = _parse(line[:-1])
                if entry is not None:
                    result.append(entry)
        return result

    def verify(self, anchor: tuple[int, str] | None = None) -> list[str]:
        """Plain problems, each naming its line; an empty list means the chain is whole.

        `anchor` is a (number, hash) pair from `head()` kept elsewhere: the log must still
        hold that entry, unchanged, so entries cut off the end are noticed too.
        """
        raw = self._read_all()
        problems: list[str] = []
        expected = 1
        prev_hash: str | None = ZERO_HASH
        found: dict[int, tuple[int, str]] = {}
        last_seq = 0
        for number, line in enumerate(_lines(raw), start=1):
            if not line.endswith(b"\n"):
                problems.append(
                    f"line {number} is incomplete: the file ends part-way through it "
                    "(the app may have stopped while writing it, or the file was cut short)"
                )
                break
            body = line[:-1]
            entry = _parse(body) if body.strip() else None
            if entry is None:
                what = "is blank" if not body.strip() else "cannot be read as an entry"
                problems.append(f"line {number} {what}")
                # Assume it took one place in the chain; the next line's link cannot be checked.
                expected += 1
                prev_hash = None
                continue
            seq = entry["seq"]
            if entry_hash(entry) != entry["hash"]:
                problems.append(f"line {number} was edited after it was written")
            if entry["event"] not in EVENTS:
                problems.append(f"line {number} has an unknown event {entry['event']!r}")
            if seq > expected:
                missing = (
                    f"entry {expected} is missing"
                    if seq == expected + 1
                    else f"entries {expected} to {seq - 1} are missing"
                )
                problems.append(f"{missing} (line {number} has {seq})")
            elif seq < expected:
                problems.append(
                    f"line {number} has entry {seq} out of order (entry {expected} was expected "
                    "next): entries were repeated or moved"
                )
            elif prev_hash is not None and entry["prev"] != prev_hash:
                if number == 1:
                    problems.append("line 1 does not start the log: earlier entries were removed")
                else:
                    problems.append(
                        f"line {number} does not follow line {number - 1}: "
                        "an entry was removed or changed"
                    )
            expected = max(expected, seq + 1)
            prev_hash = entry["hash"]
            found.setdefault(seq, (number, entry["hash"]))
            last_seq = max(last_seq, seq)
        if anchor is not None and anchor[0] > 0:
            anchor_seq, anchor_hash = anchor
            if anchor_seq not in found:
                if anchor_seq > last_seq:
                    problems.append(
                        f"the log ends at entry {last_seq}, but entry {anchor_seq} was written: "
                        "entries at the end were removed"
                    )
                else:
                    problems.append(f"entry {anchor_seq}, written earlier, is not in the log")
            elif found[anchor_seq][1] != anchor_hash:
                problems.append(
                    f"line {found[anchor_seq][0]} is not the entry {anchor_seq} that was written: "
                    "the log was rewritten"
                )
        return problems
