"""Sources as people, and burned sources.

A source is a person (or a post) with aliases and cover names, a handler and a chain of
intermediaries, and possibly a compartment. Compartments are enforced: a user not read into a
source's compartment sees neither the source nor its codename (`visible_sources`, and pictures
built with `compartments=` — without them a picture never names a compartmented source). None of
it ever leaves the store: no pouch, export or partner page reads the tables kept here.

A burned source (`burn`) is one found compromised: every observation derived from it (from
`since`, by valid time) and every intercept it produced is flagged and re-graded (reliability F
unless the analyst sets another), the pictures show the new grading (or leave those facts out
with `without_burned`), alerts say which units changed, and each partner that received derived
items gets a signed notice naming the items — never the source (`courier.kinds.burns`).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.core.grading import parse_reliability
from liaison.core.ids import new_id
from liaison.orbat.partners import get_partner
from liaison.store import audit
from liaison.store.schema.codebreak import intercept
from liaison.store.schema.orbat import observation, source, unit
from liaison.store.schema.sources import (
    burned_item,
    source_alias,
    source_burn,
    source_person,
    user_compartment,
)

ALIAS_KINDS = ("alias", "cover")


def cli_user() -> str:
    """Who runs the CLI, for compartment checks: LIAISON_USER, else the login name."""
    return os.environ.get("LIAISON_USER") or os.environ.get("USER") or "cli"


# ---- compartments ------------------------------------------------------------------------------
def grant(conn: Connection, username: str, compartment: str, *, actor: str = "cli") -> None:
    """Read `username` into `compartment`."""
    c = compartment.strip()
    if not c or not username.strip():
        raise ValidationError("a grant needs a user and a compartment")
    if compartment in user_compartments(conn, username):
        raise ConflictError(f"{username} is already read into {c}")
    conn.execute(
        user_compartment.insert().values(username=username, compartment=c, granted_at=utcnow())
    )
    audit.record(conn, actor, "compartment.grant", username, {"compartment": c})


def revoke(conn: Connection, username: str, compartment: str, *, actor: str = "cli") -> None:
    n = conn.execute(
        user_compartment.delete().where(
            user_compartment.c.username == username,
            user_compartment.c.compartment == compartment,
        )
    ).rowcount
    if not n:
        raise NotFoundError(f"{username} is not read into {compartment}")
    audit.record(conn, actor, "compartment.revoke", username, {"compartment": compartment})


def user_compartments(conn: Connection, username: str) -> set[str]:
    return {
        r.compartment
        for r in conn.execute(
            sa.select(user_compartment.c.compartment).where(user_compartment.c.username == username)
        )
    }


def _visible(compartment: str | None, compartments: Collection[str]) -> bool:
    return compartment is None or compartment in compartments


def _source_row(
    conn: Connection, partner: str, codename: str, compartments: Collection[str] | None
) -> Any:
    """The source, or NotFoundError — also when the user is not read into its compartment, with
    the same message, so its existence is not revealed. None for `compartments`: no check (the
    library's own callers)."""
    p = get_partner(conn, partner)
    row = conn.execute(
        sa.select(source).where(source.c.partner_code == p.code, source.c.codename == codename)
    ).first()
    if row is None or (compartments is not None and not _visible(row.compartment, compartments)):
        raise NotFoundError(f"no source {codename!r} for partner {p.code}")
    return row


# ---- people ------------------------------------------------------------------------------------
def set_person(
    conn: Connection,
    partner: str,
    codename: str,
    *,
    handler: str | None = None,
    intermediaries: Iterable[str] | None = None,
    compartments: Collection[str] | None = None,
    actor: str = "cli",
) -> None:
    """Record who handles the source and through whom its reports come (None: unchanged)."""
    row = _source_row(conn, partner, codename, compartments)
    old = conn.execute(sa.select(source_person).where(source_person.c.source_id == row.id)).first()
    chain = [x.strip() for x in intermediaries] if intermediaries is not None else None
    if chain is not None and not all(chain):
        raise ValidationError("an intermediary needs a name")
    values = {
        "handler": handler if handler is not None else (old.handler if old else None),
        "intermediaries": chain if chain is not None else (old.intermediaries if old else None),
        "updated_at": utcnow(),
    }
    if old is None:
        conn.execute(source_person.insert().values(source_id=row.id, **values))
    else:
        conn.execute(
            source_person.update().where(source_person.c.source_id == row.id).values(**values)
        )
    audit.record(conn, actor, "source.person", row.id, {})  # never the names themselves


def add_alias(
    conn: Connection,
    partner: str,
    codename: str,
    alias: str,
    kind: str = "alias",
    *,
    compartments: Collection[str] | None = None,
    actor: str = "cli",
) -> None:
    if kind not in ALIAS_KINDS:
        raise ValidationError(f"an alias is one of {', '.join(ALIAS_KINDS)}, got {kind!r}")
    if not alias.strip():
        raise ValidationError("an alias needs a name")
    row = _source_row(conn, partner, codename, compartments)
    if conn.execute(
        sa.select(source_alias.c.id).where(
            source_alias.c.source_id == row.id, source_alias.c.alias == alias
        )
    ).first():
        raise ConflictError(f"{codename} already has the {kind} {alias!r}")
    conn.execute(
        source_alias.insert().values(source_id=row.id, alias=alias, kind=kind, created_at=utcnow())
    )
    audit.record(conn, actor, "source.alias", row.id, {"kind": kind})


def visible_sources(
    conn: Connection, partner: str, compartments: Collection[str]
) -> list[dict[str, Any]]:
    """A partner's sources a user read into `compartments` may see, as people: aliases, cover
    names, handler, intermediaries, and whether burned. The others are simply absent."""
    p = get_partner(conn, partner)
    out = []
    for r in conn.execute(
        sa.select(source).where(source.c.partner_code == p.code).order_by(source.c.codename)
    ):
        if not _visible(r.compartment, compartments):
            continue
        person = conn.execute(
            sa.select(source_person).where(source_person.c.source_id == r.id)
        ).first()
        aliases = list(
            conn.execute(
                sa.select(source_alias.c.alias, source_alias.c.kind)
                .where(source_alias.c.source_id == r.id)
                .order_by(source_alias.c.id)
            )
        )
        burned = conn.execute(
            sa.select(source_burn.c.burned_at, source_burn.c.reliability)
            .where(source_burn.c.source_id == r.id)
            .order_by(source_burn.c.burned_at.desc())
        ).first()
        out.append(
            {
                "codename": r.codename,
                "kind": r.kind,
                "reliability": burned.reliability if burned else r.reliability,
                "compartment": r.compartment,
                "aliases": [a.alias for a in aliases if a.kind == "alias"],
                "cover_names": [a.alias for a in aliases if a.kind == "cover"],
                "handler": person.handler if person else None,
                "intermediaries": list(person.intermediaries or []) if person else [],
                "burned_at": iso(burned.burned_at) if burned else None,
            }
        )
    return out


def secret_strings(conn: Connection) -> set[str]:
    """Every codename of a compartmented source, alias, cover name, handler and intermediary
    this store holds: what must never appear in anything that leaves (used by tests and by
    `liaison source check-pouch`)."""
    out = {
        r.codename
        for r in conn.execute(sa.select(source.c.codename).where(source.c.compartment.is_not(None)))
    }
    out |= {r.alias for r in conn.execute(sa.select(source_alias.c.alias))}
    for r in conn.execute(sa.select(source_person.c.handler, source_person.c.intermediaries)):
        out |= {r.handler} if r.handler else set()
        out |= set(r.intermediaries or [])
    return out


# ---- burning -----------------------------------------------------------------------------------
@dataclass
class Burn:
    burn_id: str
    partner: str
    reliability: str
    observations: int
    intercepts: int
    units: list[str] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "burn_id": self.burn_id,
            "partner": self.partner,
            "reliability": self.reliability,
            "observations": self.observations,
            "intercepts": self.intercepts,
            "units": self.units,
            "alerts": self.alerts,
        }


def burn(
    conn: Connection,
    partner: str,
    codename: str,
    reason: str,
    *,
    since: datetime | None = None,
    reliability: str = "F",
    compartments: Collection[str] | None = None,
    actor: str = "cli",
) -> Burn:
    """Burn a source: flag and re-grade what it produced (see the module docstring)."""
    if not reason.strip():
        raise ValidationError("burning a source needs a --reason")
    try:
        grade = parse_reliability(reliability)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    row = _source_row(conn, partner, codename, compartments)
    obs_q = sa.select(observation.c.id, observation.c.unit_id).where(
        observation.c.source_id == row.id, observation.c.retracts.is_(None)
    )
    if since is not None:
        obs_q = obs_q.where(observation.c.valid_at >= since)
    obs = list(conn.execute(obs_q))
    icp = list(conn.execute(sa.select(intercept.c.id).where(intercept.c.source_id == row.id)))
    if not obs and not icp:
        raise ValidationError(f"source {codename!r} produced nothing to burn (since {iso(since)})")
    from liaison.orbat.picture import get_picture

    before = get_picture(conn, row.partner_code)
    now = utcnow()
    bid = new_id()
    conn.execute(
        source_burn.insert().values(
            id=bid,
            partner_code=row.partner_code,
            source_id=row.id,
            since=since,
            reliability=grade,
            reason=reason,
            burned_at=now,
        )
    )
    flag(conn, bid, [("observation", o.id) for o in obs] + [("intercept", i.id) for i in icp])
    after = get_picture(conn, row.partner_code)
    alerts = regraded(before, after)
    units = sorted(
        {r.local_id for r in conn.execute(
            sa.select(unit.c.local_id).where(unit.c.id.in_({o.unit_id for o in obs}))
        )}
    )  # fmt: skip
    audit.record(
        conn,
        actor,
        "source.burn",
        row.id,  # the source's id, never its codename: the audit log is shown to auditors
        {"observations": len(obs), "intercepts": len(icp), "reliability": grade},
    )
    for a in alerts:
        audit.record(conn, actor, "alert." + a["kind"], f"{a['partner']}/{a['unit_id']}", {})
    return Burn(bid, row.partner_code, grade, len(obs), len(icp), units, alerts)


def regraded(before: Any, after: Any) -> list[dict[str, Any]]:
    """Alerts (the shape of `reconcile.alerts.Alert`) for units whose grading changed between
    two pictures of one partner — or which a burn left without any fact."""
    out = []
    for uid, b in sorted(before.units.items()):
        u = after.units.get(uid)
        if u is None or (u.reliability, u.burned) != (b.reliability, b.burned):
            out.append(
                {
                    "kind": "regraded",
                    "partner": after.partner,
                    "unit_id": uid,
                    "designation": b.designation,
                    "detail": {
                        "from": b.reliability,
                        "to": u.reliability if u else None,
                        "burned": bool(u and u.burned),
                    },
                    "observed_at": iso(b.observed_at),
                }
            )
    return out


def flag(conn: Connection, burn_id: str, items: Iterable[tuple[str, str]]) -> int:
    """Mark store rows (kind, id) as re-graded by the burn `burn_id`."""
    b = conn.execute(sa.select(source_burn).where(source_burn.c.id == burn_id)).one()
    rows = [
        {
            "burn_id": burn_id,
            "kind": k,
            "item_id": i,
            "reliability": b.reliability,
            "burned_at": b.burned_at,
        }
        for k, i in dict.fromkeys(items)
    ]
    if rows:
        conn.execute(burned_item.insert(), rows)
    return len(rows)


def burned_observations(
    conn: Connection, partner: str, recorded_at: datetime | None = None
) -> dict[str, str]:
    """{observation id: reliability} of a partner's burned observations (as known then)."""
    q = (
        sa.select(burned_item.c.item_id, burned_item.c.reliability)
        .select_from(burned_item.join(observation, observation.c.id == burned_item.c.item_id))
        .where(burned_item.c.kind == "observation", observation.c.partner_code == partner)
        .order_by(burned_item.c.id)
    )
    if recorded_at is not None:
        q = q.where(burned_item.c.burned_at <= recorded_at)
    return {r.item_id: r.reliability for r in conn.execute(q)}


def burned_ids(conn: Connection, kind: str) -> set[str]:
    return {
        r.item_id
        for r in conn.execute(sa.select(burned_item.c.item_id).where(burned_item.c.kind == kind))
    }


def list_burns(conn: Connection, compartments: Collection[str] = ()) -> list[dict[str, Any]]:
    """Ours and partners' burns; a source's codename only where the user may see it."""
    out = []
    for b in conn.execute(
        sa.select(source_burn, source.c.codename, source.c.compartment)
        .select_from(source_burn.outerjoin(source, source.c.id == source_burn.c.source_id))
        .order_by(source_burn.c.burned_at)
    ):
        n = conn.execute(
            sa.select(sa.func.count()).select_from(burned_item).where(burned_item.c.burn_id == b.id)
        ).scalar()
        seen = b.source_id is not None and _visible(b.compartment, compartments)
        out.append(
            {
                "burn_id": b.id,
                "partner": b.partner_code,
                "source": b.codename if seen else None,
                "reliability": b.reliability,
                "since": iso(b.since),
                "burned_at": iso(b.burned_at),
                "items": n,
                "notice": b.record is not None,
            }
        )
    return out
