"""Collection requirements (RFIs) travel between the two partners of the meeting that raised them.

Collected: every requirement between us and the recipient (issued by either) changed since the
watermark — raised, answered, closed. Deny by default: nothing goes without a release policy for
the recipient; a requirement about one of our units whose latest marking is not releasable to
them is withheld; the meeting note travels only where the policy releases notes.

Received: the issuer's own requirements are stored or brought forward (open → answered →
closed, never back); on requirements we issued, the partner may add answers from its own
observations and mark them answered, never close them. Anything else refuses the pouch.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from liaison.core.clock import iso, parse_time
from liaison.courier.kinds.base import (
    Collected,
    Incoming,
    Kind,
    Outgoing,
    checked_id,
    opt_str,
    require,
)
from liaison.courier.records import PouchRejected
from liaison.store import audit
from liaison.store.schema.rfi import requirement, requirement_answer

TYPE = "requirement"
RANK = {"open": 0, "answered": 1, "closed": 2}
KINDS = (
    "location",
    "equipment",
    "strength",
    "subordination",
    "echelon",
    "branch",
    "stale",
    "only_ours",
    "only_theirs",
    "conflict",
)
_REF = re.compile(r"^[A-Za-z0-9_-]{1,16}/RFI-\d{1,12}$")
MAX_ANSWERS = 1000


def _record(r: Any, answers: list[dict[str, Any]], notes: bool) -> dict[str, Any]:
    return {
        "type": TYPE,
        "ref": r.ref,
        "issuer": r.issuer,
        "counterpart": r.counterpart,
        "meeting": r.meeting_ref,
        "kind": r.kind,
        "question": r.question,
        "note": r.note if notes else None,
        "units": r.units,
        "due_at": iso(r.due_at),
        "collector": r.collector,
        "status": r.status,
        "created_at": iso(r.created_at),
        "closed_at": iso(r.closed_at),
        "close_note": r.close_note if notes else None,
        "answers": answers,
    }


def collect(out: Outgoing) -> Collected:
    conn, me, to = out.conn, out.me, out.to
    rows = conn.execute(
        sa.select(requirement)
        .where(
            sa.or_(
                sa.and_(requirement.c.issuer == me, requirement.c.counterpart == to),
                sa.and_(requirement.c.issuer == to, requirement.c.counterpart == me),
            ),
            out.window(requirement.c.updated_at),
        )
        .order_by(requirement.c.id)
    ).all()
    if not rows:
        return Collected([])
    if out.policy is None:
        return Collected([], {"requirements: no release policy": len(rows)})
    from liaison.orbat.picture import get_picture

    ours = {u["unit_id"] for r in rows for u in r.units if u.get("partner") == me}
    pic = get_picture(conn, me, only=ours) if ours else None
    recs: list[dict[str, Any]] = []
    withheld = 0
    for r in rows:
        mine = [u["unit_id"] for u in r.units if u.get("partner") == me]
        if pic is not None and any(
            uid not in pic.units or not out.releasable(pic.units[uid].marking) for uid in mine
        ):
            withheld += 1
            continue
        answers = [
            {
                "partner": a.partner,
                "unit_id": a.unit_id,
                "observation_id": a.observation_id,
                "valid_at": iso(a.valid_at),
                "answered_at": iso(a.answered_at),
                "note": a.note if out.release_notes else None,
            }
            for a in conn.execute(
                sa.select(requirement_answer)
                .where(requirement_answer.c.requirement_id == r.id)
                .order_by(requirement_answer.c.id)
            )
        ]
        recs.append(_record(r, answers, out.release_notes))
    return Collected(recs, {"requirements: marking": withheld} if withheld else {})


def _time(v: Any, what: str, optional: bool = False) -> datetime | None:
    if v is None and optional:
        return None
    if not isinstance(v, str) or len(v) > 40:
        raise PouchRejected("malformed", f"a requirement's {what} is not a time")
    try:
        return parse_time(v)
    except ValueError:
        raise PouchRejected("malformed", f"a requirement's {what} is not a time") from None


def _check(rec: Any, sender: str, me: str) -> dict[str, Any]:
    require(isinstance(rec, dict) and rec.get("type") == TYPE, "a requirement")
    ref = rec.get("ref")
    require(isinstance(ref, str) and _REF.match(ref), "a requirement's ref")
    issuer, counterpart = rec.get("issuer"), rec.get("counterpart")
    if {issuer, counterpart} != {sender, me} or not ref.startswith(f"{issuer}/"):
        raise PouchRejected(
            "bad-requirement", f"requirement {ref} is not between the sender and us"
        )
    require(rec.get("kind") in KINDS, "a requirement's kind")
    require(isinstance(rec.get("question"), str) and 0 < len(rec["question"]) <= 4000, "question")
    opt_str(rec.get("note"), "a requirement's note", 4000)
    opt_str(rec.get("close_note"), "a requirement's close note", 4000)
    opt_str(rec.get("meeting"), "a requirement's meeting", 100)
    units = rec.get("units")
    require(isinstance(units, list) and 0 < len(units) <= 10, "a requirement's units")
    clean_units = []
    for u in units:
        require(isinstance(u, dict) and u.get("partner") in (sender, me), "a requirement's unit")
        clean_units.append(
            {
                "partner": u["partner"],
                "unit_id": checked_id(u.get("unit_id"), "a requirement's unit"),
                "designation": opt_str(u.get("designation"), "a designation", 300) or "",
            }
        )
    require(rec.get("collector") in (sender, me, "both"), "a requirement's collector")
    require(rec.get("status") in RANK, "a requirement's status")
    answers = rec.get("answers")
    require(isinstance(answers, list) and len(answers) <= MAX_ANSWERS, "a requirement's answers")
    for a in answers:
        require(isinstance(a, dict) and a.get("partner") in (sender, me), "an answer")
        checked_id(a.get("unit_id"), "an answer's unit")
        opt_str(a.get("observation_id"), "an answer's observation", 36)
        opt_str(a.get("note"), "an answer's note", 4000)
        _time(a.get("valid_at"), "answer's valid time", optional=True)
        _time(a.get("answered_at"), "answer time")
    return {
        **rec,
        "units": clean_units,
        "due": _time(rec.get("due_at"), "due time"),
        "created": _time(rec.get("created_at"), "creation time"),
        "closed": _time(rec.get("closed_at"), "closing time", optional=True),
    }


def _receive_one(inc: Incoming, rec: Any) -> int:
    conn, sender, me = inc.conn, inc.sender, inc.me
    r = _check(rec, sender, me)
    row = conn.execute(sa.select(requirement).where(requirement.c.ref == r["ref"])).first()
    status = r["status"]
    if r["issuer"] == me:
        if row is None:
            raise PouchRejected("bad-requirement", f"{r['ref']} is ours, and we hold no such one")
        status = "answered" if status != "open" else "open"  # the partner never closes ours
    changed = 0
    if row is None:
        rid = conn.execute(
            requirement.insert().values(
                ref=r["ref"],
                issuer=r["issuer"],
                counterpart=r["counterpart"],
                meeting_ref=r.get("meeting"),
                meeting_id=None,
                discrepancy_id=None,
                kind=r["kind"],
                question=r["question"],
                note=r.get("note"),
                units=r["units"],
                due_at=r["due"],
                collector=r["collector"],
                status=status,
                created_at=r["created"],
                created_by=f"{sender} (courier)",
                updated_at=inc.now,
                closed_at=r["closed"] if status == "closed" else None,
                closed_by=sender if status == "closed" else None,
                close_note=r.get("close_note") if status == "closed" else None,
            )
        ).inserted_primary_key[0]
        changed = 1
        current = status
    else:
        rid, current = row.id, row.status
        if RANK[status] > RANK[current]:
            values: dict[str, Any] = {"status": status, "updated_at": inc.now}
            if status == "closed":
                values |= {
                    "closed_at": r["closed"],
                    "closed_by": sender,
                    "close_note": r.get("close_note"),
                }
            conn.execute(requirement.update().where(requirement.c.id == rid).values(**values))
            changed, current = 1, status
    have = {
        (a.partner, a.unit_id, a.observation_id)
        for a in conn.execute(
            sa.select(requirement_answer).where(requirement_answer.c.requirement_id == rid)
        )
    }
    new_answers = 0
    for a in r["answers"]:
        key = (a["partner"], a["unit_id"], a.get("observation_id"))
        if key in have or a["partner"] != sender:
            continue  # our own answers we hold already; the sender speaks only for itself
        conn.execute(
            requirement_answer.insert().values(
                requirement_id=rid,
                partner=a["partner"],
                unit_id=a["unit_id"],
                observation_id=a.get("observation_id"),
                valid_at=_time(a.get("valid_at"), "answer's valid time", optional=True),
                answered_at=_time(a.get("answered_at"), "answer time"),
                answered_by=f"{sender} (courier)",
                note=a.get("note"),
                recorded_at=inc.now,
            )
        )
        have.add(key)
        new_answers += 1
    if new_answers and current == "open":
        conn.execute(
            requirement.update()
            .where(requirement.c.id == rid)
            .values(status="answered", updated_at=inc.now)
        )
    if changed or new_answers:
        audit.record(
            conn,
            inc.actor,
            "requirement.received",
            r["ref"],
            {"from": sender, "status": current, "answers": new_answers},
        )
    return changed + new_answers


def receive(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    n = sum(_receive_one(inc, rec) for rec in recs)
    return {"requirements": n}


KIND = Kind("requirements", "items", collect, receive, max_records=10_000)
