"""In-memory shapes shared by every capability: a unit as seen in a picture, and a picture.

Pictures come from the store (orbat.picture) or straight from a file (orbat.csvio); reconcile,
courier and the web all take these, never rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from liaison.core.markings import Marking


@dataclass
class UnitView:
    """One unit in one partner's picture: identity plus the latest known value of each fact."""

    partner: str
    unit_id: str  # the partner's own id, kept as given
    designation: str
    echelon: str | None = None
    branch: str | None = None
    parent_id: str | None = None
    sidc: str | None = None
    lat: float | None = None
    lon: float | None = None
    place: str | None = None
    observed_at: datetime | None = None  # valid time of the latest observation
    recorded_at: datetime | None = None
    equipment: dict[str, int] = field(default_factory=dict)
    strength: int | None = None
    source: str | None = None  # source codename, when known
    reliability: str | None = None  # Admiralty A–F
    credibility: int | None = None  # Admiralty 1–6
    marking: Marking = field(default_factory=Marking)
    notes: str | None = None
    observation_id: str | None = None
    burned: bool = False  # the latest fact comes from a burned source (re-graded)

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class Picture:
    """A partner's picture as of a valid time and a recorded time (None = now)."""

    partner: str
    units: dict[str, UnitView]
    valid_at: datetime | None = None
    recorded_at: datetime | None = None

    def __len__(self) -> int:
        return len(self.units)

    def children(self) -> dict[str | None, list[str]]:
        out: dict[str | None, list[str]] = {}
        for u in self.units.values():
            parent = u.parent_id if u.parent_id in self.units else None
            out.setdefault(parent, []).append(u.unit_id)
        return out
