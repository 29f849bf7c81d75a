"""The agreed picture as a picture: the third one, for the map and the exports.

Each agreed unit (one row per unit both sides accepted) becomes a unit of partner "AGREED" whose
id names the partners' units ("JP=jp-3|PL=pl-3"); each fact keeps where it came from in the
stored document, and facts still disputed, deferred or unresolved are named in the notes, never
silently presented as agreed. Marked AMBER, releasable to the two parties only.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import parse_time
from liaison.core.errors import NotFoundError
from liaison.core.markings import Marking
from liaison.orbat.model import Picture, UnitView
from liaison.store.schema.reconcile import agreed_unit, meeting

PARTNER = "AGREED"


def _v(facts: dict[str, Any], name: str) -> Any:
    f = facts.get(name)
    return f.get("value") if isinstance(f, dict) else None


def agreed_picture(conn: Connection, meeting_id: int) -> Picture:
    m = conn.execute(sa.select(meeting).where(meeting.c.id == meeting_id)).first()
    if m is None:
        raise NotFoundError(f"no meeting {meeting_id}")
    if m.status != "closed":
        raise NotFoundError(f"meeting {meeting_id} is not closed: it has no agreed picture yet")
    rows = list(
        conn.execute(
            sa.select(agreed_unit)
            .where(agreed_unit.c.meeting_id == m.id)
            .order_by(agreed_unit.c.key)
        )
    )
    key_of: dict[tuple[str, str], str] = {}
    for r in rows:
        if r.ours_unit:
            key_of[(m.ours_partner, r.ours_unit)] = r.key
        if r.theirs_unit:
            key_of[(m.theirs_partner, r.theirs_unit)] = r.key
    marking = Marking("AMBER", tuple(sorted({m.ours_partner, m.theirs_partner})))
    units: dict[str, UnitView] = {}
    for r in rows:
        facts: dict[str, Any] = r.facts or {}
        key = r.key if "=" in r.key else _local_key(m, r)
        parent = facts.get("parent_id") or {}
        pval = parent.get("value") if isinstance(parent, dict) else None
        times = [
            f.get("observed_at")
            for f in facts.values()
            if isinstance(f, dict) and f.get("observed_at")
        ]
        open_facts = sorted(
            f"{name} {f['status']}"
            for name, f in facts.items()
            if isinstance(f, dict) and f.get("status")
        )
        whose = sorted(
            {f"{f.get('partner')}:{name}" for name, f in facts.items() if isinstance(f, dict)}
        )
        loc = facts.get("lat") or {}
        lat, lon = _v(facts, "lat"), _v(facts, "lon")
        units[key] = UnitView(
            partner=PARTNER,
            unit_id=key,
            designation=str(_v(facts, "designation") or key),
            echelon=_v(facts, "echelon"),
            branch=_v(facts, "branch"),
            parent_id=key_of.get((str(parent.get("partner")), str(pval))) if pval else None,
            sidc=_v(facts, "sidc"),
            lat=float(lat) if lat is not None and lon is not None else None,
            lon=float(lon) if lat is not None and lon is not None else None,
            place=_v(facts, "place"),
            observed_at=parse_time(max(times)) if times else None,
            equipment=dict(_v(facts, "equipment") or {}),
            strength=_v(facts, "strength"),
            reliability=loc.get("reliability") if isinstance(loc, dict) else None,
            credibility=loc.get("credibility") if isinstance(loc, dict) else None,
            marking=marking,
            notes="; ".join(
                [f"meeting {m.ref or m.id}"]
                + (["not agreed: " + ", ".join(open_facts)] if open_facts else [])
                + ["from " + ", ".join(whose)]
            ),
        )
    return Picture(PARTNER, units, valid_at=m.as_of)


def _local_key(m: Any, r: Any) -> str:
    """A one-sided meeting's row key ("o~t") in the partner-code form."""
    ids = {}
    if r.ours_unit:
        ids[m.ours_partner] = r.ours_unit
    if r.theirs_unit:
        ids[m.theirs_partner] = r.theirs_unit
    return "|".join(f"{p}={u}" for p, u in sorted(ids.items()))
