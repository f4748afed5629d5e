"""Rules for one session record that need no store: the shape its clear part must have,
what its sealed content is bound to, how two copies of one draft combine, and the errors
when a draft was finished or deleted elsewhere. `store.sessions` exports them all too.
"""

from __future__ import annotations

import copy

from .crypto import SealError
from .errors import StoreError

_CLEAR_TEXT = ("id", "author", "status", "started_at", "updated_at")


def check_shape(record: dict) -> None:
    """The clear part of a record is read before anything is opened, so it must have the
    shape every reader relies on; anything else is damaged (the files are hostile input)."""
    checklist = record.get("checklist")
    ok = (
        all(isinstance(record.get(key), str) for key in _CLEAR_TEXT)
        and isinstance(checklist, dict)
        and isinstance(checklist.get("id"), str)
        and isinstance(checklist.get("hash"), str)
        and isinstance(record.get("completed_at"), (str, type(None)))
        and isinstance(record.get("revision", 0), int)
        and isinstance(record.get("sealed", {}), dict)
    )
    if not ok:
        shown = record.get("id") if isinstance(record.get("id"), str) else "?"
        raise SealError(f"Session {shown[:40]} is damaged, so it cannot be opened.")


def answer_reasons(entry: dict) -> list[str]:
    """The reasons given for one answer, first first. Records from before more than one
    reason could be chosen hold only `reason`, read as a list of one."""
    reasons = entry.get("reasons")
    if isinstance(reasons, list):
        return [r for r in reasons if isinstance(r, str)]
    reason = entry.get("reason")
    return [reason] if isinstance(reason, str) and reason else []


def check_answers(record: dict, content: dict) -> None:
    """The opened content's answers must have the shape readers rely on: a mapping of
    mappings, with `reasons` (when there) a list of reason ids and `reason` one id or none.
    Anything else is damaged and set aside like any other damaged record."""
    answers = content.get("answers", {}) if isinstance(content, dict) else None
    ok = isinstance(answers, dict) and all(
        isinstance(a, dict)
        and isinstance(a.get("reason"), (str, type(None)))
        and (
            "reasons" not in a
            or (isinstance(a["reasons"], list) and all(isinstance(r, str) for r in a["reasons"]))
        )
        for a in answers.values()
    )
    if not ok:
        shown = record.get("id") if isinstance(record.get("id"), str) else "?"
        raise SealError(f"Session {shown[:40]} is damaged, so it cannot be opened.")


def merge_drafts(disk: dict, mine: dict) -> dict:
    """Combine two copies of one draft so that no answer, note or reflection is lost.

    Every part (each answer, each reflection field, the flag) keeps whichever copy changed it
    last. Merging with an older copy of itself changes nothing, so a window can always merge
    with what is on disk, whoever wrote it.
    """
    merged = copy.deepcopy(mine)
    content, theirs = merged["content"], disk.get("content", {})
    answers = content["answers"]
    for item_id, their_answer in theirs.get("answers", {}).items():
        ours = answers.get(item_id)
        if ours is None or their_answer.get("changed_at", "") > ours.get("changed_at", ""):
            answers[item_id] = copy.deepcopy(their_answer)
    changed = content.setdefault("changed", {})
    for what, when in theirs.get("changed", {}).items():
        if when <= changed.get(what, ""):
            continue
        changed[what] = when
        if what == "flagged":
            content["flagged"] = theirs.get("flagged", False)
        elif what.startswith("reflection."):
            prompt_id = what.removeprefix("reflection.")
            content["reflection"][prompt_id] = theirs.get("reflection", {}).get(prompt_id, "")
    merged["revision"] = max(int(disk.get("revision", 0)) + 1, int(mine.get("revision", 0)))
    merged["updated_at"] = max(disk.get("updated_at", ""), mine.get("updated_at", ""))
    return merged


class FinishedElsewhere(StoreError):
    """The draft was finished (in another window) after this copy of it was opened."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "This checklist was finished in another window, so this change could not be "
            "added. The finished session keeps everything saved before that."
        )


class DiscardedElsewhere(FinishedElsewhere):
    """The draft was deleted (by its author, in this or another window) meanwhile."""

    def __init__(self) -> None:
        super().__init__("This unfinished checklist was deleted, so this change was not saved.")


def context(record: dict) -> bytes:
    """What sealed content is bound to: moving or relabelling a record breaks the seal."""
    return f"{record['id']}|{record['author']}|{record['checklist']['hash']}".encode()


class NotShared(StoreError):
    """Sealed for its readers, and this person is not (yet) one of them."""
