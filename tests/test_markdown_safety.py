"""The Markdown outputs (the supervision summary and the draft NMC account) quote people's words
as text: rendered by the renderers other systems use, nothing typed becomes HTML, a link, a
heading, a list or a table (issue 14, point 1), and the layout survives rendering (point 9).

Renderers: python-markdown with its tables extension, and markdown-it-py both as GitHub does
("gfm-like": tables, strikethrough, bare addresses linked) and as CommonMark with tables.
Each export is rendered twice: once from a summary whose every typed field holds attacks, and
once from its twin with plain words in the same places and the same line breaks. The two must
give the same elements with the same attributes, so nothing in the HTML came from what was
typed; and the typed words must be in the rendered text, as typed.

All people and words are synthetic.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from html.parser import HTMLParser

import markdown
import pytest
from markdown_it import MarkdownIt

from reports import render_markdown, render_nmc
from tests.test_reports_render import S1, make_summary

ATTACKS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "# heading",
    "* item",
    "1. item",
    "- item",
    "| a | b |",
    "|---|---|",
    "`code` and ```fence",
    "<https://evil>",
    "https://evil.example",
    "www.evil.example and nhs.uk",
    "mail me: someone@evil.example",
    "**bold** _em_ ~~gone~~",
    "![pic](https://evil.example/x.png)",
    "[ref]: https://evil.example",
    "&lt;b&gt; &amp; <!-- comment -->",
    "> quoted",
    "===",
    "    four spaces in",
    "back\\slash and trailing\\",
)
# One line an attacker might put in a one-line field (a name, a title).
ONE_LINE = " ".join(ATTACKS[:3])


def _attack_text(seed: int) -> str:
    """Every attack, one a line, starting at a different one for each field."""
    lines = ATTACKS[seed % len(ATTACKS) :] + ATTACKS[: seed % len(ATTACKS)]
    return "\n".join(lines)


def _plain_like(text: str) -> str:
    """Plain words with the same lines (blank lines kept) as `text`, and an e-mail address
    where it has one, so the draft account warns about both alike."""

    def plain(n: int, line: str) -> str:
        if not line.strip():
            return ""
        return f"plain words {n}" + (" plain@example.org" if "@" in line else "")

    return "\n".join(plain(n, line) for n, line in enumerate(text.splitlines()))


# Where typed words (or words from a data-folder file) sit in the summary.
MULTI_LINE = (
    ("learning", "differently", "text"),
    ("learning", "went_well", "text"),
    ("wellbeing", "feelings", "text"),
    ("wellbeing", "difficult", "text"),
    ("flagged", None, "text"),
    ("comments", None, "text"),
)


def hostile_pair() -> tuple[dict, dict, list[str]]:
    """(the summary full of attacks, its plain twin, every typed text that went in)."""
    hostile, plain = make_summary(), make_summary()
    typed: list[str] = []
    seed = 0

    def put(target_h: dict, target_p: dict, key: str, multi: bool, shown: bool = True) -> None:
        nonlocal seed
        seed += 1
        words = _attack_text(seed) if multi else ONE_LINE + f" {seed}"
        target_h[key] = words
        target_p[key] = _plain_like(words) if multi else f"plain name {seed}"
        if shown:
            typed.append(words)

    for part, group, key in MULTI_LINE:
        h_list = hostile[part][group] if group else hostile[part]
        p_list = plain[part][group] if group else plain[part]
        for h_entry, p_entry in zip(h_list, p_list, strict=True):
            put(h_entry, p_entry, key, multi=True)
    # One-line fields: names, titles from checklist files, reasons, agreed actions.
    for h, p in ((hostile, plain),):
        put(h, p, "person", False)
        put(h, p, "prepared_by", False)
        put(h["last_record"], p["last_record"], "by", False)
        for h_action, p_action in zip(h["actions"], p["actions"], strict=True):
            put(h_action, p_action, "text", False)
            put(h_action, p_action, "owner", False)
        for h_comment, p_comment in zip(h["comments"], p["comments"], strict=True):
            put(h_comment, p_comment, "by", False)
        put(
            h["activity"]["by_checklist"]["any-contact"],
            p["activity"]["by_checklist"]["any-contact"],
            "title",
            False,
        )
        put(
            h["activity"]["unfinished_sessions"][0],
            p["activity"]["unfinished_sessions"][0],
            "title",
            False,
        )
        for number in h["requirements"]:
            put(h["requirements"][number], p["requirements"][number], "title", False)
        put(h["critical_not_done"][0], p["critical_not_done"][0], "prompt", False)
        for level in h["barrier_details"]:
            for h_detail, p_detail in zip(
                h["barrier_details"][level], p["barrier_details"][level], strict=True
            ):
                put(h_detail, p_detail, "label", False)
                for h_req, p_req in zip(
                    h_detail["requirements"], p_detail["requirements"], strict=True
                ):
                    put(h_req, p_req, "title", False)
        for h_term, p_term in zip(
            h["learning"]["language"]["terms"], p["learning"]["language"]["terms"], strict=True
        ):
            put(h_term, p_term, "term", False)
            put(h_term, p_term, "prefer", False)
        for h_flag, p_flag in zip(h["flagged"], p["flagged"], strict=True):
            put(h_flag, p_flag, "title", False, shown=False)  # as the sessions' titles
        for h_session, p_session in zip(h["sessions"], p["sessions"], strict=True):
            # Shown in the summary only when the period used several checklists.
            put(h_session, p_session, "title", False, shown=False)
    return hostile, plain, typed


# --- renderers -----------------------------------------------------------------------------


def python_markdown(text: str) -> str:
    return markdown.markdown(text, extensions=["tables"])


def markdown_it_gfm(text: str) -> str:
    return MarkdownIt("gfm-like").render(text)  # tables, strikethrough, linkify


def markdown_it_commonmark(text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(text)


RENDERERS = {
    "python-markdown+tables": python_markdown,
    "markdown-it gfm-like": markdown_it_gfm,
    "markdown-it commonmark+table": markdown_it_commonmark,
}


class Page(HTMLParser):
    """Every element with its attributes, and the text, from rendered HTML."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: Counter = Counter()
        self.attributes: set[tuple[str, str, str]] = set()
        self.text: list[str] = []
        self.comments: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs) -> None:
        self.elements[tag] += 1
        for name, value in attrs:
            self.attributes.add((tag, name, value or ""))

    handle_startendtag = handle_starttag

    def handle_data(self, data) -> None:
        self.text.append(data)

    def handle_comment(self, data) -> None:
        self.comments.append(data)

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


def squash(text: str) -> str:
    return " ".join(text.split())


EXPORTS = {
    "summary": lambda summary: render_markdown(summary),
    "nmc period": lambda summary: render_nmc(summary),
    "nmc one session": lambda summary: render_nmc(summary, session_id=S1),
}


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("export", EXPORTS)
def test_typed_words_render_as_text_and_nothing_else(export: str, renderer: str) -> None:
    hostile, plain, typed = hostile_pair()
    make, render = EXPORTS[export], RENDERERS[renderer]
    attacked = Page(render(make(hostile)))
    twin = Page(render(make(plain)))
    # The same elements, as many of each, with the same attributes: nothing typed made one.
    assert attacked.elements == twin.elements
    assert attacked.attributes == twin.attributes
    for tag in ("script", "img", "a", "del", "em", "input", "ol", "h4", "iframe"):
        assert tag not in attacked.elements, tag
    assert not [a for a in attacked.attributes if a[1] in ("href", "src") or a[1][:2] == "on"]
    assert attacked.comments == twin.comments  # only the template's first line, if any
    # The words, as typed, are in the rendered text (the text of each typed line, whitespace
    # folded, since the renderers fold it too). The summary quotes every field; the draft
    # account only the reflections (the next test).
    if export == "summary":
        for words in typed:
            for line in words.splitlines():
                if line.strip():
                    assert squash(line) in attacked.words, (line, renderer)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_the_nmc_draft_quotes_every_reflection_as_text(renderer: str) -> None:
    hostile, _, _ = hostile_pair()
    shown = Page(RENDERERS[renderer](render_nmc(hostile))).words
    for part, group in (("learning", "differently"), ("learning", "went_well")):
        for entry in hostile[part][group]:
            for line in entry["text"].splitlines():
                assert squash(line) in shown, line
    for entry in hostile["wellbeing"]["feelings"] + hostile["wellbeing"]["difficult"]:
        for line in entry["text"].splitlines():
            assert squash(line) in shown, line


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_persons_line_breaks_are_kept_as_line_breaks(renderer: str) -> None:
    summary = make_summary()
    summary["wellbeing"]["feelings"][0]["text"] = "First line\nSecond line\n\nA new paragraph"
    html = RENDERERS[renderer](render_markdown(summary))
    assert re.search(r"First line\s*<br\s*/?>\s*Second line", html), html
    assert re.search(r"Second line</p>\s*<p>A new paragraph", html)
    nmc = RENDERERS[renderer](render_nmc(summary))
    assert re.search(r"First line\s*<br\s*/?>\s*Second line", nmc)


# --- layout (issue 14, point 9) -----------------------------------------------------------


class Blocks(HTMLParser):
    """The text of each paragraph and list item, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("p", "li", "h1", "h2", "h3", "td", "th"):
            self.open.append((tag, []))

    def handle_endtag(self, tag) -> None:
        if self.open and self.open[-1][0] == tag:
            name, parts = self.open.pop()
            self.blocks.append((name, "".join(parts)))

    def handle_data(self, data) -> None:
        if self.open:
            self.open[-1][1].append(data)


def blocks(html: str) -> list[tuple[str, str]]:
    parser = Blocks()
    parser.feed(html)
    return parser.blocks


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_line_that_must_stay_a_line_does(renderer: str) -> None:
    text = render_markdown(make_summary())
    found = blocks(RENDERERS[renderer](text))
    paragraphs = [squash(words) for tag, words in found if tag == "p"]
    key = [p for p in paragraphs if p.startswith("Key:")]
    assert key == ["Key: ✓ done · ◐ partly · ✗ not done · – not applicable · · not answered"]
    assert [p for p in paragraphs if p.startswith("Share done =")] == [
        "Share done = done ÷ (done + partly + not done); not applicable and not answered are "
        "left out."
    ]
    assert "By checklist:" in paragraphs
    assert "Unfinished checklists (they can be resumed or left):" in paragraphs
    # No list was swallowed into a paragraph: no paragraph holds a line starting "- ".
    for tag, words in found:
        if tag == "p":
            assert not re.search(r"(^|\n)\s*[-*] ", words), words
    items = [squash(words) for tag, words in found if tag == "li"]
    assert "Any contact: approach and care delivery (12)" in items
    assert any(i.startswith("Period: 22 Aug 2026 to 22 Nov 2026") for i in items)
    assert any(i.startswith("[x] Book the perinatal") or "Book the perinatal" in i for i in items)

    nmc = blocks(RENDERERS[renderer](render_nmc(make_summary())))
    nmc_paragraphs = [squash(words) for tag, words in nmc if tag == "p"]
    assert "Period: 22 Aug 2026 to 22 Nov 2026" in nmc_paragraphs
    assert "Drawn from: the reflections from this period" in nmc_paragraphs
    for tag, words in nmc:
        if tag == "p":
            assert not re.search(r"(^|\n)\s*[-*] ", words), words


def test_the_files_say_they_are_github_flavoured_markdown() -> None:
    for text in (render_markdown(make_summary()), render_nmc(make_summary())):
        first = text.splitlines()[0]
        assert first.startswith("<!--") and "GitHub-flavoured Markdown" in first


def test_every_list_has_a_blank_line_before_it() -> None:
    for text in (render_markdown(make_summary()), render_nmc(make_summary())):
        lines = text.splitlines()
        for before, line in zip(lines, lines[1:], strict=False):
            if re.match(r"- ", line) and before.strip():
                assert re.match(r"(- |  )", before), (before, line)  # only inside a list


def test_the_golden_summary_is_unchanged_by_a_copy() -> None:
    """Rendering does not change what it was given (the escaping works on copies)."""
    hostile, _, _ = hostile_pair()
    kept = copy.deepcopy(hostile)
    render_markdown(hostile)
    render_nmc(hostile)
    assert hostile == kept
