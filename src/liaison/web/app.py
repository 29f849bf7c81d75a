"""The web app factory: one FastAPI app per store, routers listed in ROUTERS.

Cross-cutting rules live here: user errors become 4xx with the message (never a traceback), a page
request without a session is redirected to sign-in, and every response carries security headers
(a strict Content-Security-Policy: scripts only from our own vendored files).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liaison.core.errors import ConflictError, LiaisonError, NotFoundError, SecurityError, StoreBusy
from liaison.store import open_store
from liaison.store.engine import Store
from liaison.web import auth, memo
from liaison.web.deps import UNSAFE, SignInRedirect, resolve_user
from liaison.web.errors import error_response
from liaison.web.limits import BodyLimit, before_body
from liaison.web.memo import SeqMemo

#: Router modules under ``liaison.web.routers``; each exposes ``router: APIRouter``.
ROUTERS: list[str] = [
    "health",
    "session",
    "admin",
    "dashboard",
    "pictures",
    "imports",
    "evac",
    "train",
]

ROUTERS += ["meetings", "alerts"]  # the meeting queue, minutes and alerts
ROUTERS += ["osint"]  # open-source review
ROUTERS += ["units"]  # search and the unit page
ROUTERS += ["rfi"]  # collection requirements, agenda, force-level view
ROUTERS += ["sources"]  # sources as people, compartments enforced (issue 23)
ROUTERS += ["traffic"]  # radio traffic: nets, inferences, DF fixes
ROUTERS += ["exports"]  # exports page: pictures and STIX
ROUTERS += ["release"]  # release policy per partner
ROUTERS += ["reports"]  # reports with attachments
ROUTERS += ["intercepts"]  # intercepts: add, solve, solutions
ROUTERS += ["pouches"]  # pouch outbox and inbox
ROUTERS += ["coalition"]  # coalition meetings: N participants (issue 23)
STATIC = Path(__file__).parent / "static"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)


class TokenPartners(Mapping[str, str]):
    """API token → partner code, looked up in the store; lets the TAXII router use web tokens."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __getitem__(self, token: str) -> str:
        with self.store.connect() as conn:
            user = auth.token_user(conn, token)
        if user is None:
            raise KeyError(token)
        return user.partner

    def __contains__(self, token: object) -> bool:
        if not isinstance(token, str):
            return False
        try:
            self[token]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())  # tokens are never listed

    def __len__(self) -> int:
        return 0


class Guard:
    """Every request: NUL refused, the caller looked up (before any body is read), a change
    without its session or CSRF proof refused, and security headers on every response.

    A plain ASGI middleware (not Starlette's `BaseHTTPMiddleware`, which runs the app in a task
    of its own with streams in between — a sizeable share of a cached read's CPU). A signed-in
    safe request gets the store version for `liaison.web.memo`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        path = request.url.path
        api = path.startswith(("/api/", "/taxii2")) or path in ("/login",)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                if api:
                    headers.setdefault("Cache-Control", "no-store")
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Cache-Control"] = "no-store"  # Back after sign-out shows no data
            await send(message)

        # NUL is never meaningful in a path or query, and PostgreSQL text cannot hold it
        if "%00" in request.url.query or "\x00" in path:
            nul = JSONResponse({"detail": "NUL characters are not allowed"}, status_code=400)
            await nul(scope, receive, send_with_headers)
            return
        facts = None
        if not path.startswith("/static/"):
            store = request.app.state.store
            user = await run_in_threadpool(resolve_user, store, request)
            request.state.user = user
            refused = before_body(request, user)  # headers only: body unread
            if refused is not None:
                await refused(scope, receive, send_with_headers)
                return
            if user is not None and request.method not in UNSAFE:
                facts = memo.begin(memo.Facts(request.state.seq, request.app.state.memo))
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if facts is not None:
                memo.end(facts)


def create_app(store_url: str | None = None, *, store: Store | None = None) -> FastAPI:
    """Build the app; the store is opened once and shared through ``app.state.store``."""
    app = FastAPI(
        title="Liaison",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store or open_store(store_url)
    app.state.limiter = auth.SignInLimiter()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for name in ROUTERS:
        module = importlib.import_module(f"liaison.web.routers.{name}")
        app.include_router(module.router)

    from liaison.courier.taxii import make_router

    app.include_router(make_router(lambda: app.state.store, TokenPartners(app.state.store)))

    @app.exception_handler(SignInRedirect)
    async def _to_login(request: Request, exc: SignInRedirect) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)

    @app.exception_handler(LiaisonError)
    async def _user_error(request: Request, exc: LiaisonError) -> Response:
        if isinstance(exc, StoreBusy):  # other writers held the store: nothing written, retry
            headers = {"Retry-After": str(exc.retry_after)}
            return error_response(request, 503, str(exc), headers)
        status = 422
        if isinstance(exc, NotFoundError):
            status = 404
        elif isinstance(exc, ConflictError):
            status = 409
        elif isinstance(exc, SecurityError):
            status = 403
        return error_response(request, status, str(exc))

    @app.exception_handler(DataError)
    async def _bad_value(request: Request, exc: DataError) -> Response:
        # the database refused a value the client sent (NUL in text, a number out of range)
        return error_response(request, 422, "a value in the request is not allowed")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, exc.detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        from fastapi.encoders import jsonable_encoder

        return error_response(request, 422, jsonable_encoder(exc.errors()))

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception) -> Response:
        # the traceback goes to the server's log (Starlette re-raises), never to the client
        return error_response(request, 500, "something went wrong on the server")

    app.state.memo = SeqMemo()
    app.add_middleware(Guard)
    app.add_middleware(BodyLimit)  # outermost: counts the body before anything reads it

    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and multi-worker serving: the store from the environment."""
    return create_app()
