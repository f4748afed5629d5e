"""The supervision summary renderers: Markdown, a printable HTML page and a draft NMC account.

All data here is synthetic: invented staff names, invented sessions, no women's details.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser

import pytest

from reports import render_html, render_markdown, render_nmc
from reports import text as t
from store.reports.summary_model import RequirementFigures, Summary

S1 = "3f6c1a52-0d7e-4b8a-9c11-5e2f7a9b0c01"  # clinic, antenatal, flagged, heavy
S2 = "8a2d4e61-7b3c-4f9e-a812-1c6d5e4f3a02"  # home visit, reflection with <script>
S3 = "c49e7f10-2a5b-4d6c-8e3f-9b0a1d2c4e03"  # hospital ward, postnatal
UNFINISHED = "e1d2c3b4-a596-4877-8899-aabbccddeeff"

STAFF = ["7.1", "7.2", "7.3", "7.4", "7.5", "8.1", "8.2", "8.3", "8.4", "8.5"]
SCRIPT = '<script>alert("hi")</script>'


def requirement(title, done, partly, not_done, na, unanswered, share, previous):
    change = None if share is None or previous is None else round(share - previous, 4)
    return {
        "title": title,
        "done": done,
        "partly": partly,
        "not_done": not_done,
        "not_applicable": na,
        "unanswered": unanswered,
        "share_done": share,
        "previous_share_done": previous,
        "change": change,
    }


def make_summary() -> dict:
    """A full synthetic summary following docs/summary-format.md, every section filled."""
    weeks = [
        ("2026-08-17", 1),
        ("2026-08-24", 0),
        ("2026-08-31", 2),
        ("2026-09-07", 1),
        ("2026-09-14", 0),
        ("2026-09-21", 1),
        ("2026-09-28", 2),
        ("2026-10-05", 0),
        ("2026-10-12", 1),
        ("2026-10-19", 1),
        ("2026-10-26", 0),
        ("2026-11-02", 1),
        ("2026-11-09", 1),
        ("2026-11-16", 1),
    ]
    return {
        "format": "stepping-stones-summary",
        "version": 1,
        "person": "Alex Practitioner",
        "prepared_by": "Sam Supervisor",
        "prepared_at": "2026-11-22T10:00:00+00:00",
        "period": {
            "since": "2026-08-22",
            "until": "2026-11-22",
            "basis": "last_supervision",
            "previous": {"since": "2026-05-23", "until": "2026-08-21"},
        },
        "activity": {
            "finished": 12,
            "unfinished": 1,
            "previous_finished": 9,
            "by_checklist": {
                "any-contact": {"title": "Any contact: approach and care delivery", "count": 12}
            },
            "by_setting": {"clinic": 6, "home_visit": 4, "hospital_ward": 2},
            "by_stage": {"antenatal": 7, "postnatal": 5},
            "by_week": [{"week_start": w, "count": c} for w, c in weeks],
            "unfinished_sessions": [
                {
                    "id": UNFINISHED,
                    "checklist": "any-contact",
                    "title": "Any contact: approach and care delivery",
                    "started_at": "2026-11-10T09:15:00+00:00",
                    "updated_at": "2026-11-10T09:40:00+00:00",
                    "stale": True,
                }
            ],
        },
        "requirements": {
            "7.1": requirement("Taking and spending time", 9, 2, 1, 0, 0, 0.75, 0.6),
            "7.2": requirement(
                "Relationship-based and person-centred care", 10, 1, 0, 1, 0, 0.9091, 0.9091
            ),
            "7.3": requirement("Kindness and listening", 12, 0, 0, 0, 0, 1.0, 0.95),
            "7.4": requirement("Flexibility", 6, 3, 1, 2, 0, 0.6, 0.5),
            "7.5": requirement(
                "Non-stigmatising care and language, with privacy", 5, 3, 2, 0, 0, 0.5, 0.7
            ),
            "8.1": requirement(
                "Effective communication: clear information and expectations",
                8,
                2,
                1,
                0,
                1,
                0.7273,
                0.7,
            ),
            "8.2": requirement("Flexible contact methods", 4, 1, 0, 7, 0, 0.8, None),
            "8.3": requirement("Personal and timely response", 7, 1, 0, 4, 0, 0.875, 0.8),
            "8.4": requirement("Assertive outreach", 0, 0, 0, 0, 0, None, None),
            "8.5": requirement(
                "Ongoing support for women whose babies are removed from their care",
                1,
                0,
                0,
                11,
                0,
                1.0,
                None,
            ),
        },
        "critical_not_done": [
            {
                "session_id": S1,
                "completed_at": "2026-09-02T11:20:00+01:00",
                "item_id": "private-space",
                "prompt": "Offered her a private space to talk",
                "response": "not_done",
                "reason": "no-private-room",
            }
        ],
        "barriers": {
            "service": {"no-private-room": 3, "not-enough-time": 1},
            "practice": {"did-not-think": 1},
            "woman": {"she-chose-not-to": 2},
        },
        "barrier_details": {
            "service": [
                {
                    "reason": "no-private-room",
                    "label": "No private room to talk",
                    "count": 3,
                    "requirements": [
                        {
                            "number": "5.1",
                            "title": "Co-located services with space for private conversations",
                        }
                    ],
                },
                {
                    "reason": "not-enough-time",
                    "label": "Not enough time in the appointment",
                    "count": 1,
                    "requirements": [{"number": "4.1", "title": "Adequate staffing levels"}],
                },
            ],
            "practice": [
                {
                    "reason": "did-not-think",
                    "label": "I did not think of it at the time",
                    "count": 1,
                    "requirements": [],
                }
            ],
            "woman": [
                {
                    "reason": "she-chose-not-to",
                    "label": "She chose not to, or said no",
                    "count": 2,
                    "requirements": [],
                }
            ],
        },
        "no_reason": 1,
        "learning": {
            "differently": [
                {
                    "session_id": S1,
                    "completed_at": "2026-09-02T11:20:00+01:00",
                    "text": "Ask the clinic manager early for the side room, before she arrives.",
                },
                {
                    "session_id": S2,
                    "completed_at": "2026-10-14T15:05:00+01:00",
                    "text": f"Explain the plan for after the birth in plain words. {SCRIPT}",
                },
            ],
            "went_well": [
                {
                    "session_id": S2,
                    "completed_at": "2026-10-14T15:05:00+01:00",
                    "text": "Sitting down at her kitchen table & letting her lead the talk.",
                },
                {
                    "session_id": S3,
                    "completed_at": "2026-11-18T18:30:00+00:00",
                    "text": "Stayed with her while the neonatal team explained the observations.",
                },
            ],
            "language": {
                "total": 2,
                "terms": [
                    {
                        "term": "clean urine",
                        "prefer": "negative drug screen",
                        "count": 1,
                    },
                    {
                        "term": "non-compliant",
                        "prefer": "the plan has not worked for her yet; she chose not to",
                        "count": 1,
                    },
                ],
            },
        },
        "wellbeing": {
            "feelings": [
                {
                    "session_id": S1,
                    "completed_at": "2026-09-02T11:20:00+01:00",
                    "text": "Drained, and a bit angry that there was nowhere private.\n"
                    "Glad I stayed calm.",
                },
                {
                    "session_id": S3,
                    "completed_at": "2026-11-18T18:30:00+00:00",
                    "text": "Hopeful, though tired after a long shift.",
                },
            ],
            "difficult": [
                {
                    "session_id": S1,
                    "completed_at": "2026-09-02T11:20:00+01:00",
                    "text": "Her baby was taken into care that morning and we had to talk in "
                    "a corridor because every room was booked. I did not know what to say at "
                    "first and the waiting room could hear us.",
                }
            ],
            "heavy_sessions": [
                {
                    "session_id": S1,
                    "completed_at": "2026-09-02T11:20:00+01:00",
                    "why": "Her baby had been removed from her care",
                }
            ],
        },
        "flagged": [
            {
                "session_id": S1,
                "completed_at": "2026-09-02T11:20:00+01:00",
                "title": "Any contact: approach and care delivery",
                "text": "How to support her in the weeks after removal; who to refer to.",
            },
            {
                "session_id": S3,
                "completed_at": "2026-11-18T18:30:00+00:00",
                "title": "Any contact: approach and care delivery",
                "text": "",
            },
        ],
        "comments": [
            {
                "id": "0c9b8a76-5432-4f10-9e8d-7c6b5a493827",
                "session_id": S1,
                "by": "Sam Supervisor",
                "created_at": "2026-09-05T09:00:00+01:00",
                "text": "Let's talk about this one, and about the room booking.",
            }
        ],
        "last_record": {
            "id": "9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19",
            "date": "2026-08-22",
            "by": "Sam Supervisor",
        },
        "actions": [
            {
                "text": "Book the perinatal substance-use training day",
                "owner": "Alex Practitioner",
                "due": "2026-10-01",
                "done": True,
            },
            {
                "text": "Raise the lack of a private room at the team meeting",
                "owner": "Sam Supervisor",
                "due": None,
                "done": False,
            },
        ],
        "sessions": [
            {
                "id": S1,
                "checklist": "any-contact",
                "title": "Any contact: approach and care delivery",
                "completed_at": "2026-09-02T11:20:00+01:00",
                "setting": "clinic",
                "stage": "postnatal",
                "flagged": True,
                "answered": 24,
                "shown": 24,
            },
            {
                "id": S2,
                "checklist": "any-contact",
                "title": "Any contact: approach and care delivery",
                "completed_at": "2026-10-14T15:05:00+01:00",
                "setting": "home_visit",
                "stage": "antenatal",
                "flagged": False,
                "answered": 22,
                "shown": 24,
            },
            {
                "id": S3,
                "checklist": "any-contact",
                "title": "Any contact: approach and care delivery",
                "completed_at": "2026-11-18T18:30:00+00:00",
                "setting": "hospital_ward",
                "stage": "postnatal",
                "flagged": True,
                "answered": 24,
                "shown": 24,
            },
        ],
    }


def make_empty_summary() -> dict:
    """A quiet period: no sessions, no reflections, no earlier record; staff rows all zero."""
    return {
        "format": "stepping-stones-summary",
        "version": 1,
        "person": "Alex Practitioner",
        "prepared_by": "Alex Practitioner",
        "prepared_at": "2026-11-22T10:00:00+00:00",
        "period": {
            "since": "2026-08-22",
            "until": "2026-11-22",
            "basis": "three_months",
            "previous": {"since": "2026-05-23", "until": "2026-08-21"},
        },
        "activity": {
            "finished": 0,
            "unfinished": 0,
            "by_checklist": {},
            "by_setting": {},
            "by_stage": {},
            "by_week": [{"week_start": "2026-08-17", "count": 0}],
            "unfinished_sessions": [],
        },
        "requirements": {
            n: requirement(f"Requirement {n}", 0, 0, 0, 0, 0, None, None) for n in STAFF
        },
        "critical_not_done": [],
        "barriers": {"service": {}, "practice": {}, "woman": {}},
        "barrier_details": {"service": [], "practice": [], "woman": []},
        "no_reason": 0,
        "learning": {"differently": [], "went_well": [], "language": {"total": 0, "terms": []}},
        "wellbeing": {"feelings": [], "difficult": [], "heavy_sessions": []},
        "flagged": [],
        "comments": [],
        "last_record": None,
        "actions": [],
        "sessions": [],
    }


@pytest.fixture
def summary() -> dict:
    return make_summary()


@pytest.fixture
def empty_summary() -> dict:
    return make_empty_summary()


# --- shared helpers ------------------------------------------------------------------------


def test_text_helpers() -> None:
    assert t.format_date("2026-11-22") == "22 Nov 2026"
    assert t.format_date("2026-09-02T11:20:00+01:00") == "2 Sep 2026"
    assert t.format_datetime("2026-11-22T10:00:00+00:00") == "22 Nov 2026 10:00"
    assert t.percent(0.75) == "75%"
    assert t.percent(None) == "—"
    figures = RequirementFigures.from_dict
    assert t.change_text(
        figures({"share_done": 0.75, "previous_share_done": 0.6, "change": 0.15})
    ) == ("▲ 15 pts")
    assert t.change_text(
        figures({"share_done": 0.5, "previous_share_done": 0.7, "change": -0.2})
    ) == ("▼ 20 pts")
    assert t.change_text(
        figures({"share_done": 0.5, "previous_share_done": 0.5, "change": 0.0})
    ) == ("no change")
    assert (
        t.change_text(figures({"share_done": 0.5, "previous_share_done": None}))
        == "no earlier figures"
    )
    assert t.bar(0.5) == "█████░░░░░"
    assert t.response_label("unanswered") == "Not answered"
    assert [
        n
        for n, _ in t.sorted_requirements(
            Summary.from_dict({"requirements": dict.fromkeys(["8.1", "7.10", "7.2", "5"], {})})
        )
    ] == ["5", "7.2", "7.10", "8.1"]


# --- Markdown ------------------------------------------------------------------------------

MD_HEADINGS = [
    "# Supervision summary: Alex Practitioner",
    "## Activity",
    "## What I did",
    "### Critical items not done",
    "## Barriers: why things were partly or not done",
    "### Service barriers to escalate",
    "### Practice points to reflect on",
    "### The woman's own choice",
    "## What I learned",
    "### What I would do differently",
    "### What went well",
    "### Language",
    "## How I am",
    "### How I feel",
    "### What was difficult",
    "### Emotionally heavy contacts",
    "## Flagged for supervision",
    "## Comments",
    "## Agreed actions from last time",
]


def test_markdown_has_every_heading_in_order(summary: dict) -> None:
    lines = render_markdown(summary).splitlines()
    positions = [lines.index(h) for h in MD_HEADINGS]
    assert positions == sorted(positions)


def test_markdown_figures(summary: dict) -> None:
    md = render_markdown(summary)
    row = next(line for line in md.splitlines() if line.startswith("| 7.1 "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:7] == ["7.1", "Taking and spending time", "9", "2", "1", "0", "0"]
    assert cells[7].endswith("75%") and "█" in cells[7]
    assert cells[8] == "▲ 15 pts"
    assert "▼ 20 pts" in next(line for line in md.splitlines() if line.startswith("| 7.5 "))
    assert "no earlier figures" in next(
        line for line in md.splitlines() if line.startswith("| 8.2")
    )
    for number in STAFF:
        assert any(line.startswith(f"| {number} ") for line in md.splitlines())
    assert "12 finished checklists and 1 unfinished" in md
    assert "Period: 22 Aug 2026 to 22 Nov 2026" in md
    assert "Compared with: 23 May 2026 to 21 Aug 2026" in md
    assert "Clinic 6" in md and "Home visit 4" in md
    assert "started 10 Nov 2026 09:15, last changed 10 Nov 2026" in md
    assert "(untouched for over a week)" in md


def test_markdown_barriers_reflections_and_actions(summary: dict) -> None:
    md = render_markdown(summary)
    assert "No private room to talk: 3 times. Service requirement: 5.1 Co-located services" in md
    assert "not a" in md and "failure" in md  # the woman's own choice is not a failure
    assert "She chose not to, or said no: twice" in md
    assert "1 answer marked Partly or Not done had no reason given" in md
    # The practitioner's words are quoted as written, line breaks kept.
    assert "  > Drained, and a bit angry that there was nowhere private." in md
    assert "  > Glad I stayed calm." in md
    # Quoted as text: rendered, the words read as written (tests/test_markdown_safety.py).
    assert SCRIPT not in md
    assert '&lt;script&gt;alert("hi")&lt;/script&gt;' in md
    assert "- [x] Book the perinatal substance-use training day" in md
    assert "- [ ] Raise the lack of a private room at the team meeting" in md
    assert "1 of 2 marked done." in md
    assert "(flagged without a note)" in md
    assert "“Offered her a private space to talk”: not done. Why: No private room to talk." in md


@pytest.mark.parametrize("make", [make_summary, make_empty_summary])
def test_markdown_lines_fit_except_table_rows(make) -> None:
    for line in render_markdown(make()).splitlines():
        if not line.startswith("|"):
            assert len(line) <= 100, line


def test_markdown_empty_sections_say_so_kindly(empty_summary: dict) -> None:
    md = render_markdown(empty_summary)
    for heading in MD_HEADINGS[1:]:
        assert heading in md
    for kind in [
        "Nothing flagged this time.",
        "No comments on sessions this time.",
        "There is no earlier supervision record, so no actions to look back on.",
        "No service barriers recorded this time.",
        "No practice points recorded this time.",
        "Nothing recorded as the woman's own choice this time.",
        "No critical items were left undone.",
        "The language coach had no suggestions this time.",
        "No contacts were marked as emotionally heavy this time.",
        "No checklists were recorded in this period.",
        "No finished checklists in this period, so there is no week-by-week chart.",
        "Nothing written here this time.",
    ]:
        assert kind in md
    assert "fewer than 5 contacts: no comparison" in md
    assert "three months" in md


# --- HTML ----------------------------------------------------------------------------------


class Checker(HTMLParser):
    """Collects what the page refers to and checks that every opened element is closed."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.th_without_scope = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        values = dict(attrs)
        for name in ("src", "href", "xlink:href", "action", "data"):
            if name in values:
                self.links.append(values[name] or "")
        if tag == "th" and "scope" not in values:
            self.th_without_scope += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        values = dict(attrs)
        for name in ("src", "href", "xlink:href"):
            if name in values:
                self.links.append(values[name] or "")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Checker:
    checker = Checker()
    checker.feed(page)
    checker.close()
    return checker


def test_html_is_well_formed_and_self_contained(summary: dict) -> None:
    page = render_html(summary)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in page
    checker = parse(page)
    assert checker.errors == []
    assert checker.stack == []
    for link in checker.links:
        assert "http" not in link and "//" not in link, link
    assert "http:" not in page and "https:" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "<script" not in page  # no scripts at all, and the reflection's one is escaped
    assert "<link" not in page and "<img" not in page and "@import" not in page
    assert "url(" not in page
    assert "title" in checker.tags and "style" in checker.tags
    assert "@media print" in page
    assert checker.th_without_scope == 0


def test_html_charts_figures_and_escaping(summary: dict) -> None:
    page = render_html(summary)
    checker = parse(page)
    assert checker.tags.count("svg") >= len(STAFF) + 1  # a bar per requirement, and activity
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;" in page
    assert "kitchen table &amp; letting her lead" in page
    text = " ".join(checker.text)
    for number in STAFF:
        assert number in text
    for symbol in ("✓", "◐", "✗", "–"):
        assert symbol in text
    assert "▲ 15 pts" in text and "75%" in text
    assert "No private room to talk" in text and "5.1" in text
    for heading in ("What I did", "What I learned", "How I am"):
        assert heading in text
    # The supervision model's terms stay, in the line under each plain heading.
    for term in ("(normative)", "(formative)", "(restorative)"):
        assert term in text
    assert "Nothing flagged this time." not in text


def test_html_escapes_every_kind_of_user_text(summary: dict) -> None:
    evil = "<u>under</u>"
    summary["person"] = evil
    summary["prepared_by"] = evil
    summary["requirements"]["7.1"]["title"] = evil
    summary["barrier_details"]["service"][0]["label"] = evil
    summary["comments"][0]["text"] = evil
    summary["comments"][0]["by"] = evil
    summary["actions"][0]["text"] = evil
    summary["flagged"][0]["title"] = evil
    summary["learning"]["language"]["terms"][0]["term"] = evil
    summary["wellbeing"]["heavy_sessions"][0]["why"] = evil
    summary["activity"]["by_checklist"]["any-contact"]["title"] = evil
    page = render_html(summary)
    assert "<u>" not in page
    assert "&lt;u&gt;under&lt;/u&gt;" in page
    assert parse(page).errors == []


def test_html_empty_sections(empty_summary: dict) -> None:
    page = render_html(empty_summary)
    checker = parse(page)
    assert checker.errors == []
    text = " ".join(checker.text)
    assert "Nothing flagged this time." in text
    assert "No comments on sessions this time." in text
    for number in STAFF:
        assert number in text


# --- NMC draft -----------------------------------------------------------------------------

NMC_HEADINGS = [
    "What was the nature of the CPD activity and/or practice-related feedback and/or event or "
    "experience in your practice?",
    "What did you learn from the CPD activity and/or feedback and/or event or experience in "
    "your practice?",
    "How did you change or improve your practice as a result?",
    "How is this relevant to the Code?",
]
THEMES = [
    "Prioritise people",
    "Practise effectively",
    "Preserve safety",
    "Promote professionalism and trust",
]
ALL_IDS = [S1, S2, S3, UNFINISHED, "0c9b8a76", "9f8e7d6c"]


def assert_nothing_identifying(draft: str) -> None:
    for name in ("Alex", "Practitioner", "Sam", "Supervisor"):
        assert name not in draft
    for session_id in ALL_IDS:
        assert session_id[:8] not in draft


def test_nmc_period_draft(summary: dict) -> None:
    draft = render_nmc(summary)
    positions = [draft.index(h) for h in NMC_HEADINGS]
    assert positions == sorted(positions)
    theme_positions = [draft.index(f"- [ ] {theme}") for theme in THEMES]
    assert theme_positions == sorted(theme_positions)
    assert "DRAFT" in draft
    assert "must not identify" in draft
    assert "incident" in draft
    assert "suggestion" in draft.lower()
    assert "22 Aug 2026 to 22 Nov 2026" in draft
    assert_nothing_identifying(draft)
    # Reflections from across the period.
    assert "Ask the clinic manager early" in draft
    assert "Stayed with her while the neonatal team" in draft
    assert "Hopeful, though tired" in draft


def test_nmc_one_session(summary: dict) -> None:
    draft = render_nmc(summary, session_id=S1)
    assert_nothing_identifying(draft)
    assert "Ask the clinic manager early" in draft
    assert "Drained, and a bit angry" in draft
    assert "talk in a corridor" in draft or "talk in\n" in draft
    assert "How to support her in the weeks after removal" in draft
    # Nothing from the other sessions.
    assert "Explain the plan for after the birth" not in draft
    assert "kitchen table" not in draft
    assert "Hopeful, though tired" not in draft
    assert "Stayed with her while the neonatal team" not in draft
    positions = [draft.index(h) for h in NMC_HEADINGS]
    assert positions == sorted(positions)
    for theme in THEMES:
        assert f"- [ ] {theme}" in draft


def test_nmc_suggests_themes_from_requirements(summary: dict) -> None:
    draft = render_nmc(summary)
    line = next(line for line in draft.splitlines() if "suggestion" in line.lower())
    assert "Prioritise people" in draft[draft.index(line) :]


def test_nmc_unknown_session_is_a_plain_error(summary: dict) -> None:
    with pytest.raises(ValueError, match="no session"):
        render_nmc(summary, session_id="not-a-session")


def test_nmc_empty_period(empty_summary: dict) -> None:
    draft = render_nmc(empty_summary)
    for heading in NMC_HEADINGS:
        assert heading in draft
    for theme in THEMES:
        assert f"- [ ] {theme}" in draft
    assert_nothing_identifying(draft)


def test_renderers_do_not_change_the_summary(summary: dict) -> None:
    before = copy.deepcopy(summary)
    render_markdown(summary)
    render_html(summary)
    render_nmc(summary)
    render_nmc(summary, S2)
    assert summary == before


def test_nmc_flags_possible_identifiers(summary: dict) -> None:
    summary["wellbeing"]["difficult"][0]["text"] += " She lives near G12 8QQ."
    draft = render_nmc(summary, session_id=S1)
    assert re.search(r"postcode", draft)


def test_entries_name_the_checklist_when_there_are_several(summary: dict) -> None:
    assert "2 Sep 2026 · Any contact" not in render_markdown(summary)
    summary["activity"]["by_checklist"]["birth-and-ward"] = {"title": "On the ward", "count": 1}
    md = render_markdown(summary)
    assert "- 2 Sep 2026 · Any contact: approach and care delivery" in md
    assert "2 Sep 2026 · Any contact: approach and care delivery" in render_html(summary)
