"""Error responses: an HTML page for a browser (it asked for text/html), JSON for everyone else.

A browser that meets a 404 or a 413 sees a page of ours, with the navigation home, instead of raw
JSON; scripts and the API keep `{"detail": …}`. The page is a template of its own that needs no
database (a 503 may mean the store is unreachable), and it is never cached.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from liaison.web.deps import templates

TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Not accepted",
    429: "Too many requests",
    500: "Server error",
    503: "Busy, try again",
}


def wants_html(request: Request) -> bool:
    """A browser navigating to a page, not a script or the API."""
    path = request.url.path
    if path.startswith(("/api/", "/taxii2")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(
    request: Request, status: int, detail: Any, headers: dict[str, str] | None = None
) -> Response:
    hdrs = {**(headers or {}), "Cache-Control": "no-store"}
    if not wants_html(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=hdrs)
    message = detail if isinstance(detail, str) else TITLES.get(status, "Error")
    ctx = {"status": status, "title": TITLES.get(status, "Error"), "message": message}
    body = templates.get_template("error.html").render(ctx)
    return HTMLResponse(body, status_code=status, headers=hdrs)
