"""Sign-in, sign-out, who am I, and API tokens for scripts."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from liaison.core.errors import NotFoundError
from liaison.store import audit
from liaison.web import auth
from liaison.web.deps import SESSION_COOKIE, db, permit, render
from liaison.web.scope import visible_partners

router = APIRouter()
LOGIN_CSRF = "liaison_login_csrf"


def _secure(request: Request) -> bool:
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto == "https"


def _safe_next(url: str | None) -> str:
    """Only same-site relative paths, so the sign-in page cannot be used as an open redirect."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    resp = render(request, "login.html", {"login_csrf": token, "next": _safe_next(next)})
    resp.set_cookie(
        LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request), max_age=3600
    )
    return resp


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: str = Form("", max_length=200),
    password: str = Form("", max_length=1000),
    csrf_token: str = Form("", max_length=200),
    next: str = Form("/", max_length=2000),
) -> Response:
    """Count the attempt (committed), then check the password, then sign in — each step its own
    short transaction, so parallel attempts queue on the counter instead of failing, and at most
    `limiter.max_attempts` passwords are checked per account and per address in the window."""
    store = request.app.state.store
    limiter: auth.SignInLimiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    account, address = f"user:{username.strip().lower()}", f"addr:{client}"

    def fail(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
        token = secrets.token_urlsafe(24)
        ctx = {"login_csrf": token, "next": _safe_next(next), "error": message}
        resp = render(request, "login.html", ctx, status_code=status, headers=headers)
        resp.set_cookie(
            LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request)
        )
        return resp

    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return fail("The sign-in form expired; please try again.", 403)
    with store.begin() as conn:  # the count is the transaction's first write: it queues
        wait = limiter.attempt(conn, account, address)
        if wait:
            audit.record(conn, username or "?", "session.refused", client, {"retry_after": wait})
    if wait:
        return fail(
            f"Too many sign-in attempts; try again in {wait} s.", 429, {"Retry-After": str(wait)}
        )
    with store.connect() as conn:
        user = auth.authenticate(conn, username, password)
        conn.commit()  # a rehash of an old password hash, if one was due
    if user is None:
        with store.begin() as conn:
            limiter.hold(conn, account)  # take the write lock before the audit chain is read
            audit.record(conn, username or "?", "session.failed", client)
        return fail("Wrong username or password.", 401)
    with store.begin() as conn:  # committed before the redirect is sent
        limiter.succeeded(conn, account, address)
        token, _csrf = auth.start_session(conn, user)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=auth.SESSION_HOURS * 3600,
    )
    resp.delete_cookie(LOGIN_CSRF)
    return resp


@router.post("/logout", include_in_schema=False)
def logout(
    request: Request,
    user: auth.User = Depends(permit("session.self")),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        auth.end_session(conn, cookie, actor=user.username)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


class Me(BaseModel):
    username: str
    role: str
    partner: str
    partners: list[str] = Field(description="Partner pictures this user may open.")


@router.get("/api/v1/me", response_model=Me, tags=["session"])
def me(
    user: auth.User = Depends(permit("session.self")),
    conn: Connection = Depends(db, scope="function"),
) -> Me:
    return Me(
        username=user.username,
        role=user.role,
        partner=user.partner,
        partners=visible_partners(conn, user),
    )


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)


@router.get("/api/v1/tokens", tags=["session"])
def my_tokens(
    user: auth.User = Depends(permit("session.self")),
    conn: Connection = Depends(db, scope="function"),
) -> list[dict[str, Any]]:
    return auth.list_tokens(conn, user.username)


@router.post("/api/v1/tokens", status_code=201, tags=["session"])
def new_token(
    body: TokenIn,
    user: auth.User = Depends(permit("session.self")),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, str]:
    """A token for scripts (`Authorization: Bearer …`), with this user's role and partner.
    Shown once; only its digest is kept."""
    if user.via != "session":
        raise HTTPException(403, "tokens are created from a signed-in session, not by a token")
    return {"token": auth.create_token(conn, user.username, body.name, actor=user.username)}


@router.delete("/api/v1/tokens/{token_id}", status_code=204, tags=["session"])
def drop_token(
    token_id: str,
    user: auth.User = Depends(permit("session.self")),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    try:
        auth.revoke_token(conn, token_id, actor=user.username, owner=user.username)
    except NotFoundError:
        raise HTTPException(404, "no such token of yours") from None
    return Response(status_code=204)
