"""Sealing: only a session's author and the author's supervisors can read its content.

Built from `cryptography`'s primitives, never hand-rolled ones:
- each person has an X25519 key pair; the private key is kept wrapped (AES-GCM) by a key
  derived from their passphrase with scrypt, so a copied store file reveals nothing;
- each session has its own random content key; the content is sealed with AES-GCM, bound to
  the session's id, author and checklist version (so a record moved or edited is detected);
- the content key is wrapped for each reader with an ephemeral X25519 exchange and HKDF.
One scrypt run at sign-in gives both the passphrase check and the key that unwraps the private
key (HKDF with different labels), so signing in costs one slow derivation, not two.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import StoreError

SEAL_VERSION = 1


class SealError(StoreError):
    """A record that cannot be opened: altered, damaged, or sealed for someone else."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _hkdf(secret: bytes, label: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=label).derive(secret)


def split_master(master: bytes) -> tuple[bytes, bytes]:
    """(passphrase check, key-wrapping key) from one scrypt output."""
    return _hkdf(master, b"stepping-stones/auth"), _hkdf(master, b"stepping-stones/kek")


def public_bytes(private_key: X25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


def new_key_pair(kek: bytes, person_id: str) -> tuple[X25519PrivateKey, dict]:
    """A fresh key pair, and the record fields that keep it (private part wrapped)."""
    private_key = X25519PrivateKey.generate()
    return private_key, wrap_private_key(private_key, kek, person_id)


def wrap_private_key(private_key: X25519PrivateKey, kek: bytes, person_id: str) -> dict:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    nonce = os.urandom(12)
    sealed = AESGCM(kek).encrypt(nonce, raw, f"private-key:{person_id}".encode())
    return {
        "public": b64(public_bytes(private_key)),
        "sign_public": b64(signing_public(private_key)),
        "private": {"nonce": b64(nonce), "sealed": b64(sealed)},
    }


# -- signing ------------------------------------------------------------------------------
# Sealing hides what was written; it cannot say who wrote it, because anyone can seal for a
# public key. What a supervisor writes about a practitioner (comments, supervision records)
# is therefore also signed with Ed25519. The signing key is derived from the person's X25519
# private key (HKDF, its own label), so it is unlocked by the same passphrase and needs no
# second wrapped secret; its public half is kept with the person's other public key.
def signing_key(private_key: X25519PrivateKey) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return Ed25519PrivateKey.from_private_bytes(_hkdf(raw, b"stepping-stones/sign"))


def signing_public(private_key: X25519PrivateKey) -> bytes:
    return signing_key(private_key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(private_key: X25519PrivateKey, data: bytes) -> str:
    return b64(signing_key(private_key).sign(data))


def signature_ok(publics: list[bytes], data: bytes, signature: str) -> bool:
    """Whether any of a person's signing keys (current, or from before a reset) signed it."""
    try:
        raw = unb64(signature)
    except (ValueError, TypeError):
        return False
    for public in publics:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(raw, data)
            return True
        except (InvalidSignature, ValueError):
            continue
    return False


def unwrap_private_key(keys: dict, kek: bytes, person_id: str) -> X25519PrivateKey:
    try:
        raw = AESGCM(kek).decrypt(
            unb64(keys["private"]["nonce"]),
            unb64(keys["private"]["sealed"]),
            f"private-key:{person_id}".encode(),
        )
    except (InvalidTag, KeyError, ValueError, TypeError) as exc:
        raise SealError("This person's key could not be unlocked with that passphrase.") from exc
    return X25519PrivateKey.from_private_bytes(raw)


def wrap_for(content_key: bytes, public: bytes, context: bytes) -> dict:
    """Wrap a content key so that only the holder of `public`'s private key can unwrap it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = public_bytes(ephemeral)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    key = _hkdf(shared, b"stepping-stones/content-key", salt=ephemeral_public + public)
    nonce = os.urandom(12)
    return {
        "for": fingerprint(public),
        "epk": b64(ephemeral_public),
        "nonce": b64(nonce),
        "key": b64(AESGCM(key).encrypt(nonce, content_key, context)),
    }


def unwrap(entry: dict, private_key: X25519PrivateKey, context: bytes) -> bytes:
    try:
        ephemeral_public = unb64(entry["epk"])
        public = public_bytes(private_key)
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _hkdf(shared, b"stepping-stones/content-key", salt=ephemeral_public + public)
        return AESGCM(key).decrypt(unb64(entry["nonce"]), unb64(entry["key"]), context)
    except (InvalidTag, KeyError, ValueError, TypeError) as exc:
        raise SealError("The key for this record does not open it.") from exc


def seal(content: dict, content_key: bytes, context: bytes) -> dict:
    nonce = os.urandom(12)
    plain = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return {"nonce": b64(nonce), "data": b64(AESGCM(content_key).encrypt(nonce, plain, context))}


def open_sealed(sealed: dict, content_key: bytes, context: bytes) -> dict:
    try:
        plain = AESGCM(content_key).decrypt(unb64(sealed["nonce"]), unb64(sealed["data"]), context)
        content = json.loads(plain)
    except (InvalidTag, KeyError, ValueError, TypeError, RecursionError) as exc:
        # RecursionError: sealed by someone holding the key, but nested deeper than any record.
        raise SealError("This record has been altered or damaged, so it cannot be opened.") from exc
    if not isinstance(content, dict):
        raise SealError("This record has been altered or damaged, so it cannot be opened.")
    return content


def new_content_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_for_reader(sealed: dict, reader_id: str, public: bytes | None, private) -> dict | None:
    """The wrapped content key meant for this reader (their current key pair), or None when
    the record is not (yet) shared with them."""
    wrap = (sealed.get("readers") or {}).get(reader_id)
    if wrap is None or public is None or private is None or wrap.get("for") != fingerprint(public):
        return None
    return wrap


def readers_match(readers: dict, needed: dict[str, bytes]) -> bool:
    """Whether a record is already wrapped for exactly these readers (read from the clear
    fingerprints, without opening anything): most records at most sign-ins."""
    wanted = {pid: fingerprint(public) for pid, public in needed.items()}
    return {pid: (w or {}).get("for") for pid, w in readers.items()} == wanted


def rewrapped(readers: dict, key: bytes, needed: dict[str, bytes], ctx: bytes) -> dict | None:
    """The wraps a record needs for the readers in `needed` (id -> public key), or None when
    it already has exactly those: a re-share drops stale wraps and adds missing ones."""
    wanted = {pid: fingerprint(public) for pid, public in needed.items()}
    stale = [pid for pid in readers if wanted.get(pid) != readers[pid].get("for")]
    missing = [pid for pid in needed if pid not in readers or pid in stale]
    if not stale and not missing:
        return None
    readers = dict(readers)
    for pid in stale:
        del readers[pid]
    for pid in missing:
        readers[pid] = wrap_for(key, needed[pid], ctx)
    return readers
