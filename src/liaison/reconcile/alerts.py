"""Daily updates: what changed in either picture since the last meeting, as records and an Atom feed."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import NotFoundError
from liaison.core.geo import haversine_km
from liaison.orbat.model import Picture
from liaison.orbat.partners import list_partners
from liaison.orbat.picture import get_picture
from liaison.reconcile.match import EQUIPMENT_TOLERANCE, TOLERANCE_KM

ALERT_KINDS = (
    "moved",
    "new",
    "gone",
    "reorganised",
    "resubordinated",
    "reequipped",
    "regraded",  # a burned source's facts re-graded (orbat.sources.burn, or a partner's notice)
)


@dataclass
class Alert:
    kind: str
    partner: str
    unit_id: str
    designation: str
    detail: dict[str, Any]
    observed_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def diff(before: Picture, after: Picture) -> list[Alert]:
    out: list[Alert] = []
    p = after.partner
    for uid, u in sorted(after.units.items()):
        b = before.units.get(uid)
        when = iso(u.observed_at)
        if b is None:
            out.append(Alert("new", p, uid, u.designation, {"place": u.place}, when))
            continue
        if b.has_position and u.has_position:
            km = haversine_km(b.lat, b.lon, u.lat, u.lon)  # type: ignore[arg-type]
            tol = TOLERANCE_KM.get(u.echelon or "division", 30.0)
            if km > tol:
                out.append(
                    Alert(
                        "moved",
                        p,
                        uid,
                        u.designation,
                        {"distance_km": round(km, 1), "from": b.place, "to": u.place},
                        when,
                    )
                )
        if (b.echelon, b.branch) != (u.echelon, u.branch):
            out.append(
                Alert(
                    "reorganised",
                    p,
                    uid,
                    u.designation,
                    {"from": [b.echelon, b.branch], "to": [u.echelon, u.branch]},
                    when,
                )
            )
        if b.parent_id != u.parent_id:
            out.append(
                Alert(
                    "resubordinated",
                    p,
                    uid,
                    u.designation,
                    {"from": b.parent_id, "to": u.parent_id},
                    when,
                )
            )
        changed = {
            k: {"from": b.equipment.get(k), "to": u.equipment.get(k)}
            for k in set(b.equipment) | set(u.equipment)
            if abs(b.equipment.get(k, 0) - u.equipment.get(k, 0))
            > max(2, EQUIPMENT_TOLERANCE * max(b.equipment.get(k, 0), u.equipment.get(k, 0)))
        }
        if changed:
            out.append(Alert("reequipped", p, uid, u.designation, {"items": changed}, when))
        if u.burned and (b.reliability, b.burned) != (u.reliability, u.burned):
            detail = {"from": b.reliability, "to": u.reliability, "burned": True}
            out.append(Alert("regraded", p, uid, u.designation, detail, when))
    for uid, b in sorted(before.units.items()):
        if uid not in after.units:
            out.append(
                Alert("gone", p, uid, b.designation, {"last_place": b.place}, iso(b.observed_at))
            )
    return out


def alerts_since(conn: Connection, since: datetime | None = None) -> tuple[datetime, list[Alert]]:
    """Changes in every partner's picture since `since` (default: the last closed meeting's snapshot)."""
    from liaison.reconcile.meeting import last_closed

    if since is None:
        m = last_closed(conn)
        if m is None:
            raise NotFoundError("no closed meeting yet: give --since T")
        since = m.snapshot_at
    if since is None:
        raise NotFoundError("the last closed meeting has no snapshot time: give --since T")
    now = utcnow()
    out: list[Alert] = []
    for partner in list_partners(conn):
        out += diff(
            get_picture(conn, partner.code, recorded_at=since),
            get_picture(conn, partner.code, recorded_at=now),
        )
    return since, out


def atom(alerts: list[Alert], since: datetime, feed_id: str = "urn:liaison:alerts") -> bytes:
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")
    ET.SubElement(feed, f"{{{ns}}}title").text = f"Liaison alerts since {iso(since)}"
    ET.SubElement(feed, f"{{{ns}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ns}}}updated").text = iso(utcnow())
    author = ET.SubElement(feed, f"{{{ns}}}author")
    ET.SubElement(author, f"{{{ns}}}name").text = "Liaison"
    for i, a in enumerate(alerts):
        e = ET.SubElement(feed, f"{{{ns}}}entry")
        ET.SubElement(e, f"{{{ns}}}title").text = f"{a.kind}: {a.partner} {a.designation}"
        ET.SubElement(e, f"{{{ns}}}id").text = f"{feed_id}:{a.partner}:{a.unit_id}:{a.kind}:{i}"
        ET.SubElement(e, f"{{{ns}}}updated").text = a.observed_at or iso(utcnow())
        ET.SubElement(e, f"{{{ns}}}summary").text = f"{a.partner} {a.unit_id}: {a.kind} {a.detail}"
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
