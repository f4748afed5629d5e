"""Shared fixtures. All data here is synthetic: invented staff names, no women's details.

Helpers that are not fixtures are in `tests/helpers.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import PASSPHRASE, TEST_SCRYPT_N, make_team


@pytest.fixture(autouse=True)
def quick_passphrases(monkeypatch):
    """Passphrases set by test code in this process get a low scrypt cost, so people are quick
    to make and to check. The cost is stored with each hash, so the installed program checks
    them at that cost too; what the program sets itself always gets the full cost."""
    from store import passwords

    monkeypatch.setattr(passwords, "N", TEST_SCRYPT_N)


@pytest.fixture(autouse=True)
def own_config_folder(tmp_path_factory, monkeypatch) -> Path:
    """The user config folder (where a person's keymap.toml lives) is an empty one of the
    test's own, so the developer's own keys never change what a test sees. platformdirs reads
    XDG_CONFIG_HOME, and the installed program started by a test inherits it."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


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
    from services import people

    return people.set_up_first(store, "Alex Reid", PASSPHRASE, again=PASSPHRASE)


@pytest.fixture
def team(store, alex):
    """Alex (admin), Sam (supervisor of Jo), Jo (practitioner), Kit (practitioner, no Sam),
    each signed in once: (store, sam, jo, kit)."""
    return make_team(store, alex)


@pytest.fixture
def checklist(store):
    return store.library.checklists["any-contact"]


@pytest.fixture(scope="session")
def checklist_v1():
    """Version 1 of any-contact: its conditional section and item exercise `show_if`."""
    from tests.helpers import version_1_checklist

    return version_1_checklist()


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path
