"""Alerts over the web: what changed in the pictures since a time (default: the last closed meeting).

Alerts compare every partner's picture, so like meetings they are the home partner's business:
users of another partner get 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.core.errors import NotFoundError
from liaison.reconcile.alerts import ALERT_KINDS, Alert, alerts_since, atom
from liaison.web import auth
from liaison.web.deps import permit, render
from liaison.web.routers.meetings import DB, utc_or_422

router = APIRouter()
TAG = ["alerts"]


def recent_alerts(conn: Connection, since: datetime | None) -> tuple[datetime | None, list[Alert]]:
    """(since, alerts); (None, []) when no time is given and no meeting has closed yet."""
    since = utc_or_422(since, "since")
    try:
        return alerts_since(conn, since)
    except NotFoundError:
        if since is not None:
            raise
        return None, []


@router.get("/api/v1/alerts", tags=TAG)
def api_alerts(
    since: datetime | None = Query(None, description="default: the last closed meeting's snapshot"),
    kind: str | None = Query(None, max_length=20),
    _: auth.User = Depends(permit("alert.read")),
    conn: Connection = DB,
) -> dict[str, Any]:
    """Changes in every partner's picture since `since` (moved, new, gone, …)."""
    when, alerts = alerts_since(conn, utc_or_422(since, "since"))
    if kind:
        alerts = [a for a in alerts if a.kind == kind]
    return {"since": iso(when), "kinds": list(ALERT_KINDS), "alerts": [a.to_dict() for a in alerts]}


@router.get(
    "/api/v1/alerts.atom",
    tags=TAG,
    responses={200: {"content": {"application/atom+xml": {}}}},
)
def api_alerts_atom(
    since: datetime | None = Query(None, description="default: the last closed meeting's snapshot"),
    _: auth.User = Depends(permit("alert.read")),
    conn: Connection = DB,
) -> Response:
    """The same alerts as an Atom feed (for feed readers, with an API token)."""
    when, alerts = alerts_since(conn, utc_or_422(since, "since"))
    return Response(atom(alerts, when), media_type="application/atom+xml")


@router.get("/alerts", include_in_schema=False)
def alerts_page(
    request: Request,
    since: datetime | None = Query(None),
    _: auth.User = Depends(permit("alert.read", page=True)),
    conn: Connection = DB,
) -> Response:
    when, alerts = recent_alerts(conn, since)
    ctx = {"since": iso(when), "alerts": [a.to_dict() for a in alerts]}
    return render(request, "alerts.html", ctx)
