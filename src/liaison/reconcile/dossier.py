"""What the meetings know about one unit: its discrepancies in every meeting and its links to
other partners' units (crosswalk decisions and meeting matches) — for the unit page and `--json`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.store.schema.reconcile import crosswalk, discrepancy, meeting, meeting_match


def discrepancies_of(conn: Connection, partner: str, unit_id: str) -> list[dict[str, Any]]:
    """Every discrepancy raised about the unit, newest meeting first, with the other side's unit."""
    code = partner.upper()
    ours = sa.and_(meeting.c.ours_partner == code, discrepancy.c.ours_unit == unit_id)
    theirs = sa.and_(meeting.c.theirs_partner == code, discrepancy.c.theirs_unit == unit_id)
    rows = conn.execute(
        sa.select(discrepancy, meeting.c.ours_partner, meeting.c.theirs_partner, meeting.c.status)
        .join(meeting, meeting.c.id == discrepancy.c.meeting_id)
        .where(sa.or_(ours, theirs))
        .order_by(discrepancy.c.meeting_id.desc(), discrepancy.c.id)
    )
    out = []
    for r in rows:
        side = "ours" if r.ours_partner == code and r.ours_unit == unit_id else "theirs"
        out.append(
            {
                "meeting_id": r.meeting_id,
                "meeting_open": r.status == "open",
                "id": r.id,
                "kind": r.kind,
                "severity": r.severity,
                "detail": r.detail,
                "side": side,
                "other_partner": r.theirs_partner if side == "ours" else r.ours_partner,
                "other_unit": r.theirs_unit if side == "ours" else r.ours_unit,
                "resolution": r.resolution,
                "resolved_by": r.resolved_by,
                "resolved_at": iso(r.resolved_at),
            }
        )
    return out


def links_of(conn: Connection, partner: str, unit_id: str) -> list[dict[str, Any]]:
    """The unit's counterparts in other pictures: the crosswalk decision in force for each pair,
    then the latest meeting's proposed match where no decision was taken."""
    code = partner.upper()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    rows = conn.execute(
        sa.select(crosswalk)
        .where(
            sa.or_(
                sa.and_(crosswalk.c.ours_partner == code, crosswalk.c.ours_unit == unit_id),
                sa.and_(crosswalk.c.theirs_partner == code, crosswalk.c.theirs_unit == unit_id),
            )
        )
        .order_by(crosswalk.c.id)
    )
    for r in rows:  # append-only: the last decision for a pair is the one in force
        mine = r.ours_partner == code and r.ours_unit == unit_id
        key = (r.theirs_partner, r.theirs_unit) if mine else (r.ours_partner, r.ours_unit)
        found[key] = {
            "partner": key[0],
            "unit_id": key[1],
            "status": r.status,
            "by": r.decided_by,
            "at": iso(r.decided_at),
        }
    latest = conn.execute(
        sa.select(meeting.c.id, meeting.c.ours_partner, meeting.c.theirs_partner)
        .where(sa.or_(meeting.c.ours_partner == code, meeting.c.theirs_partner == code))
        .order_by(meeting.c.id.desc())
    ).all()
    seen_pairs: set[str] = set()
    for m in latest:  # the newest meeting with each partner
        other = m.theirs_partner if m.ours_partner == code else m.ours_partner
        if other in seen_pairs:
            continue
        seen_pairs.add(other)
        col, far = (
            (meeting_match.c.ours_unit, meeting_match.c.theirs_unit)
            if m.ours_partner == code
            else (meeting_match.c.theirs_unit, meeting_match.c.ours_unit)
        )
        for r in conn.execute(
            sa.select(far.label("far"), meeting_match.c.score).where(
                meeting_match.c.meeting_id == m.id, col == unit_id
            )
        ):
            found.setdefault(
                (other, r.far),
                {
                    "partner": other,
                    "unit_id": r.far,
                    "status": f"matched in meeting {m.id}",
                    "score": round(float(r.score), 3),
                },
            )
    return [v for v in found.values() if v["status"] not in ("rejected", "withdrawn")]
