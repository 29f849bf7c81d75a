"""Traffic analysis from the metadata alone: nets, control stations, call signs linked across days,
and who commands whom.

The steps, each small and explainable to the analyst:

1. **Channels.** Logged frequencies are clustered (a gap wider than ``CHANNEL_KHZ`` starts a new
   channel), so an operator's misreading by a fraction of a kHz does not split a net.
2. **Garbles.** Within a day and channel, a call sign heard once or twice that differs by one
   character from a call sign heard often is taken to be that call sign misheard.
3. **Transmissions.** Copies of one transmission logged by several of our stations (same call signs
   and message number, minutes apart) are one transmission; their bearings stay with it for DF.
4. **Day nets.** On one day and channel, the call signs that work each other form a net (connected
   components of who calls whom): two nets sharing a frequency on different hours stay apart.
5. **Week nets.** A day's nets are matched to the nets of earlier days on the same channel by their
   schedule (the hours they are on the air), one to one (Hungarian assignment).
6. **Call-sign changes.** Within a week net, each day's call signs are matched to the stations already
   known by habit: the minute of the window they report in, how much they send, how long their
   messages are, and whether they act as control. A station is the same station across nets when a
   call sign it used is the same on the same day.
7. **Control and subordination.** A net's control station is the one that works the most distinct
   stations; each other station's parent is the control of the net it is an outstation in.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

CHANNEL_KHZ = 3.0
DEDUPE_MINUTES = 3.0
NET_COST_MAX = 0.7
LINK_COST_MAX = 8.0


@dataclass
class Heard:
    """One line of an operator's log."""

    row: int
    station: str
    heard_at: datetime
    frequency_khz: float
    call_from: str
    call_to: str | None = None
    msg_number: int | None = None
    groups: int | None = None
    precedence: str | None = None
    bearing: float | None = None
    bearing_error: float | None = None


@dataclass
class Transmission:
    id: int
    rows: list[int]
    day: date
    at: datetime
    channel: int
    call_from: str
    call_to: str | None
    groups: int | None
    net: int = -1  # week net, -1 when in none


@dataclass
class Net:
    """A net across the week: its channel, schedule, members (entities) and control."""

    id: int
    channel: int
    frequency_khz: float
    hours: list[int]
    days: list[date]
    control: int | None = None
    members: dict[int, int] = field(default_factory=dict)  # entity → transmissions
    day_members: dict[date, dict[str, int]] = field(
        default_factory=dict
    )  # day → call sign → entity
    transmissions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "net": self.id,
            "frequency_khz": round(self.frequency_khz, 1),
            "hours_utc": self.hours,
            "days": [d.isoformat() for d in self.days],
            "control": self.control,
            "outstations": sorted(e for e in self.members if e != self.control),
            "transmissions": self.transmissions,
            "call_signs": {
                d.isoformat(): dict(sorted(m.items())) for d, m in sorted(self.day_members.items())
            },
        }


@dataclass
class Entity:
    """One enemy radio station as the analysis knows it: its call sign on each day it was heard."""

    id: int
    callsigns: dict[date, str] = field(default_factory=dict)
    nets: list[int] = field(default_factory=list)
    parent: int | None = None
    controls: list[int] = field(default_factory=list)
    transmissions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.id,
            "call_signs": {d.isoformat(): c for d, c in sorted(self.callsigns.items())},
            "nets": self.nets,
            "controls": self.controls,
            "parent": self.parent,
            "transmissions": self.transmissions,
        }


@dataclass
class Analysis:
    transmissions: list[Transmission]
    row_tx: dict[int, int]
    nets: list[Net]
    entities: list[Entity]
    #: (day, call sign) → entity
    callsign_entity: dict[tuple[date, str], int]

    def entity_of(self, day: date, callsign: str) -> int | None:
        return self.callsign_entity.get((day, callsign))

    def to_dict(self) -> dict[str, Any]:
        return {
            "transmissions": len(self.transmissions),
            "nets": [n.to_dict() for n in self.nets],
            "entities": [e.to_dict() for e in self.entities],
        }


class _UF:
    def __init__(self) -> None:
        self.p: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def channels(freqs: list[float], gap: float = CHANNEL_KHZ) -> tuple[dict[float, int], list[float]]:
    """Frequency → channel index, and each channel's median frequency."""
    uniq = sorted(set(freqs))
    out: dict[float, int] = {}
    groups: list[list[float]] = []
    for f in uniq:
        if not groups or f - groups[-1][-1] > gap:
            groups.append([])
        groups[-1].append(f)
        out[f] = len(groups) - 1
    counts = Counter(freqs)
    centre = [float(np.median(np.repeat(g, [counts[f] for f in g]))) for g in groups]
    return out, centre


def _hamming1(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _repair(rows: list[Heard], chan: dict[float, int]) -> dict[tuple[date, int, str], str]:
    """Garbled call signs → the call sign they were misheard from (per day and channel)."""
    counts: dict[tuple[date, int], Counter[str]] = defaultdict(Counter)
    for h in rows:
        k = (h.heard_at.date(), chan[h.frequency_khz])
        counts[k][h.call_from] += 1
        if h.call_to:
            counts[k][h.call_to] += 1
    fix: dict[tuple[date, int, str], str] = {}
    for (d, c), cnt in counts.items():
        common = [s for s, n in cnt.items() if n >= 5]
        for s, n in cnt.items():
            if n > 2:
                continue
            near = [t for t in common if _hamming1(s, t)]
            if len(near) == 1:
                fix[(d, c, s)] = near[0]
    return fix


def _transmissions(
    rows: list[Heard], chan: dict[float, int]
) -> tuple[list[Transmission], dict[int, int]]:
    fix = _repair(rows, chan)
    open_: dict[tuple[Any, ...], Transmission] = {}
    out: list[Transmission] = []
    row_tx: dict[int, int] = {}
    for h in sorted(rows, key=lambda r: r.heard_at):
        d = h.heard_at.date()
        c = chan[h.frequency_khz]
        cf = fix.get((d, c, h.call_from), h.call_from)
        ct = fix.get((d, c, h.call_to), h.call_to) if h.call_to else None
        key = (d, c, cf, ct, h.msg_number if h.msg_number is not None else h.groups)
        t = open_.get(key)
        if t is not None and (h.heard_at - t.at).total_seconds() <= DEDUPE_MINUTES * 60:
            t.rows.append(h.row)
            row_tx[h.row] = t.id
            continue
        t = Transmission(len(out), [h.row], d, h.heard_at, c, cf, ct, h.groups)
        open_[key] = t
        out.append(t)
        row_tx[h.row] = t.id
    return out, row_tx


@dataclass
class _DayNet:
    day: date
    channel: int
    tx: list[int]
    members: dict[str, dict[str, Any]]
    hours: np.ndarray
    control: str | None = None


def _day_nets(txs: list[Transmission]) -> list[_DayNet]:
    by: dict[tuple[date, int], list[Transmission]] = defaultdict(list)
    for t in txs:
        by[(t.day, t.channel)].append(t)
    out: list[_DayNet] = []
    for (d, c), ts in sorted(by.items()):
        uf = _UF()
        for t in ts:
            uf.find(t.call_from)
            if t.call_to:
                uf.union(t.call_from, t.call_to)
        comp: dict[str, list[Transmission]] = defaultdict(list)
        for t in ts:
            comp[uf.find(t.call_from)].append(t)
        for group in comp.values():
            if len(group) < 2:
                continue  # one lone line is not a net (and often a misheard one)
            members: dict[str, dict[str, Any]] = defaultdict(
                lambda: {"partners": set(), "sent": [], "recv": 0, "groups": []}
            )
            hours = np.zeros(24)
            for t in group:
                m = members[t.call_from]
                m["sent"].append(t.at.minute + t.at.second / 60)
                if t.groups is not None:
                    m["groups"].append(t.groups)
                hours[t.at.hour] += 1
                if t.call_to:
                    m["partners"].add(t.call_to)
                    members[t.call_to]["partners"].add(t.call_from)
                    members[t.call_to]["recv"] += 1
            ranked = sorted(
                members,
                key=lambda s: (
                    len(members[s]["partners"]),
                    len(members[s]["sent"]) + members[s]["recv"],
                    s,
                ),
            )
            out.append(_DayNet(d, c, [t.id for t in group], dict(members), hours, ranked[-1]))
    return out


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        return 0.0
    return float(a @ b) / (na * nb)


def _features(m: dict[str, Any], is_control: bool) -> np.ndarray:
    sent = m["sent"]
    minute = float(np.median(sent)) if sent else math.nan
    groups = math.log(float(np.median(m["groups"]))) if m["groups"] else math.nan
    volume = math.log(1 + len(sent) + m["recv"])
    return np.array([minute, groups, volume, 1.0 if is_control else 0.0])


def _mean(history: list[np.ndarray]) -> np.ndarray:
    """Column means over the days a station was heard, ignoring days a feature was missing."""
    stack = np.stack(history)
    out = np.full(stack.shape[1], math.nan)
    for k in range(stack.shape[1]):
        col = stack[:, k][~np.isnan(stack[:, k])]
        if col.size:
            out[k] = float(col.mean())
    return out


def _link_cost(a: np.ndarray, b: np.ndarray) -> float:
    cost = 0.0
    if not (math.isnan(a[0]) or math.isnan(b[0])):
        dm = abs(a[0] - b[0])
        cost += min(dm, 60 - dm) / 1.0
    else:
        cost += 2.0
    if not (math.isnan(a[1]) or math.isnan(b[1])):
        cost += abs(a[1] - b[1]) / 0.15
    else:
        cost += 1.0
    cost += abs(a[2] - b[2]) / 0.7
    cost += 4.0 * abs(a[3] - b[3])
    return cost


def analyse(rows: list[Heard]) -> Analysis:
    """Nets, stations and subordination from a week (or any span) of log lines."""
    if not rows:
        return Analysis([], {}, [], [], {})
    chan, centre = channels([h.frequency_khz for h in rows])
    txs, row_tx = _transmissions(rows, chan)
    dnets = _day_nets(txs)

    # 5. week nets: per channel, match each day's nets to the week nets so far by schedule.
    week: list[dict[str, Any]] = []  # {"channel", "hours", "dnets": [...]}
    by_day_chan: dict[tuple[date, int], list[_DayNet]] = defaultdict(list)
    for dn in dnets:
        by_day_chan[(dn.day, dn.channel)].append(dn)
    for (_d, c), dns in sorted(by_day_chan.items()):
        cands = [w for w in week if w["channel"] == c]
        assigned: dict[int, dict[str, Any]] = {}
        if cands:
            cost = np.array([[1.0 - _cos(dn.hours, w["hours"]) for w in cands] for dn in dns])
            ri, ci = linear_sum_assignment(cost)
            for i, j in zip(ri, ci, strict=True):
                if cost[i, j] <= NET_COST_MAX:
                    assigned[i] = cands[j]
        for i, dn in enumerate(dns):
            w = assigned.get(i)
            if w is None:
                w = {"channel": c, "hours": np.zeros(24), "dnets": []}
                week.append(w)
            w["hours"] = w["hours"] + dn.hours
            w["dnets"].append(dn)

    # 6. call-sign changes inside each week net → local stations; then the same call sign on the
    # same day in two nets joins their stations.
    uf = _UF()
    for wi, w in enumerate(week):
        profiles: list[list[np.ndarray]] = []  # local station → feature history
        for dn in sorted(w["dnets"], key=lambda x: x.day):
            names = sorted(dn.members)
            feats = [_features(dn.members[s], s == dn.control) for s in names]
            assigned: dict[int, int] = {}
            if profiles:
                means = [_mean(p) for p in profiles]
                cost = np.array([[_link_cost(f, m) for m in means] for f in feats])
                ri, ci = linear_sum_assignment(cost)
                for i, j in zip(ri, ci, strict=True):
                    if cost[i, j] <= LINK_COST_MAX:
                        assigned[i] = j
            for i, s in enumerate(names):
                j = assigned.get(i)
                if j is None:
                    j = len(profiles)
                    profiles.append([])
                profiles[j].append(feats[i])
                uf.union(("cs", dn.day, s), ("w", wi, j))

    # Entities are the union-find classes of call signs.
    root_entity: dict[Any, int] = {}
    entities: list[Entity] = []
    callsign_entity: dict[tuple[date, str], int] = {}
    for dn in dnets:
        for s in dn.members:
            r = uf.find(("cs", dn.day, s))
            if r not in root_entity:
                root_entity[r] = len(entities)
                entities.append(Entity(len(entities)))
            e = root_entity[r]
            entities[e].callsigns[dn.day] = s
            callsign_entity[(dn.day, s)] = e

    # 7. nets with control and members, then parents.
    nets: list[Net] = []
    for wi, w in enumerate(week):
        dns = sorted(w["dnets"], key=lambda x: x.day)
        hours = w["hours"]
        net = Net(
            id=wi,
            channel=w["channel"],
            frequency_khz=centre[w["channel"]],
            hours=[int(h) for h in np.nonzero(hours >= max(1.0, 0.1 * hours.max()))[0]],
            days=sorted({dn.day for dn in dns}),
        )
        score: Counter[int] = Counter()
        for dn in dns:
            net.day_members[dn.day] = {}
            for s, m in dn.members.items():
                e = callsign_entity[(dn.day, s)]
                net.day_members[dn.day][s] = e
                n = len(m["sent"]) + m["recv"]
                net.members[e] = net.members.get(e, 0) + n
                score[e] += len(m["partners"]) * 1000 + n
            for t in dn.tx:
                txs[t].net = wi
            net.transmissions += len(dn.tx)
        net.control = max(score, key=lambda e: (score[e], -e)) if score else None
        nets.append(net)
    for net in nets:
        for e, n in net.members.items():
            entities[e].nets.append(net.id)
            entities[e].transmissions += n
        if net.control is not None:
            entities[net.control].controls.append(net.id)
    for ent in entities:
        best, best_n = None, -1
        for ni in ent.nets:
            net = nets[ni]
            if net.control is None or net.control == ent.id:
                continue
            n = net.members[ent.id]
            if n > best_n:
                best, best_n = net.control, n
        ent.parent = best
    return Analysis(txs, row_tx, nets, entities, callsign_entity)


def by_frequency(rows: list[Heard]) -> dict[int, int]:
    """The anchor: a net is everything on one frequency (row → channel)."""
    chan, _ = channels([h.frequency_khz for h in rows])
    return {h.row: chan[h.frequency_khz] for h in rows}


def adjusted_rand(a: list[Any], b: list[Any]) -> float:
    """Adjusted Rand index of two labelings of the same items (Hubert and Arabie, 1985)."""
    if len(a) != len(b):
        raise ValueError("labelings differ in length")
    n = len(a)
    if n < 2:
        return 1.0
    pairs = Counter(zip(a, b, strict=True))
    ca, cb = Counter(a), Counter(b)

    def c2(x: int) -> float:
        return x * (x - 1) / 2

    index = sum(c2(v) for v in pairs.values())
    sa = sum(c2(v) for v in ca.values())
    sb = sum(c2(v) for v in cb.values())
    expected = sa * sb / c2(n)
    top = (sa + sb) / 2
    if top == expected:
        return 1.0
    return (index - expected) / (top - expected)
