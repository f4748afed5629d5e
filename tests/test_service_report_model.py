"""The service report's counting and its disclosure control, on plain structured parts (issue 16).

Each test builds parts the way a finished session's sealed structured part looks, counts the
expected figures independently, and checks the model's JSON names and values.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import pytest

from checklists import STAFF_REQUIREMENTS
from store.reports.service_report_model import (
    PartBatch,
    build,
    previous_period,
    service_reasons,
)


@dataclass(frozen=True)
class R:
    id: str
    label: str
    level: str
    requirements: tuple[str, ...] = ()
    retired: bool = False


REASONS = [
    R("no-private-room", "No private room to talk", "service", ("5.1",)),
    R("not-enough-time", "Not enough time", "service", ("4.1",)),
    R("no-training", "No training", "service", ("4.2",)),
    R("no-service-to-refer", "No service to refer to", "service", ("5",)),
    R("no-support-after-removal", "No support after removal", "service", ("5.10",)),
    R("old-one", "An old service reason", "service", ("4.1",), retired=True),
    R("did-not-think", "I did not think of it", "practice"),
]


def answer(item="i1", response="done", reasons=(), requirements=("7.1",), critical=False):
    return {
        "item": item,
        "requirements": list(requirements),
        "critical": critical,
        "response": response,
        "reasons": list(reasons),
    }


def contact(author, answers, month="2026-10", flagged=False, **setup):
    return {
        "kind": "contact",
        "checklist": "any-contact",
        "version": 1,
        "month": month,
        "setup": {"setting": "clinic", "stage": "antenatal", **setup},
        "flagged": flagged,
        "answers": answers,
        "author": author,
    }


def report(parts, supervision=(), since="2026-08", until="2026-10"):
    return build(parts, supervision, since, until, REASONS, {"7.1": "Kindness"}, {"i1": "Item one"})


def spread(n, authors, make):
    """n parts over the given authors in turn."""
    return [make(authors[k % len(authors)]) for k in range(n)]


def test_previous_period_is_the_same_number_of_whole_months_before() -> None:
    assert previous_period("2026-08", "2026-10") == ("2026-05", "2026-07")
    assert previous_period("2026-01", "2026-01") == ("2025-12", "2025-12")
    with pytest.raises(ValueError):
        previous_period("2026-10", "2026-08")


def test_contacts_barriers_rates_and_change_follow_the_counting_rules() -> None:
    team = ["a", "b", "c", "d"]
    blocked = answer(response="not_done", reasons=["no-private-room", "did-not-think"])
    also = answer("i2", "partly", ["no-private-room"], ["8.1"])
    parts = spread(10, team, lambda a: contact(a, [blocked, also]))  # 10 contacts, 10 barriers
    parts += spread(10, team, lambda a: contact(a, [answer()]))  # 10 more without
    # the previous period: 10 contacts, 5 with the barrier
    parts += spread(5, team, lambda a: contact(a, [blocked], month="2026-06"))
    parts += spread(5, team, lambda a: contact(a, [answer()], month="2026-07"))
    out = report(parts)
    assert out["contacts"] == 20 and out["practitioners"] is None  # 4 people: fewer than 5
    # a session counts once however many answers cite the reason
    assert out["barriers"]["no-private-room"] == 10
    assert out["barrier_rates"]["no-private-room"] == 50.0
    assert out["barrier_change"]["no-private-room"] == 0.0  # 50 per 100 before as well
    assert out["barriers"]["not-enough-time"] == 0
    assert out["barrier_rates"]["not-enough-time"] == 0.0
    assert "did-not-think" not in out["barriers"]  # practice reasons stay in supervision
    assert "old-one" not in out["barriers"]  # retired and never cited: not listed
    assert out["requirements"]["7.1"] == {
        "done": 10,
        "partly": 0,
        "not_done": 10,
        "not_applicable": 0,
    }
    assert out["blocked"]["7.1"]["no-private-room"] == 10
    assert out["blocked"]["8.1"]["no-private-room"] == 10
    assert set(STAFF_REQUIREMENTS) <= set(out["blocked"])
    assert out["period"] == {
        "since": "2026-08",
        "until": "2026-10",
        "months": 3,
        "previous": {"since": "2026-05", "until": "2026-07"},
    }


def test_a_figure_of_four_is_hidden_and_five_is_shown() -> None:
    team = ["a", "b", "c"]
    four = spread(
        4, team, lambda a: contact(a, [answer(response="not_done", reasons=["no-training"])])
    )
    rest = spread(20, team, lambda a: contact(a, [answer()]))
    out = report(four + rest)
    assert out["barriers"]["no-training"] is None
    assert out["barrier_rates"]["no-training"] is None
    assert out["barrier_change"]["no-training"] is None
    assert out["blocked"]["7.1"]["no-training"] is None
    # the not-done count is hidden, so the share done built on it is hidden too
    assert out["requirements"]["7.1"]["not_done"] is None
    assert all(row["requirement"] != "7.1" for row in out["working_well"])
    five = four + [contact("a", [answer(response="not_done", reasons=["no-training"])])]
    out = report(five + rest)
    assert out["barriers"]["no-training"] == 5
    assert out["barrier_rates"]["no-training"] == round(100 * 5 / 25, 1)
    assert out["training_needs"] == [
        {"checklist": "any-contact", "item": "i1", "title": "Item one", "count": 5}
    ]


def test_five_from_two_practitioners_is_hidden() -> None:
    pair = ["a", "b"]
    five = spread(
        5, pair, lambda a: contact(a, [answer(response="partly", reasons=["not-enough-time"])])
    )
    rest = spread(20, ["c", "d", "e"], lambda a: contact(a, [answer()]))
    out = report(five + rest)
    assert out["barriers"]["not-enough-time"] is None
    assert out["barrier_rates"]["not-enough-time"] is None
    # the whole team's figures still show: 25 contacts from 5 practitioners
    assert out["contacts"] == 25 and out["practitioners"] == 5


def test_a_small_team_shows_no_contacts_and_no_rates() -> None:
    out = report(spread(30, ["a", "b"], lambda a: contact(a, [answer()])))
    assert out["contacts"] is None and out["practitioners"] is None
    assert all(rate is None for rate in out["barrier_rates"].values())
    assert out["barriers"]["no-private-room"] == 0  # a zero is always shown


def test_retired_reasons_in_old_parts_are_counted_by_their_label() -> None:
    team = ["a", "b", "c"]
    parts = spread(
        6, team, lambda a: contact(a, [answer(response="not_done", reasons=["old-one"])])
    )
    out = report(parts)
    assert out["barriers"]["old-one"] == 6
    assert out["reasons"]["old-one"] == {
        "label": "An old service reason",
        "requirements": ["4.1"],
        "retired": True,
    }


def test_critical_setting_removal_referral_supervision_and_data_quality() -> None:
    team = ["a", "b", "c", "d", "e"]
    crit = answer(
        "i9", "not_done", ["no-service-to-refer", "no-support-after-removal"], critical=True
    )
    parts = spread(10, team, lambda a: contact(a, [crit], flagged=True, baby_removed=True))
    home = answer(response="partly")  # no reason given
    parts += spread(10, team, lambda a: contact(a, [home], setting="home_visit", stage="postnatal"))
    supervision = [{"kind": "supervision", "month": "2026-09", "practitioner": p} for p in team] + [
        {"kind": "supervision", "month": "2026-01", "practitioner": "z"}
    ]
    out = report(parts, supervision)
    assert out["critical_not_done"] == [
        {
            "checklist": "any-contact",
            "item": "i9",
            "title": "i9",
            "count": 10,
            "reasons": {"no-service-to-refer": 10, "no-support-after-removal": 10},
        }
    ]
    assert out["missing_services"][0]["count"] == 10
    assert out["removal"] == {
        "contacts_after_removal": 10,
        "gaps": {"no-support-after-removal": 10},
    }
    rows = {(row["setting"], row["stage"]): row for row in out["by_setting"]}
    assert rows[("clinic", "antenatal")] == {
        "setting": "clinic",
        "stage": "antenatal",
        "contacts": 10,
        "with_barrier": 10,
        "barrier_rate": 100.0,
    }
    assert rows[("home_visit", "postnatal")]["with_barrier"] == 0
    assert out["supervision"] == {
        "practitioners_with_record_3m": 5,
        "share_with_record_3m": 1.0,
        "flagged_contacts": 10,
    }
    assert out["data_quality"] == {"no_reason_share": 0.5}


def test_what_is_working_lists_requirements_mostly_done_and_improving() -> None:
    team = ["a", "b", "c"]
    good = [answer(requirements=("7.2",))] * 1
    parts = spread(20, team, lambda a: contact(a, good))
    parts += spread(
        5, team, lambda a: contact(a, [answer(response="not_done", requirements=("7.2",))])
    )
    parts += spread(10, team, lambda a: contact(a, good, month="2026-07"))
    parts += spread(
        10,
        team,
        lambda a: contact(a, [answer(response="not_done", requirements=("7.2",))], month="2026-07"),
    )
    out = report(parts)
    assert {"requirement": "7.2", "share_done": 0.8, "change": 0.3} in out["working_well"]


def test_hostile_parts_are_passed_over() -> None:
    team = ["a", "b", "c"]
    parts = spread(6, team, lambda a: contact(a, [answer()]))
    parts += [
        "not a part",
        {"kind": "contact", "month": "2026-13", "author": "a"},
        {"kind": "contact", "month": "2026-10"},  # no author
        contact("a", "not a list"),
        contact("b", [None, {"response": "maybe"}, answer(reasons="no-private-room")]),
    ]
    out = report(parts)
    assert out["contacts"] == 8


def test_service_reasons_are_read_generically() -> None:
    infos = service_reasons(REASONS)
    assert "did-not-think" not in infos
    assert infos["old-one"].retired and not infos["no-training"].retired


# --- parts counted as they are sealed, a batch at a time -------------------------------------


def as_batches(parts, per_batch):
    """The parts packed as the service's files hold them: each distinct head and answer once
    per batch, each row a head number and answer numbers."""
    batches = []
    for start in range(0, len(parts), per_batch):
        heads, answers, rows = {}, {}, []
        head_numbers, answer_numbers = {}, {}
        for part in parts[start : start + per_batch]:
            head = {k: v for k, v in part.items() if k != "answers"}
            hkey = repr(sorted(head.items()))
            if hkey not in head_numbers:
                head_numbers[hkey] = len(heads)
                heads[len(heads)] = head
            numbers = []
            for a in part["answers"]:
                akey = repr(sorted(a.items()))
                if akey not in answer_numbers:
                    answer_numbers[akey] = len(answers)
                    answers[len(answers)] = a
                numbers.append(answer_numbers[akey])
            rows.append([head_numbers[hkey], numbers])
        batches.append(PartBatch(heads, answers, rows))
    return batches


def random_parts(seed, n=400):
    rng = random.Random(seed)
    service = [r.id for r in REASONS if r.level == "service"] + ["did-not-think"]
    parts = []
    for _ in range(n):
        answers = []
        for i in range(rng.randint(0, 6)):
            response = rng.choice(["done", "partly", "not_done", "not_applicable"])
            given = (
                rng.sample(service, rng.randint(0, 2)) if response in ("partly", "not_done") else []
            )
            answers.append(
                answer(
                    f"i{i}",
                    response,
                    given,
                    rng.choice([("7.1",), ("8.1", "5.10"), ("4.2",), ()]),
                    critical=rng.random() < 0.3,
                )
            )
        part = contact(
            rng.choice("abcdefg"),
            answers,
            month=rng.choice(["2026-04", "2026-06", "2026-08", "2026-09", "2026-10"]),
            flagged=rng.random() < 0.2,
            setting=rng.choice(["clinic", "home_visit"]),
            baby_removed=rng.random() < 0.1,
        )
        part["checklist"] = rng.choice(["any-contact", "any-contact", "booking"])
        parts.append(part)
    return parts


@pytest.mark.parametrize("seed", range(6))
def test_batches_count_exactly_as_the_same_parts_one_by_one(seed) -> None:
    """Five or more contacts of several checklists and months per batch, in any mix: the
    figures (and their order) are the same whichever way the parts come."""
    parts = random_parts(seed)
    one_by_one = report(parts)
    assert one_by_one["contacts"]  # enough to show figures, so the comparison means something
    for per_batch in (1, 7, 400):
        assert report(as_batches(parts, per_batch)) == one_by_one
        assert json.dumps(report(as_batches(parts, per_batch))) == json.dumps(one_by_one)
    # Batches and single parts mixed.
    assert report(as_batches(parts[:200], 13) + parts[200:]) == one_by_one


def test_a_batch_row_naming_no_head_or_answer_is_left_out_and_said() -> None:
    good = contact("a", [answer()])
    batch = PartBatch(
        {0: {k: v for k, v in good.items() if k != "answers"}},
        {0: answer()},
        [[0, [0]], [1, [0]], [0, [0, 7]], [0, "0"], [0], "x", [[0], [0]], [0, [0]]],
    )
    assert batch.dropped == 6
    assert [list(part["answers"]) for part in batch.parts()] == [[answer()], [answer()]]


def test_reasons_within_a_figure_keep_the_reasons_list_order_whatever_was_read_first() -> None:
    team = ["a", "b", "c", "d", "e"]
    first = answer("i9", "not_done", ["no-support-after-removal", "no-training"], critical=True)
    second = answer("i9", "not_done", ["no-private-room"], critical=True)
    parts = spread(10, team, lambda a: contact(a, [first])) + spread(
        10, team, lambda a: contact(a, [second])
    )
    forwards, backwards = report(parts), report(parts[::-1])
    reasons = forwards["critical_not_done"][0]["reasons"]
    assert list(reasons) == ["no-private-room", "no-training", "no-support-after-removal"]
    assert json.dumps(forwards) == json.dumps(backwards)


def test_a_batch_of_many_checklists_judges_only_the_answers_its_rows_name() -> None:
    """A hostile batch (400 checklists, 4,000 answers, each row naming one) once made the
    counting judge every answer for every checklist: 1.6 million judgements, 40 s."""
    from store.reports.service_report_model import _Period

    heads = {k: {**contact("a", []), "checklist": f"c{k}"} for k in range(400)}
    for head in heads.values():
        del head["answers"]
    answers = {n: answer(f"i{n}", "not_done", ["no-training"], ("4.2",)) for n in range(4000)}
    batch = PartBatch(heads, answers, [[k, [k]] for k in range(400)])
    period = _Period(service_reasons(REASONS))
    period.count_batch(heads, batch)
    assert sum(len(seen) for seen in period.seen.values()) == 400
    assert report([batch]) == report(list(batch.parts()))
