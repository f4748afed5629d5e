"""The identifier guard against realistic notes: what is refused, what only warns, what is
quiet (issue: "an identifier guard people trust").

Synthetic values only: NHS numbers from the never-issued 999 range, phone numbers from Ofcom's
drama ranges (07700 900xxx, 01632), e-mail at example.org, National Insurance numbers with
HMRC's specimen prefix QQ, postcodes of the shape only. "Today" is fixed, so the 12-year line
for a warning does not move under the tests.
"""

from __future__ import annotations

from datetime import date

import pytest

from checklists.identifiers import check_field, find_identifiers
from tests.helpers import run_cli

TODAY = date(2026, 11, 30)
NHS = "9990000018"  # passes the NHS check, never issued
NHS_SPACED = "999 000 0018"

# (note as a person would type it, the kind refused, the words the finding must cover)
REFUSED = [
    # NHS numbers, every shape people type
    (f"NHS {NHS} checked", "nhs_number", NHS),
    (f"NHS no {NHS_SPACED}", "nhs_number", NHS_SPACED),
    ("NHS 999-000-0018", "nhs_number", "999-000-0018"),
    ("NHS 999.000.0018", "nhs_number", "999.000.0018"),
    ("NHS 999/000/0018", "nhs_number", "999/000/0018"),
    ("nhs 9990 000 018 on the letter", "nhs_number", "9990 000 018"),
    ("number 999 0000 018", "nhs_number", "999 0000 018"),
    ("NHS 999\u2009000\u20090018", "nhs_number", "999\u2009000\u20090018"),
    ("NHS 999\u00a0000\u00a00018", "nhs_number", "999\u00a0000\u00a00018"),
    ("NHS 999\u202f000\u202f0018", "nhs_number", "999\u202f000\u202f0018"),
    (
        "NHS \uff19\uff19\uff19\uff10\uff10\uff10\uff10\uff10\uff11\uff18",
        "nhs_number",
        "\uff19\uff19\uff19\uff10\uff10\uff10\uff10\uff10\uff11\uff18",
    ),
    ("NHS 999\u2013000\u20130018", "nhs_number", "999\u2013000\u20130018"),
    ("no. 999\u200b000\u200b0018", "nhs_number", "999\u200b000\u200b0018"),
    ("(9990000018)", "nhs_number", "9990000018"),
    ("ref9990000018x", "nhs_number", "9990000018"),
    # other ten-digit health numbers
    ("hospital gave 9990000019 as her number", "health_number", "9990000019"),
    ("CHI 0101900007", "chi_number", "0101900007"),
    # hospital numbers
    ("MRN 12345678", "hospital_number", "MRN 12345678"),
    ("mrn: 1234567", "hospital_number", "mrn: 1234567"),
    ("Hosp no 123456", "hospital_number", "Hosp no 123456"),
    ("hosp. no. 445566", "hospital_number", "hosp. no. 445566"),
    ("hospital number 7788990", "hospital_number", "hospital number 7788990"),
    ("unit no 1234", "hospital_number", "unit no 1234"),
    ("Unit number: RX 123456", "hospital_number", "Unit number: RX 123456"),
    ("label said RX1234567", "hospital_number", "RX1234567"),
    ("K1234567 on her band", "hospital_number", "K1234567"),
    ("band ABC12345678", "hospital_number", "ABC12345678"),
    ("band RX 1234567", "hospital_number", "RX 1234567"),
    # National Insurance numbers
    ("NI QQ123456C", "ni_number", "QQ123456C"),
    ("ni no QQ 12 34 56 C", "ni_number", "QQ 12 34 56 C"),
    ("qq 123456 a for benefits", "ni_number", "qq 123456 a"),
    # e-mail
    ("emailed jo.bloggs@example.org", "email", "jo.bloggs@example.org"),
    ("contact: someone+mw@example.org.", "email", "someone+mw@example.org"),
    # phone numbers
    ("Mobile 07700 900123", "phone", "07700 900123"),
    ("mob 07700900123", "phone", "07700900123"),
    ("call 07700-900-123", "phone", "07700-900-123"),
    ("call 07700.900.123", "phone", "07700.900.123"),
    ("tel +44 7700 900123", "phone", "+44 7700 900123"),
    ("tel 0044 7700 900123", "phone", "0044 7700 900123"),
    ("landline 01632 960123", "phone", "01632 960123"),
    ("landline (01632) 960 123", "phone", "(01632) 960 123"),
    (
        "mob \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13",
        "phone",
        "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13",
    ),
    # postcodes
    ("lives at AB1 2CD", "postcode", "AB1 2CD"),
    ("moved to SW1A 1AA", "postcode", "SW1A 1AA"),
    ("moved to SW1A  1AA", "postcode", "SW1A  1AA"),
    ("postcode ab12cd", "postcode", "ab12cd"),
    ("m1 1ae area", "postcode", "m1 1ae"),
    ("BFPO 1234", "postcode", "BFPO 1234"),
    # dates with the words of a birth
    ("DOB 12/03/1990", "date_of_birth", "DOB 12/03/1990"),
    ("DOB: 12/03/2026", "date_of_birth", "DOB: 12/03/2026"),
    ("d.o.b 1/2/03", "date_of_birth", "d.o.b 1/2/03"),
    ("D.O.B. 2024-05-01", "date_of_birth", "D.O.B. 2024-05-01"),
    ("date of birth 3 June 2001", "date_of_birth", "date of birth 3 June 2001"),
    ("Date of birth: 03.06.2001", "date_of_birth", "Date of birth: 03.06.2001"),
    ("baby born 12/11/2026 at 38 weeks", "date_of_birth", "born 12/11/2026"),
    ("born on the 3rd of June 2025", "date_of_birth", "born on the 3rd of June 2025"),
    ("her birthday is 4 May 1999", "date_of_birth", "birthday is 4 May 1999"),
    ("birthday 04/05/99", "date_of_birth", "birthday 04/05/99"),
    ("12/03/1990 (DOB)", "date_of_birth", "12/03/1990 (DOB)"),
    (
        "DOB \uff11\uff12/\uff10\uff13/\uff12\uff10\uff12\uff15",
        "date_of_birth",
        "DOB \uff11\uff12/\uff10\uff13/\uff12\uff10\uff12\uff15",
    ),
]

# Dates with no words of a birth, far enough back to be one: kept once she confirms.
WARNED = [
    ("she mentioned 12/03/1990", "12/03/1990"),
    ("letter dated 1 March 2001", "1 March 2001"),
    ("since 2009-06-14", "2009-06-14"),
    ("from 14.06.1985", "14.06.1985"),
    ("back on 30/11/2013", "30/11/2013"),
    ("on March 12, 1995", "March 12, 1995"),
]

QUIET = [
    # appointments, doses, tests, due dates: recent or ahead
    "Next appointment 12/01/2027 at 10:30",
    "Scan booked for 03/12/2026",
    "EDD 14/02/2027",
    "Due date 2027-02-14",
    "Methadone 60 mg daily since 01/11/2026",
    "BBV test 2026-10-01, results 15/10/2026",
    "Seen 12 Mar 2026 with the drug worker",
    "Review on 1st December 2026",
    "Last seen 30/11/2014, a long time ago",  # exactly 12 years: not more
    # Apgar scores, blood pressure, gestation
    "Apgars 9/10/10",
    "Apgar 8/9/10 at birth",
    "Apgars were 7/9/9",
    "9/10/10",
    "BP 120/80",
    "BP 135/85 and 140/90 later",
    "32+4 weeks",
    "Booked at 14/40",
    "Now 36/40, well",
    "Gestation 39+2",
    # national helplines
    "Gave her 0300 123 1100 for advice",
    "Frank: 0300 123 6600",
    "Samaritans (free) 116 123",
    "National helpline 0800 123 4567",
    "NSPCC 0808 800 5000",
    "helpline 0808 802 0925",
    "Refuge 0808 2000 247",
    # the words alone, ordinary numbers and notes
    "Asked about DOB and left it",
    "Baby born on the ward, well",
    "born at 38 weeks",
    "Her birthday is next week",
    "Item 7 of 24",
    "Requirement 7.5 and 4.4",
    "Reference 12345",
    "60 mg daily",
    "Used 1.5 ml",
    "3-4 times a week",
    "24/7 support",
    "B12 1000mcg",
    "Seen at 10:30 and again at 14:45",
    "Talked through naloxone and safer injecting; she chose not to test today.",
    "Unit 4 of the estate",
    "Scored 9 out of 10",
]


@pytest.mark.parametrize(("note", "kind", "covered"), REFUSED)
def test_refused(note: str, kind: str, covered: str) -> None:
    findings = find_identifiers(note, today=TODAY)
    assert [(f.kind, f.text, f.refused) for f in findings] == [(kind, covered, True)]
    assert note[findings[0].start : findings[0].end] == covered


@pytest.mark.parametrize(("note", "covered"), WARNED)
def test_warned(note: str, covered: str) -> None:
    findings = find_identifiers(note, today=TODAY)
    assert [(f.kind, f.text, f.refused) for f in findings] == [("date_of_birth", covered, False)]


@pytest.mark.parametrize("note", QUIET)
def test_quiet(note: str) -> None:
    assert find_identifiers(note, today=TODAY) == []


def test_the_tables_are_as_big_as_the_issue_asks() -> None:
    assert len(REFUSED) + len(WARNED) >= 60
    assert len(QUIET) >= 40


def test_a_refused_number_is_cut_out_of_what_is_kept_whatever_its_shape() -> None:
    for note, _kind, covered in REFUSED:
        check = check_field(f"Seen. {note}. Plan agreed.", 1000)
        assert check.held is not None
        kept = check.keepable
        assert kept is not None and covered not in kept


def test_each_finding_is_named_once() -> None:
    findings = find_identifiers(f"NHS {NHS} and again {NHS}", today=TODAY)
    assert [f.kind for f in findings] == ["nhs_number", "nhs_number"]
    from checklists.identifiers import describe

    assert describe(findings).count(NHS) == 1


def test_check_text_reports_refused_and_warned_apart_and_fails_only_on_refused(tmp_path):
    import json

    warned = run_cli("check-text", "she mentioned 12/03/1990", "--json", data_dir=tmp_path)
    assert warned.returncode == 0, warned.stderr
    data = json.loads(warned.stdout)
    assert data["refused"] == [] and [w["text"] for w in data["warnings"]] == ["12/03/1990"]

    both = run_cli("check-text", "Mob 07700 900123, letter of 12/03/1990", data_dir=tmp_path)
    assert both.returncode == 1
    assert both.stdout.startswith("Would not be saved: ")
    assert "a phone number (07700 900123)" in both.stdout
    assert "Saved only once you confirm: " in both.stdout
    assert "12/03/1990" in both.stdout.split("Saved only once you confirm: ")[1]

    quiet = run_cli(
        "check-text", "Apgars 9/10/10, BP 120/80, helpline 0300 123 1100", data_dir=tmp_path
    )
    assert quiet.returncode == 0
    assert quiet.stdout.strip() == "Nothing that looks like an identifier."
