"""The pouch file, format 2: how the bytes are laid out, sealed, checked and opened.

File: the line `LIAISON-POUCH/2`, the manifest as one line of RFC 8785 canonical JSON, the line of
its Ed25519 signature (128 hex digits), then the ciphertext as raw bytes to the end. The manifest
(sender, recipient, sequence, previous pouch's digest, key fingerprints, sizes and digests) stays
readable so a pouch can be inspected without its key; the payload is encrypted to the recipient
with a libsodium sealed box (X25519 + XSalsa20-Poly1305: anonymous-sender public-key encryption;
authenticity comes from the signature over the manifest, which commits to the ciphertext's
digest). Sealed boxes were chosen over HPKE because PyNaCl is a mature, maintained binding of
libsodium with one obvious construction, and over age because no maintained Python binding of age
exists. Format 1 carried the ciphertext in base64 inside a JSON envelope; encoding and decoding it
cost more than the encryption itself, so format 2 carries it raw. A format-1 pouch is refused as
`old-format`, saying so.

This module knows bytes, keys and digests only — nothing of the store or of what the payload
holds (`pouch.py` does the rest).
"""

from __future__ import annotations

import os
from typing import Any

import nacl.bindings
import nacl.exceptions
import orjson
from nacl.public import SealedBox
from nacl.signing import VerifyKey

from liaison.courier.canonical import canonical, digest
from liaison.courier.keys import KeyPair, PublicKeys
from liaison.courier.records import PouchRejected

MAGIC = b"LIAISON-POUCH/2\n"
FORMAT = 2
_ANY_MAGIC = b"LIAISON-POUCH/"
MAX_MANIFEST = 1 << 20  # the manifest line; key records make it grow a little with each rotation
_SIG_HEX = 128
SEALBYTES = nacl.bindings.crypto_box_SEALBYTES
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MANIFEST_FIELDS = {
    "version",
    "from",
    "to",
    "seq",
    "prev",
    "created",
    "sender_key",
    "recipient_key",
    "payload_sha256",
    "payload_size",
    "ciphertext_sha256",
    "units",
    "counts",
    "keys",
}


try:  # libsodium through PyNaCl's own cffi module, to encrypt and decrypt without extra copies
    from nacl._sodium import ffi as _ffi
    from nacl._sodium import lib as _lib

    _DIRECT = hasattr(_lib, "crypto_box_seal") and hasattr(_lib, "crypto_box_seal_open")
except ImportError:  # pragma: no cover - a PyNaCl without it: the public API, a copy or two more
    _DIRECT = False


def _box_seal(payload: bytes, pk: PublicKeys) -> bytes | bytearray:
    """crypto_box_seal of `payload` to `pk`. PyNaCl's public call zero-fills a buffer, encrypts
    into it and copies it out; with 40 MB payloads the fill and the copy cost as much as the
    encryption, so the same libsodium function writes into a fresh buffer here instead."""
    if not _DIRECT:
        return SealedBox(pk.box_key).encrypt(payload)
    out = bytearray(len(payload) + SEALBYTES)
    key = pk.box_key.encode()
    if _lib.crypto_box_seal(_ffi.from_buffer(out), payload, len(payload), key) != 0:
        raise RuntimeError("crypto_box_seal failed")  # pragma: no cover - libsodium's own error
    return out


def _box_open(ct: bytes | memoryview, own: KeyPair) -> bytes | bytearray:
    """crypto_box_seal_open of `ct` with our key, reading it in place (a view into the pouch) —
    the public call needs its own copy of the ciphertext. CryptoError when it does not open."""
    if not _DIRECT:
        return SealedBox(own.box).decrypt(bytes(ct))
    if len(ct) < SEALBYTES:
        raise nacl.exceptions.CryptoError("ciphertext too short")
    out = bytearray(len(ct) - SEALBYTES)
    pk, sk = own.box.public_key.encode(), own.box.encode()
    if _lib.crypto_box_seal_open(_ffi.from_buffer(out), _ffi.from_buffer(ct), len(ct), pk, sk):
        raise nacl.exceptions.CryptoError("the sealed box does not open")
    return out


def seal_payload(
    kp: KeyPair, recipient: PublicKeys, fields: dict[str, Any], payload: bytes
) -> tuple[bytes, dict[str, Any]]:
    """The pouch construction: encrypt `payload` to `recipient`, complete the manifest with the
    digests and sizes, sign it, write the file. (pouch file, manifest)"""
    ct = _box_seal(payload, recipient)
    manifest = {
        **fields,
        "payload_sha256": digest(payload),
        "payload_size": len(payload),
        "ciphertext_sha256": digest(ct),
    }
    head = canonical(manifest)
    return encode_envelope(head, ct, kp.signing.sign(head).signature.hex()), manifest


def encode_envelope(
    manifest: dict[str, Any] | bytes, ct: bytes | bytearray | memoryview, signature: str
) -> bytes:
    """MAGIC, the canonical manifest (or its bytes, already canonical) and the signature, one line
    each, then the raw ciphertext. Canonical JSON escapes control characters, so the manifest
    never holds a newline of its own."""
    head = manifest if isinstance(manifest, bytes) else canonical(manifest)
    return b"".join((MAGIC, head, b"\n", signature.encode("ascii"), b"\n", ct))


def unseal(env: dict[str, Any], verify_key: VerifyKey, own: KeyPair) -> bytes | bytearray:
    """The payload of an inspected pouch, checked in order: the signature over the manifest's
    bytes, the ciphertext's digest, decryption, the payload's digest and size."""
    m = env["manifest"]
    try:
        verify_key.verify(env["manifest_bytes"], bytes.fromhex(env["signature"]))
    except (nacl.exceptions.BadSignatureError, ValueError):
        raise PouchRejected(
            "bad-signature", "the signature does not match the manifest (tampered)"
        ) from None
    ct = env["ciphertext"]
    if digest(ct) != m["ciphertext_sha256"]:
        raise PouchRejected(
            "tampered-ciphertext", "the ciphertext does not match the signed digest"
        )
    try:
        payload = _box_open(ct, own)
    except nacl.exceptions.CryptoError:
        raise PouchRejected(
            "tampered-ciphertext", "the ciphertext does not decrypt with our key"
        ) from None
    if digest(payload) != m["payload_sha256"] or len(payload) != m["payload_size"]:
        raise PouchRejected("tampered-ciphertext", "the payload does not match the signed digest")
    return payload


def inspect(data: bytes, *, max_bytes: int | None = None) -> dict[str, Any]:
    """The manifest, checked for form only (no key needed, nothing decrypted)."""
    limit = max_bytes or int(os.environ.get("LIAISON_POUCH_MAX_BYTES", DEFAULT_MAX_BYTES))
    if len(data) > limit:
        raise PouchRejected("oversized", f"{len(data):,} bytes is over the {limit:,}-byte limit")
    if not data.startswith(MAGIC):
        if data.startswith(_ANY_MAGIC):
            first = data[: data.find(b"\n", 0, 40)].decode("ascii", "replace")
            raise PouchRejected(
                "old-format",
                f"{first!r} is not a format this version reads (LIAISON-POUCH/{FORMAT}): "
                "ask the sender to seal it again with a current Liaison",
            )
        raise PouchRejected(
            "malformed", f"not a Liaison pouch (no {MAGIC.decode().strip()} header)"
        )
    start = len(MAGIC)
    end = data.find(b"\n", start, start + MAX_MANIFEST + 1)
    if end < 0:
        rest = data[start : start + MAX_MANIFEST + 1]
        try:
            orjson.loads(rest)
        except orjson.JSONDecodeError:  # cut inside the manifest (or not JSON at all)
            if len(rest) <= MAX_MANIFEST:
                raise PouchRejected("truncated", "the pouch ends inside its manifest") from None
        raise PouchRejected("malformed", "no complete manifest line")
    head = data[start:end]
    sig_end = end + 1 + _SIG_HEX
    if len(data) <= sig_end:
        raise PouchRejected("truncated", "the pouch ends before its ciphertext")
    sig = data[end + 1 : sig_end]
    if data[sig_end] != 0x0A or sig.strip(b"0123456789abcdef"):
        raise PouchRejected("malformed", "the signature line is not 128 hex digits")
    try:
        m = orjson.loads(head)  # strict: no NaN, no lone surrogates, UTF-8 only
    except orjson.JSONDecodeError as exc:
        raise PouchRejected("malformed", f"the manifest is not valid JSON ({exc})") from None
    if not isinstance(m, dict) or set(m) != MANIFEST_FIELDS:
        raise PouchRejected("malformed", "the manifest's fields are not the expected ones")
    try:
        is_canonical = canonical(m) == head
    except Exception:  # rfc8785's domain errors: a number canonical JSON cannot hold
        is_canonical = False
    if not is_canonical:
        raise PouchRejected("malformed", "the manifest is not in RFC 8785 canonical form")
    if m["version"] != FORMAT:
        raise PouchRejected("malformed", f"manifest version {m['version']!r}, expected {FORMAT}")
    if not (
        type(m["seq"]) is int
        and m["seq"] >= 1
        and isinstance(m["from"], str)
        and isinstance(m["to"], str)
    ):
        raise PouchRejected("malformed", "bad sequence number or partner codes in the manifest")
    size = m["payload_size"]
    if type(size) is not int or size < 0:
        raise PouchRejected("malformed", "bad payload size in the manifest")
    ct = memoryview(data)[sig_end + 1 :]  # read in place: a slice would copy 40 MB
    if len(ct) != size + SEALBYTES:
        kind = "truncated" if len(ct) < size + SEALBYTES else "malformed"
        raise PouchRejected(
            kind, f"{len(ct):,} bytes of ciphertext, the manifest says {size + SEALBYTES:,}"
        )
    env = {"manifest": m, "manifest_bytes": head, "signature": sig.decode(), "ciphertext": ct}
    return {**m, "size": len(data), "envelope": env}
