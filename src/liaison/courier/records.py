"""Signed records: tombstones, key events, meeting outcomes and acknowledgements.

A pouch's signature covers everything in it, but some records must outlive the pouch — kept as
evidence, shown to a third party, or (key rotations) checked before the pouch's own signature can
be. Each such record is `{"body": {...}, "signatures": [{"partner", "key", "sig"}]}`, every
signature an Ed25519 signature over the body's RFC 8785 canonical bytes.
"""

from __future__ import annotations

from typing import Any

import nacl.exceptions
from nacl.signing import VerifyKey

from liaison.core.errors import SecurityError
from liaison.courier.canonical import canonical, canonical_fast, digest
from liaison.courier.keys import KeyPair


class PouchRejected(SecurityError):
    """A pouch refused on opening; `reason` is a short code for the audit log and tests."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"pouch rejected ({reason}): {message}")
        self.reason = reason


def sign(kp: KeyPair, body: dict[str, Any], *extra: KeyPair) -> dict[str, Any]:
    """A record signed by `kp` (and `extra` keys, e.g. the new key of a rotation)."""
    data = canonical_fast(body)
    return {
        "body": body,
        "signatures": [
            {
                "partner": k.partner,
                "key": k.public.fingerprint,
                "sig": k.signing.sign(data).signature.hex(),
            }
            for k in (kp, *extra)
        ],
    }


def add_signature(record: dict[str, Any], kp: KeyPair) -> dict[str, Any]:
    sig = kp.signing.sign(canonical(record["body"])).signature.hex()
    entry = {"partner": kp.partner, "key": kp.public.fingerprint, "sig": sig}
    return {**record, "signatures": [*record["signatures"], entry]}


def _canonical_body(body: Any) -> bytes:
    """The body's canonical bytes; a body RFC 8785 cannot represent (a huge integer, a lone
    surrogate) is a malformed record, refused like any other."""
    if not isinstance(body, dict):
        raise PouchRejected("malformed", "a signed record's body is not an object")
    try:
        return canonical_fast(body)
    except Exception:  # rfc8785's domain errors, UnicodeEncodeError
        raise PouchRejected("malformed", "a signed record cannot be canonicalised") from None


def body_bytes(record: dict[str, Any]) -> bytes:
    """The canonical bytes a record's signatures sign (malformed if it has none)."""
    return _canonical_body(record["body"])


def body_digest(record: dict[str, Any]) -> str:
    return digest(_canonical_body(record["body"]))


def check_shape(record: Any, kind: str) -> dict[str, Any]:
    """The record's body, if the record has the right form; else a `malformed` refusal."""
    ok = (
        isinstance(record, dict)
        and set(record) == {"body", "signatures"}
        and isinstance(record["body"], dict)
        and record["body"].get("type") == kind
        and isinstance(record["signatures"], list)
        and 0 < len(record["signatures"]) <= 4
        and all(
            isinstance(s, dict)
            and set(s) == {"partner", "key", "sig"}
            and all(isinstance(v, str) for v in s.values())
            for s in record["signatures"]
        )
    )
    if not ok:
        raise PouchRejected("malformed", f"a {kind} record does not have the expected form")
    return record["body"]


def verify_by(record: dict[str, Any], sign_pk: str, fp: str) -> bool:
    """True if the record carries a valid signature by the key `fp` (public key hex `sign_pk`)."""
    data = _canonical_body(record["body"])
    for s in record["signatures"]:
        if s["key"] != fp:
            continue
        try:
            VerifyKey(bytes.fromhex(sign_pk)).verify(data, bytes.fromhex(s["sig"]))
            return True
        except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
            return False
    return False
