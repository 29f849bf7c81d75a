"""Signed trust list of issuers plus revocations, and the offline verifier.

The trust list is itself a COSE_Sign1 by a root key the checkpoint already holds; it names
several issuers (e.g. a consulate issuing transit visas, another issuing destination visas),
each with validity and revoked document numbers. The verifier answers one document at a time
and never lists people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import cbor2
from nacl.signing import SigningKey

from liaison.evac import seal as sealmod

ROOT_KID = "ROOT"


@dataclass
class Verdict:
    valid: bool
    reason: (
        str  # ok | malformed | unknown issuer | bad signature | expired | not yet valid | revoked
    )
    number: str | None = None
    issuer: str | None = None

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "reason": self.reason,
            "number": self.number,
            "issuer": self.issuer,
        }


def make_trust_list(
    root: SigningKey, issuers: list[sealmod.Issuer], revoked: dict[str, list[str]] | None = None
) -> bytes:
    """Sign the list of issuer public keys and revoked numbers with the root key."""
    revoked = revoked or {}
    body = {
        "issuers": {
            i.kid: {"name": i.name, "pub": i.public, "revoked": sorted(revoked.get(i.kid, []))}
            for i in issuers
        }
    }
    return sealmod.cose_sign1(root, ROOT_KID, cbor2.dumps(body))


class Verifier:
    """Checks seals against a trust list whose root signature was checked once at load."""

    def __init__(self, trust_list: bytes, root_public: bytes) -> None:
        kid, protected, payload, sig = sealmod.cose_open(trust_list)
        if kid != ROOT_KID or not sealmod.cose_check(root_public, protected, payload, sig):
            raise ValueError("trust list signature does not verify with the root key")
        body = cbor2.loads(payload)
        self.issuers: dict[str, dict] = body["issuers"]
        self.revoked = {k: set(v["revoked"]) for k, v in self.issuers.items()}

    def verify(self, text: str, today: date | None = None) -> Verdict:
        today = today or date.today()
        try:
            kid, protected, payload, sig = sealmod.cose_open(sealmod.unwrap(text))
        except Exception:
            return Verdict(False, "malformed")
        entry = self.issuers.get(kid)
        if entry is None:
            return Verdict(False, "unknown issuer", issuer=kid)
        if not sealmod.cose_check(entry["pub"], protected, payload, sig):
            return Verdict(False, "bad signature", issuer=kid)
        try:
            doc = cbor2.loads(payload)
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
