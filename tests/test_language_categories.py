"""The language coach's version-2 categories (issue 15, part 5): each new entry fires on a
realistic sentence, spelling variants included; innocent uses stay quiet; the names of two
treatments ("opioid substitution therapy", "relapse prevention plan") are decided and kept
quiet through `quiet_in`.

All example sentences are invented; none is about a real person.
"""

from __future__ import annotations

import pytest
import yaml

from checklists.language import LanguageGuide, default_guide, load_language, parse_language
from checklists.loader import builtin_data_dir

BUILTIN = builtin_data_dir() / "language.yaml"

# The terms of the first table (language.yaml version 1): the entries holding none of these
# are the version-2 categories.
FIRST_TABLE = {
    "addict", "junkie", "druggie", "drug user", "drug misuser", "drug abuser",
    "substance abuser", "substance abuse", "drug misuse", "drug abuse", "alcoholic",
    "suffering from addiction", "drug habit", "pregnant addict", "clean", "sober", "drug-free",
    "ex-addict", "former addict", "clean urine", "dirty urine", "clean test", "dirty test",
    "clean sample", "dirty sample", "dirty needle", "clean needle", "relapsed",
    "fell off the wagon", "non-compliant", "not engaging", "drug-seeking", "manipulative",
    "in denial", "lacks insight", "unmotivated", "substitution therapy", "replacement therapy",
    "swapping one drug for another", "born addicted", "addicted baby", "NAS baby",
}  # fmt: skip

# (category, realistic sentence, the term it is caught as, the words caught)
CAUGHT = [
    # slurs and slang for people who use drugs, with spelling variants
    ("slang", "Neighbours called her a junky.", "junky", "junky"),
    ("slang", "The druggy label follows her around.", "druggy", "druggy"),
    ("slang", "Staff on the ward called her a smackhead.", "smack head", "smackhead"),
    ("slang", "He said the flat was full of smack-heads.", "smack head", "smack-heads"),
    ("slang", "the crackheads at the hostel", "crack head", "crackheads"),
    ("slang", "Partner described as a crack head.", "crack head", "crack head"),
    ("slang", "a skag-head's habit", "skag head", "skag-head's"),
    ("slang", "called a methhead by the receptionist", "meth head", "methhead"),
    ("slang", "her brother is a cokehead", "coke head", "cokehead"),
    ("slang", "Described her partner as a stoner.", "stoner", "stoner"),
    ("slang", "Her dad was the local jakey.", "jakey", "jakey"),
    ("slang", "Mum calls her uncle an alky.", "alky", "alky"),
    ("slang", "Other mums called her an alkie.", "alkie", "alkie"),
    # records abbreviations that label a person
    ("abbreviation", "Known IVDU, booked at 12 weeks.", "IVDU", "IVDU"),
    ("abbreviation", "Clinic for IVDUs on Tuesdays.", "IVDU", "IVDUs"),
    ("abbreviation", "Hx: IVDA.", "IVDA", "IVDA"),
    ("abbreviation", "Referral says IDU.", "IDU", "IDU"),
    ("abbreviation", "Referral letter: she is a PDU.", "PDU", "PDU"),
    ("abbreviation", "Flagged as a problem drug user.", "problem drug user", "problem drug user"),
    # labels for babies
    ("baby", "The methadone baby on ward 3.", "methadone baby", "methadone baby"),
    ("baby", "They talked about crack babies.", "crack baby", "crack babies"),
    ("baby", "a heroin-baby", "heroin baby", "heroin-baby"),
    ("baby", "the NOWS baby in special care", "NOWS baby", "NOWS baby"),
    ("baby", "Staff called him a drug baby.", "drug baby", "drug baby"),
    ("baby", "a withdrawal baby", "withdrawal baby", "withdrawal baby"),
    ("baby", "the cocaine babies study", "cocaine baby", "cocaine babies"),
    # "X-using mother"
    ("x-using", "Support for drug-using mothers.", "drug-using mother", "drug-using mothers"),
    ("x-using", "A drug using mum came in.", "drug-using mum", "drug using mum"),
    ("x-using", "Drug-using women are often judged.", "drug-using women", "Drug-using women"),
    (
        "x-using",
        "Guidance on substance-using parents.",
        "substance-using parent",
        "substance-using parents",
    ),
    ("x-using", "a heroin using mother", "heroin-using mother", "heroin using mother"),
    (
        "x-using",
        "The substance misusing mother was late.",
        "substance-misusing mother",
        "substance misusing mother",
    ),
    # "misuser" forms
    ("misuser", "She is a known misuser.", "misuser", "misuser"),
    ("misuser", "Services for substance misusers.", "substance misuser", "substance misusers"),
    ("misuser", "an alcohol misuser's partner", "alcohol misuser", "alcohol misuser's"),
    ("misuser", "The opiate misusers' group.", "misuser", "misusers"),
    # "chaotic"
    ("chaotic", "She is chaotic.", "chaotic", "chaotic"),
    ("chaotic", "Mum has been chaotic since the move.", "chaotic", "chaotic"),
    ("chaotic", "Mum was chaotic today.", "chaotic mum", "Mum was chaotic"),
    ("chaotic", "The client is chaotic, says the letter.", "chaotic client", "client is chaotic"),
    ("chaotic", "Chaotic lifestyle noted.", "chaotic lifestyle", "Chaotic lifestyle"),
    ("chaotic", "Her life is chaotic at the moment.", "chaotic life", "life is chaotic"),
    ("chaotic", "Ongoing chaotic drug use.", "chaotic drug use", "chaotic drug use"),
    ("chaotic", "her use is chaotic", "chaotic use", "use is chaotic"),
    ("chaotic", "a chaotic family", "chaotic family", "chaotic family"),
    ("chaotic", "She presented as chaotic.", "presents as chaotic", "presented as chaotic"),
    # "failed" a test
    ("failed", "She failed her drug test.", "failed her drug test", "failed her drug test"),
    ("failed", "Failed drugs test on Monday.", "failed drugs test", "Failed drugs test"),
    ("failed", "She fails drug tests now and then.", "failed drug test", "fails drug tests"),
    ("failed", "Failed UDS x2.", "failed UDS", "Failed UDS"),
    ("failed", "She has failed a urine test.", "failed a urine test", "failed a urine test"),
    ("failed", "the test was failed", "failed test", "test was failed"),
    ("failed", "Screen: failed", "failed screen", "Screen: failed"),
    # "disengaged" forms
    ("disengaged", "She has disengaged from services.", "disengaged", "disengaged"),
    ("disengaged", "She is disengaging again.", "disengaged", "disengaging"),
    ("disengaged", "Disengages after each move.", "disengaged", "Disengages"),
    ("disengaged", "Risk of disengagement.", "disengagement", "disengagement"),
    ("disengaged", "She is hard to engage.", "hard to engage", "hard to engage"),
    ("disengaged", "a hard-to-engage woman", "hard to engage", "hard-to-engage"),
    (
        "disengaged",
        "Outreach for hard-to-reach women.",
        "hard-to-reach women",
        "hard-to-reach women",
    ),
    ("disengaged", "hard to reach families", "hard-to-reach family", "hard to reach families"),
    ("disengaged", "She is hard to reach.", "hard to reach", "hard to reach"),
    # "abusing" a prescribed medicine
    (
        "abusing",
        "Concern she is abusing her methadone.",
        "abusing her methadone",
        "abusing her methadone",
    ),
    (
        "abusing",
        "She abused her prescription.",
        "abusing her prescription",
        "abused her prescription",
    ),
    ("abusing", "Thought to be abusing pregabalin.", "abusing pregabalin", "abusing pregabalin"),
    (
        "abusing",
        "Her methadone was abused, they said.",
        "abusing methadone",
        "methadone was abused",
    ),
    ("abusing", "Hx of prescription abuse.", "prescription abuse", "prescription abuse"),
    ("abusing", "Benzo abuse in the past.", "benzo abuse", "Benzo abuse"),
    ("abusing", "abuses benzos at weekends", "abusing benzos", "abuses benzos"),
]

INNOCENT = [
    # named in the issue
    "They can get pyjamas, clean underwear and toiletries.",
    "The addictions worker came to the meeting.",
    "Service user feedback was positive.",
    "NAS scores were low overnight.",
    "Outreach to hard-to-reach locations on Fridays.",
    "The clinic is in a hard-to-reach location.",
    # person-first wording and ordinary clinical words
    "PWID and PWUD services share the building.",
    "Women who use drugs are often judged.",
    "a mother who uses drugs",
    "The ward was chaotic today.",
    "It was a chaotic morning in clinic.",
    "Her partner was abusing her.",
    "She has a history of domestic abuse.",
    "She was abused as a child.",
    "She could not attend: the bus failed to turn up.",
    "The scan failed to load.",
    "A failed screening appointment was rebooked.",
    "Her prescription was collected.",
    "She misused nothing; the pharmacist confirmed.",
    "The heroin use started at 16.",
    "The baby is withdrawing; the team checks NOWS scores.",
    "Meet where she can reach us easily.",
    "She knows how to reach us.",
    "The engaging conversation went well.",
    "She is engaged to her partner.",
    "The headteacher phoned.",
    # the two decisions: names of treatments
    "She is on opioid substitution therapy.",
    "Opiate substitution therapy continued on the ward.",
    "opioid-substitution therapies",
    "We wrote her relapse prevention plan together.",
    "She goes to the relapse-prevention group.",
]


@pytest.fixture(scope="module")
def guide() -> LanguageGuide:
    return default_guide()


def found(guide: LanguageGuide, text: str) -> list[tuple[str, str]]:
    return [(f.term, f.matched) for f in guide.find(text)]


@pytest.mark.parametrize(("category", "text", "term", "matched"), CAUGHT)
def test_each_new_category_is_caught_in_a_realistic_sentence(guide, category, text, term, matched):
    assert found(guide, text) == [(term, matched)]


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_uses_stay_quiet(guide, text):
    assert found(guide, text) == []


def test_every_new_entry_has_a_realistic_sentence_and_a_kinder_word(guide):
    """Each version-2 entry: at least one sentence above is caught by it, and it says what to
    say instead."""
    caught = {term for _, _, term, _ in CAUGHT}
    new_entries = [e for e in guide.entries if not set(e.avoid) & FIRST_TABLE]
    assert len(new_entries) >= 10
    for entry in new_entries:
        assert set(entry.avoid) & caught, f"no sentence for {entry.avoid}"
        assert entry.prefer.strip()


def test_the_categories_the_issue_names_are_all_there(guide):
    categories = {category for category, *_ in CAUGHT}
    assert categories == {
        "slang", "abbreviation", "baby", "x-using", "misuser", "chaotic", "failed",
        "disengaged", "abusing",
    }  # fmt: skip


def test_the_bare_terms_still_fire_beside_the_names_of_treatments(guide):
    """Decided: the names of treatments stay quiet, the labels do not."""
    assert found(guide, "She is on opioid substitution therapy.") == []
    assert found(guide, "It is only substitution therapy.") == [
        ("substitution therapy", "substitution therapy")
    ]
    assert found(guide, "replacement therapy") == [("replacement therapy", "replacement therapy")]
    assert found(guide, "We wrote her relapse prevention plan.") == []
    assert found(guide, "She relapsed, and we reviewed her relapse prevention plan.") == [
        ("relapsed", "relapsed")
    ]
    assert found(guide, "fear of relapse") == [("relapsed", "relapse")]
    # The decisions are written down beside the entries.
    text = BUILTIN.read_text(encoding="utf-8")
    assert 'Decided in version 2: "opioid substitution therapy"' in text
    assert 'Decided in version 2: "relapse prevention" stays quiet' in text


# -- quiet_in, as data: a service can use it too -----------------------------------------------
def test_a_service_entry_can_name_phrases_that_stay_quiet(tmp_path):
    path = tmp_path / "language.yaml"
    path.write_text(
        "terms:\n"
        '  - avoid: ["frequent flyer"]\n'
        '    prefer: "someone we see often"\n'
        '    quiet_in: ["frequent flyer miles"]\n',
        encoding="utf-8",
    )
    guide, problems = load_language([tmp_path])
    assert problems == []
    assert [f.term for f in guide.find("a frequent flyer")] == ["frequent flyer"]
    assert guide.find("she saves frequent-flyer miles") == []


def test_a_broken_quiet_in_is_reported_with_file_and_line(tmp_path):
    path = tmp_path / "language.yaml"
    path.write_text(
        "terms:\n"
        '  - avoid: ["frequent flyer"]\n'
        '    prefer: "someone we see often"\n'
        "    quiet_in: 3\n"
        '  - avoid: ["hopeless"]\n'
        '    prefer: "still finding her way"\n'
        '    quiet_in: ["a different phrase", "  "]\n',
        encoding="utf-8",
    )
    entries, problems = parse_language(path)
    messages = [str(p) for p in problems]
    assert any(
        m.startswith(f"{path}:4:") and "'quiet_in' in a term must be a list of phrases" in m
        for m in messages
    ), messages
    assert any(m.startswith(f"{path}:7:") and "must be words" in m for m in messages)
    assert any("quiets nothing" in m and "warning" in m for m in messages)
    # The entries themselves still load: one bad field never stops the rest.
    assert [e.avoid for e in entries] == [("frequent flyer",), ("hopeless",)]


def test_the_builtin_file_is_still_one_list_of_terms():
    data = yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))
    assert data["version"] == 2
    assert all(set(entry) <= {"avoid", "prefer", "note", "quiet_in"} for entry in data["terms"])


def test_a_service_file_cannot_quiet_a_built_in_term(tmp_path):
    """The attack: a hostile or careless service `language.yaml` tries to silence "addict"
    and "junkie" with `quiet_in`, by repeating the term and by a new entry. A phrase quiets
    only its own entry's terms, and a repeated term keeps the built-in entry, so both fail."""
    path = tmp_path / "language.yaml"
    path.write_text(
        "terms:\n"
        '  - avoid: ["addict"]\n'
        '    prefer: "x"\n'
        '    quiet_in: ["addict", "an addict"]\n'
        '  - avoid: ["frequent flyer"]\n'
        '    prefer: "someone we see often"\n'
        '    quiet_in: ["junkie", "an addict"]\n',
        encoding="utf-8",
    )
    guide, problems = load_language([tmp_path])
    assert [f.term for f in guide.find("She is an addict, not a junkie.")] == ["addict", "junkie"]
    assert guide.find("an addict")[0].prefer.startswith("person who uses drugs")
    assert any("already listed" in str(p) for p in problems)
    assert any("quiets nothing" in str(p) for p in problems)
