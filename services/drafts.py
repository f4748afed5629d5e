"""The one path that saves drafts: a writer thread that outlives any screen.

An answer must keep being saved (and retried, when the disk is full) after the person has
moved on, so saving is not a screen's job; and it is plain Python, not part of the Textual
app, so that what it promises can be tested without driving a terminal. A front end hands it
snapshots and hears back, on the writer's thread, what became of them (`report`); it must
not block in `report`, and must not call it "saved" before `DraftSaved` (lesson 1).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from store import Session, Store, StoreError
from store.sessions import DiscardedElsewhere, FinishedElsewhere

RETRY_SECONDS = 2.0
# How long the writer sleeps with nothing to do before looking whether it should stop.
IDLE_WAKE_SECONDS = 0.5


@dataclass(frozen=True)
class DraftSaved:
    """A snapshot is on disk; `revision` is what the store now holds."""

    session_id: str
    revision: int


@dataclass(frozen=True)
class DraftSaveFailed:
    """Saving failed (a full disk): the snapshot is kept and tried again."""

    session_id: str
    reason: str


@dataclass(frozen=True)
class DraftGone:
    """The draft was finished or deleted elsewhere: this copy cannot be saved. `expected`:
    it was deleted here on purpose, so nothing was lost."""

    session_id: str
    reason: str
    deleted: bool
    expected: bool


DraftEvent = DraftSaved | DraftSaveFailed | DraftGone


class DraftWriter:
    """Writes drafts strictly one after another, for as long as it runs.

    A save never overtakes a later one, and a burst of answers to one draft collapses into
    fewer writes (only the newest snapshot of each draft waits in the inbox). It is woken the
    moment an answer arrives. When saving fails it keeps the snapshot and tries again every
    `retry_seconds`, or sooner when another answer arrives.

    `pending` is the truth about the disk: a draft is in it from `submit` until the snapshot
    handed over last is written (or the draft is gone), and is changed under the same lock as
    `report` is called, so a reader never sees it empty before the report is on its way.
    """

    def __init__(
        self,
        store: Store,
        report: Callable[[DraftEvent], None],
        retry_seconds: float | None = None,
    ) -> None:
        self.store = store
        self.report = report
        self.retry_seconds = RETRY_SECONDS if retry_seconds is None else retry_seconds
        self._lock = threading.Condition()
        self._pending: dict[str, Session] = {}  # not on disk yet, as last handed over
        self._inbox: dict[str, Session] = {}  # waiting for the writer, newest of each draft
        self._discarded: set[str] = set()  # deleted here: their late saves are not alarming
        self._written = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.last_write_at = 0.0  # perf_counter() after the latest write (for benchmarks)

    # -- the front end's side ----------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="draft-writer", daemon=True)
        self._thread.start()

    def submit(self, session: Session) -> None:
        """Hand over a copy of the draft as it is now; later changes to `session` are not
        part of this save."""
        snapshot = session.copy()
        with self._lock:
            self._pending[snapshot.id] = snapshot
            self._inbox[snapshot.id] = snapshot
            self._written.clear()
            self._lock.notify()

    def wait_written(self, timeout: float) -> bool:
        """Wait up to `timeout` for the writer to finish an attempt at what it was given."""
        return self._written.wait(timeout)

    @property
    def pending(self) -> frozenset[str]:
        """The drafts with answers not on disk yet."""
        with self._lock:
            return frozenset(self._pending)

    def discarding(self, session_id: str) -> None:
        """Before a draft is deleted: answers still on their way to it are not wanted."""
        with self._lock:
            self._discarded.add(session_id)
            self._pending.pop(session_id, None)
            self._inbox.pop(session_id, None)

    def discard_failed(self, session_id: str) -> None:
        """The delete did not happen: the draft's saves matter again."""
        with self._lock:
            self._discarded.discard(session_id)

    def forget(self, session_id: str) -> None:
        """After finishing: the archive now holds the session, a late draft save is moot."""
        with self._lock:
            self._pending.pop(session_id, None)

    def close(self, timeout: float = 2.0) -> bool:
        """Stop, after one more try at everything still waiting; True if all of it landed."""
        with self._lock:
            self._stopping = True
            self._lock.notify()
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.pending

    # -- the writer's thread -----------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    break
                if not self._inbox:
                    self._lock.wait(IDLE_WAKE_SECONDS)
                    continue
                session_id = next(iter(self._inbox))
                snapshot = self._inbox.pop(session_id)
            self._write(session_id, snapshot)
        # Shutting down: one last try at each draft still waiting, without waiting for room.
        with self._lock:
            last, self._inbox = self._inbox, {}
        for session_id, snapshot in last.items():
            self._write(session_id, snapshot)

    def _write(self, session_id: str, snapshot: Session) -> None:
        """One attempt; a failed one stays in the inbox (unless a newer snapshot came)."""
        try:
            revision = self.store.sessions.save_draft(snapshot)
        except FinishedElsewhere as exc:
            with self._lock:
                self._pending.pop(session_id, None)
                expected = session_id in self._discarded
                self._written.set()
                self.report(
                    DraftGone(session_id, str(exc), isinstance(exc, DiscardedElsewhere), expected)
                )
            return
        except Exception as exc:  # noqa: BLE001 - the writer's thread must never die
            # A StoreError says what went wrong in plain words; anything else (a fault of
            # ours) is said plainly too, and tried again, rather than ending the thread and
            # leaving every later answer waiting for ever.
            why = (
                str(exc)
                if isinstance(exc, StoreError)
                else f"Saving failed unexpectedly ({type(exc).__name__})."
            )
            with self._lock:
                self._inbox.setdefault(session_id, snapshot)  # unless a newer one came
                self._written.set()
                self.report(DraftSaveFailed(session_id, why))
                if not self._stopping:
                    self._lock.wait(self.retry_seconds)
            return
        with self._lock:
            self.last_write_at = time.perf_counter()
            if self._pending.get(session_id) is snapshot:
                del self._pending[session_id]
            self._written.set()
            self.report(DraftSaved(session_id, revision))
