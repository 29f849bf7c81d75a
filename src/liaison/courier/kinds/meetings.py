"""Meetings both sides hold: the opening, the guest's answer, positions, the close, signatures.

Collected for partner `to`, each when it changed since the watermark (a pouch not acknowledged
carries it again; receiving is idempotent):
- `open`  — a meeting we host with `to`: its inputs (pouch numbers, picture digests, crosswalk,
  the previous meeting, the queue's digest), for `to` to recompute the queue;
- `joined` — our answer to a meeting `to` hosts: whether our recomputation matched, and if not why;
- `positions` — our positions on items, in partner codes, as analysts take them;
- `close` — a meeting we host was closed: when, by whom, the digest of both sides' positions;
- `agreed-signature` — our signature over our own computation of the agreed picture (signed
  when sealing, like the outcomes); the receiver verifies it over ITS computation.
The pouch's signature covers all of them; the agreed-picture signature outlives it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from liaison.core.clock import iso, parse_time
from liaison.core.errors import LiaisonError
from liaison.courier import meetings as cm
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing, opt_str, require
from liaison.reconcile import joint
from liaison.reconcile import meeting as mt
from liaison.store import audit
from liaison.store.schema.reconcile import agreed_signature, discrepancy, meeting

MAX_POSITIONS = 200_000


def collect(out: Outgoing) -> Collected:
    conn, me, to = out.conn, out.me, out.to
    recs: list[dict[str, Any]] = []
    between = sa.and_(meeting.c.ours_partner == me, meeting.c.theirs_partner == to)
    for m in conn.execute(
        sa.select(meeting)
        .where(between, meeting.c.host == me, meeting.c.shared.is_not(None))
        .where(out.window(meeting.c.snapshot_at))
        .order_by(meeting.c.id)
    ):
        recs.append(
            {
                "type": "open",
                "ref": m.ref,
                "host": me,
                "guest": to,
                "opened_by": m.opened_by,
                **{k: v for k, v in (m.inputs or {}).items()},
            }
        )
    for m in conn.execute(
        sa.select(meeting)
        .where(between, meeting.c.host == to, out.window(meeting.c.joined_at))
        .order_by(meeting.c.id)
    ):
        recs.append(
            {"type": "joined", "ref": m.ref, "ok": m.shared == "joined", "note": m.share_note}
        )
    shared = sa.select(meeting.c.id).where(
        between, meeting.c.ref.is_not(None), meeting.c.shared.in_(("sent", "joined"))
    )
    pos: dict[int, list[dict[str, Any]]] = {}
    for r in conn.execute(
        sa.select(discrepancy)
        .where(
            discrepancy.c.meeting_id.in_(shared),
            discrepancy.c.settled.is_(sa.false()),
            discrepancy.c.resolution.is_not(None),
            out.window(discrepancy.c.resolved_at),
        )
        .order_by(discrepancy.c.id)
    ):
        pos.setdefault(r.meeting_id, []).append(
            {
                "key": r.shared_key,
                "position": joint.to_code(r.resolution, me, to),
                "comment": r.comment,
                "by": r.resolved_by,
                "at": iso(r.resolved_at),
            }
        )
    refs = {
        r.id: r.ref
        for r in conn.execute(
            sa.select(meeting.c.id, meeting.c.ref).where(meeting.c.id.in_(list(pos)))
        )
    }
    for mid, items in sorted(pos.items()):
        recs.append({"type": "positions", "ref": refs[mid], "positions": items})
    for m in conn.execute(
        sa.select(meeting)
        .where(between, meeting.c.host == me, meeting.c.shared == "joined")
        .where(meeting.c.status == "closed", out.window(meeting.c.closed_at))
        .order_by(meeting.c.id)
    ):
        recs.append(
            {
                "type": "close",
                "ref": m.ref,
                "closed_at": iso(m.closed_at),
                "closed_by": m.closed_by,
                "positions_digest": mt.positions_digest(conn, m),
                "agreed_digest": m.agreed_digest,
            }
        )
    closed = list(
        conn.execute(
            sa.select(meeting).where(
                between,
                meeting.c.shared == "joined",
                meeting.c.status == "closed",
                meeting.c.agreed_digest.is_not(None),
            )
        )
    )
    for m in closed:
        cm.sign_own(out.conn, out.kp, m, out.now)
    ids = {m.id: m.ref for m in closed}
    if ids:
        for s in conn.execute(
            sa.select(agreed_signature)
            .where(
                agreed_signature.c.meeting_id.in_(list(ids)),
                agreed_signature.c.partner_code == me,
                out.window(agreed_signature.c.recorded_at),
            )
            .order_by(agreed_signature.c.id)
        ):
            recs.append(
                {
                    "type": "agreed-signature",
                    "ref": ids[s.meeting_id],
                    "partner": me,
                    "key": s.key_fingerprint,
                    "sig": s.signature,
                }
            )
    return Collected(recs)


def _meeting(inc: Incoming, ref: Any) -> Any:
    """Our meeting `ref` held with the sender, or None."""
    if not isinstance(ref, str) or len(ref) > 40:
        require(False, "a meeting record's ref")
    return inc.conn.execute(
        sa.select(meeting).where(meeting.c.ref == ref, meeting.c.theirs_partner == inc.sender)
    ).first()


def receive(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    counts = {"meetings": 0, "positions": 0, "agreed_signatures": 0}
    for rec in recs:
        require(isinstance(rec, dict) and isinstance(rec.get("type"), str), "a meeting record")
        t = rec["type"]
        handler = _HANDLERS.get(t)
        require(handler is not None, "a meeting record's type")
        for k, n in handler(inc, rec).items():  # type: ignore[misc]
            counts[k] = counts.get(k, 0) + n
    return counts


def _open(inc: Incoming, rec: dict[str, Any]) -> dict[str, int]:
    ref = rec.get("ref")
    require(
        rec.get("host") == inc.sender
        and rec.get("guest") == inc.me
        and isinstance(ref, str)
        and ref.startswith(f"{inc.sender}/"),
        "a meeting opening",
    )
    if _meeting(inc, ref) is not None:
        return {}
    for k in ("host_seq", "guest_seq"):
        require(isinstance(rec.get(k), int) and rec[k] >= 0, f"a meeting opening's {k}")
    require(isinstance(rec.get("digests"), dict), "a meeting opening's digests")
    xw = rec.get("crosswalk") or {}
    require(isinstance(xw, dict), "a meeting opening's crosswalk")
    for k in ("confirmed", "rejected"):
        pairs = xw.get(k, [])
        require(
            isinstance(pairs, list)
            and all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
                for p in pairs
            ),
            "a meeting opening's crosswalk",
        )
    if rec.get("as_of") is not None:
        try:
            parse_time(str(rec["as_of"]))
        except (ValueError, OverflowError):
            require(False, "a meeting opening's as_of")
    clean = {k: rec.get(k) for k in (*_OPEN_FIELDS,)}
    conn = inc.conn
    as_of = parse_time(rec["as_of"]) if rec.get("as_of") else None
    try:
        hp = cm.received_picture(conn, inc.sender, rec["host_seq"], as_of)
        gp = cm.released_picture(conn, inc.me, inc.sender, rec["guest_seq"], as_of)
    except LiaisonError as exc:
        from liaison.orbat.model import Picture

        hp, gp = Picture(inc.sender, {}), Picture(inc.me, {})
        clean["inputs_error"] = str(exc)
        audit.record(conn, inc.actor, "meeting.inputs", ref, {"error": str(exc)})
    mt.join_meeting(conn, clean, hp, gp, actor=inc.actor)
    return {"meetings": 1}


_OPEN_FIELDS = (
    "ref",
    "host",
    "guest",
    "opened_by",
    "host_seq",
    "guest_seq",
    "as_of",
    "digests",
    "crosswalk",
    "previous",
    "queue_digest",
    "items",
)


def _joined(inc: Incoming, rec: dict[str, Any]) -> dict[str, int]:
    m = _meeting(inc, rec.get("ref"))
    if m is None or m.host != inc.me or m.joined_at is not None:
        return {}
    ok = rec.get("ok") is True
    note = opt_str(rec.get("note"), "a meeting answer's note", 2000)
    inc.conn.execute(
        meeting.update()
        .where(meeting.c.id == m.id)
        .values(
            shared="joined" if ok and m.status == "open" else "mismatch" if not ok else m.shared,
            share_note=None if ok else f"{inc.sender}: {note}",
            joined_at=inc.now,
        )
    )
    audit.record(inc.conn, inc.actor, "meeting.joined", m.ref, {"ok": ok, "note": note})
    return {"meetings": 1}


def _positions(inc: Incoming, rec: dict[str, Any]) -> dict[str, int]:
    m = _meeting(inc, rec.get("ref"))
    items = rec.get("positions")
    require(isinstance(items, list) and len(items) <= MAX_POSITIONS, "a positions record")
    if m is None or m.status != "open" or m.shared not in ("joined", "sent"):
        return {}  # a meeting we hold no queue of (mismatch) or no longer work: nothing to apply
    n = 0
    unknown = 0
    for p in items:
        require(isinstance(p, dict) and isinstance(p.get("key"), str), "a position")
        pos = joint.from_code(p.get("position"), inc.me, inc.sender)
        require(pos is not None, "a position's value")
        try:
            at = parse_time(str(p.get("at")))
        except (ValueError, OverflowError):
            require(False, "a position's time")
        comment = opt_str(p.get("comment"), "a position's comment", 4000)
        by = opt_str(p.get("by"), "a position's author", 200) or "?"
        try:
            n += mt.record_partner_position(
                inc.conn, m.id, p["key"][:450], pos, comment, f"{inc.sender}:{by}", at
            )
        except LiaisonError:
            unknown += 1  # an item our queue does not have: kept out, counted in the audit
    if n or unknown:
        audit.record(
            inc.conn, inc.actor, "meeting.positions", m.ref, {"positions": n, "unknown": unknown}
        )
    return {"positions": n}


def _close(inc: Incoming, rec: dict[str, Any]) -> dict[str, int]:
    m = _meeting(inc, rec.get("ref"))
    if m is None or m.host != inc.sender or m.status != "open":
        return {}
    try:
        closed_at = parse_time(str(rec.get("closed_at")))
    except (ValueError, OverflowError):
        require(False, "a meeting close's time")
    conn = inc.conn
    mine = mt.positions_digest(conn, m)
    if m.shared != "joined" or mine != rec.get("positions_digest"):
        why = (
            f"{inc.sender} closed it over positions that differ from the ones we hold"
            if m.shared == "joined"
            else f"{inc.sender} closed it; our queue did not match theirs"
        )
        conn.execute(
            meeting.update()
            .where(meeting.c.id == m.id)
            .values(status="closed", closed_at=closed_at, closed_by=inc.sender, share_note=why)
        )
        audit.record(conn, inc.actor, "meeting.close", m.ref, {"note": why})
        return {"meetings": 1}
    by = opt_str(rec.get("closed_by"), "a meeting close's author", 200) or inc.sender
    mt.close_joint(conn, m, cm.pictures_of(conn, m), actor=by, closed_at=closed_at)
    return {"meetings": 1}


def _signature(inc: Incoming, rec: dict[str, Any]) -> dict[str, int]:
    m = _meeting(inc, rec.get("ref"))
    fp, sig = rec.get("key"), rec.get("sig")
    require(
        rec.get("partner") == inc.sender and isinstance(fp, str) and isinstance(sig, str),
        "an agreed-picture signature",
    )
    if (
        m is None
        or inc.conn.execute(
            sa.select(agreed_signature.c.id).where(
                agreed_signature.c.meeting_id == m.id,
                agreed_signature.c.partner_code == inc.sender,
                agreed_signature.c.signature == sig[:128],
            )
        ).first()
    ):
        return {}
    cm.record_signature(inc.conn, m, inc.sender, fp, sig, actor=inc.actor)
    return {"agreed_signatures": 1}


_HANDLERS = {
    "open": _open,
    "joined": _joined,
    "positions": _positions,
    "close": _close,
    "agreed-signature": _signature,
}

KIND = Kind("meetings", "items", collect, receive, max_records=10_000)
