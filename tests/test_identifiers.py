"""Spotting identifiers in typed text (reference/identifiers.md, PRODUCT.md principle 1).

Every value here is synthetic and reserved: NHS numbers only from the never-issued range
999 000 0000-999 999 9999, phone numbers only from Ofcom's drama ranges (07700 900000-900999
and the 01632 area code), e-mail addresses only at example.org / example.com. Check digits are
computed here, independently of the module under test.
"""

from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

import pytest

from checklists.identifiers import (
    KINDS,
    LABELS,
    Finding,
    check_case_reference,
    describe,
    find_identifiers,
)

MODULE = Path(__file__).resolve().parent.parent / "checklists" / "identifiers.py"


# --- check digits, written out from the reference ---------------------------------------


def nhs_check_digit(nine: str) -> int | None:
    """Modulus 11 with weights 10..2; 11 becomes 0; 10 means never issued (None)."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def mod10_check_digit(nine: str) -> int:
    """Double digits 1, 3, 5, 7, 9; subtract 9 when over 9; (10 - sum mod 10) mod 10."""
    total = 0
    for position, d in enumerate(nine, start=1):
        value = int(d) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def reserved_nhs_numbers(count: int, valid: bool = True) -> list[str]:
    """Numbers from the never-issued 999 range that pass (or fail) the NHS check."""
    found = []
    for n in range(999_000_000, 999_999_999):
        nine = str(n)
        check = nhs_check_digit(nine)
        if valid and check is not None:
            found.append(nine + str(check))
        elif not valid:
            wrong = (check + 1) % 10 if check is not None else 0
            found.append(nine + str(wrong))
        if len(found) == count:
            return found
    raise AssertionError("not enough numbers")


NHS_VALID = reserved_nhs_numbers(3)
NHS_FAILING = reserved_nhs_numbers(3, valid=False)


def synthetic_chi(date: str, variant: str) -> str:
    """A CHI-shaped number on `date` that passes only the named check ("mod11" or "mod10")."""
    for n in range(1000):
        nine = date + f"{n:03d}"
        mod11 = nhs_check_digit(nine)
        mod10 = mod10_check_digit(nine)
        if variant == "mod11" and mod11 is not None and mod11 != mod10:
            return nine + str(mod11)
        if variant == "mod10" and mod11 != mod10:
            return nine + str(mod10)
    raise AssertionError("no number found")


CHI_MOD11 = synthetic_chi("010190", "mod11")
CHI_MOD10 = synthetic_chi("010190", "mod10")


def spaced(ten: str, sep: str = " ") -> str:
    return f"{ten[:3]}{sep}{ten[3:6]}{sep}{ten[6:]}"


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_identifiers(text)]


def texts(text: str) -> list[str]:
    return [finding.text for finding in find_identifiers(text)]


def only(text: str) -> Finding:
    findings = find_identifiers(text)
    assert len(findings) == 1, findings
    return findings[0]


# --- the helpers themselves -------------------------------------------------------------


def test_the_fixture_numbers_are_what_they_claim() -> None:
    for number in NHS_VALID + NHS_FAILING:
        assert number.startswith("999") and len(number) == 10
    for number in NHS_VALID:
        assert nhs_check_digit(number[:9]) == int(number[9])
    for number in NHS_FAILING:
        assert nhs_check_digit(number[:9]) != int(number[9])
    assert CHI_MOD11.startswith("010190")
    assert nhs_check_digit(CHI_MOD11[:9]) == int(CHI_MOD11[9])
    assert mod10_check_digit(CHI_MOD11[:9]) != int(CHI_MOD11[9])
    assert mod10_check_digit(CHI_MOD10[:9]) == int(CHI_MOD10[9])
    assert nhs_check_digit(CHI_MOD10[:9]) != int(CHI_MOD10[9])


# --- NHS numbers and other runs of ten digits -------------------------------------------


@pytest.mark.parametrize("number", NHS_VALID)
@pytest.mark.parametrize("form", ["plain", "spaced", "hyphenated"])
def test_nhs_numbers_in_every_form(number: str, form: str) -> None:
    written = {"plain": number, "spaced": spaced(number), "hyphenated": spaced(number, "-")}[form]
    finding = only(written)
    assert finding.kind == "nhs_number"
    assert finding.label == "an NHS number"
    assert (finding.start, finding.end, finding.text) == (0, len(written), written)


def test_nhs_number_inside_a_sentence_has_the_right_position() -> None:
    written = spaced(NHS_VALID[0])
    text = f"Her number is {written}, checked with the team."
    finding = only(text)
    assert finding.kind == "nhs_number"
    assert finding.start == len("Her number is ")
    assert finding.end == finding.start + 12
    assert text[finding.start : finding.end] == written == finding.text


def test_nhs_number_next_to_letters_or_punctuation_is_still_found() -> None:
    number = NHS_VALID[1]
    assert kinds(f"NHS:{number}.") == ["nhs_number"]
    assert kinds(f"ref{number}x") == ["nhs_number"]
    assert kinds(f"({spaced(number, '-')})") == ["nhs_number"]


@pytest.mark.parametrize("number", NHS_FAILING)
def test_ten_digits_that_fail_every_check_are_still_flagged(number: str) -> None:
    for written in (number, spaced(number), spaced(number, "-")):
        finding = only(f"see {written} again")
        assert finding.kind == "health_number"
        assert finding.label == "a health-service number"
        assert "health-service number" in finding.detail


def test_the_never_issued_check_digit_ten_is_a_health_number() -> None:
    assert nhs_check_digit("999000000") is None
    assert kinds("9990000000") == ["health_number"]


def test_longer_or_shorter_digit_runs_are_not_ten_digit_numbers() -> None:
    assert kinds("999000000") == []  # nine digits
    assert "nhs_number" not in kinds(NHS_VALID[0] + "1")  # eleven digits
    assert "nhs_number" not in kinds("1" + NHS_VALID[0])


def test_two_numbers_are_two_findings() -> None:
    text = f"{NHS_VALID[0]} and {spaced(NHS_FAILING[0])}"
    assert kinds(text) == ["nhs_number", "health_number"]


# --- CHI numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("number", [CHI_MOD11, CHI_MOD10], ids=["mod11", "mod10"])
def test_chi_numbers_pass_either_check(number: str) -> None:
    for written in (number, spaced(number), spaced(number, "-")):
        finding = only(f"CHI {written} noted")
        assert finding.kind == "chi_number"
        assert finding.label == "a CHI number"
        assert finding.text == written


def test_chi_on_the_29th_of_february_of_a_leap_year() -> None:
    number = synthetic_chi("290292", "mod10")
    assert kinds(number) == ["chi_number"]


def test_a_chi_check_without_a_real_date_is_only_a_health_number() -> None:
    for date in ("320190", "011390", "000190", "290291"):  # day 32, month 13, day 0, 29 Feb 91
        number = synthetic_chi(date, "mod10")
        assert kinds(number) == ["health_number"], number


def test_a_real_date_that_fails_both_checks_is_a_health_number() -> None:
    nine = CHI_MOD10[:9]
    wrong = next(
        d for d in "0123456789" if int(d) not in (nhs_check_digit(nine), mod10_check_digit(nine))
    )
    assert kinds(nine + wrong) == ["health_number"]


# --- postcodes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    ["AB1 2CD", "AB12CD", "ab1 2cd", "Ab12 3Xy", "EH1 1YZ", "W1A 1AA", "M1 1AE", "B33 8TH"],
)
def test_postcodes(postcode: str) -> None:
    finding = only(f"Lives near {postcode}, she said.")
    assert finding.kind == "postcode"
    assert finding.label == "a postcode"
    assert finding.text == postcode
    assert finding.start == len("Lives near ")


@pytest.mark.parametrize("bfpo", ["BFPO 1234", "bfpo 5", "BFPO12"])
def test_bfpo_addresses(bfpo: str) -> None:
    finding = only(f"Posted to {bfpo} last year")
    assert finding.kind == "postcode"
    assert finding.text == bfpo


def test_postcodes_are_word_bounded() -> None:
    assert kinds("XAB1 2CD") == []
    assert kinds("AB1 2CDE") == []
    assert kinds("AB12CD9") == []


def test_doses_and_ordinals_are_not_postcodes() -> None:
    assert kinds("B12 1mg given") == []
    assert kinds("B12 2nd dose") == []
    assert kinds("seen on ward B4 3pm") == []
    # A real postcode in capitals is still found even when it reads like an ordinal.
    assert kinds("B12 2ND") == ["postcode"]


# --- phone numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "07700 900 999",
        "(01632) 960 001",
        "01632 960001",
        "01632-960-001",
        "01632 960000",
        "+44 7700 900123",
        "+447700900123",
        "+44 7700900123",
        "0044 7700 900123",
        "+44 (0)7700 900456",
        "+44 (0)1632 960 001",
        "0044 1632 960001",
    ],
)
def test_phone_numbers(phone: str) -> None:
    finding = only(f"Her number is {phone}.")
    assert finding.kind == "phone"
    assert finding.label == "a phone number"
    assert finding.text == phone
    assert finding.start == len("Her number is ")
    assert finding.end == finding.start + len(phone)


def test_phone_position_in_a_sentence() -> None:
    text = "Call 07700 900123 today"
    finding = only(text)
    assert (finding.start, finding.end) == (5, 17)
    assert finding.to_dict() == {
        "kind": "phone",
        "label": "a phone number",
        "start": 5,
        "end": 17,
        "text": "07700 900123",
        "detail": finding.detail,
        "refused": True,
    }


def test_a_bracket_around_a_phone_number_is_not_part_of_it() -> None:
    assert texts("(07700 900123)") == ["07700 900123"]


def test_a_ten_digit_run_starting_with_zero_is_reported_once() -> None:
    # Ten digits: a possible health-service number, not also a phone number.
    assert kinds("0163296000") == ["health_number"]
    assert kinds("016 329 6000") == ["health_number"]
    # Eleven digits starting 0: a phone number, not a health-service number.
    assert kinds("01632960001") == ["phone"]


def test_too_many_digits_is_not_a_phone_number() -> None:
    assert "phone" not in kinds("077009001234567")


# --- e-mail addresses -------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["someone@example.org", "first.last+clinic@example.com", "A_B-9@mail.example.org"]
)
def test_email_addresses(email: str) -> None:
    finding = only(f"Write to {email}. Thanks")
    assert finding.kind == "email"
    assert finding.label == "an e-mail address"
    assert finding.text == email
    assert finding.start == len("Write to ")


def test_digits_inside_an_email_are_reported_as_the_email() -> None:
    assert kinds(f"{NHS_VALID[0]}@example.org") == ["email"]


# --- dates that could be a date of birth ------------------------------------------------


@pytest.mark.parametrize(
    "date",
    [
        "12/03/1990",
        "12/03/90",
        "12-03-1990",
        "12-03-90",
        "12.03.1990",
        "12.03.90",
        "1/3/1990",
        "1990-03-12",
        "29/02/1992",
        "12 Mar 1990",
        "12 mar 1990",
        "12 March 1990",
        "12th March 1990",
        "12TH MARCH 1990",
        "1st Sept 2001",
        "3rd of June 1985",
        "12-Mar-1990",
        "March 12, 1990",
    ],
)
def test_dates(date: str) -> None:
    finding = only(f"Seen {date} at clinic")
    assert finding.kind == "date_of_birth"
    assert finding.label == "a date that could be a date of birth"
    assert finding.text == date
    assert finding.start == len("Seen ")


@pytest.mark.parametrize(
    "impossible",
    ["31/02/1990", "32/01/1990", "12/13/1990", "00/03/1990", "29/02/1991", "1990-13-01"],
)
def test_impossible_dates_are_not_flagged(impossible: str) -> None:
    assert kinds(impossible) == []


@pytest.mark.parametrize(
    "word",
    ["DOB", "dob", "DoB", "D.O.B.", "d.o.b", "born on", "Born On", "date of birth", "birthday"],
)
def test_a_recent_date_beside_words_of_birth_is_refused_as_a_date_of_birth(word: str) -> None:
    finding = only(f"Noted {word} 12/03/2026 and left it")
    assert finding.kind == "date_of_birth"
    assert finding.refused
    assert finding.label == "a date of birth"
    assert finding.text == f"{word} 12/03/2026"


@pytest.mark.parametrize("word", ["DOB", "D.O.B.", "born on", "date of birth"])
def test_the_words_alone_are_not_an_identifier(word: str) -> None:
    assert kinds(f"Asked about {word} and left it") == []


def test_the_word_and_its_date_are_one_finding() -> None:
    assert texts("DOB: 12/03/1990 noted") == ["DOB: 12/03/1990"]
    assert texts("She was born on 12th March 1990.") == ["born on 12th March 1990"]
    assert texts("12/03/2026 (DOB) noted") == ["12/03/2026 (DOB)"]
    assert texts("She was born on") == []


def test_born_on_the_ward_is_not_a_date_of_birth() -> None:
    assert kinds("Her baby was born on the ward.") == []
    assert kinds("Baby born on time, well.") == []
    assert kinds("Born on the 12th March 1990") == ["date_of_birth"]


def test_words_that_merely_contain_dob_are_not_flagged() -> None:
    assert kinds("adobe doberman") == []


# --- things that are not identifiers ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Seen at 10:30 and again at 14:45",
        "Item 7 of 24",
        "Requirement 7.5 and 4.4",
        "By 2026 the service will",
        "60 mg daily",
        "3-4 times a week",
        "Reference 12345",
        "3 of 17 done",
        "24/7 support",
        "12 Mar 10:30",
        "Scored 9 out of 10",
        "Used 1.5 ml",
        "",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert find_identifiers(text) == []


def test_a_typical_note_with_no_identifiers() -> None:
    note = (
        "Talked through safer injecting and naloxone. She chose not to have the BBV test today. "
        "Plan agreed with the drug worker; review in 2 weeks at 09:30. Requirement 7.5 met."
    )
    assert find_identifiers(note) == []


# --- the whole text ---------------------------------------------------------------------


def test_findings_are_sorted_and_do_not_overlap() -> None:
    text = (
        f"DOB 01/02/1990, NHS {spaced(NHS_VALID[0])}, lives at ab1 2cd, "
        "phone +44 7700 900123 or someone@example.org; CHI " + CHI_MOD10
    )
    findings = find_identifiers(text)
    assert [f.kind for f in findings] == [
        "date_of_birth",
        "nhs_number",
        "postcode",
        "phone",
        "email",
        "chi_number",
    ]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.kind in KINDS
        assert finding.label == (
            "a date of birth" if finding.kind == "date_of_birth" else LABELS[finding.kind]
        )
        assert finding.detail.endswith(".")
    for before, after in zip(findings, findings[1:], strict=False):
        assert before.end <= after.start


def test_findings_are_frozen() -> None:
    finding = only("07700 900123")
    with pytest.raises(AttributeError):
        finding.kind = "email"  # type: ignore[misc]


def test_a_long_text_is_checked_quickly() -> None:
    text = ("word 12 3-4 7.5 a@b " * 3000) + "x" * 20000 + "1" * 20000 + " 07700 900123"
    began = time.perf_counter()
    findings = find_identifiers(text)
    assert time.perf_counter() - began < 3
    assert findings[-1].kind == "phone"


# --- case references --------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference", ["AB-17", "team2/visit 3", "", "   ", "SS_2026.04", "Bump 7", "Élan-3"]
)
def test_acceptable_case_references(reference: str) -> None:
    assert check_case_reference(reference) is None


@pytest.mark.parametrize(
    ("reference", "looks_like"),
    [
        (NHS_VALID[0], "an NHS number"),
        (spaced(NHS_VALID[1], "-"), "an NHS number"),
        (CHI_MOD11, "a CHI number"),
        (CHI_MOD10, "a CHI number"),
        (NHS_FAILING[0], "a health-service number"),
        ("AB1 2CD", "a postcode"),
        ("ab12cd", "a postcode"),
        ("BFPO 12", "a postcode"),
        ("07700 900123", "a phone number"),
        ("+44 7700 900123", "a phone number"),
        ("someone@example.org", "an e-mail address"),
        ("12/03/1990", "a date that could be a date of birth"),
        ("1990-03-12", "a date that could be a date of birth"),
        ("DOB 12/03/2026", "a date of birth"),
        ("RX1234567", "a hospital number"),
        ("QQ123456C", "a National Insurance number"),
    ],
)
def test_case_references_that_look_like_identifiers_are_refused(
    reference: str, looks_like: str
) -> None:
    message = check_case_reference(reference)
    assert message is not None
    assert message.startswith(f"This looks like {looks_like}.")
    assert "your service's own pseudonym" in message


def test_the_refusal_names_every_kind_it_saw() -> None:
    message = check_case_reference("AB1 2CD 07700 900123")
    assert message is not None
    assert message.startswith("This looks like a postcode and a phone number.")


def test_an_over_long_case_reference_is_refused() -> None:
    assert check_case_reference("a" * 40) is None
    message = check_case_reference("a" * 41)
    assert message is not None
    assert "40 characters" in message


@pytest.mark.parametrize("reference", ["AB#17", "AB:17", "case\t7", "x\u200by", "50%", "A,B"])
def test_case_references_with_other_characters_are_refused(reference: str) -> None:
    message = check_case_reference(reference)
    assert message is not None
    assert "letters, digits, spaces" in message


# --- describe ---------------------------------------------------------------------------


def test_describe_names_what_and_where() -> None:
    findings = find_identifiers("Rang 07700 900123, lives at AB1 2CD")
    assert describe(findings) == (
        "This note contains what looks like a phone number (07700 900123) and a postcode "
        "(AB1 2CD). Please leave out anything that could identify her."
    )


def test_describe_mentions_every_kind() -> None:
    text = (
        f"{NHS_VALID[0]} {CHI_MOD11} {NHS_FAILING[0]} AB1 2CD 07700 900123 "
        "someone@example.com 12/03/1990 RX1234567 QQ 12 34 56 C"
    )
    findings = find_identifiers(text)
    assert {f.kind for f in findings} == set(KINDS)
    sentence = describe(findings)
    for label in LABELS.values():
        assert label in sentence
    for finding in findings:
        assert f"({finding.text})" in sentence
    assert sentence.count(".") >= 2 and sentence.endswith("could identify her.")
    assert ", a postcode" in sentence and " and a National Insurance number" in sentence


def test_describe_says_nothing_when_nothing_was_found() -> None:
    assert describe([]) == ""


def test_describe_lists_a_repeat_once_and_can_name_the_text() -> None:
    findings = find_identifiers("07700 900123 or 07700 900123")
    sentence = describe(findings, noun="reflection")
    assert sentence.startswith("This reflection contains")
    assert sentence.count("07700 900123") == 1


def test_describe_uses_plain_kind_words() -> None:
    sentence = describe(find_identifiers("someone@example.org"))
    for harsh in ("error", "invalid", "illegal", "forbidden", "must not", "violation"):
        assert harsh not in sentence.lower()


# --- the module stays pure --------------------------------------------------------------


def test_the_module_uses_only_the_standard_library() -> None:
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            roots.add((node.module or "").split(".")[0])
    assert roots <= set(sys.stdlib_module_names) | {"__future__"}, roots
