"""Generated coalitions: one true order of battle reported by N partners in their own languages,
with discrepancies planted in known partners — for tests, benchmarks and exercises.

Each partner covers every unit except planted gaps (regiments only, so no unit loses its parent),
writes designations in its languages (a quarter abbreviated) and places units 1–5 km from the
truth. Planted: a move of 150–400 km, equipment halved or raised 60 %, strength ±40 %, a
re-subordination to a sibling, a cavalry unit reported as infantry, an observation 120–300 days
old — each in one partner, so the label names exactly who departs from the rest.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from liaison.names import format_designation
from liaison.orbat.model import Picture, UnitView

Label = tuple[str, int, frozenset[str]]  # (kind, true unit, partners named)


@dataclass
class _T:
    tid: int
    number: int
    echelon: str
    branch: str | None
    parent: int | None
    lat: float
    lon: float
    equipment: dict[str, int]
    strength: int | None


def truth(n: int, rng: random.Random) -> list[_T]:
    """Fronts → armies → divisions → regiments, numbered per echelon and branch."""
    out: list[_T] = []
    count: dict[tuple[str, str | None], int] = {}

    def add(e: str, b: str | None, parent: int | None, lat: float, lon: float) -> int:
        count[(e, b)] = count.get((e, b), 0) + 1
        eq: dict[str, int] = {}
        strength = None
        if e == "division":
            eq = {"guns": rng.randint(40, 80), "tanks": rng.randint(10, 60)}
            strength = rng.randint(9000, 16000)
        elif e == "regiment":
            strength = rng.randint(2000, 3200)
        out.append(_T(len(out), count[(e, b)], e, b, parent, lat, lon, eq, strength))
        return len(out) - 1

    while len(out) < n:
        flat, flon = rng.uniform(44, 60), rng.uniform(25, 135)
        front = add("front", None, None, flat, flon)
        for _ in range(3):
            alat, alon = flat + rng.uniform(-3, 3), flon + rng.uniform(-4, 4)
            army = add("army", None, front, alat, alon)
            for _ in range(3):
                br = rng.choice(["infantry"] * 4 + ["cavalry", "motorised"])
                dlat, dlon = alat + rng.uniform(-1.5, 1.5), alon + rng.uniform(-2, 2)
                div = add("division", br, army, dlat, dlon)
                for _ in range(3):
                    add("regiment", br, div, dlat + rng.uniform(-0.2, 0.2), dlon)
    return out[:n]


def _offset(lat: float, lon: float, km: float, rng: random.Random) -> tuple[float, float]:
    a = rng.uniform(0, 2 * math.pi)
    return lat + km * math.cos(a) / 111.0, lon + km * math.sin(a) / (
        111.0 * math.cos(math.radians(lat))
    )


def coalition(
    n: int, languages: dict[str, list[str]], seed: int = 1, rate: float = 0.12
) -> tuple[list[Picture], set[Label]]:
    """N partners' pictures of one generated truth, and the discrepancies planted in them.

    `languages` maps each partner code to the languages it writes; `rate` is the share of units
    given one planted discrepancy (and, separately, of regiments some partner does not hold).
    """
    rng = random.Random(seed)
    units = truth(n, rng)
    by = {t.tid: t for t in units}
    codes = list(languages)
    labels: set[Label] = set()
    missing: dict[int, set[str]] = {}
    plant: dict[int, tuple[str, str]] = {}
    for t in units:
        if t.echelon == "regiment" and rng.random() < rate:
            k = rng.randint(1, max(1, len(codes) - 2))
            missing[t.tid] = set(rng.sample(codes, k))
            labels.add(("missing", t.tid, frozenset(missing[t.tid])))
            continue
        if t.echelon == "front" or rng.random() >= rate:
            continue
        kinds = ["location", "stale"]
        if t.equipment:
            kinds.append("equipment")
        if t.strength:
            kinds.append("strength")
        if t.echelon in ("division", "regiment"):
            kinds.append("subordination")
        if t.branch == "cavalry":
            kinds.append("branch")
        kind = rng.choice(kinds)
        plant[t.tid] = (kind, rng.choice(codes))
    # a re-subordination moves the unit under a sibling of its parent that every partner holds
    siblings: dict[int, list[int]] = {}
    for t in units:
        if t.parent is not None:
            siblings.setdefault(by[t.parent].parent or -1, []).append(t.parent)
    base = datetime(1938, 6, 1, tzinfo=UTC)
    pictures = []
    for code in codes:
        views: dict[str, UnitView] = {}
        for t in units:
            if code in missing.get(t.tid, ()):
                continue
            kind, who = plant.get(t.tid, ("", ""))
            mine = who == code
            lat, lon = _offset(t.lat, t.lon, rng.uniform(1.0, 5.0), rng)
            eq, strength, parent, branch = dict(t.equipment), t.strength, t.parent, t.branch
            observed = base + timedelta(days=rng.randint(0, 20))
            if mine and kind == "location":
                lat, lon = _offset(t.lat, t.lon, rng.uniform(150, 400), rng)
            elif mine and kind == "equipment":
                item = sorted(eq)[0]
                eq[item] = int(eq[item] * rng.choice([0.5, 1.6]))
            elif mine and kind == "strength" and strength:
                strength = int(strength * rng.choice([0.6, 1.4]))
            elif mine and kind == "subordination" and parent is not None:
                pool = sorted(
                    {
                        s
                        for s in siblings.get(by[parent].parent or -1, [])
                        if s != parent and not missing.get(s)
                    }
                )
                if pool:
                    parent = rng.choice(pool)
                else:
                    mine = False
            elif mine and kind == "branch":
                branch = "infantry"
            elif mine and kind == "stale":
                observed = base - timedelta(days=rng.randint(120, 300))
            if mine:
                labels.add((kind, t.tid, frozenset({code})))
            lang = rng.choice(languages[code])
            text = format_designation(
                t.number, t.echelon, branch, frozenset(), None, lang=lang,
                abbreviated=rng.random() < 0.25,
            )  # fmt: skip
            uid = f"{code}{t.tid:06d}"
            views[uid] = UnitView(
                partner=code,
                unit_id=uid,
                designation=text,
                parent_id=f"{code}{parent:06d}" if parent is not None else None,
                lat=lat,
                lon=lon,
                observed_at=observed,
                equipment=eq,
                strength=strength,
            )
        pictures.append(Picture(code, views))
    return pictures, labels


def true_unit(unit_id: str) -> int:
    """The true unit behind a generated unit id (partner code + six digits)."""
    return int(unit_id[-6:])
