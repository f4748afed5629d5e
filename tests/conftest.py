"""Shared fixtures. All data here is synthetic: invented staff names, no women's details."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Fast passphrase hashing for tests only (the cost is stored with each hash).
os.environ.setdefault("STEPPING_STONES_SCRYPT_N", "16")

PASSPHRASE = "correct horse battery"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    path.mkdir()
    return path


@pytest.fixture
def store(data_dir: Path):
    from store import Store

    return Store(data_dir)


@pytest.fixture
def alex(store):
    """The first account: admin and practitioner."""
    return store.people.create_first("Alex Reid", PASSPHRASE, again=PASSPHRASE)


@pytest.fixture
def checklist(store):
    return store.library.checklists["any-contact"]


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path
