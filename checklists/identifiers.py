"""Spotting identifiers in what people type: the woman is never the record.

One mechanism for every place a person types free text or a case reference. It looks for the
identifiers in `reference/identifiers.md` and says plainly what it found and where. It is
strict where it must be and quiet where it should be, because a guard that fires on every
appointment date teaches people to press through it:
- refused (never written): NHS, CHI and other ten-digit health numbers, hospital numbers,
  National Insurance numbers, postcodes, phone numbers, e-mail addresses, and a date next to
  words like "DOB", "date of birth", "born" or "birthday";
- warned (kept if she confirms): a date more than 12 years back, with no such words;
- quiet: recent and future dates (appointments, doses, tests, due dates), Apgar scores, blood
  pressure, gestation and the national helplines (0300, 0800, 0808).
Text is read after Unicode normalisation (full-width digits, thin and no-break spaces, odd
dashes), and findings point back into the text as typed.

Standard library only: this module is used by the store and the screens alike.

A checksum alone is weak evidence (about 1 in 11 random ten-digit strings passes the NHS
check), so every run of ten digits is flagged and the checks are used only to name it.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

KINDS: tuple[str, ...] = (
    "nhs_number",
    "chi_number",
    "health_number",
    "hospital_number",
    "ni_number",
    "postcode",
    "phone",
    "email",
    "date_of_birth",
)

LABELS: dict[str, str] = {
    "nhs_number": "an NHS number",
    "chi_number": "a CHI number",
    "health_number": "a health-service number",
    "hospital_number": "a hospital number",
    "ni_number": "a National Insurance number",
    "postcode": "a postcode",
    "phone": "a phone number",
    "email": "an e-mail address",
    "date_of_birth": "a date that could be a date of birth",
}
# A date with words like "DOB" beside it is named for what it is.
DATE_OF_BIRTH_LABEL = "a date of birth"
# A date further back than this, with no such words, is a warning; anything nearer is quiet.
OLD_DATE_YEARS = 12

MAX_CASE_REFERENCE = 40

CASE_REFERENCE_RULE = (
    "A case reference must be your service's own pseudonym, never a name, NHS, CHI, hospital "
    "or National Insurance number, postcode, phone number, e-mail address or date of birth."
)

# When two possible findings overlap, the longer one wins; on a tie, the more specific kind.
# A ten-digit run written like a phone number is reported once, as a health-service number.
_PRIORITY: dict[str, int] = {
    "email": 0,
    "nhs_number": 1,
    "chi_number": 1,
    "health_number": 1,
    "ni_number": 1,
    "hospital_number": 2,
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


# --- reading the text as typed ----------------------------------------------------------

# Dashes people paste from word processors, read as a hyphen.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """The text to search (NFKC, so full-width digits and thin or no-break spaces read as
    digits and spaces; odd dashes as hyphens; invisible format characters dropped), and for
    each of its characters the position of the character it came from (None: the same)."""
    if text.isascii():
        return text, None
    out: list[str] = []
    owner: list[int] = []
    for at, ch in enumerate(text):
        if ch.isascii():
            read = ch
        elif unicodedata.category(ch) == "Cf":
            read = ""  # a zero-width space inside a number hides nothing
        else:
            read = unicodedata.normalize("NFKC", ch).translate(_DASHES)
        out.append(read)
        owner.extend([at] * len(read))
    return "".join(out), owner


# --- patterns (on the normalised text) --------------------------------------------------

_SP = " "
_SEP = "[ -]"
_GROUP = "[ .\\-/]?"  # digits in groups: "999 123 4560", "999.123.4560", "999/123/4560"

_TEN_DIGITS = re.compile(
    rf"(?<![0-9])(?:[0-9]{{3}}{_GROUP}[0-9]{{3}}{_GROUP}[0-9]{{4}}"
    rf"|[0-9]{{3}}{_GROUP}[0-9]{{4}}{_GROUP}[0-9]{{3}}"
    rf"|[0-9]{{4}}{_GROUP}[0-9]{{3}}{_GROUP}[0-9]{{3}})(?![0-9])"
)
_INTERNATIONAL_BEFORE = re.compile(rf"(?:\+{_SP}?|00)44{_SEP}?(?:\(0\){_SEP}?)?\(?$")
# National helplines anyone may write down: quiet (unless the digits are a CHI number).
_HELPLINE_PREFIXES = ("0300", "0800", "0808")

# Phone numbers (Ofcom): a leading 0 and 9 or 10 more digits, or +44 / 0044 without the 0.
# Between digits: a space, hyphen or full stop, or a closing bracket with an optional one.
_PHONE_GAP = r"(?:[ .\-]|\)[ .\-]?)?"
_PHONE_NATIONAL = re.compile(rf"(?<![A-Za-z0-9+])\(?0(?:{_PHONE_GAP}[0-9]){{9,10}}(?![0-9])")
_PHONE_INTERNATIONAL = re.compile(
    rf"(?<![A-Za-z0-9+])(?:\+{_SP}?|00)44{_SEP}?(?:\(0\){_SEP}?)?\(?[1-9]"
    rf"(?:{_PHONE_GAP}[0-9]){{8,9}}(?![0-9])"
)

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])"
)

_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?)[ \t]{0,3}([0-9])([A-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_BFPO = re.compile(rf"(?<![A-Za-z0-9])BFPO{_SP}?[0-9]{{1,4}}(?![0-9])", re.IGNORECASE)
# Royal Mail never uses K, M or V in the last two letters, so "B12 1mg", "B4 3pm" are not
# postcodes.
_NEVER_INWARD = frozenset("KMV")
_ORDINALS = {"1": "st", "2": "nd", "3": "rd"}

# Hospital numbers: one to three capital letters and 6-8 digits ("RX1234567", "K 1234567"),
# or lower-case letters joined to the digits; and any number after "MRN", "hosp no", "unit no".
_HOSPITAL_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z]{1,3} ?|[a-z]{1,3})[0-9]{6,8}(?![A-Za-z0-9])"
)
_HOSPITAL_WORD = re.compile(
    r"(?<![A-Za-z0-9])(?:MRN|hosp(?:ital)?\.?\s*(?:no|num|number)\b\.?"
    r"|unit\s*(?:no|num|number)\b\.?)[\s:#.=-]*(?:[A-Za-z]{1,3} ?)?[0-9](?:[ -]?[0-9]){3,}",
    re.IGNORECASE,
)
# National Insurance numbers: two letters, six digits, a letter A-D ("QQ 12 34 56 C").
_NI_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])[A-CEGHJ-TW-Z][A-CEGHJ-NP-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)

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
    rf"(?<![A-Za-z0-9])([0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of\s+|[ -]*){_MONTH}"
    rf",?[ -]*{_YEAR_WORDY}(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![A-Za-z0-9]){_MONTH}{_SP}+([0-9]{{1,2}})(?:st|nd|rd|th)?,?{_SP}+{_YEAR_WORDY}"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# Words that make a date a date of birth, before it ("DOB: 12/03/1990", "born on the 3rd of
# June 2025", "her birthday is 4 May 1999") or after it ("12/03/1990 (DOB)").
_DOB_WORDS = r"(?:d\.?o\.?b\b\.?|date\s+of\s+birth|birth\s*day|born)"
_DOB_BEFORE = re.compile(
    rf"(?<![A-Za-z0-9]){_DOB_WORDS}[\s:=,.\-]*(?:(?:on|is|was|of|the|her|baby'?s?)\s+)*$",
    re.IGNORECASE,
)
_DOB_AFTER = re.compile(rf"[\s,(\-]*{_DOB_WORDS}\)?", re.IGNORECASE)
_APGAR_BEFORE = re.compile(r"apgars?\b[^.\n]{0,30}$", re.IGNORECASE)

_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def _full_year(year: str, today: date) -> int:
    """A two-digit year is the latest year ending so that is at most ten years ahead."""
    digits = year.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    century = today.year // 100 * 100
    full = century + int(digits)
    return full - 100 if full > today.year + 10 else full


def _real_date(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- finders ----------------------------------------------------------------------------


def _ten_digit_candidates(text: str, today: date) -> Iterable[_Candidate]:
    for match in _TEN_DIGITS.finditer(text):
        if _INTERNATIONAL_BEFORE.search(text, max(0, match.start() - 16), match.start()):
            continue  # "+44 7700900123": the phone finder reports it
        digits = re.sub(r"[^0-9]", "", match.group())
        kind = ten_digit_kind(digits)
        if kind != "chi_number" and digits.startswith(_HELPLINE_PREFIXES):
            continue
        yield _Candidate(match.start(), match.end(), kind, _TEN_DIGIT_DETAILS[kind])


def _phone_candidates(text: str, today: date) -> Iterable[_Candidate]:
    detail = "This has the shape of a UK phone number."
    for pattern in (_PHONE_NATIONAL, _PHONE_INTERNATIONAL):
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if re.sub(r"[^0-9]", "", match.group()).startswith(_HELPLINE_PREFIXES):
                continue
            if text[start] == "(" and ")" not in match.group():
                start += 1  # "(07700 900123)": leave the bracket out of the finding
            yield _Candidate(start, end, "phone", detail)


def _email_candidates(text: str, today: date) -> Iterable[_Candidate]:
    for match in _EMAIL.finditer(text):
        yield _Candidate(match.start(), match.end(), "email", "This looks like an e-mail address.")


def _postcode_candidates(text: str, today: date) -> Iterable[_Candidate]:
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


def _hospital_candidates(text: str, today: date) -> Iterable[_Candidate]:
    detail = "This looks like a hospital or medical record number."
    for pattern in (_HOSPITAL_WORD, _HOSPITAL_NUMBER):
        for match in pattern.finditer(text):
            yield _Candidate(match.start(), match.end(), "hospital_number", detail)


def _ni_candidates(text: str, today: date) -> Iterable[_Candidate]:
    for match in _NI_NUMBER.finditer(text):
        yield _Candidate(
            match.start(),
            match.end(),
            "ni_number",
            "This has the shape of a National Insurance number.",
        )


def _dates_in(text: str, today: date) -> Iterable[tuple[int, int, date]]:
    """(start, end, the date) for every real full date written in the text."""
    for match in _NUMERIC_DATE.finditer(text):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        if len(year) == 2 and _looks_like_a_score(text, match):
            continue
        found = _real_date(day, month, _full_year(year, today))
        if found:
            yield match.start(), match.end(), found
    for match in _ISO_DATE.finditer(text):
        found = _real_date(int(match.group(4)), int(match.group(3)), int(match.group(1)))
        if found:
            yield match.start(), match.end(), found
    for match in _DAY_MONTH_YEAR.finditer(text):
        day, month = int(match.group(1)), _MONTH_NUMBERS[match.group(2)[:3].lower()]
        found = _real_date(day, month, _full_year(match.group(3), today))
        if found:
            yield match.start(), match.end(), found
    for match in _MONTH_DAY_YEAR.finditer(text):
        month, day = _MONTH_NUMBERS[match.group(1)[:3].lower()], int(match.group(2))
        found = _real_date(day, month, _full_year(match.group(3), today))
        if found:
            yield match.start(), match.end(), found


def _looks_like_a_score(text: str, match: re.Match) -> bool:
    """Apgar scores ("Apgars 9/10/10", or "9/10/10" on its own): three small numbers."""
    if _APGAR_BEFORE.search(text, max(0, match.start() - 40), match.start()):
        return True
    parts = (match.group(1), match.group(3), match.group(4))
    return match.group(2) == "/" and all(not p.startswith("0") and int(p) <= 10 for p in parts)


def _date_candidates(text: str, today: date) -> Iterable[_Candidate]:
    long_ago = _real_date(today.day, today.month, today.year - OLD_DATE_YEARS) or date(
        today.year - OLD_DATE_YEARS, today.month, 28
    )
    for start, end, found in _dates_in(text, today):
        before = _DOB_BEFORE.search(text, max(0, start - 40), start)
        after = _DOB_AFTER.match(text, end)
        if before or after:
            yield _Candidate(
                before.start() if before else start,
                after.end() if after else end,
                "date_of_birth",
                "A date with these words is a date of birth, hers or her baby's.",
                dob_context=True,
            )
        elif found < long_ago:
            yield _Candidate(
                start,
                end,
                "date_of_birth",
                f"A date more than {OLD_DATE_YEARS} years back could be her date of birth.",
            )


_FINDERS = (
    _email_candidates,
    _ten_digit_candidates,
    _phone_candidates,
    _postcode_candidates,
    _hospital_candidates,
    _ni_candidates,
    _date_candidates,
)


def _resolve(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    """Keep a non-overlapping set: refused before warned, then longer spans first, then the
    more specific kind."""
    order = sorted(
        candidates,
        key=lambda c: (
            not is_refused(c.kind, c.dob_context),
            -(c.end - c.start),
            _PRIORITY[c.kind],
            c.start,
            c.end,
        ),
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


def find_identifiers(text: str, today: date | None = None) -> list[Finding]:
    """Everything in `text` that could identify a woman, in order, without overlaps.

    `today` decides which dates are long enough ago to be worth a warning (tests pass it)."""
    if not text:
        return []
    today = today or date.today()
    searched, owner = _normalise(text)
    candidates = [candidate for finder in _FINDERS for candidate in finder(searched, today)]
    findings = []
    for c in _resolve(candidates):
        start, end = (owner[c.start], owner[c.end - 1] + 1) if owner else (c.start, c.end)
        findings.append(
            Finding(
                kind=c.kind,
                label=DATE_OF_BIRTH_LABEL if c.dob_context else LABELS[c.kind],
                start=start,
                end=end,
                text=text[start:end],
                detail=c.detail,
                refused=is_refused(c.kind, c.dob_context),
            )
        )
    return findings


def is_refused(kind: str, dob_context: bool = False) -> bool:
    """The policy, in one place: what may never be written, and what is only a warning.

    Numbers, addresses and contact details identify a woman on their own, so they are refused
    everywhere. A date is only found at all when it is a date of birth by its words (refused)
    or far enough back to be one (a warning she may keep).
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
