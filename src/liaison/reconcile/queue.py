"""The meeting queue as the web reads it: meetings with both sides' progress, a page of items.

Moved out of `web/routers/meetings.py` (issue 22 item 7: routers hold no SQL). Items carried as
settled by memory are not part of the queue (the "settled" view lists them); progress counts
both sides' positions, agreements and disputes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.core.errors import NotFoundError
from liaison.core.markings import Highest, highest
from liaison.orbat.model import UnitView
from liaison.orbat.picture import get_picture
from liaison.reconcile import meeting as mt
from liaison.reconcile.minutes import _detail
from liaison.store.schema.reconcile import discrepancy, meeting

#: Unit facts shown side by side for each discrepancy.
SIDE_FACTS = (
    "designation",
    "echelon",
    "branch",
    "parent_id",
    "place",
    "lat",
    "lon",
    "strength",
    "equipment",
    "sidc",
    "source",
    "reliability",
    "credibility",
    "observed_at",
)
STATUSES = ("open", "resolved", "all", "settled")


def meeting_row(conn: Connection, meeting_id: int) -> Any:
    row = conn.execute(sa.select(meeting).where(meeting.c.id == meeting_id)).first()
    if row is None:
        raise NotFoundError(f"no meeting {meeting_id}")
    return row


def _count(cond: Any) -> Any:
    return sa.func.sum(sa.case((cond, 1), else_=0))


def counts(conn: Connection, ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """meeting id → progress of both sides, in one grouped query."""
    raised = discrepancy.c.settled.is_(sa.false())
    ours = discrepancy.c.resolution.is_not(None)
    theirs = discrepancy.c.partner_position.is_not(None)
    q = sa.select(
        discrepancy.c.meeting_id,
        _count(raised),
        _count(sa.and_(raised, ours)),
        _count(sa.and_(raised, theirs)),
        _count(sa.and_(raised, discrepancy.c.resolution == discrepancy.c.partner_position)),
        _count(
            sa.and_(
                raised, ours, theirs, discrepancy.c.resolution != discrepancy.c.partner_position
            )
        ),
        _count(sa.not_(raised)),
    ).group_by(discrepancy.c.meeting_id)
    if ids is not None:
        q = q.where(discrepancy.c.meeting_id.in_(ids))
    out = {}
    for r in conn.execute(q):
        total, resolved, partner, agreed, disputed, settled = (int(x or 0) for x in r[1:])
        out[int(r[0])] = {
            "resolved": resolved,
            "total": total,
            "open": total - resolved,
            "partner_resolved": partner,
            "agreed": agreed,
            "disputed": disputed,
            "settled": settled,
        }
    return out


EMPTY = {
    "resolved": 0,
    "total": 0,
    "open": 0,
    "partner_resolved": 0,
    "agreed": 0,
    "disputed": 0,
    "settled": 0,
}


def summary(row: Any, progress: dict[str, int]) -> dict[str, Any]:
    return {
        "id": row.id,
        "ref": row.ref,
        "ours": row.ours_partner,
        "theirs": row.theirs_partner,
        "host": row.host or row.ours_partner,
        "shared": row.shared,
        "share_note": row.share_note,
        "as_of": iso(row.as_of),
        "snapshot_at": iso(row.snapshot_at),
        "status": row.status,
        "opened_by": row.opened_by,
        "closed_at": iso(row.closed_at),
        "closed_by": row.closed_by,
        "agreed_digest": row.agreed_digest,
        "matched": (row.summary or {}).get("matched"),
        "by_kind": (row.summary or {}).get("by_kind", {}),
        "memory": (row.summary or {}).get("memory", {}),
        "progress": {k: progress[k] for k in ("resolved", "total", "open")},
        # both sides: the partner's positions, agreements, disputes; items settled earlier
        "sides": {k: progress[k] for k in ("partner_resolved", "agreed", "disputed", "settled")},
    }


def list_meetings(conn: Connection) -> list[dict[str, Any]]:
    rows = list(conn.execute(sa.select(meeting).order_by(meeting.c.id.desc())))
    c = counts(conn, [r.id for r in rows]) if rows else {}
    return [summary(r, c.get(r.id, EMPTY)) for r in rows]


def meeting_summary(conn: Connection, meeting_id: int) -> dict[str, Any]:
    row = meeting_row(conn, meeting_id)
    return summary(row, counts(conn, [row.id]).get(row.id, EMPTY))


def last_agreed(conn: Connection) -> Any:
    """The latest closed meeting with an agreed picture (the map's third picture)."""
    return conn.execute(
        sa.select(meeting)
        .where(meeting.c.status == "closed", meeting.c.agreed_digest.is_not(None))
        .order_by(meeting.c.id.desc())
        .limit(1)
    ).first()


def _side(u: UnitView | None) -> dict[str, Any] | None:
    if u is None:
        return None
    out: dict[str, Any] = {}
    for f in SIDE_FACTS:
        v = getattr(u, f)
        out[f] = iso(v) if isinstance(v, datetime) else (dict(v) if isinstance(v, dict) else v)
    return out


def _item_marking(*units: UnitView | None) -> dict[str, Any] | None:
    """The highest marking of the units a discrepancy shows, as the worklist's badge."""
    h = highest(u.marking for u in units if u is not None)
    if h is None:
        return None
    m = h.marking
    return {"tlp": m.tlp, "rel_to": list(m.rel_to), "orcon": m.orcon}


def highest_marking(conn: Connection, meeting_id: int) -> Highest | None:
    """The highest marking over every discrepancy of a meeting (the queue page's banner): the
    units the worklist shows, read from the meeting's snapshot as the queue reads them, without
    building the items."""
    m = meeting_row(conn, meeting_id)
    rows = conn.execute(
        sa.select(discrepancy.c.ours_unit, discrepancy.c.theirs_unit).where(
            discrepancy.c.meeting_id == m.id, discrepancy.c.settled.is_(sa.false())
        )
    ).all()
    marks = []
    for partner, ids in (
        (m.ours_partner, {r.ours_unit for r in rows if r.ours_unit}),
        (m.theirs_partner, {r.theirs_unit for r in rows if r.theirs_unit}),
    ):
        if ids:
            pic = get_picture(conn, partner, m.as_of, m.snapshot_at, only=ids)
            marks += [u.marking for u in pic.units.values()]
    return highest(marks)


def page(
    conn: Connection,
    meeting_id: int,
    *,
    status: str = "all",
    kind: str | None = None,
    limit: int = 500,
    offset: int = 0,
    disc_id: int | None = None,
) -> dict[str, Any]:
    """A page of a meeting's queue with both units' facts as the meeting saw them.

    Two queries for the page itself and two picture reads limited to the units on the page (not
    the whole pictures), so the queue stays fast with thousands of units."""
    m = meeting_row(conn, meeting_id)
    q = sa.select(discrepancy).where(discrepancy.c.meeting_id == m.id)
    if status == "settled":
        q = q.where(discrepancy.c.settled.is_(sa.true()))
    elif disc_id is None:
        q = q.where(discrepancy.c.settled.is_(sa.false()))
    if status == "open":
        q = q.where(discrepancy.c.resolution.is_(None))
    elif status == "resolved":
        q = q.where(discrepancy.c.resolution.is_not(None))
    if kind:
        q = q.where(discrepancy.c.kind == kind)
    if disc_id is not None:
        q = q.where(discrepancy.c.id == disc_id)
    total = conn.execute(sa.select(sa.func.count()).select_from(q.subquery())).scalar() or 0
    rows = list(conn.execute(q.order_by(discrepancy.c.id).limit(limit).offset(offset)))
    ours_ids = {r.ours_unit for r in rows if r.ours_unit}
    theirs_ids = {r.theirs_unit for r in rows if r.theirs_unit}
    po = (
        get_picture(conn, m.ours_partner, m.as_of, m.snapshot_at, only=ours_ids).units
        if ours_ids
        else {}
    )
    pt = (
        get_picture(conn, m.theirs_partner, m.as_of, m.snapshot_at, only=theirs_ids).units
        if theirs_ids
        else {}
    )
    items = []
    for r in rows:
        d = {
            "id": r.id,
            "kind": r.kind,
            "severity": r.severity,
            "ours": r.ours_unit,
            "theirs": r.theirs_unit,
            "detail": r.detail,
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
            "state": mt.item_state(r),
        }
        resolution, reason = mt.suggest(d)
        d["summary"] = _detail(d)
        d["suggested"] = {"resolution": resolution, "reason": reason}
        d["ours_facts"] = _side(po.get(r.ours_unit)) if r.ours_unit else None
        d["theirs_facts"] = _side(pt.get(r.theirs_unit)) if r.theirs_unit else None
        d["fields"] = list(mt.FIELDS.get(r.kind, ()))
        d["marking"] = _item_marking(po.get(r.ours_unit or ""), pt.get(r.theirs_unit or ""))
        items.append(d)
    return {
        "meeting": m.id,
        "status": m.status,
        "total": int(total),
        "offset": offset,
        "items": items,
    }


def version(conn: Connection, meeting_id: int) -> tuple[Any, ...]:
    """What a queue page depends on: the meeting's state and both sides' positions. Items are
    written once when the meeting opens and facts come from its fixed snapshot; a resolution
    sets ``resolved_at`` to now and a partner's position ``partner_at``, so the counts and the
    latest times move with every one."""
    mine = discrepancy.c.meeting_id == meeting.c.id
    n = sa.select(sa.func.count(discrepancy.c.resolution)).where(mine).scalar_subquery()
    last = sa.select(sa.func.max(discrepancy.c.resolved_at)).where(mine).scalar_subquery()
    pn = sa.select(sa.func.count(discrepancy.c.partner_position)).where(mine).scalar_subquery()
    plast = sa.select(sa.func.max(discrepancy.c.partner_at)).where(mine).scalar_subquery()
    row = conn.execute(
        sa.select(
            meeting.c.id,
            meeting.c.status,
            meeting.c.shared,
            n.label("n"),
            last.label("last"),
            pn.label("pn"),
            plast.label("plast"),
        ).where(meeting.c.id == meeting_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no meeting {meeting_id}")
    return (
        row.id,
        row.status,
        row.shared,
        int(row.n or 0),
        iso(row.last),
        int(row.pn or 0),
        iso(row.plast),
    )


def in_meeting(conn: Connection, meeting_id: int, disc_id: int) -> bool:
    return (
        conn.execute(
            sa.select(discrepancy.c.id).where(
                discrepancy.c.id == disc_id, discrepancy.c.meeting_id == meeting_id
            )
        ).first()
        is not None
    )


def discrepancy_kinds(conn: Connection, partner: str) -> dict[str, Any]:
    """Discrepancy kinds per unit of `partner` from the latest meeting it took part in, and the
    location pairs (our unit → theirs) the map draws as lines."""
    row = conn.execute(
        sa.select(meeting.c.id, meeting.c.ours_partner, meeting.c.theirs_partner)
        .where(sa.or_(meeting.c.theirs_partner == partner, meeting.c.ours_partner == partner))
        .order_by(meeting.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return {"partner": partner, "meeting_id": None, "kinds": [], "units": {}, "pairs": []}
    side = "ours" if row.ours_partner == partner else "theirs"
    units: dict[str, list[str]] = {}
    kinds: set[str] = set()
    pairs = []
    for d in mt.list_discrepancies(conn, row.id):
        kinds.add(d["kind"])
        if d[side]:
            units.setdefault(d[side], []).append(d["kind"])
        if d["kind"] == "location" and d["ours"] and d["theirs"]:
            pairs.append(
                {
                    "kind": "location",
                    "ours": d["ours"],
                    "theirs": d["theirs"],
                    "distance_km": d["detail"].get("distance_km"),
                    "resolution": d["resolution"],
                }
            )
    return {
        "partner": partner,
        "meeting_id": row.id,
        "kinds": sorted(kinds),
        "units": units,
        "pairs": pairs,  # our unit → their unit, for the map's discrepancy lines
    }
