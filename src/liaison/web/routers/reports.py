"""Reports in the browser: the list, one report with its attachments, and adding one (multipart,
each attachment capped at `attachment_limit()`).

Thin over `courier.kinds.reports` (`add_report`, `list_reports`, `attachment_content`), the calls
`liaison report add/list` make; `add_report` validates and audits. Reports are the home partner's
business: other partners' users get 404 (what they receive travels in pouches). Home viewers read;
home analysts and admins add. Attachments download as opaque files (never rendered in our origin).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from liaison.core.errors import LiaisonError
from liaison.core.markings import highest, parse_marking
from liaison.courier.kinds.reports import (
    ATTACHMENTS_PER_REPORT,
    Attachment,
    add_report,
    attachment_content,
    attachment_limit,
    list_reports,
)
from liaison.web import auth
from liaison.web.deps import db, page_user, render
from liaison.web.scope import is_home_user

router = APIRouter()
DB = Depends(db, scope="function")
CODE = r"^[A-Za-z0-9_-]{1,16}$"
LOCAL_ID = r"^[A-Za-z0-9_.:-]{1,64}$"
NO_NUL = r"^[^\x00]*$"


def may(conn: Connection, user: auth.User, action: str) -> bool:
    """'read' for any home user, 'add' for home analysts and admins; one function so a central
    authorization module can replace it."""
    if not is_home_user(conn, user):
        return False
    return action == "read" or user.role in ("admin", "analyst")


def _check(conn: Connection, user: auth.User, action: str) -> None:
    if not may(conn, user, "read"):
        raise HTTPException(404, "not found")
    if not may(conn, user, action):
        raise HTTPException(403, "not allowed for this role")


def _badged(r: dict[str, Any]) -> dict[str, Any]:
    m = parse_marking(r["marking"])
    return {**r, "tlp": m.tlp, "rel_to": list(m.rel_to), "orcon": m.orcon}


@router.get("/reports", include_in_schema=False)
def reports_page(
    request: Request,
    error: str | None = Query(None, max_length=500),
    done: str | None = Query(None, max_length=200),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    _check(conn, user, "read")
    rows = [_badged(r) for r in list_reports(conn)]
    ctx = {
        "rows": rows,
        "page_marking": highest(rows),
        "can_write": may(conn, user, "add"),
        "limit_mb": attachment_limit() / (1024 * 1024),
        "max_files": ATTACHMENTS_PER_REPORT,
        "error": error,
        "done": done,
    }
    return render(request, "reports.html", ctx)


def _one(conn: Connection, partner: str, report_id: str) -> dict[str, Any]:
    for r in list_reports(conn, partner):
        if r["report_id"] == report_id:
            return r
    raise HTTPException(404, f"no report {report_id!r} from {partner.upper()}")


@router.get("/reports/one", include_in_schema=False)
def report_page(
    request: Request,
    partner: str = Query(..., pattern=CODE),
    id: str = Query(..., pattern=LOCAL_ID),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    _check(conn, user, "read")
    r = _badged(_one(conn, partner, id))
    return render(request, "report.html", {"r": r, "page_marking": highest([r])})


@router.get("/reports/attachment", include_in_schema=False)
def attachment(
    partner: str = Query(..., pattern=CODE),
    id: str = Query(..., pattern=LOCAL_ID),
    name: str = Query(..., max_length=255, pattern=NO_NUL),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    _check(conn, user, "read")
    body = attachment_content(conn, partner, id, name)
    return Response(
        body,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


def _back(error: str | None = None, done: str | None = None) -> RedirectResponse:
    q = f"?error={quote(error)}" if error else f"?done={quote(done)}" if done else ""
    return RedirectResponse(f"/reports{q}", status_code=303)


@router.post("/reports", include_in_schema=False)
async def report_add(
    request: Request,
    report_id: str = Form(..., pattern=LOCAL_ID),
    title: str = Form(..., max_length=500, pattern=NO_NUL),
    body: str = Form("", max_length=1_000_000, pattern=NO_NUL),
    marking: str = Form("TLP:AMBER", max_length=200, pattern=NO_NUL),
    notes: str = Form("", max_length=10_000, pattern=NO_NUL),
    files: list[UploadFile] = File(default=[]),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    """Record one of our reports with its attachments; every problem comes back as a message."""
    _check(conn, user, "add")
    limit = attachment_limit()
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit * ATTACHMENTS_PER_REPORT + 2_200_000:
        raise HTTPException(413, "upload too large")
    atts: list[Attachment] = []
    for f in files:
        if not f.filename:
            continue  # the empty file input of a form sent without attachments
        data = await f.read(limit + 1)
        name = f.filename.replace("\\", "/").rsplit("/", 1)[-1]
        if len(data) > limit:
            return _back(error=f"attachment {name!r} is over the {limit:,}-byte limit")
        atts.append(Attachment(name, data, f.content_type or "application/octet-stream"))
    try:
        mk = parse_marking(marking)
    except ValueError as exc:
        return _back(error=f"marking: {exc}")
    try:
        with conn.begin_nested():  # a refused report leaves nothing behind
            add_report(
                conn,
                report_id,
                title,
                body,
                marking=mk,
                notes=notes or None,
                attachments=atts,
                actor=user.username,
            )
    except LiaisonError as exc:
        return _back(error=str(exc))
    return _back(done=f"Report {report_id} recorded with {len(atts)} attachment(s)")
