"""What one session amounts to: counts, and why things were not done, by reason level.

Barriers are not failures (principle 5): the summary keeps service barriers (to escalate)
apart from practice points (to reflect on) and from the woman's own choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checklists import NEEDS_REASON, REASON_LEVELS, RESPONSES, Checklist
from checklists.loader import Library

from .sessions import Session, answer_reasons


@dataclass
class Gap:
    """An item answered Partly or Not done, with one reason given for it (an item with two
    reasons is two gaps, so each reason is counted), or none."""

    item_id: str
    prompt: str
    response: str
    reason_id: str | None
    reason_label: str | None
    requirements: list[str]
    note: str


@dataclass
class SessionSummary:
    counts: dict[str, int]
    unanswered: list[str]
    by_level: dict[str, list[Gap]] = field(default_factory=dict)
    no_reason: list[Gap] = field(default_factory=list)
    total: int = 0

    def to_dict(self) -> dict:
        return {
            "counts": dict(self.counts),
            "unanswered": list(self.unanswered),
            "total": self.total,
            "barriers": {
                level: [gap.__dict__ for gap in gaps] for level, gaps in self.by_level.items()
            },
            "no_reason": [gap.__dict__ for gap in self.no_reason],
        }


def summarise_session(session: Session, checklist: Checklist, library: Library) -> SessionSummary:
    items = session.visible_items(checklist)
    counts = {response: 0 for response in RESPONSES}
    summary = SessionSummary(
        counts=counts,
        unanswered=[],
        by_level={level: [] for level in REASON_LEVELS},
        total=len(items),
    )
    for item in items:
        entry = session.answers.get(item.id, {})
        response = entry.get("response")
        if response is None:
            summary.unanswered.append(item.prompt)
            continue
        counts[response] += 1
        if response not in NEEDS_REASON:
            continue
        given = [r for r in map(library.reason, answer_reasons(entry)) if r is not None]
        for reason in given or [None]:
            gap = Gap(
                item_id=item.id,
                prompt=entry.get("prompt", item.prompt),
                response=response,
                reason_id=reason.id if reason else None,
                reason_label=reason.label if reason else None,
                requirements=list(reason.requirements) if reason else [],
                note=entry.get("note", ""),
            )
            if reason is None:
                summary.no_reason.append(gap)
            else:
                summary.by_level.setdefault(reason.level, []).append(gap)
    return summary
