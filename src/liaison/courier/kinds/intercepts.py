"""Intercepts (table `intercept`, shared with codebreaking), with their solutions.

Collected: ours, not retracted, new since the watermark or with a new solution, under the release
policy (an ORCON one only to a partner we consented to); the source codename and analyst notes
only when the policy releases them (never a compartmented source), `solved_by` becomes the
partner code; each signed by us as originator (`courier.origin`). Then the intercepts of others
we hold, passed on as their originator signed them where the originator's marking and consents
allow (`origin.relayed_items`). Received: checked end to end (`origin.check_item`), stored with
`partner_code` = the originator and `received_from` = who passed it, the signed form kept for
relay; a re-sent intercept adds only the solutions it lacked.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from liaison.core.clock import iso, parse_time
from liaison.core.ids import new_id
from liaison.core.markings import Marking
from liaison.courier import origin
from liaison.courier.kinds.base import (
    Collected,
    Incoming,
    Kind,
    Outgoing,
    bad,
    checked_id,
    marking_of,
    opt_str,
    require,
)
from liaison.store.schema.codebreak import intercept, intercept_solution
from liaison.store.schema.orbat import source


def collect(out: Outgoing) -> Collected:
    conn, now = out.conn, out.now
    sol_new = sa.select(intercept_solution.c.intercept_id).where(
        out.window(intercept_solution.c.solved_at)
    )
    q = (
        sa.select(intercept, source.c.codename, source.c.compartment)
        .select_from(intercept.outerjoin(source, source.c.id == intercept.c.source_id))
        .where(
            intercept.c.partner_code == out.me,
            intercept.c.received_from.is_(None),
            intercept.c.retracted_at.is_(None),
            intercept.c.recorded_at <= now,
        )
        .order_by(intercept.c.local_id)
    )
    if out.since is not None:
        q = q.where(sa.or_(intercept.c.recorded_at > out.since, intercept.c.id.in_(sol_new)))
    records, withheld = [], 0
    for r in conn.execute(q):
        m = marking_of(r)
        if m.orcon:  # ORCON: only where we, the originator, consented to this partner
            ok = out.releasable(Marking(m.tlp, m.rel_to)) and origin.own_orcon_ok(
                conn, "intercept", out.me, r.local_id, out.to
            )
        else:
            ok = out.releasable(m)
        if not ok:
            withheld += 1
            continue
        sols = conn.execute(
            sa.select(intercept_solution)
            .where(intercept_solution.c.intercept_id == r.id, intercept_solution.c.solved_at <= now)
            .order_by(intercept_solution.c.solved_at)
        )
        body = {
            "local_id": r.local_id,
            "intercepted_at": iso(r.intercepted_at),
            "station": r.station,
            "callsign": r.callsign,
            "frequency_khz": r.frequency_khz,
            "language": r.language,
            "cipher_hint": r.cipher_hint,
            "ciphertext": r.ciphertext,
            "marking": origin.marking_wire(m),
            "source": r.codename if out.release_sources and not r.compartment else None,
            "notes": r.notes if out.release_notes else None,
            "solutions": [
                {
                    "cipher": s.cipher,
                    "language": s.language,
                    "key": s.key,
                    "plaintext": s.plaintext,
                    "score": s.score,
                    "confidence": s.confidence,
                    "solved_at": iso(s.solved_at),
                }
                for s in sols
            ],
        }
        records.append(origin.own_item(conn, out.kp, out.to, "intercept", body, now))
    relayed, why = origin.relayed_items(
        conn, out.kp, out.policy, "intercept", intercept, out.since, now
    )
    records += relayed
    return Collected(records, {"intercepts": withheld + sum(why.values())})


def _number(v: Any, what: str) -> float | None:
    """An optional finite number (a frequency, a score)."""
    if v is None:
        return None
    try:
        x = float(v)
    except (ValueError, TypeError, OverflowError):
        raise bad(what) from None
    require(x == x and abs(x) != float("inf"), what)
    return x


def receive(inc: Incoming, records: list[Any]) -> dict[str, int]:
    conn = inc.conn
    counts = {"intercepts": 0, "solutions": 0}
    for rec in records:
        checked = origin.check_item(inc, "intercept", rec)
        it, sender, mk = checked.body, checked.originator, checked.marking
        what = f"intercept {it.get('local_id')!r:.80}"
        lid = checked_id(it.get("local_id"), what)
        ct, sols = it.get("ciphertext"), it.get("solutions") or []
        require(isinstance(ct, str) and isinstance(sols, list), what)
        try:
            at = parse_time(str(it["intercepted_at"]))
        except (KeyError, ValueError, TypeError, OverflowError):
            raise bad(what) from None
        freq = _number(it.get("frequency_khz"), what)
        row = conn.execute(
            sa.select(intercept.c.id).where(
                intercept.c.partner_code == sender, intercept.c.local_id == lid
            )
        ).first()
        if row is None:
            iid = new_id()
            conn.execute(
                intercept.insert().values(
                    id=iid,
                    partner_code=sender,
                    local_id=lid,
                    received_from=inc.sender,
                    intercepted_at=at,
                    recorded_at=inc.now,
                    station=opt_str(it.get("station"), "an intercept's station", 200),
                    callsign=opt_str(it.get("callsign"), "an intercept's callsign", 100),
                    frequency_khz=freq,
                    language=opt_str(it.get("language"), "an intercept's language", 8),
                    cipher_hint=opt_str(it.get("cipher_hint"), "an intercept's cipher hint", 40),
                    ciphertext=ct,
                    tlp=mk.tlp,
                    rel_to=",".join(mk.rel_to),
                    orcon=mk.orcon,
                    notes=opt_str(it.get("notes"), "an intercept's notes"),
                )
            )
            counts["intercepts"] += 1
            have: set[tuple[Any, Any]] = set()
        else:
            iid = row.id
            have = {
                (s.cipher, s.plaintext)
                for s in conn.execute(
                    sa.select(intercept_solution.c.cipher, intercept_solution.c.plaintext).where(
                        intercept_solution.c.intercept_id == iid
                    )
                )
            }
        for s in sols:
            what = f"a solution of intercept {lid!r}"
            require(
                isinstance(s, dict)
                and isinstance(s.get("cipher"), str)
                and isinstance(s.get("plaintext"), str),
                what,
            )
            try:
                solved = parse_time(str(s["solved_at"]))
            except (KeyError, ValueError, TypeError, OverflowError):
                raise bad(what) from None
            score = _number(s.get("score"), what)
            conf = _number(s.get("confidence"), what)
            key = (s["cipher"], s["plaintext"])
            if key in have:
                continue
            have.add(key)
            conn.execute(
                intercept_solution.insert().values(
                    id=new_id(),
                    intercept_id=iid,
                    solved_at=solved,
                    solved_by=sender,
                    cipher=s["cipher"][:40],
                    language=opt_str(s.get("language"), "a solution's language", 8),
                    key=s.get("key"),  # any JSON: a key is a word, a table, a grid
                    plaintext=s["plaintext"],
                    score=score,
                    confidence=conf,
                )
            )
            counts["solutions"] += 1
        origin.keep(inc, "intercept", checked, rec)
    return counts


KIND = Kind("intercepts", "items", collect, receive)
