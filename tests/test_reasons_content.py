"""The reasons file as content (issue 15, part 4): service barriers that name what the service
must fix, ids that are never deleted or reused, retired reasons that are no longer offered but
still read in old sessions, and one truth between reasons.yaml and docs/summary-format.md."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from checklists import load_library
from services.interop import export_csv
from store.reports.period import build_summary
from store.summary import summarise_session
from tests.helpers import SIZE, finish_session, press, settle, sign_in, start_checklist
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.reasons import RETIRED_MARK, ReasonScreen

ROOT = Path(__file__).resolve().parent.parent
WHEN = "2026-11-20T10:00:00+00:00"

# Every reason id ever shipped, with its level. A reason id is never deleted or reused, and
# its level never changes: a reason that goes is `retired: true`, a changed meaning or level
# gets a new id. Add new ids here; never take one out.
EVER_SHIPPED: dict[str, str] = {
    # version 1
    "no-private-room": "service",
    "not-enough-time": "service",
    "short-staffed": "service",
    "no-training": "service",
    "no-interpreter": "service",
    "no-service-to-refer": "service",
    "no-support-after-removal": "service",
    "no-way-to-contact": "service",
    "not-seen-alone": "service",
    "service-something-else": "service",
    "did-not-think": "practice",
    "not-sure-how": "practice",
    "ran-out-of-time": "practice",
    "more-urgent": "practice",
    "practice-something-else": "practice",
    "she-chose-not-to": "woman",
    "not-right-time": "woman",
    "not-ready": "woman",
    "too-soon-after-removal": "woman",
    "woman-something-else": "woman",
    # version 2
    "caseload-too-high": "service",
    "team-short-staffed": "service",
    "covering-not-usual-worker": "service",
    "no-named-worker": "service",
    "records-not-shared": "service",
    "gp-not-in-planning": "service",
    "only-drug-service-premises": "service",
    "no-help-with-fares": "service",
    "no-call-back-system": "service",
    "no-supervision": "service",
    "partner-service-funding": "service",
    "mother-baby-separated": "service",
    "time-went-elsewhere": "practice",
    "not-safe-to-raise": "practice",
    "wanted-other-focus": "woman",
}

RETIRED = {"short-staffed", "ran-out-of-time", "not-right-time"}

# The service barriers issue 15 names, each with the requirement(s) it points to.
SERVICE_BARRIERS: dict[str, tuple[str, ...]] = {
    "records-not-shared": ("5.1",),
    "no-named-worker": ("5.2", "5.3"),
    "caseload-too-high": ("4.1",),
    "partner-service-funding": ("4.1",),
    "no-supervision": ("4.4",),
    "no-help-with-fares": ("6.3",),
    "only-drug-service-premises": ("6.1", "6.2"),
    "no-call-back-system": ("8.3",),
    "mother-baby-separated": ("5.9",),
    "gp-not-in-planning": ("5.1",),
    # the split of "short-staffed / covering"
    "team-short-staffed": ("4.1",),
    "covering-not-usual-worker": ("5.2",),
    # space for private conversations is 5.1, not 4.1
    "no-private-room": ("5.1",),
}


@pytest.fixture(scope="module")
def library():
    return load_library()


def by_id(library) -> dict:
    return {r.id: r for r in library.reasons}


def test_no_reason_id_ever_shipped_is_gone_or_changes_level(library) -> None:
    reasons = by_id(library)
    missing = sorted(set(EVER_SHIPPED) - set(reasons))
    assert missing == [], f"reason ids deleted (retire them instead): {missing}"
    moved = {
        i: (level, reasons[i].level)
        for i, level in EVER_SHIPPED.items()
        if reasons[i].level != level
    }
    assert moved == {}, f"reason ids changed level (retire and add a new id): {moved}"
    new = sorted(set(reasons) - set(EVER_SHIPPED))
    assert new == [], f"add these new ids to EVER_SHIPPED: {new}"


def test_the_service_barriers_the_evidence_names_point_to_their_requirements(library) -> None:
    reasons = by_id(library)
    for reason_id, requirements in SERVICE_BARRIERS.items():
        reason = reasons[reason_id]
        assert reason.level == "service", reason_id
        assert reason.requirements == requirements, reason_id
        assert not reason.retired, reason_id


def test_every_service_reason_names_a_requirement(library) -> None:
    """The service lead's report counts service barriers by requirement."""
    for reason in library.reasons:
        if reason.level == "service" and not reason.asks_note:
            assert reason.requirements, reason.id
            assert set(reason.requirements) <= set(library.requirements), reason.id


def test_the_retired_reasons_and_what_replaced_them(library) -> None:
    reasons = by_id(library)
    assert {r.id for r in library.reasons if r.retired} == RETIRED
    # "Not safe, or not the right moment" is a professional judgement, not her choice.
    assert reasons["not-right-time"].level == "woman"
    judgement = reasons["not-safe-to-raise"]
    assert judgement.level == "practice" and judgement.label.startswith("I judged")
    # Running out of time no longer says "I ran out of time"; workload is a service reason.
    assert "ran out" not in reasons["time-went-elsewhere"].label.lower()
    assert reasons["wanted-other-focus"].label == "She wanted to focus on something else today"
    assert reasons["wanted-other-focus"].level == "woman"
    # Each retired reason keeps its label and level for old sessions, and says it is retired.
    assert reasons["short-staffed"].to_dict()["retired"] is True
    assert "retired" not in reasons["no-private-room"].to_dict()


def test_a_retired_reason_is_not_offered_but_one_already_given_stays_in_view(library) -> None:
    reasons = by_id(library)
    for reason_id in RETIRED:
        assert not reasons[reason_id].offered({"baby_removed": True})
        assert reasons[reason_id].offered({}, given=[reason_id])
    assert reasons["no-private-room"].offered({})
    assert not reasons["too-soon-after-removal"].offered({})
    # given for this answer before the setup changed: still shown, so never dropped unseen
    assert reasons["too-soon-after-removal"].offered({}, given=["too-soon-after-removal"])


async def test_the_picker_offers_no_retired_reason_and_keeps_one_already_given(store, alex) -> None:
    from textual.widgets import OptionList

    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        await press(pilot, "3", then=ReasonScreen)
        options = app.screen.query_one("#reasons", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert not RETIRED & set(ids)
        assert {"team-short-staffed", "not-safe-to-raise", "wanted-other-focus"} <= set(ids)
        # The list is longer than the screen: a line names the groups out of view, it
        # scrolls, and the last reason can be reached with the hint still in view.
        more = app.screen.query_one("#reasons-more")
        assert more.display
        assert str(more.render()) == "↓ more below: Something in my practice, Her own choice"
        options.highlighted = ids.index("woman-something-else")
        await settle(app, pilot)
        last = options.get_option_at_index(options.highlighted)
        assert last.id == "woman-something-else"
        assert options.scroll_y > 0
        assert str(more.render()) == "↑ more above: Something in the service"
        hint = app.screen.query_one(".hint")
        assert hint.region.height >= 1 and hint.region.bottom <= SIZE[1]
        await press(pilot, "escape", then=ChecklistScreen)

        # An answer saved with a retired reason (before it was retired): the picker shows it
        # ticked and marked, and confirming keeps it.
        item = screen.items[screen.index]
        screen.session.answer(item, "not_done")
        screen.session.set_reasons(item, ["short-staffed"])
        await press(pilot, "3", then=ReasonScreen)
        options = app.screen.query_one("#reasons", OptionList)
        prompts = {
            options.get_option_at_index(i).id: str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
        }
        assert prompts["short-staffed"].startswith("[x] Short-staffed")
        assert prompts["short-staffed"].endswith(RETIRED_MARK)
        assert "ran-out-of-time" not in prompts
        await press(pilot, "enter", then=ChecklistScreen)
        assert screen.session.reasons(item.id) == ["short-staffed"]


def test_an_old_session_citing_a_retired_reason_is_still_labelled_and_counted(
    store, alex, checklist, tmp_path
) -> None:
    session = finish_session(
        store,
        alex,
        checklist,
        WHEN,
        {0: ("not_done", "short-staffed"), 1: ("partly", "not-right-time"), 2: ("done", None)},
    )
    items = session.visible_items(checklist)
    summary = summarise_session(session, checklist, store.library)
    [service] = summary.by_level["service"]
    assert service.reason_label == "Short-staffed, or I was covering and not her usual worker"
    [woman] = summary.by_level["woman"]
    assert woman.reason_label == "It was not safe, or not the right moment, to raise it"
    assert summary.no_reason == []

    period = build_summary(store, alex, since="2026-11-01", until="2026-11-30")
    assert period.barriers["service"]["short-staffed"] == 1
    assert period.barriers["woman"]["not-right-time"] == 1
    [detail] = period.barrier_details["service"]
    assert detail.label.startswith("Short-staffed") and detail.requirements[0].number == "4.1"

    out = tmp_path / "answers.csv"
    export_csv(store, alex, out)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = {row["item_id"]: row for row in csv.DictReader(handle)}
    assert rows[items[0].id]["reason_id"] == "short-staffed"
    assert rows[items[0].id]["reason_level"] == "service"
    assert rows[items[1].id]["reason_level"] == "woman"


def test_reasons_cli_marks_retired_reasons(capsys) -> None:
    from cli.main import main

    assert main(["checklists", "reasons", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert {i for i, r in rows.items() if r.get("retired")} == RETIRED
    assert main(["checklists", "reasons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines if line.endswith("(retired)")] == [
        r.id for r in load_library().reasons if r.retired
    ]


# --- one truth: docs/summary-format.md and reasons.yaml -------------------------------------

_DOC_DETAIL = re.compile(
    r'\{"reason":\s*"(?P<id>[a-z0-9-]+)",\s*"label":\s*"(?P<label>[^"]*)",[^\[]*'
    r'"requirements":\s*\[(?P<reqs>[^\]]*)\]'
)


def test_summary_format_doc_maps_each_reason_as_reasons_yaml_does(library) -> None:
    """The doc's example barrier names a real reason, with its real label and requirements
    (no-private-room is 5.1, "space for private conversations", as in reasons.yaml)."""
    text = (ROOT / "docs" / "summary-format.md").read_text(encoding="utf-8")
    reasons = by_id(library)
    found = [m for m in _DOC_DETAIL.finditer(text) if m["id"] in reasons]
    assert found, "the doc's barrier_details example names no reason"
    for match in found:
        reason = reasons[match["id"]]
        assert match["label"] == reason.label, match["id"]
        numbers = tuple(re.findall(r'"number":\s*"([0-9.]+)"', match["reqs"]))
        assert numbers == reason.requirements, match["id"]
    assert any(m["id"] == "no-private-room" for m in found)
    # Every reason id the doc uses anywhere is a real one.
    quoted = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', text))
    doc_reasons = {q for q in quoted if q in reasons or q.startswith(("no-", "not-"))}
    assert doc_reasons <= set(reasons), sorted(doc_reasons - set(reasons))
