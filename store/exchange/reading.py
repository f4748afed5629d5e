"""Reading a bundle and checking all of it (header, digest, manifest, contents) before any
store is touched: a file cut short or with one byte changed is refused whole."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .bundle_file import (
    FORMAT,
    MAX_BYTES,
    VERSION,
    BundleError,
    count_kinds,
    entry_problem,
    is_count,
    is_time,
    person_problem,
    sha256_of,
)

_HASH = re.compile(r"^[0-9a-f]{16,64}$")
_MARKER = re.compile(rb'"format"\s*:\s*"' + FORMAT.encode() + rb'"')
_COMPLETE_TAIL = re.compile(rb'"digest"\s*:\s*"[0-9a-f]{64}"\s*\}\s*$')


@dataclass(frozen=True)
class Bundle:
    """A bundle that has passed every check `read_bundle` makes."""

    path: Path
    data: dict = field(repr=False)

    @property
    def digest(self) -> str:
        return self.data["digest"]

    @property
    def created_at(self) -> str:
        return self.data["created_at"]

    @property
    def created_by(self) -> str:
        return self.data["created_by"]

    @property
    def records(self) -> list[dict]:
        return self.data["records"]

    @property
    def people(self) -> list[dict]:
        return self.data["people"]

    @property
    def maker(self) -> dict | None:
        """The one person in it whose sign-in envelope may be used: its maker's."""
        from store.people import name_key

        named = [p for p in self.people if name_key(p["name"]) == name_key(self.created_by)]
        return named[0] if len(named) == 1 else None

    @property
    def directory(self) -> list[dict]:
        """The signed changes of the store it was made in (none from an old store)."""
        return self.data.get("directory") or []

    @property
    def checklists(self) -> list[dict]:
        return self.data["checklists"]

    def counts(self) -> dict[str, int]:
        return count_kinds(self.records)


def read_bundle(path: str | Path) -> Bundle:
    """Read a bundle and check all of it; BundleError (one plain sentence) when any check fails.

    Nothing here touches a store, so a refused bundle leaves every store exactly as it was.
    """
    path = Path(path).expanduser()
    raw = _read_bytes(path)
    data = _parse(raw, path)
    _check_header(data, path)
    _check_digest(data, path)
    _check_manifest(data, path)
    _check_contents(data, path)
    return Bundle(path, data)


def _altered(path: Path, detail: str = "") -> BundleError:
    why = f" ({detail})" if detail else ""
    return BundleError(
        f"{path} has been altered or damaged{why}, so it cannot be trusted and nothing was "
        "imported: copy it again from the machine it was made on."
    )


def _not_a_bundle(path: Path) -> BundleError:
    return BundleError(f"{path} is not a Stepping Stones bundle, so nothing was imported.")


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise BundleError(f"{path} is a folder: give the bundle file itself.")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BundleError(f"{path} is too large to be a Stepping Stones bundle.")
        return path.read_bytes()
    except FileNotFoundError:
        raise BundleError(f"There is no file at {path}.") from None
    except OSError as exc:
        raise BundleError(f"{path} cannot be read ({exc.strerror or exc}).") from exc


def _parse(raw: bytes, path: Path) -> dict:
    """The bundle as data; a parse failure is told apart as cut short, damaged or foreign."""
    ours = _MARKER.search(raw[:400]) is not None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        if not ours:
            raise _not_a_bundle(path) from None
        if not _COMPLETE_TAIL.search(raw[-200:]):
            raise BundleError(
                f"{path} is incomplete: it was cut short (perhaps while copying), so nothing "
                "was imported. Copy it again from the machine it was made on."
            ) from None
        raise _altered(path, "it is no longer readable") from None
    if not isinstance(data, dict):
        raise _not_a_bundle(path)
    return data


def _check_header(data: dict, path: Path) -> None:
    if data.get("format") != FORMAT:
        raise _not_a_bundle(path)
    version = data.get("version")
    if not is_count(version) or version < 1:
        raise _altered(path, "its format number is unreadable")
    if version > VERSION:
        raise BundleError(
            f"{path} was made by a newer version of Stepping Stones (bundle format {version}; "
            f"this version reads format {VERSION}). Please update the app, then import it."
        )
    if not isinstance(data.get("digest"), str):
        raise BundleError(
            f"{path} is incomplete (it has no digest), so nothing was imported. Copy it again "
            "from the machine it was made on."
        )


def _check_digest(data: dict, path: Path) -> None:
    body = {k: v for k, v in data.items() if k != "digest"}
    if sha256_of(body) != data["digest"]:
        raise _altered(path)


def _check_manifest(data: dict, path: Path) -> None:
    """The manifest names every record, person and wording with its own SHA-256."""
    manifest = data.get("manifest")
    if not isinstance(manifest, dict):
        raise _altered(path, "it has no manifest")
    for part in ("records", "people", "checklists"):
        listed, held = manifest.get(part), data.get(part)
        if not isinstance(listed, list) or not isinstance(held, list):
            raise _altered(path, f"its {part} are missing")
        if len(listed) != len(held):
            raise _altered(path, f"it lists {len(listed)} {part} but holds {len(held)}")
        for number, (line, item) in enumerate(zip(listed, held, strict=True), 1):
            if not isinstance(line, dict) or line.get("sha256") != sha256_of(item):
                raise _altered(path, f"{part[:-1]} {number} does not match the manifest")
    for line, record in zip(manifest["records"], data["records"], strict=True):
        if not isinstance(record, dict) or any(
            line.get(key) != record.get(key) for key in ("kind", "id", "revision")
        ):
            raise _altered(path, "a record does not match the manifest")


def _check_contents(data: dict, path: Path) -> None:
    """Everything an import needs to place each record safely (ids become folder names)."""
    if not isinstance(data.get("created_by"), str) or not is_time(data.get("created_at")):
        raise _altered(path, "it does not say who made it and when")
    seen: set[tuple[str, str]] = set()
    for number, entry in enumerate(data["records"], 1):
        problem = entry_problem(entry)
        if problem:
            raise _altered(path, f"record {number} {problem}")
        key = (entry["kind"], entry["id"])
        if key in seen:
            raise _altered(path, f"record {number} is in it twice")
        seen.add(key)
    ids: set[str] = set()
    for number, person in enumerate(data["people"], 1):
        problem = person_problem(person)
        if problem or person["id"] in ids:
            raise _altered(path, f"person {number} {problem or 'is in it twice'}")
        ids.add(person["id"])
    changes = data.get("directory", [])
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        raise _altered(path, "its signed directory of people is not a list of changes")
    hashes: set[str] = set()
    for number, wording in enumerate(data["checklists"], 1):
        if (
            not isinstance(wording, dict)
            or not isinstance(wording.get("hash"), str)
            or not _HASH.match(wording["hash"])
            or not isinstance(wording.get("checklist"), dict)
            or wording["hash"] in hashes
        ):
            raise _altered(path, f"checklist wording {number} is not usable")
        hashes.add(wording["hash"])
