"""The summary's JSON is a contract (docs/summary-format.md): the typed summary must give
exactly what the dict builder gave, field for field and value for value.

The golden file was written by the dict builder (before the typed summary) from the rich
synthetic store below, with the values that change from run to run (ids, times the store
stamps) replaced by placeholders in the order they first appear.
Everything is synthetic: invented staff names, invented reflections, no women's details.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.reports.period import build_summary
from store.reports.summary_model import Summary
from store.supervision import new_action
from tests.helpers import finish_session

GOLDEN = Path(__file__).parent / "golden" / "summary.json"
SINCE, UNTIL = "2026-07-01", "2026-09-30"
IDS = {"id", "session_id"}
STAMPS = {"prepared_at", "created_at", "started_at", "updated_at"}


def rich_store(store, sam, jo, checklist):
    """Every section of the summary has something in it, and the previous period too."""
    first = finish_session(
        store,
        jo,
        checklist,
        "2026-07-03T10:00:00+00:00",
        {
            0: ("done", None),
            1: ("partly", "no-private-room"),
            2: ("not_done", "not-enough-time"),
            3: ("not_applicable", None),
            4: ("not_done", None),
            5: ("partly", "did-not-think"),
        },
        reflection={
            "differently": "Ask about the room at booking",
            "feelings": "Tired but ok",
            "went_well": "She felt listened to; I did not call her an addict",
            "difficult": "The interpreter did not come",
            "supervision": "Would like to talk this through",
        },
        flagged=True,
        note="She was hopeless about it",
    )
    finish_session(
        store,
        jo,
        checklist,
        "2026-08-12T09:30:00+01:00",
        {0: ("not_done", "she-chose-not-to"), 1: ("done", None), 6: ("partly", "not-ready")},
        setting="home",
        stage="postnatal",
        baby_removed=True,
        flagged=True,
    )
    finish_session(store, jo, checklist, "2026-09-29T16:00:00+00:00", {2: ("done", None)})
    # The previous period (same length, just before): for the change in share done.
    finish_session(store, jo, checklist, "2026-05-10T10:00:00+00:00", {0: ("not_done", None)})
    finish_session(store, jo, checklist, "2026-04-02T10:00:00+00:00", {1: ("done", None)})
    # Out of both periods.
    finish_session(store, jo, checklist, "2025-12-01T10:00:00+00:00", {0: ("done", None)})
    store.start_session(jo, checklist, {"setting": "clinic", "stage": "antenatal"})
    store.supervision.add_comment(sam, jo.id, first.id, "Let's talk about the room next time")
    store.supervision.add_record(
        sam,
        jo,
        "We talked about asking for the quiet room earlier in the day.",
        when="2026-06-20",
        actions=[
            new_action("Book the quiet room ahead", "Jo Patel", "2026-12-01"),
            new_action("Read the local guidance", "Jo Patel"),
        ],
    )


def normalised(summary: dict) -> dict:
    """The summary with its run-to-run values replaced by placeholders: ids numbered in order
    of appearance (so the same session keeps its number), times the store stamps by name."""
    seen: dict[str, str] = {}

    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if key in IDS and isinstance(value, str):
            return seen.setdefault(value, f"<id-{len(seen)}>")
        if key in STAMPS and isinstance(value, str):
            return f"<{key}>"
        return value

    return walk(summary)


@pytest.fixture
def rich(team, checklist_v1):
    # Version 1, as the golden file was made on it: sessions keep the wording they answered.
    store, sam, jo, _kit = team
    rich_store(store, sam, jo, checklist_v1)
    return store, sam, jo


def test_the_summary_json_is_the_golden_one(rich) -> None:
    store, sam, jo = rich
    summary = build_summary(store, sam, of=jo, since=SINCE, until=UNTIL).as_dict()
    got = json.dumps(normalised(summary), ensure_ascii=False, indent=2) + "\n"
    assert got == GOLDEN.read_text(encoding="utf-8")  # the same fields, in the same order


@pytest.mark.parametrize("fmt", ["md", "html", "nmc"])
def test_the_renderers_give_the_golden_text(fmt: str) -> None:
    """Each renderer, fed the golden summary, gives the text it gave before the typed summary."""
    from reports.output import render

    golden = GOLDEN.with_suffix(f".{fmt}")
    got = render(json.loads(GOLDEN.read_text(encoding="utf-8")), fmt)
    assert got == golden.read_text(encoding="utf-8")


def test_the_typed_summary_reads_its_own_json_back(rich) -> None:
    """`from_dict(as_dict())` is the same summary, so a saved JSON file renders as it was."""
    store, sam, jo = rich
    summary = build_summary(store, sam, of=jo, since=SINCE, until=UNTIL)
    assert isinstance(summary, Summary)
    assert Summary.from_dict(summary.as_dict()) == summary
    assert Summary.from_dict(summary.as_dict()).as_dict() == summary.as_dict()


def test_a_broken_summary_reads_as_empty_fields_not_an_error() -> None:
    broken = Summary.from_dict(
        {"person": 3, "activity": {"finished": "lots", "by_week": "x"}, "last_record": {}}
    )
    assert broken.person == "3"
    assert broken.activity.finished == 0 and broken.activity.by_week == ()
    assert broken.last_record is None and broken.period.previous is None
    assert Summary.from_dict(None) == Summary()


def test_an_unfinished_session_is_stale_after_a_week_and_an_unreadable_stamp_is_not() -> None:
    from datetime import datetime, timedelta

    from store.reports.period import STALE_DRAFT, _older_than

    now = datetime.now().astimezone()
    assert _older_than((now - timedelta(days=8)).isoformat(), now, STALE_DRAFT)
    assert not _older_than((now - timedelta(days=6)).isoformat(), now, STALE_DRAFT)
    for unreadable in ("", "yesterday", "2026-11-01T10:00:00", 42, None):
        assert not _older_than(unreadable, now, STALE_DRAFT)
