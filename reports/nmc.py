"""A draft NMC written reflective account, prefilled from the practitioner's own reflections.

Under the NMC form's four headings, from one chosen session or from the whole period. It is a
draft for the practitioner to edit: it names nobody (not even the practitioner), carries no
session ids and no contact dates (only the period), and warns about anything in the quoted
words that looks like an identifier. A reflective account does not replace incident reporting.
The practitioner's words, and titles from checklist files, are quoted as text
(`markdown_text`): rendered, nothing they typed becomes HTML, a link, a heading or a list.
"""

from __future__ import annotations

from checklists.identifiers import describe, find_identifiers
from store.reports.summary_model import SessionRow, Summary, as_summary

from . import text as t
from . import wording
from .markdown_text import HARD_BREAK, fold, md, md_lines

WIDTH = 96
FIRST_LINE = "<!-- GitHub-flavoured Markdown (GFM): a draft reflective account to edit. -->"

HEADINGS: tuple[str, ...] = (
    "What was the nature of the CPD activity and/or practice-related feedback and/or event or "
    "experience in your practice?",
    "What did you learn from the CPD activity and/or feedback and/or event or experience in "
    "your practice?",
    "How did you change or improve your practice as a result?",
    "How is this relevant to the Code?",
)

# Where and when a contact happened: "A postnatal contact in a clinic with a woman who…".
SETTING_PHRASES: dict[str, str] = {
    "clinic": "in a clinic",
    "home_visit": "on a home visit",
    "hospital_ward": "on a hospital ward",
    "phone_video": "by phone or video",
    "outreach": "on outreach",
}
STAGE_WORDS: dict[str, str] = {
    "antenatal": "An antenatal contact",
    "postnatal": "A postnatal contact",
}

NOTE: tuple[str, ...] = (
    "**This is a draft for you to edit.** It was prefilled from your own reflections in "
    "Stepping Stones. Rewrite it in your own words and keep only what matters to you.",
    "**It must not identify anyone.** Take out names, dates of birth, places and anything "
    "else that could identify a woman, her baby or family, a colleague or anyone else. The "
    "NMC requires this of every reflective account.",
    "**It does not replace incident reporting.** If something here was an incident or a "
    "safeguarding concern, report it through your service's usual route as well.",
)


def _wrap(words: str, prefix: str = "", first: str | None = None) -> list[str]:
    """The template's words (any typed words in them already escaped with `md`), folded."""
    return fold(words, WIDTH, prefix=prefix, first=first)


def _bullets(texts: list[str]) -> list[str]:
    """The practitioner's own words, one list item each, as text, their line breaks kept."""
    lines: list[str] = []
    for words in texts:
        lines.extend(md_lines(words, WIDTH, prefix="  ", first="- "))
    return lines


class _Draft:
    """Collects the practitioner's words that go into the draft, so they can be checked."""

    def __init__(self, summary: Summary, session_id: str | None) -> None:
        self.summary = summary
        self.session_id = session_id
        self.quoted: list[str] = []

    def texts(self, entries: tuple, key: str = "text") -> list[str]:
        """The words under `key` of each entry (of the one session, when drafting from one)."""
        chosen = [
            str(getattr(x, key)).strip()
            for x in entries
            if t.has_text(x, key)
            and (self.session_id is None or getattr(x, "session_id", None) == self.session_id)
        ]
        self.quoted.extend(chosen)
        return chosen

    def block(self, intro: str, entries: tuple, key: str = "text") -> list[str]:
        texts = self.texts(entries, key)
        if not texts:
            return []
        return ["", *_wrap(intro), "", *_bullets(texts)]


def _known_ids(summary: Summary) -> set[str]:
    learning, wellbeing = summary.learning, summary.wellbeing
    lists = [
        learning.differently,
        learning.went_well,
        wellbeing.feelings,
        wellbeing.difficult,
        wellbeing.heavy_sessions,
        summary.flagged,
        summary.critical_not_done,
    ]
    ids = {x.session_id for entries in lists for x in entries}
    ids |= set(t.sessions_by_id(summary))
    ids.discard("")
    return ids


def _nature(draft: _Draft) -> list[str]:
    summary = draft.summary
    wellbeing = summary.wellbeing
    lines = [f"## {HEADINGS[0]}", ""]
    if draft.session_id is not None:
        session = t.sessions_by_id(summary).get(draft.session_id) or SessionRow()
        kind = STAGE_WORDS.get(session.stage, "A contact")
        setting = SETTING_PHRASES.get(session.setting)
        words = kind + (f" {setting}" if setting else "") + " with a woman who uses drugs"
        if session.title:
            words += f", which I went over afterwards with the “{md(session.title)}” checklist"
        lines.extend(_wrap(words + "."))
    else:
        finished = summary.activity.finished
        source = (
            f"drawing on {t.plural(finished, 'contact')} I went over with the Stepping Stones "
            "practice checklists in this period, my reflections after them, and reflective "
            "supervision"
            if finished
            else "drawing on reflective supervision in this period"
        )
        lines.extend(
            _wrap(
                "Reflection on my care of women who use drugs during pregnancy and after birth, "
                f"{source}."
            )
        )
    lines.extend(draft.block("What was difficult (my words at the time):", wellbeing.difficult))
    lines.extend(
        draft.block(
            "Why it was emotionally heavy:"
            if draft.session_id
            else "Contacts that were emotionally heavy:",
            wellbeing.heavy_sessions,
            key="why",
        )
    )
    lines.extend(draft.block("How I felt afterwards:", wellbeing.feelings))
    lines.extend(draft.block("What I took to supervision:", summary.flagged))
    lines.extend(["", "[Describe what happened in a few sentences, without identifying her.]"])
    return lines


def _learning(draft: _Draft) -> list[str]:
    summary = draft.summary
    learning = summary.learning
    lines = [f"## {HEADINGS[1]}", ""]
    lines.extend(
        _wrap(
            "[What you learnt: about her experience of care, about the service, about "
            "yourself. Barriers are not failures; the woman's own choice is not a failure.]"
        )
    )
    lines.extend(draft.block("What went well:", learning.went_well))
    if draft.session_id is None:
        lines.extend(_period_figures(summary))
    return lines


def _period_figures(summary: Summary) -> list[str]:
    """A line or two from the period's figures, to prompt learning (no names, no dates)."""
    lines: list[str] = []
    answered = [
        (number, figures)
        for number, figures in t.sorted_requirements(summary)
        if figures.share_done is not None
    ]
    if answered:
        lowest = sorted(answered, key=lambda pair: pair[1].share_done)[:2]
        parts = [
            md(f"{number} {figures.title}".strip()) + f" ({t.percent(figures.share_done)} done)"
            for number, figures in lowest
        ]
        lines.extend(
            [
                "",
                *_wrap(
                    f"From my checklists, the requirements least often done: {t.join_words(parts)}."
                ),
            ]
        )
    reasons = []
    for level in wording.REASON_LEVELS:
        entries = t.barrier_entries(summary, level)
        if entries:
            top = entries[0]
            reasons.append(f"{wording.LEVEL_PHRASES[level]} (most often: {md(top.label)})")
    if reasons:
        lines.extend(
            ["", *_wrap(f"When things were not done, the reasons were {t.join_words(reasons)}.")]
        )
    return lines


def _change(draft: _Draft) -> list[str]:
    summary = draft.summary
    lines = [f"## {HEADINGS[2]}", ""]
    lines.extend(_wrap("[What you changed, or will change, and how you will know it helped.]"))
    lines.extend(draft.block("What I said I would do differently:", summary.learning.differently))
    if draft.session_id is None:
        done = tuple(a for a in summary.actions if a.done and t.has_text(a))
        lines.extend(draft.block("Actions from supervision that I have done:", done))
    return lines


def _code(summary: Summary) -> list[str]:
    lines = [f"## {HEADINGS[3]}", "", "Select one or more themes, and say how:", ""]
    lines.extend(f"- [ ] {theme}" for theme in t.CODE_THEMES)
    touched: dict[str, list[str]] = {}
    for number, figures in t.sorted_requirements(summary):
        theme = t.suggested_theme(number)
        if theme and t.answered_count(figures) > 0:
            touched.setdefault(theme, []).append(number)
    lines.append("")
    if touched:
        ranked = sorted(touched.items(), key=lambda kv: -len(kv[1]))
        parts = [f"{theme} ({md(', '.join(numbers))})" for theme, numbers in ranked]
        lines.extend(
            _wrap(
                "A suggestion only: the requirements my checklists touched in this period map "
                f"mostly to {t.join_words(parts)}. Choose the themes that fit what you wrote."
            )
        )
    else:
        lines.extend(
            _wrap(
                "A suggestion only: no requirements were answered in this period, so there is "
                "nothing to suggest. Choose the themes that fit what you wrote."
            )
        )
    lines.extend(["", "[How this relates to the themes you chose.]"])
    return lines


def render_nmc(summary: Summary | dict, session_id: str | None = None) -> str:
    """A draft reflective account (Markdown) from one session's reflection, or the period's.

    Raises ValueError if `session_id` is given and the summary has no such session.
    """
    summary = as_summary(summary)
    if session_id is not None and session_id not in _known_ids(summary):
        raise ValueError(
            f"There is no session {session_id!r} in this summary. Choose a session from its "
            "period, or leave the session out to draft from the whole period."
        )
    draft = _Draft(summary, session_id)
    period = summary.period
    source = (
        "one contact in this period"
        if session_id is not None
        else "the reflections from this period"
    )
    body = [
        *_nature(draft),
        "",
        *_learning(draft),
        "",
        *_change(draft),
        "",
        *_code(summary),
    ]
    findings = [f for words in draft.quoted for f in find_identifiers(words)]
    head = [
        FIRST_LINE,
        "",
        "# DRAFT: NMC written reflective account",
        "",
        *_note(),
        "",
        # Each its own paragraph: renderers join lines that follow one another.
        f"Period: {md(t.date_range(period.since, period.until))}",
        "",
        f"Drawn from: {source}",
    ]
    if findings:
        head.extend(
            [
                "",
                *_wrap(
                    "**Check before you use this.** "
                    + md(
                        describe(findings, noun="draft").replace("identify her", "identify anyone")
                    )
                ),
            ]
        )
    closing = [
        "",
        "---",
        "",
        *_wrap(
            "Talk this account through with another NMC registrant in your reflective "
            "discussion, and keep it with your revalidation records. It is yours to change."
        ),
    ]
    lines = [*head, "", *body, *closing]
    return "\n".join(_tidy(lines)).rstrip() + "\n"


def _note() -> list[str]:
    lines: list[str] = []
    for paragraph in NOTE:
        if lines:
            lines.append(">")
        lines.extend(_wrap(paragraph, prefix="> "))
    return lines


def _tidy(lines: list[str]) -> list[str]:
    """No runs of blank lines, and no spaces at the end of a line but a hard break's."""
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        kept = line.rstrip()
        out.append(kept + HARD_BREAK if kept and line.endswith(HARD_BREAK) else kept)
    return out
