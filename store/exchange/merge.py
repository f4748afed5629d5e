"""The merge rule: what an import does with one incoming record, decided without the disk.

  it was finished; a finished session whose draft is here replaces the draft and leaves the
  marker that stops an open window reviving it);
- here and the same (apart from who it is shared with, and when a comment was seen): skipped;
- a newer revision: replaces the copy here, which is kept in `sessions/<id>/history.json`;
- an older revision: skipped as older;
- two different copies that cannot be ordered (the same revision; a revision number and
  last-change time that disagree, meaning both were changed apart; two finishes; a change
  after finishing): a conflict. This store keeps using its copy and the incoming one is kept
  in `sessions/<id>/conflicts.json`. Nothing is lost either way. Revision numbers cannot show
  that both copies of an unfinished session were changed when the older-numbered one was also
  changed earlier: it is then skipped as older (and stays on the other machine). Finishing a
  session before moving it avoids that.
- a record that is whole but cannot be used here (its author is unknown, its seal is
  malformed or does not open, its checklist wording is missing) is quarantined to
  `quarantine/import-<time>/<kind>-<id>.json`, named in the report, and the rest carry on.

"""

from __future__ import annotations

from dataclasses import dataclass

from store.sessions import COMPLETE, is_marker

from .bundle_file import sha256_of, when


@dataclass
class Outcome:
    """What to do with one incoming record, and the plain reason for the report."""

    action: str  # add | skip | replace | conflict | seen (skip, but copy when it was seen)
    why: str


def decide(incoming: dict, current: dict | None) -> Outcome:
    """The merge rule for one record (stored forms, `current` None when it is not here).

    Kept free of any disk access, so the dry run and the real import decide alike.
    """
    if current is None:
        return Outcome("add", "new here")
    if is_marker(current) and "sealed" not in current:  # the marker a finished draft left
        if incoming.get("status") == COMPLETE:
            return Outcome("add", "new here (its unfinished copy was finished here)")
        if current.get("discarded"):
            return Outcome("skip", "its author deleted this unfinished checklist here")
        return Outcome("skip", "already finished on this machine")
    if essence(incoming) == essence(current):
        if incoming.get("seen_at") and not current.get("seen_at"):
            return Outcome("seen", "already here (now marked as seen)")
        return Outcome("skip", "already here")
    inc_rev, cur_rev = int(incoming["revision"]), int(current.get("revision", 0))
    inc_done, cur_done = incoming.get("status") == COMPLETE, current.get("status") == COMPLETE
    if inc_done and cur_done:
        return Outcome("conflict", "it was finished separately on two machines")
    if cur_done:  # the incoming copy is unfinished
        if inc_rev < cur_rev:
            return Outcome("skip", "an older unfinished copy: it has since been finished here")
        return Outcome("conflict", "it was changed elsewhere after it was finished here")
    later = _later(incoming, current)  # True: incoming changed last; None: cannot tell
    if inc_rev == cur_rev:
        return Outcome("conflict", f"two different changes were both saved as revision {inc_rev}")
    if inc_rev > cur_rev and later is not False:
        how = "finished elsewhere" if inc_done else f"revision {inc_rev} is newer"
        return Outcome("replace", f"{how}; revision {cur_rev} here is kept in history")
    if inc_rev > cur_rev or (later and not inc_done):
        return Outcome("conflict", "both copies were changed apart")
    if inc_done:
        return Outcome("conflict", "the unfinished copy here has changes the finished one lacks")
    return Outcome("skip", f"older: revision {inc_rev}, and revision {cur_rev} is here")


def _later(incoming: dict, current: dict) -> bool | None:
    mine, theirs = when(incoming.get("updated_at")), when(current.get("updated_at"))
    if mine is None or theirs is None or mine == theirs:
        return None
    return mine > theirs


def essence(record: dict) -> str:
    """A fingerprint of what a record says, leaving out what changes without a new revision:
    who it is shared with (re-sharing at sign-in) and when a comment was seen."""
    body = {k: v for k, v in record.items() if k not in ("kind", "seen_at")}
    sealed = body.get("sealed")
    if isinstance(sealed, dict):
        body["sealed"] = {k: v for k, v in sealed.items() if k != "readers"}
    return sha256_of(body)
