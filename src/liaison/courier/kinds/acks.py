"""Acknowledgements: "we opened your pouches up to #N, whose digest is D", signed and cumulative.

Made on every open and carried in every pouch back (or posted over the network, `taxii`). The
sender checks the digest against its log before it moves its incremental cursor: the last pouch a
partner acknowledged is the *watermark* from which every kind collects what changed.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import utcnow
from liaison.courier import records
from liaison.courier.keyring import key_row, self_code
from liaison.courier.keys import KeyPair
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing
from liaison.courier.records import PouchRejected
from liaison.store import audit
from liaison.store.schema.courier import pouch_ack, pouch_log

TYPE = "ack"


def make_ack(conn: Connection, kp: KeyPair, partner: str) -> dict[str, Any] | None:
    """A signed, cumulative acknowledgement: 'we opened your pouches up to seq N (digest D)'."""
    last = conn.execute(
        sa.select(pouch_log.c.seq, pouch_log.c.digest)
        .where(pouch_log.c.direction == "in", pouch_log.c.partner_code == partner)
        .order_by(pouch_log.c.seq.desc())
        .limit(1)
    ).first()
    if last is None:
        return None
    return records.sign(
        kp,
        {"type": TYPE, "from": kp.partner, "to": partner, "seq": last.seq, "digest": last.digest},
    )


def receive_ack(conn: Connection, sender: str, rec: Any, *, actor: str = "cli") -> int | None:
    """Record a partner's signed acknowledgement of our pouches; returns the acknowledged seq."""
    b = records.check_shape(rec, TYPE)
    me = self_code(conn)
    if b.get("from") != sender or b.get("to") != me or not isinstance(b.get("seq"), int):
        raise PouchRejected("bad-ack", "an acknowledgement not from the sender to us")
    if not any(
        (k := key_row(conn, sender, s["key"])) is not None
        and k.revoked_at is None
        and records.verify_by(rec, k.sign_pk, k.fingerprint)
        for s in rec["signatures"]
    ):
        raise PouchRejected(
            "bad-ack", f"the acknowledgement is not signed by a live key of {sender}"
        )
    out = conn.execute(
        sa.select(pouch_log.c.digest).where(
            pouch_log.c.direction == "out",
            pouch_log.c.partner_code == sender,
            pouch_log.c.seq == b["seq"],
        )
    ).first()
    if out is None or out.digest != b.get("digest"):
        raise PouchRejected(
            "bad-ack", f"{sender} acknowledges pouch #{b['seq']}, which we did not send"
        )
    if conn.execute(
        sa.select(pouch_ack.c.id).where(
            pouch_ack.c.partner_code == sender, pouch_ack.c.seq == b["seq"]
        )
    ).first():
        return int(b["seq"])
    conn.execute(
        pouch_ack.insert().values(
            partner_code=sender, seq=b["seq"], digest=b["digest"], acked_at=utcnow(), record=rec
        )
    )
    audit.record(conn, actor, "pouch.ack", sender, {"seq": b["seq"]})
    return int(b["seq"])


def last_acked(conn: Connection, partner: str) -> Any:
    """Our newest pouch to `partner` that it acknowledged (the pouch_log row), or None."""
    seq = conn.execute(
        sa.select(sa.func.max(pouch_ack.c.seq)).where(pouch_ack.c.partner_code == partner)
    ).scalar()
    if seq is None:
        return None
    return conn.execute(
        sa.select(pouch_log).where(
            pouch_log.c.direction == "out",
            pouch_log.c.partner_code == partner,
            pouch_log.c.seq == seq,
        )
    ).first()


def collect(out: Outgoing) -> Collected:
    ack = make_ack(out.conn, out.kp, out.to)
    return Collected([ack] if ack else [])


def receive(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    n = sum(receive_ack(inc.conn, inc.sender, rec, actor=inc.actor) is not None for rec in recs)
    return {"acks": n}


KIND = Kind("acks", "items", collect, receive, signed=(TYPE,))
