"""Signed trust list of issuers plus revocations, and the offline verifier.

The trust list is itself a COSE_Sign1 by a root key the checkpoint already holds; it names
several issuers (e.g. a consulate issuing transit visas, another issuing destination visas),
each with validity and revoked document numbers. The verifier answers one document at a time
and never lists people.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import cbor2
import rfc8785
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from liaison.evac import seal as sealmod

ROOT_KID = "ROOT"
# A checkpoint refuses a trust list signed longer ago than this (revocations after it would be
# unknown to it); `liaison evac verify --max-age-days` changes it for one check.
DEFAULT_MAX_AGE = timedelta(days=14)


@dataclass
class Verdict:
    valid: bool
    reason: (
        str  # ok | malformed | unknown issuer | bad signature | expired | not yet valid | revoked
    )
    number: str | None = None
    issuer: str | None = None
    detail: str = ""

    def as_dict(self) -> dict:
        out = {
            "valid": self.valid,
            "reason": self.reason,
            "number": self.number,
            "issuer": self.issuer,
        }
        if self.detail:
            out["detail"] = self.detail
        return out


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def make_trust_list(
    root: SigningKey,
    issuers: list[sealmod.Issuer],
    revoked: dict[str, list[str]] | None = None,
    issued_at: datetime | None = None,
) -> bytes:
    """Sign the list of issuer public keys and revoked numbers with the root key."""
    return sign_trust_list(
        root, [(i.kid, i.name, i.public) for i in issuers], revoked or {}, issued_at
    )


def sign_trust_list(
    root: SigningKey,
    issuers: list[tuple[str, str, bytes]],
    revoked: dict[str, list[str]],
    issued_at: datetime | None = None,
) -> bytes:
    """The COSE trust list: issuers, their revoked numbers and the issue time, all signed, so a
    verifier can tell how old the revocations it holds are."""
    body = {
        "issued_at": _stamp(issued_at or datetime.now(UTC)),
        "issuers": {
            kid: {"name": name, "pub": pub, "revoked": sorted(revoked.get(kid, []))}
            for kid, name, pub in issuers
        },
    }
    return sealmod.cose_sign1(root, ROOT_KID, cbor2.dumps(body))


TRUST_TYPE = "liaison-evac-trust-list"
REVOCATION_TYPE = "liaison-evac-revocations"


def signed_json(root: SigningKey, body: dict) -> dict:
    """A JSON file a browser can check: the RFC 8785 canonical payload as a string, and an
    Ed25519 signature (hex) over its UTF-8 bytes — no canonicalisation needed on the checking side."""
    payload = rfc8785.dumps(body).decode("utf-8")
    sig = root.sign(payload.encode("utf-8")).signature
    return {"alg": "Ed25519", "kid": ROOT_KID, "payload": payload, "sig": sig.hex()}


def open_signed_json(doc: dict, root_public: bytes, kind: str) -> dict:
    """Check the root signature and the payload's type (a revocation list is not a trust list)."""
    try:
        payload = doc["payload"].encode("utf-8")
        VerifyKey(root_public).verify(payload, bytes.fromhex(doc["sig"]))
        body = json.loads(payload)
    except (KeyError, AttributeError, ValueError, TypeError, BadSignatureError) as exc:
        raise ValueError(f"{kind}: signature does not verify with the root key ({exc})") from None
    if body.get("type") != kind:
        raise ValueError(f"not a {kind} (type {body.get('type')!r})")
    return body


def trust_json(root: SigningKey, issuers: list[tuple[str, str, bytes]], issued_at: str) -> dict:
    """The trust list for the browser verifier: [(kid, name, public key)] signed by the root."""
    body = {
        "type": TRUST_TYPE,
        "issued_at": issued_at,
        "issuers": {kid: {"name": name, "pub": pub.hex()} for kid, name, pub in issuers},
    }
    return signed_json(root, body)


def revocation_json(root: SigningKey, revoked: dict[str, list[str]], issued_at: str) -> dict:
    """The revocation list for the browser verifier, signed by the root, dated."""
    body = {
        "type": REVOCATION_TYPE,
        "issued_at": issued_at,
        "revoked": {k: sorted(v) for k, v in sorted(revoked.items())},
    }
    return signed_json(root, body)


class Verifier:
    """Checks seals against a trust list whose root signature was checked once at load."""

    def __init__(
        self,
        trust_list: bytes,
        root_public: bytes,
        max_age: timedelta | None = DEFAULT_MAX_AGE,
        now: datetime | None = None,
    ) -> None:
        """Refuses (ValueError) a list not signed by the root, one without an issue date, and
        one issued more than `max_age` before `now` (None: any age, for archives and tests)."""
        kid, protected, payload, sig = sealmod.cose_open(trust_list)
        if kid != ROOT_KID or not sealmod.cose_check(root_public, protected, payload, sig):
            raise ValueError("trust list signature does not verify with the root key")
        body = sealmod.cbor_exact(payload)
        if not isinstance(body, dict) or not isinstance(body.get("issuers"), dict):
            raise ValueError("trust list has no issuers")
        try:
            issued = datetime.fromisoformat(str(body["issued_at"]).replace("Z", "+00:00"))
        except (KeyError, ValueError):
            raise ValueError(
                "trust list carries no signed issue date; re-sign it with `liaison evac trust`"
            ) from None
        if issued.tzinfo is None:
            raise ValueError("trust list issue date has no time zone")
        self.issued_at = issued
        now = now or datetime.now(UTC)
        if max_age is not None and now - issued > max_age:
            age = (now - issued).days
            raise ValueError(
                f"trust list issued {_stamp(issued)} is {age} days old, older than the "
                f"{max_age.days} days allowed: get a fresh list (or raise --max-age-days)"
            )
        self.issuers: dict[str, dict] = body["issuers"]
        self.revoked = {k: set(v["revoked"]) for k, v in self.issuers.items()}

    @classmethod
    def from_json(cls, trust: dict, revocations: dict | None, root_public: bytes) -> Verifier:
        """The same checks from the browser's signed JSON files (so both paths are tested alike)."""
        body = open_signed_json(trust, root_public, TRUST_TYPE)
        rev = open_signed_json(revocations, root_public, REVOCATION_TYPE) if revocations else {}
        v = cls.__new__(cls)
        v.issuers = {
            k: {"name": e["name"], "pub": bytes.fromhex(e["pub"])}
            for k, e in body["issuers"].items()
        }
        v.revoked = {k: set(rev.get("revoked", {}).get(k, [])) for k in v.issuers}
        return v

    def verify(self, text: str, today: date | None = None) -> Verdict:
        today = today or date.today()
        try:
            kid, protected, payload, sig = sealmod.cose_open(sealmod.unwrap(text))
        except Exception as exc:  # every decoding failure is one answer; the detail says which
            return Verdict(False, "malformed", detail=str(exc)[:200])
        entry = self.issuers.get(kid)
        if entry is None:
            return Verdict(False, "unknown issuer", issuer=kid)
        if not sealmod.cose_check(entry["pub"], protected, payload, sig):
            return Verdict(False, "bad signature", issuer=kid)
        try:
            doc = sealmod.cbor_exact(payload)
            number = str(doc["no"])
            nbf = date.fromisoformat(doc["nbf"])
            exp = date.fromisoformat(doc["exp"])
        except Exception:
            return Verdict(False, "malformed", issuer=kid)
        if number in self.revoked[kid]:
            return Verdict(False, "revoked", number, kid)
        if today < nbf:
            return Verdict(False, "not yet valid", number, kid)
        if today > exp:
            return Verdict(False, "expired", number, kid)
        return Verdict(True, "ok", number, kid)
