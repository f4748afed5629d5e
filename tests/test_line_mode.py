"""Line mode (`stepping-stones answer`, issue 17) in this process, fed only lines of text.

Bad input, the end of input, `q` and `--resume`, the idle lock (with a clock of the test's
own, no sleeping), the identifier guard, answers on disk before the next question, and that
nothing but plain text and line ends is ever written. The installed command in a real
terminal is tests/test_line_mode_terminal.py.
"""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest

from tests.helpers import PASSPHRASE, run_cli

ANSWER = (
    "Answer 1 Done, 2 Partly, 3 Not done, 4 Not applicable, w why, n note, b back, q stop for now: "
)
SIGN_IN = ["Alex Reid", PASSPHRASE]


def lines(*parts) -> str:
    return "".join(f"{p}\n" for p in parts)


def answer(data_dir: Path, *typed: str, args: tuple[str, ...] = ()) -> tuple[int, str, str]:
    result = run_cli("answer", *args, data_dir=data_dir, stdin=lines(*typed))
    return result.returncode, result.stdout, result.stderr


def sessions(data_dir: Path, passphrase_file: Path) -> list[dict]:
    result = run_cli(
        "sessions", "list", "--user", "Alex Reid", "--passphrase-file", str(passphrase_file),
        "--json", data_dir=data_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_plain(text: str) -> None:
    """Every character printable, or a line end: no escape sequence, no control character."""
    odd = [
        (i, hex(ord(ch)))
        for i, ch in enumerate(text)
        if ch != "\n" and (not ch.isprintable() or unicodedata.category(ch).startswith("C"))
    ]
    assert odd == [], text


def setup_defaults(checklist) -> list[str]:
    """Empty lines for the setting, the stage, each yes/no question and the case reference."""
    return [""] * (3 + len(checklist.setup_questions))


DEFAULT_SETUP = {"setting": "clinic", "stage": "antenatal"}


def items_answered(checklist, first: str = "partly") -> int:
    """How many items there are once each is answered Done (the first `first`): an answer
    can show or hide later items."""
    answers: dict[str, str] = {}
    while True:
        items = checklist.visible_items(DEFAULT_SETUP, answers)
        new = [i for i in items if i.id not in answers]
        if not new:
            return len(items)
        for item in new:
            answers[item.id] = first if not answers else "done"


def reflection_count(store) -> int:
    return len(store.library.reflection)


@pytest.fixture(autouse=True)
def colour_asked_for(monkeypatch):
    """Every test here runs as if the terminal asked for colour: it must make no difference."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_a_whole_checklist_with_reasons_a_note_and_a_reflection(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    total = items_answered(checklist)
    typed = [*SIGN_IN, "1", *setup_defaults(checklist)]
    typed += ["2", "1,3"]  # Partly, two reasons
    typed += ["n", "We planned the next visit together.", "Second line.", "", "1"]
    typed += ["1"] * (total - 2)
    typed += ["It went well."] + [""] * (reflection_count(store) - 1) + ["y"]
    code, out, err = answer(data_dir, *typed)
    assert code == 0, err
    assert_plain(out)
    assert_plain(err)
    assert "Passphrase: " in out and PASSPHRASE not in out
    assert f"Item {total} of {total}. " in out and ANSWER in out
    assert "What got in the way?" in out and "Reasons (e.g. 1,4; empty for none): " in out
    assert "Take this contact to supervision? y/N: " in out
    assert out.rstrip("\n").endswith("Finished and saved.")
    [done] = sessions(data_dir, passphrase_file)
    assert done["status"] == "complete" and done["flagged"] is True
    offered = [r for level in ("service", "practice", "woman") for r in store.library.reasons
               if r.level == level and r.applies(done["setup"])]  # fmt: skip
    first, second = (checklist.visible_items(done["setup"], {})[i].id for i in (0, 1))
    assert done["answers"][first]["response"] == "partly"
    assert done["answers"][first]["reasons"] == [offered[0].id, offered[2].id]
    assert done["answers"][second]["note"] == "We planned the next visit together.\nSecond line."
    assert sum(a["response"] == "done" for a in done["answers"].values()) == total - 1
    assert list(done["reflection"].values()) == ["It went well."]


def test_bad_input_repeats_the_question_with_one_line_of_what_is_expected(
    store, alex, checklist, data_dir
) -> None:
    typed = [*SIGN_IN, "9", "1", "7", *setup_defaults(checklist), "x", "2", "1,99", "2"]
    code, out, _ = answer(data_dir, *typed)
    assert code == 0
    n = len(store.library.checklists)
    assert f"Checklist number: \nPlease type a number from 1 to {n}.\nChecklist number: " in out
    assert (
        "Setting number (empty for Clinic): \n"
        f"Please type a number from 1 to {len(checklist.setting_choices())}, or an empty line "
        "for 1.\n"
        "Setting number (empty for Clinic): "
    ) in out
    assert f"{ANSWER}\nPlease type 1, 2, 3 or 4 to answer, or w, n, b or q.\n{ANSWER}" in out
    assert "Reasons (e.g. 1,4; empty for none): \nPlease type reason numbers from 1 to" in out
    assert out.count("What got in the way?") == 1  # the prompt is asked again, not the list


def test_the_end_of_input_keeps_every_answer_and_stops_cleanly(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    typed = [*SIGN_IN, "1", *setup_defaults(checklist), "1", "4", "n", "Partly typed note"]
    code, out, err = answer(data_dir, *typed)
    assert code == 0, err
    assert "Traceback" not in err
    assert out.rstrip("\n").endswith(
        "End of input. Your answers are saved in the unfinished checklist: carry on in the app "
        "(r on the home screen) or with `stepping-stones answer --resume`."
    )
    [draft] = sessions(data_dir, passphrase_file)
    assert draft["status"] == "draft"
    responses = [a["response"] for a in draft["answers"].values()]
    assert responses.count("done") == 1 and responses.count("not_applicable") == 1
    assert "Partly typed note" in [a["note"] for a in draft["answers"].values()]


def test_end_of_input_before_anything_started_says_so(alex, data_dir) -> None:
    code, out, _ = answer(data_dir, "Alex Reid")
    assert code == 0
    assert out.rstrip("\n").endswith("End of input. Nothing was started.")


def test_q_keeps_the_draft_and_resume_carries_on_where_it_stopped(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    code, out, _ = answer(data_dir, *SIGN_IN, "1", *setup_defaults(checklist), "1", "q")
    assert code == 0
    assert "Stopped for now. Your answers are saved in the unfinished checklist" in out
    [draft] = sessions(data_dir, passphrase_file)
    total = len(checklist.visible_items(draft["setup"], {}))
    code, out, _ = answer(data_dir, *SIGN_IN, "3", "", "q", args=("--resume",))
    assert code == 0
    assert f"(1 of {total} answered)" in out
    assert f"Item 2 of {total}. " in out and f"Item 1 of {total}. " not in out
    assert "Reasons (e.g. 1,4; empty for none): " in out
    [draft] = sessions(data_dir, passphrase_file)
    assert sorted(a["response"] for a in draft["answers"].values()) == ["done", "not_done"]


def test_resume_with_several_lists_them_numbered(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    answer(data_dir, *SIGN_IN, "1", *setup_defaults(checklist), "1", "q")
    answer(data_dir, *SIGN_IN, "1", *setup_defaults(checklist), "1", "1", "q")
    code, out, _ = answer(data_dir, *SIGN_IN, "3", "q", args=("--resume",))
    assert "Your unfinished checklists:\n1. " in out and "\n2. " in out
    assert "Unfinished checklist number: \nPlease type a number from 1 to 2." in out
    listed = out.split("Your unfinished checklists:\n")[1].splitlines()[:2]
    older = next(line for line in listed if "(1 of " in line).split(".")[0]
    assert any("(2 of " in line for line in listed)
    code, out, _ = answer(data_dir, *SIGN_IN, older, "1", "q", args=("--resume",))
    assert code == 0
    assert "Resuming " in out and "(1 of " in out.split("Resuming ")[1].split("\n")[0]
    assert "Item 2 of " in out
    drafts = sessions(data_dir, passphrase_file)
    counts = sorted(sum(bool(a["response"]) for a in d["answers"].values()) for d in drafts)
    assert counts == [2, 2]


def test_back_goes_to_the_item_before(store, alex, checklist, data_dir) -> None:
    code, out, _ = answer(data_dir, *SIGN_IN, "1", *setup_defaults(checklist), "b", "1", "b")
    assert code == 0
    assert "This is the first item." in out
    assert out.count("Item 1 of ") == 3 and "Answered so far: Done." in out


def offered_reasons(store, setup=DEFAULT_SETUP, given=()) -> list:
    """The reasons as line mode numbers them (as the app's picker lists them)."""
    return [r for level in ("service", "practice", "woman") for r in store.library.reasons
            if r.level == level and r.offered(setup, given)]  # fmt: skip


def first_answer(data_dir, passphrase_file) -> dict:
    [draft] = sessions(data_dir, passphrase_file)
    return next(iter(draft["answers"].values()))


def test_answering_again_keeps_the_reasons_given_unless_told_otherwise(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    """As the app's picker opens with the earlier reasons ticked and escape keeps them: the
    question names the reasons given, and an empty line keeps them; `none` takes them off."""
    offered = offered_reasons(store)
    given = [offered[n - 1].id for n in (1, 21, 30)]
    assert offered[29].asks_note  # "Something else (say in a note)": a note, then item 2
    typed = [*SIGN_IN, "1", *setup_defaults(checklist), "3", "1,21,30", "Her words.", ""]
    typed += ["b", "3", "", "q"]
    code, out, err = answer(data_dir, *typed)
    assert code == 0, err
    assert first_answer(data_dir, passphrase_file)["reasons"] == given
    assert first_answer(data_dir, passphrase_file)["note"] == "Her words."
    assert out.count("Please say in a note what got in the way.") == 1  # kept: not asked again
    again = out.split("Answered so far: Not done.")[1]
    assert "Reasons (e.g. 1,4; empty to keep 1, 21, 30; none for no reason): " in again
    assert f"\n1. {offered[0].label} (given now)\n" in again
    assert f"\n2. {offered[1].label}\n" in again
    # Partly after Not done: the reasons still stand, and are asked about the same way.
    code, out, _ = answer(data_dir, *SIGN_IN, "b", "2", "x", "", "q", args=("--resume",))
    assert code == 0
    assert "an empty line to keep 1, 21, 30, or none for no reason." in out
    assert first_answer(data_dir, passphrase_file)["reasons"] == given
    assert first_answer(data_dir, passphrase_file)["response"] == "partly"
    # A clear way to take them off remains.
    code, out, _ = answer(data_dir, *SIGN_IN, "b", "3", "none", "q", args=("--resume",))
    assert code == 0
    assert first_answer(data_dir, passphrase_file)["reasons"] == []
    assert "The reasons given before are taken off." in out
    # With no reasons given, an empty line is no reason, as before.
    code, out, _ = answer(data_dir, *SIGN_IN, "b", "3", "", "q", args=("--resume",))
    assert "Reasons (e.g. 1,4; empty for none): " in out.split("Item 1 of")[1]
    assert first_answer(data_dir, passphrase_file)["reasons"] == []


def test_typed_reasons_replace_the_ones_given(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    offered = offered_reasons(store)
    typed = [*SIGN_IN, "1", *setup_defaults(checklist), "3", "1,21", "b", "2", "4", "q"]
    code, _, err = answer(data_dir, *typed)
    assert code == 0, err
    entry = first_answer(data_dir, passphrase_file)
    assert (entry["response"], entry["reasons"]) == ("partly", [offered[3].id])


def test_a_retired_reason_already_given_is_shown_and_kept(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    """As in the app's picker: a reason no longer offered is listed, given, marked as no
    longer offered, so that answering again never drops it unseen."""
    retired = next(r for r in store.library.reasons if r.retired)
    session = store.start_session(alex, checklist, dict(DEFAULT_SETUP))
    first = session.visible_items(checklist)[0]
    session.answer(first, "not_done")
    session.set_reasons(first, [retired.id])
    store.sessions.save_draft(session)
    offered = offered_reasons(store, session.setup, [retired.id])
    number = [r.id for r in offered].index(retired.id) + 1
    code, out, err = answer(data_dir, *SIGN_IN, "b", "3", "", "q", args=("--resume",))
    assert code == 0, err
    assert f"\n{number}. {retired.label} (no longer offered, given now)\n" in out
    assert f"empty to keep {number}; none for no reason" in out
    assert first_answer(data_dir, passphrase_file)["reasons"] == [retired.id]


def test_an_answer_that_needs_no_reason_says_the_reasons_are_taken_off(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    offered = offered_reasons(store)
    typed = [*SIGN_IN, "1", *setup_defaults(checklist), "3", "1", "b", "1", "q"]
    code, out, err = answer(data_dir, *typed)
    assert code == 0, err
    assert (
        f"Done needs no reason, so the reason given before is taken off: {offered[0].label}."
    ) in out
    assert first_answer(data_dir, passphrase_file)["reasons"] == []


def test_why_shows_why_it_matters_and_the_requirements(store, alex, checklist, data_dir) -> None:
    code, out, _ = answer(data_dir, *SIGN_IN, "1", *setup_defaults(checklist), "w")
    first = checklist.visible_items({"setting": "clinic", "stage": "antenatal"}, {})[0]
    assert f"Why it matters: {first.why}" in out
    assert "Theory of Change: " + first.requirements[0] in out


def test_why_reads_as_plain_words_in_the_apps_wording_and_order(
    store, alex, checklist, data_dir
) -> None:
    """The evidence as the app's "why it matters" panel words it (requirement, its title and
    the passage quoted), never a Python repr; the other parts too, in the app's order."""
    library = store.library
    item = next(i for i in checklist.visible_items(DEFAULT_SETUP, {}) if i.evidence)
    position = [i.id for i in checklist.visible_items(DEFAULT_SETUP, {})].index(item.id)
    code, out, _ = answer(
        data_dir, *SIGN_IN, "1", *setup_defaults(checklist), *["1"] * position, "w", "q"
    )
    assert code == 0
    why = out.split(f"Item {position + 1} of ")[1]
    evidence = item.evidence[0]
    title = library.requirement_title(evidence.requirement)
    assert f"\nFrom the evidence:\n{evidence.requirement} {title}: “{evidence.passage}”\n" in why
    for repr_part in ("Evidence(", "requirement=", "passage=", "'}", "{'"):
        assert repr_part not in out
    numbers = "; ".join(f"{n} {library.requirement_title(n)}" for n in item.requirements)
    headings = [f"Why it matters: {item.why}", "From the evidence:", f"Theory of Change: {numbers}"]
    if item.guidance:
        headings.insert(1, f"How to do it well: {item.guidance}")
    assert [why.index(h) for h in headings] == sorted(why.index(h) for h in headings)
    assert "Guidance from:" not in out  # the app's words are "National guidance"


def test_why_names_national_guidance_as_the_app_does(store) -> None:
    from cli.line_mode.answering import LineMode
    from cli.line_mode.conversation import Conversation

    item = next(i for c in store.library.checklists.values() for i in c.items if i.guidance_source)
    stdout = io.StringIO()
    LineMode(store, Conversation(io.StringIO(), stdout)).why(item)
    out = stdout.getvalue()
    assert f"\nNational guidance: {item.guidance_source}\n" in out
    assert "Guidance from:" not in out
    assert_plain(out)


class Typist(io.StringIO):
    """Standard input typed by a person: each line may come after a pause (on `clock`)."""

    def __init__(self, typed: list[tuple[str, float]], clock: list[float]) -> None:
        super().__init__()
        self.typed = list(typed)
        self.clock = clock
        self.before_each = None

    def isatty(self) -> bool:
        return False

    def readline(self, *args) -> str:
        if self.before_each is not None:
            self.before_each()
        if not self.typed:
            return ""
        text, pause = self.typed.pop(0)
        self.clock[0] += pause
        return text + "\n"


def run_typist(store, typed, idle=300.0, before_each=None):
    from cli.line_mode.answering import LineMode
    from cli.line_mode.conversation import Conversation

    clock = [1000.0]
    stdin, stdout = Typist(typed, clock), io.StringIO()
    stdin.before_each = before_each
    talk = Conversation(stdin, stdout, clock=lambda: clock[0], idle=idle)
    code = LineMode(store, talk).run(None, None, "any-contact", False)
    return code, stdout.getvalue()


def events(store) -> list[str]:
    return [e["event"] for e in store.audit.entries()]


def test_after_the_idle_time_the_passphrase_is_asked_before_the_next_question(
    store, alex, checklist
) -> None:
    typed = [("Alex Reid", 0), (PASSPHRASE, 0)] + [(t, 1) for t in setup_defaults(checklist)]
    typed += [("1", 301), ("not it", 0), (PASSPHRASE, 0), ("q", 1)]
    code, out = run_typist(store, typed)
    assert code == 0
    after = out.split("Item 1 of ")[1]
    locked = after.index("Locked: nothing was typed for 5 minutes.")
    assert locked < after.index("Passphrase: ") < after.index("Unlocked.") < after.index("Item 2")
    assert after.count("Passphrase: ") == 2  # the wrong one was refused, and asked again
    assert events(store)[-4:] == ["idle_lock", "sign_in_failed", "sign_in", "unlock"]
    [draft] = store.sessions.drafts(alex.id, alex)
    assert [a["response"] for a in draft.answers.values()] == ["done"]  # counted once unlocked


def test_an_answer_typed_after_the_lock_counts_only_with_the_passphrase(
    store, alex, checklist
) -> None:
    typed = [("Alex Reid", 0), (PASSPHRASE, 0)] + [(t, 0) for t in setup_defaults(checklist)]
    typed += [("1", 0), ("3", 900)]
    code, out = run_typist(store, typed)
    assert code == 0
    assert "What was typed after the lock was not used." in out
    [draft] = store.sessions.drafts(alex.id, alex)
    assert [a["response"] for a in draft.answers.values()] == ["done"]
    assert "idle_lock" in events(store) and "unlock" not in events(store)


def test_the_idle_time_is_the_apps_setting(alex, data_dir, monkeypatch) -> None:
    """config.toml's idle_lock_seconds (5 here) holds in line mode; the clock is the test's."""
    from cli.line_mode import conversation

    ticks = iter(range(0, 10_000, 3))  # 3 s between looking before and after each line
    monkeypatch.setattr(conversation, "now", lambda: float(next(ticks)))
    code, out, _ = answer(data_dir, *SIGN_IN, "1", "q")
    assert "Locked" not in out  # 3 s is less than the default
    (data_dir / "config.toml").write_text("idle_lock_seconds = 5\n")
    ticks = iter(range(0, 10_000, 6))
    monkeypatch.setattr(conversation, "now", lambda: float(next(ticks)))
    code, out, _ = answer(data_dir, *SIGN_IN, "1", PASSPHRASE)
    assert code == 0
    assert "Checklist number: \nLocked: nothing was typed for 6 seconds." in out
    assert "Unlocked." in out


def test_each_answer_is_on_disk_before_the_next_question_is_shown(store, alex, checklist) -> None:
    """Before every line is read, a second copy of the store reads what is on disk."""
    from services import people
    from store import Store

    seen: list[int] = []
    other = Store(store.data_dir)
    reader = people.sign_in(other, "Alex Reid", PASSPHRASE)

    def look() -> None:
        drafts = other.sessions.drafts(alex.id, reader)
        seen.append(sum(1 for d in drafts for a in d.answers.values() if a.get("response")))

    typed = [("Alex Reid", 0), (PASSPHRASE, 0)] + [(t, 0) for t in setup_defaults(checklist)]
    typed += [("1", 0), ("4", 0), ("1", 0), ("q", 0)]
    run_typist(store, typed, before_each=look)
    assert seen[-4:] == [0, 1, 2, 3]


def test_the_identifier_guard_holds_with_the_services_wording(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    from services import guard
    from services.errors import IdentifierRefused, NeedsConfirmation

    nhs = "Her number is 999 000 0018."  # the reserved NHS test range
    with pytest.raises(IdentifierRefused) as refused:
        guard.check(nhs, "note", "note")
    with pytest.raises(NeedsConfirmation) as warned:
        guard.check("She mentioned 12/03/1990", "note", "note")
    phone = "Call her on 07700 900123"
    with pytest.raises(IdentifierRefused) as refused_reflection:
        guard.check(phone, "reflection", "reflection")
    total = items_answered(checklist, first="done")
    typed = [*SIGN_IN, "1", *setup_defaults(checklist)]
    typed += ["n", nhs, "", "Planned together.", "", "1"]
    typed += ["n", "She mentioned 12/03/1990", "", "y", "1"]
    typed += ["1"] * (total - 2)
    typed += [phone, "A calm visit."] + [""] * (reflection_count(store) - 1) + [""]
    code, out, err = answer(data_dir, *typed)
    assert code == 0, err
    assert f"Not saved. {refused.value}" in out
    assert f"{warned.value}\nKeep it as it is? y/N: " in out
    assert f"Not saved. {refused_reflection.value}" in out
    [done] = sessions(data_dir, passphrase_file)
    # The whole numbers, as typed and run together (a few of their digits turn up in ids).
    kept = json.dumps(done)
    for number in ("999 000 0018", "9990000018", "07700 900123", "07700900123"):
        assert number not in kept
    notes = [a["note"] for a in done["answers"].values() if a["note"]]
    assert notes == ["Planned together.", "She mentioned 12/03/1990"]
    assert "A calm visit." in done["reflection"].values()


def test_a_note_or_reflection_with_stigmatising_words_gets_the_apps_gentle_hint(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    """The language coach the app shows under a note (`Language: "chaotic" → …`): here a
    plain line after the note is saved, every word found, and the note is kept as typed."""
    note = "She was chaotic today. Her partner called her a crackhead."
    total = items_answered(checklist, first="done")
    typed = [*SIGN_IN, "1", *setup_defaults(checklist), "n", note, "", *["1"] * total]
    typed += ["I felt she was chaotic."] + [""] * (reflection_count(store) - 1) + [""]
    code, out, err = answer(data_dir, *typed)
    assert code == 0, err
    assert (
        "Note saved.\n"
        'Language: "chaotic" → things are unsettled for her\n'
        'Language: "crackhead" → person who uses drugs\n'
    ) in out
    reflection = out.split("Reflection. ")[1]
    assert 'Your answer (empty to skip): \nLanguage: "chaotic" → things' in reflection
    assert_plain(out)
    [done] = sessions(data_dir, passphrase_file)
    assert [a["note"] for a in done["answers"].values() if a["note"]] == [note]
    assert "I felt she was chaotic." in done["reflection"].values()


def test_the_language_hint_has_one_wording() -> None:
    """The app's hint under a text field and line mode's line come from reports.wording."""
    from checklists.language import default_guide
    from reports.wording import language_hints
    from tui.widgets.language_hint import LanguageHint

    findings = default_guide().find("chaotic crackhead addicts junkie")
    assert len(language_hints(findings)) > 2
    assert LanguageHint.hint_lines(findings) == language_hints(findings, limit=2)


def test_a_case_reference_with_an_identifier_is_asked_again(store, alex, checklist, data_dir):
    typed = [*SIGN_IN, "1", *setup_defaults(checklist)[:-1], "999 000 0018", "REF-12"]
    code, out, _ = answer(data_dir, *typed, "q")
    assert code == 0
    assert out.count("Case reference (optional") == 2 and "This looks like" in out


def test_nothing_but_plain_text_even_from_a_hostile_checklist(alex, data_dir) -> None:
    """A checklist file anyone can edit, full of escape sequences and controls: the loader
    refuses it (checklists/yaml_source.py), so it is never offered, and what is said about it
    is plain text too, whatever TERM and FORCE_COLOR say. (`conversation.plain` still cleans
    every line, for text from anywhere else: see
    test_the_plain_filter_keeps_words_and_line_ends_only.)"""
    folder = data_dir / "checklists"
    folder.mkdir()
    (folder / "odd.yaml").write_text(
        'id: odd-one\nversion: 1\ntitle: "Odd \\e[31mred\\e[0m title\\a"\n'
        'description: "A test."\nwhen: "When \\e]0;owned\\a the \\u202e terminal"\n'
        'mode: do-confirm\nsource: "Test"\nsections:\n  - id: one\n'
        '    title: "Section \\e[2J"\n    items:\n      - id: first\n'
        '        prompt: "First \\e[1mbold\\e[0m item\\r"\n'
        '        why: "Because \\x9b31m of \\x07 this."\n        requirements: ["7.1"]\n',
        encoding="utf-8",
    )
    code, out, err = answer(data_dir, *SIGN_IN, "", "", "", "", "w", "q", args=("--checklist",
                            "odd-one"))  # fmt: skip
    assert code == 1 and "no checklist 'odd-one'" in err
    assert_plain(out)
    assert_plain(err)


def test_help_is_plain_text(monkeypatch) -> None:
    result = run_cli("answer", "--help")
    assert result.returncode == 0
    assert "q stop for now" in result.stdout and "--resume" in result.stdout
    assert_plain(result.stdout)


@pytest.mark.parametrize("columns", [80, 60, 120])
def test_help_wraps_to_the_terminal_like_the_other_commands(monkeypatch, columns) -> None:
    """No line wider than the terminal and no word split (argparse wraps the other
    subcommands' help to the width too); the paragraphs and the key lines stay as they are."""
    from cli.answer import DESCRIPTION

    monkeypatch.setenv("COLUMNS", str(columns))
    result = run_cli("answer", "--help")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    described = result.stdout.split("\n\n", 1)[1].split("\noptions:")[0]
    assert described.split() == DESCRIPTION.split()  # every word whole, in order
    assert described.count("\n\n") == DESCRIPTION.count("\n\n")  # the paragraphs kept
    assert "\n  1 Done, 2 Partly, 3 Not done, 4 Not applicable,\n" in described
    other = run_cli("sessions", "--help").stdout.splitlines()
    assert max(len(line) for line in other) <= columns  # as another subcommand's


def test_a_wrong_passphrase_is_asked_again_and_from_a_file_fails_in_one_line(
    alex, data_dir, tmp_path
) -> None:
    code, out, _ = answer(data_dir, "Alex Reid", "wrong one", "Alex Reid", PASSPHRASE)
    assert code == 0
    assert out.count("Passphrase: ") == 2 and "Signed in as Alex Reid." in out
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("wrong one\n")
    result = run_cli(
        "answer", "--user", "Alex Reid", "--passphrase-file", str(wrong), data_dir=data_dir
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_the_plain_filter_keeps_words_and_line_ends_only() -> None:
    from cli.line_mode.conversation import plain

    assert plain("a\x1b[31mb\r\nc\td\u202ee\x9bf\u200bg") == "a[31mb\nc def" + "g"


def test_an_answer_that_cannot_be_saved_yet_is_said_and_tried_until_it_is(
    store, alex, checklist, monkeypatch
) -> None:
    """A full disk: "Not saved yet", never "saved", and the next question waits until the
    answer is on disk."""
    from cli.line_mode.answering import LineMode
    from cli.line_mode.conversation import Conversation
    from store import StoreError

    real = store.sessions.save_draft
    failures = []

    def full_disk_once(session):
        if session.answers and not failures:
            failures.append(session.id)
            raise StoreError("The disk is full.")
        return real(session)

    monkeypatch.setattr(store.sessions, "save_draft", full_disk_once)
    typed = [*SIGN_IN, *setup_defaults(checklist), "1", "q"]
    stdin, stdout = io.StringIO(lines(*typed)), io.StringIO()
    code = LineMode(store, Conversation(stdin, stdout), retry_seconds=0.05).run(
        None, None, "any-contact", False
    )
    out = stdout.getvalue()
    assert code == 0 and failures
    said = out.index("Not saved yet: The disk is full. Trying again until it works.")
    assert said < out.index("Item 2 of ")
    [draft] = store.sessions.drafts(alex.id, alex)
    assert [a["response"] for a in draft.answers.values()] == ["done"]


def test_pause_point_fields_are_used_when_a_checklist_has_them() -> None:
    """Issue 15's fields, when present: the settings and stages a checklist fits come first
    (the first is the default). (How `w` reads an item's evidence: see
    test_why_reads_as_plain_words_in_the_apps_wording_and_order.)"""
    from checklists import SETTINGS
    from cli.line_mode.answering import fitting, parse_numbers

    assert fitting(SETTINGS, None) == SETTINGS
    assert fitting(SETTINGS, ["home_visit", "outreach"]) == (
        ("home_visit", "Home visit"),
        ("outreach", "Outreach"),
    )
    assert fitting(SETTINGS, ["nowhere"]) == SETTINGS  # none known: all of them
    assert parse_numbers("1,4", 5) == [1, 4] and parse_numbers("4 1 4", 5) == [4, 1]
    assert parse_numbers("", 5) == [] and parse_numbers("0", 5) is None
    assert parse_numbers("1,x", 5) is None and parse_numbers("6", 5) is None


def test_a_supervisor_an_admin_added_is_asked_about_once_in_line_mode(team, data_dir) -> None:
    """As the app asks at sign-in: nothing is shared with them until she says yes."""
    from services import directory, people

    alex = people.sign_in(team.store, "Alex Reid", PASSPHRASE)
    people.update_person(team.store, alex, "Kit Novak", add_supervisors=["Sam Supervisor"])
    code, out, _ = answer(data_dir, "Kit Novak", PASSPHRASE, "maybe", "y")
    assert code == 0
    asked = [line for line in out.splitlines() if line.startswith("Share your sessions")]
    assert len(asked) == 1
    assert "Share with them? y/N: \nPlease type y for yes or n for no" in out  # asked again
    question = asked[0]
    assert question.startswith("Share your sessions with Sam Supervisor, added by Alex Reid on ")
    assert "(an empty line is no)." in out
    from store import Store

    kit = people.sign_in(Store(data_dir), "Kit Novak", PASSPHRASE)
    assert directory.waiting_supervisors(Store(data_dir), kit) == []


def test_a_store_with_nobody_in_it_says_so_in_one_line(data_dir) -> None:
    result = run_cli("answer", data_dir=data_dir, stdin=lines("Alex Reid", PASSPHRASE))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"stepping-stones: nobody has an account in {data_dir} yet: start the app "
        "(stepping-stones) to make the first one"
    ]


def test_new_comments_from_a_supervisor_are_said_after_signing_in(team, data_dir) -> None:
    """As the app shows "A new comment on your sessions" at sign-in: one plain line, and the
    comments stay new for the app to show (line mode does not read them out)."""
    from services import supervision
    from store import Store
    from tests.test_supervision import finished_session

    store, sam, jo, _kit = team
    session = finished_session(store, jo, store.library.checklists["any-contact"], 3, {})
    code, out, _ = answer(data_dir, "Jo Patel", PASSPHRASE, "q")
    assert code == 0 and "new comment" not in out.casefold()
    supervision.add_comment(store, sam, jo, session.id, "Let us talk about this one.")
    code, out, _ = answer(data_dir, "Jo Patel", PASSPHRASE, "q")
    assert code == 0
    said = [line for line in out.splitlines() if "new comment" in line.casefold()]
    assert said == [
        "A new comment on your sessions: you will find it in the app, in Prepare for "
        "supervision (p on the home screen)."
    ]
    assert out.index("Signed in as Jo Patel.") < out.index(said[0]) < out.index("Checklists:")
    assert "Let us talk about this one." not in out
    jo_again = supervision_reader(Store(data_dir), "Jo Patel")
    assert len(supervision.new_comments(Store(data_dir), jo_again)) == 1  # still new
    supervision.add_comment(store, sam, jo, session.id, "And this.")
    code, out, _ = answer(data_dir, "Jo Patel", PASSPHRASE, "q")
    assert "\n2 new comments on your sessions: you will find them in the app, in " in out


def supervision_reader(store, name: str):
    from services import people

    return people.sign_in(store, name, PASSPHRASE)


@pytest.mark.parametrize("signing_in", ["typed", "from flags"])
def test_an_unknown_checklist_fails_in_one_line_before_anything_else(
    alex, checklist, data_dir, passphrase_file, signing_in
) -> None:
    """Nothing is printed (no "Signed in as", no unfinished checklists), nothing is asked."""
    answer(data_dir, *SIGN_IN, "1", *setup_defaults(checklist), "1", "q")  # one unfinished
    args = ("--checklist", "nope")
    if signing_in == "from flags":
        args += ("--user", "Alex Reid", "--passphrase-file", str(passphrase_file))
    code, out, err = answer(data_dir, *SIGN_IN, "q", args=args)
    assert code != 0
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("stepping-stones: no checklist 'nope' (known: ")
    assert "any-contact" in line


def test_a_line_that_is_not_utf_8_is_asked_again_and_nothing_hangs(
    store, alex, checklist, data_dir, passphrase_file
) -> None:
    """A terminal set to another encoding sends bytes Python reads as lone surrogates. They
    reached the draft, the writer's thread died on them and the command never ended (the
    note and every later answer lost). Now the line is asked for again."""
    total = items_answered(checklist)
    typed = [*SIGN_IN, "1", *setup_defaults(checklist)]
    typed += ["n", "caf\udce9 with her", "A quiet caf\u00e9.", "", "1"]
    typed += ["1"] * (total - 1)
    typed += [""] * reflection_count(store) + ["n"]
    code, out, err = answer(data_dir, *typed)
    assert code == 0, err
    assert "could not be read as text" in out
    [done] = sessions(data_dir, passphrase_file)
    first = checklist.visible_items(done["setup"], {})[0].id
    assert done["answers"][first]["note"] == "A quiet caf\u00e9."
    assert done["status"] == "complete"


def test_bytes_that_are_not_utf_8_on_a_strict_standard_input_are_asked_again() -> None:
    """In a UTF-8 locale (en_GB.UTF-8, say) Python's standard input is strict, and such
    bytes raised UnicodeDecodeError: a traceback. Now they come in as stand-ins and the line
    is asked for again."""
    from cli.line_mode.conversation import Conversation

    strict = io.TextIOWrapper(io.BytesIO(b"Alex R\xffeid\nAlex Reid\n"), encoding="utf-8")
    assert strict.errors == "strict"
    said = io.StringIO()
    talk = Conversation(stdin=strict, stdout=said, tty=False)
    assert talk.ask("Name: ") == "Alex Reid"
    assert "could not be read as text" in said.getvalue()
