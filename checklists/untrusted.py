"""Reading a file that anyone may have written: the one place every reader of the store folder
and of a service's checklist folder goes through.

Anyone who can write those folders can leave a file that is huge, endless (a link to
`/dev/zero`, a pipe), nested thousands of levels deep (which makes Python's parsers run out of
stack: `RecursionError`), not UTF-8, full of NUL bytes, or of the wrong shape. Each of these
becomes one `UntrustedFileError` whose text names the file and says what is wrong, so the
callers (the checklist loader, the store's JSON files, the audit log, `config.toml`) can set
the file aside and carry on, and nobody ever sees a traceback.

It lives at the bottom of the layers (in `checklists`, which imports nothing of ours) so that
the store and the checklists share it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

KB = 1024
MB = 1024 * KB
# A service's checklist, reasons or language file is a few kilobytes; config.toml fewer still.
MAX_TEXT_BYTES = 2 * MB
MAX_CONFIG_BYTES = 256 * KB
# One store JSON file (one person's sessions for one month, the people, the lockouts): the
# largest real ones are a few megabytes; anything this size is not ours.
MAX_STORE_BYTES = 256 * MB
# How deep a YAML mapping or list may be nested. Real files use fewer than ten levels; the
# YAML composer recurses a few times a level and would stop with RecursionError.
MAX_DEPTH = 64
BOM = b"\xef\xbb\xbf"


class UntrustedFileError(ValueError):
    """A file that cannot be used; `str()` is one line naming the file, `why` the reason."""

    def __init__(self, path: Path | str, why: str, line: int = 1) -> None:
        self.path = Path(path)
        self.why = why
        self.line = line
        super().__init__(f"{path}: {why}")


def _size_words(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size // KB} KB"


def read_capped(path: Path | str, limit: int) -> bytes | None:
    """The file's bytes, or None when it does not exist.

    Only a regular file is read (a link to a device or a pipe would never end), and never more
    than `limit` bytes: a larger file is refused before it is read into memory.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UntrustedFileError(path, f"it cannot be read ({exc.strerror or exc})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UntrustedFileError(path, "it is not an ordinary file")
        if info.st_size > limit:
            raise UntrustedFileError(
                path, f"it is too large ({_size_words(info.st_size)}; at most {_size_words(limit)})"
            )
        chunks = []
        left = limit + 1  # a file that grows while being read is refused too
        while left > 0:
            chunk = os.read(fd, min(left, MB))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise UntrustedFileError(path, f"it cannot be read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > limit:
        raise UntrustedFileError(path, f"it is too large (more than {_size_words(limit)})")
    return raw


def decode_text(raw: bytes, path: Path | str) -> str:
    """UTF-8 text (a leading byte-order mark, as some editors write, is dropped); a file with
    NUL bytes or in another encoding is refused with where the problem starts."""
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    nul = raw.find(b"\x00")
    if nul != -1:
        line = raw.count(b"\n", 0, nul) + 1
        raise UntrustedFileError(
            path, f"it holds NUL bytes (the first on line {line}), so it is not a text file", line
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UntrustedFileError(
            path, f"it is not UTF-8 text ({exc.reason} at byte {exc.start}, line {line})", line
        ) from exc


def parse_json(raw: bytes, path: Path | str) -> object:
    """JSON from bytes someone may have written: UTF-8 only; nesting deep enough to exhaust
    the parser's stack is refused like any other bad file."""
    text = decode_text(raw, path)
    try:
        return json.loads(text)
    except RecursionError:
        raise UntrustedFileError(path, "it is nested too deeply to be read") from None
    except ValueError as exc:
        raise UntrustedFileError(path, f"it is not valid JSON ({exc})") from exc


def read_json_file(path: Path | str, limit: int = MAX_STORE_BYTES) -> object | None:
    """A JSON file's content, or None when it does not exist; `UntrustedFileError` otherwise."""
    raw = read_capped(path, limit)
    if raw is None:
        return None
    return parse_json(raw, path)


def read_toml_file(path: Path | str, limit: int = MAX_CONFIG_BYTES) -> dict | None:
    """A TOML file's settings, or None when it does not exist; `UntrustedFileError` otherwise."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    raw = read_capped(path, limit)
    if raw is None:
        return None
    text = decode_text(raw, path)
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise UntrustedFileError(path, "it is nested too deeply to be read") from None
    except tomllib.TOMLDecodeError as exc:
        raise UntrustedFileError(path, f"it is not valid TOML ({exc})") from exc
