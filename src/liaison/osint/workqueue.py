"""The work queue: inputs waiting to be read and extracted, taken by `liaison osint worker`
processes on one machine or many, with nothing but the database the team already runs.

A worker *claims* the oldest waiting item: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so
concurrent workers never wait on or take the same row; on SQLite (one writer at a time) a
compare-and-set UPDATE does the same job. The claim writes a fresh token and a lease and commits
at once; the work then runs outside any transaction, and its results are written in one
transaction together with the item's `done` mark, which succeeds only while the token is still
the worker's. An item whose worker died is taken again when its lease runs out; its results can
never be written twice (the token check, and documents unique by SHA-256).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ConflictError, LiaisonError
from liaison.core.ids import new_id
from liaison.osint.archive import Parsed, Stored, store_parsed
from liaison.osint.ingest import Item, check_lang
from liaison.store import audit
from liaison.store.engine import Store
from liaison.store.schema.osint import osint_queue

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Claim:
    id: str
    token: str
    partner: str
    origin: str
    source_id: str | None
    language: str
    attempts: int

    @property
    def item(self) -> Item:
        return Item(
            self.origin,
            None if self.origin.startswith(("http://", "https://")) else _path(self.origin),
        )


def _path(origin: str) -> str:
    if origin.startswith("file://"):
        from urllib.parse import unquote, urlparse

        return unquote(urlparse(origin).path)
    return origin


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(
    conn: Connection,
    partner: str,
    items: list[Item],
    *,
    source_id: str | None,
    lang: str,
    actor: str,
) -> int:
    """Queue inputs (an input already waiting or being worked on is not queued twice)."""
    check_lang(lang)
    waiting = {
        r.origin
        for r in conn.execute(
            sa.select(osint_queue.c.origin).where(
                osint_queue.c.partner_code == partner,
                osint_queue.c.status.in_(("queued", "taken")),
            )
        )
    }
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "partner_code": partner,
            "origin": it.origin,
            "source_id": source_id,
            "language": lang,
            "status": "queued",
            "attempts": 0,
            "enqueued_at": now,
            "enqueued_by": actor,
        }
        for it in items
        if it.origin not in waiting
    ]
    if rows:
        conn.execute(osint_queue.insert(), rows)
        audit.record(conn, actor, "osint.enqueue", partner, {"items": len(rows)})
    return len(rows)


def claim(conn: Connection, worker: str, lease: timedelta = LEASE) -> Claim | None:
    """Take the oldest waiting item (or one whose lease ran out); None when there is none."""
    now = utcnow()
    ready = sa.or_(
        osint_queue.c.status == "queued",
        sa.and_(osint_queue.c.status == "taken", osint_queue.c.lease_until < now),
    )
    q = sa.select(osint_queue).where(ready).order_by(osint_queue.c.enqueued_at, osint_queue.c.id)
    if conn.dialect.name == "postgresql":
        row = conn.execute(q.limit(1).with_for_update(skip_locked=True)).first()
        candidates = [row] if row is not None else []
    else:
        candidates = list(conn.execute(q.limit(8)))
    for row in candidates:
        token = new_id()
        res = conn.execute(
            osint_queue.update()
            .where(osint_queue.c.id == row.id, osint_queue.c.status == row.status)
            .where(
                osint_queue.c.token == row.token
                if row.token is not None
                else osint_queue.c.token.is_(None)
            )
            .values(
                status="taken",
                token=token,
                taken_by=worker[:200],
                taken_at=now,
                lease_until=now + lease,
                attempts=row.attempts + 1,
            )
        )
        if res.rowcount == 1:
            return Claim(
                row.id,
                token,
                row.partner_code,
                row.origin,
                row.source_id,
                row.language,
                row.attempts + 1,
            )
    return None


def complete(conn: Connection, c: Claim, parsed: Parsed, actor: str) -> Stored:
    """Write the item's results and mark it done — only while the claim is still ours."""
    res = conn.execute(
        osint_queue.update()
        .where(osint_queue.c.id == c.id, osint_queue.c.token == c.token)
        .values(status="done", finished_at=utcnow(), error=None)
    )
    if res.rowcount != 1:
        raise ConflictError(f"queue item {c.id} was taken over by another worker; results dropped")
    stored = store_parsed(conn, c.partner, parsed, source_id=c.source_id, actor=actor)
    conn.execute(
        osint_queue.update().where(osint_queue.c.id == c.id).values(documents=len(stored.documents))
    )
    return stored


def fail(conn: Connection, c: Claim, error: str, *, final: bool, actor: str = "worker") -> None:
    """Record a failure: bad input is final; anything else is retried up to MAX_ATTEMPTS."""
    again = not final and c.attempts < MAX_ATTEMPTS
    audit.record(
        conn,
        actor,
        "osint.queue.retry" if again else "osint.queue.failed",
        c.origin[:500],
        {"item": c.id, "attempt": c.attempts, "error": error[:1000]},
    )
    conn.execute(
        osint_queue.update()
        .where(osint_queue.c.id == c.id, osint_queue.c.token == c.token)
        .values(
            status="queued" if again else "failed",
            token=None,
            lease_until=None,
            error=error[:4000],
            finished_at=None if again else utcnow(),
        )
    )


def status(conn: Connection, partners: list[str] | None = None) -> dict[str, Any]:
    q = sa.select(osint_queue.c.status, sa.func.count()).group_by(osint_queue.c.status)
    if partners is not None:
        q = q.where(osint_queue.c.partner_code.in_(partners))
    counts = {s: 0 for s in ("queued", "taken", "done", "failed")}
    counts.update({r[0]: r[1] for r in conn.execute(q)})
    fq = (
        sa.select(osint_queue.c.origin, osint_queue.c.error, osint_queue.c.finished_at)
        .where(osint_queue.c.status == "failed")
        .order_by(osint_queue.c.finished_at.desc())
        .limit(20)
    )
    if partners is not None:
        fq = fq.where(osint_queue.c.partner_code.in_(partners))
    failed = [
        {"origin": r.origin, "error": r.error, "at": iso(r.finished_at)} for r in conn.execute(fq)
    ]
    return {"counts": counts, "failed": failed}


@dataclass
class WorkerReport:
    worker: str
    items: int = 0
    documents: int = 0
    mentions: int = 0
    failed: int = 0
    compiled: list[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def run_worker(
    store: Store,
    *,
    name: str | None = None,
    actor: str = "worker",
    drain: bool = True,
    max_items: int | None = None,
    poll_seconds: float = 2.0,
    compile_after: bool = True,
    lease: timedelta = LEASE,
    on_item: Callable[[Claim, Stored | None, str | None], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> WorkerReport:
    """Take items until the queue is empty (`drain`) or forever, polling; then compile the
    partners it wrote for. Safe to run several at once (see the module docstring)."""
    from liaison.osint.ingest import dictionary_for, held, process

    me = name or worker_name()
    rep = WorkerReport(me)
    dictionaries: dict[str, Any] = {}
    touched: set[str] = set()
    while not should_stop() and (max_items is None or rep.items < max_items):
        with store.begin() as conn:
            c = claim(conn, me, lease)
        if c is None:
            if drain:
                break
            time.sleep(poll_seconds)
            continue
        rep.items += 1
        if c.partner not in dictionaries:
            dictionaries[c.partner] = dictionary_for(store, c.partner)
        error: str | None = None
        final = True
        stored: Stored | None = None
        try:
            if held(store, [c.item]):  # its bytes are a document already held: nothing to add
                parsed = Parsed(c.origin, [], [], {}, utcnow())
            else:
                parsed = process(c.item, c.language, dictionaries[c.partner])
            with store.begin() as conn:
                stored = complete(conn, c, parsed, actor)
            rep.documents += len(stored.documents)
            rep.mentions += stored.mentions
            if stored.documents:
                touched.add(c.partner)
        except ConflictError as exc:
            error = str(exc)
            rep.failed += 1
            stored = None
            if on_item:
                on_item(c, None, error)
            continue  # the item is someone else's now
        except LiaisonError as exc:
            error = str(exc)
        except Exception as exc:  # a parser crash on hostile input: retried, then failed
            error, final = f"{c.origin}: {type(exc).__name__}: {exc}", False
        if error is not None:
            rep.failed += 1
            with store.begin() as conn:
                fail(conn, c, error, final=final, actor=actor)
        if on_item:
            on_item(c, stored, error)
    if compile_after and touched:
        from liaison.osint.compile import compile_partner

        rep.compiled = sorted(touched)
        for partner in rep.compiled:
            with store.begin() as conn:
                compile_partner(conn, partner, actor=actor)
    return rep
