"""Sealed records opened with the right key but holding what no record holds."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from store.crypto import SealError, b64, new_content_key, open_sealed, seal

CONTEXT = b"stepping-stones/test"


def test_a_sealed_record_opens_with_its_key() -> None:
    key = new_content_key()
    assert open_sealed(seal({"a": 1}, key, CONTEXT), key, CONTEXT) == {"a": 1}


@pytest.mark.parametrize(
    "plain",
    [b"[" * 200_000 + b"]" * 200_000, b"not json", b"[1, 2]", b"\xff\xfe"],
    ids=["nested too deep", "not JSON", "not an object", "not UTF-8"],
)
def test_a_record_sealed_by_someone_with_the_key_but_not_a_record_is_refused(plain) -> None:
    """Someone holding a record's key (its author, a supervisor) could seal anything: it is
    refused as damaged, never an error that stops what was reading it."""
    key, nonce = new_content_key(), os.urandom(12)
    sealed = {"nonce": b64(nonce), "data": b64(AESGCM(key).encrypt(nonce, plain, CONTEXT))}
    with pytest.raises(SealError):
        open_sealed(sealed, key, CONTEXT)
