"""A person's own keys, from `keymap.toml` in their user config folder.

Only there: the store folder is shared, and a keymap anyone could write there would let a
colleague quietly change what someone else's keys do. The contract's keys (tui/keys.py) stay
where they are whatever the file says. Any problem with the file is told in one line and the
rest of the file (or, when it cannot be read at all, the usual keys) applies: the app always
starts.

The file maps binding ids (README, "Your own keys") to keys, with or without quotes around
the id:

    "home.new" = "c"
    checklist.note = "m,n"
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from textual.binding import Binding
from textual.keys import KEY_ALIASES, Keys, _normalize_key_list, key_to_character

from .keys import CONTRACT_KEYS, bindings_of, key_label

FILE_NAME = "keymap.toml"
MAX_BYTES = 64 * 1024
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_KEY_NAMES = frozenset(key.value for key in Keys if not key.value.startswith("<"))
# A key Textual treats as another (ctrl+i arrives as tab) is that key.
_SAME_AS = {alias: key for key, aliases in KEY_ALIASES.items() for alias in aliases}


def keymap_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("stepping-stones", appauthor=False)) / FILE_NAME


def read_file(path: Path) -> tuple[dict, str | None]:
    """The file's table (empty when there is no file), or why it cannot be used: read as every
    file someone may have written is read (`checklists.untrusted`: an ordinary file, at most
    64 KB, UTF-8 without NUL bytes, not nested too deeply, valid TOML)."""
    from checklists.untrusted import UntrustedFileError, read_toml_file

    try:
        return read_toml_file(path, MAX_BYTES) or {}, None
    except UntrustedFileError as exc:
        return {}, exc.why


def _shown(text: str) -> str:
    """A name from the file, safe to put in one line of a message."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 40 else text[:39] + "…"


def _is_key(key: str) -> bool:
    *modifiers, name = key.split("+")
    if not name or not set(modifiers) <= _MODIFIERS:
        return False
    return len(name) == 1 or name in _KEY_NAMES or key_to_character(name) is not None


def _is_contract(key: str) -> bool:
    return key in CONTRACT_KEYS or _SAME_AS.get(key) in CONTRACT_KEYS


def _keys(value: str) -> list[str]:
    # Textual's own spelling (`?` -> `question_mark`), so the checks see what Textual will.
    words = [word.strip() for word in value.split(",")]
    return _normalize_key_list(",".join(w if len(w) == 1 else w.lower() for w in words)).split(",")


def _flat(table: dict, prefix: str = "") -> dict[str, object]:
    """`home.new = "c"` without quotes is a table in TOML: read it as the action it names."""
    flat: dict[str, object] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def check(raw: dict, owners: list[type]) -> tuple[dict[str, str], list[str]]:
    """The entries of `raw` that may apply, and a short reason for each that may not."""
    raw = _flat(raw)
    groups = [bindings_of([owner]) for owner in owners]
    known: dict[str, Binding] = {k: v for group in groups for k, v in group.items()}
    accepted: dict[str, str] = {}
    problems: list[str] = []
    for action, value in raw.items():
        binding = known.get(action)
        if binding is None:
            problems.append(f'"{_shown(action)}" is not an action')
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f'"{action}" needs its keys in quotes, like "m" or "m,ctrl+m"')
            continue
        fixed = [k for k in binding.key.split(",") if _is_contract(k.strip())]
        if fixed:
            problems.append(f'"{action}" cannot be changed: {key_label(fixed[0])} is fixed')
            continue
        keys = _keys(value)
        wrong = [k for k in keys if not _is_key(k)]
        if wrong:
            problems.append(f'"{action}": "{_shown(wrong[0])}" is not a key name')
            continue
        taken = [k for k in keys if _is_contract(k)]
        if taken:
            problems.append(f'"{action}" cannot take {key_label(taken[0])}: it is fixed')
            continue
        accepted[action] = ",".join(keys)
    # One key, two actions on the same screen: the later entry of the file gives way, until
    # no screen has a key doing two things.
    while clash := _first_clash(groups, accepted):
        action, key, other = clash
        del accepted[action]
        problems.append(f'"{action}" cannot take {key_label(key)}: "{other}" uses it')
    return accepted, problems


def _first_clash(groups: list[dict[str, Binding]], keymap: dict[str, str]):
    for group in groups:
        users: dict[str, list[str]] = {}
        for action, binding in group.items():
            for key in keymap.get(action, binding.key).split(","):
                users.setdefault(key.strip(), []).append(action)
        for key, actions in users.items():
            changed = [a for a in actions if a in keymap]
            if len(actions) > 1 and changed:
                action = max(changed, key=list(keymap).index)
                return action, key, next(a for a in actions if a != action)
    return None


def binding_owners(app) -> list[type]:
    """The app and every screen and widget class of tui/ that declares key bindings."""
    from . import screens, widgets

    owners: list[type] = [type(app)]
    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            owners += [
                value
                for value in vars(module).values()
                if isinstance(value, type)
                and value.__module__ == module.__name__
                and "BINDINGS" in vars(value)
            ]
    return owners


def apply(app, path: Path | None = None) -> None:
    """Read the person's keymap and use what may be used; say in one line what was not."""
    path = keymap_path() if path is None else path
    raw, unreadable = read_file(path)
    if unreadable:
        app.set_keymap({})
        app.notify(
            f"Your keys in {path} were not used: {unreadable}. The usual keys apply.",
            title="Your keys",
            severity="warning",
            timeout=15,
        )
        return
    accepted, problems = check(raw, binding_owners(app)) if raw else ({}, [])
    app.set_keymap(accepted)
    if problems:
        app.notify(
            f"Some of your keys in {path} were not used: {'; '.join(problems)}.",
            title="Your keys",
            severity="warning",
            timeout=15,
        )
