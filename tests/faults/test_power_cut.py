"""Power cuts: the real app, killed with SIGKILL at random moments, thirty times in a row.

Each cycle starts the installed command in tmux (80x24) on the same store, signs in, starts or
resumes a checklist, and answers items with `1`, `4` or `3` + escape at a random pace without
waiting for the screen. At a random moment the screen is captured and the app is killed.
After every kill the store must pass `verify`, `sessions list --json` must work, and every
answer the screen acknowledged must be on disk with the right response.

An answer counts as acknowledged only when a screen captured after its key (and before the
kill) showed "✓ saved" together with the item counter past that item (or the Reflection).
The random generator is seeded; set STEPPING_STONES_FAULT_SEED to replay a run.
"""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.app import (
    ALEX,
    APP_ENV,
    ChecklistModel,
    TmuxStore,
    assert_verify_passes,
    is_end,
    is_reflection,
    make_store,
    needs_tmux,
    on_item_or_reflection,
    responses,
    sessions_of,
    sign_in,
    start_app,
    start_new_checklist,
    tmux_group,
    wait_for_home,
)
from tests.e2e.terminal import Terminal, item_position

CYCLES = 30
MAX_KEYS_PER_CYCLE = 10
MAX_PAUSE = 0.15
# key, response, weight
ANSWER_KEYS = (("1", "done", 2), ("4", "not_applicable", 1), ("3", "not_done", 1))
KILLED = 128 + signal.SIGKILL


@dataclass(frozen=True)
class Sent:
    """One answer key: which item it answered (as predicted) and at which position."""

    item_id: str
    response: str
    position: int  # 0-based, among the items shown when the key was sent


@dataclass
class Cycle:
    """What one cycle sent and saw, up to the kill."""

    session_id: str
    sent: list[Sent] = field(default_factory=list)
    # (how many answer keys had been sent, the screen captured then)
    captures: list[tuple[int, str]] = field(default_factory=list)
    finished_on_screen: bool = False

    def capture(self, term: Terminal) -> str:
        screen = term.screen()
        self.captures.append((len(self.sent), screen))
        return screen

    def acknowledged(self) -> list[Sent]:
        """Answers a capture taken after their key showed as saved and moved past."""
        acked: dict[int, Sent] = {}
        for keys_sent, screen in self.captures:
            if "✓ saved" not in screen:
                continue
            if is_reflection(screen) or is_end(screen):
                acked.update(enumerate(self.sent[:keys_sent]))
                continue
            position = item_position(screen)
            if position is None:
                continue
            current = position[0]  # 1-based
            acked.update(
                (n, s) for n, s in enumerate(self.sent[:keys_sent]) if s.position + 2 <= current
            )
        return [acked[n] for n in sorted(acked)]


@dataclass
class PowerCutRun:
    seed: int
    store: TmuxStore
    term: Terminal
    rng: random.Random = field(init=False)
    # session id -> item id -> the last acknowledged response
    acked: dict[str, dict[str, str]] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    finished_sessions: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def pause(self) -> None:
        time.sleep(self.rng.uniform(0, MAX_PAUSE))

    def answer_key(self) -> tuple[str, str]:
        keys = [(k, r) for k, r, _ in ANSWER_KEYS]
        weights = [w for _, _, w in ANSWER_KEYS]
        return self.rng.choices(keys, weights)[0]


# -- one cycle -------------------------------------------------------------------------------
def the_draft(store: TmuxStore) -> dict | None:
    drafts = [s for s in sessions_of(store) if s["status"] == "draft"]
    assert len(drafts) <= 1, f"more than one unfinished checklist: {[d['id'] for d in drafts]}"
    return drafts[0] if drafts else None


def open_checklist(run: PowerCutRun, draft: dict | None) -> tuple[dict, str]:
    """Sign in, then resume the draft (`r`) or start a new checklist; (draft, screen)."""
    start_app(run.term, run.store.data_dir)
    sign_in(run.term, run.store.account(ALEX))
    home = wait_for_home(run.term)
    if draft is not None:
        assert "press r" in home, f"home does not offer to resume the draft:\n{home}"
        run.term.send("r")
        screen = run.term.wait_until(on_item_or_reflection, "the resumed checklist")
        return draft, screen
    assert "No unfinished" in home, f"home offers a draft the store does not list:\n{home}"
    screen = start_new_checklist(run.term)
    draft = the_draft(run.store)  # the app saves a new draft as soon as it starts
    assert draft is not None, "a new checklist was not saved as a draft"
    return draft, screen


def answer_at_random(run: PowerCutRun, cycle: Cycle, model: ChecklistModel, answers: dict) -> bool:
    """Send up to MAX_KEYS_PER_CYCLE answers without waiting; True if the last item was answered."""
    visible = model.visible(answers)
    position = model.first_unanswered(answers)
    if all(item_id in answers for item_id in visible):
        return True
    for _ in range(run.rng.randint(1, MAX_KEYS_PER_CYCLE)):
        key, response = run.answer_key()
        item_id = visible[position]
        cycle.sent.append(Sent(item_id, response, position))
        # Changing an acknowledged answer makes it unsure again until it is acknowledged.
        run.acked.setdefault(cycle.session_id, {}).pop(item_id, None)
        run.term.send(key)
        answers[item_id] = response
        gap = run.rng.uniform(0, MAX_PAUSE)
        visible = model.visible(answers)
        position = visible.index(item_id) + 1
        if key == "3":  # Not done opens "What got in the way?"; escape closes it
            run.pause()
            if run.rng.random() < 0.3:
                cycle.capture(run.term)
            run.term.send("Escape")
            wait_for_escape_to_land(run.term, position)
        time.sleep(gap)
        if run.rng.random() < 0.5:
            cycle.capture(run.term)
        if position >= len(visible):
            return True
    return False


def wait_for_escape_to_land(term: Terminal, next_position: int) -> None:
    """The one wait between answer keys: escape must reach the app before the next key.

    A terminal sends escape as a lone ESC byte, which Textual takes for the escape key only
    when nothing follows within its escape delay. If the app is busy and reads ESC and the
    next key together, it sees alt+key instead, the picker stays open and the keys that
    follow answer different items than the test thinks (seen with seed 337535842). So after
    escape, wait until the app has moved past the item; all other keys go in blind.
    """
    term.wait_until(
        lambda s: is_end(s) or (item_position(s) or (0, 0))[0] > next_position,
        f"escape to close the reasons and move to item {next_position + 1}",
    )


def finish_or_die_trying(run: PowerCutRun, cycle: Cycle) -> None:
    """On the Reflection: ctrl+s, then sometimes see it finished, sometimes kill at once."""
    screen = run.term.wait_until(
        lambda s: is_end(s) or is_reflection(s), "the end of the list or the Reflection"
    )
    if is_end(screen):
        cycle.captures.append((len(cycle.sent), screen))
        run.term.send("Enter")
        screen = run.term.wait_until(is_reflection, "the Reflection")
    cycle.captures.append((len(cycle.sent), screen))
    run.term.send("C-s")
    if run.rng.random() < 0.6:
        run.term.wait_for("Finished and saved")
        cycle.finished_on_screen = True
    else:
        run.pause()


def kill(run: PowerCutRun, cycle: Cycle) -> str:
    """Capture the screen and SIGKILL the app: often at once, while it is still busy."""
    if run.rng.random() < 0.6:
        run.pause()
    screen = cycle.capture(run.term)
    run.term.kill_app()
    status = run.term.wait_for_exit()
    assert status == KILLED, f"expected death by SIGKILL, got status {status}"
    return screen


def check_after_kill(run: PowerCutRun, cycle: Cycle, model: ChecklistModel, last: str) -> dict:
    """verify, sessions list, and every acknowledged answer on disk; returns the session."""
    assert_verify_passes(run.store.data_dir, "after the kill", after_kill=True)
    sessions = {s["id"]: s for s in sessions_of(run.store)}
    session = sessions.get(cycle.session_id)
    assert session is not None, f"session {cycle.session_id} is gone after the kill"
    on_disk = responses(session)

    mine = run.acked.setdefault(cycle.session_id, {})
    for sent in cycle.acknowledged():
        mine[sent.item_id] = sent.response
    lost = {i: r for i, r in mine.items() if on_disk.get(i) != r}
    assert not lost, (
        f"acknowledged answers missing or wrong on disk: {lost}; on disk: {on_disk}. "
        f"Keys sent: {cycle.sent}"
    )

    # The plain reading of the last screen: "✓ saved" on item K means K-1 items answered.
    position = item_position(last)
    if "✓ saved" in last and position is not None:
        answered = [i for i in model.visible(on_disk) if i in on_disk]
        assert len(answered) >= position[0] - 1, (
            f"the screen said '✓ saved' on item {position[0]}, but only {len(answered)} "
            f"items are answered on disk:\n{last}"
        )
    if cycle.finished_on_screen:
        assert session["status"] == "complete", "'Finished and saved' was shown, not kept"
    drafts = [s["id"] for s in sessions.values() if s["status"] == "draft"]
    expected_drafts = [] if session["status"] == "complete" else [session["id"]]
    assert drafts == expected_drafts, f"unfinished checklists after the kill: {drafts}"
    return session


def run_cycle(run: PowerCutRun, number: int, draft: dict | None) -> dict | None:
    """One start, answer, kill and check; returns the draft left for the next cycle."""
    draft, screen = open_checklist(run, draft)
    model = ChecklistModel.for_session(draft)
    answers = responses(draft)
    visible = model.visible(answers)
    if not is_reflection(screen):
        expected = (model.first_unanswered(answers) + 1, len(visible))
        assert item_position(screen) == expected, (
            f"expected to resume at item {expected[0]} of {expected[1]}:\n{screen}"
        )

    cycle = Cycle(draft["id"])
    at_end = answer_at_random(run, cycle, model, answers)
    if at_end and run.rng.random() < 0.8:
        finish_or_die_trying(run, cycle)
    last = kill(run, cycle)
    session = check_after_kill(run, cycle, model, last)

    run.history.append(
        f"cycle {number}: {len(cycle.sent)} keys, {len(cycle.acknowledged())} acknowledged, "
        f"{len(responses(session))} on disk, {session['status']}"
    )
    if session["status"] == "complete":
        run.finished_sessions += 1
        return None
    return session


# -- the test --------------------------------------------------------------------------------
@pytest.fixture
def seed() -> int:
    value = os.environ.get("STEPPING_STONES_FAULT_SEED")
    return int(value) if value else random.SystemRandom().randrange(2**31)


@pytest.mark.e2e
@needs_tmux
@tmux_group
def test_thirty_power_cuts_in_a_row_lose_no_acknowledged_answer(tmp_path: Path, seed: int) -> None:
    store = make_store(tmp_path, tmp_path / "store")
    term = Terminal(tmp_path, APP_ENV)
    run = PowerCutRun(seed, store, term)
    started = time.monotonic()
    draft = None
    try:
        for number in range(1, CYCLES + 1):
            try:
                draft = run_cycle(run, number, draft)
            except AssertionError as exc:
                history = "\n".join(run.history)
                raise AssertionError(
                    f"[seed {seed}, cycle {number}; replay with "
                    f"STEPPING_STONES_FAULT_SEED={seed}]\n{exc}\nEarlier cycles:\n{history}"
                ) from exc
            # Each cycle has its own tmux session; drop the dead one.
            term.tmux("kill-session", "-t", term.target, check=False)
    finally:
        term.close()
    elapsed = time.monotonic() - started
    print(f"seed {seed}: {CYCLES} kills in {elapsed:.1f}s; {run.finished_sessions} finished")
    print("\n".join(run.history))
    acknowledged = sum(len(a) for a in run.acked.values())
    assert acknowledged > CYCLES, (
        f"[seed {seed}] only {acknowledged} answers were ever acknowledged: the test proved little"
    )


# -- what "✓ saved" promises -----------------------------------------------------------------
async def test_saved_is_not_shown_while_the_answer_just_given_is_being_written(
    store, alex, monkeypatch
) -> None:
    """The power-cut test trusts "✓ saved" next to item K+1 to mean item K is on disk.

    On a slow disk (here fsync takes 0.3 s) that is not so: the answer moves the screen on at
    once, but the indicator still shows the last save's "✓ saved" until a timer fires.
    """
    from tests.helpers import SIZE, settle, sign_in, start_checklist
    from tui.app import SteppingStonesApp

    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        screen = await start_checklist(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        assert app.save_state.status == "saved"

        real_fsync = os.fsync
        monkeypatch.setattr(os, "fsync", lambda fd: (time.sleep(0.3), real_fsync(fd)))
        screen.action_answer("done")  # what the `1` key does, without yielding to the loop
        try:
            assert screen.index == 2, "the screen moved on to item 3"
            assert not await app.wait_for_saves(timeout=0), "item 2 is still being written"
            label = str(screen.query_one("#saved").render())
            assert app.save_state.status != "saved" and "✓ saved" not in label, label
        finally:
            monkeypatch.setattr(os, "fsync", real_fsync)
            await settle(app, pilot)
