"""The draft writer on its own (services/drafts.py), without the app or Pilot.

What it promises the "saved" indicator: an answer is reported saved only once it is on disk;
a full disk keeps it pending and retried until it lands; a draft finished or deleted
elsewhere is reported, not retried for ever; and closing gives what is waiting one last try.
Reports arrive on the writer's thread; here they go into a queue the test reads with a
timeout (never a fixed sleep).
"""

from __future__ import annotations

import errno
import os
import queue
import threading

import pytest

from services.drafts import DraftGone, DraftSaved, DraftSaveFailed, DraftWriter
from services.sessions import discard_draft
from store import Store

WITHIN = 10.0  # seconds: a report that takes longer than this is not coming


@pytest.fixture
def draft(store, alex, checklist):
    session = store.start_session(alex, checklist, {})
    return session, session.visible_items(checklist)


@pytest.fixture
def reports():
    return queue.Queue()


@pytest.fixture
def writer(store, reports):
    writer = DraftWriter(store, reports.put, retry_seconds=0.02)
    writer.start()
    yield writer
    writer.close()


def on_disk(store, person, session_id: str, item_id: str):
    """The answer as a fresh reader of the data folder finds it (nothing in memory)."""
    [kept] = [
        s
        for s in Store(store.data_dir).readable_sessions(person, status="draft")
        if s.id == session_id
    ]
    return kept.response(item_id)


def next_report(reports):
    return reports.get(timeout=WITHIN)


def test_an_answer_is_reported_saved_only_once_it_is_on_disk(store, alex, draft) -> None:
    session, items = draft
    seen_on_disk = []

    def report(event) -> None:  # on the writer's thread, before anyone hears "saved"
        seen_on_disk.append((type(event), on_disk(store, alex, event.session_id, items[0].id)))

    writer = DraftWriter(store, report)
    writer.start()
    try:
        session.answer(items[0], "done")
        writer.submit(session)
        assert writer.pending == {session.id}
        session.answer(items[1], "done")  # later changes are not part of that save
        assert writer.close(timeout=WITHIN)
    finally:
        writer.close()
    assert seen_on_disk == [(DraftSaved, "done")]
    assert writer.pending == frozenset()
    assert on_disk(store, alex, session.id, items[1].id) is None


def test_a_full_disk_keeps_the_answer_pending_and_retries_until_it_lands(
    store, alex, draft, reports, writer, monkeypatch
) -> None:
    session, items = draft
    disk_full = threading.Event()
    disk_full.set()
    real_write = os.write

    def write(fd, data):
        if disk_full.is_set():
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    session.answer(items[0], "partly")
    writer.submit(session)

    failed = [next_report(reports), next_report(reports)]  # the first try, and a retry
    assert [type(event) for event in failed] == [DraftSaveFailed, DraftSaveFailed]
    assert "disk is full" in failed[0].reason
    assert writer.pending == {session.id}

    disk_full.clear()  # room again: the writer saves it by itself
    event = next_report(reports)
    while isinstance(event, DraftSaveFailed):  # a retry already under way
        event = next_report(reports)
    assert event == DraftSaved(session.id, session.revision)
    assert writer.pending == frozenset()
    monkeypatch.setattr(os, "write", real_write)
    assert on_disk(store, alex, session.id, items[0].id) == "partly"


def test_an_unexpected_fault_is_reported_and_the_writer_carries_on(
    store, alex, draft, reports, writer, monkeypatch
) -> None:
    """A fault that is not a StoreError (a line mode note with bytes that are not UTF-8 once
    raised UnicodeEncodeError here) used to end the writer's thread: every later answer then
    waited for ever. Now it is reported like any failed save and tried again."""
    session, items = draft
    real_save = store.sessions.save_draft
    calls = []

    def save_draft(snapshot):
        calls.append(snapshot)
        if len(calls) == 1:
            raise UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed")
        return real_save(snapshot)

    monkeypatch.setattr(store.sessions, "save_draft", save_draft)
    session.answer(items[0], "done")
    writer.submit(session)
    failed = next_report(reports)
    assert isinstance(failed, DraftSaveFailed)
    assert "Saving failed unexpectedly (UnicodeEncodeError)" in failed.reason
    event = next_report(reports)
    while isinstance(event, DraftSaveFailed):
        event = next_report(reports)
    assert event == DraftSaved(session.id, session.revision)
    assert writer.pending == frozenset()


def test_a_draft_finished_elsewhere_is_reported_gone(store, alex, draft, reports, writer) -> None:
    session, items = draft
    session.answer(items[0], "done")
    writer.submit(session)
    assert isinstance(next_report(reports), DraftSaved)
    other_window = Store(store.data_dir)
    [copy] = other_window.readable_sessions(alex, status="draft")
    other_window.sessions.finish(copy)

    session.answer(items[1], "done")
    writer.submit(session)
    gone = next_report(reports)
    assert isinstance(gone, DraftGone)
    assert (gone.session_id, gone.deleted, gone.expected) == (session.id, False, False)
    assert writer.pending == frozenset()


def test_a_draft_deleted_elsewhere_is_reported_gone_and_one_deleted_here_is_expected(
    store, alex, draft, reports, writer
) -> None:
    session, items = draft
    writer.submit(session)
    assert isinstance(next_report(reports), DraftSaved)
    discard_draft(Store(store.data_dir), alex, session.id)

    session.answer(items[0], "done")
    writer.submit(session)
    gone = next_report(reports)
    assert isinstance(gone, DraftGone)
    assert (gone.deleted, gone.expected) == (True, False)

    writer.discarding(session.id)  # as the app does before deleting it itself
    writer.submit(session)
    gone = next_report(reports)
    assert isinstance(gone, DraftGone)
    assert (gone.deleted, gone.expected) == (True, True)


def test_closing_gives_what_is_still_waiting_one_last_try(store, alex, draft, monkeypatch):
    session, items = draft
    writing, release = threading.Event(), threading.Event()
    real_save = store.sessions.save_draft

    def slow_save(snapshot):
        writing.set()
        release.wait(WITHIN)
        return real_save(snapshot)

    monkeypatch.setattr(store.sessions, "save_draft", slow_save)
    writer = DraftWriter(store, lambda event: None)
    writer.start()
    session.answer(items[0], "done")
    writer.submit(session)
    assert writing.wait(WITHIN)  # the first answer is being written ...
    session.answer(items[1], "not_applicable")
    writer.submit(session)  # ... and the second waits behind it
    assert not writer.close(timeout=0)  # asked to stop while both are still on their way
    release.set()
    assert writer.close(timeout=WITHIN)
    assert on_disk(store, alex, session.id, items[1].id) == "not_applicable"
