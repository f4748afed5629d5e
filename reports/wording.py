"""The one place for the product's standing words: reason levels, requirements, responses.

Every screen, renderer and command that names a reason level (a service barrier, a practice
point, the woman's own choice), lists the staff requirements in order, or labels a response
takes the words from here. The store needs a few of them too (the response labels, the level
labels, the staff requirements and their order); those live in the checklist model, which
the store may import (the order of a requirement's counts is the summary model's), and are
re-exported here so that everyone above the store has one module to import from.

Principle 5 runs through the level wording: barriers are not failures, and the woman's own
choice is not a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checklists import (
    COUNTS,
    REASON_LEVEL_LABELS,
    REASON_LEVELS,
    RESPONSE_LABELS,
    RESPONSE_SYMBOLS,
    RESPONSES,
    STAFF_REQUIREMENTS,
    Item,
    requirement_key,
)

if TYPE_CHECKING:
    from checklists.language import LanguageFinding

__all__ = [
    "BARRIERS_INTRO",
    "LABELS",
    "LEVEL_EMPTY",
    "LEVEL_HEADINGS",
    "LEVEL_INTROS",
    "LEVEL_PHRASES",
    "LEVEL_SCREEN",
    "LEVEL_SESSION_HEADINGS",
    "LEVEL_WHY",
    "MIN_CONTACTS_TO_COMPARE",
    "NO_COMPARISON",
    "PART_HEADINGS",
    "PART_INTROS",
    "PART_TERMS",
    "REASON_LEVELS",
    "REASON_LEVEL_LABELS",
    "REASON_RETIRED",
    "RESPONSES",
    "RESPONSE_LABELS",
    "RESPONSE_ORDER",
    "RESPONSE_SYMBOLS",
    "SHARE_DONE_NOTE",
    "SHORT_LABELS",
    "STAFF_REQUIREMENTS",
    "SYMBOLS",
    "WhyPart",
    "language_hints",
    "legend",
    "new_comments_heading",
    "requirement_key",
    "response_label",
    "why_it_matters",
]

# --- responses ----------------------------------------------------------------------------

# The order every table and bar uses: the four answers, then items left without one (the
# summary's own counts, in its order).
RESPONSE_ORDER: tuple[str, ...] = COUNTS

LABELS: dict[str, str] = {**RESPONSE_LABELS, "unanswered": "Not answered"}
# Short column headings for narrow tables.
SHORT_LABELS: dict[str, str] = {
    "done": "Done",
    "partly": "Partly",
    "not_done": "Not done",
    "not_applicable": "N/A",
    "unanswered": "Not answered",
}
SYMBOLS: dict[str, str] = {
    **{response: RESPONSE_SYMBOLS[response] for response in RESPONSES},
    "unanswered": RESPONSE_SYMBOLS[None],
}


def response_label(response: str | None) -> str:
    """'Done', 'Partly', 'Not done', 'Not applicable' or 'Not answered'."""
    return LABELS.get(response or "unanswered", str(response))


# Changes from the period before are shown only when both periods have at least this many
# finished checklists (contacts): with fewer, a change of a point or two says nothing.
MIN_CONTACTS_TO_COMPARE = 5
NO_COMPARISON = f"fewer than {MIN_CONTACTS_TO_COMPARE} contacts: no comparison"

SHARE_DONE_NOTE = (
    "Share done = done ÷ (done + partly + not done); not applicable and not answered are left out."
)


def legend(order: tuple[str, ...] = RESPONSE_ORDER, sep: str = " · ") -> str:
    """'✓ done · ◐ partly · ✗ not done · – not applicable · · not answered'."""
    return sep.join(f"{SYMBOLS[r]} {LABELS[r].lower()}" for r in order)


# --- the summary's three parts -------------------------------------------------------------
# Headed in plain words, as a practitioner would say them. Supervisors know the same three
# parts by the supervision model's terms (Proctor's three functions, which A-EQUIP and the NES
# frameworks echo): help gives those, and so does the line under each heading of a report.
PART_HEADINGS: dict[str, str] = {
    "standards": "What I did",
    "learning": "What I learned",
    "wellbeing": "How I am",
}
PART_TERMS: dict[str, str] = {
    "standards": "standards (normative)",
    "learning": "learning (formative)",
    "wellbeing": "wellbeing (restorative)",
}
# Summary reports (Markdown, HTML): the line under each heading, the model's term first.
PART_INTROS: dict[str, str] = {
    "standards": (
        "Standards and accountability (normative): what was done for each requirement across "
        "the finished checklists, compared with the previous period of the same length."
    ),
    "learning": "Learning and skills (formative): what to try next time, and what worked.",
    "wellbeing": ("Thinking space (restorative): how the work felt, and what was hard to carry."),
}


# --- reasons -------------------------------------------------------------------------------

# A retired reason that an answer already gives: listed, marked with these words, so that
# answering again never drops it unseen (the app's picker and line mode).
REASON_RETIRED = "no longer offered"


# --- reason levels -------------------------------------------------------------------------
# REASON_LEVELS gives the order (service, practice, woman) and REASON_LEVEL_LABELS the words
# a practitioner picks from; the rest say the same three things where each is shown.

# Summary reports (Markdown, HTML): the heading, a line under it, and what to say when empty.
LEVEL_HEADINGS: dict[str, str] = {
    "service": "Service barriers to escalate",
    "practice": "Practice points to reflect on",
    "woman": "The woman's own choice",
}
LEVEL_INTROS: dict[str, str] = {
    "service": (
        "Things the service needs to put right. Each points to the service requirement "
        "it falls under, so it can be raised with the service lead."
    ),
    "practice": "Things to think through together and learn from. These are not failures.",
    "woman": (
        "She chose, or it was not the right moment for her. This is her choice, not a "
        "failure, and respecting it is good care."
    ),
}
LEVEL_EMPTY: dict[str, str] = {
    "service": "No service barriers recorded this time.",
    "practice": "No practice points recorded this time.",
    "woman": "Nothing recorded as the woman's own choice this time.",
}
BARRIERS_INTRO = (
    "Barriers are not failures: staff can only give good care when the service makes it "
    "possible. Why things were partly or not done, in three groups."
)
# The draft NMC reflective account, in the practitioner's own voice.
LEVEL_PHRASES: dict[str, str] = {
    "service": "things in the service",
    "practice": "things in my own practice",
    "woman": "the woman's own choice",
}
# A finished session, read back: after the reason, in brackets.
LEVEL_WHY: dict[str, str] = {
    "service": "a service barrier to raise",
    "practice": "a practice point to reflect on",
    "woman": "her own choice or circumstances, not a failure",
}
# The summary shown when a session is finished.
LEVEL_SESSION_HEADINGS: dict[str, str] = {
    "service": "Service barriers to raise (the service needs to change these)",
    "practice": "Practice points to reflect on",
    "woman": "Her own choice or circumstances (not a failure)",
}
# The supervision summary screen: (level, heading, a line under it), in level order.
LEVEL_SCREEN: tuple[tuple[str, str, str], ...] = (
    ("service", "Service barriers to escalate", "The service needs to change these."),
    ("practice", "Practice points", "Things to reflect on and learn from."),
    ("woman", "Her own choice or circumstances", "Not a failure: her choice is respected."),
)


# --- why an item matters (`w`) ---------------------------------------------------------------


@dataclass(frozen=True)
class WhyPart:
    """One part of what `w` shows about an item: a heading and its words. A `listed` part's
    lines go under its heading, one a line (the passages quoted from the evidence); the
    others follow the heading on its line."""

    heading: str
    lines: tuple[str, ...]
    listed: bool = False


def why_it_matters(item: Item, requirement_title: Callable[[str], str]) -> list[WhyPart]:
    """What `w` shows about an item, in order, for the app's panel and for line mode alike:
    why it matters, how to do it well, then where it comes from (the evidence: requirement
    and the passage quoted; any national guidance; the Theory of Change requirements).
    `requirement_title` gives a requirement's plain words ("7.1" → "Taking and spending
    time")."""
    parts = [WhyPart("Why it matters", (item.why,))]
    if item.guidance:
        parts.append(WhyPart("How to do it well", (item.guidance,)))
    if item.evidence:
        quoted = tuple(
            f"{e.requirement} {requirement_title(e.requirement)}: “{e.passage}”"
            for e in item.evidence
        )
        parts.append(WhyPart("From the evidence", quoted, listed=True))
    if item.guidance_source:
        parts.append(WhyPart("National guidance", (item.guidance_source,)))
    if item.requirements:
        numbers = "; ".join(f"{n} {requirement_title(n)}" for n in item.requirements)
        parts.append(WhyPart("Theory of Change", (numbers,)))
    return parts


# --- new comments from a supervisor --------------------------------------------------------


def new_comments_heading(count: int) -> str:
    """What the app shows once after signing in, and line mode says, when a supervisor has
    commented: "A new comment on your sessions", "2 new comments on your sessions"."""
    if count == 1:
        return "A new comment on your sessions"
    return f"{count} new comments on your sessions"


# --- the language coach ----------------------------------------------------------------------


def language_hints(findings: Iterable[LanguageFinding], limit: int | None = None) -> list[str]:
    """The language coach's gentle hint, one line per word found (each once), as the app
    shows it under a text field and line mode says it after a note or a reflection:
    `Language: "chaotic" → things are unsettled for her`. With `limit`, at most that many
    lines, the last saying how many more."""
    from checklists.language import LanguageGuide  # on first use: importing stays cheap

    lines = [
        f'Language: "{shown}" → {suggestion}'
        for shown, suggestion in LanguageGuide.distinct(findings)
    ]
    if limit is not None and len(lines) > limit:
        more = len(lines) - (limit - 1)
        lines = [*lines[: limit - 1], f"Language: and {more} more words you might rephrase"]
    return lines
