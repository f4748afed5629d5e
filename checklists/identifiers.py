"""Spotting identifiers in what people type: the woman is never the record.

One mechanism for every place a person types free text or a case reference. It looks for the
identifiers in `reference/identifiers.md` (NHS and CHI numbers, any other run of ten digits,
postcodes, phone numbers, e-mail addresses and dates that could be a date of birth) and says
plainly what it found and where. A case reference that looks like one is refused; free text
that contains one gets a warning, and the person chooses to edit it or keep it.

Standard library only: this module is used by the store and the screens alike.

A checksum alone is weak evidence (about 1 in 11 random ten-digit strings passes the NHS
check), so every run of ten digits is flagged and the checks are used only to name it.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

KINDS: tuple[str, ...] = (
    "nhs_number",
    "chi_number",
    "health_number",
    "postcode",
    "phone",
    "email",
    "date_of_birth",
)

LABELS: dict[str, str] = {
    "nhs_number": "an NHS number",
    "chi_number": "a CHI number",
    "health_number": "a health-service number",
    "postcode": "a postcode",
    "phone": "a phone number",
    "email": "an e-mail address",
    "date_of_birth": "a date that could be a date of birth",
}

MAX_CASE_REFERENCE = 40

CASE_REFERENCE_RULE = (
    "A case reference must be your service's own pseudonym, never a name, NHS or CHI number, "
    "postcode, phone number, e-mail address or date of birth."
)

# When two possible findings overlap, the longer one wins; on a tie, the more specific kind.
# A ten-digit run written like a phone number is reported once, as a health-service number.
_PRIORITY: dict[str, int] = {
    "email": 0,
    "nhs_number": 1,
    "chi_number": 1,
    "health_number": 1,
    "phone": 2,
    "postcode": 3,
    "date_of_birth": 4,
}


@dataclass(frozen=True)
class Finding:
    """Something in a piece of text that could identify a woman."""

    kind: str
    label: str
    start: int
    end: int
    text: str
    detail: str
    # Refused findings are never written anywhere; the rest are warnings she may keep.
    refused: bool = True

    def to_dict(self) -> dict[str, str | int | bool]:
        return {
            "kind": self.kind,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "detail": self.detail,
            "refused": self.refused,
        }


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    kind: str
    detail: str
    dob_word: bool = False
    dob_context: bool = False  # a date with "DOB", "born on"... right before it


# --- check digits -----------------------------------------------------------------------


def nhs_check_ok(digits: str) -> bool:
    """The NHS number modulus 11 check (NHS Data Dictionary, "NHS NUMBER")."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def chi_mod10_ok(digits: str) -> bool:
    """The modulus 10 variant used for some CHI numbers issued from February 2026."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, d in enumerate(digits[:9], start=1):
        value = int(d)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10 == int(digits[9])


def _ddmmyy_ok(six: str) -> bool:
    """True when six digits are a real DDMMYY date in some century."""
    day, month, year = int(six[0:2]), int(six[2:4]), int(six[4:6])
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return year % 4 == 0  # 1900 was not a leap year but 2000 was, so 00 is fine
    return day <= calendar.monthrange(2001, month)[1]


def ten_digit_kind(digits: str) -> str:
    """Name a run of ten digits: `chi_number`, `nhs_number` or `health_number`.

    A number whose first six digits are a real date and that passes either CHI check is named
    a CHI number (English NHS numbers never start with a valid day), then the NHS check;
    anything else is still a possible health-service number.
    """
    if _ddmmyy_ok(digits[:6]) and (nhs_check_ok(digits) or chi_mod10_ok(digits)):
        return "chi_number"
    if nhs_check_ok(digits):
        return "nhs_number"
    return "health_number"


_TEN_DIGIT_DETAILS = {
    "nhs_number": "Ten digits that pass the NHS number check.",
    "chi_number": "Ten digits that start with a date and pass the CHI number check.",
    "health_number": (
        "Ten digits like these could be a health-service number, even though they do not pass "
        "the NHS or CHI check."
    ),
}


# --- patterns ---------------------------------------------------------------------------

_SP = "[ \u00a0]"  # a space, or a no-break space pasted from elsewhere
_SEP = "[ \u00a0-]"

_TEN_DIGITS = re.compile(rf"(?<![0-9])[0-9]{{3}}{_SEP}?[0-9]{{3}}{_SEP}?[0-9]{{4}}(?![0-9])")
_INTERNATIONAL_BEFORE = re.compile(rf"(?:\+{_SP}?|00)44{_SEP}?(?:\(0\){_SEP}?)?\(?$")

# Phone numbers (Ofcom): a leading 0 and 9 or 10 more digits, or +44 / 0044 without the 0.
# Between digits: a space or hyphen, or a closing bracket with an optional space or hyphen.
_PHONE_GAP = rf"(?:{_SEP}|\){_SEP}?)?"
_PHONE_NATIONAL = re.compile(rf"(?<![A-Za-z0-9+])\(?0(?:{_PHONE_GAP}[0-9]){{9,10}}(?![0-9])")
_PHONE_INTERNATIONAL = re.compile(
    rf"(?<![A-Za-z0-9+])(?:\+{_SP}?|00)44{_SEP}?(?:\(0\){_SEP}?)?\(?[1-9]"
    rf"(?:{_PHONE_GAP}[0-9]){{8,9}}(?![0-9])"
)

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])"
)

_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?)\s?([0-9])([A-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_BFPO = re.compile(rf"(?<![A-Za-z0-9])BFPO{_SP}?[0-9]{{1,4}}(?![0-9])", re.IGNORECASE)
# Royal Mail never uses K, M or V in the last two letters, so "B12 1mg", "B4 3pm" are not
# postcodes.
_NEVER_INWARD = frozenset("KMV")
_ORDINALS = {"1": "st", "2": "nd", "3": "rd"}

_YEAR4 = "(?:19|20)[0-9]{2}"
_NUMERIC_DATE = re.compile(
    r"(?<![0-9])(?<![0-9][/.-])([0-9]{1,2})([/.-])([0-9]{1,2})\2"
    rf"({_YEAR4}|[0-9]{{2}})(?![0-9])(?![/.-][0-9])"
)
_ISO_DATE = re.compile(
    rf"(?<![0-9])(?<![0-9][/.-])({_YEAR4})([/.-])([0-9]{{1,2}})\2([0-9]{{1,2}})"
    r"(?![0-9])(?![/.-][0-9])"
)
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR_WORDY = rf"({_YEAR4}|'[0-9]{{2}})"
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![A-Za-z0-9])([0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of\s+|[ \u00a0-]*){_MONTH}"
    rf",?[ \u00a0-]*{_YEAR_WORDY}(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![A-Za-z0-9]){_MONTH}{_SP}+([0-9]{{1,2}})(?:st|nd|rd|th)?,?{_SP}+{_YEAR_WORDY}"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# "DOB", "D.O.B.", "born on" - but not "born on the ward", "born on time", "born on a Tuesday".
_DOB_WORD = re.compile(
    r"(?<![A-Za-z0-9])(?:d\.?o\.?b(?![A-Za-z0-9])\.?"
    r"|born\s+on(?![A-Za-z0-9])"
    r"(?!\s+(?:the|a|an|time|ward|labour|delivery|arrival)\b(?!\s+[0-9])))",
    re.IGNORECASE,
)
# What may sit between "DOB" and its date for the two to be reported as one finding.
_DOB_GAP = re.compile(r"[\s:=,.\-\u2013]*(?:the\s+)?", re.IGNORECASE)

_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def _date_ok(day: int, month: int, year: str) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    digits = year.lstrip("'")
    if month == 2 and day == 29:
        return calendar.isleap(int(digits)) if len(digits) == 4 else int(digits) % 4 == 0
    return day <= calendar.monthrange(2001, month)[1]


# --- finders ----------------------------------------------------------------------------


def _ten_digit_candidates(text: str) -> Iterable[_Candidate]:
    for match in _TEN_DIGITS.finditer(text):
        if _INTERNATIONAL_BEFORE.search(text, max(0, match.start() - 16), match.start()):
            continue  # "+44 7700900123": the phone finder reports it
        digits = re.sub(r"[^0-9]", "", match.group())
        kind = ten_digit_kind(digits)
        yield _Candidate(match.start(), match.end(), kind, _TEN_DIGIT_DETAILS[kind])


def _phone_candidates(text: str) -> Iterable[_Candidate]:
    detail = "This has the shape of a UK phone number."
    for pattern in (_PHONE_NATIONAL, _PHONE_INTERNATIONAL):
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if text[start] == "(" and ")" not in match.group():
                start += 1  # "(07700 900123)": leave the bracket out of the finding
            yield _Candidate(start, end, "phone", detail)


def _email_candidates(text: str) -> Iterable[_Candidate]:
    for match in _EMAIL.finditer(text):
        yield _Candidate(match.start(), match.end(), "email", "This looks like an e-mail address.")


def _postcode_candidates(text: str) -> Iterable[_Candidate]:
    for match in _POSTCODE.finditer(text):
        digit, letters = match.group(2), match.group(3)
        if set(letters.upper()) & _NEVER_INWARD:
            continue
        if letters.islower() and letters == _ORDINALS.get(digit, "th"):
            continue  # "B12 2nd dose"; a postcode in capitals is still found
        yield _Candidate(
            match.start(), match.end(), "postcode", "This has the shape of a UK postcode."
        )
    for match in _BFPO.finditer(text):
        yield _Candidate(
            match.start(),
            match.end(),
            "postcode",
            "This looks like a British Forces Post Office address.",
        )


def _date_candidates(text: str) -> Iterable[_Candidate]:
    detail = "A full date could be her date of birth, or her baby's."
    for match in _NUMERIC_DATE.finditer(text):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        if _date_ok(day, month, year):
            yield _Candidate(match.start(), match.end(), "date_of_birth", detail)
    for match in _ISO_DATE.finditer(text):
        year, month, day = match.group(1), int(match.group(3)), int(match.group(4))
        if _date_ok(day, month, year):
            yield _Candidate(match.start(), match.end(), "date_of_birth", detail)
    for match in _DAY_MONTH_YEAR.finditer(text):
        day, month = int(match.group(1)), _MONTH_NUMBERS[match.group(2)[:3].lower()]
        if _date_ok(day, month, match.group(3)):
            yield _Candidate(match.start(), match.end(), "date_of_birth", detail)
    for match in _MONTH_DAY_YEAR.finditer(text):
        month, day = _MONTH_NUMBERS[match.group(1)[:3].lower()], int(match.group(2))
        if _date_ok(day, month, match.group(3)):
            yield _Candidate(match.start(), match.end(), "date_of_birth", detail)
    for match in _DOB_WORD.finditer(text):
        yield _Candidate(
            match.start(),
            match.end(),
            "date_of_birth",
            "These words usually come with a date of birth.",
            dob_word=True,
        )


_FINDERS = (
    _email_candidates,
    _ten_digit_candidates,
    _phone_candidates,
    _postcode_candidates,
    _date_candidates,
)


def _resolve(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    """Keep a non-overlapping set: longer spans first, then the more specific kind."""
    order = sorted(
        candidates, key=lambda c: (-(c.end - c.start), _PRIORITY[c.kind], c.start, c.end)
    )
    starts: list[int] = []
    kept: list[_Candidate] = []
    for candidate in order:
        at = bisect_left(starts, candidate.start)
        if at > 0 and kept[at - 1].end > candidate.start:
            continue
        if at < len(kept) and kept[at].start < candidate.end:
            continue
        starts.insert(at, candidate.start)
        kept.insert(at, candidate)
    return kept


def _merge_dob(text: str, kept: list[_Candidate]) -> list[_Candidate]:
    """Report "DOB: 12/03/1990" or "born on 12th March 1990" as one finding."""
    merged: list[_Candidate] = []
    for candidate in kept:
        if merged:
            last = merged[-1]
            if (
                last.dob_word
                and candidate.kind == "date_of_birth"
                and not candidate.dob_word
                and _DOB_GAP.fullmatch(text, last.end, candidate.start)
            ):
                merged[-1] = _Candidate(
                    last.start, candidate.end, "date_of_birth", candidate.detail, dob_context=True
                )
                continue
        merged.append(candidate)
    return merged


def find_identifiers(text: str) -> list[Finding]:
    """Everything in `text` that could identify a woman, in order, without overlaps."""
    if not text:
        return []
    candidates = [candidate for finder in _FINDERS for candidate in finder(text)]
    kept = _merge_dob(text, _resolve(candidates))
    return [
        Finding(
            kind=c.kind,
            label=LABELS[c.kind],
            start=c.start,
            end=c.end,
            text=text[c.start : c.end],
            detail=c.detail,
            refused=is_refused(c.kind, c.dob_context),
        )
        for c in kept
    ]


def is_refused(kind: str, dob_context: bool = False) -> bool:
    """The policy, in one place: what may never be written, and what is only a warning.

    Numbers, addresses and contact details identify a woman on their own, so they are refused
    everywhere. A bare date is usually an appointment, a dose or a due date: a warning only,
    unless words like "DOB" or "born on" say it is a date of birth.
    """
    return kind != "date_of_birth" or dob_context


def refused(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.refused]


def refused_summary(findings: Iterable[Finding]) -> str:
    """'Not saved: contains an NHS number and a phone number'; "" when nothing is refused."""
    labels = list(dict.fromkeys(f.label for f in findings if f.refused))
    return f"Not saved: contains {_join(labels)}" if labels else ""


# --- messages ---------------------------------------------------------------------------


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def excerpt(text: str, limit: int = 40) -> str:
    """A finding as shown in a message: one line, cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


_shown = excerpt


def _allowed_in_reference(ch: str) -> bool:
    return ch.isalpha() or ch in "0123456789 -_/."


def check_case_reference(text: str) -> str | None:
    """None when `text` is an acceptable case reference, else a sentence saying why not.

    An empty reference is fine: a service need not use them.
    """
    value = text.strip()
    if not value:
        return None
    findings = find_identifiers(value)
    if findings:
        labels = list(dict.fromkeys(finding.label for finding in findings))
        return f"This looks like {_join(labels)}. {CASE_REFERENCE_RULE}"
    if len(value) > MAX_CASE_REFERENCE:
        return (
            f"A case reference can be at most {MAX_CASE_REFERENCE} characters, and this one "
            f"has {len(value)}. Please use your service's short pseudonym."
        )
    bad = list(dict.fromkeys(ch for ch in value if not _allowed_in_reference(ch)))
    if bad:
        shown = _join(
            [f"\u201c{ch}\u201d" if ch.isprintable() else "a hidden character" for ch in bad]
        )
        return (
            "A case reference can only use letters, digits, spaces, hyphens (-), underscores (_), "
            f"slashes (/) and full stops (.). Please take out {shown}."
        )
    return None


def describe(findings: Iterable[Finding], noun: str = "note") -> str:
    """One kind, plain sentence naming what was found and where; "" when nothing was."""
    parts: list[str] = []
    for finding in findings:
        part = f"{finding.label} ({_shown(finding.text)})"
        if part not in parts:
            parts.append(part)
    if not parts:
        return ""
    return (
        f"This {noun} contains what looks like {_join(parts)}. "
        "Please leave out anything that could identify her."
    )


# --- a typed field ----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldCheck:
    """What may be kept of one typed field: its findings and its length against the limit.

    `held` is the plain reason the text may not be written at all (an identifier the guard
    refuses, or more characters than the field holds); None means it may be saved, with any
    warnings shown beside it.
    """

    text: str
    limit: int
    findings: tuple[Finding, ...]

    @property
    def over(self) -> int:
        return max(0, len(self.text) - self.limit)

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.refused]

    @property
    def keepable(self) -> str | None:
        """What may be saved of this field: the text itself, or, when something in it is
        refused, the text with each refused finding cut out (so no part of it typed before it
        was whole stays on disk either); None when the field is over its limit."""
        if self.over:
            return None
        spans = [f for f in self.findings if f.refused]
        if not spans:
            return self.text
        pieces, at = [], 0
        for finding in spans:
            pieces.append(self.text[at : finding.start])
            at = finding.end
        pieces.append(self.text[at:])
        kept = re.sub(r"[ \t]{2,}", " ", "".join(pieces)).strip()
        return None if refused_summary(find_identifiers(kept)) else kept

    @property
    def held(self) -> str | None:
        refusal = refused_summary(self.findings)
        if refusal:
            return refusal.removeprefix("Not saved: ")
        if self.over:
            return f"{self.over:,} characters over its limit of {self.limit:,}"
        return None


def check_field(text: str, limit: int) -> FieldCheck:
    return FieldCheck(text, limit, tuple(find_identifiers(text)))
