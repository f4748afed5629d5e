"""A synthetic store for trying the app, screenshots and benchmarks (`stepping-stones demo`).

Everything in it is invented. It only fills a new, empty folder: nobody's records are touched
and nobody is signed in, so there is no permission check and no audit entry.
"""

from __future__ import annotations

from pathlib import Path

from store.demo import build_demo_store


def build(
    data_dir: Path | str, people: int, sessions_per_person: int, seed: int, passphrase: str
) -> dict:
    """Fill an empty data folder; InvalidInput for one that already has people in it."""
    return build_demo_store(
        Path(data_dir),
        people=people,
        sessions_per_person=sessions_per_person,
        seed=seed,
        passphrase=passphrase,
    )
