"""Persons at risk: a protection flag (unaccompanied child, exposed collaborator, medical).

The flag lives in its own table, never on `Person`, so nothing that hands persons out can carry
it by accident. Only registrars and admins set, clear or see it. A protected person never
leaves the store: exports and pouches leave them out (`exclude`), and the planner seats their
group first. The audit log records who set or cleared a flag on which person id — not the kind.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import NotFoundError, ValidationError
from liaison.evac.people import Actor, require_role
from liaison.store import audit
from liaison.store.schema.evac import evac_person, evac_protection

KINDS = ("unaccompanied_child", "exposed_collaborator", "medical")
ROLES = frozenset({"registrar", "admin"})


def protect(conn: Connection, actor: Actor, person_id: str, kind: str) -> None:
    """Mark a person at risk (or change the kind)."""
    require_role(actor, ROLES, "marking a person at risk")
    if kind not in KINDS:
        raise ValidationError(f"protection {kind!r} is not one of {', '.join(KINDS)}")
    if (
        conn.execute(sa.select(evac_person.c.id).where(evac_person.c.id == person_id)).first()
        is None
    ):
        raise NotFoundError(f"no person {person_id!r} in the registry")
    conn.execute(evac_protection.delete().where(evac_protection.c.person_id == person_id))
    conn.execute(
        evac_protection.insert().values(
            person_id=person_id, kind=kind, set_by=actor.name, set_at=utcnow()
        )
    )
    audit.record(conn, actor.name, "evac.protection.set", person_id, {})


def unprotect(conn: Connection, actor: Actor, person_id: str) -> None:
    require_role(actor, ROLES, "clearing a protection flag")
    gone = conn.execute(
        evac_protection.delete().where(evac_protection.c.person_id == person_id)
    ).rowcount
    if not gone:
        raise NotFoundError(f"{person_id!r} carries no protection flag")
    audit.record(conn, actor.name, "evac.protection.clear", person_id, {})


def listing(conn: Connection, actor: Actor) -> list[dict[str, str]]:
    """The flags, for registrars and admins only; audited."""
    require_role(actor, ROLES, "seeing persons at risk")
    rows = conn.execute(sa.select(evac_protection).order_by(evac_protection.c.person_id)).all()
    audit.record(conn, actor.name, "evac.protection.list", "evac.protection", {"count": len(rows)})
    return [
        {"person_id": r.person_id, "kind": r.kind, "set_by": r.set_by, "set_at": iso(r.set_at)}
        for r in rows
    ]


def protected_ids(conn: Connection) -> set[str]:
    """Ids of persons at risk — for this package's filters (export, pouch, planner), unaudited."""
    return set(conn.execute(sa.select(evac_protection.c.person_id)).scalars())
