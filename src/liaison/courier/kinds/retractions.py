"""Retractions: signed tombstones of an observation (unit, valid time), a report or an intercept.

Made here for reports and intercepts (`retract`; an observation is retracted in `orbat`, by a
tombstone observation). Collected: ours, issued since the watermark, only if what they retract
was releasable to the partner, the reason only when the policy releases notes; each signed by us
(`records.sign`), so the receiver keeps it as evidence. Received: verified against the sender's
keys, then the received observations of that unit at that valid time are tombstoned (the
picture falls back to the earlier report, as the sender's did), or the report or intercept is
marked retracted; the signed record is kept (`tombstone`), and a re-sent one is skipped.

Retractions follow every hop: an originator's signed retraction of a report or intercept we
passed on is forwarded, verbatim, to every partner we passed the item to (`item_sent`), and a
received retraction signed by an item's originator is accepted from whoever passed the item,
checked against the originator's own key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.courier import origin, records
from liaison.courier.keyring import partner_keys, self_code
from liaison.courier.kinds.base import (
    Collected,
    Incoming,
    Kind,
    Outgoing,
    bad,
    checked_id,
    marking_of,
    require,
)
from liaison.courier.records import PouchRejected
from liaison.store import audit
from liaison.store.schema.codebreak import intercept
from liaison.store.schema.courier import report, tombstone
from liaison.store.schema.orbat import observation, unit

TYPE = "retraction"
# What a retraction may name besides an observation: the kind and its table (partner_code,
# local_id, retracted_at, marking columns).
RETRACTABLE = {"report": report, "intercept": intercept}


def tombstone_body(
    issuer: str, kind: str, ref: str, valid_at: datetime | None, at: datetime, reason: str | None
) -> dict[str, Any]:
    """The signed body of a retraction (RFC 8785 canonical bytes are what is signed)."""
    return {
        "type": TYPE,
        "issuer": issuer,
        "kind": kind,
        "ref": ref,
        "valid_at": iso(valid_at),
        "issued_at": iso(at),
        "reason": reason,
    }


def retract(conn: Connection, kind: str, local_id: str, reason: str, *, actor: str = "cli") -> str:
    """Retract one of our reports or intercepts: the row is marked and a tombstone travels."""
    me = self_code(conn)
    table = RETRACTABLE.get(kind)
    if table is None:
        raise ValidationError("only a report or an intercept is retracted this way")
    if not reason.strip():
        raise ValidationError("a retraction needs a reason")
    row = conn.execute(
        sa.select(table.c.id, table.c.retracted_at).where(
            table.c.partner_code == me, table.c.local_id == local_id
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no {kind} {local_id!r} of ours")
    if row.retracted_at is not None:
        raise ConflictError(f"{kind} {local_id!r} is already retracted")
    now = utcnow()
    conn.execute(table.update().where(table.c.id == row.id).values(retracted_at=now))
    body = tombstone_body(me, kind, local_id, None, now, reason)
    tid = new_id()
    conn.execute(
        tombstone.insert().values(
            id=tid,
            partner_code=me,
            kind=kind,
            ref=local_id,
            reason=reason,
            issued_at=now,
            record=None,
            record_sha256=records.body_digest({"body": body}),
        )
    )
    audit.record(conn, actor, f"{kind}.retract", f"{me}/{local_id}", {"reason": reason})
    return tid


def collect(out: Outgoing) -> Collected:
    conn, me, kp = out.conn, out.me, out.kp
    signed, withheld = [], 0
    # of our observations: tombstone observations recorded since the watermark
    target = observation.alias("target")
    for r in conn.execute(
        sa.select(
            observation.c.recorded_at,
            observation.c.notes,
            target.c.valid_at,
            target.c.tlp,
            target.c.rel_to,
            target.c.orcon,
            unit.c.local_id,
        )
        .select_from(
            observation.join(target, target.c.id == observation.c.retracts).join(
                unit, unit.c.id == target.c.unit_id
            )
        )
        .where(observation.c.partner_code == me, out.window(observation.c.recorded_at))
        .order_by(observation.c.recorded_at)
    ):
        if not out.releasable(marking_of(r)):
            withheld += 1
            continue
        reason = r.notes if out.release_notes else None
        body = tombstone_body(me, "observation", r.local_id, r.valid_at, r.recorded_at, reason)
        signed.append(records.sign(kp, body))
    # of our reports and intercepts
    for kind, table in RETRACTABLE.items():
        reasons = {
            t.ref: t
            for t in conn.execute(
                sa.select(tombstone).where(
                    tombstone.c.partner_code == me,
                    tombstone.c.kind == kind,
                    tombstone.c.received_from.is_(None),
                )
            )
        }
        for r in conn.execute(
            sa.select(
                table.c.local_id, table.c.retracted_at, table.c.tlp, table.c.rel_to, table.c.orcon
            ).where(
                table.c.partner_code == me,
                table.c.received_from.is_(None),
                table.c.retracted_at.is_not(None),
                out.window(table.c.retracted_at),
            )
        ):
            # the retraction goes wherever the item went (ORCON included), or where it could
            if not (
                origin.holds(conn, kind, me, r.local_id, out.to) or out.releasable(marking_of(r))
            ):
                withheld += 1
                continue
            t = reasons.get(r.local_id)
            reason = t.reason if t is not None and out.release_notes else None
            body = tombstone_body(me, kind, r.local_id, None, r.retracted_at, reason)
            signed.append(records.sign(kp, body))
    # the originators' retractions of items we passed on to this partner, forwarded as signed
    for t in conn.execute(
        sa.select(tombstone.c.partner_code, tombstone.c.kind, tombstone.c.ref, tombstone.c.record)
        .where(
            tombstone.c.received_from.is_not(None),
            tombstone.c.kind.in_(tuple(RETRACTABLE)),
            tombstone.c.partner_code != out.to,
        )
        .order_by(tombstone.c.issued_at)
    ):
        if t.record is None or not origin.holds(conn, t.kind, t.partner_code, t.ref, out.to):
            continue
        if origin.forward_pending(conn, out.to, records.body_digest(t.record)):
            signed.append(t.record)
    return Collected(signed, {"retractions": withheld})


def receive(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    n = 0
    for rec in recs:
        b = records.check_shape(rec, TYPE)
        issuer = b.get("issuer")
        if issuer != inc.sender:  # forwarded: the originator's, for an item we hold from them
            table = RETRACTABLE.get(b.get("kind"))  # type: ignore[arg-type]
            held = (
                table is not None
                and inc.conn.execute(
                    sa.select(table.c.id).where(
                        table.c.partner_code == issuer, table.c.local_id == b.get("ref")
                    )
                ).first()
            )
            if not held or not isinstance(issuer, str):
                continue  # about an item we never received: nothing to retract here
            if not any(
                records.verify_by(rec, k.sign_pk, k.fingerprint)
                for k in origin.keys_of(inc, issuer)
            ):
                raise PouchRejected(
                    "bad-retraction", f"a forwarded retraction not signed by {issuer}"
                )
        else:
            if "keys" not in inc.cache:
                inc.cache["keys"] = partner_keys(inc.conn, inc.sender)
            if not any(records.verify_by(rec, k.sign_pk, k.fingerprint) for k in inc.cache["keys"]):
                raise PouchRejected("bad-retraction", "a retraction not signed by the sender")
        n += _apply(inc, b, rec, issuer)
    return {"retractions": n}


def _apply(inc: Incoming, b: dict[str, Any], rec: dict[str, Any], sender: str) -> int:
    conn = inc.conn
    kind, ref = b.get("kind"), checked_id(b.get("ref"), "a retraction")
    require(kind == "observation" or kind in RETRACTABLE, "a retraction")
    try:
        issued = parse_time(str(b["issued_at"]))
        valid = parse_time(str(b["valid_at"])) if b.get("valid_at") else None
    except (KeyError, ValueError, TypeError, OverflowError):
        raise bad("a retraction") from None
    require(kind != "observation" or valid is not None, "a retraction")
    reason = b.get("reason") if isinstance(b.get("reason"), str) else None
    sha = records.body_digest(rec)
    if conn.execute(
        sa.select(tombstone.c.id).where(
            tombstone.c.partner_code == sender, tombstone.c.record_sha256 == sha
        )
    ).first():
        return 0
    if kind == "observation":
        uid = conn.execute(
            sa.select(unit.c.id).where(unit.c.partner_code == sender, unit.c.local_id == ref)
        ).scalar()
        gone = sa.select(observation.c.retracts).where(
            observation.c.retracts.is_not(None), observation.c.unit_id == uid
        )
        targets = (
            conn.execute(
                sa.select(observation).where(
                    observation.c.unit_id == uid,
                    observation.c.valid_at == valid,
                    observation.c.retracts.is_(None),
                    observation.c.id.not_in(gone),
                )
            ).all()
            if uid
            else []
        )
        for t in targets:
            conn.execute(
                observation.insert().values(
                    id=new_id(),
                    unit_id=t.unit_id,
                    partner_code=sender,
                    valid_at=t.valid_at,
                    recorded_at=inc.now,
                    retracts=t.id,
                    notes=reason,
                    fingerprint="retract:" + t.id,
                    tlp=t.tlp,
                    rel_to=t.rel_to,
                    orcon=t.orcon,
                )
            )
    else:
        table = RETRACTABLE[kind]
        conn.execute(
            table.update()
            .where(
                table.c.partner_code == sender,
                table.c.local_id == ref,
                table.c.retracted_at.is_(None),
            )
            .values(retracted_at=issued)
        )
    conn.execute(
        tombstone.insert().values(
            id=new_id(),
            partner_code=sender,
            kind=kind,
            ref=ref,
            valid_at=valid,
            reason=reason,
            issued_at=issued,
            received_from=inc.sender,
            record=rec,
            record_sha256=sha,
        )
    )
    return 1


KIND = Kind("retractions", "items", collect, receive, signed=(TYPE,))
