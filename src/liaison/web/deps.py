"""Request dependencies shared by every router: store, signed-in user, permissions, CSRF, templates.

Authentication is either a session cookie (browsers) or `Authorization: Bearer <API token>`
(scripts). A cookie-authenticated request that changes anything (POST/PUT/PATCH/DELETE) must also
carry the session's CSRF token — header `X-CSRF-Token` or form field `csrf_token` — so another site
cannot ride on the cookie. Everything is denied unless a check says yes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar, cast

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from liaison.core.markings import as_marking
from liaison.core.permissions import Actor, Resource, allowed, deny_status
from liaison.store.engine import Store
from liaison.web import auth
from liaison.web.auth import ROLES, User

__all__ = [
    "ROLES",
    "User",
    "current_user",
    "page_user",
    "permit",
    "check",
    "may",
    "get_store",
    "db",
    "templates",
    "render",
]

T = TypeVar("T")
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
templates.env.filters["marking"] = as_marking  # "TLP:AMBER REL TO JP" → badges


def get_store(request: Request) -> Store:
    return request.app.state.store


def db(request: Request) -> Iterator[Connection]:
    """One transaction per request: committed when the handler returns, rolled back on error.

    Always declare it as ``Depends(db, scope="function")``: FastAPI otherwise closes a yield
    dependency after the response is sent, so a client could read before the write commits (a
    redirect after sign-in raced its own session) and a failed commit would follow a 2xx."""
    # writes queue behind other writers; reads stay deferred so they never wait for a writer
    with request.app.state.store.begin(write=request.method in UNSAFE) as conn:
        yield conn


class _LazyConnection:
    """The request's transaction, begun on first use: a read answered from memos and caches
    never checks a connection out of the pool (nor pings it, nor begins and ends a transaction)."""

    def __init__(self, store: Store, write: bool, stack: ExitStack) -> None:
        self._store, self._write, self._stack = store, write, stack
        self._conn: Connection | None = None

    def __getattr__(self, name: str) -> Any:
        if self._conn is None:
            self._conn = self._stack.enter_context(self._store.begin(write=self._write))
        return getattr(self._conn, name)


async def in_transaction(request: Request, work: Callable[[Connection], T]) -> T:
    """`work(conn)` in one worker thread with the request's transaction (as `db` gives it),
    begun only if `work` touches the connection.

    For the hot cached reads: `Depends(db)` plus a sync handler costs three hops between the
    event loop and the thread pool (open, handler, close); this is one. Committed before the
    response goes out, like `db` with ``scope="function"``; rolled back on an error."""
    store, write = request.app.state.store, request.method in UNSAFE

    def run() -> T:
        with ExitStack() as stack:
            return work(cast(Connection, _LazyConnection(store, write, stack)))

    return await run_in_threadpool(run)


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
    """Look the caller up with a short-lived connection of its own, in one query.

    The app's middleware calls this before any dependency runs, so a request never holds two
    pooled connections at once (auth + its transaction) — under load that could exhaust the pool
    with every thread holding one connection and waiting for a second. The same query gives the
    home partner (which every permission check needs) and the store version (`seq`, for
    `liaison.web.memo`)."""
    token = _bearer(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if token is None and cookie is None:
        return None
    with store.connect() as conn:
        caller = auth.identify(conn, token=token, session=None if token else cookie or "")
    if caller is None:
        return None
    request.state.home = caller.home
    request.state.seq = caller.seq
    return caller.user


def _home_code(conn: Connection) -> str | None:
    from liaison.orbat.partners import get_self

    me = get_self(conn)
    return me.code if me else None


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


def home_partner(request: Request) -> str | None:
    """The server's own (`is_self`) partner code, looked up once per request."""
    if "home" not in request.state._state:
        with request.app.state.store.connect() as conn:
            request.state.home = _home_code(conn)
    return request.state.home


def actor_of(request: Request, user: User) -> Actor:
    """The signed-in user as the permission check sees them."""
    return Actor(user.username, user.role, user.partner, home_partner(request))


def check(request: Request, user: User, action: str, resource: Resource | None = None) -> None:
    """Ask `liaison.core.permissions.allowed`; refuse with the rule's status (403, or 404 where
    existence must not leak)."""
    who = actor_of(request, user)
    if not allowed(who, action, resource):
        status = deny_status(who, action, resource)
        raise HTTPException(status, "not found" if status == 404 else "not allowed")


def may(request: Request, action: str, resource: Resource | None = None) -> bool:
    """For templates: may the signed-in user (if any) do `action`? Nobody signed in may not."""
    user = optional_user(request)
    return user is not None and allowed(actor_of(request, user), action, resource)


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


def permit(action: str, *, page: bool = False) -> Callable[..., Any]:
    """Dependency: the signed-in user if `allowed` lets them do `action` on their own partner's
    material (handlers check other target partners with `check`). `page=True` sends a browser
    with no session to sign-in first."""

    async def api(request: Request, user: User = Depends(current_user)) -> User:
        check(request, user, action)
        return user

    async def page_dep(request: Request, user: User = Depends(page_user)) -> User:
        check(request, user, action)
        return user

    return page_dep if page else api


def _enrolled(request: Request, user: User) -> bool:
    """Is the user a trainee of the school (the School link's other reason to show)?"""
    from liaison.codebreak.training import get_trainee
    from liaison.core.errors import NotFoundError

    with request.app.state.store.connect() as conn:
        try:
            get_trainee(conn, user.username)
        except NotFoundError:
            return False
    return True


def render(request: Request, name: str, context: dict[str, Any] | None = None, **kw: Any) -> Any:
    """Render a page with the user, CSRF token and navigation available to every template."""
    user = optional_user(request)
    ctx = {
        "user": user,
        "csrf_token": user.csrf if user else "",
        "may": lambda action: may(request, action),
        "enrolled": lambda: user is not None and _enrolled(request, user),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, **kw)
