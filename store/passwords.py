"""Passphrase hashing with scrypt: slow, salted, and with its cost stored beside the hash.

The cost is stored with each hash so that raising it later never locks anyone out. Tests set
STEPPING_STONES_SCRYPT_N to a small power of two to run quickly; nothing else should.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

DEFAULT_N = 2**15
R = 8
P = 1
MIN_LENGTH = 8


def _cost() -> int:
    raw = os.environ.get("STEPPING_STONES_SCRYPT_N")
    if raw and raw.isdigit() and int(raw) >= 2 and int(raw) & (int(raw) - 1) == 0:
        return int(raw)
    return DEFAULT_N


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32
    )


def new_secret(passphrase: str) -> tuple[dict, bytes]:
    """(what is stored: cost, salt and the passphrase check; the key-wrapping key).

    The check and the wrapping key both come from one scrypt run, through HKDF with
    different labels, so knowing the stored check does not give the wrapping key.
    """
    from .crypto import split_master

    salt = os.urandom(16)
    n = _cost()
    check, kek = split_master(_derive(passphrase, salt, n, R, P))
    stored = {
        "alg": "scrypt",
        "v": 2,
        "n": n,
        "r": R,
        "p": P,
        "salt": base64.b64encode(salt).decode("ascii"),
        "hash": base64.b64encode(check).decode("ascii"),
    }
    return stored, kek


def check_passphrase(passphrase: str, stored: dict) -> bytes | None:
    """The key-wrapping key when the passphrase is right, else None."""
    from .crypto import split_master

    try:
        salt = base64.b64decode(stored["salt"])
        expected = base64.b64decode(stored["hash"])
        master = _derive(passphrase, salt, int(stored["n"]), int(stored["r"]), int(stored["p"]))
    except (KeyError, ValueError, TypeError):
        return None
    check, kek = split_master(master)
    if stored.get("v") != 2:  # a first-format hash: the scrypt output itself
        check = master
    return kek if hmac.compare_digest(check, expected) else None


def hash_passphrase(passphrase: str) -> dict:
    return new_secret(passphrase)[0]


def verify_passphrase(passphrase: str, stored: dict) -> bool:
    return check_passphrase(passphrase, stored) is not None


# Checked against when the name is unknown, so a wrong name takes as long as a wrong passphrase.
_dummy: dict | None = None


def burn_time(passphrase: str) -> None:
    global _dummy
    if _dummy is None:
        _dummy = hash_passphrase("not a real passphrase")
    verify_passphrase(passphrase, _dummy)


def passphrase_problem(passphrase: str, again: str | None = None) -> str | None:
    """A plain sentence saying what is wrong with a new passphrase, or None."""
    if len(passphrase) < MIN_LENGTH:
        return f"The passphrase needs at least {MIN_LENGTH} characters."
    if passphrase != passphrase.strip():
        return "The passphrase cannot start or end with a space."
    if again is not None and again != passphrase:
        return "The two passphrases are not the same."
    return None
