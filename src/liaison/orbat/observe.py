"""Append-only facts: record an observation, retract one with a tombstone. Nothing is updated."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.core.markings import Marking
from liaison.orbat.partners import find_source, get_partner
from liaison.store import audit
from liaison.store.schema.orbat import observation, unit

FACTS = (
    "designation",
    "echelon",
    "branch",
    "parent_local_id",
    "sidc",
    "lat",
    "lon",
    "place",
    "equipment",
    "strength",
    "reliability",
    "credibility",
    "notes",
)


def fingerprint(
    facts: dict[str, Any], observed_at: str, marking: Marking, source_id: str | None
) -> str:
    """Content hash: the same report imported twice is the same fact, so it is stored once."""
    body = {k: facts.get(k) for k in FACTS}
    body.update(
        observed_at=observed_at,
        tlp=marking.tlp,
        rel_to=list(marking.rel_to),
        orcon=marking.orcon,
        source=source_id,
    )
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def unit_ids(conn: Connection, partner: str) -> dict[str, str]:
    """The partner's units: local id → internal id."""
    rows = conn.execute(sa.select(unit.c.local_id, unit.c.id).where(unit.c.partner_code == partner))
    return {r.local_id: r.id for r in rows}


def record(
    conn: Connection,
    partner: str,
    unit_id: str,
    *,
    valid_at: datetime,
    recorded_at: datetime | None = None,
    marking: Marking | None = None,
    source: str | None = None,
    actor: str = "cli",
    **facts: Any,
) -> str | None:
    """Record one observation of a partner's unit (created on first sight). Returns the new
    observation id, or None when the identical fact is already stored."""
    p = get_partner(conn, partner)
    unknown = set(facts) - set(FACTS) - {"parent_id"}
    if unknown:
        raise ValidationError(f"unknown fact(s): {', '.join(sorted(unknown))}")
    if "parent_id" in facts:
        facts["parent_local_id"] = facts.pop("parent_id")
    marking = marking or Marking()
    source_id = None
    if source:
        source_id, rel = find_source(conn, p.code, source)
        facts.setdefault("reliability", rel)
    ids = unit_ids(conn, p.code)
    internal = ids.get(unit_id)
    now = utcnow()
    if internal is None:
        if not facts.get("designation"):
            raise ValidationError(
                f"unit {unit_id!r} is new to {p.code}: its first observation needs a designation"
            )
        internal = new_id()
        conn.execute(
            unit.insert().values(id=internal, partner_code=p.code, local_id=unit_id, created_at=now)
        )
    fp = fingerprint(facts, iso(valid_at) or "", marking, source_id)
    if conn.execute(
        sa.select(observation.c.id).where(
            observation.c.unit_id == internal, observation.c.fingerprint == fp
        )
    ).first():
        return None
    oid = new_id()
    conn.execute(
        observation.insert().values(
            id=oid,
            unit_id=internal,
            partner_code=p.code,
            valid_at=valid_at,
            recorded_at=recorded_at or now,
            tlp=marking.tlp,
            rel_to=",".join(marking.rel_to),
            orcon=marking.orcon,
            source_id=source_id,
            fingerprint=fp,
            **{k: facts.get(k) for k in FACTS},
        )
    )
    audit.record(conn, actor, "observation.record", f"{p.code}/{unit_id}", {"observation": oid})
    return oid


def retract(
    conn: Connection,
    observation_id: str,
    reason: str,
    *,
    actor: str = "cli",
    recorded_at: datetime | None = None,
) -> str:
    """Retract an observation with a tombstone record; the original stays for history."""
    row = conn.execute(sa.select(observation).where(observation.c.id == observation_id)).first()
    if row is None:
        raise NotFoundError(f"no observation {observation_id}")
    if row.retracts is not None:
        raise ValidationError(
            "a retraction cannot itself be retracted; record a new observation instead"
        )
    fp = "retract:" + observation_id
    if conn.execute(sa.select(observation.c.id).where(observation.c.fingerprint == fp)).first():
        raise ValidationError(f"observation {observation_id} is already retracted")
    oid = new_id()
    now = recorded_at or utcnow()
    conn.execute(
        observation.insert().values(
            id=oid,
            unit_id=row.unit_id,
            partner_code=row.partner_code,
            valid_at=row.valid_at,
            recorded_at=now,
            retracts=observation_id,
            notes=reason,
            fingerprint=fp,
            tlp=row.tlp,
            rel_to=row.rel_to,
            orcon=row.orcon,
        )
    )
    audit.record(
        conn, actor, "observation.retract", observation_id, {"tombstone": oid, "reason": reason}
    )
    return oid
