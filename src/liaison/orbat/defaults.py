"""A partner's own marking setting: what a new import is marked when nobody says otherwise.

The partner's most recently recorded observation carries the marking its material is kept under;
a partner with nothing recorded yet gets TLP:AMBER+STRICT (stays inside the organisation), so an
unmarked import is never released by a policy that lets TLP:AMBER go.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.markings import Marking
from liaison.store.schema.orbat import observation

FALLBACK = Marking("AMBER+STRICT")


def default_marking(conn: Connection, partner: str) -> Marking:
    o = observation.c
    row = conn.execute(
        sa.select(o.tlp, o.rel_to, o.orcon)
        .where(o.partner_code == partner)
        .order_by(o.recorded_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return FALLBACK
    rel = tuple(c for c in (row.rel_to or "").split(",") if c)
    return Marking(row.tlp, rel, bool(row.orcon))
