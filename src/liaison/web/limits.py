"""Request bodies: capped while they stream in, and not read at all before the caller is known.

`BodyLimit` is an ASGI middleware: a request whose Content-Length is over the cap gets 413 before a
byte of its body is read; a chunked (or lying) body is counted as it streams and refused with 413 the
moment it passes the cap, so nothing beyond the cap is ever buffered. The unit-file import routes
have a larger cap than everything else.

`before_body` runs in the app's middleware once the session or API token is looked up (headers
only): a change (POST, PUT, PATCH, DELETE) from nobody signed in is refused 401, and one riding on
a session cookie must carry its CSRF token in the `X-CSRF-Token` header or come from our own
origin (`Origin`, else `Referer`) — all before the body is read.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.middleware import body_limit as _starlette_limit
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liaison.web.auth import User
from liaison.web.deps import UNSAFE
from liaison.web.errors import error_response

DEFAULT_MAX = 1024 * 1024
#: Path prefixes with a larger cap (the import routes take up to imports.MAX_BYTES of file).
LARGE = {"/api/v1/imports": 21 * 1024 * 1024}
#: Changes that need no session: signing in; TAXII checks its own token (it must send one).
NO_SESSION = ("/login",)
OWN_TOKEN = ("/taxii2",)


#: FastAPI turns an error while reading a body into 400 unless it is Starlette's own body-limit
#: error (and the scope carries the limit): ours is one, so it stays a 413 for our error pages.
_LimitError: type[HTTPException] = getattr(_starlette_limit, "_RequestBodyTooLarge", HTTPException)


class BodyTooLarge(_LimitError):  # type: ignore[valid-type,misc]
    def __init__(self, cap: int) -> None:
        HTTPException.__init__(self, 413, f"request body too large: the limit is {cap // 1024} KiB")


def cap_for(path: str, limits: dict[str, int] | None = None) -> int:
    for prefix, cap in (limits or LARGE).items():
        if path.startswith(prefix):
            return cap
    return DEFAULT_MAX


class BodyLimit:
    def __init__(self, app: ASGIApp, limits: dict[str, int] | None = None) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = cap_for(scope["path"], self.limits)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > cap):
            request = Request(scope)
            status = 413 if length.isdigit() else 400
            detail = BodyTooLarge(cap).detail if status == 413 else "bad Content-Length"
            await error_response(request, status, detail, {"Connection": "close"})(
                scope, receive, send
            )
            return
        scope[_starlette_limit.MAX_BODY_SIZE_SCOPE_KEY] = cap
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise BodyTooLarge(cap)
            return message

        await self.app(scope, counted, send)


def _same_origin(request: Request) -> bool:
    sent = request.headers.get("origin") or request.headers.get("referer")
    if not sent or sent == "null":
        return False
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return urlsplit(sent).netloc.lower() == host.lower()


def before_body(request: Request, user: User | None) -> Response | None:
    """A refusal for a change that must not get as far as its body, or None to go on."""
    if request.method not in UNSAFE or request.url.path.startswith(NO_SESSION):
        return None
    if request.url.path.startswith(OWN_TOKEN):
        if request.headers.get("authorization"):
            return None
        return error_response(request, 401, "a valid token is required", _bearer())
    if user is None:
        return error_response(request, 401, "sign in required", _bearer())
    if user.via != "session":
        return None
    sent = request.headers.get("x-csrf-token")
    if sent is not None:
        if sent and secrets.compare_digest(sent, user.csrf):
            return None
        return error_response(request, 403, "missing or wrong CSRF token")
    if not _same_origin(request):
        return error_response(request, 403, "a change must come from this site's own pages")
    return None  # the form's own csrf_token is still checked when the form is read


def _bearer() -> dict[str, Any]:
    return {"WWW-Authenticate": "Bearer"}
