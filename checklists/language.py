"""The language coach: spotting stigmatising words in what people type, and kinder words.

The terms live as data (`checklists/data/language.yaml`, one entry per row of the table in
`reference/language.md`); a service adds its own entries in a `language.yaml` of the same shape
in its checklists folder. Every entry is compiled into regular expressions once, and `find`
runs them over a piece of text. A finding is a gentle suggestion, never a block.

How a listed term is matched (always ignoring capitals, and only as whole words, so "addict"
never matches inside "addiction" and "sober" never inside "sobering"):

- Words may be joined by spaces, line breaks, a hyphen or nothing: "drug user", "drug-user",
  "drug\\nuser"; "ex-addict", "ex addict", "exaddict"; "non-compliant", "noncompliant".
- The last word of a phrase may be plural or possessive: "addicts", "junkies", "abusers",
  "alcoholics", "NAS babies", "addict's", "drug users' service" (a label is still a label).
- A word that ends in "-ed", "-ing" (or "-s" before another word) is a verb, and any of its
  forms match: "relapsed" also catches "relapse", "relapses", "relapsing"; "lacks insight"
  also "lacking insight"; "suffering from addiction" also "suffered from addiction";
  "drug-seeking" also "drug seeker". A few irregular verbs are known ("fell off the wagon"
  also catches "falls off the wagon", "fallen off the wagon").
- A phrase that starts with "not" or "non" matches either ("not engaging", "non-engaging",
  "not compliant", "non-compliant"), may have "been" after it ("not been engaging"), and its
  last word also matches its noun ("non-compliance", "non-engagement").
- A two-word phrase (other than those starting with "not", "non", "in", "ex", "no") also
  matches the other way round around "is/was/are/were", "came back" or a colon: "her urine
  was clean" and "urine: clean" (for "clean urine"), "the test came back dirty", "the baby
  was addicted" (for "addicted baby"), "insight is lacking" (for "lacks insight").
- Words that are not at the end of a phrase are otherwise matched as written, so "drug
  users" matches "drug user" but "drugs user" does not.

Terms "of a person" (an entry whose `note` says "of a person": "clean", "sober",
"drug-free") are words people also use of things: "a clean syringe", "the room was clean",
"the wound is clean and dry", "a drug-free pregnancy". Flagging them everywhere would nag, so
they are flagged only where they describe a person:

- after a person ("she", "he", "mum", "woman", "partner", "client", "patient" and a few more;
  not "they", which is as often about things) and up to four linking words ("is", "has",
  "been", "stayed", "now", "says"...), when the word ends the clause or is followed by a
  small word: "she is clean", "she's been clean", "mum has stayed sober now", "he says he
  is drug-free", but not "she has clean hands" or "she kept the room clean";
- at the start of a sentence or line, after a word of staying or being: "Stayed clean.",
  "Now sober.", "Been drug-free since March";
- before a length of time: "clean for 3 months", "sober for a year", "clean since March";
- next to another such term: "clean and sober".

They are never flagged in "clean and dry" or "clean and intact" (wounds, cords). A service
can add its own "of a person" terms the same way. "A clean syringe" is not flagged: only
"clean needle" is listed, and "clean injecting equipment" is ordinary harm-reduction wording.

Names of treatments stay quiet. An entry's `quiet_in` lists phrases in which its terms are
not flagged, matched the same way (plurals, hyphens): "opioid substitution therapy" is the name
of a treatment, so only a bare "substitution therapy" is pointed out; "relapse prevention plan"
names a plan, while "she relapsed" is still pointed out.

Standard library and YAML only: the store and the screens both use this module.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .yaml_source import (
    Fields,
    LineList,
    Problem,
    Reporter,
    builtin_data_dir,
    line_of,
    load_list,
    type_name,
)

LANGUAGE_FILE = "language.yaml"
ENTRY_FIELDS = ("avoid", "prefer", "note", "quiet_in")
PERSON_NOTE = "of a person"

# --- how words are joined and inflected -------------------------------------------------

_HYPHENS = "\\-\u2010\u2011\u2013"
# Between two words: spaces or line breaks, a hyphen (spaces either side allowed), or nothing.
_SEP = rf"(?:\s*[{_HYPHENS}]\s*|\s+|)"
_GAP = r"\s+"  # between words that must stay apart (lead-in and trailing context)
_START = r"(?<!\w)"
_END = r"(?!\w)"
_POSSESSIVE = r"(?:['\u2019]s)?"
_VOWELS = "aeiou"
# A final consonant that English doubles before -ed/-ing: swap -> swapped.
_DOUBLING = "bdgmnprt"
_NEGATIONS = {"not", "non"}
# First words after which a two-word phrase is not matched the other way round.
_NO_REVERSE = _NEGATIONS | {"in", "ex", "no"}
_REVERSE_LINK = (
    rf"(?:{_GAP}(?:is|was|are|were|came{_GAP}back|comes?{_GAP}back){_GAP}|[ \t]*:[ \t]*)"
)
# Irregular verbs: every listed form matches any other.
_IRREGULAR: tuple[tuple[str, ...], ...] = (("fall", "falls", "falling", "fell", "fallen"),)
_IRREGULAR_FORMS = {form: forms for forms in _IRREGULAR for form in forms}

# --- context for terms used "of a person" ------------------------------------------------

_PERSON = (
    r"(?:she|he|woman|women|mum|mums|mother|mothers|dad|father|partner|partners"
    r"|client|clients|patient|patients|parent|parents|couple|person|people)"
)
_LINK = (
    r"(?:is|was|are|were|be|been|being|has|have|had|not|now|still|currently|also|both"
    r"|stay|stays|stayed|staying|remain|remains|remained|remaining|keep|keeps|kept|keeping"
    r"|get|gets|got|getting|gone|go|goes|going|went|to|says|said|reports|reported|reporting"
    r"|feels|felt|seems|seemed|appears|appeared|claims|claimed|reportedly|completely|totally"
    r"|fully|finally|he|she)"
)
_PERSON_LEAD = rf"{_START}{_PERSON}(?:['\u2019]s|['\u2019]re)?(?:{_GAP}{_LINK}){{0,4}}{_GAP}"
_CLAUSE_LEAD = (
    r"(?:^|(?<=[.!?]))[ \t]*"
    rf"(?:(?:now|still|currently|stayed|staying|stays|been|has{_GAP}been|have{_GAP}been"
    rf"|had{_GAP}been|got|getting|gets|reports{_GAP}being|reported{_GAP}being|reportedly)"
    rf"{_GAP})+"
)
_NUMBER_WORDS = (
    r"(?:\d|(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several"
    r"|some|many|few|a\s+few|days|weeks|months|years|the\s+(?:last|past))(?!\w))"
)
_DURATION = (
    rf"{_GAP}(?:(?:for|over){_GAP}(?:(?:about|around|almost|nearly|over|more{_GAP}than)"
    rf"{_GAP})?{_NUMBER_WORDS}|since{_GAP}\w)"
)
_NOT_OF_A_PERSON = rf"(?!{_GAP}(?:and|&){_GAP}(?:dry|intact){_END})"
# Said of a person, the word ends the clause or is followed by a small word ("she is clean
# now", "clean and sober"); followed by a noun it describes a thing ("she has clean hands").
_PREDICATE = (
    r"(?=\s*(?:$|[^\w\s]|(?:and|or|but|for|since|from|now|at|today|throughout|during|so|as"
    r"|again|in|on|with|while|until|though|because|after|before|yet|still|too|also|then"
    rf"|when|this|that|these|to|is|was|ever|&){_END}))"
)


@dataclass(frozen=True)
class LanguageEntry:
    """One row of the table: words to avoid, and what to say instead."""

    avoid: tuple[str, ...]
    prefer: str
    note: str = ""
    origin: str = ""
    line: int = 0
    # Phrases in which these terms are not flagged: the names of treatments.
    quiet_in: tuple[str, ...] = ()

    @property
    def of_a_person(self) -> bool:
        return PERSON_NOTE in self.note.lower()


@dataclass(frozen=True)
class LanguageFinding:
    """A listed term found in a piece of text, with kinder words for it."""

    term: str
    matched: str
    start: int
    end: int
    prefer: str
    note: str = ""

    @property
    def suggestion(self) -> str:
        """The first of the preferred wordings, short enough for a one-line hint."""
        return self.prefer.split(";")[0].strip()

    def to_dict(self) -> dict[str, str | int]:
        return {
            "kind": "language",
            "term": self.term,
            "matched": self.matched,
            "start": self.start,
            "end": self.end,
            "prefer": self.prefer,
            "note": self.note,
        }


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    term: str
    entry: LanguageEntry
    order: int
    # The entry's `quiet_in` phrases: a finding inside one of them is left out.
    quiet: tuple[re.Pattern[str], ...] = ()
    # Every match contains one of these (the start of the term's last word, lower case), so
    # a text without any of them skips the rule.
    literals: frozenset[str] = frozenset()


def _words(term: str) -> list[str]:
    return [w for w in re.split(rf"[\s{_HYPHENS}]+", term.strip()) if w]


def _verb(word: str) -> str:
    """A pattern for every form of a verb given in one of its forms."""
    lower = word.lower()
    if lower in _IRREGULAR_FORMS:
        forms = sorted(set(_IRREGULAR_FORMS[lower]), key=len, reverse=True)
        return "(?:" + "|".join(re.escape(f) for f in forms) + ")"
    if lower.endswith("ied") and len(lower) > 4:
        return re.escape(word[:-3]) + "(?:y|ies|ied|ying)"
    if lower.endswith("ing") and len(lower) > 5:
        stem = word[:-3]
    elif lower.endswith("ed") and len(lower) > 4:
        stem = word[:-2]
    elif lower.endswith("es") and len(lower) > 4 and lower[-3] in "sxz":
        stem = word[:-2]
    elif lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3:
        stem = word[:-1]
    else:
        stem = word
    lstem = stem.lower()
    if len(lstem) > 3 and lstem[-1] == lstem[-2] and lstem[-1] in _DOUBLING:
        # swapp(ing) -> swap, swaps, swapped, swapping
        return re.escape(stem[:-1]) + f"(?:{re.escape(stem[-1])})?(?:e|es|ed|ing|s|er|ers)?"
    return re.escape(stem) + "(?:e|es|ed|ing|s|er|ers)?"


def _noun(word: str) -> str:
    """A pattern for a noun (or adjective) at the end of a phrase: singular, plural, possessive."""
    lower = word.lower()
    if len(lower) > 2 and lower.endswith("y") and lower[-2] not in _VOWELS:
        body = re.escape(word[:-1]) + "(?:y|ies)"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        body = re.escape(word) + "(?:es)?"
    else:
        body = re.escape(word) + "(?:s|es)?"
    return body + _POSSESSIVE


def _is_verb_form(word: str, last: bool) -> bool:
    lower = word.lower()
    if lower in _IRREGULAR_FORMS:
        return True
    if lower.endswith("ing") and len(lower) > 5:
        return True
    if lower.endswith("ed") and len(lower) > 4:
        return True
    # "lacks insight": a word ending in -s before another word is a verb, not a plural.
    return not last and lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3


def _word_pattern(word: str, last: bool, negated: bool, plain: bool) -> str:
    """One word of a phrase. `plain` words (terms "of a person") are matched as written."""
    lower = word.lower()
    if plain:
        return re.escape(word)
    if lower in _NEGATIONS:
        return "(?:not|non)"
    if _is_verb_form(word, last):
        body = _verb(word)
        if last and negated:
            body = f"(?:{body}|{re.escape(_stem(word))}e?ments?)"
        return body
    if not last:
        return re.escape(word)
    if negated and lower.endswith(("ant", "ent")):
        return re.escape(word[:-1]) + "(?:t|ts|ce|ces)" + _POSSESSIVE
    return _noun(word)


def _stem(word: str) -> str:
    lower = word.lower()
    for suffix in ("ing", "ed", "es", "s"):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            return word[: -len(suffix)]
    return word


def _literals(word: str) -> set[str]:
    """Plain text that every matched form of `word` (as a last word) contains."""
    lower = word.lower()
    if lower in _IRREGULAR_FORMS:
        return set(_IRREGULAR_FORMS[lower])
    stem = lower
    for suffix in ("ied", "ing", "ed", "es", "s"):
        if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
            stem = stem[: -len(suffix)]
            break
    if len(stem) > 2 and stem[-1] == stem[-2]:
        stem = stem[:-1]
    if len(stem) > 1 and stem[-1] in "yt":
        stem = stem[:-1]  # baby -> babies; compliant -> compliance
    return {stem}


def _phrase(words: Sequence[str], plain: bool) -> str:
    negated = words[0].lower() in _NEGATIONS and len(words) > 1
    parts = [
        _word_pattern(w, last=i == len(words) - 1, negated=negated, plain=plain)
        for i, w in enumerate(words)
    ]
    if negated:
        # "not been engaging"
        parts[0] += rf"(?:{_GAP}been)?"
    return _SEP.join(parts)


def _patterns(term: str, of_a_person: bool) -> list[str]:
    """The regular expressions for one listed term; each marks the finding as group `t`."""
    words = _words(term)
    if not words:
        return []
    body = _phrase(words, plain=of_a_person)
    if of_a_person:
        person_term = rf"(?P<t>{body}){_END}{_NOT_OF_A_PERSON}{_PREDICATE}"
        return [
            _PERSON_LEAD + person_term,
            _CLAUSE_LEAD + person_term,
            rf"{_START}(?P<t>{body}){_END}(?={_DURATION})",
        ]
    out = [rf"{_START}(?P<t>{body}){_END}"]
    if len(words) == 2 and words[0].lower() not in _NO_REVERSE:
        first = _word_pattern(words[0], last=False, negated=False, plain=False)
        second = _noun(words[1])
        out.append(rf"{_START}(?P<t>{second}{_REVERSE_LINK}{first}){_END}")
    return out


def _quiet(
    rule: _Rule,
    start: int,
    end: int,
    text: str,
    spans: dict[re.Pattern[str], list[tuple[int, int]]],
) -> bool:
    """Whether a finding lies inside one of its entry's `quiet_in` phrases (each looked for
    once per text)."""
    for pattern in rule.quiet:
        if pattern not in spans:
            spans[pattern] = [m.span() for m in pattern.finditer(text)]
        if any(q_start <= start and end <= q_end for q_start, q_end in spans[pattern]):
            return True
    return False


class LanguageGuide:
    """The compiled list of terms: `find` spots them, `describe` suggests kinder words."""

    def __init__(self, entries: Iterable[LanguageEntry] = ()) -> None:
        self.entries: tuple[LanguageEntry, ...] = tuple(entries)
        rules: list[_Rule] = []
        person_terms: list[tuple[str, LanguageEntry]] = []
        for entry in self.entries:
            quiet = tuple(
                re.compile(rf"{_START}(?:{_phrase(_words(p), plain=False)}){_END}", re.IGNORECASE)
                for p in entry.quiet_in
                if _words(p)
            )
            for term in entry.avoid:
                literals = frozenset(_literals(_words(term)[-1])) if _words(term) else frozenset()
                for pattern in _patterns(term, entry.of_a_person):
                    compiled = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
                    rules.append(_Rule(compiled, term, entry, len(rules), quiet, literals))
                if entry.of_a_person:
                    person_terms.append((term, entry))
        # "clean and sober": two terms "of a person" side by side describe a person.
        if person_terms:
            alternatives = "|".join(
                _phrase(_words(t), plain=True) for t, _ in person_terms if _words(t)
            )
            for term, entry in person_terms:
                body = _phrase(_words(term), plain=True)
                for pattern in (
                    rf"{_START}(?P<t>{body}){_END}(?={_GAP}(?:and|&|or){_GAP}(?:{alternatives}){_END})",
                    rf"{_START}(?:{alternatives}){_GAP}(?:and|&|or){_GAP}(?P<t>{body}){_END}",
                ):
                    compiled = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
                    literals = frozenset(_literals(_words(term)[-1]))
                    rules.append(_Rule(compiled, term, entry, len(rules), (), literals))
        self._rules: tuple[_Rule, ...] = tuple(rules)
        # Every finding contains the start of its term's last word, so a quick look for those
        # skips the full set of rules for most text, which has none of them.
        self._quick: frozenset[str] = frozenset(
            literal for t in self.terms if _words(t) for literal in _literals(_words(t)[-1])
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LanguageGuide):
            return NotImplemented
        return self.entries == other.entries

    def __hash__(self) -> int:
        return hash(self.entries)

    def __repr__(self) -> str:
        return f"LanguageGuide({len(self.entries)} entries)"

    @property
    def terms(self) -> list[str]:
        """Every listed term, in the order of the files."""
        return [term for entry in self.entries for term in entry.avoid]

    def find(self, text: str) -> list[LanguageFinding]:
        """Listed terms in `text`, in order; where two overlap, the longer one wins."""
        if not text or not self._rules:
            return []
        lowered = text.lower()
        if not any(literal in lowered for literal in self._quick):
            return []
        candidates: list[tuple[int, int, _Rule]] = []
        quiet_spans: dict[re.Pattern[str], list[tuple[int, int]]] = {}
        for rule in self._rules:
            if rule.literals and not any(literal in lowered for literal in rule.literals):
                continue
            for match in rule.pattern.finditer(text):
                start, end = match.span("t")
                if end > start and not _quiet(rule, start, end, text, quiet_spans):
                    candidates.append((start, end, rule))
        candidates.sort(key=lambda c: (c[0] - c[1], c[0], c[2].order))
        # Longest first; the spans kept so far never overlap, so keep them sorted by start and
        # look only at the neighbours of each new one.
        chosen: list[tuple[int, int, _Rule]] = []
        starts: list[int] = []
        for start, end, rule in candidates:
            at = bisect.bisect_right(starts, start)
            if at > 0 and chosen[at - 1][1] > start:
                continue
            if at < len(chosen) and chosen[at][0] < end:
                continue
            starts.insert(at, start)
            chosen.insert(at, (start, end, rule))
        return [
            LanguageFinding(
                term=rule.term,
                matched=text[start:end],
                start=start,
                end=end,
                prefer=rule.entry.prefer,
                note=rule.entry.note,
            )
            for start, end, rule in chosen
        ]

    @staticmethod
    def distinct(findings: Iterable[LanguageFinding]) -> list[tuple[str, str]]:
        """(the words as typed, on one line; the suggestion), each pair once, in order."""
        pairs: dict[tuple[str, str], tuple[str, str]] = {}
        for finding in findings:
            shown = " ".join(finding.matched.split())
            pairs.setdefault((shown.lower(), finding.prefer), (shown, finding.suggestion))
        return list(pairs.values())

    @staticmethod
    def describe(findings: Iterable[LanguageFinding], limit: int | None = None) -> str:
        """One gentle line per word found (each word once), such as

        `"addicts": you could say "person who uses drugs"`
        """
        lines = [
            f'"{shown}": you could say "{suggestion}"'
            for shown, suggestion in LanguageGuide.distinct(findings)
        ]
        if limit is not None and len(lines) > limit:
            more = len(lines) - limit
            lines = [*lines[:limit], f"and {more} more"]
        return "\n".join(lines)


def parse_language(path: Path) -> tuple[list[LanguageEntry], list[Problem]]:
    """Validate one `language.yaml`; return its valid entries and every problem."""
    rep = Reporter(str(path))
    out: list[LanguageEntry] = []
    seen: dict[str, int] = {}
    for line, entry in load_list(path, "terms", "term", rep):
        fields = Fields(entry, rep, "a term", ENTRY_FIELDS)
        prefer = fields.text("prefer")
        note = fields.text("note", required=False) or ""
        quiet_in = _quiet_in(entry, rep)
        raw = _as_list(entry, "avoid", "words", rep)
        avoid: list[str] = []
        if entry.get("avoid") is None:
            rep.error(line_of(entry), "a term is missing 'avoid'")
        elif raw is not None and not raw:
            rep.error(line_of(entry, "avoid"), "'avoid' in a term must not be empty")
        for index, word in enumerate(raw or []):
            where = _item_line(entry, "avoid", raw, index)
            if not isinstance(word, str) or not word.strip():
                rep.error(
                    where, f"each word in 'avoid' must be non-empty text, not {type_name(word)}"
                )
                continue
            if not re.search(r"\w", word):
                rep.error(where, f"'{word}' in 'avoid' has no letters to look for")
                continue
            text = " ".join(word.split())
            key = text.lower()
            if key in seen:
                rep.warn(where, f"'{text}' is listed twice (first on line {seen[key]})")
                continue
            seen[key] = where
            avoid.append(text)
        if avoid and prefer:
            out.append(
                LanguageEntry(
                    avoid=tuple(avoid),
                    prefer=prefer,
                    note=note,
                    origin=str(path),
                    line=line,
                    quiet_in=quiet_in,
                )
            )
            _check_quiet_in(out[-1], rep)
    return out, rep.problems


def _as_list(entry: dict, key: str, kind: str, rep: Reporter) -> list | None:
    """`entry[key]` as a list (one text alone is a list of one); None when missing or not a
    list, which is reported."""
    raw = entry.get(key)
    if isinstance(raw, str):
        return [raw]
    if raw is not None and not isinstance(raw, list):
        rep.error(
            line_of(entry, key), f"'{key}' in a term must be a list of {kind}, not {type_name(raw)}"
        )
        return None
    return raw


def _item_line(entry: dict, key: str, raw: list, index: int) -> int:
    """The line of the `index`th item of the list `entry[key]`, or of the key itself."""
    if isinstance(raw, LineList) and index < len(raw.item_lines):
        return raw.item_lines[index]
    return line_of(entry, key)


def _quiet_in(entry: dict, rep: Reporter) -> tuple[str, ...]:
    """The `quiet_in` phrases of an entry: a list of non-empty text."""
    raw = _as_list(entry, "quiet_in", "phrases", rep)
    out = []
    for index, phrase in enumerate(raw or []):
        where = _item_line(entry, "quiet_in", raw, index)
        if not isinstance(phrase, str) or not re.search(r"\w", phrase):
            rep.error(where, f"each phrase in 'quiet_in' must be words, not {type_name(phrase)}")
            continue
        out.append(" ".join(phrase.split()))
    return tuple(out)


def _check_quiet_in(entry: LanguageEntry, rep: Reporter) -> None:
    """A `quiet_in` phrase that holds none of the entry's terms quiets nothing: say so."""
    if not entry.quiet_in:
        return
    alone = LanguageGuide([LanguageEntry(avoid=entry.avoid, prefer=entry.prefer, note=entry.note)])
    for phrase in entry.quiet_in:
        if not alone.find(phrase):
            rep.warn(
                entry.line,
                f"'{phrase}' in 'quiet_in' holds none of this term's words, so it quiets nothing",
            )


@functools.cache
def _builtin() -> tuple[tuple[LanguageEntry, ...], tuple[Problem, ...]]:
    entries, problems = parse_language(builtin_data_dir() / LANGUAGE_FILE)
    return tuple(entries), tuple(problems)


@functools.cache
def default_guide() -> LanguageGuide:
    """The built-in list, compiled once for the whole process."""
    return LanguageGuide(_builtin()[0])


def load_language(extra_dirs: Iterable[Path] = ()) -> tuple[LanguageGuide, list[Problem]]:
    """The built-in terms plus a service's `language.yaml` in any of `extra_dirs`.

    A service's entries are added to the built-in ones. A term listed already (built in or in
    an earlier file) is a warning, and the first entry's suggestion is kept. A missing file
    or folder is not a problem; a broken entry is skipped and reported as `FILE:LINE`.
    """
    entries, builtin_problems = _builtin()
    problems = list(builtin_problems)
    seen = {term.lower(): entry for entry in entries for term in entry.avoid}
    added: list[LanguageEntry] = []
    for directory in extra_dirs:
        path = Path(directory) / LANGUAGE_FILE
        if not path.is_file():
            continue
        service_entries, file_problems = parse_language(path)
        problems += file_problems
        for entry in service_entries:
            fresh = []
            for term in entry.avoid:
                first = seen.get(term.lower())
                if first is not None:
                    problems.append(
                        Problem(
                            str(path),
                            entry.line,
                            f"'{term}' is already listed in {first.origin} (line {first.line});"
                            " that suggestion is kept",
                            warning=True,
                        )
                    )
                    continue
                seen[term.lower()] = entry
                fresh.append(term)
            if fresh:
                added.append(
                    LanguageEntry(
                        avoid=tuple(fresh),
                        prefer=entry.prefer,
                        note=entry.note,
                        origin=entry.origin,
                        line=entry.line,
                        quiet_in=entry.quiet_in,
                    )
                )
    if not added:
        return default_guide(), problems
    return LanguageGuide((*entries, *added)), problems
