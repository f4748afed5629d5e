"""Passphrase hashing with scrypt: slow, salted, and with its cost stored beside the hash.

Every passphrase the program sets gets the full cost, `FULL_N`; checking one uses the cost
stored with its hash, so raising the cost later never locks anyone out. No setting and no
environment variable lowers the cost: only test code, in its own process, sets `N` lower so
that the people it makes are quick to create and to check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

FULL_N = 2**15
# The cost given to new passphrases: always FULL_N in use (nothing in the program changes it).
N = FULL_N
R = 8
P = 1
MIN_LENGTH = 8


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
    n = N
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


# Checked against when the name is unknown, so a wrong name takes as long as a wrong passphrase
# (one for each cost new passphrases get: in use, only FULL_N).
_dummies: dict[int, dict] = {}


def burn_time(passphrase: str) -> None:
    if N not in _dummies:
        _dummies[N] = hash_passphrase("not a real passphrase")
    verify_passphrase(passphrase, _dummies[N])


def passphrase_problem(passphrase: str, again: str | None = None) -> str | None:
    """A plain sentence saying what is wrong with a new passphrase, or None."""
    if len(passphrase) < MIN_LENGTH:
        return f"The passphrase needs at least {MIN_LENGTH} characters."
    if passphrase != passphrase.strip():
        return "The passphrase cannot start or end with a space."
    if again is not None and again != passphrase:
        return "The two passphrases are not the same."
    return None
