"""Release policy: what may leave for one partner. Deny by default.

A unit is released to partner P only when: a policy for P exists; its TLP level is at or below the
policy's ceiling and is not RED; it carries no originator control (ORCON); and, when it has a
REL TO list, P is on it. Source identities, compartments and analyst notes never leave unless the
policy says so — the Admiralty grading (reliability, credibility) does. The policy is applied to
references too: a released unit whose parent is withheld travels without the parent link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from liaison.core.clock import iso
from liaison.core.markings import TLP_LEVELS, Marking
from liaison.orbat.model import Picture, UnitView


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
