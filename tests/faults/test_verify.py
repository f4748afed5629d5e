"""`verify` catches each kind of damage, names the file, and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.verify import verify_store
from tests.helpers import run_cli


@pytest.fixture
def filled(store, alex, checklist):
    session = store.start_session(alex, checklist, {})
    for item in session.visible_items(checklist)[:3]:
        session.answer(item, "done")
    store.sessions.save_draft(session)
    finished = store.start_session(alex, checklist, {})
    finished.answer(finished.visible_items(checklist)[0], "partly")
    store.sessions.finish(finished)
    return store


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def cli_verify(root: Path):
    return run_cli("verify", "--data-dir", str(root), "--json")


def test_a_healthy_store_passes(filled) -> None:
    checked, findings = verify_store(filled.data_dir)
    assert findings == [] and checked >= 5
    result = cli_verify(filled.data_dir)
    assert result.returncode == 0
    assert json.loads(result.stdout)["ok"] is True


def _archive(store) -> Path:
    return next(store.data_dir.glob("sessions/*/archive-*.json"))


def _drafts(store) -> Path:
    return next(store.data_dir.glob("sessions/*/drafts.json"))


def _edit_session(path: Path, change) -> None:
    data = json.loads(path.read_text())
    record = next(iter(data["sessions"].values()))
    change(record)
    path.write_text(json.dumps(data))


FAULTS = {
    "truncated archive": (
        _archive,
        lambda p: p.write_bytes(p.read_bytes()[:100]),
        "not valid JSON",
    ),
    "empty drafts": (_drafts, lambda p: p.write_bytes(b""), "it is empty"),
    "garbage people": (
        lambda s: s.data_dir / "people.json",
        lambda p: p.write_bytes(b"\x00\xff"),
        "NUL bytes",
    ),
    "sealed for nobody": (
        _archive,
        lambda p: _edit_session(p, lambda r: r["sealed"].update(readers={})),
        "sealed for nobody",
    ),
    "draft in archive": (
        _archive,
        lambda p: _edit_session(p, lambda r: r.update(status="draft")),
        "status 'draft'",
    ),
    "bad timestamp": (
        _drafts,
        lambda p: _edit_session(p, lambda r: r.update(updated_at="soon")),
        "updated_at",
    ),
    "newer format": (
        _drafts,
        lambda p: p.write_text(
            json.dumps({**json.loads(p.read_text()), "_meta": {"1": {"schema": 99}}})
        ),
        "newer than this version",
    ),
    "stale temp file": (
        _drafts,
        lambda p: (p.parent / ".drafts.json.1.ab.tmp").write_text("{"),
        "interrupted save",
    ),
    "set aside": (
        _drafts,
        lambda p: (p.parent / "drafts.json.corrupt-20260101T000000").write_text("{"),
        "kept aside",
    ),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_injected_fault_is_found_and_nothing_is_changed(filled, fault) -> None:
    locate, damage, expected = FAULTS[fault]
    target = locate(filled)
    damage(target)
    before = snapshot(filled.data_dir)
    result = cli_verify(filled.data_dir)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert any(expected in p["problem"] for p in report["problems"]), report
    assert all("Traceback" not in p["problem"] for p in report["problems"])
    assert snapshot(filled.data_dir) == before


def test_verify_names_the_problem_in_plain_text(filled) -> None:
    _archive(filled).write_bytes(b"{")
    result = run_cli("--data-dir", str(filled.data_dir), "verify")
    assert result.returncode == 1
    assert "archive-" in result.stdout and "1 problem" in result.stdout
