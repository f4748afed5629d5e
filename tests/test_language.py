"""The language coach: listed terms and their ordinary variants, and what is left alone.

All example sentences are invented; none is about a real person.
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest
import yaml

import checklists
from checklists.language import (
    LanguageEntry,
    LanguageFinding,
    LanguageGuide,
    default_guide,
    load_language,
    parse_language,
)
from checklists.loader import Library, builtin_data_dir, load_library, validate_paths
from tests.test_checklists_loader import shipped_texts

BUILTIN = builtin_data_dir() / "language.yaml"


@pytest.fixture(scope="module")
def guide() -> LanguageGuide:
    return default_guide()


def found(guide: LanguageGuide, text: str) -> list[tuple[str, str]]:
    return [(f.term, f.matched) for f in guide.find(text)]


def listed_terms() -> list[str]:
    data = yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))
    return [term for entry in data["terms"] for term in entry["avoid"]]


# -- every listed term, as written -----------------------------------------------------------
# Terms "of a person" are only flagged about a person, so they get a short lead-in.
PERSON_TERMS = {
    term
    for entry in yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))["terms"]
    if "of a person" in entry.get("note", "")
    for term in entry["avoid"]
}


@pytest.mark.parametrize("term", listed_terms())
def test_every_listed_term_is_caught_as_written(guide, term):
    text = f"She is {term}." if term in PERSON_TERMS else f"I wrote {term} in the notes."
    assert found(guide, text) == [(term, term)]


@pytest.mark.parametrize("term", listed_terms())
def test_every_listed_term_is_caught_in_capitals(guide, term):
    text = f"SHE IS {term.upper()}" if term in PERSON_TERMS else term.upper()
    assert found(guide, text) == [(term, term.upper())]


# -- ordinary variants -----------------------------------------------------------------------
VARIANTS = [
    # capitals
    ("Addict", "addict", "Addict"),
    ("ADDICT", "addict", "ADDICT"),
    ("Junkie", "junkie", "Junkie"),
    # plurals
    ("addicts", "addict", "addicts"),
    ("junkies", "junkie", "junkies"),
    ("druggies", "druggie", "druggies"),
    ("substance abusers", "substance abuser", "substance abusers"),
    ("drug abusers", "drug abuser", "drug abusers"),
    ("alcoholics", "alcoholic", "alcoholics"),
    ("drug users", "drug user", "drug users"),
    ("drug misusers", "drug misuser", "drug misusers"),
    ("NAS babies", "NAS baby", "NAS babies"),
    ("addicted babies", "addicted baby", "addicted babies"),
    ("drug habits", "drug habit", "drug habits"),
    ("dirty needles", "dirty needle", "dirty needles"),
    ("clean urines", "clean urine", "clean urines"),
    ("ex-addicts", "ex-addict", "ex-addicts"),
    ("former addicts", "former addict", "former addicts"),
    ("pregnant addicts", "pregnant addict", "pregnant addicts"),
    ("replacement therapies", "replacement therapy", "replacement therapies"),
    # possessives
    ("the addict's baby", "addict", "addict's"),
    ("the addict\u2019s baby", "addict", "addict\u2019s"),
    ("an alcoholic's partner", "alcoholic", "alcoholic's"),
    ("the drug users' service", "drug user", "drug users"),
    # hyphen, space, no space, line breaks
    ("drug-user", "drug user", "drug-user"),
    ("drug - user", "drug user", "drug - user"),
    ("druguser", "drug user", "druguser"),
    ("drug\nuser", "drug user", "drug\nuser"),
    ("drug \n  user", "drug user", "drug \n  user"),
    ("drug\u00a0user", "drug user", "drug\u00a0user"),
    ("drug\u2011user", "drug user", "drug\u2011user"),
    ("ex addict", "ex-addict", "ex addict"),
    ("exaddict", "ex-addict", "exaddict"),
    ("Ex-Addict", "ex-addict", "Ex-Addict"),
    ("non compliant", "non-compliant", "non compliant"),
    ("noncompliant", "non-compliant", "noncompliant"),
    ("Non-Compliant", "non-compliant", "Non-Compliant"),
    ("drug seeking", "drug-seeking", "drug seeking"),
    ("drugseeking", "drug-seeking", "drugseeking"),
    ("drug-seekers", "drug-seeking", "drug-seekers"),
    ("substance-abuse", "substance abuse", "substance-abuse"),
    ("fell\noff the\nwagon", "fell off the wagon", "fell\noff the\nwagon"),
    ("in\ndenial", "in denial", "in\ndenial"),
    # verb forms
    ("relapse", "relapsed", "relapse"),
    ("relapses", "relapsed", "relapses"),
    ("relapsing", "relapsed", "relapsing"),
    ("Relapsed", "relapsed", "Relapsed"),
    ("not engaged", "not engaging", "not engaged"),
    ("not engage", "not engaging", "not engage"),
    ("non-engaging", "not engaging", "non-engaging"),
    ("non-engagement", "not engaging", "non-engagement"),
    ("has not been engaging", "not engaging", "not been engaging"),
    ("not compliant", "non-compliant", "not compliant"),
    ("non-compliance", "non-compliant", "non-compliance"),
    ("lacking insight", "lacks insight", "lacking insight"),
    ("lack insight", "lacks insight", "lack insight"),
    ("lacked insight", "lacks insight", "lacked insight"),
    ("suffers from addiction", "suffering from addiction", "suffers from addiction"),
    ("suffered from addiction", "suffering from addiction", "suffered from addiction"),
    (
        "swapped one drug for another",
        "swapping one drug for another",
        "swapped one drug for another",
    ),
    ("swaps one drug for another", "swapping one drug for another", "swaps one drug for another"),
    ("falls off the wagon", "fell off the wagon", "falls off the wagon"),
    ("has fallen off the wagon", "fell off the wagon", "fallen off the wagon"),
    ("falling off the wagon", "fell off the wagon", "falling off the wagon"),
    # the other way round
    ("her urine was clean", "clean urine", "urine was clean"),
    ("the test came back dirty", "dirty test", "test came back dirty"),
    ("the samples were clean", "clean sample", "samples were clean"),
    ("the baby was addicted", "addicted baby", "baby was addicted"),
    ("insight is lacking", "lacks insight", "insight is lacking"),
    ("Urine: clean", "clean urine", "Urine: clean"),
    ("the needle was dirty", "dirty needle", "needle was dirty"),
]


@pytest.mark.parametrize(("text", "term", "matched"), VARIANTS)
def test_ordinary_variants_are_caught(guide, text, term, matched):
    assert found(guide, text) == [(term, matched)]


# -- terms "of a person" ---------------------------------------------------------------------
OF_A_PERSON = [
    ("she is clean", "clean"),
    ("She's been clean", "clean"),
    ("she has stayed clean for a while", "clean"),
    ("Mum is now sober.", "sober"),
    ("he says he is drug-free", "drug-free"),
    ("she is drug free", "drug-free"),
    ("The woman is clean, she says", "clean"),
    ("clean for 3 months", "clean"),
    ("Clean for three months now", "clean"),
    ("clean since March", "clean"),
    ("sober for a year", "sober"),
    ("drug-free for six weeks", "drug-free"),
    ("Stayed clean.", "clean"),
    ("Now sober", "sober"),
    ("Contact went well. Been clean since the summer", "clean"),
    ("she is sober now", "sober"),
    ("she is SOBER", "sober"),
]


@pytest.mark.parametrize(("text", "term"), OF_A_PERSON)
def test_terms_of_a_person_are_caught_when_said_of_a_person(guide, text, term):
    assert [t for t, _ in found(guide, text)] == [term]


def test_clean_and_sober_are_both_caught(guide):
    assert found(guide, "She is clean and sober.") == [("clean", "clean"), ("sober", "sober")]
    assert found(guide, "clean and sober") == [("clean", "clean"), ("sober", "sober")]


NOT_CAUGHT = [
    # whole words only
    "She spoke about her addiction.",
    "addictions",
    "addicted",  # not listed alone; "born addicted" and "addicted baby" are
    "She is addicted to nicotine.",
    "Cleaning the room before the visit.",
    "She cleaned the flat.",
    "a sobering conversation",
    "The news was sobering.",
    "drug use",
    "substance use",
    "people who use drugs",
    "misused",
    "habitual",
    "users",
    "denials",
    "compliant with the plan",
    "engaging conversation",
    "Engaging is not always easy.",
    "It is not in her records.",
    "We found a wagon.",
    # "clean", "sober", "drug-free" of things
    "a clean syringe",
    "clean injecting equipment",
    "the room was clean",
    "The kitchen is now clean.",
    "a clean room",
    "clean sheets",
    "Wound clean and dry.",
    "The wound remains clean and dry.",
    "The cord is clean and dry.",
    "she is clean and dry",
    "she has clean hands",
    "she kept the room clean",
    "keep the bottles clean for the baby",
    "a drug-free pregnancy",
    "a sober discussion",
    "sober colours",
    "I wiped the table clean.",
    "They were clean and ready.",  # "they" is as often about things
    "Wound: now clean.",
    "she is clean shaven",
    "She has been free of drugs",  # only listed words are caught
]


@pytest.mark.parametrize("text", NOT_CAUGHT)
def test_ordinary_words_are_left_alone(guide, text):
    assert found(guide, text) == []


# -- longest match, order, offsets -----------------------------------------------------------
def test_the_longest_match_wins(guide):
    assert found(guide, "a pregnant addict") == [("pregnant addict", "pregnant addict")]
    assert found(guide, "clean urine") == [("clean urine", "clean urine")]
    assert found(guide, "she is clean urine") == [("clean urine", "clean urine")]
    assert found(guide, "an ex-addict") == [("ex-addict", "ex-addict")]
    assert found(guide, "a former addict") == [("former addict", "former addict")]
    assert found(guide, "drug abusers") == [("drug abuser", "drug abusers")]
    assert found(guide, "drug abuse") == [("drug abuse", "drug abuse")]


def test_findings_are_in_order_and_offsets_point_at_the_text(guide):
    text = "She relapsed. Her urine was dirty\nand the junkies' flat... an addict's life."
    findings = guide.find(text)
    assert [f.term for f in findings] == ["relapsed", "dirty urine", "junkie", "addict"]
    for f in findings:
        assert text[f.start : f.end] == f.matched
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    spans = [(f.start, f.end) for f in findings]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_a_finding_carries_the_suggestion_and_note(guide):
    [finding] = guide.find("Clean urine today")
    assert finding == LanguageFinding(
        term="clean urine",
        matched="Clean urine",
        start=0,
        end=11,
        prefer="negative / positive drug screen",
        note="clean / dirty urine (or test, sample)",
    )
    assert finding.to_dict() == {
        "kind": "language",
        "term": "clean urine",
        "matched": "Clean urine",
        "start": 0,
        "end": 11,
        "prefer": "negative / positive drug screen",
        "note": "clean / dirty urine (or test, sample)",
    }


def test_empty_and_plain_text_find_nothing(guide):
    assert guide.find("") == []
    assert guide.find("We talked about her plans for the birth.") == []


def test_describe_is_one_gentle_line_per_word(guide):
    findings = guide.find("The addicts and the addicts, and a junkie.\nShe relapsed.")
    assert guide.describe(findings) == (
        '"addicts": you could say "person who uses drugs"\n'
        '"junkie": you could say "person who uses drugs"\n'
        '"relapsed": you could say "return to use"'
    )
    assert guide.describe([]) == ""
    assert guide.describe(guide.find("drug\n user")) == (
        '"drug user": you could say "person who uses / injects drugs"'
    )


def test_describe_can_be_kept_short(guide):
    findings = guide.find("addict, junkie, druggie, alcoholic")
    assert guide.describe(findings, limit=2).splitlines() == [
        '"addict": you could say "person who uses drugs"',
        '"junkie": you could say "person who uses drugs"',
        "and 2 more",
    ]


# -- loading, a service's own terms, broken files --------------------------------------------
def test_builtin_list_loads_cleanly_and_is_cached():
    guide, problems = load_language()
    assert problems == []
    assert guide is default_guide()
    assert guide.terms == listed_terms()
    assert guide == LanguageGuide(guide.entries)


def test_the_package_exposes_the_coach_lazily():
    assert checklists.default_guide is default_guide
    assert checklists.LanguageGuide is LanguageGuide
    assert checklists.LanguageFinding is LanguageFinding
    assert checklists.load_language is load_language


def test_the_library_carries_the_guide(tmp_path):
    assert load_library().language == default_guide()
    assert Library().language == default_guide()
    assert load_library([tmp_path / "missing"]).language == default_guide()


SERVICE = """\
version: 1
terms:
  - avoid: ["frequent flyer", "DNA'd"]
    prefer: "woman we have not been able to see yet"
    note: "local list"
  - avoid: "user"
    prefer: "person who uses drugs"
"""


def test_a_service_file_adds_its_own_terms(tmp_path):
    (tmp_path / "language.yaml").write_text(SERVICE, encoding="utf-8")
    guide, problems = load_language([tmp_path])
    assert problems == []
    assert guide.terms[: len(listed_terms())] == listed_terms()
    assert "frequent flyer" in guide.terms
    assert found(guide, "She is a frequent-flyer, an addict.") == [
        ("frequent flyer", "frequent-flyer"),
        ("addict", "addict"),
    ]
    assert found(guide, "Frequent flyers") == [("frequent flyer", "Frequent flyers")]
    assert found(guide, "she was DNA'd") == [("DNA'd", "DNA'd")]
    # The built-in, longer term still wins over the service's shorter one.
    assert found(guide, "drug users and users") == [
        ("drug user", "drug users"),
        ("user", "users"),
    ]
    # ... and the built-in guide itself is unchanged.
    assert found(default_guide(), "frequent flyer") == []


def test_load_library_adds_a_service_file_and_its_problems(tmp_path):
    (tmp_path / "language.yaml").write_text(SERVICE, encoding="utf-8")
    lib = load_library([tmp_path])
    assert "frequent flyer" in lib.language.terms
    assert lib.problems == []

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "language.yaml").write_text("terms:\n  - avoid: []\n    prefer: x\n")
    lib = load_library([broken])
    assert [str(p) for p in lib.problems] == [
        f"{broken / 'language.yaml'}:2: 'avoid' in a term must not be empty"
    ]
    assert lib.language == default_guide()
    assert lib.checklists  # the built-in checklists still load


def test_a_term_listed_again_is_a_warning_and_the_first_is_kept(tmp_path):
    path = tmp_path / "language.yaml"
    path.write_text('terms:\n  - avoid: ["Addict", "frequent flyer"]\n    prefer: "x"\n')
    guide, problems = load_language([tmp_path])
    first = (
        BUILTIN.read_text(encoding="utf-8")
        .splitlines()
        .index('  - avoid: ["addict", "junkie", "druggie"]')
        + 1
    )
    assert [str(p) for p in problems] == [
        f"{path}:2: warning: 'Addict' is already listed in {BUILTIN} (line {first});"
        " that suggestion is kept"
    ]
    assert guide.find("addict")[0].prefer.startswith("person who uses drugs")
    assert "frequent flyer" in guide.terms


BROKEN = """\
version: 1
terms:
  - avoid: ["frequent flyer"]
  - prefer: "something kinder"
  - avoid: {word: hopeless}
    prefer: "x"
  - avoid: ["", 3, "!!!", "hopeless", "Hopeless"]
    prefer: "she has not found what helps yet"
    colour: red
  - just text
  - avoid: ["fine"]
    prefer: ""
"""


def test_a_broken_service_file_reports_each_problem_with_file_and_line(tmp_path):
    path = tmp_path / "language.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    entries, problems = parse_language(path)
    assert sorted(str(p) for p in problems) == sorted(
        [
            f"{path}:3: a term is missing 'prefer'",
            f"{path}:4: a term is missing 'avoid'",
            f"{path}:5: 'avoid' in a term must be a list of words, not a mapping",
            f"{path}:9: a term has an unknown field 'colour'",
            f"{path}:7: each word in 'avoid' must be non-empty text, not empty text",
            f"{path}:7: each word in 'avoid' must be non-empty text, not a number",
            f"{path}:7: '!!!' in 'avoid' has no letters to look for",
            f"{path}:7: warning: 'Hopeless' is listed twice (first on line 7)",
            f"{path}:10: each term must be a mapping, not text",
            f"{path}:12: 'prefer' in a term must be non-empty text, not empty text",
        ]
    )
    # What was valid is still used.
    assert [e.avoid for e in entries] == [("hopeless",)]
    guide, load_problems = load_language([tmp_path])
    assert [str(p) for p in load_problems] == [str(p) for p in problems]
    assert found(guide, "she seems hopeless") == [("hopeless", "hopeless")]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("terms: [\n", 2, "YAML syntax error"),
        ("", 1, "the file is empty"),
        ("- avoid: [x]\n", 1, "the file must be a mapping with 'terms'"),
        ("version: 1\nterms: none\n", 2, "the file must have a list 'terms'"),
    ],
)
def test_a_file_that_is_not_a_list_of_terms(tmp_path, text, line, fragment):
    path = tmp_path / "language.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = parse_language(path)
    assert problems, text
    assert problems[0].path == str(path)
    assert problems[0].line == line
    assert fragment in problems[0].message


def test_validate_paths_checks_a_language_file_alone_and_in_a_folder(tmp_path):
    path = tmp_path / "language.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    expected = [str(p) for p in parse_language(path)[1]]
    assert [str(p) for p in validate_paths([path])] == expected
    assert [str(p) for p in validate_paths([tmp_path])] == expected
    assert validate_paths([BUILTIN]) == []
    good = tmp_path / "good"
    good.mkdir()
    (good / "language.yaml").write_text(SERVICE, encoding="utf-8")
    assert validate_paths([good]) == []


def test_a_guide_built_from_entries_directly():
    guide = LanguageGuide([LanguageEntry(avoid=("hopeless case",), prefer="she needs support")])
    [finding] = guide.find("a Hopeless-cases list")
    assert (finding.term, finding.matched) == ("hopeless case", "Hopeless-cases")
    assert LanguageGuide().find("addict") == []


def test_the_term_list_is_data_not_code():
    """The terms come from the YAML: the code holds none of them (docstrings aside)."""
    source = (Path(checklists.__file__).parent / "language.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    code = " ".join(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ).lower()
    for term in ("addict", "junkie", "alcoholic", "manipulative", "baby", "wagon", "relaps"):
        assert term not in code


# -- the app's own wording -------------------------------------------------------------------
def test_shipped_wording_has_no_term_to_avoid(guide):
    library = load_library()
    found_terms = [
        f"{where}: {f.matched!r} ({f.term})"
        for where, text in shipped_texts(library)
        for f in guide.find(text)
    ]
    assert found_terms == []


def test_shipped_wording_has_no_term_even_said_of_a_person(guide):
    """The stricter check: 'clean', 'sober', 'drug-free' anywhere, whatever they describe."""
    library = load_library()
    everything = LanguageGuide(
        LanguageEntry(avoid=e.avoid, prefer=e.prefer, quiet_in=e.quiet_in) for e in guide.entries
    )
    found_terms = [
        f"{where}: {f.matched!r}"
        for where, text in shipped_texts(library)
        for f in everything.find(text)
    ]
    assert found_terms == []


def test_suggestions_themselves_use_no_term_to_avoid(guide):
    for entry in guide.entries:
        hits = [f.matched for f in guide.find(entry.prefer)]
        assert hits == [], f"{entry.avoid}: {hits}"
        assert not re.search(r"\s{2,}", entry.prefer)
