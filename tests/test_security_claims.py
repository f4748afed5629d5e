"""SECURITY.md names the test behind each claim: every name it gives must be a real test, so
a claim cannot outlive the test that proved it (issue 13: "every claim holds, names its
test")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `tests/x.py::test_y`, `tests/x.py` alone, or `::test_y` (same file as the last one named).
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?(?:\[[^\]`]*\])?`")


def named_tests() -> list[tuple[str, str | None]]:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    found, current = [], None
    for match in REFERENCE.finditer(text):
        path, name = match.group(1), match.group(2)
        if path is None and name is None:
            continue
        if path:
            current = path
        assert current, f"SECURITY.md names ::{name} before naming its file"
        found.append((current, name))
    return found


def test_security_md_names_tests() -> None:
    assert len(named_tests()) > 50


def test_every_test_security_md_names_exists() -> None:
    missing = []
    for path, name in named_tests():
        file = ROOT / path
        if not file.exists():
            missing.append(path)
        elif name and not re.search(rf"^(?:async )?def {name}\(", file.read_text(), re.M):
            missing.append(f"{path}::{name}")
    assert missing == [], "SECURITY.md names tests that do not exist: " + ", ".join(missing)
