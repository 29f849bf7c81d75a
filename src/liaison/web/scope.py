"""What a signed-in user may see: partner scoping, deny by default.

A server belongs to one partner (the `is_self` partner). Its own users see everything the server
holds: our picture and every partner's picture as received. A user who belongs to another partner
(a liaison officer given an account here) sees that partner's own material and what our release
policy for that partner lets go — with the same rules as a pouch (TLP ceiling, REL TO, ORCON;
sources and notes stripped unless released; parent links to withheld units cut). Nothing else:
no third partner's material, ever. Every page and API route goes through these functions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from fastapi import HTTPException
from sqlalchemy.engine import Connection

from liaison.core.markings import parse_marking
from liaison.core.permissions import Actor, Resource, allowed
from liaison.courier.policy import Policy, releasable
from liaison.courier.pouch import get_policy
from liaison.orbat.model import Picture
from liaison.orbat.partners import get_self, list_partners
from liaison.orbat.picture import get_picture, history
from liaison.orbat.sources import user_compartments
from liaison.web.auth import User
from liaison.web.memo import remembered


def home_partner(conn: Connection) -> str | None:
    def read() -> str | None:
        s = get_self(conn)
        return s.code if s else None

    return remembered(("home",), read)


def partner_codes(conn: Connection) -> tuple[str, ...]:
    """Every partner's code, sorted."""
    return remembered(("partners",), lambda: tuple(sorted(p.code for p in list_partners(conn))))


def policy_for(conn: Connection, partner: str) -> Policy | None:
    """Our release policy for `partner` (None: nothing is released to them)."""
    return remembered(("policy", partner), lambda: get_policy(conn, partner))


def compartments_of(conn: Connection, username: str) -> frozenset[str]:
    """The compartments a user is read into."""
    return remembered(
        ("compartments", username), lambda: frozenset(user_compartments(conn, username))
    )


def is_home_user(conn: Connection, user: User) -> bool:
    return actor(conn, user).is_home


def actor(conn: Connection, user: User) -> Actor:
    """The user as `liaison.core.permissions` sees them."""
    return Actor(user.username, user.role, user.partner, home_partner(conn))


def visible_partners(conn: Connection, user: User) -> list[str]:
    """Partner codes whose pictures this user may open (`allowed(…, "picture.read", …)`): the
    user's own first."""
    who = actor(conn, user)
    released = policy_for(conn, user.partner) is not None
    codes = partner_codes(conn)
    ok = [c for c in codes if allowed(who, "picture.read", Resource(partner=c, released=released))]
    return sorted(ok, key=lambda c: (c != user.partner, c != who.home, c))


def check_partner(conn: Connection, user: User, partner: str) -> str:
    """The partner code (upper case) if visible; 404 otherwise, so existence is not revealed."""
    code = partner.upper()
    if code not in visible_partners(conn, user):
        raise HTTPException(status_code=404, detail=f"no picture {code!r} for you")
    return code


def picture_for(
    conn: Connection,
    user: User,
    partner: str,
    valid_at: datetime | None = None,
    recorded_at: datetime | None = None,
    *,
    without_burned: bool = False,
) -> Picture:
    """The partner's picture as this user may see it (released view for other partners). A
    compartmented source is named only to a home user read into its compartment."""
    code = check_partner(conn, user, partner)
    home = is_home_user(conn, user)
    pic = get_picture(
        conn,
        code,
        valid_at=valid_at,
        recorded_at=recorded_at,
        compartments=compartments_of(conn, user.username) if home else (),
        without_burned=without_burned,
    )
    if code == user.partner or home:
        return pic
    policy = policy_for(conn, user.partner)
    ok = {uid for uid, u in pic.units.items() if releasable(u.marking, policy)}
    units = {}
    for uid in ok:
        u = pic.units[uid]
        units[uid] = replace(
            u,
            parent_id=u.parent_id if u.parent_id in ok else None,
            source=u.source if policy and policy.release_sources else None,
            notes=u.notes if policy and policy.release_notes else None,
            equipment=dict(u.equipment),
        )
    return Picture(partner=code, units=units, valid_at=valid_at, recorded_at=recorded_at)


def history_for(conn: Connection, user: User, partner: str, unit_id: str) -> list[dict[str, Any]]:
    """A unit's observations as this user may see them; 404 for units outside the user's view."""
    code = check_partner(conn, user, partner)
    if is_home_user(conn, user):
        return history(conn, code, unit_id, compartments=compartments_of(conn, user.username))
    if code == user.partner:
        return history(conn, code, unit_id)
    seen = picture_for(conn, user, code).units
    if unit_id not in seen:
        raise HTTPException(status_code=404, detail=f"no unit {unit_id!r} for you")
    policy = policy_for(conn, user.partner)
    out = []
    for h in history(conn, code, unit_id):
        if h["kind"] != "observation" or not releasable(parse_marking(h["marking"]), policy):
            continue
        if not (policy and policy.release_sources):
            h["source"] = None
        if not (policy and policy.release_notes):
            h["notes"] = None
        if h["parent_id"] not in seen:
            h["parent_id"] = None
        out.append(h)
    return out
