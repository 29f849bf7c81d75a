"""Collection requirements, the next meeting's agenda and the force-level view over the web.

A thin adapter over `liaison.reconcile.requirements`, `cadence` and `forces`. Like meetings, these
are the home partner's business: users of another partner get 404. Viewers read; analysts and
admins answer and close (plain forms carrying the CSRF token; every write is audited by the
library). References contain a slash (`PL/RFI-3`), so they travel as a query or form field.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from liaison.core.errors import LiaisonError
from liaison.orbat.partners import list_partners
from liaison.reconcile import cadence, requirements
from liaison.web import auth
from liaison.web.deps import render
from liaison.web.routers.meetings import DB, home_page_user, home_reader

router = APIRouter()
TAG = ["requirements"]
REF = r"^[A-Za-z0-9_-]{1,16}/RFI-\d{1,12}$"
CODE = r"^[A-Za-z0-9_-]{1,16}$"
NO_NUL = r"^[^\x00]*$"


def _can_write(user: auth.User) -> bool:
    return user.role in ("admin", "analyst")


@router.get("/api/v1/rfi", tags=TAG)
def api_list(
    status: Literal["open", "answered", "closed"] | None = None,
    partner: str | None = Query(None, alias="with", pattern=CODE),
    _: auth.User = Depends(home_reader),
    conn: Connection = DB,
) -> list[dict[str, Any]]:
    """Every collection requirement (ours and the partners'), newest first."""
    return requirements.list_requirements(conn, status=status, partner=partner)


@router.get("/api/v1/rfi/one", tags=TAG)
def api_show(
    ref: str = Query(..., pattern=REF),
    _: auth.User = Depends(home_reader),
    conn: Connection = DB,
) -> dict[str, Any]:
    """One requirement with its answers and the later observations that may answer it."""
    return requirements.show(conn, ref)


@router.get(
    "/rfi/export.{fmt}",
    include_in_schema=False,
)
def export(
    fmt: Literal["csv", "json"],
    status: Literal["open", "answered", "closed"] | None = None,
    _: auth.User = Depends(home_reader),
    conn: Connection = DB,
) -> Response:
    rows = requirements.list_requirements(conn, status=status)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return Response(
        requirements.export(rows, fmt),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="requirements.{fmt}"'},
    )


@router.get("/rfi", include_in_schema=False)
def rfi_page(
    request: Request,
    status: Literal["open", "answered", "closed"] | None = None,
    error: str | None = Query(None, max_length=500),
    done: str | None = Query(None, max_length=200),
    user: auth.User = Depends(home_page_user),
    conn: Connection = DB,
) -> Response:
    rows = requirements.list_requirements(conn, status=status)
    pend: dict[str, list[dict[str, Any]]] = {}
    for p in requirements.pending(conn):
        pend.setdefault(p["ref"], []).append(p)
    ctx = {
        "rows": rows,
        "pending": pend,
        "status": status,
        "can_write": _can_write(user),
        "error": error,
        "done": done,
    }
    return render(request, "rfi.html", ctx)


def _back(error: str | None = None, done: str | None = None) -> RedirectResponse:
    q = f"?error={quote(error)}" if error else f"?done={quote(done)}" if done else ""
    return RedirectResponse(f"/rfi{q}", status_code=303)


@router.post("/rfi/answer", include_in_schema=False)
def answer_form(
    ref: str = Form(..., pattern=REF),
    observation_id: str = Form("", max_length=36, pattern=NO_NUL),
    note: str = Form("", max_length=4000, pattern=NO_NUL),
    user: auth.User = Depends(home_page_user),
    conn: Connection = DB,
) -> Response:
    """Link a later observation (or every candidate) as the answer."""
    if not _can_write(user):
        raise HTTPException(403, "not allowed for this role")
    try:
        requirements.answer(
            conn, ref, observation_id=observation_id or None, note=note or None, actor=user.username
        )
    except LiaisonError as exc:
        return _back(error=str(exc))
    return _back(done=f"{ref} answered")


@router.post("/rfi/close", include_in_schema=False)
def close_form(
    ref: str = Form(..., pattern=REF),
    note: str = Form("", max_length=4000, pattern=NO_NUL),
    user: auth.User = Depends(home_page_user),
    conn: Connection = DB,
) -> Response:
    """Close a requirement we issued; the note says why."""
    if not _can_write(user):
        raise HTTPException(403, "not allowed for this role")
    try:
        requirements.close(conn, ref, note, actor=user.username)
    except LiaisonError as exc:
        return _back(error=str(exc))
    return _back(done=f"{ref} closed")


@router.get("/api/v1/agenda", tags=TAG)
def api_agenda(
    partner: str = Query(..., alias="with", pattern=CODE),
    _: auth.User = Depends(home_reader),
    conn: Connection = DB,
) -> dict[str, Any]:
    """The next meeting's agenda with a partner, ready before it opens."""
    return cadence.agenda(conn, partner)


@router.get("/agenda", include_in_schema=False)
def agenda_page(
    request: Request,
    partner: str | None = Query(None, alias="with", pattern=CODE),
    _: auth.User = Depends(home_page_user),
    conn: Connection = DB,
) -> Response:
    others = [p.code for p in list_partners(conn) if not p.is_self]
    chosen = partner or (others[0] if others else None)
    a = cadence.agenda(conn, chosen) if chosen else None
    ctx = {"agenda": a, "partners": others, "chosen": chosen, "schedules": cadence.schedules(conn)}
    return render(request, "agenda.html", ctx)


@router.get("/api/v1/forces", tags=TAG)
def api_forces(
    partner: str = Query(..., alias="with", pattern=CODE),
    level: Literal["front", "army"] = "front",
    measure: str = Query("strength", max_length=40, pattern=r"^[a-z0-9_]+$"),
    _: auth.User = Depends(home_reader),
    conn: Connection = DB,
) -> dict[str, Any]:
    """Totals by front or army, ours, theirs and agreed: this week against last, over time."""
    from liaison.reconcile import forces

    out = forces.view(conn, partner, level=level, measure=measure)
    out.pop("charts")
    return out


@router.get("/forces", include_in_schema=False)
def forces_page(
    request: Request,
    partner: str | None = Query(None, alias="with", pattern=CODE),
    level: Literal["front", "army"] = "front",
    measure: str = Query("strength", max_length=40, pattern=r"^[a-z0-9_]+$"),
    _: auth.User = Depends(home_page_user),
    conn: Connection = DB,
) -> Response:
    """What changed this week: the charts are SVG drawn here, no script."""
    from markupsafe import Markup

    from liaison.reconcile import forces

    others = [p.code for p in list_partners(conn) if not p.is_self]
    chosen = partner or (others[0] if others else None)
    v = forces.view(conn, chosen, level=level, measure=measure) if chosen else None
    charts = {k: Markup(svg) for k, svg in (v or {}).get("charts", {}).items()}  # noqa: S704 - our own SVG, every text escaped
    ctx = {"v": v, "charts": charts, "partners": others, "chosen": chosen}
    return render(request, "forces.html", ctx)
