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
        # | destination revoked (a travel document resting on a revoked destination visa)
    )
    number: str | None = None
    issuer: str | None = None
    detail: str = ""
    kind: str = "transit"  # transit | destination | family
    covers: int = 1  # people the document covers (a family document: holder and members)
    destination: dict | None = None  # the destination document a travel document rests on

    def as_dict(self) -> dict:
        out: dict = {
            "valid": self.valid,
            "reason": self.reason,
            "number": self.number,
            "issuer": self.issuer,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.number is not None:
            out |= {"kind": self.kind, "covers": self.covers}
        if self.destination is not None:
            out["destination"] = self.destination
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

    def with_revocations(self, extra: dict[str, list[str]]) -> Verifier:
        """Add revocations learnt since the list was signed (e.g. received from another
        organisation in a pouch): a checkpoint may only ever know more revoked numbers."""
        for kid, numbers in extra.items():
            self.revoked.setdefault(kid, set()).update(numbers)
        return self

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

    def destination_state(self, doc: dict, presented: str | None, today: date) -> dict:
        """The state of the destination document a travel document names, offline: `missing`
        (none named, its issuer not on the trust list, or a presented visa that is not it),
        `revoked` (on its issuer's revocation list, or the presented visa says so), else
        `valid`."""
        number, kid = doc.get("dd"), doc.get("ddi")
        if not isinstance(number, str) or not isinstance(kid, str):
            return {"number": None, "issuer": None, "state": "missing"}
        out = {"number": number, "issuer": kid, "state": "valid"}
        if kid not in self.issuers:
            out["state"] = "missing"
        elif number in self.revoked.get(kid, set()):
            out["state"] = "revoked"
        elif presented is not None:
            v = self.verify(presented, today)
            if v.number != number or v.issuer != kid or v.kind != "destination":
                out["state"] = "missing"
            elif not v.valid:
                out["state"] = "revoked" if v.reason == "revoked" else v.reason
        return out

    def verify(
        self, text: str, today: date | None = None, destination: str | None = None
    ) -> Verdict:
        """One document's verdict. A travel document's verdict also reports the destination
        document it rests on (`destination`: that visa's own seal, when the holder shows it);
        a revoked destination document makes the travel document invalid."""
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
        kinds = {v: k for k, v in sealmod.KINDS.items()}
        kind = kinds.get(doc.get("k", "t"), "transit")
        mem = doc.get("mem") if isinstance(doc.get("mem"), list) else []
        base = {"kind": kind, "covers": 1 + len(mem)}
        if number in self.revoked.get(kid, set()):
            return Verdict(False, "revoked", number, kid, **base)
        if today < nbf:
            return Verdict(False, "not yet valid", number, kid, **base)
        if today > exp:
            return Verdict(False, "expired", number, kid, **base)
        if kind == "destination":
            return Verdict(True, "ok", number, kid, **base)
        dest = self.destination_state(doc, destination, today)
        if dest["state"] == "revoked":
            return Verdict(False, "destination revoked", number, kid, destination=dest, **base)
        return Verdict(True, "ok", number, kid, destination=dest, **base)
