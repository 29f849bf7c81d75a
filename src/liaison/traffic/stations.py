"""Our intercept stations: where each stands (given, or from the gazetteer by place name) and what it
holds (receivers, direction finders). A bearing is only as good as the station's known position, so
a station cannot be registered without one."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.core.geo import check_lat_lon
from liaison.core.ids import new_id
from liaison.orbat.partners import get_partner, get_self
from liaison.store import audit
from liaison.store.schema.traffic import traffic_station

MAX_NAME = 100


@dataclass
class Station:
    id: str
    partner: str
    name: str
    place: str | None
    lat: float
    lon: float
    equipment: dict[str, int]
    bearing_error: float | None
    created_at: Any

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "partner": self.partner,
            "place": self.place,
            "lat": self.lat,
            "lon": self.lon,
            "equipment": self.equipment,
            "bearing_error": self.bearing_error,
            "created_at": iso(self.created_at),
        }


def parse_equipment(text: str) -> dict[str, int]:
    """`receiver=4;df=1` → {"receiver": 4, "df": 1} (the unit CSV's equipment form)."""
    out: dict[str, int] = {}
    for part in (p.strip() for p in text.replace(",", ";").split(";")):
        if not part:
            continue
        name, sep, count = part.partition("=")
        name = name.strip()
        if not name or len(name) > 40:
            raise ValidationError(f"equipment {part!r}: write it as name=count")
        try:
            n = int(count) if sep else 1
        except ValueError:
            raise ValidationError(f"equipment {part!r}: the count must be a whole number") from None
        if not 0 <= n <= 10_000:
            raise ValidationError(f"equipment {part!r}: count out of range")
        out[name] = n
    return out


def partner_code(conn: Connection, partner: str | None) -> str:
    """The partner whose stations and logs these are: given, or ourselves."""
    if partner:
        return get_partner(conn, partner).code
    me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves; give --partner")
    return me.code


def _row(r: Any) -> Station:
    return Station(
        r.id, r.partner_code, r.name, r.place, r.lat, r.lon, r.equipment or {}, r.bearing_error,
        r.created_at,
    )  # fmt: skip


def add_station(
    conn: Connection,
    name: str,
    *,
    place: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    equipment: str | dict[str, int] = "",
    bearing_error: float | None = None,
    partner: str | None = None,
    actor: str = "cli",
) -> Station:
    code = partner_code(conn, partner)
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or any(c in name for c in ",\n\r\t"):
        raise ValidationError(f"station name {name!r}: 1–{MAX_NAME} characters, no commas")
    if (lat is None) != (lon is None):
        raise ValidationError("give both --lat and --lon, or --place")
    if lat is None or lon is None:
        if not place:
            raise ValidationError("a station needs a position: --lat/--lon or --place")
        from liaison.names.gazetteer import resolve

        res = resolve(place)
        if res.status != "ok" or res.place is None:
            cands = ", ".join(f"{c.name} ({c.country})" for c in res.candidates[:5])
            raise ValidationError(
                f"place {place!r} is {res.status} in the gazetteer"
                + (f" ({cands}); give --lat/--lon" if cands else "; give --lat/--lon")
            )
        lat, lon = res.place.lat, res.place.lon
    try:
        check_lat_lon(float(lat), float(lon))
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if bearing_error is not None and not (math.isfinite(bearing_error) and 0 < bearing_error <= 45):
        raise ValidationError("bearing error must be in (0, 45] degrees")
    eq = parse_equipment(equipment) if isinstance(equipment, str) else dict(equipment)
    if conn.execute(
        sa.select(traffic_station.c.id).where(
            traffic_station.c.partner_code == code, traffic_station.c.name == name
        )
    ).first():
        raise ConflictError(f"station {name!r} is already registered for {code}")
    sid = new_id()
    now = utcnow()
    conn.execute(
        traffic_station.insert().values(
            id=sid, partner_code=code, name=name, place=place, lat=float(lat), lon=float(lon),
            equipment=eq, bearing_error=bearing_error, created_at=now, created_by=actor,
        )
    )  # fmt: skip
    audit.record(conn, actor, "traffic.station.add", f"{code}/{name}", {"lat": lat, "lon": lon})
    return Station(sid, code, name, place, float(lat), float(lon), eq, bearing_error, now)


def list_stations(conn: Connection, partner: str | None = None) -> list[Station]:
    code = partner_code(conn, partner)
    rows = conn.execute(
        sa.select(traffic_station)
        .where(traffic_station.c.partner_code == code)
        .order_by(traffic_station.c.name)
    )
    return [_row(r) for r in rows]


def get_station(conn: Connection, name: str, partner: str | None = None) -> Station:
    code = partner_code(conn, partner)
    r = conn.execute(
        sa.select(traffic_station).where(
            traffic_station.c.partner_code == code, traffic_station.c.name == name.strip()
        )
    ).first()
    if r is None:
        raise NotFoundError(f"no station {name!r} (see `liaison traffic station list`)")
    return _row(r)


def import_stations(
    conn: Connection, text: str, *, partner: str | None = None, actor: str = "cli"
) -> list[Station]:
    """Stations from CSV (name, place, lat, lon, equipment, bearing_error): all or none; the
    caller's transaction rolls back on the first bad row, whose line the error names."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    allowed = {"name", "place", "lat", "lon", "equipment", "bearing_error"}
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "name" not in fields or set(fields) - allowed:
        raise ValidationError(
            "stations CSV: line 1: columns must include name and be among "
            + ", ".join(sorted(allowed))
        )
    out = []
    for row in reader:
        r = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        line = reader.line_num
        try:
            lat = float(r["lat"]) if r.get("lat") else None
            lon = float(r["lon"]) if r.get("lon") else None
            err = float(r["bearing_error"]) if r.get("bearing_error") else None
        except ValueError as exc:
            raise ValidationError(f"stations CSV: line {line}: {exc}") from None
        try:
            out.append(
                add_station(
                    conn, r.get("name", ""), place=r.get("place") or None, lat=lat, lon=lon,
                    equipment=r.get("equipment", ""), bearing_error=err, partner=partner,
                    actor=actor,
                )
            )  # fmt: skip
        except ValidationError as exc:
            raise ValidationError(f"stations CSV: line {line}: {exc}") from None
    if not out:
        raise ValidationError("stations CSV: no rows")
    return out
