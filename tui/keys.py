"""Keys as people see them: hint lines and help are filled in from the bindings themselves.

A key is written once, in a `Binding` with an id. Every hint line and the help refer to the
binding by id (`{home.new}`), so a changed default or a person's own keymap (tui/keymap.py)
shows up in the words on screen as well as in what the key does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual.binding import Binding
from textual.keys import key_to_character
from textual.markup import escape

# The contract's keys (PRODUCT.md): nobody's keymap may move them or give them to another
# action, so a colleague, a script or the person themselves always find them where promised.
CONTRACT_KEYS = frozenset(
    {
        "1",
        "2",
        "3",
        "4",
        "ctrl+l",
        "ctrl+q",
        "ctrl+p",
        "question_mark",
        "f1",
        "escape",
        "tab",
        "shift+tab",
        "enter",
        "ctrl+s",
    }
)
# Shown as people know them rather than by their key names.
_NAMES = {"question_mark": "?", "up": "↑", "down": "↓", "left": "←", "right": "→"}
_PLACE = re.compile(r"\{([a-z0-9_.]+(?:/[a-z0-9_.]+)*)(?::(first|\d+))?\}")


def key_label(key: str) -> str:
    """`question_mark` -> `?`, `f1` -> `F1`, `up` -> `↑`, `ctrl+s` stays `ctrl+s`."""
    *modifiers, name = key.split("+")
    if name in _NAMES:
        shown = _NAMES[name]
    elif re.fullmatch(r"f\d{1,2}", name):
        shown = name.upper()
    elif (
        len(name) > 1
        and (char := key_to_character(name))
        and char.isprintable()
        and (not char.isspace())
    ):
        shown = char  # `comma` -> `,`
    else:
        shown = name
    return "+".join([*modifiers, shown])


def bindings_of(owners: Iterable[object]) -> dict[str, Binding]:
    """Every binding with an id that `owners` (classes or instances) declare, by id."""
    found: dict[str, Binding] = {}
    for owner in owners:
        cls = owner if isinstance(owner, type) else type(owner)
        for klass in reversed(cls.__mro__):
            for binding in klass.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    found[binding.id] = binding
    return found


def current_keys(app, binding: Binding) -> list[str]:
    """The keys that run `binding` now: the person's keymap, else the default."""
    # Textual keeps the keymap it applies here; reading it (rather than a copy) means what
    # the screen says is what the keys do.
    keymap = getattr(app, "_keymap", None) or {}
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [key.strip() for key in keys.split(",") if key.strip()]


def _label(app, bindings: list[Binding], option: str | None) -> str:
    keys = [current_keys(app, binding) for binding in bindings]
    if option == "first":
        return "/".join(key_label(k[0]) for k in keys)
    if len(keys) == 1:
        return " or ".join(key_label(k) for k in keys[0])
    if len({len(k) for k in keys}) == 1:
        # A pair such as previous/next, side by side: "↑/↓ or k/j".
        return " or ".join("/".join(key_label(k) for k in same) for same in zip(*keys, strict=True))
    return " / ".join(" or ".join(key_label(k) for k in each) for each in keys)


def fill(node, template: str, *owners: object, markup: bool = True) -> str:
    """`template` with each `{id}` replaced by the keys of that binding.

    `{a/b}` shows a pair of bindings side by side, `{id:first}` only the first key, and
    `{id:14}` pads to a column of 14. Bindings are looked up on `node`, the app, the screens
    under it and `owners`.
    An unknown id is a programming error, found by the tests that open every screen.
    """
    app = node.app
    found = bindings_of([node, app, *app.screen_stack, *owners])

    def replace(match: re.Match[str]) -> str:
        ids, option = match.group(1).split("/"), match.group(2)
        label = _label(app, [found[i] for i in ids], option)
        if option and option.isdigit():
            label = label.ljust(int(option) - 1) + " "
        return escape(label) if markup else label

    return _PLACE.sub(replace, template)


def used_ids(template: str) -> set[str]:
    """The binding ids a template shows (the help checks it lists every key of a screen)."""
    return {i for match in _PLACE.finditer(template) for i in match.group(1).split("/")}
