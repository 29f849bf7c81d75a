"""The meeting held in the store: open (snapshot and reconcile), resolve, pair, close.

A meeting's pictures are the two partners' pictures as of `as_of` (valid time) as known at
`snapshot_at` (recorded time): reproducible later from the append-only store. Analysts' pairing
decisions go into the crosswalk (append-only, reversible) and every later meeting uses them.
Closing makes the agreed picture — every fact with the partner, unit, source and grading it came
from — and the minutes.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.orbat import picture_cache
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.partners import get_partner, get_self
from liaison.orbat.picture import changed_since, get_picture
from liaison.reconcile import designations, joint
from liaison.reconcile.match import Result, reconcile
from liaison.reconcile.requirements import raise_for_discrepancy
from liaison.store import audit
from liaison.store.raw import driver_rows
from liaison.store.schema.orbat import observation, unit
from liaison.store.schema.reconcile import (
    agreed_document,
    agreed_unit,
    collection_requirement,
    crosswalk,
    discrepancy,
    meeting,
    meeting_match,
)
from liaison.store.schema.sources import burned_item

RESOLUTIONS = ("ours", "theirs", "neither", "defer")
#: The discrepancy rules' version, kept in each meeting's summary: a meeting carries the last
#: one's discrepancies only if they were computed by the same rules (bump it when `match`'s
#: discrepancy rules or tolerances change).
RULES = 1


@dataclass
class MeetingInfo:
    id: int
    ours: str
    theirs: str
    as_of: datetime | None
    snapshot_at: datetime
    status: str
    summary: dict[str, Any]
    open_discrepancies: int
    ref: str | None = None
    shared: str | None = None
    share_note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ours": self.ours,
            "theirs": self.theirs,
            "as_of": iso(self.as_of),
            "snapshot_at": iso(self.snapshot_at),
            "status": self.status,
            "summary": self.summary,
            "open_discrepancies": self.open_discrepancies,
            "ref": self.ref,
            "shared": self.shared,
            "share_note": self.share_note,
        }


def decisions(
    conn: Connection, ours: str, theirs: str
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Confirmed and rejected pairs in force (the latest decision per pair)."""
    rows = conn.execute(
        sa.select(crosswalk)
        .where(crosswalk.c.ours_partner == ours, crosswalk.c.theirs_partner == theirs)
        .order_by(crosswalk.c.id)
    )
    state: dict[tuple[str, str], str] = {}
    for r in rows:
        state[(r.ours_unit, r.theirs_unit)] = r.status
    return (
        {p for p, s in state.items() if s == "confirmed"},
        {p for p, s in state.items() if s == "rejected"},
    )


def decide_pair(
    conn: Connection,
    ours: str,
    theirs: str,
    ours_unit: str,
    theirs_unit: str,
    status: str,
    *,
    actor: str = "cli",
    comment: str | None = None,
) -> None:
    """Confirm, reject or withdraw a pairing; nothing is overwritten, the latest decision wins."""
    if status not in ("confirmed", "rejected", "withdrawn"):
        raise ValidationError("a pairing decision is confirmed, rejected or withdrawn")
    pic_o = get_picture(conn, ours)
    pic_t = get_picture(conn, theirs)
    if ours_unit not in pic_o.units:
        raise NotFoundError(f"no unit {ours_unit!r} in {ours}'s picture")
    if theirs_unit not in pic_t.units:
        raise NotFoundError(f"no unit {theirs_unit!r} in {theirs}'s picture")
    conn.execute(
        crosswalk.insert().values(
            ours_partner=ours,
            ours_unit=ours_unit,
            theirs_partner=theirs,
            theirs_unit=theirs_unit,
            status=status,
            decided_by=actor,
            decided_at=utcnow(),
            comment=comment,
        )
    )
    audit.record(
        conn,
        actor,
        f"crosswalk.{status}",
        f"{ours}/{ours_unit}~{theirs}/{theirs_unit}",
        {"comment": comment},
    )


def _ours_code(conn: Connection) -> str:
    me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves (liaison partner add CODE --self)")
    return me.code


def pictures_for(
    conn: Connection, ours: str, theirs: str, as_of: datetime | None, snapshot_at: datetime | None
) -> tuple[Picture, Picture]:
    """Both pictures of a meeting, kept between meetings in this process (`picture_cache`): a
    picture that has not changed since is not read again, one that has is read for its changed
    units only."""
    return picture_cache.picture(conn, ours, as_of, snapshot_at), picture_cache.picture(
        conn, theirs, as_of, snapshot_at
    )


@contextmanager
def _bulk() -> Iterator[None]:
    """No cyclic garbage collection while a meeting is computed: it makes some hundred thousand
    short-lived objects (none in cycles, refcounting frees them), and each full collection
    walks every object of the process, the kept pictures included — a fifth of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def open_meeting(
    conn: Connection,
    with_partner: str,
    *,
    as_of: datetime | None = None,
    actor: str = "cli",
    pictures: tuple[Picture, Picture] | None = None,
    shared: dict[str, Any] | None = None,
    incremental: bool = True,
) -> tuple[int, Result]:
    """Open a meeting: reconcile both pictures and start from the last meeting (memory).

    A meeting one side holds starts its work from the last one (`incremental`): the matches of
    unchanged units are kept and the discrepancies carried where nothing they depend on
    changed. `incremental=False` recomputes everything (the same queue, slower).

    `pictures` and `shared` come from `courier.meetings.open_shared`, which opens a meeting the
    partner takes part in: the pictures are then the ones each side released to the other, and
    `shared` the inputs the partner needs to recompute the queue (pouch numbers, digests)."""
    ours = _ours_code(conn)
    theirs = get_partner(conn, with_partner).code
    if theirs == ours:
        raise ValidationError("a meeting is held with another partner, not with ourselves")
    if conn.execute(
        sa.select(meeting.c.id).where(
            meeting.c.status == "open", meeting.c.theirs_partner == theirs
        )
    ).first():
        raise ConflictError(f"a meeting with {theirs} is already open (liaison meet show / close)")
    snap = utcnow()
    with _bulk():
        po, pt = pictures or pictures_for(conn, ours, theirs, as_of, snap)
        if pictures is None and as_of is None:
            # a picture read in full is kept in the store: the next process starts from it
            for code in (ours, theirs):
                picture_cache.save(conn, code)
        # a new process reads the designations' parses instead of parsing them all again
        designations.prime(conn, {u.designation or "" for p in (po, pt) for u in p.units.values()})
    confirmed, rejected = decisions(conn, ours, theirs)
    prev = last_closed(conn, theirs, shared=shared is not None)
    keep = changed = None
    before: dict[tuple[str, str], tuple[float, bool]] | None = None
    carry = False
    if (
        incremental
        and shared is None
        and pictures is None
        and prev is not None
        and prev.as_of == as_of
    ):
        # one side's meeting: start the match from the last one (only what changed is searched);
        # a meeting both sides hold runs the whole match, which the partner can reproduce
        mm = meeting_match.c
        before = {
            (o, t): (float(score), bool(confirmed))
            for o, t, score, confirmed in driver_rows(
                conn,
                sa.select(mm.ours_unit, mm.theirs_unit, mm.score, mm.confirmed).where(
                    mm.meeting_id == prev.id
                ),
            )
        }
        keep = {p: score for p, (score, _) in before.items()}
        # changed: a fact recorded or re-graded since, or a pairing decided since (the units
        # of a pair confirmed, rejected or withdrawn are searched again, as a full match would)
        paired = conn.execute(
            sa.select(crosswalk.c.ours_unit, crosswalk.c.theirs_unit).where(
                crosswalk.c.ours_partner == ours,
                crosswalk.c.theirs_partner == theirs,
                crosswalk.c.decided_at > prev.snapshot_at,
            )
        ).all()
        changed = (
            changed_since(conn, ours, prev.snapshot_at, snap)
            | _regraded_since(conn, ours, prev.snapshot_at, snap)
            | {o for o, _ in paired},
            changed_since(conn, theirs, prev.snapshot_at, snap)
            | _regraded_since(conn, theirs, prev.snapshot_at, snap)
            | {t for _, t in paired},
        )
        # the last meeting's discrepancies carry where nothing they depend on changed: only
        # when it was held by us (our orientation) under the same rules
        carry = prev.host in (None, ours) and (prev.summary or {}).get("rules") == RULES
    with _bulk():
        res, items, qd = compute_queue(
            conn,
            po,
            pt,
            confirmed,
            rejected,
            prev.id if prev else None,
            ours,
            theirs,
            keep=keep,
            changed=changed,
            digest=shared is not None,
            carry=carry,
        )
    mid = conn.execute(
        meeting.insert().values(
            ours_partner=ours,
            theirs_partner=theirs,
            as_of=as_of,
            snapshot_at=snap,
            opened_by=actor,
            status="open",
            summary=res.summary | _memory_summary(items) | {"rules": RULES},
            host=ours,
            previous_id=prev.id if prev else None,
            shared="sent" if shared is not None else None,
        )
    ).inserted_primary_key[0]
    inputs = None
    if shared is not None:
        inputs = {
            **shared,
            "previous": prev.ref if prev else None,
            "crosswalk": {"confirmed": sorted(confirmed), "rejected": sorted(rejected)},
            "queue_digest": qd,
            "items": len(items),
        }
    conn.execute(
        meeting.update().where(meeting.c.id == mid).values(ref=f"{ours}/{mid}", inputs=inputs)
    )
    with _bulk():
        store_queue(
            conn,
            int(mid),
            res.matches,
            items,
            swap=False,
            me=ours,
            partner=theirs,
            previous=prev.id if prev is not None and before is not None else None,
            before=before,
        )
    audit.record(
        conn,
        actor,
        "meeting.open",
        f"meeting/{mid}",
        {"with": theirs, "as_of": iso(as_of), "shared": shared is not None, **res.summary},
    )
    return int(mid), res


def _regraded_since(conn: Connection, partner: str, since: datetime, until: datetime) -> set[str]:
    """Units whose facts were re-graded (their source burned) after `since`: changed too."""
    q = (
        sa.select(unit.c.local_id)
        .select_from(
            burned_item.join(observation, observation.c.id == burned_item.c.item_id).join(
                unit, unit.c.id == observation.c.unit_id
            )
        )
        .where(
            burned_item.c.kind == "observation",
            observation.c.partner_code == partner,
            burned_item.c.burned_at > since,
            burned_item.c.burned_at <= until,
        )
        .distinct()
    )
    return {r.local_id for r in conn.execute(q)}


def compute_queue(
    conn: Connection,
    host: Picture,
    guest: Picture,
    confirmed: set[tuple[str, str]],
    rejected: set[tuple[str, str]],
    previous_id: int | None,
    me: str,
    partner: str,
    *,
    keep: dict[tuple[str, str], float] | None = None,
    changed: tuple[set[str], set[str]] | None = None,
    digest: bool = True,
    carry: bool = False,
) -> tuple[Result, list[joint.Item], str]:
    """Reconcile in the host's orientation and apply memory; the same on both sides.

    `digest=False` (a meeting one side holds: nobody recomputes it) skips the queue digest;
    `carry` (with `keep` and `changed`) takes the previous meeting's discrepancies where nothing
    they are computed from changed, instead of comparing those units again."""
    prev = joint.previous_rows(conn, previous_id, full=carry)
    found = joint.carried(prev) if carry else None
    res = reconcile(
        host,
        guest,
        confirmed=confirmed,
        rejected=rejected,
        keep=keep,
        changed=changed,
        carry=found,
    )
    same = {id(d) for ds in found.values() for d in ds} if found else set()
    items = joint.remember(res, host, guest, prev, me, partner, carried=same)
    return res, items, joint.queue_digest(items, res.matches) if digest else ""


def _memory_summary(items: list[joint.Item]) -> dict[str, Any]:
    states: dict[str, int] = {}
    for it in items:
        st = (it.memory or {}).get("state", "new")
        states[st] = states.get(st, 0) + 1
    return {"raised": sum(1 for it in items if not it.settled), "memory": states}


def store_queue(
    conn: Connection,
    mid: int,
    matches: list[Any],
    items: list[joint.Item],
    *,
    swap: bool,
    me: str,
    partner: str,
    previous: int | None = None,
    before: dict[tuple[str, str], tuple[float, bool]] | None = None,
) -> None:
    """Write the matches and the queue (swapped into our orientation on the guest's side).

    A meeting that starts from the `previous` one (in our orientation) copies in the database
    what it repeats: the matches that are as they were (`before`: the previous meeting's, with
    score and confirmation) and the settled items carried unchanged (`Item.copy_of`) — most of
    a week-later meeting, not sent through Python row by row."""
    if matches:
        _store_matches(conn, mid, matches, swap=swap, previous=previous, before=before)
    if not items:
        return
    copies = 0 if swap or previous is None else sum(it.copy_of is not None for it in items)
    if copies < _COPY_MIN or conn.dialect.name not in ("sqlite", "postgresql"):
        _insert(conn, discrepancy, [_item_row(mid, it, swap, me, partner) for it in items])
        return
    # ids in the queue's order (it is listed by id), the copied rows' taken up front
    ids = _reserve_ids(conn, len(items))
    rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for new_id, it in zip(ids, items, strict=True):
        if it.copy_of is None:
            rows.append({"id": new_id, **_item_row(mid, it, swap, me, partner)})
            continue
        settled = joint.settled_row(it, me=me, partner=partner)
        links.append(
            {
                "new_id": new_id,
                "prev_id": it.copy_of,
                "memory": it.memory,
                "resolution": settled["resolution"],
                "comment": settled["comment"],
            }
        )
    if rows:
        _insert(conn, discrepancy, rows)
    link = _copy_links()
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {link.name}")
    link.create(conn)
    try:
        _insert(conn, link, links)
        p = discrepancy.alias("p")
        conn.execute(
            discrepancy.insert().from_select(
                [
                    "id",
                    "meeting_id",
                    "kind",
                    "ours_unit",
                    "theirs_unit",
                    "detail",
                    "severity",
                    "ours_source",
                    "theirs_source",
                    "shared_key",
                    "facts",
                    "memory",
                    "settled",
                    "resolution",
                    "comment",
                    "resolved_by",
                    "partner_position",
                ],  # fmt: skip
                sa.select(
                    link.c.new_id,
                    sa.literal(mid, sa.Integer),
                    p.c.kind,
                    p.c.ours_unit,
                    p.c.theirs_unit,
                    p.c.detail,
                    p.c.severity,
                    p.c.ours_source,
                    p.c.theirs_source,
                    p.c.shared_key,
                    p.c.facts,
                    link.c.memory,
                    sa.true(),
                    link.c.resolution,
                    link.c.comment,
                    sa.literal("memory", sa.String),
                    link.c.resolution,
                )
                .select_from(link.join(p, p.c.id == link.c.prev_id))
                .where(p.c.meeting_id == previous)
                .order_by(link.c.new_id),
            )
        )
        copied = conn.execute(
            sa.select(sa.func.count()).where(discrepancy.c.meeting_id == mid)
        ).scalar_one()
        if copied != len(items):  # a row copied from is not the previous meeting's
            raise ConflictError(
                f"the previous meeting's queue changed while meeting {mid} was written"
            )
    finally:
        link.drop(conn)


#: Fewer settled items than this to carry: written row by row (a copy has a fixed cost).
_COPY_MIN = 200


def _item_row(mid: int, it: joint.Item, swap: bool, me: str, partner: str) -> dict[str, Any]:
    r = {"meeting_id": mid, **joint.local_row(it, swap=swap, me=me, partner=partner)}
    for k in ("resolution", "comment", "resolved_by", "partner_position"):
        r.setdefault(k, None)
    return r


def _copy_links() -> sa.Table:
    """The items copied from the previous meeting (new row id, row copied, what is new),
    a temporary table of this connection, dropped once the copy is made."""
    return sa.Table(
        "liaison_copy_link",
        sa.MetaData(),
        sa.Column("new_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("prev_id", sa.Integer, nullable=False),
        sa.Column("memory", sa.JSON, nullable=True),
        sa.Column("resolution", sa.String(10), nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        prefixes=["TEMPORARY"],
    )


def _reserve_ids(conn: Connection, n: int) -> list[int]:
    """`n` new discrepancy ids, ascending, no other writer's. SQLite: a write transaction holds
    the database, so the next ones after the greatest; PostgreSQL: taken from the sequence."""
    if conn.dialect.name == "postgresql":
        got = conn.execute(
            sa.text(
                "SELECT nextval(pg_get_serial_sequence('discrepancy', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": n},
        ).scalars()
        return sorted(int(i) for i in got)
    top = conn.execute(sa.select(sa.func.max(discrepancy.c.id))).scalar_one() or 0
    return list(range(int(top) + 1, int(top) + 1 + n))


def _store_matches(
    conn: Connection,
    mid: int,
    matches: list[Any],
    *,
    swap: bool,
    previous: int | None,
    before: dict[tuple[str, str], tuple[float, bool]] | None,
) -> None:
    """The meeting's matches; those as they were in the previous meeting copied there."""
    same: set[tuple[str, str]] = set()
    if not swap and previous is not None and before:
        same = {
            (m.ours, m.theirs)
            for m in matches
            if before.get((m.ours, m.theirs)) == (m.score, m.confirmed)
        }
    if len(same) < _COPY_MIN or 2 * len(same) < len(before or ()):
        same = set()
    if same:
        mm = meeting_match
        conn.execute(
            mm.insert().from_select(
                ["meeting_id", "ours_unit", "theirs_unit", "score", "confirmed"],
                sa.select(
                    sa.literal(mid, sa.Integer),
                    mm.c.ours_unit,
                    mm.c.theirs_unit,
                    mm.c.score,
                    mm.c.confirmed,
                ).where(mm.c.meeting_id == previous),
            )
        )
        gone = sorted(o for o, t in (before or {}) if (o, t) not in same)
        for i in range(0, len(gone), 500):
            conn.execute(
                mm.delete().where(mm.c.meeting_id == mid, mm.c.ours_unit.in_(gone[i : i + 500]))
            )
    rows = [
        {
            "meeting_id": mid,
            "ours_unit": m.theirs if swap else m.ours,
            "theirs_unit": m.ours if swap else m.theirs,
            "score": m.score,
            "confirmed": m.confirmed,
        }
        for m in matches
        if (m.ours, m.theirs) not in same
    ]
    if rows:
        _insert(conn, meeting_match, rows)


def _insert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows of the same columns. On SQLite straight to the driver, the values put in
    their stored form here (JSON text — null for None, as SQLAlchemy's JSON type stores it —
    booleans as 0/1): SQLAlchemy's per-row parameter handling was most of the time of writing a
    meeting's tens of thousands of rows. Elsewhere through SQLAlchemy Core."""
    if conn.dialect.name != "sqlite" or conn.dialect.paramstyle != "qmark":
        conn.execute(table.insert(), rows)
        return
    names = list(rows[0])
    dumps = conn.dialect._json_serializer or json.dumps  # type: ignore[attr-defined]
    conv: list[Any] = []
    for n in names:
        typ = table.c[n].type
        if isinstance(typ, sa.JSON):
            conv.append(dumps)
        elif isinstance(typ, sa.Boolean):
            conv.append(lambda v: None if v is None else int(bool(v)))
        elif isinstance(typ, (sa.String, sa.Integer, sa.Float, sa.Text)):
            conv.append(None)
        else:  # a type with its own conversion (times): through SQLAlchemy
            conn.execute(table.insert(), rows)
            return
    spec = list(zip(names, conv, strict=True))
    data = [tuple([r[n] if c is None else c(r[n]) for n, c in spec]) for r in rows]
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    conn.exec_driver_sql(sql, data)


def current_meeting(conn: Connection, meeting_id: int | None = None) -> Any:
    q = sa.select(meeting)
    q = (
        q.where(meeting.c.id == meeting_id)
        if meeting_id
        else q.order_by(meeting.c.id.desc()).limit(1)
    )
    row = conn.execute(q).first()
    if row is None:
        raise NotFoundError(
            "no meeting yet (liaison meet open --with CODE)"
            if not meeting_id
            else f"no meeting {meeting_id}"
        )
    return row


def info(conn: Connection, meeting_id: int | None = None) -> MeetingInfo:
    m = current_meeting(conn, meeting_id)
    open_n = conn.execute(
        sa.select(sa.func.count())
        .select_from(discrepancy)
        .where(discrepancy.c.meeting_id == m.id, discrepancy.c.resolution.is_(None))
    ).scalar()
    return MeetingInfo(
        m.id,
        m.ours_partner,
        m.theirs_partner,
        m.as_of,
        m.snapshot_at,
        m.status,
        m.summary,
        int(open_n or 0),
        m.ref,
        m.shared,
        m.share_note,
    )


def list_discrepancies(
    conn: Connection, meeting_id: int, *, open_only: bool = False
) -> list[dict[str, Any]]:
    q = (
        sa.select(discrepancy)
        .where(discrepancy.c.meeting_id == meeting_id)
        .order_by(discrepancy.c.id)
    )
    if open_only:
        q = q.where(discrepancy.c.resolution.is_(None))
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "ours": r.ours_unit,
            "theirs": r.theirs_unit,
            "detail": r.detail,
            "severity": r.severity,
            "ours_source": r.ours_source,
            "theirs_source": r.theirs_source,
            "resolution": r.resolution,
            "comment": r.comment,
            "resolved_by": r.resolved_by,
            "resolved_at": iso(r.resolved_at),
            "key": r.shared_key,
            "memory": r.memory,
            "settled": bool(r.settled),
            "partner_position": r.partner_position,
            "partner_comment": r.partner_comment,
            "partner_by": r.partner_by,
            "state": item_state(r),
        }
        for r in conn.execute(q)
    ]


def item_state(r: Any) -> str:
    """settled (carried from an earlier meeting), open, awaiting (one side's position only),
    agreed or disputed. In a meeting the partner does not take part in, our resolution decides."""
    if r.settled:
        return "settled"
    if r.resolution is None and r.partner_position is None:
        return "open"
    if r.partner_position is None:
        return "decided" if r.resolution else "open"
    if r.resolution is None:
        return "awaiting"
    return "agreed" if r.resolution == r.partner_position else "disputed"


#: ``replaces`` default: write whatever the discrepancy holds now (the CLI names the id and the
#: resolution explicitly on each call, so there is no unseen state to guard against).
ANY: Any = object()


def resolve(
    conn: Connection,
    disc_id: int,
    accept: str,
    comment: str,
    *,
    actor: str = "cli",
    replaces: str | None = ANY,
) -> dict[str, Any]:
    """Record a resolution (or change one while the meeting is open).

    ``replaces`` is the state the deciding analyst saw: ``None`` for an open discrepancy, or the
    resolution being changed. When given, the write is conditional on the discrepancy still being
    in that state (one UPDATE … WHERE, so two racing requests cannot both win): a repeated submit
    of the same item, or a decision taken on a stale screen, is a ConflictError, never a silent
    overwrite."""
    if accept not in RESOLUTIONS:
        raise ValidationError(f"--accept must be one of {', '.join(RESOLUTIONS)}")
    if not comment.strip():
        raise ValidationError("a resolution needs a comment saying why")
    if replaces is not ANY and replaces is not None and replaces not in RESOLUTIONS:
        raise ValidationError(f"replaces must be null or one of {', '.join(RESOLUTIONS)}")
    row = conn.execute(sa.select(discrepancy).where(discrepancy.c.id == disc_id)).first()
    if row is None:
        raise NotFoundError(f"no discrepancy {disc_id}")
    m = current_meeting(conn, row.meeting_id)
    if m.status != "open":
        raise ConflictError(f"meeting {m.id} is closed; its discrepancies can no longer change")
    now = utcnow()
    update = discrepancy.update().where(discrepancy.c.id == disc_id)
    if replaces is not ANY:
        update = update.where(
            discrepancy.c.resolution.is_(None)
            if replaces is None
            else discrepancy.c.resolution == replaces
        )
    done = conn.execute(
        update.values(resolution=accept, comment=comment, resolved_by=actor, resolved_at=now)
    )
    if done.rowcount != 1:
        raise ConflictError(_stale(conn, disc_id, replaces))
    if accept == "neither":
        who = row.ours_unit or row.theirs_unit
        conn.execute(
            collection_requirement.insert().values(
                meeting_id=m.id,
                discrepancy_id=disc_id,
                created_at=now,
                text=f"Establish the {row.kind} of {who} (meeting {m.id}, discrepancy {disc_id}): {comment}",
            )
        )
        raise_for_discrepancy(conn, m, row, comment, actor=actor)  # issue 21: the RFI
    audit.record(
        conn,
        actor,
        "discrepancy.resolve",
        f"discrepancy/{disc_id}",
        {"accept": accept, "comment": comment}
        | ({} if replaces is ANY else {"replaces": replaces}),
    )
    return {"id": disc_id, "resolution": accept, "comment": comment}


def _stale(conn: Connection, disc_id: int, replaces: str | None) -> str:
    """Why a conditional resolution was refused, as the analyst needs to read it."""
    now = conn.execute(
        sa.select(discrepancy.c.resolution, discrepancy.c.resolved_by).where(
            discrepancy.c.id == disc_id
        )
    ).first()
    if now is None or now.resolution is None:
        return (
            f"discrepancy {disc_id} is open, not resolved as {replaces!r}: "
            "reload the queue and decide again"
        )
    held = f"{now.resolution!r} by {now.resolved_by}"
    if replaces is None:
        return (
            f"discrepancy {disc_id} is already resolved ({held}); nothing was written. "
            f"To change it, resolve it again stating the resolution it replaces"
        )
    return (
        f"discrepancy {disc_id} is now resolved {held}, not {replaces!r} as you saw it; "
        "nothing was written: reload the queue and decide again"
    )


# Which unit fields a discrepancy kind decides, and the facts a unit's agreed entry records: the
# joint picture's own (one list, so the minutes and the agreed picture cannot drift apart).
FIELDS = joint.DECIDES
FACTS = joint.AGREED_FACTS


def _fact(u: UnitView, name: str) -> dict[str, Any]:
    return {
        "value": getattr(u, name),
        "partner": u.partner,
        "unit_id": u.unit_id,
        "source": u.source,
        "reliability": u.reliability,
        "credibility": u.credibility,
        "observed_at": iso(u.observed_at),
    }


def close_meeting(
    conn: Connection,
    *,
    actor: str = "cli",
    meeting_id: int | None = None,
    pictures: tuple[Picture, Picture] | None = None,
) -> dict[str, Any]:
    """Make the agreed picture and the minutes. Every discrepancy needs a resolution (defer is one)."""
    m = current_meeting(conn, meeting_id)
    if m.status != "open":
        raise ConflictError(f"meeting {m.id} is already closed")
    if m.shared == "joined":
        return close_joint(conn, m, pictures, actor=actor)
    if m.host is not None and m.host != m.ours_partner:
        raise ConflictError(f"meeting {m.ref} is {m.host}'s: {m.host} closes it")
    discs = list_discrepancies(conn, m.id)
    undecided = [d["id"] for d in discs if d["resolution"] is None]
    if undecided:
        raise ValidationError(
            f"{len(undecided)} discrepancies are unresolved (e.g. {', '.join(map(str, undecided[:5]))}); "
            "resolve each (defer is allowed) before closing"
        )
    po, pt = pictures_for(conn, m.ours_partner, m.theirs_partner, m.as_of, m.snapshot_at)
    matches = {
        r.ours_unit: r.theirs_unit
        for r in conn.execute(sa.select(meeting_match).where(meeting_match.c.meeting_id == m.id))
    }
    by_pair: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {}
    for d in discs:
        by_pair.setdefault((d["ours"], d["theirs"]), []).append(d)
    agreed: list[dict[str, Any]] = []
    for o, t in sorted(matches.items()):
        uo, ut = po.units.get(o), pt.units.get(t)
        if uo is None or ut is None:
            continue
        facts = {f: _fact(uo, f) for f in FACTS}
        for d in by_pair.get((o, t), []):
            if d["resolution"] == "theirs":
                for f in FIELDS.get(d["kind"], ()):
                    facts[f] = _fact(ut, f)
            elif d["resolution"] in ("neither", "defer"):
                for f in FIELDS.get(d["kind"], ()):
                    facts[f] = {
                        **facts[f],
                        "status": "unresolved" if d["resolution"] == "neither" else "deferred",
                    }
        agreed.append({"key": f"{o}~{t}", "ours": o, "theirs": t, "facts": facts})
    for d in discs:
        if d["kind"] == "only_ours" and d["resolution"] == "ours":
            u = po.units[d["ours"]]
            agreed.append(
                {
                    "key": f"{d['ours']}~",
                    "ours": d["ours"],
                    "theirs": None,
                    "facts": {f: _fact(u, f) for f in FACTS},
                }
            )
        if d["kind"] == "only_theirs" and d["resolution"] == "theirs":
            u = pt.units[d["theirs"]]
            agreed.append(
                {
                    "key": f"~{d['theirs']}",
                    "ours": None,
                    "theirs": d["theirs"],
                    "facts": {f: _fact(u, f) for f in FACTS},
                }
            )
    if agreed:
        conn.execute(
            agreed_unit.insert(),
            [
                {
                    "meeting_id": m.id,
                    "key": a["key"],
                    "ours_unit": a["ours"],
                    "theirs_unit": a["theirs"],
                    "facts": a["facts"],
                }
                for a in agreed
            ],
        )
    canonical = json.dumps(
        agreed, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    from liaison.reconcile.minutes import minutes_markdown

    now = utcnow()
    text = minutes_markdown(
        conn, m.id, closed_at=now, closed_by=actor, agreed_count=len(agreed), digest=digest
    )
    conn.execute(
        meeting.update()
        .where(meeting.c.id == m.id)
        .values(status="closed", closed_at=now, closed_by=actor, agreed_digest=digest, minutes=text)
    )
    audit.record(
        conn,
        actor,
        "meeting.close",
        f"meeting/{m.id}",
        {"agreed_units": len(agreed), "digest": digest},
    )
    return {"meeting": m.id, "agreed_units": len(agreed), "agreed_digest": digest}


def agreed_picture(conn: Connection, meeting_id: int | None = None) -> list[dict[str, Any]]:
    m = current_meeting(conn, meeting_id)
    rows = conn.execute(
        sa.select(agreed_unit).where(agreed_unit.c.meeting_id == m.id).order_by(agreed_unit.c.key)
    )
    return [{"ours": r.ours_unit, "theirs": r.theirs_unit, "facts": r.facts} for r in rows]


def last_closed(conn: Connection, theirs: str | None = None, *, shared: bool | None = None) -> Any:
    """The last closed meeting (with `theirs`); `shared`: only meetings both sides held (the
    memory of a shared meeting must be one the partner holds too), or only one-sided ones."""
    q = sa.select(meeting).where(meeting.c.status == "closed")
    if theirs:
        q = q.where(meeting.c.theirs_partner == theirs)
    if shared is True:
        q = q.where(meeting.c.shared == "joined")
    elif shared is False:
        q = q.where(sa.or_(meeting.c.shared.is_(None), meeting.c.shared != "joined"))
    return conn.execute(q.order_by(meeting.c.id.desc()).limit(1)).first()


def suggest(d: dict[str, Any]) -> tuple[str, str]:
    """A suggested resolution from the Admiralty gradings alone — for an analyst to confirm, and what
    the demo applies. Better source reliability wins, then better credibility; a tie defers."""
    kind = d["kind"]
    if kind == "conflict":
        return "neither", "conflicting candidates: collect to tell them apart"
    if kind == "only_ours":
        return "ours", "only we report it; kept pending their check"
    if kind == "only_theirs":
        return "theirs", "only they report it; accepted on their report"
    if kind == "stale":
        older = d["detail"].get("older")
        return ("ours" if older == "theirs" else "theirs"), "the newer report stands"

    def rank(src: dict[str, Any] | None) -> tuple[int, int]:
        if not src:
            return (9, 9)
        return ("ABCDEF".find(src.get("reliability") or "F"), int(src.get("credibility") or 6))

    ro, rt = rank(d.get("ours_source")), rank(d.get("theirs_source"))

    def grade(src: dict[str, Any] | None) -> str:
        return f"{(src or {}).get('reliability') or '?'}{(src or {}).get('credibility') or '?'}"

    g = f"{grade(d.get('ours_source'))} against {grade(d.get('theirs_source'))}"
    if ro < rt:
        return "ours", f"our report is better graded ({g})"
    if rt < ro:
        return "theirs", f"their report is better graded ({g})"
    return "defer", "equally graded: deferred to the next meeting"


# ---- a meeting both sides take part in (issue 21) -------------------------------------------------
def join_meeting(
    conn: Connection,
    rec: dict[str, Any],
    host_pic: Picture,
    guest_pic: Picture,
    *,
    actor: str,
) -> tuple[int, str | None]:
    """The guest's side of an opened meeting: recompute the queue from what both sides released
    and compare it with the host's. Stored either way; (meeting id, why it does not match)."""
    host, me = rec["host"], rec["guest"]
    xw = rec.get("crosswalk") or {}
    confirmed = {(str(o), str(t)) for o, t in xw.get("confirmed", [])}
    rejected = {(str(o), str(t)) for o, t in xw.get("rejected", [])}
    prev = None
    if rec.get("previous"):
        prev = conn.execute(sa.select(meeting).where(meeting.c.ref == rec["previous"])).first()
    note = rec.get("inputs_error")
    digests = rec.get("digests") or {}
    if note is not None:
        note = f"we cannot find what the meeting is about: {note}"
    elif joint.picture_digest(host_pic) != digests.get(host):
        note = (
            f"{host}'s picture as we received it (their pouch {rec.get('host_seq')}) differs from "
            f"the one {host} reconciled"
        )
    elif joint.picture_digest(guest_pic) != digests.get(me):
        note = (
            f"our picture as released to {host} (our pouch {rec.get('guest_seq')}) differs from "
            f"the one {host} received and reconciled"
        )
    elif rec.get("previous") and prev is None:
        note = f"we hold no meeting {rec['previous']}, which {host} starts from"
    res = items = None
    if note is None:
        res, items, qd = compute_queue(
            conn, host_pic, guest_pic, confirmed, rejected, prev.id if prev else None, me, host
        )
        if qd != rec.get("queue_digest"):
            note = (
                f"the queue we computed ({len(items)} items) differs from {host}'s "
                f"({rec.get('items')} items) over the same pictures"
            )
    as_of = rec.get("as_of")
    mid = conn.execute(
        meeting.insert().values(
            ours_partner=me,
            theirs_partner=host,
            as_of=parse_time(as_of) if as_of else None,
            snapshot_at=utcnow(),
            opened_by=f"{host}:{rec.get('opened_by') or '?'}",
            status="open",
            summary=(res.summary | _memory_summary(items or [])) if res else {},
            ref=rec["ref"],
            host=host,
            shared="joined" if note is None else "mismatch",
            share_note=note,
            inputs={k: v for k, v in rec.items() if k not in ("type", "inputs_error")},
            previous_id=prev.id if prev else None,
            joined_at=utcnow(),
        )
    ).inserted_primary_key[0]
    if note is None and res is not None and items is not None:  # a mismatch is not worked
        store_queue(conn, int(mid), res.matches, items, swap=True, me=me, partner=host)
    audit.record(
        conn,
        actor,
        "meeting.join" if note is None else "meeting.mismatch",
        f"meeting/{mid}",
        {"ref": rec["ref"], "note": note},
    )
    return int(mid), note


def record_partner_position(
    conn: Connection,
    meeting_id: int,
    key: str,
    position: str,
    comment: str | None,
    by: str,
    at: datetime,
) -> bool:
    """The partner's position on one item (in our terms); a later one replaces an earlier one.
    False when nothing changed (a position re-sent by a pouch not yet acknowledged)."""
    row = conn.execute(
        sa.select(discrepancy.c.id, discrepancy.c.partner_at, discrepancy.c.partner_position).where(
            discrepancy.c.meeting_id == meeting_id, discrepancy.c.shared_key == key
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no item {key!r} in meeting {meeting_id}")
    if row.partner_at is not None and row.partner_at >= at:
        return False
    conn.execute(
        discrepancy.update()
        .where(discrepancy.c.id == row.id)
        .values(partner_position=position, partner_comment=comment, partner_by=by, partner_at=at)
    )
    return True


def host_view(
    conn: Connection, m: Any
) -> tuple[list[tuple[str, str]], list[tuple[str, str | None, str | None, str]]]:
    """The meeting's matches and decisions in the host's orientation, decisions in partner codes."""
    me, partner = m.ours_partner, m.theirs_partner
    swap = m.host != me
    matches = [
        (r.theirs_unit, r.ours_unit) if swap else (r.ours_unit, r.theirs_unit)
        for r in conn.execute(sa.select(meeting_match).where(meeting_match.c.meeting_id == m.id))
    ]
    flip = {"only_ours": "only_theirs", "only_theirs": "only_ours"}
    out = []
    for r in conn.execute(sa.select(discrepancy).where(discrepancy.c.meeting_id == m.id)):
        a = joint.to_code(r.resolution, me, partner)
        b = joint.to_code(r.partner_position, me, partner)
        dec = a if r.settled or a == b else "disputed"
        kind = flip.get(r.kind, r.kind) if swap else r.kind
        h, g = (r.theirs_unit, r.ours_unit) if swap else (r.ours_unit, r.theirs_unit)
        out.append((kind, h, g, dec or "disputed"))
    return matches, out


def positions_digest(conn: Connection, m: Any) -> str:
    _, decs = host_view(conn, m)
    me, partner = m.ours_partner, m.theirs_partner
    rows = [
        [
            r.shared_key,
            joint.to_code(r.resolution, me, partner),
            joint.to_code(r.partner_position, me, partner),
        ]
        for r in conn.execute(sa.select(discrepancy).where(discrepancy.c.meeting_id == m.id))
    ]
    both = sorted([k, *sorted([a or "", b or ""])] for k, a, b in rows)
    return joint.sha256(joint.canonical(both))


def compute_agreed(
    conn: Connection, m: Any, pictures: tuple[Picture, Picture]
) -> tuple[bytes, dict[str, Any]]:
    """This side's own computation of the agreed picture: canonical bytes and the document."""
    host_pic, guest_pic = pictures
    matches, decs = host_view(conn, m)
    doc = joint.agreed_document(
        ref=m.ref,
        as_of=iso(m.as_of),
        host=host_pic,
        guest=guest_pic,
        matches=matches,
        decisions=decs,
        inputs=(m.inputs or {}).get("digests") or {},
    )
    return joint.canonical(doc), doc


def close_joint(
    conn: Connection,
    m: Any,
    pictures: tuple[Picture, Picture] | None,
    *,
    actor: str,
    closed_at: datetime | None = None,
) -> dict[str, Any]:
    """Close a meeting both sides took part in: every raised item needs both sides' positions
    (agreed or disputed; defer is a position); the agreed picture is computed here, from what
    both hold, and stored as this side's own computation."""
    if pictures is None:
        raise ValidationError(
            f"meeting {m.ref} is held with {m.theirs_partner}: close it with `liaison meet close` "
            "(courier.meetings.close), which recomputes both released pictures"
        )
    missing = [
        r.id
        for r in conn.execute(
            sa.select(discrepancy.c.id).where(
                discrepancy.c.meeting_id == m.id,
                discrepancy.c.settled.is_(sa.false()),
                sa.or_(
                    discrepancy.c.resolution.is_(None), discrepancy.c.partner_position.is_(None)
                ),
            )
        )
    ]
    if missing:
        raise ValidationError(
            f"{len(missing)} items lack a position from one side (e.g. "
            f"{', '.join(map(str, missing[:5]))}); both sides state one on each (defer is one) "
            "before the meeting closes"
        )
    data, doc = compute_agreed(conn, m, pictures)
    digest = joint.sha256(data)
    now = closed_at or utcnow()
    conn.execute(agreed_unit.delete().where(agreed_unit.c.meeting_id == m.id))
    conn.execute(agreed_document.delete().where(agreed_document.c.meeting_id == m.id))
    me = m.ours_partner
    rows = [
        {
            "meeting_id": m.id,
            "key": u["key"],
            "ours_unit": u["units"].get(me),
            "theirs_unit": u["units"].get(m.theirs_partner),
            "facts": u["facts"],
        }
        for u in doc["units"]
    ]
    if rows:
        conn.execute(agreed_unit.insert(), rows)
    conn.execute(
        agreed_document.insert().values(
            meeting_id=m.id, content=data.decode(), digest=digest, computed_at=utcnow()
        )
    )
    from liaison.reconcile.minutes import minutes_markdown

    by = actor if m.host == me else f"{m.host}:{actor}"
    text = minutes_markdown(
        conn, m.id, closed_at=now, closed_by=by, agreed_count=len(rows), digest=digest
    )
    conn.execute(
        meeting.update()
        .where(meeting.c.id == m.id)
        .values(status="closed", closed_at=now, closed_by=by, agreed_digest=digest, minutes=text)
    )
    audit.record(
        conn,
        actor,
        "meeting.close",
        f"meeting/{m.id}",
        {"ref": m.ref, "agreed_units": len(rows), "digest": digest},
    )
    return {"meeting": m.id, "ref": m.ref, "agreed_units": len(rows), "agreed_digest": digest}
