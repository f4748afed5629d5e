"""Passphrase hashing with scrypt: slow, salted, and with its cost stored beside the hash.

Every passphrase the program sets gets the full cost, `FULL_N`; checking one uses the cost
stored with its hash, so raising the cost later never locks anyone out, and a hash at a lower
cost is made again at the full one when its owner next signs in (`needs_upgrade`). No setting
and no environment variable lowers the cost: only test code, in its own process, sets `N` lower
so that the people it makes are quick to create and to check.

`passphrase_problem` is the one rule for a new passphrase, wherever one is set: long enough,
typed the same twice, not a common or guessable one (the `zxcvbn` estimator), and not the
person's own name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from collections.abc import Sequence

FULL_N = 2**17
# The cost given to new passphrases, and the one older hashes are raised to at sign-in: always
# FULL_N in use (nothing in the program changes it).
N = FULL_N
# Hashes below this cost were only ever written by test code (and by the test-only
# STEPPING_STONES_SCRYPT_N, removed): they are checked at their own cost and left as they are,
# so the installed program started by tests stays quick. Every cost the program ever gave
# (2^15, now 2^17) is at or above it.
UPGRADE_FROM = 2**12
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


def needs_upgrade(stored: dict) -> bool:
    """True when a (correct) hash was made at a lower cost than new ones get now."""
    try:
        n = int(stored["n"])
    except (KeyError, ValueError, TypeError):
        return False
    return UPGRADE_FROM <= n < N


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


# zxcvbn's score, 0 to 4: 3 means about 10^8 guesses or more, which at the full scrypt cost
# keeps a stolen people file from giving up a passphrase in any useful time.
MIN_SCORE = 3
# What may be left of a passphrase once the name is taken out of it, before it counts as
# "just the name" (a year, a number or a symbol or two is not enough).
NAME_LEFTOVER = 6
GOOD = (
    "A good passphrase is three or four unrelated words, easy for you to remember and hard for "
    "anyone else to guess."
)


def _plain(text: str) -> str:
    """Letters and digits only, compared without regard to case or look-alike forms."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def _is_mostly(passphrase: str, name: str) -> bool:
    """True when taking the name (whole, or word by word) out of the passphrase leaves little."""
    left = _plain(passphrase)
    pieces = [_plain(name), *(_plain(word) for word in name.split())]
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) >= 2:
            left = left.replace(piece, "")
    return len(left) < NAME_LEFTOVER


def _guessable(passphrase: str, names: Sequence[str]) -> bool:
    from zxcvbn import zxcvbn  # imported when a passphrase is set, not at start-up

    hints = {
        word.casefold() for name in names for word in [name, "".join(name.split()), *name.split()]
    }
    return zxcvbn(passphrase[:72], user_inputs=sorted(hints))["score"] < MIN_SCORE


def passphrase_problem(
    passphrase: str,
    again: str | None = None,
    name: str | None = None,
    others: Sequence[str] = (),
) -> str | None:
    """A plain sentence saying what is wrong with a new passphrase, or None.

    `name` is the person it is for (their own name is refused, and so is little more than it);
    `others` are the store's other names, which count as easy to guess too.
    """
    if len(passphrase) < MIN_LENGTH:
        return f"The passphrase needs at least {MIN_LENGTH} characters. {GOOD}"
    if passphrase != passphrase.strip():
        return "The passphrase cannot start or end with a space."
    if again is not None and again != passphrase:
        return "The two passphrases are not the same."
    if name and _is_mostly(passphrase, name):
        return f"That passphrase is too close to the name {name}, which anyone could guess. {GOOD}"
    if _guessable(passphrase, [n for n in (name, *others) if n]):
        return (
            "That passphrase would be easy to guess: it is a common one or close to one, or made "
            f"from names. {GOOD}"
        )
    return None
