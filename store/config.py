"""`<data dir>/config.toml`: a service's settings for this store, which any colleague can edit.

So it is read like every other file there (`checklists.untrusted`): a file that cannot be
used (too large, not UTF-8, NUL bytes, nested too deeply, not TOML) or a setting that makes no
sense never stops the app or a command. The defaults are used instead, which are the strict
ones, and a notice says which file was set aside and why. A setting that protects people can
only be made stricter: the screen locks after at most 15 minutes whatever the file says.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from checklists.untrusted import UntrustedFileError, read_toml_file

CONFIG_FILE = "config.toml"
DEFAULT_IDLE_LOCK = 300
MIN_IDLE_LOCK = 5
MAX_IDLE_LOCK = 900


@dataclass(frozen=True)
class Config:
    """The settings read, and sentences about anything in the file that was not used."""

    settings: dict = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def read_config(data_dir: Path) -> Config:
    """The store's settings; an unusable file gives no settings and one problem naming it."""
    path = Path(data_dir) / CONFIG_FILE
    try:
        settings = read_toml_file(path)
    except UntrustedFileError as exc:
        return Config({}, (f"{exc}; the default settings are used instead.",))
    return Config(settings or {})


def idle_lock_seconds(config: Config, data_dir: Path) -> tuple[float, str | None]:
    """How long the screen may stay idle before it locks, and a problem if the file's value
    was not used. Never more than 15 minutes; `nan`, `inf` and text fall back to the default."""
    value = config.settings.get("idle_lock_seconds", DEFAULT_IDLE_LOCK)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    # `not value >= 5` rather than `value < 5`: TOML's `nan` compares false with everything,
    # and an idle lock of nan seconds would never lock.
    if not number or math.isnan(value) or not value >= MIN_IDLE_LOCK:
        return float(DEFAULT_IDLE_LOCK), (
            f"idle_lock_seconds in {Path(data_dir) / CONFIG_FILE} must be a number of seconds, "
            f"at least {MIN_IDLE_LOCK}; the screen locks after {DEFAULT_IDLE_LOCK} seconds instead."
        )
    return float(min(value, MAX_IDLE_LOCK)), None


# A FHIR base URL names the service's own namespace for canonical URLs (never fetched). It is
# written into every exported resource, so only a plain http(s) address is taken: a host, an
# optional port and path, and nothing that could mean something else in JSON, XHTML or a
# server's request line (no spaces, quotes, angle brackets, user names, queries or fragments).
_BASE_URL = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~-]+)*"
)
MAX_BASE_URL = 200


def check_base_url(value: object) -> str | None:
    """`value` as a FHIR base URL without a trailing slash, or None when it is not one."""
    if not isinstance(value, str) or len(value) > MAX_BASE_URL:
        return None
    url = value[:-1] if value.endswith("/") else value
    return url if _BASE_URL.fullmatch(url) else None


def fhir_base_url(config: Config, data_dir: Path) -> tuple[str | None, str | None]:
    """`fhir_base_url` from config.toml, and a problem if the file's value was not used."""
    if "fhir_base_url" not in config.settings:
        return None, None
    url = check_base_url(config.settings["fhir_base_url"])
    if url is None:
        return None, (
            f"fhir_base_url in {Path(data_dir) / CONFIG_FILE} must be a plain http or https "
            "address (a host and a path, no spaces, query or #); it is not used."
        )
    return url, None
