"""Release policy: what may leave for one partner. Deny by default.

A unit is released to partner P only when: a policy for P exists; its TLP level is at or below the
policy's ceiling and is not RED; it carries no originator control (ORCON); and, when it has a
REL TO list, P is on it. Source identities, compartments and analyst notes never leave unless the
policy says so — the Admiralty grading (reliability, credibility) does. The policy is applied to
references too: a released unit whose parent is withheld travels without the parent link.
The policy for each partner is kept in the store (`set_policy`, `get_policy`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ValidationError
from liaison.core.markings import TLP_LEVELS, Marking, parse_tlp
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.partners import get_partner
from liaison.store import audit
from liaison.store.schema.courier import release_policy


@dataclass(frozen=True)
class Policy:
    partner: str
    max_tlp: str = "GREEN"
    release_sources: bool = False
    release_notes: bool = False


def releasable(m: Marking, policy: Policy | None) -> bool:
    if policy is None:
        return False
    if m.tlp == "RED" or m.orcon:
        return False
    if TLP_LEVELS.index(m.tlp) > TLP_LEVELS.index(policy.max_tlp):
        return False
    return not m.rel_to or policy.partner in m.rel_to


def relay_verdict(
    m: Marking, originator: str, path: Sequence[str], recipient: str, consented: Collection[str]
) -> str | None:
    """Why an item of `originator`, marked `m`, held along `path` (the partners that held it,
    originator first, the current holder last) may not go to `recipient`; None when the
    originator's marking allows it. The originator's marking is the only authority: TLP:RED never
    travels, TLP:AMBER+STRICT goes no further than the originator's own recipient, REL TO names
    every partner that may ever hold it, and ORCON needs the originator's signed consent naming
    the recipient. A pure function, so the property test can run it over many coalitions."""
    if recipient == originator or recipient in path:
        return "loop"
    if m.tlp not in TLP_LEVELS or m.tlp == "RED":
        return "beyond-marking"
    if len(path) > 1 and m.tlp == "AMBER+STRICT":
        return "beyond-marking"
    if m.rel_to and recipient not in m.rel_to:
        return "beyond-marking"
    if m.orcon and recipient not in consented:
        return "no-consent"
    return None


def relay_release(
    m: Marking,
    policy: Policy | None,
    originator: str,
    path: Sequence[str],
    consented: Collection[str],
) -> str | None:
    """`relay_verdict` for the partner of `policy`, and then the holder's own policy for that
    partner (deny by default: no policy, or a TLP above its ceiling, withholds)."""
    if policy is None:
        return "policy"
    why = relay_verdict(m, originator, path, policy.partner, consented)
    if why is not None:
        return why
    if TLP_LEVELS.index(m.tlp) > TLP_LEVELS.index(policy.max_tlp):
        return "policy"
    return None


def released_unit(u: UnitView, policy: Policy, parent_released: bool) -> dict[str, Any]:
    return {
        "unit_id": u.unit_id,
        "designation": u.designation,
        "echelon": u.echelon,
        "branch": u.branch,
        "parent_id": u.parent_id if parent_released else None,
        "sidc": u.sidc,
        "lat": u.lat,
        "lon": u.lon,
        "place": u.place,
        "observed_at": iso(u.observed_at),
        "equipment": dict(u.equipment),
        "strength": u.strength,
        "source_reliability": u.reliability,
        "info_credibility": u.credibility,
        "source": u.source if policy.release_sources else None,
        "notes": u.notes if policy.release_notes else None,
        "marking": {"tlp": u.marking.tlp, "rel_to": list(u.marking.rel_to)},
    }


def release(
    picture: Picture, policy: Policy | None, only: set[str] | None = None
) -> tuple[list[dict[str, Any]], int]:
    """(released units, number withheld) — everything a pouch would carry, already filtered.

    `only` limits what is carried (an incremental pouch); whether a parent is releasable is still
    judged over the whole picture."""
    wanted = set(picture.units) if only is None else only & set(picture.units)
    if policy is None:
        return [], len(wanted)
    ok = {uid for uid, u in picture.units.items() if releasable(u.marking, policy)}
    out = [
        released_unit(picture.units[uid], policy, picture.units[uid].parent_id in ok)
        for uid in sorted(ok & wanted)
    ]
    return out, len(wanted - ok)


def set_policy(
    conn: Connection,
    partner: str,
    max_tlp: str,
    *,
    sources: bool = False,
    notes: bool = False,
    actor: str = "cli",
) -> Policy:
    code = get_partner(conn, partner).code
    try:
        level = parse_tlp(max_tlp)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if level == "RED":
        raise ValidationError(
            "TLP:RED never goes into a pouch; the highest release level is AMBER+STRICT"
        )
    conn.execute(release_policy.delete().where(release_policy.c.partner_code == code))
    conn.execute(
        release_policy.insert().values(
            partner_code=code,
            max_tlp=level,
            release_sources=sources,
            release_notes=notes,
            updated_at=utcnow(),
        )
    )
    audit.record(
        conn, actor, "policy.set", code, {"max_tlp": level, "sources": sources, "notes": notes}
    )
    return Policy(code, level, sources, notes)


def get_policy(conn: Connection, partner: str) -> Policy | None:
    r = conn.execute(
        sa.select(release_policy).where(release_policy.c.partner_code == partner)
    ).first()
    return Policy(partner, r.max_tlp, r.release_sources, r.release_notes) if r else None
