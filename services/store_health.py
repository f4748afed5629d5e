"""Checking a store folder file by file (`stepping-stones verify`).

It only reads: nothing is repaired, moved or rewritten, so it is safe on a store in use or one
someone is trying to recover, and it needs nobody signed in (a damaged people file must not
stop it). So there is no permission check and no audit entry.
"""

from __future__ import annotations

from pathlib import Path

from store.verify import Finding, verify_store

__all__ = ["Finding", "verify"]


def verify(data_dir: Path | str) -> tuple[int, list[Finding]]:
    """(files checked, what is wrong with each); a folder that is not there is a finding."""
    return verify_store(Path(data_dir))
