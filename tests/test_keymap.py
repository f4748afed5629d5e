"""Keys written once: hint lines and help come from the bindings, and a person's own keymap
(their user config folder, never the shared store) changes both what a key does and what the
screen says, without touching the contract's keys."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import SIZE, press, screen_text, settle, sign_in, start_checklist, wait_until
from tui import keys
from tui.app import SteppingStonesApp
from tui.keymap import binding_owners, check, keymap_path
from tui.screens.box import BoxScreen
from tui.screens.help import HELP, HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.lock import LockScreen
from tui.screens.note import NoteScreen
from tui.screens.picker import PickerScreen
from tui.screens.transfer import ExportScreen

README = Path(__file__).resolve().parent.parent / "README.md"


def owners() -> list[type]:
    return binding_owners(SteppingStonesApp.__new__(SteppingStonesApp))


def write_keymap(text: str | bytes) -> Path:
    path = keymap_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]  # noqa: SLF001


# -- every binding, once --------------------------------------------------------------------
def test_every_binding_has_an_id_of_its_own() -> None:
    seen: dict[str, type] = {}
    for owner in owners():
        for binding in vars(owner)["BINDINGS"]:
            assert binding.id, f"{owner.__name__}: {binding.key} has no id"
            if owner is BoxScreen and binding.id in {"quit", "help", "lock"}:
                continue  # the app's own, shown in a box's footer (and moved with the app's)
            assert binding.id not in seen, f"{binding.id} in {owner} and {seen[binding.id]}"
            seen[binding.id] = owner
    assert {"next_field", "previous_field"} <= set(seen)  # tab and shift+tab too


@pytest.mark.parametrize("owner", owners(), ids=lambda owner: owner.__name__)
def test_the_help_lists_every_binding_of_every_screen(owner: type) -> None:
    """Whatever screen help is opened from, each of that screen's keys and the app's keys
    have a line (the screens the help does not describe get a section of their own)."""
    listed = keys.used_ids(HelpScreen._this_screen(owner) + HELP)
    wanted = set(keys.bindings_of([owner, SteppingStonesApp]))
    assert wanted <= listed, wanted - listed


def test_the_readme_names_every_key_a_person_may_change() -> None:
    readme = README.read_text(encoding="utf-8")
    accepted, problems = check({i: "f9" for o in owners() for i in keys.bindings_of([o])}, owners())
    changeable = set(accepted) | {p.split('"')[1] for p in problems if "uses it" in p}
    assert changeable, "some keys can be changed"
    for action in changeable:
        assert f"`{action}`" in readme, action


def test_every_key_a_hint_or_the_help_names_is_a_binding() -> None:
    """A hint naming an id that no binding has would stop its screen from opening: each
    string in a statement that fills in keys (and the module constants it uses) is checked."""
    known = {i for owner in owners() for i in keys.bindings_of([owner])}
    tui = Path(__file__).resolve().parent.parent / "tui"
    named: set[str] = keys.used_ids(HELP)
    for path in tui.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        constants |= {
            target.id: "".join(
                str(part.value) for part in ast.walk(node.value) if isinstance(part, ast.Constant)
            )
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.JoinedStr | ast.BinOp)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for statement in ast.walk(tree):
            if not isinstance(statement, ast.stmt) or isinstance(
                statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.With
            ):
                continue
            inside = list(ast.walk(statement))
            if not any(
                isinstance(n, ast.Attribute)
                and n.attr == "fill"
                and getattr(n.value, "id", "") == "keys"
                for n in inside
            ):
                continue
            for node in inside:
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    named |= keys.used_ids(node.value)
                elif isinstance(node, ast.Name) and node.id in constants:
                    named |= keys.used_ids(constants[node.id])
    assert len(named) > 40
    assert named <= known, named - known


def test_keys_are_shown_as_people_know_them() -> None:
    assert [keys.key_label(k) for k in ("question_mark", "f1", "up", "ctrl+s", "comma")] == [
        "?",
        "F1",
        "↑",
        "ctrl+s",
        ",",
    ]


# -- what the file may and may not change ----------------------------------------------------
def test_the_contract_keys_cannot_be_moved_or_taken() -> None:
    accepted, problems = check(
        {
            "quit": "x",
            "lock": "ctrl+k",
            "help": "h",
            "checklist.done": "d",
            "checklist.home": "h",
            "next_field": "ctrl+n",
            "home.new": "1",
            "home.resume": "?",
            "home.about": "ctrl+q",
            "home.sign_out": "ESCAPE",
            "home.export": "ctrl+i",  # arrives as tab
            "checklist.note": "m",
        },
        owners(),
    )
    assert accepted == {"checklist.note": "m"}
    assert len(problems) == 11
    assert '"quit" cannot be changed: ctrl+q is fixed' in problems
    assert '"home.new" cannot take 1: it is fixed' in problems
    assert '"home.resume" cannot take ?: it is fixed' in problems
    assert '"home.export" cannot take ctrl+i: it is fixed' in problems


def test_unknown_names_and_clashes_are_refused_one_by_one() -> None:
    accepted, problems = check(
        {
            "home.nope": "x",
            "home.new": 3,
            "home.prepare": "ctrl+nokey",
            "home.about": "r",  # home.resume keeps r
            "supervision.sessions": "r",  # supervision.record keeps r
            "checklist.why": "y",
        },
        owners(),
    )
    assert accepted == {"checklist.why": "y"}
    assert problems == [
        '"home.nope" is not an action',
        '"home.new" needs its keys in quotes, like "m" or "m,ctrl+m"',
        '"home.prepare": "ctrl+nokey" is not a key name',
        '"home.about" cannot take r: "home.resume" uses it',
        '"supervision.sessions" cannot take r: "supervision.record" uses it',
    ]
    swapped, none = check({"home.new": "r", "home.resume": "n"}, owners())
    assert swapped == {"home.new": "r", "home.resume": "n"} and none == []


# -- in the app ------------------------------------------------------------------------------
async def test_a_changed_key_works_and_the_screen_says_so(store, alex) -> None:
    write_keymap('"home.new" = "c"\nchecklist.note = "m"  # a dotted name needs no quotes\n')
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert notices(app) == []
        text = screen_text(app)
        assert "c new checklist" in text and "n new checklist" not in text
        assert "Press c to start one" in text

        await press(pilot, "question_mark", then=HelpScreen)
        help_text = screen_text(app)
        assert "c             start a new checklist" in help_text
        assert "m             add or edit a note" in help_text
        assert str(keymap_path()) in help_text
        await press(pilot, "escape")

        await press(pilot, "n", then=HomeScreen)  # the old key does nothing now
        await press(pilot, "c", then=PickerScreen)
        await press(pilot, "escape", then=HomeScreen)

        screen = await start_checklist(app, pilot, key="c")
        await press(pilot, "m", then=NoteScreen)
        await press(pilot, "escape")
        assert app.screen is screen


async def test_the_contract_keys_still_work_whatever_the_file_says(store, alex) -> None:
    write_keymap(
        '"quit" = "x"\n"help" = "h"\n"lock" = "ctrl+k"\n"checklist.done" = "d"\n'
        '"checklist.home" = "h"\n"home.new" = "1"\n"home.about" = "ctrl+q"\n'
    )
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        (said,) = notices(app)
        assert "\n" not in said and str(keymap_path()) in said
        for refused in ("quit", "help", "lock", "checklist.done", "checklist.home", "home.new"):
            assert f'"{refused}"' in said
        assert "home.about" in said

        await press(pilot, "question_mark", then=HelpScreen)
        assert "ctrl+q        quit" in screen_text(app)
        await press(pilot, "escape", then=HomeScreen)

        screen = await start_checklist(app, pilot)
        await press(pilot, "1")
        assert screen.index == 1
        assert "1 Done" in screen_text(app)
        await press(pilot, "ctrl+l", then=LockScreen)
        app.unlocked(alex)
        await settle(app, pilot)
        await press(pilot, "escape", then=HomeScreen)
        await press(pilot, "x")
        assert app.is_running and isinstance(app.screen, HomeScreen)
        exits = []
        app.exit = lambda *args, **kwargs: exits.append(args)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: exits, "ctrl+q quits")


@pytest.mark.parametrize(
    "hostile",
    [
        "home.new = [unclosed\n",
        b"\xff\xfe\x00\x01binary\x00",
        "folder",
        '"home.new" = "c"\n' + "#" * 70_000 + "\n",
        "x = " + "[" * 5_000 + "]" * 5_000 + "\n",
    ],
    ids=["bad TOML", "binary", "a folder", "too large", "nested too deep"],
)
async def test_a_hostile_keymap_file_never_stops_the_app(store, alex, hostile) -> None:
    if hostile == "folder":
        keymap_path().mkdir(parents=True)
    else:
        write_keymap(hostile)
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        (said,) = notices(app)
        assert "\n" not in said and "The usual keys apply" in said
        await press(pilot, "n", then=PickerScreen)


async def test_a_keymap_in_the_shared_store_folder_is_never_read(store, alex) -> None:
    """Any colleague can write the store folder: keys there would change someone else's."""
    (store.data_dir / "keymap.toml").write_text('"home.new" = "c"\n"home.about" = "n"\n')
    (store.data_dir / "config.toml").write_text('[keymap]\n"home.new" = "c"\n')
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert notices(app) == []
        assert "n new checklist" in screen_text(app)
        await press(pilot, "c", then=HomeScreen)
        await press(pilot, "n", then=PickerScreen)


async def test_help_from_a_screen_it_does_not_describe_lists_that_screens_keys(store, alex) -> None:
    write_keymap('home.export = "o"\n')
    app = SteppingStonesApp(data_dir=store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert "o export" in screen_text(app)
        await press(pilot, "o", then=ExportScreen)
        await press(pilot, "f1", then=HelpScreen)
        text = screen_text(app)
        assert "On this screen" in text
        assert "escape        back to home" in text
        assert "o/i           export your records" in text  # and in the Home section
