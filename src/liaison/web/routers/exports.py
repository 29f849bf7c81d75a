"""Exports in the browser: a picture the user may see as CSV, XLSX, GeoJSON, KML or JSON, and our
picture as a STIX 2.1 bundle released to a chosen partner.

Thin over the library calls the CLI makes: `liaison orbat export` (`orbat.export.export` via the
scoped `picture_for`) and `liaison pouch stix-export` (`courier.stix.export_for`, which applies the
release policy and writes the audit entry). Picture downloads reuse the audited API route
`/api/v1/pictures/{partner}/export`; the STIX download is a POST carrying the CSRF token because
it writes an audit entry and releases data.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from liaison.core.markings import highest
from liaison.courier.stix import export_for, unit_facts
from liaison.orbat.export import FORMATS
from liaison.orbat.partners import list_partners
from liaison.web import auth
from liaison.web.deps import db, page_user, render
from liaison.web.scope import is_home_user, picture_for, visible_partners

router = APIRouter()
DB = Depends(db, scope="function")
CODE = r"^[A-Za-z0-9_-]{1,16}$"


def may_release(conn: Connection, user: auth.User) -> bool:
    """Who may release our picture as STIX: the home partner's analysts and admins (as the CLI's
    operator). One function so a central authorization module can replace it."""
    return user.role in ("admin", "analyst") and is_home_user(conn, user)


def _stix_targets(conn: Connection) -> list[str]:
    return [p.code for p in list_partners(conn) if not p.is_self]


@router.get("/exports", include_in_schema=False)
def exports_page(
    request: Request, user: auth.User = Depends(page_user), conn: Connection = DB
) -> Response:
    partners = visible_partners(conn, user)
    marks = {
        p: highest(u.marking for u in picture_for(conn, user, p).units.values()) for p in partners
    }
    ctx = {
        "partners": partners,
        "marks": marks,
        "page_marking": highest(h.marking for h in marks.values() if h),
        "formats": FORMATS,
        "stix_targets": _stix_targets(conn) if may_release(conn, user) else [],
    }
    return render(request, "exports.html", ctx)


@router.get("/exports/picture", include_in_schema=False)
def picture_download(
    partner: str = Query(..., pattern=CODE),
    format: str = Query("csv", pattern="^(csv|geojson|kml|xlsx|json)$"),
    _: auth.User = Depends(page_user),
) -> Response:
    """The form's target: the audited, scoped API download (it checks the partner again)."""
    return RedirectResponse(f"/api/v1/pictures/{partner.upper()}/export?format={format}", 303)


@router.post("/exports/stix", include_in_schema=False)
def stix_download(
    to: str = Form(..., pattern=CODE),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    """Our picture as released to `to`, as a STIX 2.1 bundle (audited by `export_for`)."""
    if not may_release(conn, user):
        raise HTTPException(403, "only the home partner's analysts and admins release STIX")
    code = to.upper()
    if code not in _stix_targets(conn):
        raise HTTPException(404, f"no partner {to!r} to release to")
    bundle = export_for(conn, code, actor=user.username)
    n = sum(unit_facts(o) is not None for o in bundle["objects"])
    body = json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(
        body,
        media_type="application/stix+json;version=2.1",
        headers={
            "Content-Disposition": f'attachment; filename="stix-for-{code.lower()}.json"',
            "X-Liaison-Units": str(n),
        },
    )
