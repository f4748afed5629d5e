"""The checklist loader and validator: every problem is reported as `FILE:LINE: what is wrong`.

Each test writes a small YAML file into `tmp_path` and checks the exact `FILE:LINE:` prefix and
the important part of the message. All content here is synthetic.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from checklists.loader import (
    Problem,
    builtin_data_dir,
    load_checklist_file,
    load_library,
    parse_checklist,
    parse_reasons,
    parse_reflection,
    validate_paths,
)
from checklists.model import RESPONSES, Checklist
from tests import helpers
from tests.helpers import CliResult
from tests.test_pause_points import PAUSE_POINTS

REPO = Path(__file__).resolve().parent.parent


# -- helpers ---------------------------------------------------------------------------------
def item_yaml(item_id: str, req: str = "7.1") -> str:
    return (
        f"      - id: {item_id}\n"
        f"        prompt: I did {item_id}\n"
        f"        why: This matters for {item_id}. It helps her stay in touch.\n"
        f'        requirements: ["{req}"]\n'
    )


def section_yaml(section_id: str, item_ids: list[str]) -> str:
    return f"  - id: {section_id}\n    title: Section {section_id}\n    items:\n" + "".join(
        item_yaml(i) for i in item_ids
    )


HEADER = """\
id: demo
version: 1
title: Demo checklist
description: A synthetic checklist for tests.
when: After a test contact
mode: do-confirm
source: Synthetic test content
kind: core
setup_questions:
  - id: interpreter
    label: An interpreter was needed
sections:
"""
FIRST = ["a1", "a2", "a3", "a4", "a5"]
SECOND = ["b1", "b2", "b3", "b4", "b5"]
VALID = HEADER + section_yaml("first", FIRST) + section_yaml("second", SECOND)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line containing `needle`."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) >= occurrence, f"{needle!r} is not in the text {occurrence} times"
    return lines[occurrence - 1]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def known(library) -> set[str]:
    return set(library.requirements)


@pytest.fixture
def load(tmp_path: Path, known: set[str]):
    """Write `text` to a file and load it: (path, checklist or None, problems)."""

    def _load(text: str, name: str = "demo.yaml") -> tuple[Path, Checklist | None, list[Problem]]:
        path = write(tmp_path, name, text)
        checklist, problems = load_checklist_file(path, known)
        return path, checklist, problems

    return _load


def assert_problem(
    problems: list[Problem], path: Path | str, line: int, fragment: str, warning: bool = False
) -> Problem:
    prefix = f"{path}:{line}: " + ("warning: " if warning else "")
    for problem in problems:
        if (
            str(problem).startswith(prefix)
            and problem.warning == warning
            and fragment in problem.message
        ):
            return problem
    listing = "\n".join(str(p) for p in problems) or "(no problems)"
    raise AssertionError(f"no problem starting {prefix!r} containing {fragment!r}:\n{listing}")


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]


def assert_rejected(load, text: str, line: int, fragment: str) -> list[Problem]:
    path, checklist, problems = load(text)
    assert checklist is None
    assert_problem(problems, path, line, fragment)
    return problems


# -- a valid file ----------------------------------------------------------------------------
def test_valid_file_loads_with_every_item_and_no_problems(load):
    path, checklist, problems = load(VALID)
    assert problems == []
    assert checklist is not None
    assert checklist.id == "demo"
    assert checklist.version == "1"
    assert checklist.mode == "do-confirm"
    assert checklist.origin == str(path)
    assert [s.id for s in checklist.sections] == ["first", "second"]
    assert len(checklist.items) == 10
    assert [i.id for i in checklist.items] == FIRST + SECOND
    a1 = checklist.item("a1")
    assert a1.prompt == "I did a1"
    assert a1.requirements == ("7.1",)
    assert a1.section_id == "first"
    assert a1.guidance is None
    assert a1.critical is False
    assert [q.id for q in checklist.setup_questions] == ["interpreter"]


def test_folded_text_is_joined_into_one_line(load):
    text = replace_once(
        VALID,
        "        why: This matters for a1. It helps her stay in touch.\n",
        "        why: >-\n          This matters.\n          It helps her.\n",
    )
    _, checklist, problems = load(text)
    assert problems == []
    assert checklist.item("a1").why == "This matters. It helps her."


def test_content_hash_is_stable_across_loads_and_changes_with_wording(load, tmp_path, known):
    _, first, _ = load(VALID)
    _, again, _ = load(VALID, name="copy.yaml")
    assert first.content_hash == again.content_hash
    assert len(first.content_hash) == 16
    _, reworded, _ = load(replace_once(VALID, "prompt: I did a3", "prompt: I did a3 well"))
    assert reworded.content_hash != first.content_hash


def test_round_trip_through_dict_keeps_content_and_hash(load):
    text = replace_once(
        VALID,
        '        requirements: ["7.1"]\n      - id: a3',
        '        requirements: ["7.1"]\n'
        "        critical: true\n"
        "        guidance: Ask gently.\n"
        "      - id: a3\n"
        "        show_if: {item: a2, answer: [done]}",
    )
    _, checklist, problems = load(text)
    assert errors(problems) == []
    again = Checklist.from_dict(json.loads(json.dumps(checklist.to_dict())))
    assert again == checklist
    assert again.content_hash == checklist.content_hash
    assert again.item("a2").critical is True
    assert again.item("a3").show_if.item == "a2"


# -- YAML syntax ---------------------------------------------------------------------------
def test_yaml_syntax_error_reports_the_line_of_the_tab(load):
    text = replace_once(VALID, "        prompt: I did a3", "\tprompt: I did a3")
    assert_rejected(load, text, line_of(text, "prompt: I did a3"), "YAML syntax error")


def test_yaml_syntax_error_unclosed_bracket(load):
    text = "id: demo\nversion: 1\ntitle: [Demo\nmode: read-do\n"
    path, checklist, problems = load(text)
    assert checklist is None
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{path}:")
    assert "YAML syntax error" in problems[0].message
    # PyYAML notices the missing ']' where the flow sequence is interrupted.
    assert problems[0].line in (3, 4)


def test_duplicate_key_is_reported_at_the_second_key(load):
    text = replace_once(VALID, "mode: do-confirm\n", "mode: do-confirm\nmode: read-do\n")
    assert_rejected(load, text, 7, "the key 'mode' appears twice")


def test_two_documents_in_one_file(load):
    text = VALID + "---\nid: other\n"
    problems = assert_rejected(
        load, text, line_of(text, "---"), "expected a single document in the stream"
    )
    assert len(problems) == 1


def test_empty_file(load):
    assert_rejected(load, "", 1, "must be a mapping of fields, not nothing")


def test_checklist_that_is_a_list_not_a_mapping(load):
    text = "# a list by mistake\n\n- id: demo\n- title: Demo\n"
    assert_rejected(load, text, 3, "a checklist must be a mapping of fields, not a list")


def test_file_that_is_not_utf8(tmp_path, known):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    checklist, problems = load_checklist_file(path, known)
    assert checklist is None
    assert_problem(problems, path, 1, "not UTF-8 text")


@pytest.mark.parametrize(
    "text",
    [
        "42\n",
        "just some words\n",
        "null\n",
        "- - -\n",
        "&a [*a]\n",
        "sections: {first: 1}\n",
        "sections: [1, 2]\n",
        "sections: [{items: [1, null]}]\n",
        "sections: [{id: s, title: S, items: [{show_if: 7}]}]\n",
        "sections: [{id: s, title: S, items: [{show_if: {item: [x]}}]}]\n",
        "sections: [{id: s, title: S, show_if: {setup: [x]}, items: []}]\n",
        "? [a, b]\n: c\n",
        "id: !!python/object:os.system x\n",
        "id: \x07\n",
    ],
)
def test_garbage_never_raises_and_every_problem_has_file_and_line(load, text):
    path, checklist, problems = load(text)
    assert checklist is None
    assert errors(problems)
    for problem in problems:
        assert re.match(rf"^{re.escape(str(path))}:\d+: \S", str(problem)), str(problem)
        assert problem.line >= 1


# -- fields: missing, wrong type, unknown ---------------------------------------------------
@pytest.mark.parametrize(
    "field", ["id", "version", "title", "description", "when", "mode", "source", "sections"]
)
def test_missing_checklist_field(load, field):
    lines = VALID.splitlines(keepends=True)
    if field == "sections":
        text = HEADER.replace("sections:\n", "")
    else:
        text = "".join(line for line in lines if not line.startswith(f"{field}:"))
    assert_rejected(load, text, 1, f"the checklist is missing '{field}'")


@pytest.mark.parametrize("field", ["prompt", "why", "requirements"])
def test_missing_item_field_is_reported_at_the_item(load, field):
    old = {
        "prompt": "        prompt: I did a3\n",
        "why": "        why: This matters for a3. It helps her stay in touch.\n",
        "requirements": '        requirements: ["7.1"]\n      - id: a4',
    }[field]
    new = "      - id: a4" if field == "requirements" else ""
    text = replace_once(VALID, old, new)
    assert_rejected(load, text, line_of(text, "- id: a3"), f"item 'a3' is missing '{field}'")


def test_missing_item_id(load):
    text = replace_once(VALID, "      - id: a3\n        prompt", "      - prompt")
    assert_rejected(load, text, line_of(text, "prompt: I did a3"), "an item is missing 'id'")


def test_missing_section_title(load):
    text = replace_once(VALID, "    title: Section second\n", "")
    assert_rejected(load, text, line_of(text, "- id: second"), "a section is missing 'title'")


P3 = "prompt: I did a3"
IN_A3 = "in item 'a3' must be"


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        (P3, "prompt: 42", f"'prompt' {IN_A3} non-empty text, not a number"),
        (P3, "prompt: ''", f"'prompt' {IN_A3} non-empty text, not empty text"),
        (P3, "prompt: [I, did]", f"'prompt' {IN_A3} non-empty text, not a list"),
        (P3, f"{P3}\n        critical: very", f"'critical' {IN_A3} true or false, not text"),
        (
            P3,
            f"{P3}\n        guidance: {{a: b}}",
            f"'guidance' {IN_A3} non-empty text, not a mapping",
        ),
        ("title: Demo checklist", "title: yes", "'title' in the checklist must be non-empty text"),
        ("version: 1", "version: [1]", "'version' must be a whole number or text, not a list"),
        ("version: 1", "version: 1.10", "'version' with a decimal point must be in quotes"),
    ],
)
def test_wrong_type_is_reported_at_the_field(load, old, new, fragment):
    text = replace_once(VALID, old, new)
    needle = new.splitlines()[-1].strip()
    assert_rejected(load, text, line_of(text, needle), fragment)


def test_requirements_that_are_not_a_list(load):
    text = replace_once(
        VALID,
        '        requirements: ["7.1"]\n      - id: a4',
        '        requirements: "7.1"\n      - id: a4',
    )
    assert_rejected(
        load,
        text,
        line_of(text, 'requirements: "7.1"'),
        "'requirements' in item 'a3' must be a list, not text",
    )


def test_empty_requirements_list(load):
    text = replace_once(
        VALID,
        '        requirements: ["7.1"]\n      - id: a4',
        "        requirements: []\n      - id: a4",
    )
    assert_rejected(
        load,
        text,
        line_of(text, "requirements: []"),
        "'requirements' in item 'a3' must not be empty",
    )


def test_unquoted_decimal_requirement_is_refused(load):
    # YAML would read 5.10 as 5.1, silently naming the wrong requirement.
    text = replace_once(
        VALID,
        '        requirements: ["7.1"]\n      - id: a4',
        "        requirements: [5.10]\n      - id: a4",
    )
    assert_rejected(
        load, text, line_of(text, "requirements: [5.10]"), 'must be in quotes, such as "8.2"'
    )


def test_whole_number_requirement_without_quotes_is_accepted(load):
    text = replace_once(
        VALID,
        '        requirements: ["7.1"]\n      - id: a4',
        "        requirements: [7]\n      - id: a4",
    )
    _, checklist, problems = load(text)
    assert problems == []
    assert checklist.item("a3").requirements == ("7",)


@pytest.mark.parametrize(
    ("old", "new", "needle", "fragment"),
    [
        ("mode: do-confirm\n", "mode: do-confirm\ncolour: red\n", "colour: red", "the checklist"),
        (P3, f"{P3}\n        promt: typo", "promt: typo", "an item"),
        (
            "title: Section second",
            "title: Section second\n    critical: true",
            "critical:",
            "a section",
        ),
        ("needed", "needed\n    hint: x", "hint: x", "a setup question"),
    ],
)
def test_unknown_field_is_reported_at_its_line(load, old, new, needle, fragment):
    text = replace_once(VALID, old, new)
    field = needle.split(":")[0]
    assert_rejected(load, text, line_of(text, needle), f"{fragment} has an unknown field '{field}'")


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("id: demo", "id: Demo List", "'id' in the checklist must be lowercase letters"),
        ("- id: a3", "- id: A 3", "'id' in an item must be lowercase letters"),
        ("- id: second", "- id: -second", "'id' in a section must be lowercase letters"),
        ("- id: interpreter", "- id: interpreter?", "'id' in a setup question must be lowercase"),
    ],
)
def test_bad_slug_id(load, old, new, fragment):
    text = replace_once(VALID, old, new)
    problem = assert_rejected(load, text, line_of(text, new), fragment)[0]
    assert "(got '" in problem.message


def test_bad_mode(load):
    text = replace_once(VALID, "mode: do-confirm", "mode: read-and-do")
    assert_rejected(load, text, 6, "'mode' must be one of do-confirm, read-do (got 'read-and-do')")


def test_read_do_mode_is_accepted(load):
    _, checklist, problems = load(replace_once(VALID, "mode: do-confirm", "mode: read-do"))
    assert problems == []
    assert checklist.mode == "read-do"


# -- duplicates, requirement numbers ---------------------------------------------------------
def test_duplicate_item_id_is_reported_at_the_second(load):
    text = replace_once(VALID, "- id: b3", "- id: a2")
    problems = assert_rejected(
        load,
        text,
        line_of(text, "- id: a2", occurrence=2),
        f"duplicate item id 'a2' (first on line {line_of(text, '- id: a2')})",
    )
    assert len(errors(problems)) == 1


def test_duplicate_section_id_is_reported_at_the_second(load):
    text = replace_once(VALID, "- id: second", "- id: first")
    assert_rejected(
        load,
        text,
        line_of(text, "- id: first", occurrence=2),
        f"duplicate section id 'first' (first on line {line_of(text, '- id: first')})",
    )


def test_setup_question_id_may_not_shadow_setting(load):
    text = replace_once(VALID, "- id: interpreter", "- id: setting")
    assert_rejected(load, text, line_of(text, "- id: setting"), "duplicate id 'setting'")


def test_unknown_requirement_number_is_reported_at_its_entry(load):
    text = replace_once(
        VALID,
        '        requirements: ["7.1"]\n      - id: a4',
        '        requirements:\n          - "7.1"\n          - "9.9"\n      - id: a4',
    )
    problems = assert_rejected(
        load, text, line_of(text, '- "9.9"'), "unknown requirement number '9.9' in item 'a3'"
    )
    assert len(errors(problems)) == 1


# -- show_if ---------------------------------------------------------------------------------
def with_show_if(show_if: str, before: str = "prompt: I did b2", section: bool = False) -> str:
    if section:
        return replace_once(
            VALID,
            "    title: Section second\n",
            f"    title: Section second\n    show_if: {show_if}\n",
        )
    return replace_once(VALID, before, f"{before}\n        show_if: {show_if}")


@pytest.mark.parametrize(
    "show_if",
    [
        "{item: a1, answer: [done, partly]}",
        "{item: a1, answer: not_done}",
        "{setup: {setting: clinic}}",
        "{setup: {setting: [clinic, home_visit], stage: postnatal}}",
        "{setup: {interpreter: true}}",
        "{setup: {interpreter: false}, item: b1, answer: [done]}",
    ],
)
def test_valid_show_if(load, show_if):
    path, checklist, problems = load(with_show_if(show_if))
    assert problems == [], [str(p) for p in problems]
    assert checklist.item("b2").show_if is not None


def test_show_if_pointing_at_no_item(load):
    text = with_show_if("{item: a9, answer: [done]}")
    assert_rejected(
        load, text, line_of(text, "show_if:"), "'show_if' in item 'b2' points at no item 'a9'"
    )


def test_show_if_pointing_at_a_later_item(load):
    text = with_show_if("{item: b4, answer: [done]}")
    assert_rejected(load, text, line_of(text, "show_if:"), "points at 'b4', which is not earlier")


def test_show_if_pointing_at_itself(load):
    text = with_show_if("{item: b2, answer: [done]}")
    assert_rejected(load, text, line_of(text, "show_if:"), "points at 'b2', which is not earlier")


def test_section_show_if_pointing_at_an_item_inside_it(load):
    text = with_show_if("{item: b1, answer: [done]}", section=True)
    assert_rejected(
        load, text, line_of(text, "show_if:"), "'show_if' in section 'second' points at 'b1'"
    )


def test_section_show_if_on_an_earlier_section_item_is_valid(load):
    _, checklist, problems = load(with_show_if("{item: a5, answer: [done]}", section=True))
    assert problems == []
    assert checklist.section("second").show_if.item == "a5"


def test_show_if_with_unknown_setup_field(load):
    text = replace_once(
        VALID,
        "prompt: I did b2",
        "prompt: I did b2\n        show_if:\n          setup:\n            venue: clinic",
    )
    assert_rejected(
        load,
        text,
        line_of(text, "venue: clinic"),
        "'show_if' in item 'b2' points at no setup field 'venue' "
        "(known: interpreter, setting, stage)",
    )


def test_show_if_with_unknown_setting_value(load):
    text = with_show_if("{setup: {setting: sofa}}")
    assert_rejected(load, text, line_of(text, "show_if:"), "'setting' cannot be 'sofa'")


def test_show_if_with_unknown_stage_value(load):
    text = with_show_if("{setup: {stage: [antenatal, labour]}}")
    assert_rejected(load, text, line_of(text, "show_if:"), "'stage' cannot be 'labour'")


def test_show_if_with_bad_answer_value(load):
    text = replace_once(
        VALID,
        "prompt: I did b2",
        "prompt: I did b2\n        show_if:\n          item: a1\n          answer: [done, over]",
    )
    assert_rejected(
        load,
        text,
        line_of(text, "answer: [done, over]"),
        "'show_if.answer' in item 'b2': 'over' is not one of "
        "done, partly, not_done, not_applicable",
    )


def test_show_if_item_without_answer(load):
    text = with_show_if("{item: a1}")
    assert_rejected(load, text, line_of(text, "show_if:"), "needs 'answer'")


def test_show_if_answer_without_item(load):
    text = with_show_if("{answer: [done]}")
    assert_rejected(
        load, text, line_of(text, "show_if:"), "'show_if.answer' in item 'b2' needs 'item'"
    )


def test_show_if_with_unknown_key(load):
    text = with_show_if("{setup: {setting: clinic}, when: later}")
    assert_rejected(
        load, text, line_of(text, "show_if:"), "'show_if' in item 'b2' has an unknown field 'when'"
    )


def test_show_if_that_is_not_a_mapping(load):
    text = with_show_if("a1")
    assert_rejected(
        load, text, line_of(text, "show_if:"), "must be a mapping with 'setup' or 'item'"
    )


# -- sections and items ----------------------------------------------------------------------
def test_empty_sections(load):
    text = HEADER.replace("sections:\n", "sections: []\n")
    assert_rejected(load, text, line_of(text, "sections: []"), "'sections' must not be empty")


def test_section_without_items(load):
    text = HEADER + "  - id: first\n    title: First\n    items: []\n"
    assert_rejected(load, text, line_of(text, "items: []"), "section 'first' has no items")


def test_section_entry_that_is_not_a_mapping(load):
    text = HEADER + "  - just a title\n"
    assert_rejected(
        load, text, line_of(text, "- just a title"), "each section must be a mapping, not text"
    )


def test_sections_of_any_size_load_without_a_warning(load):
    # The limits are per checklist now (by kind), not per section.
    text = HEADER + section_yaml("first", FIRST) + section_yaml("short", ["c1", "c2", "c3"])
    path, checklist, problems = load(text)
    assert checklist is not None
    assert problems == []
    assert len(checklist.items) == 8


def test_all_errors_in_a_file_are_reported_not_just_the_first(load):
    text = replace_once(VALID, "mode: do-confirm", "mode: sometimes")
    text = replace_once(text, "prompt: I did a2", "prompt: 7")
    text = replace_once(text, "- id: b3", "- id: b1")
    path, checklist, problems = load(text)
    assert checklist is None
    assert len(errors(problems)) == 3
    assert_problem(problems, path, 6, "'mode' must be one of")
    assert_problem(problems, path, line_of(text, "prompt: 7"), "'prompt' in item 'a2'")
    assert_problem(problems, path, line_of(text, "- id: b1", 2), "duplicate item id 'b1'")


# -- visible_items on version 1 of any-contact (a section and an item that depend) -----------
V1 = REPO / "tests" / "data" / "any-contact-v1.yaml"


@pytest.fixture(scope="module")
def any_contact(known) -> Checklist:
    """Version 1 of the core checklist, as a service's own file: it loads, with warnings."""
    checklist, problems = load_checklist_file(V1, known)
    assert checklist is not None and errors(problems) == [], problems
    return checklist


def test_visible_items_hide_the_baby_removed_section_unless_set(any_contact):
    removed = any_contact.section("baby-removed")
    assert removed.show_if is not None
    setup = {"setting": "clinic", "stage": "postnatal", "baby_removed": False}
    shown = {i.id for i in any_contact.visible_items(setup, {})}
    assert shown.isdisjoint(i.id for i in removed.items)
    assert {i.id for i in any_contact.section("approach").items} <= shown

    shown = {i.id for i in any_contact.visible_items({**setup, "baby_removed": True}, {})}
    assert {i.id for i in removed.items} <= shown

    # An unanswered setup question counts as "no".
    shown = {i.id for i in any_contact.visible_items({"setting": "clinic"}, {})}
    assert shown.isdisjoint(i.id for i in removed.items)


def test_visible_items_follow_an_earlier_answer(any_contact):
    dependent = any_contact.item("safe-to-contact")
    assert dependent.show_if.item == "preferred-contact"
    setup = {"setting": "home_visit", "stage": "antenatal"}

    def shown(answers):
        return [i.id for i in any_contact.visible_items(setup, answers)]

    assert "safe-to-contact" not in shown({})
    assert "safe-to-contact" not in shown({"preferred-contact": "not_done"})
    assert "safe-to-contact" not in shown({"preferred-contact": "not_applicable"})
    for answer in ("done", "partly"):
        ids = shown({"preferred-contact": answer})
        assert ids.index("safe-to-contact") == ids.index("preferred-contact") + 1


def test_visible_items_keep_checklist_order(any_contact):
    setup = {"setting": "clinic", "stage": "postnatal", "baby_removed": True}
    answers = {"preferred-contact": "done"}
    assert any_contact.visible_items(setup, answers) == list(any_contact.items)


def test_setup_show_if_on_setting(load):
    text = with_show_if("{setup: {setting: [home_visit, outreach]}}")
    _, checklist, _ = load(text)
    visible = [i.id for i in checklist.visible_items({"setting": "clinic"}, {})]
    assert "b2" not in visible
    visible = [i.id for i in checklist.visible_items({"setting": "outreach"}, {})]
    assert "b2" in visible


# -- reasons.yaml and reflection.yaml --------------------------------------------------------
REASONS = """\
version: 1
reasons:
  - id: no-room
    label: No private room
    level: service
    requirements: ["5.1"]
  - id: forgot
    label: I did not think of it
    level: practice
    requirements: []
  - id: her-choice
    label: She chose not to
    level: woman
"""


def test_valid_reasons_file(tmp_path, known):
    reasons, problems = parse_reasons(write(tmp_path, "reasons.yaml", REASONS), known)
    assert problems == []
    assert [(r.id, r.level, r.requirements) for r in reasons] == [
        ("no-room", "service", ("5.1",)),
        ("forgot", "practice", ()),
        ("her-choice", "woman", ()),
    ]


def test_reason_with_bad_level(tmp_path, known):
    text = replace_once(REASONS, "level: practice", "level: personal")
    path = write(tmp_path, "reasons.yaml", text)
    reasons, problems = parse_reasons(path, known)
    assert_problem(
        problems,
        path,
        line_of(text, "level: personal"),
        "'level' must be one of service, practice, woman",
    )
    assert "forgot" not in [r.id for r in reasons]


def test_reason_with_duplicate_id(tmp_path, known):
    text = replace_once(REASONS, "- id: her-choice", "- id: no-room")
    path = write(tmp_path, "reasons.yaml", text)
    reasons, problems = parse_reasons(path, known)
    assert_problem(
        problems,
        path,
        line_of(text, "- id: no-room", occurrence=2),
        f"duplicate reason id 'no-room' (first on line {line_of(text, '- id: no-room')})",
    )
    assert [r.id for r in reasons].count("no-room") == 1


def test_reason_with_unknown_requirement_and_missing_label(tmp_path, known):
    text = replace_once(REASONS, '["5.1"]', '["5.1", "12"]')
    text = replace_once(text, "    label: She chose not to\n", "")
    path = write(tmp_path, "reasons.yaml", text)
    _, problems = parse_reasons(path, known)
    assert_problem(problems, path, line_of(text, '"12"'), "unknown requirement number '12'")
    assert_problem(problems, path, line_of(text, "- id: her-choice"), "is missing 'label'")


def test_reason_only_if_and_asks_note(tmp_path, known):
    text = REASONS + "    only_if: baby_removed\n    asks_note: true\n"
    reasons, problems = parse_reasons(write(tmp_path, "reasons.yaml", text), known)
    assert problems == []
    assert (reasons[-1].only_if, reasons[-1].asks_note) == ("baby_removed", True)
    assert (reasons[0].only_if, reasons[0].asks_note) == (None, False)


def test_reason_with_bad_only_if_and_asks_note(tmp_path, known):
    text = REASONS + "    only_if: Baby Removed\n    asks_note: sometimes\n"
    path = write(tmp_path, "reasons.yaml", text)
    _, problems = parse_reasons(path, known)
    assert_problem(
        problems, path, line_of(text, "only_if"), "'only_if' in reason 'her-choice' must be"
    )
    assert_problem(
        problems, path, line_of(text, "asks_note"), "'asks_note' in reason 'her-choice' must be"
    )


def test_reason_only_if_must_name_a_setup_question(tmp_path, known):
    text = REASONS + "    only_if: baby_removd\n"
    path = write(tmp_path, "reasons.yaml", text)
    _, problems = parse_reasons(path, known, {"baby_removed"})
    assert_problem(
        problems,
        path,
        line_of(text, "only_if"),
        "'only_if' in reason 'her-choice' is not a setup question of any checklist"
        " ('baby_removd'; known: baby_removed)",
    )
    assert parse_reasons(path, known)[1] == []  # without the checklists, not checked
    assert validate_paths([path])  # `checklists validate` knows the built-in ones


def test_reasons_file_without_a_list(tmp_path, known):
    path = write(tmp_path, "reasons.yaml", "version: 1\nreasons: none\n")
    _, problems = parse_reasons(path, known)
    assert_problem(problems, path, 2, "the file must have a list 'reasons'")


def test_broken_reflection_file_is_reported_not_raised(tmp_path):
    path = write(tmp_path, "reflection.yaml", 'prompts:\n  - id: a\n    label: "unclosed\n')
    prompts, flag_label, problems = parse_reflection(path)
    assert prompts == []
    assert flag_label
    assert errors(problems)
    assert str(problems[0]).startswith(f"{path}:")
    assert "YAML syntax error" in problems[0].message


# -- the shipped library ---------------------------------------------------------------------
def shipped_texts(library) -> list[tuple[str, str]]:
    """(where, text) for every piece of shipped wording a member of staff reads."""
    out: list[tuple[str, str]] = []
    for checklist in library.checklists.values():
        out += [(f"{checklist.id}.title", checklist.title)]
        out += [(f"{checklist.id}.description", checklist.description)]
        out += [(f"{checklist.id}.when", checklist.when)]
        out += [(f"{checklist.id}.{q.id}", q.label) for q in checklist.setup_questions]
        for section in checklist.sections:
            out.append((f"{checklist.id}.{section.id}", section.title))
            for item in section.items:
                out.append((f"{item.id}.prompt", item.prompt))
                out.append((f"{item.id}.why", item.why))
                if item.guidance:
                    out.append((f"{item.id}.guidance", item.guidance))
    out += [(f"reason {r.id}", r.label) for r in library.reasons]
    out += [(f"reflection {p.id}", f"{p.label} {p.hint}") for p in library.reflection]
    return out


def test_shipped_library_loads_without_problems(library):
    assert [str(p) for p in library.problems] == []
    assert library.skipped == []
    assert "any-contact" in library.checklists
    assert library.reasons
    assert len(library.reflection) >= 3
    assert library.flag_label


def test_the_core_checklist_covers_requirements_7_and_8(library):
    # 8.5 (support after a baby is removed) has its own pause-point checklist.
    core = library.checklists["any-contact"]
    covered = {r for i in core.items for r in i.requirements}
    wanted = {f"{key}.{sub}" for key in (7, 8) for sub in range(1, 6)} - {"8.5"}
    assert wanted <= covered, f"not covered: {sorted(wanted - covered)}"


def test_shipped_requirement_numbers_are_all_known(library):
    for checklist in library.checklists.values():
        for item in checklist.items:
            assert set(item.requirements) <= set(library.requirements), item.id
    for reason in library.reasons:
        assert set(reason.requirements) <= set(library.requirements), reason.id


def test_shipped_checklists_keep_to_the_limits_of_their_kind(library):
    assert library.checklists["any-contact"].kind == "core"
    for checklist in library.checklists.values():
        assert checklist.kind in ("core", "pause-point"), checklist.id
        if checklist.is_pause_point:
            assert 5 <= len(checklist.items) <= 9, checklist.id
        else:
            shown = checklist.items_for_setup(checklist.default_setup())
            assert len(shown) <= 12, checklist.id


def test_shipped_why_has_at_least_two_sentences(library):
    for checklist in library.checklists.values():
        for item in checklist.items:
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", item.why.strip()) if s]
            assert len(sentences) >= 2, f"{item.id}: {item.why}"
            assert item.why.rstrip().endswith((".", "!", "?")), item.id


def test_shipped_prompts_are_short_first_person_lines(library):
    for checklist in library.checklists.values():
        for item in checklist.items:
            assert item.prompt.startswith("I "), item.id
            assert len(item.prompt) <= 80, item.id
            assert "\n" not in item.prompt


def test_shipped_reasons_cover_every_level(library):
    assert {r.level for r in library.reasons} == {"service", "practice", "woman"}
    for reason in library.reasons:
        # "Something else (say in a note)" is open: the note says what it was.
        if reason.level == "service" and not reason.asks_note:
            assert reason.requirements, f"service reason {reason.id} names no requirement"


def test_each_level_has_something_else_asking_for_a_note(library):
    for level in ("service", "practice", "woman"):
        others = [r for r in library.reasons if r.level == level and r.asks_note]
        assert [r.label for r in others] == ["Something else (say in a note)"], level


def test_removal_only_reasons_are_offered_only_after_a_removal(library):
    after_removal = {r.id for r in library.reasons if r.only_if == "baby_removed"}
    assert {"no-support-after-removal", "too-soon-after-removal"} <= after_removal
    reason = library.reason("no-support-after-removal")
    assert not reason.applies({"baby_removed": False}) and not reason.applies({})
    assert reason.applies({"baby_removed": True})
    assert library.reason("no-private-room").applies({})


def test_shipped_wording_uses_no_avoid_terms(library):
    language = yaml.safe_load((builtin_data_dir() / "language.yaml").read_text(encoding="utf-8"))
    avoid = sorted({term for entry in language["terms"] for term in entry["avoid"]})
    assert avoid
    patterns = [
        (t, re.compile(rf"(?<![\w-]){re.escape(t)}(?![\w-])", re.IGNORECASE)) for t in avoid
    ]
    found = [
        f"{where}: '{term}'"
        for where, text in shipped_texts(library)
        for term, pattern in patterns
        if pattern.search(text)
    ]
    assert found == []


def test_shipped_yaml_has_no_participant_codes():
    code = re.compile(r"\b\d{2}_P\d+")
    files = sorted(builtin_data_dir().glob("*.yaml"))
    assert len(files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not code.search(text), f"{path.name}: {code.search(text).group()}"


def test_response_ids_are_the_documented_four():
    assert RESPONSES == ("done", "partly", "not_done", "not_applicable")


# -- validate_paths and load_library ---------------------------------------------------------
BROKEN = VALID.replace("mode: do-confirm", "mode: maybe").replace("id: demo", "id: broken", 1)


def test_validate_paths_reports_only_the_broken_file(tmp_path):
    good = write(tmp_path, "good.yaml", VALID)
    bad = write(tmp_path, "bad.yaml", BROKEN)
    problems = validate_paths([tmp_path])
    assert problems and all(p.path == str(bad) for p in problems)
    assert_problem(problems, bad, 6, "'mode' must be one of")
    assert validate_paths([good]) == []


def test_validate_paths_on_missing_file_and_empty_folder(tmp_path):
    missing = tmp_path / "nope.yaml"
    empty = tmp_path / "empty"
    empty.mkdir()
    problems = validate_paths([missing, empty])
    assert_problem(problems, missing, 1, "no such file")
    assert_problem(problems, empty, 1, "no checklist files")


def test_validate_paths_checks_a_reasons_file(tmp_path):
    path = write(tmp_path, "reasons.yaml", replace_once(REASONS, "level: woman", "level: hers"))
    assert_problem(validate_paths([path]), path, 13, "'level' must be one of")


def test_validate_paths_on_shipped_data_is_clean():
    data = builtin_data_dir()
    files = [data / n for n in ("reasons.yaml", "reflection.yaml", "requirements.yaml")]
    assert validate_paths([data, *files]) == []


def test_broken_service_file_is_skipped_and_built_ins_still_load(tmp_path):
    bad = write(tmp_path, "bad.yaml", BROKEN)
    lib = load_library(extra_dirs=[tmp_path])
    assert "any-contact" in lib.checklists
    assert "broken" not in lib.checklists
    assert lib.skipped == [str(bad)]
    assert lib.errors and all(p.path == str(bad) for p in lib.errors)


def test_valid_service_file_with_a_new_id_is_added(tmp_path):
    write(tmp_path, "demo.yaml", VALID)
    write(tmp_path, "notes.txt", "not a checklist")
    lib = load_library(extra_dirs=[tmp_path])
    assert set(lib.checklists) == set(load_library().checklists) | {"demo"}
    assert lib.checklists["demo"].origin == str(tmp_path / "demo.yaml")
    assert lib.problems == [] and lib.skipped == []


def test_service_file_with_a_built_in_id_replaces_it(tmp_path):
    write(tmp_path, "ours.yaml", replace_once(VALID, "id: demo", "id: any-contact"))
    lib = load_library(extra_dirs=[tmp_path])
    assert lib.checklists["any-contact"].title == "Demo checklist"
    assert lib.problems == []


def test_two_service_files_with_one_id_skip_the_second(tmp_path):
    write(tmp_path, "a.yaml", VALID)
    second = write(tmp_path, "b.yaml", VALID)
    lib = load_library(extra_dirs=[tmp_path])
    assert lib.checklists["demo"].origin == str(tmp_path / "a.yaml")
    assert lib.skipped == [str(second)]
    assert_problem(lib.problems, second, 1, "duplicate checklist id 'demo'")


def test_missing_service_folder_is_not_an_error(tmp_path):
    lib = load_library(extra_dirs=[tmp_path / "checklists"])
    assert lib.problems == [] and "any-contact" in lib.checklists


def test_parse_checklist_accepts_text_directly(known):
    checklist, problems = parse_checklist(VALID, "inline.yaml", known)
    assert problems == [] and checklist.origin == "inline.yaml"


# -- the command line ------------------------------------------------------------------------
def run_cli(tmp_path: Path, *args: str) -> CliResult:
    """The command, in this process, with `tmp_path` as STEPPING_STONES_DATA_DIR."""
    return helpers.run_cli(*args, env_dir=tmp_path)


def test_cli_validate_broken_file_exits_1_with_file_and_line(tmp_path):
    bad = write(tmp_path, "bad.yaml", BROKEN)
    result = run_cli(tmp_path, "checklists", "validate", str(bad))
    assert result.returncode == 1
    assert "bad.yaml:6: 'mode' must be one of" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_validate_yaml_syntax_error_has_no_traceback(tmp_path):
    bad = write(tmp_path, "bad.yaml", "id: demo\ntitle: [oops\n  - x\n")
    result = run_cli(tmp_path, "checklists", "validate", str(bad))
    assert result.returncode == 1
    assert re.search(r"bad\.yaml:\d+: YAML syntax error", result.stderr)
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_validate_good_file_and_json(tmp_path):
    good = write(tmp_path, "good.yaml", VALID)
    result = run_cli(tmp_path, "checklists", "validate", str(good))
    assert result.returncode == 0, result.stderr
    bad = write(tmp_path, "bad.yaml", BROKEN)
    result = run_cli(tmp_path, "checklists", "validate", "--json", str(bad))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert {"file": str(bad), "line": 6, "level": "error"}.items() <= report["problems"][0].items()


def test_cli_validate_without_paths_checks_the_store_folder(tmp_path):
    service = tmp_path / "checklists"
    service.mkdir()
    result = run_cli(tmp_path, "checklists", "validate")
    assert result.returncode == 0, result.stderr
    write(service, "bad.yaml", BROKEN)
    result = run_cli(tmp_path, "checklists", "validate")
    assert result.returncode == 1
    assert "bad.yaml:6:" in result.stderr


def test_cli_show_json(tmp_path):
    result = run_cli(tmp_path, "checklists", "show", "any-contact", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["id"] == "any-contact"
    assert data["version"] and data["title"]
    items = [item for section in data["sections"] for item in section["items"]]
    assert items
    for item in items:
        assert {"id", "prompt", "why", "requirements", "guidance"} <= item.keys()
        assert isinstance(item["requirements"], list)
    for item in items:
        assert item["evidence"], item["id"]
        for evidence in item["evidence"]:
            assert evidence.keys() == {"requirement", "passage"}
            assert evidence["requirement"] in item["requirements"]
    assert data["kind"] == "core" and data["stages"] == ["antenatal", "birth", "postnatal"]


def test_cli_show_unknown_id_fails_in_one_line(tmp_path):
    result = run_cli(tmp_path, "checklists", "show", "nothing-here")
    assert result.returncode == 1
    assert "no checklist 'nothing-here'" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_list_json_includes_service_checklists_and_skips_broken(tmp_path):
    service = tmp_path / "checklists"
    service.mkdir()
    write(service, "demo.yaml", VALID)
    write(service, "bad.yaml", BROKEN)
    result = run_cli(tmp_path, "checklists", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    for row in rows:
        assert set(row) >= {"id", "version", "title", "kind", "when"}
    assert "bad.yaml:6:" in result.stderr
    # By moment of care: the core (position 0) first, then the moments of care in the order
    # of a pregnancy, a file without a position last.
    assert [r["id"] for r in rows] == ["any-contact", *PAUSE_POINTS, "demo"]
    assert {r["kind"] for r in rows[1:-1]} == {"pause-point"}
    assert rows[0]["kind"] == "core"
    text = run_cli(tmp_path, "checklists", "list").stdout
    assert "any-contact  (version 2, core)" in text
    assert "When: After any contact, in pregnancy or after the birth" in text


def test_cli_reasons_json(tmp_path):
    result = run_cli(tmp_path, "checklists", "reasons", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows
    for row in rows:
        assert set(row) >= {"id", "label", "level", "requirements"}
        assert row["level"] in ("service", "practice", "woman")


# -- the format documentation ----------------------------------------------------------------
def test_readme_example_is_a_valid_checklist(tmp_path, known):
    readme = (REPO / "checklists" / "README.md").read_text(encoding="utf-8")
    assert (
        "Content adapted from the Stepping Stones Study Theory of Change (Cheyne et al., 2026, "
        "NIHR Open Research 6:25), CC-BY 4.0" in readme
    )
    example = re.search(r"```yaml\n(id: .*?)```", readme, re.DOTALL).group(1)
    checklist, problems = load_checklist_file(write(tmp_path, "example.yaml", example), known)
    assert problems == [], [str(p) for p in problems]
    assert len(checklist.items) == 5
    for response in RESPONSES:
        assert f"`{response}`" in readme
