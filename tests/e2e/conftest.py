"""Fixtures for the end-to-end tests: a store with Alex in it, and a tmux terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from .app import APP_ENV, TmuxStore, make_store
from .terminal import Terminal


@pytest.fixture
def e2e_store(tmp_path: Path) -> TmuxStore:
    """A fresh store with one practitioner and admin, Alex."""
    return make_store(tmp_path, tmp_path / "store")


@pytest.fixture
def term(tmp_path: Path):
    terminal = Terminal(tmp_path, APP_ENV)
    try:
        yield terminal
    finally:
        terminal.close()
