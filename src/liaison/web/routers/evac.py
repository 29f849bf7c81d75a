"""Evacuation pages: the public seal verifier and the tracking dashboard for signed-in users.

The verifier page is public (no sign-in) and checks seals in the browser (static/verify/*.js)
against the signed trust and revocation lists served here as files; it never touches the
registry. The dashboard shows group ids and head counts only. Persons are personal data: only the
server's own partner's users see them, and the library checks the role and writes the audit entry.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.engine import Connection

from liaison.evac import care, people, registry, tracking
from liaison.web import auth
from liaison.web.deps import check, db, permit, render
from liaison.web.scope import is_home_user

router = APIRouter()

TRUST_FILES = ("trust.json", "revocations.json", "root.json")


def trust_dir(request: Request) -> Path:
    """Where `liaison evac trust --web DIR` wrote the lists: app.state.evac_trust_dir,
    LIAISON_EVAC_TRUST_DIR, or `evac-trust/` next to the default SQLite file."""
    configured = getattr(request.app.state, "evac_trust_dir", None) or os.environ.get(
        "LIAISON_EVAC_TRUST_DIR"
    )
    if configured:
        return Path(configured)
    from liaison.store.engine import default_sqlite_path

    return default_sqlite_path().parent / "evac-trust"


@router.get("/evac/verify", include_in_schema=False)
def verify_page(request: Request) -> Response:
    """Public: no sign-in, no lookup of persons — the seal is checked in the browser."""
    return render(request, "evac/verify.html")


@router.get("/evac/trust/{name}", include_in_schema=False)
def trust_file(name: str, request: Request) -> FileResponse:
    if name not in TRUST_FILES:
        raise HTTPException(status_code=404, detail="no such list")
    path = trust_dir(request) / name
    if not path.is_file():
        raise HTTPException(
            status_code=404, detail=f"{name} not published (liaison evac trust --web DIR)"
        )
    return FileResponse(path, media_type="application/json", headers={"Cache-Control": "no-store"})


def _board(conn: Connection, today: date | None, user: auth.User) -> dict[str, object]:
    """Group ids, places and times for the home partner's users; counts only for the others."""
    board = tracking.status(conn, today or date.today(), people.travel_groups(conn))
    return board if is_home_user(conn, user) else tracking.counts_only(board)


@router.get("/api/v1/evac/status")
def status_api(
    today: date | None = None,
    user: auth.User = Depends(permit("evac.status")),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, object]:
    """Where everyone is (group ids and head counts): arrived, by leg, at a place, overdue."""
    return _board(conn, today, user)


@router.get("/api/v1/evac/journey")
def journey_api(
    today: date | None = None,
    user: auth.User = Depends(permit("evac.status")),
    conn: Connection = Depends(db, scope="function"),
) -> dict[str, object]:
    """From departure to care, in numbers only (registered, documented, seated, arrived,
    received, by onward status and destination): the same for every signed-in user."""
    return care.journey(conn, today or date.today())


@router.get("/evac/status", include_in_schema=False)
def status_page(
    request: Request,
    today: date | None = None,
    user: auth.User = Depends(permit("evac.status", page=True)),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    return render(
        request,
        "evac/status.html",
        {"board": _board(conn, today, user), "journey": care.journey(conn, today or date.today())},
    )


def _home_actor(request: Request, user: auth.User) -> people.Actor:
    """The registry is for this server's own users (`evac.persons`); the library then checks the
    evacuation role and audits."""
    check(request, user, "evac.persons")
    return people.Actor(user.username, user.role)


@router.get("/api/v1/evac/persons")
def persons_api(
    request: Request,
    user: auth.User = Depends(permit("evac.persons")),
    conn: Connection = Depends(db, scope="function"),
) -> list[dict[str, object]]:
    """Persons, for the home partner's users whose role may read them (SecurityError → 403);
    the listing is audited with the user's name."""
    ps = people.list_persons(conn, _home_actor(request, user), purpose="web")
    return [
        {
            "person_id": p.person_id,
            "surname": p.surname,
            "given_names": p.given_names,
            "surname_icao": p.surname_icao,
            "given_names_icao": p.given_names_icao,
            "birth_date": p.birth_date.isoformat(),
            "group": p.family_id,
            "status": p.status,
        }
        for p in ps
    ]


@router.get("/api/v1/evac/persons.csv")
def persons_csv(
    request: Request,
    user: auth.User = Depends(permit("evac.persons")),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    """The persons CSV export: roles registrar or admin only; audited as an export."""
    actor = _home_actor(request, user)
    people.require_role(actor, people.EXPORT_ROLES, "exporting persons")
    buf = io.StringIO()
    registry.write_rows(
        people.exportable(conn, people.list_persons(conn, actor, purpose="export")), buf
    )
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="persons.csv"'},
    )
