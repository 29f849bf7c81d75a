"""The audit chain: each entry's hash covers the previous hash and its own canonical content,
so any edit or deletion inside the log breaks verification from that point on."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.store.schema.audit import audit

GENESIS = "0" * 64


def _digest(prev: str, at: str, actor: str, action: str, target: str, detail: Any) -> str:
    body = json.dumps(
        [prev, at, actor, action, target, detail],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(conn: Connection, actor: str, action: str, target: str = "", detail: Any = None) -> str:
    """Append one entry inside the caller's transaction (so it rolls back with the work it logs)."""
    detail = detail if detail is not None else {}
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE audit IN EXCLUSIVE MODE")
    last = conn.execute(sa.select(audit.c.hash).order_by(audit.c.seq.desc()).limit(1)).scalar()
    prev = last or GENESIS
    now = utcnow()
    h = _digest(prev, iso(now) or "", actor, action, target, detail)
    conn.execute(
        audit.insert().values(
            at=now, actor=actor, action=action, target=target, detail=detail, prev_hash=prev, hash=h
        )
    )
    return h


def latest_seq(conn: Connection) -> int:
    """The newest entry's number: every write is audited, so this changes with any write and
    serves as a cheap version for caches of pages that gather many kinds of records."""
    return int(conn.execute(sa.select(sa.func.max(audit.c.seq))).scalar() or 0)


@dataclass
class ChainReport:
    entries: int
    ok: bool
    broken_at: int | None = None
    reason: str = ""


def verify(conn: Connection) -> ChainReport:
    prev = GENESIS
    n = 0
    for row in conn.execute(sa.select(audit).order_by(audit.c.seq)):
        n += 1
        if row.prev_hash != prev:
            return ChainReport(
                n, False, row.seq, "previous-hash link broken (entry removed or reordered)"
            )
        expect = _digest(prev, iso(row.at) or "", row.actor, row.action, row.target, row.detail)
        if expect != row.hash:
            return ChainReport(n, False, row.seq, "entry content does not match its hash (edited)")
        prev = row.hash
    return ChainReport(n, True)


def entries(
    conn: Connection,
    *,
    limit: int = 100,
    before: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    actors: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Newest first, `limit` at a time; `before` (a seq) pages back through the log; `actors`
    keeps only entries written by those names (a partner admin's view of its own users)."""
    q = sa.select(audit).order_by(audit.c.seq.desc()).limit(max(1, min(limit, 1000)))
    if before is not None:
        q = q.where(audit.c.seq < before)
    if actor:
        q = q.where(audit.c.actor == actor)
    if action:
        q = q.where(audit.c.action.startswith(action, autoescape=True))
    if actors is not None:
        q = q.where(audit.c.actor.in_(actors))
    return [
        {
            "seq": r.seq,
            "at": iso(r.at),
            "actor": r.actor,
            "action": r.action,
            "target": r.target,
            "detail": r.detail,
            "hash": r.hash,
        }
        for r in conn.execute(q)
    ]
