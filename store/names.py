"""People's names: how two are compared, and when two look too much alike.

A name is NFKC-normalised (so a full-width or "mathematical" letter is the plain one) and
compared case-folded, with its spaces tidied, because people type them on a shared terminal in
a hurry. Two different names can still look the same on screen: `Alex` with a Cyrillic `а`,
`Sam` spelt `Ѕаm`, `J0 Patel` with a zero. `look_alike_key` folds such letters onto the one
they imitate, so a new name that looks like someone already there is refused instead of
becoming a second "Alex Reid" that colleagues could mistake for the first.

The table below is small and written here on purpose: it covers the Cyrillic and Greek letters
that look like Latin ones, digits that look like letters, and `rn`, which looks like `m`. It
is not Unicode's full confusables list (no library that keeps that list well was available);
names are also limited to letters, digits, spaces, hyphens and apostrophes.
"""

from __future__ import annotations

import unicodedata

# Letters and digits that look like a plain Latin letter (compared after case folding).
_LOOKS_LIKE = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k",
    "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ь": "b", "г": "r",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "μ": "u", "γ": "y", "ϲ": "c", "ϳ": "j",
    # Latin letters that look like others
    "ı": "i", "ɑ": "a", "ɡ": "g", "ʟ": "l", "ɩ": "i",
    # Digits and symbols
    "0": "o", "1": "l",
    "ʼ": "'", "’": "'", "‘": "'", "`": "'", "´": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
}  # fmt: skip
# Letters that look alike once folded: i, l and the capital I all read as one upright stroke.
_STROKES = {"i": "l"}


def name_key(name: str) -> str:
    """The form two names are compared in: NFKC, spaces tidied, case-folded."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def tidy(name: str) -> str:
    """The name as it is kept: NFKC-normalised, single spaces, nothing around it."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def look_alike_key(name: str) -> str:
    """The same for two names that a reader could take for each other. (Accents are kept:
    José and Jose may well be two people. Marks that stand on their own never get this far:
    a name is letters, digits, spaces, hyphens and apostrophes.)"""
    mapped = "".join(_LOOKS_LIKE.get(c, c) for c in name_key(name)).replace("rn", "m")
    return "".join(_STROKES.get(c, c) for c in mapped)


def looks_like(name: str, others: list[str]) -> str | None:
    """The first of `others` that `name` could be mistaken for (not the very same name)."""
    key, alike = name_key(name), look_alike_key(name)
    for other in others:
        if name_key(other) != key and look_alike_key(other) == alike:
            return other
    return None
