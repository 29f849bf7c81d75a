"""Originator signatures, hop chains and consents: what lets an item travel beyond one pair.

Every item a pouch carries is signed by the partner who produced it (its originator), over the
RFC 8785 canonical form of its body, and that signature stays with the item however far it
goes, beside the pouch signature of each hop. On the wire an item is its body (with an
`originator` field) plus three transport fields the signature does not cover:

- `origin`: `{"partner", "key", "sig"}`, the originator's Ed25519 signature over the body;
- `hops`: signed records `{"type": "hop", "item", "from", "to", "at"}`, one per passing, each
  signed by the partner who passed it — the first by the originator, the last by the sender of
  this pouch, naming us;
- `consents`: the originator's signed records `{"type": "consent", "originator", "kind", "ref",
  "recipient", "issued_at"}`, one per partner allowed an ORCON item.

Observations travel by the hundred thousand, so they are not signed one by one: the originator
signs one batch seal per pouch (`{"type": "origin-batch", "leaves_sha256", "count"}`), the
SHA-256 over the concatenated SHA-256 digests of each record's canonical bytes. The receiver
checks it with one signature and one hash per record (`check_units`) and keeps the seal and the
digests, so any stored observation can later be checked against the originator's key alone.

Refusals (`PouchRejected` reasons): `unsigned-item` (no originator signature),
`unknown-originator`, `bad-origin-signature`, `bad-hop` (forged, broken or looping chain),
`bad-consent`, and the relay rules' `beyond-marking` and `no-consent` (`policy.relay_verdict`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nacl.exceptions
import orjson
import sqlalchemy as sa
from nacl.signing import VerifyKey
from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.core.ids import new_id
from liaison.core.markings import TLP_LEVELS, Marking
from liaison.courier import records
from liaison.courier.canonical import canonical, canonical_fast, digest, record_digests
from liaison.courier.keyring import partner_keys
from liaison.courier.keys import KeyPair
from liaison.courier.policy import Policy, relay_release, relay_verdict
from liaison.courier.records import PouchRejected
from liaison.store.schema.relay import (
    item_consent,
    item_envelope,
    item_sent,
    origin_batch,
    record_forward,
)

TRANSPORT = ("origin", "hops", "consents")
MAX_HOPS = 8
MAX_CONSENTS = 64
HOP, CONSENT, BATCH = "hop", "consent", "origin-batch"


# ---- signing -----------------------------------------------------------------------------------
def body_of(rec: dict[str, Any]) -> dict[str, Any]:
    """The signed part of an item record: everything but the transport fields."""
    return {k: v for k, v in rec.items() if k not in TRANSPORT}


def item_sha(body: dict[str, Any]) -> str:
    try:
        return digest(canonical_fast(body))
    except Exception:  # rfc8785's domain errors: a body canonical JSON cannot hold
        raise PouchRejected("malformed", "an item cannot be canonicalised") from None


def sign_body(kp: KeyPair, body: dict[str, Any]) -> dict[str, str]:
    sig = kp.signing.sign(canonical_fast(body)).signature.hex()
    return {"partner": kp.partner, "key": kp.public.fingerprint, "sig": sig}


def make_hop(kp: KeyPair, sha: str, to: str, at: datetime) -> dict[str, Any]:
    body = {"type": HOP, "item": sha, "from": kp.partner, "to": to, "at": iso(at)}
    return records.sign(kp, body)


def consent_body(
    originator: str, kind: str, ref: str, recipient: str, at: datetime
) -> dict[str, Any]:
    return {
        "type": CONSENT,
        "originator": originator,
        "kind": kind,
        "ref": ref,
        "recipient": recipient,
        "issued_at": iso(at),
    }


def marking_wire(m: Marking) -> dict[str, Any]:
    """An item's marking as it travels, ORCON included: the next holder needs it to decide."""
    return {"tlp": m.tlp, "rel_to": list(m.rel_to), "orcon": m.orcon}


def markings_of(body: dict[str, Any]) -> list[Marking]:
    """Every marking an item's body carries: its own and each attachment's. A relay must be
    allowed by all of them — the signed body cannot travel with a part cut out."""
    out = [marking_from_wire(body.get("marking"))]
    atts = body.get("attachments")
    if isinstance(atts, list):
        out += [marking_from_wire(a.get("marking")) for a in atts if isinstance(a, dict)]
    return out


def marking_from_wire(mk: Any) -> Marking:
    """A received item's marking: none is AMBER (as for every received record); anything
    unreadable is the strictest reading (RED), so such an item is refused and never passed on."""
    if mk is None:
        return Marking()
    if not isinstance(mk, dict):
        return Marking("RED")
    tlp = mk.get("tlp")
    rel = mk.get("rel_to") or []
    if (
        tlp not in TLP_LEVELS
        or not isinstance(rel, list)
        or not all(isinstance(x, str) for x in rel)
    ):
        return Marking("RED")
    return Marking(tlp, tuple(rel), mk.get("orcon") is True)


# ---- sending -----------------------------------------------------------------------------------
def consents_for(conn: Connection, kind: str, originator: str, ref: str) -> list[dict[str, Any]]:
    return [
        r.record
        for r in conn.execute(
            sa.select(item_consent.c.record)
            .where(
                item_consent.c.kind == kind,
                item_consent.c.originator == originator,
                item_consent.c.ref == ref,
            )
            .order_by(item_consent.c.id)
        )
    ]


def consented(consents: Iterable[dict[str, Any]]) -> set[str]:
    return {c["body"]["recipient"] for c in consents}


def mark_sent(
    conn: Connection, kind: str, originator: str, ref: str, to: str, at: datetime
) -> None:
    """Remember that `to` holds this item: its retraction and any burn notice must follow."""
    if not conn.execute(
        sa.select(item_sent.c.id).where(
            item_sent.c.kind == kind,
            item_sent.c.originator == originator,
            item_sent.c.ref == ref,
            item_sent.c.partner_code == to,
        )
    ).first():
        conn.execute(
            item_sent.insert().values(
                kind=kind, originator=originator, ref=ref, partner_code=to, sent_at=at
            )
        )


def wrap(
    kp: KeyPair,
    to: str,
    body: dict[str, Any],
    at: datetime,
    consents: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An item of ours as it leaves for `to`: the body (with us as originator), our signature
    over it, the first hop, and the consents that travel with it."""
    body = {**body, "originator": kp.partner}
    return {
        **body,
        "origin": sign_body(kp, body),
        "hops": [make_hop(kp, item_sha(body), to, at)],
        "consents": list(consents or []),
    }


def own_item(
    conn: Connection, kp: KeyPair, to: str, kind: str, body: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """`wrap` with our stored consents, remembering that `to` now holds the item."""
    mark_sent(conn, kind, kp.partner, body["local_id"], to, at)
    return wrap(kp, to, body, at, consents_for(conn, kind, kp.partner, body["local_id"]))


def own_orcon_ok(conn: Connection, kind: str, me: str, ref: str, to: str) -> bool:
    """Our own ORCON item goes to `to` only with our consent record naming `to`."""
    return to in consented(consents_for(conn, kind, me, ref))


def relayed_items(
    conn: Connection,
    kp: KeyPair,
    policy: Policy | None,
    kind: str,
    table: Any,
    since: datetime | None,
    now: datetime,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Items of others we hold that may go on to `policy.partner`: received since the watermark,
    not retracted, allowed by the originator's marking and consents and by our own policy. Each
    leaves exactly as the originator signed it, with our hop appended. (records, withheld by
    reason)"""
    to = policy.partner if policy else None
    q = (
        sa.select(item_envelope)
        .join(
            table,
            sa.and_(
                table.c.partner_code == item_envelope.c.originator,
                table.c.local_id == item_envelope.c.ref,
            ),
        )
        .where(
            item_envelope.c.kind == kind,
            item_envelope.c.received_at <= now,
            table.c.retracted_at.is_(None),
        )
        .order_by(item_envelope.c.id)
    )
    if since is not None:
        q = q.where(item_envelope.c.received_at > since)
    out: list[dict[str, Any]] = []
    withheld: dict[str, int] = {}
    for env in conn.execute(q):
        rec = env.record
        if to is None or env.originator == to:
            continue
        path = [env.originator, *(h["body"]["to"] for h in rec["hops"])]
        cons = consents_for(conn, kind, env.originator, env.ref)
        ok_for = consented(cons)
        why = None
        for m in markings_of(rec):
            why = why or relay_release(m, policy, env.originator, path, ok_for)
        if why == "loop":  # they had it already: nothing to withhold
            continue
        if why is not None:
            withheld[why] = withheld.get(why, 0) + 1
            continue
        mark_sent(conn, kind, env.originator, env.ref, to, now)
        hop = make_hop(kp, env.item_sha256, to, now)
        out.append({**rec, "hops": [*rec["hops"], hop], "consents": cons})
    return out, withheld


# ---- receiving ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Checked:
    """A received item that passed every check: its originator, signed body and digest."""

    originator: str
    body: dict[str, Any]
    sha: str
    marking: Marking
    relayed: bool


def keys_of(inc: Any, partner: str) -> list[Any]:
    key = ("keys", partner)
    if key not in inc.cache:
        inc.cache[key] = partner_keys(inc.conn, partner)
    return inc.cache[key]  # type: ignore[no-any-return]


def _signed_by(inc: Any, partner: str, rec: dict[str, Any]) -> bool:
    return any(records.verify_by(rec, k.sign_pk, k.fingerprint) for k in keys_of(inc, partner))


def _signed_by_any(inc: Any, partner: str, rec: dict[str, Any]) -> bool:
    """A signed record (hop, consent) carries a valid signature by one of `partner`'s keys."""
    data = records.body_bytes(rec)
    return any(
        s["partner"] == partner and _verifies(inc, partner, data, s) for s in rec["signatures"]
    )


def _verifies(inc: Any, partner: str, data: bytes, sig: dict[str, str]) -> bool:
    """`sig` is a valid signature over `data` by one of `partner`'s keys (verify keys cached per
    pouch: a relay pouch checks many items by the same few keys)."""
    key = ("vk", partner, sig["key"])
    if key not in inc.cache:
        k = next((k for k in keys_of(inc, partner) if k.fingerprint == sig["key"]), None)
        inc.cache[key] = VerifyKey(bytes.fromhex(k.sign_pk)) if k is not None else None
    vk = inc.cache[key]
    if vk is None:
        return False
    try:
        vk.verify(data, bytes.fromhex(sig["sig"]))
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
        return False
    return True


def check_item(inc: Any, kind: str, rec: Any) -> Checked:
    """Verify a received item end to end, or refuse the pouch naming why."""
    if not isinstance(rec, dict):
        raise PouchRejected("malformed", f"a {kind} is not an object")
    ref = rec.get("local_id")
    what = f"{kind} {ref!r:.80}"
    origin = rec.get("origin")
    if not (
        isinstance(origin, dict)
        and set(origin) == {"partner", "key", "sig"}
        and all(isinstance(v, str) for v in origin.values())
    ):
        raise PouchRejected("unsigned-item", f"{what} carries no originator signature")
    body = body_of(rec)
    originator = body.get("originator")
    if not isinstance(originator, str) or origin["partner"] != originator:
        raise PouchRejected("bad-origin-signature", f"{what}: the signer is not its originator")
    if not keys_of(inc, originator):
        raise PouchRejected(
            "unknown-originator", f"{what} comes from {originator!r}, whose key we do not hold"
        )
    try:
        data = canonical_fast(body)
    except Exception:  # rfc8785's domain errors: a body canonical JSON cannot hold
        raise PouchRejected("malformed", f"{what} cannot be canonicalised") from None
    sha = digest(data)
    if not _verifies(inc, originator, data, origin):
        raise PouchRejected(
            "bad-origin-signature", f"{what}: {originator}'s signature does not match the item"
        )
    hops = rec.get("hops")
    if not isinstance(hops, list) or not 0 < len(hops) <= MAX_HOPS:
        raise PouchRejected("bad-hop", f"{what}: no hop chain, or one over {MAX_HOPS} hops")
    path = [originator]
    for i, h in enumerate(hops):
        try:
            hb = records.check_shape(h, HOP)
        except PouchRejected:
            raise PouchRejected("bad-hop", f"{what}: hop {i + 1} is not a signed hop") from None
        frm, to = hb.get("from"), hb.get("to")
        if hb.get("item") != sha or frm != path[-1] or not isinstance(to, str) or to in path:
            raise PouchRejected(
                "bad-hop", f"{what}: hop {i + 1} ({frm}→{to}) does not continue the chain"
            )
        if not keys_of(inc, frm) or not _signed_by_any(inc, frm, h):
            raise PouchRejected(
                "bad-hop", f"{what}: hop {i + 1} ({frm}→{to}) is not signed by {frm}"
            )
        path.append(to)
    if path[-2] != inc.sender or path[-1] != inc.me:
        raise PouchRejected(
            "bad-hop", f"{what}: the last hop is {path[-2]}→{path[-1]}, not {inc.sender}→{inc.me}"
        )
    cons = rec.get("consents") or []
    if not isinstance(cons, list) or len(cons) > MAX_CONSENTS:
        raise PouchRejected("bad-consent", f"{what}: the consents are not a short list")
    for c in cons:
        try:
            cb = records.check_shape(c, CONSENT)
        except PouchRejected:
            raise PouchRejected("bad-consent", f"{what}: a consent is not signed") from None
        if (
            (cb.get("originator"), cb.get("kind"), cb.get("ref")) != (originator, kind, ref)
            or not isinstance(cb.get("recipient"), str)
            or not _signed_by_any(inc, originator, c)
        ):
            raise PouchRejected(
                "bad-consent", f"{what}: a consent is not {originator}'s for this item"
            )
    ms = markings_of(body)
    allowed = consented(cons)
    for i in range(1, len(path)):
        why, m = None, ms[0]
        for mk in ms:
            why = relay_verdict(mk, originator, path[:i], path[i], allowed)
            if why is not None:
                m = mk
                break
        if why is not None:
            raise PouchRejected(
                why,
                f"{what}: passing it to {path[i]} goes beyond {originator}'s marking "
                f"({m.to_text()})"
                if why == "beyond-marking"
                else f"{what}: {originator} gave no consent for {path[i]} (ORCON)",
            )
    return Checked(originator, body, sha, ms[0], len(path) > 2)


def keep(inc: Any, kind: str, c: Checked, rec: dict[str, Any]) -> None:
    """Keep the item's signed form (the newest version) and its consents, to pass it on."""
    conn = inc.conn
    ref = c.body["local_id"]
    row = conn.execute(
        sa.select(item_envelope.c.id, item_envelope.c.item_sha256).where(
            item_envelope.c.kind == kind,
            item_envelope.c.originator == c.originator,
            item_envelope.c.ref == ref,
        )
    ).first()
    stored = {k: rec[k] for k in rec if k != "consents"}
    if row is None:
        conn.execute(
            item_envelope.insert().values(
                kind=kind,
                originator=c.originator,
                ref=ref,
                item_sha256=c.sha,
                record=stored,
                received_from=inc.sender,
                received_at=inc.now,
            )
        )
    elif row.item_sha256 != c.sha:
        conn.execute(
            item_envelope.update()
            .where(item_envelope.c.id == row.id)
            .values(item_sha256=c.sha, record=stored, received_from=inc.sender, received_at=inc.now)
        )
    cons = rec.get("consents") or []
    if cons:  # one look-up and one multi-row insert for the item's consents
        have = set(
            conn.execute(
                sa.select(item_consent.c.record_sha256).where(
                    item_consent.c.kind == kind,
                    item_consent.c.originator == c.originator,
                    item_consent.c.ref == ref,
                )
            ).scalars()
        )
        rows = []
        for cr in cons:
            sha = records.body_digest(cr)
            if sha not in have:
                have.add(sha)
                rows.append(_consent_row(kind, c.originator, ref, cr, sha))
        if rows:
            conn.execute(item_consent.insert(), rows)


def add_consent_record(
    conn: Connection, kind: str, originator: str, ref: str, rec: dict[str, Any]
) -> bool:
    sha = records.body_digest(rec)
    if conn.execute(
        sa.select(item_consent.c.id).where(
            item_consent.c.originator == originator, item_consent.c.record_sha256 == sha
        )
    ).first():
        return False
    conn.execute(item_consent.insert().values(**_consent_row(kind, originator, ref, rec, sha)))
    return True


def _consent_row(
    kind: str, originator: str, ref: str, rec: dict[str, Any], sha: str
) -> dict[str, Any]:
    b = rec["body"]
    return {
        "kind": kind,
        "originator": originator,
        "ref": ref,
        "recipient": b["recipient"],
        "record": rec,
        "record_sha256": sha,
        "issued_at": _time(b.get("issued_at")),
    }


def _time(v: Any) -> datetime:
    from liaison.core.clock import parse_time, utcnow

    try:
        return parse_time(str(v))
    except (ValueError, TypeError, OverflowError):
        return utcnow()


# ---- forwarding the originator's later records along the hops ----------------------------------
def forward_pending(conn: Connection, to: str, sha: str) -> bool:
    """True if the signed record `sha` has not yet been forwarded to `to` (and marks it)."""
    if conn.execute(
        sa.select(record_forward.c.id).where(
            record_forward.c.partner_code == to, record_forward.c.record_sha256 == sha
        )
    ).first():
        return False
    from liaison.core.clock import utcnow

    conn.execute(
        record_forward.insert().values(partner_code=to, record_sha256=sha, sent_at=utcnow())
    )
    return True


def holds(conn: Connection, kind: str, originator: str, ref: str, to: str) -> bool:
    """Whether we passed this item to `to`."""
    return (
        conn.execute(
            sa.select(item_sent.c.id).where(
                item_sent.c.kind == kind,
                item_sent.c.originator == originator,
                item_sent.c.ref == ref,
                item_sent.c.partner_code == to,
            )
        ).first()
        is not None
    )


# ---- observations: one seal per pouch ----------------------------------------------------------
_SORTED = orjson.OPT_SORT_KEYS


leaves_exact = record_digests


def _leaves_fast(units: list[dict[str, Any]]) -> bytes:
    """The same for records just parsed from canonical JSON, without the per-value check: they
    re-serialise to the same bytes except for rare numbers (below 1e-4, say) or keys beyond
    U+FFFF — then the seal does not match and `check_units` falls back to `leaves_exact`."""
    dumps, sha = orjson.dumps, hashlib.sha256
    return b"".join([sha(dumps(r, option=_SORTED)).digest() for r in units])


def seal_units(kp: KeyPair, units: list[dict[str, Any]]) -> dict[str, Any]:
    """The originator's batch seal over the observations of one pouch."""
    leaves = leaves_exact(units)
    body = {
        "type": BATCH,
        "originator": kp.partner,
        "count": len(units),
        "leaves_sha256": digest(leaves),
    }
    return records.sign(kp, body)


def check_units(inc: Any, units: list[Any], seal: dict[str, Any] | None) -> bytes:
    """Check the received observations against the originator's seal; their digests."""
    if seal is None:
        if not units:
            return b""
        raise PouchRejected(
            "unsigned-item", f"{len(units):,} observations carry no originator seal"
        )
    b = seal["body"]
    if b.get("originator") != inc.sender or not _signed_by(inc, inc.sender, seal):
        raise PouchRejected(
            "bad-origin-signature", "the observations' seal is not signed by their originator"
        )
    if b.get("count") != len(units):
        raise PouchRejected("bad-origin-signature", "the observations' seal counts others")
    try:
        leaves = _leaves_fast(units)
    except (orjson.JSONEncodeError, TypeError):
        leaves = b""
    if digest(leaves) != b.get("leaves_sha256"):
        try:
            leaves = leaves_exact(units)
        except Exception:  # a record canonical JSON cannot hold
            leaves = b""
        if digest(leaves) != b.get("leaves_sha256"):
            raise PouchRejected(
                "bad-origin-signature", "the observations do not match their originator's seal"
            )
    return leaves


def keep_batch(inc: Any, seal: dict[str, Any], leaves: bytes) -> str:
    bid = new_id()
    inc.conn.execute(
        origin_batch.insert().values(
            id=bid,
            originator=inc.sender,
            received_from=inc.sender,
            record=seal,
            leaves=leaves,
            count=len(leaves) // 32,
            recorded_at=inc.now,
        )
    )
    return bid


def verify_observation_record(
    seal: dict[str, Any], leaves: bytes, record: dict[str, Any], sign_pk: str, fp: str
) -> bool:
    """Check one observation record, as received, against a kept seal and the originator's key:
    evidence that outlives the pouch."""
    if digest(leaves) != seal["body"]["leaves_sha256"] or not records.verify_by(seal, sign_pk, fp):
        return False
    leaf = hashlib.sha256(canonical(record)).digest()
    return any(leaves[i : i + 32] == leaf for i in range(0, len(leaves), 32))


# ---- granting consent --------------------------------------------------------------------------
CONSENTABLE = ("intercept", "report")


def grant_consent(
    conn: Connection, kp: KeyPair, kind: str, ref: str, recipient: str, *, actor: str = "cli"
) -> dict[str, Any]:
    """As originator, consent that `recipient` may receive our ORCON item `kind`/`ref` (from us
    or from whoever holds it). The signed record travels with the item on every later hop."""
    from liaison.core.clock import utcnow
    from liaison.core.errors import NotFoundError, ValidationError
    from liaison.orbat.partners import get_partner
    from liaison.store import audit
    from liaison.store.schema.codebreak import intercept
    from liaison.store.schema.courier import report

    if kind not in CONSENTABLE:
        raise ValidationError(f"consent is given for an intercept or a report, not {kind!r}")
    code = get_partner(conn, recipient).code
    if code == kp.partner:
        raise ValidationError("consent names another partner")
    table = {"intercept": intercept, "report": report}[kind]
    if not conn.execute(
        sa.select(table.c.id).where(table.c.partner_code == kp.partner, table.c.local_id == ref)
    ).first():
        raise NotFoundError(f"no {kind} {ref!r} of ours")
    rec = records.sign(kp, consent_body(kp.partner, kind, ref, code, utcnow()))
    add_consent_record(conn, kind, kp.partner, ref, rec)
    audit.record(conn, actor, "consent.grant", f"{kp.partner}/{ref}", {"kind": kind, "to": code})
    return rec
