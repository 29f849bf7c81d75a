"""The dashboard: the first page after sign-in — pictures, the last meeting, open work, alerts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.web import auth
from liaison.web.deps import may, permit, render
from liaison.web.routers.meetings import DB
from liaison.web.scope import picture_for, visible_partners

router = APIRouter()


def pictures(conn: Connection, user: auth.User) -> list[dict[str, Any]]:
    """Unit counts per visible picture, each seen exactly as this user may see it."""
    out = []
    for code in visible_partners(conn, user):
        pic = picture_for(conn, user, code)
        latest = max((u.observed_at for u in pic.units.values() if u.observed_at), default=None)
        out.append({"partner": code, "units": len(pic.units), "latest": iso(latest)})
    return out


@router.get("/", include_in_schema=False)
def dashboard(
    request: Request,
    user: auth.User = Depends(permit("dashboard.read", page=True)),
    conn: Connection = DB,
) -> Response:
    ctx: dict[str, Any] = {"pictures": pictures(conn, user), "home": may(request, "meeting.read")}
    if ctx["home"]:  # meetings and alerts are the home partner's business (see routers/meetings)
        from liaison.web.routers.alerts import recent_alerts
        from liaison.web.routers.meetings import list_meetings

        meetings = list_meetings(conn)
        since, alerts = recent_alerts(conn, None)
        ctx.update(
            last=meetings[0] if meetings else None,
            open_meetings=[m for m in meetings if m["status"] == "open"],
            open_discrepancies=sum(
                m["progress"]["open"] for m in meetings if m["status"] == "open"
            ),
            alerts_since=iso(since),
            alerts_total=len(alerts),
            alerts=[a.to_dict() for a in alerts[:10]],
        )
    return render(request, "dashboard.html", ctx)
