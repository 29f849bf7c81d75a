"""The stored side of traffic analysis: run the analysis over imported logs, name call signs as
units, offer inferred subordination as graded observations, compute and keep DF fixes.

Nothing here reaches the picture by itself. An inference or a fix is a proposal; an analyst accepts
it, and only then is an ordinary observation recorded (orbat.observe, append-only, audited) with its
grading and, for a fix, the error ellipse in its notes and in ``traffic_fix``.

Grading of an inferred parent (Admiralty credibility, never folded with the source's reliability):
confirmed by the picture's own hierarchy → 1 when seen on two or more days, else 2; new to the
picture → 2 on three or more days, else 3; contradicting the picture → 3 on three or more days,
else 4 (a re-subordination is worth a look, not a belief).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.orbat import observe
from liaison.orbat.picture import get_picture
from liaison.store import audit
from liaison.store.schema.traffic import (
    traffic_fix,
    traffic_identity,
    traffic_inference,
    traffic_message,
    traffic_station,
)
from liaison.traffic import df
from liaison.traffic.analysis import Analysis, Heard, analyse
from liaison.traffic.stations import partner_code


def _day(text: str | date) -> str:
    if isinstance(text, date):
        return text.isoformat()
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ValidationError(f"day {text!r}: give it as YYYY-MM-DD") from None


def load(
    conn: Connection, partner: str | None = None, since: str | None = None, until: str | None = None
) -> tuple[str, list[Heard], list[dict[str, Any]]]:
    """The partner's log lines (as the analysis reads them) and the stations that heard them."""
    code = partner_code(conn, partner)
    q = (
        sa.select(traffic_message, traffic_station.c.name.label("station_name"))
        .select_from(traffic_message.join(traffic_station))
        .where(traffic_station.c.partner_code == code)
        .order_by(traffic_message.c.heard_at)
    )
    if since:
        q = q.where(traffic_message.c.heard_at >= _at(since))
    if until:
        q = q.where(traffic_message.c.heard_at < _at(until, end=True))
    rows = []
    for i, r in enumerate(conn.execute(q)):
        rows.append(
            Heard(
                i, r.station_name, r.heard_at, r.frequency_khz, r.call_from, r.call_to,
                r.msg_number, r.groups, r.precedence, r.bearing, r.bearing_error,
            )
        )  # fmt: skip
    stations = [
        {"name": s.name, "lat": s.lat, "lon": s.lon}
        for s in conn.execute(
            sa.select(traffic_station).where(traffic_station.c.partner_code == code)
        )
    ]
    return code, rows, stations


def _at(text: str, end: bool = False) -> datetime:
    try:
        t = parse_time(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if end and len(text.strip()) == 10:
        t += timedelta(days=1)  # a whole day given as its date
    return t


def identities(conn: Connection, code: str) -> dict[tuple[date, str], str]:
    return {
        (date.fromisoformat(r.day), r.call_sign): r.unit_local_id
        for r in conn.execute(
            sa.select(traffic_identity).where(traffic_identity.c.partner_code == code)
        )
    }


def identify(
    conn: Connection,
    call_sign: str,
    day: str,
    unit: str,
    *,
    partner: str | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Record that a call sign on a day was a unit (from a captured list, a solved message, a fix)."""
    code = partner_code(conn, partner)
    d = _day(day)
    cs = call_sign.strip().upper()
    if not cs or len(cs) > 20:
        raise ValidationError(f"call sign {call_sign!r}: 1–20 characters")
    if not unit.strip():
        raise ValidationError("give the unit's id in the picture")
    existing = conn.execute(
        sa.select(traffic_identity).where(
            traffic_identity.c.partner_code == code,
            traffic_identity.c.day == d,
            traffic_identity.c.call_sign == cs,
        )
    ).first()
    if existing is not None:
        raise ConflictError(f"{cs} on {d} is already identified as {existing.unit_local_id}")
    conn.execute(
        traffic_identity.insert().values(
            id=new_id(), partner_code=code, day=d, call_sign=cs, unit_local_id=unit.strip(),
            created_at=utcnow(), created_by=actor,
        )
    )  # fmt: skip
    audit.record(conn, actor, "traffic.identify", f"{code}/{d}/{cs}", {"unit": unit.strip()})
    return {"partner": code, "day": d, "call_sign": cs, "unit": unit.strip()}


def entity_units(a: Analysis, ids: dict[tuple[date, str], str]) -> dict[int, str]:
    """Each analysed station's unit, by the analysts' identifications of any of its call signs."""
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    for (d, cs), u in ids.items():
        e = a.entity_of(d, cs)
        if e is not None:
            votes[e][u] += 1
    return {e: c.most_common(1)[0][0] for e, c in votes.items()}


def nets(
    conn: Connection, partner: str | None = None, since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    """The analysis over the stored logs, with identified units named."""
    code, rows, _ = load(conn, partner, since, until)
    a = analyse(rows)
    units = entity_units(a, identities(conn, code))
    out = a.to_dict()
    out["partner"] = code
    out["lines"] = len(rows)
    for n in out["nets"]:
        n["control_unit"] = units.get(n["control"]) if n["control"] is not None else None
        n["outstation_units"] = {str(e): units.get(e) for e in n["outstations"]}
    for e in out["entities"]:
        e["unit"] = units.get(e["entity"])
    return out


def _grade(kind: str, days: int) -> int:
    if kind == "confirms":
        return 1 if days >= 2 else 2
    if kind == "new":
        return 2 if days >= 3 else 3
    return 3 if days >= 3 else 4


def infer(
    conn: Connection,
    partner: str | None = None,
    since: str | None = None,
    until: str | None = None,
    *,
    actor: str = "cli",
) -> list[dict[str, Any]]:
    """Offer each identified outstation's parent (the identified control of its net) as a graded
    observation against the picture. A proposal already on record (same unit and parent, pending or
    decided) is not offered again."""
    code, rows, _ = load(conn, partner, since, until)
    a = analyse(rows)
    units = entity_units(a, identities(conn, code))
    pic = get_picture(conn, code)
    out = []
    for ent in a.entities:
        u = units.get(ent.id)
        if u is None or ent.parent is None:
            continue
        p = units.get(ent.parent)
        if p is None or p == u:
            continue
        net = next((n for n in a.nets if n.control == ent.parent and ent.id in n.members), None)
        if net is None:
            continue
        days = sorted(d for d, m in net.day_members.items() if ent.id in m.values())
        current = pic.units[u].parent_id if u in pic.units else None
        kind = "confirms" if current == p else ("new" if current is None else "contradicts")
        key = f"{u}|{p}"
        if conn.execute(
            sa.select(traffic_inference.c.id).where(
                traffic_inference.c.partner_code == code, traffic_inference.c.key == key
            )
        ).first():
            continue
        evidence = {
            "net": net.id,
            "frequency_khz": round(net.frequency_khz, 1),
            "days": [d.isoformat() for d in days],
            "transmissions": net.members.get(ent.id, 0),
            "call_signs": {d.isoformat(): c for d, c in sorted(ent.callsigns.items())},
            "control_call_signs": {
                d.isoformat(): c for d, c in sorted(a.entities[ent.parent].callsigns.items())
            },
            "last_heard": days[-1].isoformat() if days else None,
        }
        iid = new_id()
        row = {
            "id": iid,
            "partner_code": code,
            "key": key,
            "unit_local_id": u,
            "parent_local_id": p,
            "picture_parent": current,
            "kind": kind,
            "credibility": _grade(kind, len(days)),
            "evidence": evidence,
            "status": "pending",
            "created_at": utcnow(),
        }
        conn.execute(traffic_inference.insert().values(**row))
        out.append(_inference_dict(row))
    if out:
        audit.record(conn, actor, "traffic.infer", code, {"proposals": len(out)})
    return out


def _inference_dict(r: Any) -> dict[str, Any]:
    g = r if isinstance(r, dict) else r._mapping
    return {
        "id": g["id"],
        "partner": g["partner_code"],
        "unit": g["unit_local_id"],
        "parent": g["parent_local_id"],
        "picture_parent": g["picture_parent"],
        "kind": g["kind"],
        "credibility": g["credibility"],
        "grade": f"?{g['credibility']}",
        "evidence": g["evidence"],
        "status": g["status"],
        "decided_by": g.get("decided_by"),
        "decided_at": iso(g.get("decided_at")),
        "observation_id": g.get("observation_id"),
    }


def inferences(
    conn: Connection, partner: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    code = partner_code(conn, partner)
    q = sa.select(traffic_inference).where(traffic_inference.c.partner_code == code)
    if status:
        if status not in ("pending", "accepted", "rejected"):
            raise ValidationError("status: pending, accepted or rejected")
        q = q.where(traffic_inference.c.status == status)
    return [_inference_dict(r) for r in conn.execute(q.order_by(traffic_inference.c.unit_local_id))]


def _resolve(conn: Connection, table: sa.Table, given: str, what: str) -> Any:
    g = given.strip().lower()
    if len(g) < 6:
        raise ValidationError(f"{what} {given!r}: give its id (or its last 6+ characters)")
    rows = list(
        conn.execute(
            sa.select(table)
            .where(sa.or_(table.c.id == g, table.c.id.endswith(g, autoescape=True)))
            .limit(2)
        )
    )
    if not rows:
        raise NotFoundError(f"no {what} {given!r}")
    if len(rows) > 1:
        raise ValidationError(f"{what} {given!r} is ambiguous; give more of its id")
    return rows[0]


def decide(
    conn: Connection,
    inference_id: str,
    accept: bool,
    *,
    source: str | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Accept (an observation of the unit's parent is recorded) or reject an inference."""
    r = _resolve(conn, traffic_inference, inference_id, "inference")
    if r.status != "pending":
        raise ConflictError(f"inference {r.id} is already {r.status}")
    oid = None
    if accept:
        last = r.evidence.get("last_heard")
        valid = datetime.fromisoformat(last).replace(tzinfo=UTC) if last else utcnow()
        pic = get_picture(conn, r.partner_code)
        facts: dict[str, Any] = {"parent_id": r.parent_local_id, "credibility": r.credibility}
        if r.unit_local_id not in pic.units:
            facts["designation"] = r.unit_local_id
        facts["notes"] = (
            f"traffic analysis: outstation in net {r.evidence.get('net')} "
            f"({r.evidence.get('frequency_khz')} kHz) controlled by {r.parent_local_id}, "
            f"{len(r.evidence.get('days', []))} day(s)"
        )
        oid = observe.record(
            conn, r.partner_code, r.unit_local_id, valid_at=valid, source=source, actor=actor,
            **facts,
        )  # fmt: skip
    conn.execute(
        traffic_inference.update()
        .where(traffic_inference.c.id == r.id)
        .values(
            status="accepted" if accept else "rejected",
            decided_at=utcnow(),
            decided_by=actor,
            observation_id=oid,
        )
    )
    audit.record(
        conn, actor, "traffic.inference." + ("accept" if accept else "reject"), r.id,
        {"unit": r.unit_local_id, "parent": r.parent_local_id, "observation": oid},
    )  # fmt: skip
    row = conn.execute(sa.select(traffic_inference).where(traffic_inference.c.id == r.id)).first()
    return _inference_dict(row)


# ---------------------------------------------------------------- direction finding


def bearings_for(conn: Connection, code: str, call_sign: str, day: str) -> list[df.Bearing]:
    d = _day(day)
    start = datetime.fromisoformat(d).replace(tzinfo=UTC)
    q = (
        sa.select(
            traffic_message.c.bearing,
            traffic_message.c.bearing_error,
            traffic_station.c.lat,
            traffic_station.c.lon,
            traffic_station.c.name,
        )
        .select_from(traffic_message.join(traffic_station))
        .where(
            traffic_station.c.partner_code == code,
            traffic_message.c.call_from == call_sign.strip().upper(),
            traffic_message.c.heard_at >= start,
            traffic_message.c.heard_at < start + timedelta(days=1),
            traffic_message.c.bearing.is_not(None),
        )
    )
    return [df.Bearing(r.lat, r.lon, r.bearing, r.bearing_error, r.name) for r in conn.execute(q)]


def compute_fix(
    conn: Connection,
    call_sign: str,
    day: str,
    *,
    partner: str | None = None,
    save: bool = True,
    actor: str = "cli",
) -> dict[str, Any]:
    """A fix on a call sign from every bearing taken on its transmissions that day."""
    code = partner_code(conn, partner)
    bs = bearings_for(conn, code, call_sign, day)
    if len({b.station for b in bs}) < 2:
        raise ValidationError(
            f"{call_sign.upper()} on {_day(day)}: bearings from {len({b.station for b in bs})} "
            "station(s); a fix needs two or more"
        )
    f = df.fix(bs)
    out = f.to_dict()
    out.update(call_sign=call_sign.strip().upper(), day=_day(day), partner=code)
    out["ellipse"] = df.ellipse_polygon(f)
    if save:
        fid = new_id()
        conn.execute(
            traffic_fix.insert().values(
                id=fid, partner_code=code, call_sign=out["call_sign"], day=out["day"],
                computed_at=utcnow(), computed_by=actor, lat=f.lat, lon=f.lon,
                semi_major_km=f.semi_major_km, semi_minor_km=f.semi_minor_km,
                orientation_deg=f.orientation_deg,
                detail={k: v for k, v in out.items() if k != "ellipse"},
            )
        )  # fmt: skip
        audit.record(
            conn, actor, "traffic.fix", f"{code}/{out['day']}/{out['call_sign']}",
            {"fix": fid, "bearings": f.n, "rejected": len(f.rejected)},
        )  # fmt: skip
        out["id"] = fid
    return out


def _fix_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "partner": r.partner_code,
        "call_sign": r.call_sign,
        "day": r.day,
        "lat": r.lat,
        "lon": r.lon,
        "semi_major_km": r.semi_major_km,
        "semi_minor_km": r.semi_minor_km,
        "orientation_deg": r.orientation_deg,
        "bearings": r.detail.get("bearings"),
        "rejected": r.detail.get("rejected"),
        "unit": r.unit_local_id,
        "observation_id": r.observation_id,
        "computed_at": iso(r.computed_at),
        "ellipse": _ring(r),
    }


def _ring(r: Any) -> list[tuple[float, float]]:
    import numpy as np

    cov = np.array(r.detail["cov_en_km2"])
    f = df.Fix(r.lat, r.lon, cov, [], [], 0.0, 0)
    return df.ellipse_polygon(f)


def list_fixes(conn: Connection, partner: str | None = None) -> list[dict[str, Any]]:
    code = partner_code(conn, partner)
    return [
        _fix_dict(r)
        for r in conn.execute(
            sa.select(traffic_fix)
            .where(traffic_fix.c.partner_code == code)
            .order_by(traffic_fix.c.day, traffic_fix.c.call_sign)
        )
    ]


def fix_credibility(semi_major_km: float) -> int:
    """A tight fix places a unit probably (2); a loose one possibly (3); a very loose one is doubtful."""
    if semi_major_km <= 10:
        return 2
    if semi_major_km <= 40:
        return 3
    return 4


def observe_fix(
    conn: Connection,
    fix_id: str,
    unit: str,
    *,
    source: str | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Record a fix as the unit's position: an observation whose notes carry the 95 % ellipse."""
    r = _resolve(conn, traffic_fix, fix_id, "fix")
    if r.observation_id is not None:
        raise ConflictError(f"fix {r.id} is already observed as {r.observation_id}")
    pic = get_picture(conn, r.partner_code)
    facts: dict[str, Any] = {
        "lat": round(r.lat, 5),
        "lon": round(r.lon, 5),
        "credibility": fix_credibility(r.semi_major_km),
        "notes": (
            f"DF fix on {r.call_sign} {r.day}: 95% ellipse {r.semi_major_km:.1f} × "
            f"{r.semi_minor_km:.1f} km, major axis {r.orientation_deg:.0f}°, "
            f"{r.detail.get('bearings')} bearing(s)"
        ),
    }
    if unit not in pic.units:
        facts["designation"] = unit
    valid = datetime.fromisoformat(r.day).replace(tzinfo=UTC) + timedelta(hours=12)
    oid = observe.record(
        conn, r.partner_code, unit, valid_at=valid, source=source, actor=actor, **facts
    )
    conn.execute(
        traffic_fix.update()
        .where(traffic_fix.c.id == r.id)
        .values(unit_local_id=unit, observation_id=oid)
    )
    audit.record(conn, actor, "traffic.fix.observe", r.id, {"unit": unit, "observation": oid})
    row = conn.execute(sa.select(traffic_fix).where(traffic_fix.c.id == r.id)).first()
    return _fix_dict(row)


def fix_for_observation(conn: Connection, observation_id: str) -> dict[str, Any] | None:
    """The fix behind an observation, so a map can draw its ellipse."""
    r = conn.execute(
        sa.select(traffic_fix).where(traffic_fix.c.observation_id == observation_id)
    ).first()
    return _fix_dict(r) if r is not None else None
