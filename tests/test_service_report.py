"""The service report end to end through the service and the command line (issue 16): who may
read it, the audit entry, whole months, the same figures in four formats, and nothing that
names or describes a person in any of them."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from services import people
from services import service_report as report_use
from services.errors import NotAllowed
from store.errors import InvalidInput
from store.service_parts import opaque_id, write_part
from tests.helpers import PASSPHRASE, one_line_error, run_cli

PRACTITIONERS = ("Ann Ash", "Bo Birch", "Cy Cedar", "Di Deal", "Ed Elm")


def month_before(months: int) -> str:
    today = date.today()
    index = today.year * 12 + today.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def part(person, month, response="done", reasons=(), flagged=False) -> dict:
    return {
        "kind": "contact",
        "checklist": "any-contact",
        "version": 1,
        "month": month,
        "setup": {"setting": "clinic", "stage": "antenatal", "baby_removed": False},
        "flagged": flagged,
        "answers": [
            {
                "item": "private-space",
                "requirements": ["7.1"],
                "critical": True,
                "response": response,
                "reasons": list(reasons),
            }
        ],
        "author": opaque_id(person.sign_publics[0]),
    }


@pytest.fixture
def service(store, alex):
    """Five practitioners and a lead. Last month each practitioner wrote two contacts held up
    by no private room and one done; Ann alone wrote four held up by no interpreter."""
    staff = [
        people.add_person(store, alex, name, ["practitioner"], PASSPHRASE) for name in PRACTITIONERS
    ]
    staff = [people.sign_in(store, p.name, PASSPHRASE) for p in staff]
    people.add_person(store, alex, "Lee Lead", ["lead"], PASSPHRASE)
    lead = people.sign_in(store, "Lee Lead", PASSPHRASE)
    month = month_before(1)
    for person in staff:
        for _ in range(2):
            write_part(store, part(person, month, "not_done", ["no-private-room"]), person)
        write_part(store, part(person, month), person)
    for _ in range(4):
        write_part(store, part(staff[0], month, "partly", ["no-interpreter"]), staff[0])
    return store, lead, staff, month


def test_the_lead_reads_team_figures_and_small_ones_are_hidden(service) -> None:
    store, lead, _staff, month = service
    data = report_use.build(store, lead, month, month).data
    assert data["contacts"] == 19 and data["practitioners"] == 5
    assert data["barriers"]["no-private-room"] == 10
    assert data["barrier_rates"]["no-private-room"] == round(100 * 10 / 19, 1)
    # four, all from Ann: fewer than 5, and nothing built on it
    assert data["barriers"]["no-interpreter"] is None
    assert data["barrier_rates"]["no-interpreter"] is None
    assert data["requirements"]["7.1"]["partly"] is None
    assert data["requirements"]["7.1"]["not_done"] == 10


def test_reading_the_report_is_audited_with_the_period_only(service) -> None:
    store, lead, _staff, month = service
    report_use.build(store, lead, month, month, "md")
    entry = [e for e in store.audit.entries() if e["event"] == "read_service_report"][-1]
    assert entry["actor"] == "Lee Lead"
    assert entry["detail"] == {"since": month, "until": month, "format": "md"}


def test_someone_who_is_not_a_lead_cannot_read_it(service) -> None:
    store, _lead, staff, month = service
    with pytest.raises(NotAllowed):
        report_use.build(store, staff[0], month, month)


def test_whole_past_months_only() -> None:
    today = date(2026, 11, 30)
    assert report_use.default_period(today) == ("2026-08", "2026-10")
    assert report_use.chosen_period(None, None, today) == ("2026-08", "2026-10")
    assert report_use.chosen_period("2026-01", None, today) == ("2026-01", "2026-10")
    assert report_use.chosen_period(None, "2026-05", today) == ("2026-03", "2026-05")
    for since, until in (("2026-11", None), (None, "2026-11"), ("2026-13", None), ("2026-1", None)):
        with pytest.raises(InvalidInput):
            report_use.chosen_period(since, until, today)
    with pytest.raises(InvalidInput, match="after the to month"):
        report_use.chosen_period("2026-06", "2026-05", today)
    assert report_use.step_period("2026-08", "2026-10", -1, today) == ("2026-05", "2026-07")
    assert report_use.step_period("2026-05", "2026-07", 1, today) == ("2026-08", "2026-10")
    with pytest.raises(InvalidInput, match="not over yet"):
        report_use.step_period("2026-08", "2026-10", 1, today)


def test_months_start_from_2000_and_spaces_around_one_are_ignored() -> None:
    """Far back, the period before it (which the report compares with) stops being a real
    one: months before 2000-01, as days before a summary's first, are refused in plain words.
    Spaces around a month are ignored, as around a date, and every message says the month as
    it was read."""
    today = date(2026, 11, 30)
    for early in ("0001-01", "1999-12"):
        with pytest.raises(InvalidInput, match=f"^The from month {early} is too early: months "):
            report_use.chosen_period(early, None, today)
    with pytest.raises(InvalidInput, match="^The to month 1999-12 is too early: months start"):
        report_use.chosen_period(None, "1999-12", today)
    assert report_use.chosen_period("2000-01", "2000-06", today) == ("2000-01", "2000-06")
    assert report_use.chosen_period(None, "2000-01", today) == ("2000-01", "2000-01")
    assert report_use.chosen_period(" 2026-01 ", "\t2026-02", today) == ("2026-01", "2026-02")
    with pytest.raises(InvalidInput, match="^The from month 2026-11 is not over yet"):
        report_use.chosen_period(" 2026-11", None, today)
    with pytest.raises(InvalidInput, match="^The to month '2026-13' is not a month"):
        report_use.chosen_period(None, "2026-13 ", today)


def test_a_month_too_early_is_said_in_one_line(service, passphrase_file) -> None:
    store, _lead, _staff, _month = service
    result = _cli(store.data_dir, passphrase_file, "--since", "0001-01")
    assert one_line_error(result) == (
        "stepping-stones: The from month 0001-01 is too early: months start from 2000-01"
    )


def _cli(data_dir, passphrase_file, *extra: str):
    return run_cli(
        "report",
        "--user",
        "Lee Lead",
        "--passphrase-file",
        str(passphrase_file),
        *extra,
        data_dir=data_dir,
    )


def test_the_command_gives_the_same_figures_in_four_formats(
    service, passphrase_file, tmp_path
) -> None:
    store, _lead, _staff, month = service
    period = ("--since", month, "--until", month)
    result = _cli(store.data_dir, passphrase_file, *period, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["contacts"] == 19 and data["barriers"]["no-private-room"] == 10
    md = _cli(store.data_dir, passphrase_file, *period, "--format", "md").stdout
    row = next(line for line in md.splitlines() if line.startswith("| No private room to talk"))
    assert [cell.strip() for cell in row.split("|")][3:5] == ["10", str(round(1000 / 19, 1))]
    assert "No interpreter available" in md and "fewer than 5" in md
    html_file = tmp_path / "report.html"
    result = _cli(
        store.data_dir, passphrase_file, *period, "--format", "html", "--out", str(html_file)
    )
    assert result.returncode == 0 and str(html_file) in result.stdout
    html = html_file.read_text()
    assert "<svg" in html and "No private room to talk" in html
    assert "✓ Done" in html  # the chart's legend: symbols as well as colour
    rows = list(
        csv.reader(
            io.StringIO(
                _cli(store.data_dir, passphrase_file, *period, "--format", "csv").stdout.lstrip(
                    "\ufeff"
                )
            )
        )
    )
    assert rows[0] == ["table", "row", "column", "value"]
    cells = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert cells[("Service barriers", "No private room to talk", "Contacts")] == "10"
    assert cells[("Service barriers", "No interpreter available", "Contacts")] == "fewer than 5"
    assert cells[("totals", "", "contacts")] == "19"


def test_no_name_in_any_format(service, passphrase_file) -> None:
    store, _lead, staff, month = service
    period = ("--since", month, "--until", month)
    for fmt in ("json", "md", "html", "csv"):
        text = _cli(store.data_dir, passphrase_file, *period, "--format", fmt).stdout
        for name in (*PRACTITIONERS, "Lee Lead", "Alex"):
            assert name not in text, (fmt, name)
        for person in staff:
            assert opaque_id(person.sign_publics[0]) not in text, fmt


def test_the_command_refuses_in_one_line(service, passphrase_file, tmp_path) -> None:
    store, _lead, _staff, month = service
    result = run_cli(
        "report",
        "--user",
        "Ann Ash",
        "--passphrase-file",
        str(passphrase_file),
        data_dir=store.data_dir,
    )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "service lead" in result.stderr
    this_month = date.today().strftime("%Y-%m")
    result = _cli(store.data_dir, passphrase_file, "--until", this_month)
    assert result.returncode == 1 and "not over yet" in result.stderr
    inside = store.data_dir / "report.md"
    result = _cli(store.data_dir, passphrase_file, "--out", str(inside))
    assert result.returncode == 1 and "inside the store folder" in result.stderr
    assert not inside.exists()


def test_json_and_another_format_need_out(service, passphrase_file, tmp_path) -> None:
    """--json is the same as --format json; with --out it says where the file went. Given
    with another format and no --out, one of them would be ignored: refused in one line."""
    store, _lead, _staff, month = service
    period = ("--since", month, "--until", month)
    result = _cli(store.data_dir, passphrase_file, *period, "--format", "csv", "--json")
    assert one_line_error(result) == (
        "stepping-stones: --json and --format csv cannot be used together without --out (with "
        "--out, --json prints where the csv file went)"
    )
    assert result.stdout == ""
    where = tmp_path / "report.csv"
    result = _cli(
        store.data_dir, passphrase_file, *period, "--format", "csv", "--json", "--out", str(where)
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["out"] == str(where)
    assert where.read_text(encoding="utf-8-sig").startswith("table,row,column,value")


def test_free_text_inside_a_part_never_reaches_the_report(service) -> None:
    """A part is hostile even when signed: one carrying a case reference or a note (which no
    version writes) adds its counts and nothing of its words."""
    store, lead, staff, month = service
    for person in staff:
        odd = part(person, month, "not_done", ["no-private-room"])
        odd["setup"]["case_ref"] = "CASE-7781"
        odd["answers"][0]["note"] = "Met at the river flats"
        write_part(store, odd, person)
    data = report_use.build(store, lead, month, month).data
    assert data["barriers"]["no-private-room"] == 15
    for fmt in report_use.FORMATS:
        text = report_use.render(data, fmt)
        assert "CASE-7781" not in text and "river flats" not in text, fmt


def test_a_lead_without_the_key_yet_is_told_so_not_shown_zeros(service, alex, passphrase_file):
    store, _lead, _staff, month = service
    people.add_person(store, alex, "Lou Later", ["lead"], PASSPHRASE)
    lou = people.sign_in(store, "Lou Later", PASSPHRASE)
    with pytest.raises(InvalidInput, match="report key"):
        report_use.build(store, lou, month, month)
    result = run_cli(
        "report",
        "--user",
        "Lou Later",
        "--passphrase-file",
        str(passphrase_file),
        data_dir=store.data_dir,
    )
    assert result.returncode == 1 and result.stdout == "" and "report key" in result.stderr
