"""Coalition meetings (issue 23): what every participant sends every other, directly.

Collected for partner `to`, for each coalition meeting both we and `to` take part in, each when it
changed since the watermark (receiving is idempotent):
- `input` — our own picture as contributed to the meeting, with the meeting's header (ref, host,
  participants, as_of), so the first record `to` receives of a meeting lets it join;
- `positions` — our positions on items, as analysts take them;
- `close` — a meeting we host was closed: when, by whom, the queue's and positions' digests;
- `agreed-signature` — our signature over our own computation of the agreed picture (signed when
  sealing); every receiver verifies it over ITS computation.
A record about a participant's picture or positions is only ever taken from that participant.
"""

from __future__ import annotations

from datetime import datetime
from numbers import Real
from typing import Any

import sqlalchemy as sa

from liaison.core.clock import iso, parse_time
from liaison.core.errors import LiaisonError
from liaison.courier import coalition_meetings as ccm
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing, opt_str, require
from liaison.reconcile import coalition_meeting as co
from liaison.store import audit
from liaison.store.schema.coalition import (
    coalition_agreed,
    coalition_input,
    coalition_meeting,
    coalition_position,
    coalition_signature,
)

MAX_UNITS = 200_000
MAX_POSITIONS = 200_000


def collect(out: Outgoing) -> Collected:
    conn, me, to = out.conn, out.me, out.to
    recs: list[dict[str, Any]] = []
    ours = [
        m
        for m in conn.execute(sa.select(coalition_meeting).order_by(coalition_meeting.c.id))
        if me in (m.participants or []) and to in (m.participants or [])
    ]
    for m in ours:
        for r in conn.execute(
            sa.select(coalition_input).where(
                coalition_input.c.meeting_id == m.id,
                coalition_input.c.partner_code == me,
                out.window(coalition_input.c.recorded_at),
            )
        ):
            recs.append(
                {
                    "type": "input",
                    **co.header(m),
                    "partner": me,
                    "units": r.units,
                    "digest": r.digest,
                }
            )
        pos = [
            {
                "key": r.key,
                "position": r.position,
                "comment": r.comment,
                "by": r.by,
                "at": iso(r.at),
            }
            for r in conn.execute(
                sa.select(coalition_position)
                .where(
                    coalition_position.c.meeting_id == m.id,
                    coalition_position.c.partner_code == me,
                    out.window(coalition_position.c.recorded_at),
                )
                .order_by(coalition_position.c.id)
            )
        ]
        if pos:
            recs.append({"type": "positions", "ref": m.ref, "positions": pos})
        if m.host == me and m.status == "closed" and _in_window(out, m.closed_at):
            recs.append(
                {
                    "type": "close",
                    "ref": m.ref,
                    "closed_at": iso(m.closed_at),
                    "closed_by": m.closed_by,
                    "queue_digest": m.queue_digest,
                    "positions_digest": m.positions_digest,
                }
            )
        if (
            m.status == "closed"
            and conn.execute(
                sa.select(coalition_agreed.c.meeting_id).where(
                    coalition_agreed.c.meeting_id == m.id
                )
            ).first()
        ):
            ccm.sign_own(conn, out.kp, m, out.now)
        for s in conn.execute(
            sa.select(coalition_signature).where(
                coalition_signature.c.meeting_id == m.id,
                coalition_signature.c.partner_code == me,
                out.window(coalition_signature.c.recorded_at),
            )
        ):
            recs.append(
                {
                    "type": "agreed-signature",
                    "ref": m.ref,
                    "partner": me,
                    "key": s.key_fingerprint,
                    "sig": s.signature,
                }
            )
    return Collected(recs)


def _in_window(out: Outgoing, at: datetime | None) -> bool:
    return at is not None and at <= out.now and (out.since is None or at > out.since)


def receive(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    counts = {"coalition_meetings": 0, "coalition_positions": 0, "coalition_signatures": 0}
    touched: set[int] = set()
    for rec in recs:
        require(isinstance(rec, dict) and isinstance(rec.get("type"), str), "a coalition record")
        handler = _HANDLERS.get(rec["type"])
        require(handler is not None, "a coalition record's type")
        got, mid = handler(inc, rec)  # type: ignore[misc]
        if mid is not None:
            touched.add(mid)
        for k, n in got.items():
            counts[k] = counts.get(k, 0) + n
    for mid in sorted(touched):
        ccm.advance(inc.conn, co.get(inc.conn, mid), actor=inc.actor, now=inc.now)
    return {k: n for k, n in counts.items() if n}


def _meeting(inc: Incoming, ref: Any, what: str) -> Any:
    """Our coalition meeting `ref` if the sender takes part in it; None (audited) otherwise."""
    require(isinstance(ref, str) and 0 < len(ref) <= 40, f"a coalition {what}'s ref")
    m = inc.conn.execute(sa.select(coalition_meeting).where(coalition_meeting.c.ref == ref)).first()
    if m is not None and inc.sender not in m.participants:
        audit.record(
            inc.conn,
            inc.actor,
            "coalition.refuse",
            ref,
            {"from": inc.sender, "reason": f"{inc.sender} is not a participant", "record": what},
        )
        return None
    return m


def _check_unit(r: Any) -> None:
    require(isinstance(r, dict) and set(r) == set(ccm.FIELDS), "a coalition input's unit")
    require(isinstance(r["unit_id"], str) and 0 < len(r["unit_id"]) <= 200, "a unit's id")
    require(isinstance(r["designation"], str) and len(r["designation"]) <= 500, "a designation")
    for f in ("echelon", "branch", "parent_id", "sidc", "place", "source_reliability"):
        opt_str(r[f], f"a unit's {f}", 500)
    for f in ("lat", "lon"):
        v = r[f]
        require(v is None or (isinstance(v, Real) and not isinstance(v, bool)), f"a unit's {f}")
    for f in ("strength", "info_credibility"):
        require(r[f] is None or (isinstance(r[f], int) and not isinstance(r[f], bool)), f)
    eq = r["equipment"]
    require(
        eq is None
        or (
            isinstance(eq, dict)
            and all(isinstance(k, str) and isinstance(n, int) for k, n in eq.items())
        ),
        "a unit's equipment",
    )
    if r["observed_at"] is not None:
        try:
            parse_time(str(r["observed_at"]))
        except (ValueError, OverflowError):
            require(False, "a unit's observed_at")


def _input(inc: Incoming, rec: dict[str, Any]) -> tuple[dict[str, int], int | None]:
    parts, host, ref = rec.get("participants"), rec.get("host"), rec.get("ref")
    require(
        rec.get("partner") == inc.sender
        and isinstance(host, str)
        and isinstance(ref, str)
        and 0 < len(ref) <= 40
        and ref.startswith(f"{host}/")
        and isinstance(parts, list)
        and inc.sender in parts
        and inc.me in parts,
        "a coalition input",
    )
    try:
        co.check_participants(str(host), parts)
        for k in ("as_of", "opened_at"):
            if rec.get(k) is not None or k == "opened_at":
                parse_time(str(rec.get(k)))
    except (LiaisonError, ValueError, OverflowError):
        require(False, "a coalition input's header")
    units = rec.get("units")
    require(isinstance(units, list) and len(units) <= MAX_UNITS, "a coalition input's units")
    for r in units:
        _check_unit(r)
    require(ccm.input_digest(units) == rec.get("digest"), "a coalition input's digest")
    m, why = ccm.join(inc.conn, rec, inc.sender, inc.me, actor=inc.actor, now=inc.now)
    if m is None:
        audit.record(inc.conn, inc.actor, "coalition.refuse", ref, {"reason": why})
        return {}, None
    why = co.add_input(inc.conn, m, inc.sender, units, rec["digest"], inc.now)
    if why:
        audit.record(inc.conn, inc.actor, "coalition.refuse", ref, {"reason": why})
    return {"coalition_meetings": 1}, m.id


def _positions(inc: Incoming, rec: dict[str, Any]) -> tuple[dict[str, int], int | None]:
    items = rec.get("positions")
    require(isinstance(items, list) and len(items) <= MAX_POSITIONS, "a coalition positions record")
    m = _meeting(inc, rec.get("ref"), "positions record")
    if m is None or m.status != "open" or m.closed_by is not None:
        return {}, None
    n = 0
    for p in items:
        require(
            isinstance(p, dict) and isinstance(p.get("key"), str) and len(p["key"]) <= 450,
            "a coalition position",
        )
        require(p.get("position") in (*m.participants, *co.OTHER_POSITIONS), "a position's value")
        try:
            at = parse_time(str(p.get("at")))
        except (ValueError, OverflowError):
            require(False, "a position's time")
        comment = opt_str(p.get("comment"), "a position's comment", 4000)
        by = opt_str(p.get("by"), "a position's author", 180) or "?"
        n += co.set_position(
            inc.conn,
            m,
            p["key"],
            inc.sender,
            p["position"],
            comment=comment,
            by=f"{inc.sender}:{by}",
            at=at,
            now=inc.now,
        )
    if n:
        audit.record(
            inc.conn, inc.actor, "coalition.positions", m.ref, {"from": inc.sender, "n": n}
        )
    return {"coalition_positions": n}, m.id


def _close(inc: Incoming, rec: dict[str, Any]) -> tuple[dict[str, int], int | None]:
    m = _meeting(inc, rec.get("ref"), "close")
    if m is None or m.host != inc.sender or m.status != "open" or m.closed_by is not None:
        return {}, None
    try:
        closed_at = parse_time(str(rec.get("closed_at")))
    except (ValueError, OverflowError):
        require(False, "a coalition close's time")
    qd, pd = rec.get("queue_digest"), rec.get("positions_digest")
    require(isinstance(qd, str) and isinstance(pd, str), "a coalition close's digests")
    by = opt_str(rec.get("closed_by"), "a coalition close's author", 180) or inc.sender
    values: dict[str, Any] = {
        "closed_at": closed_at,
        "closed_by": f"{inc.sender}:{by}",
        "positions_digest": pd,
    }
    if m.queue_digest is not None and m.queue_digest != qd:
        values |= {
            "status": "closed",
            "note": f"{inc.sender} closed it over a queue that differs from the one we computed",
        }
    inc.conn.execute(
        coalition_meeting.update().where(coalition_meeting.c.id == m.id).values(**values)
    )
    audit.record(inc.conn, inc.actor, "coalition.close", m.ref, {"from": inc.sender})
    return {"coalition_meetings": 1}, m.id


def _signature(inc: Incoming, rec: dict[str, Any]) -> tuple[dict[str, int], int | None]:
    fp, sig = rec.get("key"), rec.get("sig")
    require(
        rec.get("partner") == inc.sender and isinstance(fp, str) and isinstance(sig, str),
        "a coalition agreed-picture signature",
    )
    ref = rec.get("ref")
    require(isinstance(ref, str) and 0 < len(ref) <= 40, "a coalition signature's ref")
    m = inc.conn.execute(sa.select(coalition_meeting).where(coalition_meeting.c.ref == ref)).first()
    if (
        m is None
        or inc.conn.execute(
            sa.select(coalition_signature.c.id).where(
                coalition_signature.c.meeting_id == m.id,
                coalition_signature.c.partner_code == inc.sender,
                coalition_signature.c.signature == sig[:128],
            )
        ).first()
    ):
        return {}, None
    ccm.record_signature(inc.conn, m, inc.sender, fp, sig, actor=inc.actor)
    return {"coalition_signatures": 1}, None


_HANDLERS = {
    "input": _input,
    "positions": _positions,
    "close": _close,
    "agreed-signature": _signature,
}

KIND = Kind("coalition_meetings", "items", collect, receive, max_records=10_000)
