"""One search box across scripts and transliterations: "Спасск", "Spassk" and "スパスク" find the
same units.

A query is tried three ways over the pictures the caller may see, and a unit is a hit if any way
finds it: as a *designation* (parsed in any language: number and echelon agree — "5 Armia" finds
第5軍 and 5-я армия), as *text* (the query's phonetic keys or its folded spelling against the unit's
designation and the place as written), and as a *place* (the gazetteer resolves the query in any
script; units within `radius_km` of it, or of any of its candidates when the name is ambiguous).
Callers pass pictures already scoped to the user, so search never widens what a user sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from liaison.core.geo import haversine_km
from liaison.names import Designation, parse_designation
from liaison.names.gazetteer import Place, resolve
from liaison.names.translit import exact_key, name_keys, to_latin
from liaison.orbat.model import Picture, UnitView

MAX_QUERY = 200


@dataclass
class Hit:
    partner: str
    unit_id: str
    designation: str
    echelon: str | None
    branch: str | None
    place: str | None
    lat: float | None
    lon: float | None
    score: float
    why: list[str] = field(default_factory=list)
    tlp: str = "AMBER"
    rel_to: list[str] = field(default_factory=list)
    orcon: bool = False


@lru_cache(maxsize=200_000)
def _folded(text: str) -> str:
    return exact_key(text)[2:]


@lru_cache(maxsize=200_000)
def _latin(text: str) -> str:
    return "".join(c for c in to_latin(text).lower() if c.isalnum())


@lru_cache(maxsize=50_000)
def _place_of(text: str) -> Place | None:
    """The town a place as written names, if the gazetteer is sure."""
    return resolve(text, fuzzy=False).place


@lru_cache(maxsize=200_000)
def _parsed(text: str) -> Designation:
    return parse_designation(text)


def search(
    pictures: Iterable[Picture], query: str, *, radius_km: float = 30.0, limit: int = 50
) -> list[Hit]:
    """Units matching `query` in the given (already scoped) pictures, best first."""
    q = " ".join(query.split())[:MAX_QUERY]
    if len(q) < 2:
        return []
    keys = set(name_keys(q))
    folded, latin = _folded(q), _latin(q)
    d = parse_designation(q)
    places = []
    if d.number is None:  # "5 Armia" is a unit, not a town
        r = resolve(q, fuzzy=False)
        places = [r.place] if r.place is not None else list(r.candidates[:5])
    hits: list[Hit] = []
    for pic in pictures:
        for u in pic.units.values():
            score, why = _score(u, q, keys, folded, latin, d, places, radius_km)
            if score > 0:
                hits.append(
                    Hit(pic.partner, u.unit_id, u.designation, u.echelon, u.branch, u.place,
                        u.lat, u.lon, score, why, u.marking.tlp, list(u.marking.rel_to),
                        u.marking.orcon)
                )  # fmt: skip
    hits.sort(key=lambda h: (-h.score, h.partner, h.designation))
    return hits[:limit]


def _score(
    u: UnitView,
    q: str,
    keys: set[str],
    folded: str,
    latin: str,
    d: object,
    places: list,  # type: ignore[type-arg]
    radius_km: float,
) -> tuple[float, list[str]]:
    score, why = 0.0, []
    number = getattr(d, "number", None)
    if number is not None:
        ud = _parsed(u.designation or "")
        echelon = getattr(d, "echelon", None) or None
        if ud.number == number and (echelon is None or (u.echelon or ud.echelon) == echelon):
            score += 3.0
            why.append("designation")
    texts = [t for t in (u.designation, u.place) if t]
    if u.unit_id:
        texts.append(u.unit_id)
    for t in texts:
        if (len(folded) >= 2 and folded in _folded(t)) or (len(latin) >= 3 and latin in _latin(t)):
            score += 2.0
            why.append("text")
            break
        if keys and keys & set(name_keys(t)):
            score += 2.0
            why.append("text")
            break
    town = _place_of(u.place) if u.place else None
    if town is not None and (
        town in places
        or any(k2.startswith(k) for k in keys if len(k) >= 4 for k2 in name_keys(town.name))
    ):
        score += 1.5
        why.append(f"at {town.name}")
    elif places and u.has_position:
        near, place = min(
            (haversine_km(p.lat, p.lon, u.lat, u.lon), p.name)  # type: ignore[arg-type]
            for p in places
        )
        if near <= radius_km:
            score += 1.0 + (radius_km - near) / radius_km
            why.append(f"within {near:.0f} km of {place}")
    return score, why
