"""Radio traffic over the web: the nets, the net diagram (SVG drawn on the server), inferred
subordination to accept or reject, DF fixes, and the fixes' error ellipses for the map.

Thin over liaison.traffic.service. Traffic is our own SIGINT: only the home partner's users see any
of it; anyone else gets 404 (its existence is not revealed). Viewers read; analysts and admins
decide, and each decision is audited by the library under the user's name.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection

from liaison.traffic import diagram, service
from liaison.web import auth
from liaison.web.deps import db, permit, render
from liaison.web.scope import home_partner, is_home_user

router = APIRouter()
TAG = ["traffic"]
DB = Depends(db, scope="function")
Id = Annotated[str, Path(min_length=6, max_length=36, pattern=r"^[0-9a-f-]+$")]
Day = Query(None, max_length=25, pattern=r"^\d{4}-\d{2}-\d{2}([T ][0-9:.+Z-]*)?$")


def _home(conn: Connection, user: auth.User) -> str:
    if not is_home_user(conn, user):
        raise HTTPException(status_code=404, detail="not found")
    code = home_partner(conn)
    if code is None:
        raise HTTPException(status_code=404, detail="not found")
    return code


@router.get("/api/v1/traffic/nets", tags=TAG)
def api_nets(
    since: str | None = Day,
    until: str | None = Day,
    user: auth.User = Depends(permit("traffic.read")),
    conn: Connection = DB,
) -> dict[str, Any]:
    """Nets, their control stations and members, call signs by day, identified units named."""
    return service.nets(conn, _home(conn, user), since, until)


@router.get("/api/v1/traffic/nets.svg", tags=TAG)
def api_nets_svg(
    since: str | None = Day,
    until: str | None = Day,
    user: auth.User = Depends(permit("traffic.read")),
    conn: Connection = DB,
) -> Response:
    """The net diagram: each control above its outstations, links labelled with frequencies."""
    rep = service.nets(conn, _home(conn, user), since, until)
    return Response(diagram.svg(rep, title="Nets"), media_type="image/svg+xml")


@router.get("/api/v1/traffic/inferences", tags=TAG)
def api_inferences(
    status: Literal["pending", "accepted", "rejected"] | None = None,
    user: auth.User = Depends(permit("traffic.read")),
    conn: Connection = DB,
) -> list[dict[str, Any]]:
    """Inferred subordination on record, graded against the picture."""
    return service.inferences(conn, _home(conn, user), status)


@router.post("/api/v1/traffic/inferences/{inference_id}/{action}", tags=TAG)
def api_decide(
    inference_id: Id,
    action: Literal["accept", "reject"],
    user: auth.User = Depends(permit("traffic.write")),
    conn: Connection = DB,
) -> dict[str, Any]:
    """Accept (the parent is recorded in our picture) or reject an inference."""
    _home(conn, user)
    return service.decide(conn, inference_id, action == "accept", actor=user.username)


@router.get("/api/v1/traffic/fixes", tags=TAG)
def api_fixes(
    user: auth.User = Depends(permit("traffic.read")), conn: Connection = DB
) -> list[dict[str, Any]]:
    """DF fixes on record with their 95 % ellipses (rings of lon, lat)."""
    return service.list_fixes(conn, _home(conn, user))


@router.get("/api/v1/traffic/ellipses", tags=TAG)
def api_ellipses(
    user: auth.User = Depends(permit("traffic.read")), conn: Connection = DB
) -> dict[str, Any]:
    """GeoJSON: the 95 % error ellipse of every fix recorded as a unit's position (for the map)."""
    feats = []
    for f in service.list_fixes(conn, _home(conn, user)):
        if not f["observation_id"]:
            continue
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [f["ellipse"]]},
                "properties": {
                    "unit_id": f["unit"],
                    "call_sign": f["call_sign"],
                    "day": f["day"],
                    "semi_major_km": round(f["semi_major_km"], 2),
                    "semi_minor_km": round(f["semi_minor_km"], 2),
                    "observation_id": f["observation_id"],
                },
            }
        )
    return {"type": "FeatureCollection", "features": feats}


@router.get("/traffic", response_class=HTMLResponse, include_in_schema=False)
def page(
    request: Request,
    user: auth.User = Depends(permit("traffic.read", page=True)),
    conn: Connection = DB,
) -> Any:
    code = _home(conn, user)
    rep = service.nets(conn, code)
    return render(
        request,
        "traffic.html",
        {
            "report": rep,
            "svg": diagram.svg(rep, title="Nets") if rep["nets"] else "",
            "inferences": service.inferences(conn, code, "pending"),
            "fixes": service.list_fixes(conn, code),
            "can_write": user.role in ("admin", "analyst"),
        },
    )


@router.post("/traffic/inferences/{inference_id}/{action}", include_in_schema=False)
def page_decide(
    inference_id: Id,
    action: Literal["accept", "reject"],
    user: auth.User = Depends(permit("traffic.write")),
    conn: Connection = DB,
) -> Any:
    """The page's accept/reject buttons (a form carrying the CSRF token)."""
    _home(conn, user)
    service.decide(conn, inference_id, action == "accept", actor=user.username)
    return RedirectResponse("/traffic", status_code=303)
