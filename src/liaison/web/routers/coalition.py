"""Coalition meetings over the web: the queue each participant works, positions, signatures.

A thin adapter over `liaison.courier.coalition_meetings` and `liaison.reconcile.coalition_meeting`.
Like two-party meetings, these are the home partner's business (`meeting.read`/`meeting.write`:
404 to users of other partners). Viewers read; analysts state the home partner's positions with a
plain form carrying the CSRF token (audited by the library). Opening and closing stay on the CLI.
References contain a slash (`PL/C1`), so they travel as a query or form field.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from liaison.core.clock import utcnow
from liaison.core.errors import LiaisonError
from liaison.courier import coalition_meetings as ccm
from liaison.courier.keyring import self_code
from liaison.reconcile import coalition_meeting as co
from liaison.web import auth
from liaison.web.deps import may, permit, render
from liaison.web.routers.meetings import DB

reader = permit("meeting.read")
page_user = permit("meeting.read", page=True)
page_writer = permit("meeting.write", page=True)

router = APIRouter()
TAG = ["coalition"]
REF = r"^[A-Za-z0-9_-]{1,16}/C\d{1,12}$"
NO_NUL = r"^[^\x00]*$"
POSITION = r"^([A-Za-z0-9_-]{1,16}|neither|defer)$"
Status = Literal["agreed", "disputed", "pending"]


@router.get("/api/v1/coalition", tags=TAG)
def api_list(_: auth.User = Depends(reader), conn: Connection = DB) -> list[dict[str, Any]]:
    """Every coalition meeting held here: participants, inputs, items by status, signatures."""
    return ccm.list_meetings(conn)


@router.get("/api/v1/coalition/one", tags=TAG)
def api_one(
    ref: str = Query(..., pattern=REF),
    status: Status | None = None,
    _: auth.User = Depends(reader),
    conn: Connection = DB,
) -> dict[str, Any]:
    """One coalition meeting with its queue: who disagrees, every participant's position."""
    st = ccm.state(conn, ref)
    m = co.by_ref(conn, ref)
    its = co.items(conn, m) if m.queue_digest else []
    return {**st, "queue": [it for it in its if status is None or it["status"] == status]}


@router.get("/coalition", include_in_schema=False)
def page(
    request: Request,
    ref: str | None = Query(None, pattern=REF),
    status: Status | None = None,
    error: str | None = Query(None, max_length=500),
    done: str | None = Query(None, max_length=200),
    _: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    meetings = ccm.list_meetings(conn)
    one = api_one(ref, status, _, conn) if ref else None
    ctx = {
        "meetings": meetings,
        "one": one,
        "status": status,
        "me": self_code(conn),
        "can_write": may(request, "meeting.write"),
        "error": error,
        "done": done,
    }
    return render(request, "coalition.html", ctx)


@router.post("/coalition/position", include_in_schema=False)
def position_form(
    ref: str = Form(..., pattern=REF),
    key: str = Form(..., max_length=450, pattern=NO_NUL),
    position: str = Form(..., pattern=POSITION),
    comment: str = Form("", max_length=4000, pattern=NO_NUL),
    user: auth.User = Depends(page_writer),
    conn: Connection = DB,
) -> Response:
    """State the home partner's position on one item; it travels with the next pouches."""
    back = f"/coalition?ref={quote(ref)}"
    try:
        m = co.by_ref(conn, ref)
        co.take_position(
            conn,
            m,
            self_code(conn),
            key,
            position,
            comment=comment or None,
            actor=user.username,
            now=utcnow(),
        )
    except LiaisonError as exc:
        return RedirectResponse(f"{back}&error={quote(str(exc))}", status_code=303)
    return RedirectResponse(f"{back}&done={quote(f'{key}: {position}')}", status_code=303)
