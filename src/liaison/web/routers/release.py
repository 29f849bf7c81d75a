"""Release policy per partner in the browser: what may go to each partner (highest TLP, whether
source codenames and analyst notes travel).

Thin over `courier.policy.get_policy`/`set_policy`, the calls `liaison release set` makes; the
library validates the level (RED never leaves) and audits every change. The policy is the home
partner's business: other partners' users get 404, home viewers read, home analysts and admins set.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from liaison.core.errors import LiaisonError
from liaison.courier.policy import get_policy, set_policy
from liaison.orbat.partners import list_partners
from liaison.web import auth
from liaison.web.deps import db, page_user, render
from liaison.web.scope import is_home_user

router = APIRouter()
DB = Depends(db, scope="function")
CODE = r"^[A-Za-z0-9_-]{1,16}$"
LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT")


def may(conn: Connection, user: auth.User, action: str) -> bool:
    """'read' for any home user, 'set' for home analysts and admins; one function so a central
    authorization module can replace it."""
    if not is_home_user(conn, user):
        return False
    return action == "read" or user.role in ("admin", "analyst")


@router.get("/release", include_in_schema=False)
def release_page(
    request: Request,
    error: str | None = Query(None, max_length=500),
    done: str | None = Query(None, max_length=200),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    if not may(conn, user, "read"):
        raise HTTPException(404, "not found")
    rows = [
        {"partner": p.code, "name": p.name, "policy": get_policy(conn, p.code)}
        for p in list_partners(conn)
        if not p.is_self
    ]
    ctx = {
        "rows": rows,
        "levels": LEVELS,
        "can_write": may(conn, user, "set"),
        "error": error,
        "done": done,
    }
    return render(request, "release.html", ctx)


@router.post("/release", include_in_schema=False)
def release_set(
    partner: str = Form(..., pattern=CODE),
    max_tlp: str = Form(..., max_length=20),
    sources: bool = Form(False),
    notes: bool = Form(False),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    if not may(conn, user, "read"):
        raise HTTPException(404, "not found")
    if not may(conn, user, "set"):
        raise HTTPException(403, "not allowed for this role")
    try:
        p = set_policy(conn, partner, max_tlp, sources=sources, notes=notes, actor=user.username)
    except LiaisonError as exc:
        return RedirectResponse(f"/release?error={quote(str(exc))}", status_code=303)
    msg = f"Release to {p.partner}: up to TLP:{p.max_tlp}"
    return RedirectResponse(f"/release?done={quote(msg)}", status_code=303)
