"""The printed HTML summary and the "fewer than 5 contacts" rule (issue 14, point 8).

- Printed, headings and table heads stay with what follows, and every page carries the
  person, the period and its page number: checked by printing with headless Chromium and
  reading each page back with pdftotext (both installed by .ci/run; a missing one fails).
- Changes from the previous period are hidden, with "fewer than 5 contacts: no comparison",
  when either period has fewer than 5 finished checklists: in the HTML, the Markdown, the
  shared text helpers and the app's summary screen, at 4 and 5 on both sides.

All people and words are synthetic.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reports import render_html, render_markdown
from reports import text as t
from reports.html import STYLE, css_string
from store.reports.summary_model import Summary
from tests.test_reports_render import make_summary
from tui.widgets.requirement_bars import RequirementBars

NO_COMPARISON = "fewer than 5 contacts: no comparison"

# (finished in the period, finished in the period before) -> changes shown?
CASES = [
    ((5, 5), True),
    ((5, 9), True),
    ((9, 5), True),
    ((4, 5), False),
    ((5, 4), False),
    ((4, 4), False),
    ((4, 9), False),
    ((12, 0), False),
]


def summary_with(finished: int, before: int) -> dict:
    summary = make_summary()
    summary["activity"]["finished"] = finished
    summary["activity"]["previous_finished"] = before
    return summary


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(("counts", "shown"), CASES)
def test_changes_are_shown_only_with_5_contacts_on_both_sides(counts, shown: bool) -> None:
    summary = summary_with(*counts)
    typed = Summary.from_dict(summary)
    assert t.comparison_shown(typed) is shown

    md = render_markdown(summary)
    page = render_html(summary)
    bars = str(
        RequirementBars.render_rows(
            typed.requirements, None if shown else t.no_comparison_text(typed)
        )
    )
    row = next(line for line in md.splitlines() if line.startswith("| 7.1 "))
    if shown:
        for text in (md, page, bars):
            assert NO_COMPARISON not in text
        assert row.rstrip(" |").endswith("▲ 15 pts")
        assert "▲ 15 pts" in page and ">Change</th>" in page
        assert "▲15" in bars
        assert "Compared with: 23 May 2026 to 21 Aug 2026\n" in md
    else:
        for text in (md, page, bars):
            assert NO_COMPARISON in text
        for text in (md, page):
            assert "▲" not in text and "▼" not in text and "no earlier figures" not in text
        assert "▲" not in bars and "▼" not in bars
        assert ">Change</th>" not in page and "Change |" not in md
        words = f"({counts[0]} in this period, {counts[1]} in the one before)"
        assert words in " ".join(md.split()) and words in page


async def test_the_apps_summary_screen_follows_the_rule(team, checklist) -> None:
    """4 finished this period and 5 before: the screen says so and shows no arrows; with a
    fifth this period it shows them."""
    from tests import helpers
    from tests.helpers import SIZE, rendered_text, sign_in
    from tests.test_supervision import finished_session
    from tui.app import SteppingStonesApp
    from tui.screens.supervision_summary import SupervisionSummaryScreen

    store, _sam, jo, _kit = team
    # The default period: the last three months (no supervision record yet); before it, the
    # three months before that. Done now and not done then: a change to show.
    for days in (100, 110, 120, 130, 140):
        finished_session(store, jo, checklist, days, {0: ("not_done", None)})
    for days in (3, 10, 20, 30):
        finished_session(store, jo, checklist, days, {0: ("done", None)})

    async def screen_text() -> tuple[str, str]:
        app = SteppingStonesApp(data_dir=store.data_dir)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(app, pilot, "Jo Patel")
            await helpers.settle(app, pilot, workers=True)
            await pilot.press("p")
            await helpers.settle(app, pilot, workers=True)
            assert isinstance(app.screen, SupervisionSummaryScreen)
            bars = str(app.screen.query_one(RequirementBars).render())
            return rendered_text(app), bars

    text, bars = await screen_text()
    assert "4 finished checklists" in text
    assert NO_COMPARISON in bars and "(4 in this period, 5 in the one before)" in bars
    assert "▲" not in bars

    finished_session(store, jo, checklist, 40, {0: ("done", None)})
    text, bars = await screen_text()
    assert "5 finished checklists" in text
    assert NO_COMPARISON not in bars and "▲" in bars


# --- print styles --------------------------------------------------------------------------


def test_headings_and_table_heads_stay_with_what_follows() -> None:
    rules = " ".join(STYLE.split())
    assert "h1, h2, h3, caption, .function, .from { break-after: avoid;" in rules
    assert "table { break-inside: avoid;" in rules
    assert "tbody tr:first-child { break-before: avoid;" in rules
    assert "thead { display: table-header-group; }" in rules  # repeated on each page
    assert "thead, tr { break-inside: avoid;" in rules
    page = render_html(make_summary())
    assert "@top-left { content: " in page and "@top-right { content: " in page
    assert 'content: "Page " counter(page) " of " counter(pages)' in page


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"

    def handle_endtag(self, tag) -> None:
        self._in_style = False

    def handle_data(self, data) -> None:
        if self._in_style:
            self.styles.append(data)


def test_a_name_cannot_break_out_of_the_page_margins_style() -> None:
    """The person and the period go into CSS strings in the page's style: a name holding a
    quote, a backslash or `</style><script>` stays inside its string."""
    attack = 'Eve "; } body { display: none } </style><script>alert(1)</script> \\'
    summary = make_summary()
    summary["person"] = attack
    summary["period"]["since"] = "</style><img src=x onerror=alert(1)>"
    page = render_html(summary)
    parsed = Elements()
    parsed.feed(page)
    assert parsed.tags.count("style") == 1
    assert "script" not in parsed.tags and "img" not in parsed.tags
    style = "".join(parsed.styles)
    assert "</" not in style and "display: none" not in style
    # Reading the CSS string back gives the words as they were.
    inner = re.search(r"@top-left \{ content: (\"[^\"]*\")", style).group(1)
    assert inner == css_string(f"Supervision summary: {attack}")
    decoded = re.sub(r"\\([0-9a-f]{1,6}) ", lambda m: chr(int(m.group(1), 16)), inner[1:-1])
    assert decoded == f"Supervision summary: {' '.join(attack.split())}"


# --- a real print --------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is needed for the print test (.ci/run installs it): not found")
    return path


def print_pages(page: str, folder: Path) -> list[str]:
    """`page` printed to PDF by headless Chromium (its own header and footer off), as the
    text of each printed page."""
    chromium, pdftotext = _tool("chromium"), _tool("pdftotext")
    html_file, pdf_file = folder / "summary.html", folder / "summary.pdf"
    html_file.write_text(page, encoding="utf-8")
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={pdf_file}",
            html_file.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf_file), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return [p for p in text.split("\f") if p.strip()]


HEADINGS = (
    "Activity",
    "What I did",
    "Critical items not done",
    "Barriers: why things were partly or not done",
    "What I learned",
    "What I would do differently",
    "What went well",
    "Language",
    "How I am",
    "How I feel",
    "What was difficult",
    "Emotionally heavy contacts",
    "Flagged for supervision",
    "Comments",
    "Agreed actions from last time",
)


# The last line of each table's head, as pdftotext lays it out.
TABLE_HEAD = re.compile(
    r"^(Requirement\s+Answers|Reason\s+Times|Words used\s+Times|(Checklist|Setting|Stage)"
    r"\s+Finished)"
)


def test_every_printed_page_names_the_person_the_period_and_its_number(tmp_path) -> None:
    summary = make_summary()
    summary["comments"] = summary["comments"] * 14  # long enough for several pages
    pages = print_pages(render_html(summary), tmp_path)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "Supervision summary: Alex Practitioner" in text, number
        assert "22 Aug 2026 to 22 Nov 2026" in text, number
        assert f"Page {number} of {len(pages)}" in text, number
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith("Page ")]
        # No page ends on a heading or a table's head: they stay with what follows them.
        assert body[-1] not in HEADINGS, (number, body[-1])
        assert not TABLE_HEAD.search(body[-1]), (number, body[-1])
