"""Sources over the web: the home partner's users see the sources they are read into, as people
(aliases, cover names, handler, intermediaries, burned or not). A source in a compartment the
user lacks is absent — from this list, from pictures and from unit histories (`web.scope`).
Users of another partner get 404: sources never leave, not even to a liaison officer's account.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from liaison.orbat import sources
from liaison.web import auth
from liaison.web.routers.meetings import DB, home_reader

router = APIRouter()


@router.get("/api/v1/sources/{partner}", tags=["sources"])
def list_sources(
    partner: str, user: auth.User = Depends(home_reader), conn: Any = DB
) -> list[dict[str, Any]]:
    """The partner's sources this user is cleared for."""
    return sources.visible_sources(conn, partner, sources.user_compartments(conn, user.username))
