"""QR seals for transit documents: COSE_Sign1 (EdDSA/Ed25519) over CBOR, zlib, base45, "LV1:" prefix.

Same layering as the EU Digital COVID Certificate. COSE_Sign1 is built here (a few lines over
cbor2 and PyNaCl, already a dependency) rather than with pycose, which would add the
`cryptography` stack for one algorithm. The payload holds only what a checkpoint needs: number,
names, birth date, route, validity, issuer key id — never religion or ethnicity.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

import base45
import cbor2
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from liaison.core.errors import ValidationError

PREFIX = "LV1:"
ALG_EDDSA = -8
H_ALG, H_KID = 1, 4
COSE_SIGN1_TAG = 18
# Only these payload keys may appear: a seal never carries anything else.
FIELDS = ("no", "sn", "gn", "sn_icao", "gn_icao", "dob", "route", "nbf", "exp")
# Issue 24: "k" kind (t transit, d destination visa, f family), "dst" destination, "dd"/"ddi" the
# destination document a transit document rests on (number, issuer key id), "mem" the members a
# family document covers besides its head: [[surname, given names, birth date], ...].
FIELDS += ("k", "dst", "dd", "ddi", "mem")
KINDS = {"transit": "t", "destination": "d", "family": "f"}
# A QR code holds at most 4,296 alphanumeric characters, and a seal inflates to a few hundred
# bytes: anything longer or inflating further is refused before it can cost memory (the browser
# verifier uses the same 64 KiB cap).
MAX_TEXT = 4296
MAX_INFLATED = 65536


class SealTooLarge(ValueError):
    """A seal beyond the stated sizes: refused before it is decompressed in full."""


@dataclass
class Issuer:
    """A signing key of one issuing office; `kid` is the key id printed in every seal."""

    kid: str
    name: str
    key: SigningKey

    @classmethod
    def generate(cls, kid: str, name: str) -> Issuer:
        return cls(kid, name, SigningKey.generate())

    @property
    def public(self) -> bytes:
        return bytes(self.key.verify_key)


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def cose_sign1(key: SigningKey, kid: str, payload: bytes) -> bytes:
    protected = cbor2.dumps({H_ALG: ALG_EDDSA, H_KID: kid.encode()})
    sig = key.sign(_sig_structure(protected, payload)).signature
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, sig]))


def cbor_exact(raw: bytes) -> object:
    """Decode one CBOR item that must fill `raw` exactly: a byte after it is refused, as the
    browser verifier refuses it, so both verifiers answer the same for the same seal."""
    import io

    buf = io.BytesIO(raw)
    obj = cbor2.CBORDecoder(buf).decode()
    if buf.tell() != len(raw):
        raise ValueError(f"{len(raw) - buf.tell()} byte(s) after the CBOR item")
    return obj


def cose_open(raw: bytes) -> tuple[str, bytes, bytes, bytes]:
    """Parse a COSE_Sign1 → (kid, protected, payload, signature); ValueError if malformed."""
    obj = cbor_exact(raw)
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != COSE_SIGN1_TAG:
            raise ValueError("not a COSE_Sign1")
        obj = obj.value
    if not (isinstance(obj, (list, tuple)) and len(obj) == 4):
        raise ValueError("not a COSE_Sign1 array")
    protected, _unprotected, payload, sig = obj
    if not all(isinstance(x, bytes) for x in (protected, payload, sig)):
        raise ValueError("COSE_Sign1 members have wrong types")
    hdr = cbor_exact(protected)
    if not isinstance(hdr, dict) or hdr.get(H_ALG) != ALG_EDDSA:
        raise ValueError("unsupported algorithm")
    kid = hdr.get(H_KID)
    if not isinstance(kid, bytes):
        raise ValueError("no key id")
    return kid.decode(), protected, payload, sig


def cose_check(public: bytes, protected: bytes, payload: bytes, sig: bytes) -> bool:
    try:
        VerifyKey(public).verify(_sig_structure(protected, payload), sig)
        return True
    except BadSignatureError:
        return False


def make_payload(
    number: str,
    surname: str,
    given: str,
    surname_icao: str,
    given_icao: str,
    birth_date: date,
    route: list[str],
    valid_from: date,
    valid_until: date,
) -> dict:
    return {
        "no": number,
        "sn": surname,
        "gn": given,
        "sn_icao": surname_icao,
        "gn_icao": given_icao,
        "dob": birth_date.isoformat(),
        "route": list(route),
        "nbf": valid_from.isoformat(),
        "exp": valid_until.isoformat(),
    }


def seal(issuer: Issuer, payload: dict) -> str:
    """The QR text of a document: prefix + base45(zlib(COSE_Sign1(CBOR payload)))."""
    extra = set(payload) - set(FIELDS)
    if extra:
        raise ValidationError(f"a seal may not carry {sorted(extra)}")
    cose = cose_sign1(issuer.key, issuer.kid, cbor2.dumps(payload))
    return PREFIX + base45.b45encode(zlib.compress(cose, 9)).decode("ascii")


def unwrap(text: str) -> bytes:
    """QR text → COSE bytes; ValueError if the layers do not decode, SealTooLarge beyond the caps.

    Inflation stops at MAX_INFLATED bytes (a 120 KB seal of zeros would otherwise inflate to
    165 MB), and bytes after the end of the zlib stream are refused like the browser refuses them.
    """
    text = text.strip()
    if not text.startswith(PREFIX):
        raise ValueError(f"missing prefix {PREFIX}")
    if len(text) > MAX_TEXT + len(PREFIX):
        raise SealTooLarge(
            f"seal of {len(text):,} characters: a QR code holds at most {MAX_TEXT:,}"
        )
    try:
        packed = base45.b45decode(text[len(PREFIX) :])
        d = zlib.decompressobj()
        raw = d.decompress(packed, MAX_INFLATED)
    except Exception as exc:  # base45 raises ValueError, zlib raises zlib.error
        raise ValueError(f"undecodable: {exc}") from None
    if d.unconsumed_tail:
        raise SealTooLarge(f"seal inflates beyond {MAX_INFLATED:,} bytes")
    if not d.eof:
        raise ValueError("undecodable: the zlib stream is truncated")
    if d.unused_data:
        raise ValueError(f"undecodable: {len(d.unused_data)} byte(s) after the zlib stream")
    return raw
