"""CSV export: one row per answer, no free text by default, safe to open in a spreadsheet.

All data here is synthetic: invented staff names, a made-up case pseudonym, no women's details.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cli.main import main
from services.interop import export_csv
from store import PermissionDenied, Store
from store.errors import InvalidInput
from store.interop.csv_export import COLUMNS, safe_cell
from tests.helpers import PASSPHRASE, one_line
from tests.test_interop_fhir import (
    AUTHOR,
    CASE_REF,
    FORMULA_NOTE,
    SECRET_NOTE,
    SECRET_REFLECTION,
    build_team,
)


@pytest.fixture
def team(store, checklist_v1):
    # Version 1: its removed-baby section and answer-dependent item are what this exercises.
    return build_team(store, checklist_v1)


def export_as_sam(team, out: Path, **options) -> dict:
    store = Store(team.store.data_dir)
    sam = store.people.authenticate("Sam Supervisor", PASSPHRASE)
    return export_csv(store, sam, out, of=store.people.find(AUTHOR), **options)


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def expected_answers(team) -> dict[str, int]:
    """Answers counted from the sessions themselves: shown items with a response."""
    store = Store(team.store.data_dir)
    sam = store.people.authenticate("Sam Supervisor", PASSPHRASE)
    counts = {}
    for session in store.readable_sessions(sam, of=store.people.find(AUTHOR)):
        checklist = store.checklist_for(session)
        counts[session.id] = sum(
            1 for item in session.visible_items(checklist) if session.response(item.id)
        )
    return counts


def test_one_row_per_answer_with_the_promised_columns(team, tmp_path) -> None:
    out = tmp_path / "answers.csv"
    report = export_as_sam(team, out)
    header, rows = read_rows(out)
    assert header == list(COLUMNS)
    expected = expected_answers(team)
    assert len(expected) == 4  # three finished and a draft
    assert report["rows"] == len(rows) == sum(expected.values())
    assert report["sessions"] == 4
    per_session: dict[str, int] = {}
    for row in rows:
        per_session[row["session_id"]] = per_session.get(row["session_id"], 0) + 1
    assert per_session == expected
    keys = [(r["session_id"], r["item_id"]) for r in rows]
    assert len(set(keys)) == len(keys)  # no answer twice

    first = [r for r in rows if r["session_id"] == team.first.id]
    top = first[0]
    item = team.checklist.items[0]
    assert top["item_id"] == item.id
    assert top["checklist_id"] == "any-contact" and top["checklist_version"] == "1"
    assert top["requirements"] == "; ".join(item.requirements)
    assert top["response"] == "not_done"
    assert top["reason_id"] == "no-private-room" and top["reason_level"] == "service"
    assert top["setting"] == "clinic" and top["stage"] == "antenatal"
    assert top["started_at"] == team.first.record["started_at"]
    assert top["completed_at"] == team.first.record["completed_at"]
    assert top["status"] == "complete"
    assert first[1]["reason_id"] == "she-chose-not-to" and first[1]["reason_level"] == "woman"
    # `reason_id` is the first reason; `reasons` has every one given, in order.
    assert top["reasons"] == "no-private-room"
    assert first[1]["reasons"] == "she-chose-not-to; not-enough-time"
    assert COLUMNS[-1] == "reasons"  # added last: the columns before it keep their places
    multi = [r for r in rows if r["item_id"] == "asked-about-her"][0]
    assert multi["requirements"] == "7.1; 7.3"

    draft = [r for r in rows if r["session_id"] == team.draft.id]
    assert {r["completed_at"] for r in draft} == {""} and {r["status"] for r in draft} == {"draft"}
    # The hidden answer is not a row; the removed-baby section's answers are.
    hidden = {r["item_id"] for r in rows if r["session_id"] == team.hidden.id}
    assert "safe-to-contact" not in hidden
    removed = {r["item_id"] for r in rows if r["session_id"] == team.removed.id}
    assert "coping-and-safety" in removed


def test_no_free_text_by_default(team, tmp_path) -> None:
    out = tmp_path / "answers.csv"
    export_as_sam(team, out)
    text = out.read_text(encoding="utf-8-sig")
    for secret in (SECRET_NOTE, SECRET_REFLECTION, CASE_REF, "HYPERLINK", "kept calm", AUTHOR):
        assert secret not in text
    header, _ = read_rows(out)
    assert not {"note", "case_ref"} & set(header)
    assert not [h for h in header if h.startswith("reflection")]


def test_include_notes_adds_notes_case_references_and_reflections(team, tmp_path) -> None:
    out = tmp_path / "answers.csv"
    report = export_as_sam(team, out, include_notes=True)
    header, rows = read_rows(out)
    assert header[: len(COLUMNS)] == list(COLUMNS)
    assert {"note", "case_ref", "reflection_feelings", "reflection_went_well"} <= set(header)
    assert report["rows"] == len(rows) == sum(expected_answers(team).values())
    first = [r for r in rows if r["session_id"] == team.first.id]
    assert first[0]["note"] == SECRET_NOTE
    assert {r["case_ref"] for r in first} == {CASE_REF}
    assert {r["reflection_feelings"] for r in first} == {SECRET_REFLECTION}
    # Free text that a spreadsheet would run as a formula is shown as text.
    draft = [r for r in rows if r["session_id"] == team.draft.id]
    assert draft[0]["note"] == "'" + FORMULA_NOTE
    assert {r["reflection_went_well"] for r in draft} == {"'+ kept calm throughout"}


def test_opens_cleanly_in_a_spreadsheet(team, tmp_path) -> None:
    out = tmp_path / "answers.csv"
    export_as_sam(team, out, include_notes=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    assert raw.count(b"\r\n") >= 2 and b"\n" not in raw.replace(b"\r\n", b"")
    raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+44 fake", "'+44 fake"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tpadded", "'\tpadded"),
        ("\rcr", "'\rcr"),
        ("plain words", "plain words"),
        ("7.1; 7.3", "7.1; 7.3"),
        (None, ""),
        ("", ""),
    ],
)
def test_formula_guard(value, shown) -> None:
    assert safe_cell(value) == shown


def test_since_and_permissions(team, tmp_path) -> None:
    today = team.first.record["started_at"][:10]
    assert export_as_sam(team, tmp_path / "a.csv", since=today)["sessions"] == 4
    report = export_as_sam(team, tmp_path / "b.csv", since="2999-12-31")
    assert report["rows"] == 0
    header, rows = read_rows(tmp_path / "b.csv")
    assert header == list(COLUMNS) and rows == []
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        export_as_sam(team, tmp_path / "c.csv", since="01/02/2026")
    store = Store(team.store.data_dir)
    sam = store.people.authenticate("Sam Supervisor", PASSPHRASE)
    with pytest.raises(PermissionDenied):
        export_csv(store, sam, tmp_path / "d.csv", of=store.people.find("Kit Novak"))
    assert not (tmp_path / "d.csv").exists()
    with pytest.raises(InvalidInput, match="inside the store folder"):
        export_csv(store, sam, store.data_dir / "sessions" / "x.csv")
    with pytest.raises(InvalidInput, match="is a folder"):
        export_csv(store, sam, tmp_path)


def test_audit_records_the_export_without_content(team, tmp_path) -> None:
    export_as_sam(team, tmp_path / "a.csv", include_notes=True)
    [entry] = [e for e in Store(team.store.data_dir).audit.entries() if e["event"] == "export"]
    assert entry["actor"] == "Sam Supervisor" and entry["subject"] == AUTHOR
    assert entry["detail"]["format"] == "csv" and entry["detail"]["include_notes"] is True
    assert entry["detail"]["rows"] == sum(expected_answers(team).values())
    assert SECRET_NOTE not in json.dumps(entry)


# -- the command line ------------------------------------------------------------------------
def cli(team, passphrase_file, *args: str) -> int:
    return main(
        [
            "export-csv",
            *args,
            "--data-dir",
            str(team.store.data_dir),
            "--passphrase-file",
            str(passphrase_file),
        ]
    )


def test_cli_export_csv(team, passphrase_file, tmp_path, capsys) -> None:
    out = tmp_path / "answers.csv"
    code = cli(
        team,
        passphrase_file,
        "--user",
        "Sam Supervisor",
        "--of",
        AUTHOR,
        "--out",
        str(out),
        "--json",
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    _, rows = read_rows(out)
    assert report["rows"] == len(rows) == sum(expected_answers(team).values())
    assert SECRET_NOTE not in out.read_text(encoding="utf-8-sig")

    code = cli(team, passphrase_file, "--user", AUTHOR, "--out", str(out), "--include-notes")
    captured = capsys.readouterr()
    assert code == 0 and "with notes" in captured.out
    assert SECRET_NOTE in out.read_text(encoding="utf-8-sig")  # replaced the earlier file


def test_cli_refusals_are_one_line(team, passphrase_file, tmp_path, capsys) -> None:
    out = tmp_path / "answers.csv"
    assert (
        cli(
            team,
            passphrase_file,
            "--user",
            "Sam Supervisor",
            "--of",
            "Kit Novak",
            "--out",
            str(out),
        )
        == 1
    )
    assert "not Kit Novak's supervisor" in one_line(capsys)
    assert (
        cli(
            team,
            passphrase_file,
            "--user",
            "Sam Supervisor",
            "--since",
            "2026-13-01",
            "--out",
            str(out),
        )
        == 1
    )
    assert "'2026-13-01' is not a date" in one_line(capsys)
    assert (
        cli(
            team,
            passphrase_file,
            "--user",
            "Sam Supervisor",
            "--of",
            "Nobody Here",
            "--out",
            str(out),
        )
        == 1
    )
    assert "There is nobody called Nobody Here" in one_line(capsys)
    assert not out.exists()
    with pytest.raises(SystemExit) as exited:
        cli(team, passphrase_file, "--user", "Sam Supervisor")  # no --out
    assert exited.value.code == 2
    assert "--out" in one_line(capsys)
