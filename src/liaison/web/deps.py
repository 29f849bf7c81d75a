"""Request dependencies shared by every router: store, signed-in user, roles, CSRF, templates.

Authentication is either a session cookie (browsers) or `Authorization: Bearer <API token>`
(scripts). A cookie-authenticated request that changes anything (POST/PUT/PATCH/DELETE) must also
carry the session's CSRF token — header `X-CSRF-Token` or form field `csrf_token` — so another site
cannot ride on the cookie. Everything is denied unless a check says yes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Connection

from liaison.store.engine import Store
from liaison.web import auth
from liaison.web.auth import ROLES, User

__all__ = [
    "ROLES",
    "User",
    "current_user",
    "page_user",
    "require_role",
    "page_role",
    "get_store",
    "db",
    "templates",
    "render",
]

SESSION_COOKIE = "liaison_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def human_time(value: Any) -> str:
    """A date or time as people read it: no microseconds, UTC said once, midnight as a date."""
    from datetime import date, datetime

    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            from datetime import UTC

            value = value.astimezone(UTC)
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M") + (" UTC" if value.tzinfo is not None else "")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


templates.env.filters["human"] = human_time


def get_store(request: Request) -> Store:
    return request.app.state.store


def db(request: Request) -> Iterator[Connection]:
    """One transaction per request: committed when the handler returns, rolled back on error.

    Always declare it as ``Depends(db, scope="function")``: FastAPI otherwise closes a yield
    dependency after the response is sent, so a client could read before the write commits (a
    redirect after sign-in raced its own session) and a failed commit would follow a 2xx."""
    with request.app.state.store.begin() as conn:
        yield conn


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def optional_user(request: Request) -> User | None:
    """The caller if signed in (cached on the request), else None — for pages that redirect."""
    if "user" in request.state._state:
        return request.state.user
    user = resolve_user(request.app.state.store, request)
    request.state.user = user
    return user


def resolve_user(store: Store, request: Request) -> User | None:
    """Look the caller up with a short-lived connection of its own.

    The app's middleware calls this before any dependency runs, so a request never holds two
    pooled connections at once (auth + its transaction) — under load that could exhaust the pool
    with every thread holding one connection and waiting for a second."""
    token = _bearer(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if token is None and cookie is None:
        return None
    with store.connect() as conn:
        if token is not None:
            return auth.token_user(conn, token)
        return auth.session_user(conn, cookie or "")


async def _csrf_ok(request: Request, user: User) -> bool:
    if user.via != "session" or request.method not in UNSAFE:
        return True
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # starlette caches it, handlers can still read the form
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    return bool(sent) and auth.secrets.compare_digest(sent, user.csrf)


async def current_user(request: Request) -> User:
    """The signed-in user; 401 when nobody is, 403 when a cookie request lacks its CSRF token."""
    user = optional_user(request)
    if user is None:
        raise HTTPException(
            status_code=401, detail="sign in required", headers={"WWW-Authenticate": "Bearer"}
        )
    if not await _csrf_ok(request, user):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")
    return user


def require_role(*roles: str) -> Callable[..., Any]:
    """Dependency that admits only users holding one of `roles` (deny by default)."""

    async def check(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise HTTPException(status_code=403, detail="not allowed for this role")
        return user

    return check


class SignInRedirect(Exception):
    """Raised by page dependencies; the app turns it into a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


async def page_user(request: Request) -> User:
    """Like `current_user`, but a browser with no session is sent to the sign-in page."""
    if optional_user(request) is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRedirect(target)
    return await current_user(request)


def page_role(*roles: str) -> Callable[..., Any]:
    async def check(user: User = Depends(page_user)) -> User:
        if user.role not in roles:
            raise HTTPException(status_code=403, detail="not allowed for this role")
        return user

    return check


#: The usual pairs: anyone signed in may read; analysts and admins may write; admins administer.
reader = require_role("admin", "analyst", "viewer")
writer = require_role("admin", "analyst")
admin_only = require_role("admin")


def render(request: Request, name: str, context: dict[str, Any] | None = None, **kw: Any) -> Any:
    """Render a page with the user, CSRF token and navigation available to every template."""
    user = optional_user(request)
    ctx = {"user": user, "csrf_token": user.csrf if user else ""}
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, **kw)
