"""`self.stepping_app` (tui/typed.py) promises screens and widgets the app's own parts with
their types; the app must keep that promise, name for name and parameter for parameter."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from tui.app import SteppingStonesApp
from tui.typed import SteppingStones


def promised_methods() -> list[str]:
    return [
        name
        for name, member in vars(SteppingStones).items()
        if inspect.isfunction(member) and not name.startswith("_")
    ]


def test_the_app_is_what_screens_are_promised(store) -> None:
    app = SteppingStonesApp(data_dir=store.data_dir, store=store)
    assert isinstance(app, SteppingStones)
    for name in promised_methods():
        promised = inspect.signature(getattr(SteppingStones, name))
        actual = inspect.signature(getattr(SteppingStonesApp, name))
        assert list(actual.parameters) == list(promised.parameters), name


def test_screens_and_widgets_reach_the_app_through_the_typed_accessor() -> None:
    """`self.app.store` is untyped (Textual's App); `self.stepping_app.store` is not."""
    root = Path(__file__).resolve().parent.parent
    names = {*dir(SteppingStones), *SteppingStones.__annotations__}
    own = "|".join(sorted(name for name in names if not name.startswith("_")))
    untyped = re.compile(rf"self\.app\.({own})\b")
    offences = [
        f"{path.relative_to(root).as_posix()}:{number}: {line.strip()}"
        for path in sorted((root / "tui").rglob("*.py"))
        if path.name not in ("app.py", "typed.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if untyped.search(line)
    ]
    assert offences == []
