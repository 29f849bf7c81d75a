"""Put groups (families kept together) on dated departures within their documents' validity.

`greedy` is the default (milliseconds); `optimal` solves a MILP with SciPy's HiGHS over a few
candidate itineraries per group and reports the MIP gap. Both list who is left and why.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np


@dataclass(frozen=True)
class Departure:
    dep_id: str
    leg: int  # index of the leg along the route (0 = first)
    day: date
    arrive: date
    seats: int
    mode: str = "rail"


@dataclass(frozen=True)
class Group:
    group_id: str
    size: int
    ready: date  # earliest day the group can leave
    valid_until: date  # documents' expiry: must arrive by this day


@dataclass
class Plan:
    assigned: dict[str, list[str]] = field(default_factory=dict)  # group -> departure ids
    left: dict[str, str] = field(default_factory=dict)  # group -> reason
    placed_people: int = 0
    gap: float | None = None
    seconds: float = 0.0
    method: str = "greedy"


class _Index:
    def __init__(self, departures: list[Departure]) -> None:
        self.legs = max(d.leg for d in departures) + 1
        self.by_leg: list[list[Departure]] = [[] for _ in range(self.legs)]
        for d in sorted(departures, key=lambda d: (d.day, d.dep_id)):
            self.by_leg[d.leg].append(d)
        self.days = [[d.day.toordinal() for d in leg] for leg in self.by_leg]

    def after(self, leg: int, day: date) -> int:
        return bisect.bisect_left(self.days[leg], day.toordinal())


def _chain(ix: _Index, start: int, g: Group, left: dict[str, int] | None) -> list[Departure] | None:
    """Earliest chain whose first departure is the `start`-th feasible one (capacity if given)."""
    chain: list[Departure] = []
    ready = g.ready
    for leg in range(ix.legs):
        deps = ix.by_leg[leg]
        i = ix.after(leg, ready)
        skip = start if leg == 0 else 0
        while i < len(deps):
            d = deps[i]
            if d.arrive > g.valid_until:
                return None
            if left is None or left[d.dep_id] >= g.size:
                if skip == 0:
                    break
                skip -= 1
            i += 1
        else:
            return None
        chain.append(d)
        ready = d.arrive
    return chain


def _reason(ix: _Index, g: Group) -> str:
    if _chain(ix, 0, g, None) is None:
        return "no itinerary arrives before the documents expire"
    return "no seats left on departures within the documents' validity"


def greedy(groups: list[Group], departures: list[Departure]) -> Plan:
    """Earliest-expiring groups first, each on its earliest chain with seats for all members."""
    t0 = time.perf_counter()
    ix = _Index(departures)
    left = {d.dep_id: d.seats for d in departures}
    plan = Plan()
    for g in sorted(groups, key=lambda g: (g.valid_until, -g.size, g.group_id)):
        chain = _chain(ix, 0, g, left)
        if chain is None:
            plan.left[g.group_id] = _reason(ix, g)
            continue
        for d in chain:
            left[d.dep_id] -= g.size
        plan.assigned[g.group_id] = [d.dep_id for d in chain]
        plan.placed_people += g.size
    plan.seconds = time.perf_counter() - t0
    return plan


def optimal(
    groups: list[Group], departures: list[Departure], per_group: int = 6, time_limit: float = 9.0
) -> Plan:
    """Maximise people placed (earlier arrival as tie-break) with HiGHS; report the MIP gap."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    t0 = time.perf_counter()
    ix = _Index(departures)
    dep_row = {d.dep_id: i for i, d in enumerate(departures)}
    cols: list[tuple[Group, list[Departure]]] = []
    by_id = {d.dep_id: d for d in departures}
    warm = greedy(groups, departures).assigned  # greedy's chains are columns: never worse
    for g in groups:
        seen: set[tuple[str, ...]] = set()
        if g.group_id in warm:
            seen.add(tuple(warm[g.group_id]))
            cols.append((g, [by_id[x] for x in warm[g.group_id]]))
        for k in range(per_group):
            ch = _chain(ix, k, g, None)
            if ch is None:
                break
            key = tuple(d.dep_id for d in ch)
            if key not in seen:
                seen.add(key)
                cols.append((g, ch))
    gi = {g.group_id: i for i, g in enumerate(groups)}
    n = len(cols)
    plan = Plan(method="optimal")
    if n:
        horizon = max(d.arrive.toordinal() for d in departures) + 1
        c = np.array(
            [
                -(g.size * (1.0 + 1e-4 * (horizon - ch[-1].arrive.toordinal()) / horizon))
                for g, ch in cols
            ]
        )
        rows, cs, vals = [], [], []
        for j, (g, ch) in enumerate(cols):
            rows.append(gi[g.group_id])
            cs.append(j)
            vals.append(1.0)
            for d in ch:
                rows.append(len(groups) + dep_row[d.dep_id])
                cs.append(j)
                vals.append(float(g.size))
        a = coo_matrix((vals, (rows, cs)), shape=(len(groups) + len(departures), n)).tocsr()
        ub = np.concatenate([np.ones(len(groups)), [float(d.seats) for d in departures]])
        res = milp(
            c,
            constraints=LinearConstraint(a, -np.inf, ub),
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"time_limit": time_limit, "mip_rel_gap": 1e-4},
        )
        if res.x is not None:
            for j in np.flatnonzero(res.x > 0.5):
                g, ch = cols[j]
                plan.assigned[g.group_id] = [d.dep_id for d in ch]
                plan.placed_people += g.size
            plan.gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    for g in groups:
        if g.group_id not in plan.assigned:
            plan.left[g.group_id] = _reason(ix, g)
    plan.seconds = time.perf_counter() - t0
    return plan
