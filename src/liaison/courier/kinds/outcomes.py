"""Meeting outcomes: the agreed picture of a closed meeting, signed by both parties.

When a meeting with the recipient is closed, the next pouch signs its outcome (meeting reference,
parties, as-of and close times, the agreed picture's digest) and carries it; the receiver
verifies and stores it, may countersign (`countersign`), and its signature travels back. Both then
hold the same record signed by both. Collected: every outcome between us and the recipient with a
signature recorded since the watermark.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.courier import records
from liaison.courier.keyring import key_row
from liaison.courier.keys import KeyPair
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing
from liaison.courier.records import PouchRejected
from liaison.store import audit
from liaison.store.schema.courier import meeting_outcome, outcome_signature
from liaison.store.schema.reconcile import meeting

TYPE = "meeting-outcome"


def sign_outcome(
    conn: Connection,
    kp: KeyPair,
    meeting_id: int,
    *,
    actor: str = "cli",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Sign the outcome of one of our closed meetings: the agreed picture's digest."""
    from liaison.reconcile.meeting import current_meeting

    m = current_meeting(conn, meeting_id)
    if m.status != "closed" or not m.agreed_digest:
        raise ConflictError(f"meeting {m.id} is not closed; only a closed meeting has an outcome")
    if m.ours_partner != kp.partner:
        raise ValidationError(
            f"meeting {m.id} was held by {m.ours_partner}, the key is {kp.partner}'s"
        )
    ref = f"{m.ours_partner}/{m.id}"
    existing = conn.execute(
        sa.select(meeting_outcome.c.id).where(meeting_outcome.c.ref == ref)
    ).first()
    if existing:
        return outcome(conn, ref)
    body = {
        "type": TYPE,
        "ref": ref,
        "issuer": m.ours_partner,
        "counterpart": m.theirs_partner,
        "as_of": iso(m.as_of),
        "snapshot_at": iso(m.snapshot_at),
        "closed_at": iso(m.closed_at),
        "agreed_digest": m.agreed_digest,
        "discrepancies": int(sum((m.summary or {}).get(k, 0) for k in ("discrepancies",))),
    }
    rec = records.sign(kp, body)
    now = now or utcnow()
    oid = conn.execute(
        meeting_outcome.insert().values(
            ref=ref,
            issuer=m.ours_partner,
            counterpart=m.theirs_partner,
            meeting_id=m.id,
            agreed_digest=m.agreed_digest,
            body=body,
            recorded_at=now,
        )
    ).inserted_primary_key[0]
    _store_signature(conn, oid, rec["signatures"][0], now)
    audit.record(conn, actor, "outcome.sign", ref, {"digest": m.agreed_digest})
    return rec


def _store_signature(conn: Connection, oid: int, s: dict[str, str], now: datetime) -> None:
    conn.execute(
        outcome_signature.insert().values(
            outcome_id=oid,
            partner_code=s["partner"],
            key_fingerprint=s["key"],
            signature=s["sig"],
            recorded_at=now,
        )
    )


def outcome(conn: Connection, ref: str) -> dict[str, Any]:
    """The outcome record `ref` with every signature we hold."""
    row = conn.execute(sa.select(meeting_outcome).where(meeting_outcome.c.ref == ref)).first()
    if row is None:
        raise NotFoundError(f"no meeting outcome {ref!r}")
    sigs = conn.execute(
        sa.select(outcome_signature)
        .where(outcome_signature.c.outcome_id == row.id)
        .order_by(outcome_signature.c.id)
    )
    return {
        "body": row.body,
        "signatures": [
            {"partner": s.partner_code, "key": s.key_fingerprint, "sig": s.signature} for s in sigs
        ],
    }


def list_outcomes(conn: Connection) -> list[dict[str, Any]]:
    refs = [
        r.ref for r in conn.execute(sa.select(meeting_outcome.c.ref).order_by(meeting_outcome.c.id))
    ]
    out = []
    for ref in refs:
        rec = outcome(conn, ref)
        out.append(
            {
                "ref": ref,
                "issuer": rec["body"]["issuer"],
                "counterpart": rec["body"]["counterpart"],
                "agreed_digest": rec["body"]["agreed_digest"],
                "signed_by": sorted(s["partner"] for s in rec["signatures"]),
            }
        )
    return out


def countersign(conn: Connection, kp: KeyPair, ref: str, *, actor: str = "cli") -> dict[str, Any]:
    """Countersign a partner's meeting outcome we received (and verified); it travels back."""
    rec = outcome(conn, ref)
    b = rec["body"]
    if b["counterpart"] != kp.partner:
        raise ValidationError(
            f"outcome {ref} is between {b['issuer']} and {b['counterpart']}, not {kp.partner}"
        )
    if any(s["partner"] == kp.partner for s in rec["signatures"]):
        raise ConflictError(f"outcome {ref} already carries {kp.partner}'s signature")
    new = records.add_signature(rec, kp)
    oid = conn.execute(
        sa.select(meeting_outcome.c.id).where(meeting_outcome.c.ref == ref)
    ).scalar_one()
    _store_signature(conn, oid, new["signatures"][-1], utcnow())
    audit.record(conn, actor, "outcome.countersign", ref, {"digest": b["agreed_digest"]})
    return new


def _receive_outcome(conn: Connection, sender: str, me: str, rec: Any, actor: str) -> int:
    b = records.check_shape(rec, TYPE)
    parties = {b.get("issuer"), b.get("counterpart")}
    if (
        parties != {sender, me}
        or not isinstance(b.get("ref"), str)
        or not isinstance(b.get("agreed_digest"), str)
    ):
        raise PouchRejected("bad-outcome", "a meeting outcome not between the sender and us")
    for s in rec["signatures"]:
        k = key_row(conn, s["partner"], s["key"]) if s["partner"] in parties else None
        if k is None or not records.verify_by(rec, k.sign_pk, k.fingerprint):
            raise PouchRejected(
                "bad-outcome", f"outcome {b['ref']}: {s['partner']}'s signature does not verify"
            )
    if b["issuer"] not in {s["partner"] for s in rec["signatures"]}:
        raise PouchRejected("bad-outcome", f"outcome {b['ref']} is not signed by its issuer")
    now = utcnow()
    row = conn.execute(sa.select(meeting_outcome).where(meeting_outcome.c.ref == b["ref"])).first()
    if row is None:
        oid = conn.execute(
            meeting_outcome.insert().values(
                ref=b["ref"],
                issuer=b["issuer"],
                counterpart=b["counterpart"],
                meeting_id=None,
                agreed_digest=b["agreed_digest"],
                body=b,
                recorded_at=now,
            )
        ).inserted_primary_key[0]
        have: set[str] = set()
    else:
        if records.body_digest({"body": row.body}) != records.body_digest(rec):
            raise PouchRejected("bad-outcome", f"outcome {b['ref']} differs from the one we hold")
        oid = row.id
        have = {
            r.partner_code
            for r in conn.execute(
                sa.select(outcome_signature.c.partner_code).where(
                    outcome_signature.c.outcome_id == oid
                )
            )
        }
    added = 0
    for s in rec["signatures"]:
        if s["partner"] not in have:
            _store_signature(conn, oid, s, now)
            have.add(s["partner"])
            added += 1
    if added:
        audit.record(conn, actor, "outcome.received", b["ref"], {"signed_by": sorted(have)})
    return added


def collect(out: Outgoing) -> Collected:
    """Ours to sign first (closed meetings with the recipient), then every outcome between us
    with a signature recorded since the watermark."""
    conn, me, to = out.conn, out.me, out.to
    signed = {
        r.ref
        for r in conn.execute(
            sa.select(meeting_outcome.c.ref).where(meeting_outcome.c.issuer == me)
        )
    }
    for m in conn.execute(
        sa.select(meeting.c.id).where(
            meeting.c.ours_partner == me,
            meeting.c.theirs_partner == to,
            meeting.c.status == "closed",
            # a meeting both sides held has its own signatures over the agreed picture each
            # computed (kinds/meetings.py); the guest's copy is never ours to sign here
            sa.or_(meeting.c.shared.is_(None), meeting.c.shared != "joined"),
            sa.or_(meeting.c.host.is_(None), meeting.c.host == me),
        )
    ).all():
        if f"{me}/{m.id}" not in signed:
            sign_outcome(conn, out.kp, m.id, actor="courier", now=out.now)
    refs = conn.execute(
        sa.select(meeting_outcome.c.ref)
        .where(
            sa.or_(
                sa.and_(meeting_outcome.c.issuer == me, meeting_outcome.c.counterpart == to),
                sa.and_(meeting_outcome.c.issuer == to, meeting_outcome.c.counterpart == me),
            ),
            meeting_outcome.c.id.in_(
                sa.select(outcome_signature.c.outcome_id).where(
                    out.window(outcome_signature.c.recorded_at)
                )
            ),
        )
        .order_by(meeting_outcome.c.id)
    )
    return Collected([outcome(conn, r.ref) for r in refs])


def receive(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    n = sum(_receive_outcome(inc.conn, inc.sender, inc.me, rec, inc.actor) for rec in recs)
    return {"outcome_signatures": n}


KIND = Kind("outcomes", "items", collect, receive, signed=(TYPE,))
