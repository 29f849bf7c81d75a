"""Administration: users and the audit log (admins only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from liaison.core.errors import LiaisonError, NotFoundError
from liaison.store import audit
from liaison.web import auth
from liaison.web.deps import admin_only, db, page_role, render

router = APIRouter()


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=auth.MIN_PASSWORD, max_length=500)
    role: str = Field(pattern="^(admin|analyst|viewer)$")
    partner: str = Field(min_length=1, max_length=16)


@router.get("/api/v1/users", tags=["admin"])
def users(
    _: auth.User = Depends(admin_only), conn: Connection = Depends(db, scope="function")
) -> list[dict[str, Any]]:
    return auth.list_users(conn)


@router.post("/api/v1/users", status_code=201, tags=["admin"])
def add_user(
    body: UserIn,
    user: auth.User = Depends(admin_only),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, str]:
    try:
        u = auth.add_user(
            conn, body.username, body.password, body.role, body.partner, actor=user.username
        )
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from None
    except LiaisonError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"username": u.username, "role": u.role, "partner": u.partner}


@router.post("/api/v1/users/{username}/disable", status_code=204, tags=["admin"])
def disable(
    username: str,
    user: auth.User = Depends(admin_only),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    try:
        auth.disable_user(conn, username, actor=user.username)
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from None
    return Response(status_code=204)


@router.get("/api/v1/audit", tags=["admin"])
def audit_log(
    limit: int = Query(100, ge=1, le=1000),
    before: int | None = Query(None, ge=1, le=2**62),
    actor: str | None = Query(None, max_length=200),
    action: str | None = Query(None, max_length=100),
    _: auth.User = Depends(admin_only),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, Any]:
    """Newest entries first; `chain` reports whether the whole hash chain verifies."""
    rep = audit.verify(conn)
    return {
        "chain": {"entries": rep.entries, "ok": rep.ok, "broken_at": rep.broken_at},
        "entries": audit.entries(conn, limit=limit, before=before, actor=actor, action=action),
    }


@router.get("/admin/audit", include_in_schema=False)
def audit_page(
    request: Request,
    before: int | None = Query(None, ge=1, le=2**62),
    actor: str | None = Query(None, max_length=200),
    action: str | None = Query(None, max_length=100),
    _: auth.User = Depends(page_role("admin")),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    rows = audit.entries(conn, limit=100, before=before, actor=actor, action=action)
    ctx = {"rows": rows, "chain": audit.verify(conn), "actor": actor or "", "action": action or ""}
    return render(request, "admin/audit.html", ctx)


@router.get("/admin/users", include_in_schema=False)
def users_page(
    request: Request,
    _: auth.User = Depends(page_role("admin")),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    return render(request, "admin/users.html", {"users": auth.list_users(conn)})
