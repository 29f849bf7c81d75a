"""Administration: users and the audit log.

Every action asks `liaison.core.permissions.allowed` with the partner it touches: a partner's admin
manages only its own partner's accounts and reads only the audit entries its own users wrote; the
home partner's admins manage every partner. Accounts of another partner answer 404, as if absent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from liaison.core.errors import LiaisonError, NotFoundError
from liaison.core.permissions import Resource
from liaison.orbat.partners import list_partners
from liaison.store import audit
from liaison.web import auth
from liaison.web.deps import actor_of, check, db, may, permit, render

router = APIRouter()
ROLES = ("viewer", "analyst", "admin")
NO_NUL = r"^[^\x00]*$"


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=auth.MIN_PASSWORD, max_length=500)
    role: str = Field(pattern="^(admin|analyst|viewer)$")
    partner: str = Field(min_length=1, max_length=16)


def _scope(request: Request, user: auth.User) -> str | None:
    """None for the home partner's admins (every partner); else the admin's own partner."""
    return None if actor_of(request, user).is_home else user.partner


def _audit_rows(
    request: Request, user: auth.User, conn: Connection, **kw: Any
) -> list[dict[str, Any]]:
    partner = _scope(request, user)
    actors = None if partner is None else auth.partner_usernames(conn, partner)
    return audit.entries(conn, actors=actors, **kw)


@router.get("/api/v1/users", tags=["admin"])
def users(
    request: Request,
    user: auth.User = Depends(permit("user.list")),
    conn: Connection = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    return auth.list_users(conn, _scope(request, user))


@router.post("/api/v1/users", status_code=201, tags=["admin"])
def add_user(
    request: Request,
    body: UserIn,
    user: auth.User = Depends(permit("user.add")),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, str]:
    check(request, user, "user.add", Resource(partner=body.partner.upper()))
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
    request: Request,
    username: str,
    user: auth.User = Depends(permit("user.disable")),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    try:
        check(request, user, "user.disable", Resource(partner=auth.user_partner(conn, username)))
        auth.disable_user(conn, username, actor=user.username)
    except (NotFoundError, HTTPException):
        raise HTTPException(404, f"no user {username!r}") from None
    return Response(status_code=204)


@router.get("/api/v1/audit", tags=["admin"])
def audit_log(
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    before: int | None = Query(None, ge=1, le=2**62),
    actor: str | None = Query(None, max_length=200),
    action: str | None = Query(None, max_length=100),
    user: auth.User = Depends(permit("audit.read")),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, Any]:
    """Newest entries first (a partner's admin: only its own users' entries); `chain` reports
    whether the whole hash chain verifies."""
    rep = audit.verify(conn)
    rows = _audit_rows(request, user, conn, limit=limit, before=before, actor=actor, action=action)
    return {
        "chain": {"entries": rep.entries, "ok": rep.ok, "broken_at": rep.broken_at},
        "entries": rows,
    }


@router.get("/admin/audit", include_in_schema=False)
def audit_page(
    request: Request,
    before: int | None = Query(None, ge=1, le=2**62),
    actor: str | None = Query(None, max_length=200),
    action: str | None = Query(None, max_length=100),
    user: auth.User = Depends(permit("audit.read", page=True)),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    rows = _audit_rows(request, user, conn, limit=100, before=before, actor=actor, action=action)
    ctx = {"rows": rows, "chain": audit.verify(conn), "actor": actor or "", "action": action or ""}
    return render(request, "admin/audit.html", ctx)


@router.get("/admin/users", include_in_schema=False)
def users_page(
    request: Request,
    error: str | None = Query(None, max_length=500),
    done: str | None = Query(None, max_length=200),
    user: auth.User = Depends(permit("user.list", page=True)),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    scope = _scope(request, user)
    partners = [p.code for p in list_partners(conn)] if scope is None else [scope]
    ctx = {
        "users": auth.list_users(conn, scope),
        "partners": partners,
        "roles": ROLES,
        "min_password": auth.MIN_PASSWORD,
        "can_add": may(request, "user.add"),
        "can_disable": may(request, "user.disable"),
        "error": error,
        "done": done,
    }
    return render(request, "admin/users.html", ctx)


def _users_back(error: str | None = None, done: str | None = None) -> RedirectResponse:
    q = f"?error={quote(error)}" if error else f"?done={quote(done)}" if done else ""
    return RedirectResponse(f"/admin/users{q}", status_code=303)


@router.post("/admin/users", include_in_schema=False)
def users_add_form(
    request: Request,
    username: str = Form(..., max_length=64, pattern=NO_NUL),
    password: str = Form(..., max_length=500, pattern=NO_NUL),
    role: str = Form(..., pattern="^(admin|analyst|viewer)$"),
    partner: str = Form(..., pattern=r"^[A-Za-z0-9_-]{1,16}$"),
    user: auth.User = Depends(permit("user.add", page=True)),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    """The page's form over `auth.add_user`, as `liaison user add` (audited `user.add`); another
    partner's account is refused as the API refuses it."""
    check(request, user, "user.add", Resource(partner=partner.upper()))
    try:
        with conn.begin_nested():
            u = auth.add_user(conn, username, password, role, partner, actor=user.username)
    except LiaisonError as exc:
        return _users_back(error=str(exc))
    return _users_back(done=f"added {u.username} ({u.role}, {u.partner})")


@router.post("/admin/users/{username}/disable", include_in_schema=False)
def users_disable_form(
    request: Request,
    username: str,
    user: auth.User = Depends(permit("user.disable", page=True)),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    """Disable an account (sessions and tokens end with it); another partner's is 404."""
    try:
        check(request, user, "user.disable", Resource(partner=auth.user_partner(conn, username)))
    except (NotFoundError, HTTPException):
        raise HTTPException(404, f"no user {username!r}") from None
    if username == user.username:
        return _users_back(error="you cannot disable your own account")
    auth.disable_user(conn, username, actor=user.username)
    return _users_back(done=f"disabled {username}")
