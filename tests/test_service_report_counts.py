"""The service report's figures against an independent count (issue 16): on a demo store,
every practitioner lists their own sessions (`sessions list --json`), the test counts those
the issue's way, and every figure the lead's report shows must equal it; a figure it hides must
be one the rule hides (1 to 4, or from fewer than 3 practitioners). And no name, note or
reflection of the demo is in any format."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from checklists import NEEDS_REASON, RESPONSES
from store import Store
from store.demo import NOTES, REFLECTIONS
from tests.helpers import run_cli
from tests.test_service_report import month_before

FORMATS = ("json", "md", "html", "csv")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, quick_passphrase_cost):
    folder = tmp_path_factory.mktemp("demo")
    data_dir = folder / "store"
    secret = folder / "passphrase.txt"
    secret.write_text("correct horse battery staple\n")
    result = run_cli(
        "demo",
        "--people",
        "7",
        "--sessions-per-person",
        "40",
        "--passphrase-file",
        str(secret),
        data_dir=data_dir,
    )
    assert result.returncode == 0, result.stderr
    since, until = month_before(12), month_before(1)
    outputs = {}
    for fmt in FORMATS:
        result = run_cli(
            "report",
            "--user",
            "Lee Lead",
            "--passphrase-file",
            str(secret),
            "--since",
            since,
            "--until",
            until,
            "--format",
            fmt,
            data_dir=data_dir,
        )
        assert result.returncode == 0, result.stderr
        outputs[fmt] = result.stdout
    store = Store(data_dir)
    sessions = {}
    for person in store.people.all():
        if not person.has("practitioner"):
            continue
        listed = run_cli(
            "sessions",
            "list",
            "--json",
            "--user",
            person.name,
            "--passphrase-file",
            str(secret),
            data_dir=data_dir,
        )
        assert listed.returncode == 0, listed.stderr
        sessions[person.name] = [s for s in json.loads(listed.stdout) if s["author"] == person.name]
    return store, outputs, sessions, (since, until)


@pytest.fixture(scope="module")
def quick_passphrase_cost():
    import store.passwords as passwords

    before = passwords.N
    passwords.N = 2**4
    yield
    passwords.N = before


def independent(store, sessions, since, until):
    """The issue's counting rules, over every practitioner's own session list."""
    service = {r.id for r in store.library.reasons if r.level == "service"}
    cells: dict[tuple, set] = defaultdict(list)  # figure -> authors, one per count
    for author, listed in sessions.items():
        for s in listed:
            month = (s.get("completed_at") or "")[:7]
            if s["status"] != "complete" or not since <= month <= until:
                continue
            cells[("contacts",)].append(author)
            hit = set()
            for answer in s["answers"].values():
                if not answer.get("shown", True) or answer["response"] not in RESPONSES:
                    continue
                for q in answer["requirements"]:
                    cells[("requirements", q, answer["response"])].append(author)
                if answer["response"] in NEEDS_REASON:
                    for r in dict.fromkeys(answer["reasons"]):
                        if r in service:
                            hit.add(r)
                            for q in answer["requirements"]:
                                cells[("blocked", q, r)].append(author)
            for r in hit:
                cells[("barriers", r)].append(author)
    return cells


def test_every_figure_shown_equals_the_independent_count(demo) -> None:
    store, outputs, sessions, (since, until) = demo
    data = json.loads(outputs["json"])
    cells = independent(store, sessions, since, until)
    figures = [(("contacts",), data["contacts"])]
    figures += [(("barriers", r), n) for r, n in data["barriers"].items()]
    figures += [
        (("requirements", q, r), n)
        for q, row in data["requirements"].items()
        for r, n in row.items()
    ]
    figures += [
        (("blocked", q, r), n) for q, row in data["blocked"].items() for r, n in row.items()
    ]
    shown = hidden = 0
    for key, value in figures:
        authors = cells.get(key, [])
        if value is None:
            hidden += 1
            assert 0 < len(authors) < 5 or len(set(authors)) < 3, key
        else:
            shown += 1
            assert value == len(authors), key
    assert shown > 50 and data["contacts"] > 100  # enough to mean something
    contacts = len(cells[("contacts",)])
    for r, n in data["barriers"].items():
        if n is not None:
            assert data["barrier_rates"][r] == round(100 * n / contacts, 1)


def test_no_name_note_or_reflection_in_any_format(demo) -> None:
    store, outputs, _sessions, _period = demo
    names = [p.name for p in store.people.all()]
    texts = [t for t in (*NOTES, *(t for o in REFLECTIONS.values() for t in o)) if t.strip()]
    for fmt, text in outputs.items():
        for name in names:
            assert name not in text, (fmt, name)
            for part in name.split():  # not even a first name (none is a word of the report)
                assert f" {part} " not in text, (fmt, part)
        for words in texts:
            assert words not in text, (fmt, words)


def test_the_html_has_inline_svg_charts_with_symbols_and_the_csv_only_aggregates(demo) -> None:
    _store, outputs, _sessions, _period = demo
    html = outputs["html"]
    assert html.count("<svg") >= 2 and "<script" not in html and "http" not in html
    assert "✓" in html and "✗" in html  # answers' symbols drawn in the chart
    assert any(symbol in html for symbol in "▲▼=")  # changes as symbols
    rows = outputs["csv"].lstrip("\ufeff").splitlines()
    assert rows[0] == "table,row,column,value"
    assert all(len(row.split(",")) >= 4 for row in rows)
    assert "completed_at" not in outputs["csv"] and "session" not in outputs["csv"].lower()
