"""Pictures on the web: partner list, map data (GeoJSON), a unit's history, the ORBAT tree, exports,
the offline basemap, and the map, ORBAT and import pages.

Every read goes through `liaison.web.scope` so a user sees only their own partner's picture and what
our policy releases to them; the map-data route builds the whole FeatureCollection from one picture
query (no per-unit queries) because the load benchmark hammers it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.core.markings import highest
from liaison.courier.pouch import get_policy
from liaison.orbat import export as orbat_export
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.picture import picture_version
from liaison.reconcile import queue
from liaison.store import audit
from liaison.web import auth
from liaison.web.cache import cached_response
from liaison.web.deps import db, in_transaction, may, permit, render
from liaison.web.memo import remembered
from liaison.web.scope import (
    actor,
    check_partner,
    history_for,
    picture_for,
    policy_for,
    visible_partners,
)

router = APIRouter()

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _utc(t: datetime | None) -> datetime | None:
    """Naive times from a query string are taken as UTC (storage is UTC throughout)."""
    if t is None:
        return None
    try:
        return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    except OverflowError:
        raise HTTPException(422, "valid_at is out of range") from None


def _filtered(p: Picture, echelon: str | None, branch: str | None) -> list[UnitView]:
    units = [p.units[k] for k in sorted(p.units)]
    if echelon:
        units = [u for u in units if (u.echelon or "").lower() == echelon.lower()]
    if branch:
        units = [u for u in units if (u.branch or "").lower() == branch.lower()]
    return units


def _props(u: UnitView, partner: str) -> dict[str, Any]:
    return {
        "partner": partner,
        "unit_id": u.unit_id,
        "designation": u.designation,
        "echelon": u.echelon,
        "branch": u.branch,
        "sidc": u.sidc,
        "parent_id": u.parent_id,
        "place": u.place,
        "observed_at": iso(u.observed_at),
        "reliability": u.reliability,
        "burned": u.burned,
        "credibility": u.credibility,
        "equipment": u.equipment,
        "strength": u.strength,
    }


@router.get("/api/v1/pictures", tags=["pictures"])
def pictures(
    user: auth.User = Depends(permit("picture.read")),
    conn: Connection = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    """The pictures this user may open, own partner first, with unit counts as they see them."""
    out = []
    for code in visible_partners(conn, user):
        p = picture_for(conn, user, code)
        out.append(
            {
                "partner": code,
                "units": len(p),
                "placed": sum(1 for u in p.units.values() if u.has_position),
                "own": code == user.partner,
            }
        )
    return out


def _version(conn: Connection, user: auth.User, code: str) -> tuple[Any, ...]:
    """What the scoped picture depends on: the partner's picture version (library) and, for a
    released view, the policy."""
    scope: tuple[Any, ...] = ("all",)
    if code != user.partner and not actor(conn, user).is_home:
        scope = ("released", user.partner, repr(policy_for(conn, user.partner)))
    version = remembered(("picture", code), lambda: picture_version(conn, code))
    return (*version, *scope)


def feature_collection(
    p: Picture, echelon: str | None = None, branch: str | None = None
) -> dict[str, Any]:
    """RFC 7946 FeatureCollection ([lon, lat]) of a picture; units without position apart."""
    feats, unplaced = [], []
    for u in _filtered(p, echelon, branch):
        props = _props(u, p.partner)
        if u.has_position:
            feats.append(
                {
                    "type": "Feature",
                    "id": f"{p.partner}:{u.unit_id}",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(u.lon, 6), round(u.lat, 6)],  # type: ignore[arg-type]
                    },
                    "properties": props,
                }
            )
        else:
            unplaced.append(props)
    return {
        "type": "FeatureCollection",
        "partner": p.partner,
        "valid_at": iso(p.valid_at),
        "features": feats,
        "unplaced": unplaced,
    }


@router.get(
    "/api/v1/pictures/{partner}/units",
    tags=["pictures"],
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {}}, "description": "FeatureCollection"}},
)
async def units_geojson(
    request: Request,
    partner: str,
    valid_at: datetime | None = Query(None, description="valid time (ISO 8601); default now"),
    echelon: str | None = Query(None, max_length=64),
    branch: str | None = Query(None, max_length=64),
    without_burned: bool = Query(False),
    user: auth.User = Depends(permit("picture.read")),
) -> Response:
    """The scoped picture as an RFC 7946 FeatureCollection (lon, lat); unplaced units listed apart.

    The map-data route of the load benchmark: versions remembered per store version
    (`liaison.web.memo`), then cached bytes until the partner's picture (or, for a released
    view, the policy) changes."""
    at = _utc(valid_at)

    def work(conn: Connection) -> Response:
        code = check_partner(conn, user, partner)
        key = (*_version(conn, user, code), iso(at), (echelon or "").lower())
        key = (*key, (branch or "").lower(), without_burned)

        def build() -> bytes:
            pic = picture_for(conn, user, code, valid_at=at, without_burned=without_burned)
            doc = feature_collection(pic, echelon, branch)
            return orjson.dumps(doc)

        return cached_response(request, "map", key, build, "application/geo+json")

    return await in_transaction(request, work)


@router.get("/api/v1/pictures/{partner}/units/{unit_id}/history", tags=["pictures"])
def unit_history(
    partner: str,
    unit_id: str,
    user: auth.User = Depends(permit("picture.read")),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, Any]:
    """Every observation of one unit the user may see, oldest first, with source and grading."""
    code = check_partner(conn, user, partner)
    if "\x00" in unit_id:  # PostgreSQL rejects NUL in text: no such unit, not a server error
        raise HTTPException(404, "no such unit")
    return {"partner": code, "unit_id": unit_id, "history": history_for(conn, user, code, unit_id)}


def tree(p: Picture) -> list[dict[str, Any]]:
    """Nested hierarchy; roots are units whose parent is absent or withheld (or in a cycle)."""
    kids = p.children()
    for ids in kids.values():
        ids.sort()

    def node(uid: str, seen: set[str]) -> dict[str, Any]:
        seen.add(uid)
        u = p.units[uid]
        m = u.marking
        return {
            "unit_id": uid,
            "designation": u.designation,
            "echelon": u.echelon,
            "branch": u.branch,
            "sidc": u.sidc,
            "placed": u.has_position,
            "marking": {"tlp": m.tlp, "rel_to": list(m.rel_to), "orcon": m.orcon},
            "children": [node(c, seen) for c in kids.get(uid, []) if c not in seen],
        }

    seen: set[str] = set()
    roots = [node(uid, seen) for uid in kids.get(None, [])]
    for uid in sorted(p.units):  # a parent cycle has no root: show its members as roots
        if uid not in seen:
            roots.append(node(uid, seen))
    return roots


@router.get("/api/v1/pictures/{partner}/tree", tags=["pictures"])
def orbat_tree(
    partner: str,
    valid_at: datetime | None = Query(None),
    user: auth.User = Depends(permit("picture.read")),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, Any]:
    p = picture_for(conn, user, partner, valid_at=_utc(valid_at))
    return {"partner": p.partner, "units": len(p), "roots": tree(p)}


@router.get("/api/v1/pictures/{partner}/export", tags=["pictures"])
def export_picture(
    partner: str,
    format: str = Query("csv", pattern="^(csv|geojson|kml|xlsx|json)$"),
    valid_at: datetime | None = Query(None),
    without_burned: bool = Query(False),
    user: auth.User = Depends(permit("picture.read")),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    """The scoped picture as a file; every export goes into the audit log."""
    p = picture_for(conn, user, partner, valid_at=_utc(valid_at), without_burned=without_burned)
    body = orbat_export.export(p, format)
    audit.record(
        conn,
        user.username,
        "picture.export",
        p.partner,
        {"format": format, "units": len(p), "valid_at": iso(p.valid_at)},
    )
    name = f"{p.partner.lower()}-picture.{format}"
    return Response(
        body,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/api/v1/pictures/{partner}/discrepancy-kinds", tags=["pictures"])
def discrepancy_kinds(
    request: Request,
    partner: str,
    user: auth.User = Depends(permit("meeting.read")),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, Any]:
    """Discrepancy kinds per unit from the latest meeting with this partner (home users only)."""
    code = check_partner(conn, user, partner)
    return queue.discrepancy_kinds(conn, code)


@lru_cache(maxsize=1)
def _basemap_bytes() -> bytes:
    from liaison.reconcile.maps import basemap

    return json.dumps(basemap(), separators=(",", ":")).encode("utf-8")


@router.get("/api/v1/basemap", tags=["pictures"])
def basemap_geojson(_: auth.User = Depends(permit("basemap.read"))) -> Response:
    """The shipped country outlines (Natural Earth via world-atlas) for the offline map."""
    return Response(
        _basemap_bytes(),
        media_type="application/geo+json",
        headers={"Cache-Control": "private, max-age=86400"},
    )


LAYERS = ("rivers", "places", "railways")


@lru_cache(maxsize=len(LAYERS))
def _layer_bytes(name: str) -> bytes:
    from importlib import resources

    return resources.files("liaison").joinpath("data", "basemap", f"{name}.geojson").read_bytes()


@router.get("/api/v1/basemap/{layer}", tags=["pictures"])
def basemap_layer(layer: str, _: auth.User = Depends(permit("basemap.read"))) -> Response:
    """Offline map layers shipped with the package: rivers, populated places (Natural Earth) and
    the railways of the liaison and of the Kaunas route."""
    if layer not in LAYERS:
        raise HTTPException(404, f"no layer {layer!r}; there are {', '.join(LAYERS)}")
    return Response(
        _layer_bytes(layer),
        media_type="application/geo+json",
        headers={"Cache-Control": "private, max-age=86400"},
    )


@router.get("/api/v1/pictures/{partner}/dates", tags=["pictures"])
def observation_dates(
    partner: str,
    user: auth.User = Depends(permit("picture.read")),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, Any]:
    """The valid times at which this user's view of the picture has observations, oldest first —
    what the map's time control steps through (so a week apart is a step, not 0.1 % of 88 years)."""
    from liaison.courier.policy import releasable
    from liaison.orbat.picture import valid_times

    code = check_partner(conn, user, partner)
    if code == user.partner or actor(conn, user).is_home:
        return {"partner": code, "dates": [iso(t) for t in valid_times(conn, code)]}
    policy = get_policy(conn, user.partner)
    times = valid_times(conn, code, lambda m: releasable(m, policy)) if policy else []
    return {"partner": code, "dates": [iso(t) for t in times]}


# ---- pages -------------------------------------------------------------------------------------


@router.get("/map", include_in_schema=False)
def map_page(
    request: Request,
    user: auth.User = Depends(permit("picture.read", page=True)),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    partners = visible_partners(conn, user)
    ctx = {"partners": partners, "home": may(request, "meeting.read")}
    # The banner covers every picture the map can draw for this user (released views for others).
    ctx["page_marking"] = highest(
        u.marking for p in partners for u in picture_for(conn, user, p).units.values()
    )
    if ctx["home"]:  # the third picture: the agreed one of the latest closed meeting
        from liaison.reconcile.queue import last_agreed

        m = last_agreed(conn)
        ctx["agreed"] = m.id if m is not None else None
    return render(request, "map.html", ctx)


@router.get("/orbat", include_in_schema=False)
@router.get("/orbat/{partner}", include_in_schema=False)
def orbat_page(
    request: Request,
    partner: str | None = None,
    user: auth.User = Depends(permit("picture.read", page=True)),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    partners = visible_partners(conn, user)
    code = check_partner(conn, user, partner) if partner else partners[0]
    units = picture_for(conn, user, code).units.values()
    ctx = {"partners": partners, "partner": code, "page_marking": highest(u.marking for u in units)}
    return render(request, "orbat.html", ctx)
