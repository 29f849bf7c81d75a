"""Routes that branch: departures between any two places, groups bound for their own destination.

The linear planner (`planner.py`) follows one line of legs. Here a route is a network: trains
Kaunas → Moscow → Vladivostok, a ship to Tsuruga, then onward ships from Kobe or Yokohama to
Seattle, Vancouver, Haifa, Sydney, Shanghai, Curaçao… Each group travels from its origin to its
destination on a time-respecting chain of departures (earliest arrival: a connection scan over
departures in time order), all members on the same departures, arriving before its documents
expire. Persons at risk are served first (`priority`), then the earliest-expiring groups.

A group that cannot reach its destination is moved as far as seats allow along its best route
and told where it waits and why; one with no route at all waits at its origin. `optimal` solves
the same problem as a MILP over a few candidate routes per group (HiGHS through SciPy) and
reports the MIP gap.
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
    origin: str
    dest: str
    day: date
    arrive: date
    seats: int
    mode: str = "ship"


@dataclass(frozen=True)
class Group:
    group_id: str
    size: int
    origin: str
    destination: str
    ready: date
    valid_until: date
    priority: int = 0  # 1: someone at risk travels in this group


@dataclass
class Plan:
    assigned: dict[str, list[str]] = field(default_factory=dict)  # full routes
    waits: dict[str, dict[str, str]] = field(default_factory=dict)  # group -> {place, why, legs}
    placed_people: int = 0
    waiting_people: int = 0
    gap: float | None = None
    seconds: float = 0.0
    method: str = "greedy"

    def where(self, group_id: str) -> str:
        w = self.waits.get(group_id)
        return w["place"] if w else ""


class Network:
    """Departures sorted by (day, arrival) for a connection scan."""

    def __init__(self, departures: list[Departure]) -> None:
        self.deps = sorted(departures, key=lambda d: (d.day, d.arrive, d.dep_id))
        self.days = [d.day.toordinal() for d in self.deps]
        self.o = [d.origin for d in self.deps]
        self.t = [d.dest for d in self.deps]
        self.dd = [d.day.toordinal() for d in self.deps]
        self.aa = [d.arrive.toordinal() for d in self.deps]
        self.by_id = {d.dep_id: i for i, d in enumerate(self.deps)}
        self.places = {d.origin for d in departures} | {d.dest for d in departures}

    def scan(
        self, g: Group, seats: list[int] | None, start: date | None = None
    ) -> tuple[list[int] | None, dict[str, int], dict[str, int]]:
        """Earliest-arrival route of `g` (departure indices) or None; also the best arrival day
        and last departure reaching every place reached (for "where does it wait")."""
        ready = (start or g.ready).toordinal()
        limit = g.valid_until.toordinal()
        best: dict[str, int] = {g.origin: ready}
        via: dict[str, int] = {}
        goal = g.destination
        o, t, dd, aa = self.o, self.t, self.dd, self.aa
        for i in range(bisect.bisect_left(self.days, ready), len(self.deps)):
            day = dd[i]
            if day > limit or (goal in best and day > best[goal]):
                break  # later departures arrive after the expiry, or after the best arrival
            b = best.get(o[i])
            if b is None or b > day or aa[i] > limit:
                continue
            if seats is not None and seats[i] < g.size:
                continue
            if aa[i] < best.get(t[i], 1 << 30):
                best[t[i]] = aa[i]
                via[t[i]] = i
        if goal not in best or goal == g.origin:
            return None, best, via
        return self._path(via, g.origin, goal), best, via

    def _path(self, via: dict[str, int], origin: str, place: str) -> list[int]:
        out: list[int] = []
        while place != origin:
            i = via[place]
            out.append(i)
            place = self.o[i]
        return out[::-1]


def _order(groups: list[Group]) -> list[Group]:
    return sorted(groups, key=lambda g: (-g.priority, g.valid_until, -g.size, g.group_id))


def _why(net: Network, g: Group, seats: list[int]) -> tuple[str, list[int]]:
    """Where an unplaced group can get to (seats permitting) on its best route, and why not on."""
    if g.origin not in net.places and g.origin != g.destination:
        return f"no departures from {g.origin}", []
    ideal, _, _ = net.scan(g, None)
    if ideal is None:
        return (
            f"no route from {g.origin} to {g.destination} arriving by "
            f"{g.valid_until.isoformat()} (documents' expiry)",
            [],
        )
    prefix: list[int] = []
    for i in ideal:  # the best route's departures, as far as each has seats for the group
        if seats[i] < g.size:
            break
        prefix.append(i)
    if len(prefix) == len(ideal):  # cannot happen after a capacitated scan failed; a guard
        prefix = prefix[:-1]
    stuck = net.deps[ideal[len(prefix)]]
    return (
        f"no seats for {g.size} onward to {g.destination} from {stuck.origin} before "
        f"{g.valid_until.isoformat()}",
        prefix,
    )


def greedy(groups: list[Group], departures: list[Departure]) -> Plan:
    """Persons at risk first, then the earliest-expiring groups, each on its earliest route with
    seats for all members; then the rest as far as seats allow, each told where it waits and why."""
    t0 = time.perf_counter()
    net = Network(departures)
    seats = [d.seats for d in net.deps]
    plan = Plan()
    rest: list[Group] = []
    for g in _order(groups):
        route, _, _ = net.scan(g, seats)
        if route is None:
            rest.append(g)
            continue
        for i in route:
            seats[i] -= g.size
        plan.assigned[g.group_id] = [net.deps[i].dep_id for i in route]
        plan.placed_people += g.size
    _wait(net, rest, seats, plan)
    plan.seconds = time.perf_counter() - t0
    return plan


def _wait(net: Network, rest: list[Group], seats: list[int], plan: Plan) -> None:
    for g in rest:
        why, prefix = _why(net, g, seats)
        for i in prefix:
            seats[i] -= g.size
        place = net.deps[prefix[-1]].dest if prefix else g.origin
        plan.waits[g.group_id] = {
            "place": place,
            "why": why,
            "legs": ",".join(net.deps[i].dep_id for i in prefix),
        }
        plan.waiting_people += g.size


def optimal(
    groups: list[Group], departures: list[Departure], per_group: int = 3, time_limit: float = 20.0
) -> Plan:
    """Maximise people brought to their destinations (a person at risk weighs 100 others, an
    earlier arrival breaks ties) over candidate routes per group: greedy's route and up to
    `per_group` earliest routes leaving on successive days. Reports the MIP gap."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    t0 = time.perf_counter()
    net = Network(departures)
    warm = greedy(groups, departures)
    cols: list[tuple[Group, tuple[int, ...]]] = []
    for g in groups:
        seen: set[tuple[int, ...]] = set()
        if g.group_id in warm.assigned:
            r = tuple(net.by_id[x] for x in warm.assigned[g.group_id])
            seen.add(r)
            cols.append((g, r))
        start = g.ready
        for _ in range(per_group):
            route, _, _ = net.scan(g, None, start)
            if route is None:
                break
            key = tuple(route)
            if key not in seen:
                seen.add(key)
                cols.append((g, key))
            start = date.fromordinal(net.dd[route[0]] + 1)
    gi = {g.group_id: i for i, g in enumerate(groups)}
    plan = Plan(method="optimal")
    seats = [d.seats for d in net.deps]
    if cols:
        horizon = max(net.aa) + 1
        c = np.array(
            [
                -(
                    g.size
                    * (100.0 if g.priority else 1.0)
                    * (1.0 + 1e-4 * (horizon - net.aa[r[-1]]) / horizon)
                )
                for g, r in cols
            ]
        )
        rows, cs, vals = [], [], []
        for j, (g, r) in enumerate(cols):
            rows.append(gi[g.group_id])
            cs.append(j)
            vals.append(1.0)
            for i in r:
                rows.append(len(groups) + i)
                cs.append(j)
                vals.append(float(g.size))
        a = coo_matrix((vals, (rows, cs)), shape=(len(groups) + len(net.deps), len(cols))).tocsr()
        ub = np.concatenate([np.ones(len(groups)), np.array(seats, dtype=float)])
        res = milp(
            c,
            constraints=LinearConstraint(a, -np.inf, ub),
            integrality=np.ones(len(cols)),
            bounds=Bounds(0, 1),
            options={"time_limit": time_limit, "mip_rel_gap": 1e-4},
        )
        if res.x is not None:
            for j in np.flatnonzero(res.x > 0.5):
                g, r = cols[j]
                plan.assigned[g.group_id] = [net.deps[i].dep_id for i in r]
                plan.placed_people += g.size
                for i in r:
                    seats[i] -= g.size
            plan.gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    rest = []
    for g in _order([g for g in groups if g.group_id not in plan.assigned]):
        route, _, _ = net.scan(g, seats)  # repair: seats the solver left free (time limit)
        if route is None:
            rest.append(g)
            continue
        for i in route:
            seats[i] -= g.size
        plan.assigned[g.group_id] = [net.deps[i].dep_id for i in route]
        plan.placed_people += g.size
    _wait(net, rest, seats, plan)
    plan.seconds = time.perf_counter() - t0
    return plan
