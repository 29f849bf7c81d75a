"""Three or more pictures at once: units clustered across every partner's picture, and each
discrepancy naming which partners disagree.

Every pair of pictures is matched by the two-party matcher (`match.reconcile`); the matches of all
pairs become one graph whose edges are joined strongest first, never putting two units of one
partner in the same cluster (a transitive chain that would do so is cut at its weakest link). Each
cluster is one unit as the coalition knows it. Within a cluster each fact is compared across the
partners that report it, under the same tolerances as two-party meetings: the partners whose value
agrees with the largest group (a strict majority) stand, the rest are named as disagreeing; when no
group holds a majority, every partner is named. A unit some partners do not hold is a `missing`
finding naming who lacks it.

Why all pairs and not one pivot picture: a pivot only sees units it holds itself, so two partners
who both hold a unit the pivot lacks would never be compared (`benchmarks/coalition.py` measures it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from liaison.core.errors import ValidationError
from liaison.core.geo import haversine_km
from liaison.names import Designation
from liaison.orbat.model import Picture, UnitView
from liaison.reconcile.match import (
    EQUIPMENT_TOLERANCE,
    STALE_DAYS,
    STRENGTH_TOLERANCE,
    TOLERANCE_KM,
    _branch_family,
    _parse,
    _prepare,
    reconcile,
)

Node = tuple[str, str]  # (partner, unit id)
FINDING_KINDS = (
    "location",
    "equipment",
    "strength",
    "subordination",
    "echelon",
    "branch",
    "stale",
    "missing",
    "conflict",
)


@dataclass
class Cluster:
    """One unit as the coalition knows it: each partner's unit id for it."""

    id: int
    units: dict[str, str]  # partner → unit id
    score: float  # the weakest pairwise match probability that holds it together (1.0 alone)


@dataclass
class Finding:
    """A discrepancy among N partners: which partners' values depart from the rest."""

    kind: str
    cluster: int
    units: dict[str, str]  # partner → unit id, of every partner compared
    values: dict[str, Any]  # partner → its value (position, count, parent cluster, …)
    disagreeing: list[str]  # partners whose value departs from the majority (all, without one)
    severity: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Coalition:
    partners: list[str]
    clusters: list[Cluster]
    findings: list[Finding]
    warnings: list[str] = field(default_factory=list)

    def cluster_of(self, partner: str, unit_id: str) -> Cluster | None:
        for c in self.clusters:
            if c.units.get(partner) == unit_id:
                return c
        return None

    @property
    def summary(self) -> dict[str, Any]:
        by_kind = Counter(f.kind for f in self.findings)
        return {
            "partners": self.partners,
            "clusters": len(self.clusters),
            "held_by_all": sum(len(c.units) == len(self.partners) for c in self.clusters),
            "findings": len(self.findings),
            "by_kind": {k: by_kind.get(k, 0) for k in FINDING_KINDS},
            "warnings": self.warnings,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "clusters": [asdict(c) for c in self.clusters],
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary,
        }


class _Sets:
    """Union–find whose sets remember which partners they hold."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.up: dict[Node, Node] = {n: n for n in nodes}
        self.partners: dict[Node, set[str]] = {n: {n[0]} for n in self.up}
        self.weakest: dict[Node, float] = {n: 1.0 for n in self.up}

    def find(self, n: Node) -> Node:
        while self.up[n] != n:
            self.up[n] = self.up[self.up[n]]
            n = self.up[n]
        return n

    def join(self, a: Node, b: Node, score: float) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.partners[ra] & self.partners[rb]:
            return False  # two units of one partner would become one: cut here
        self.up[rb] = ra
        self.partners[ra] |= self.partners.pop(rb)
        self.weakest[ra] = min(self.weakest[ra], self.weakest.pop(rb), score)
        return True


def _majority(values: dict[str, Hashable]) -> list[str]:
    """Partners outside the strict-majority value; all of them when there is none."""
    counts = Counter(values.values())
    top, n = counts.most_common(1)[0]
    if n * 2 > len(values):
        return sorted(p for p, v in values.items() if v != top)
    return sorted(values)


def _groups_by_tolerance(
    values: dict[str, Any], close: Callable[[Any, Any], bool]
) -> list[str] | None:
    """Disagreeing partners for a continuous fact: the largest set of values all close to one
    of them stands if it is a strict majority; None when every value agrees."""
    parts = sorted(values)
    if all(close(values[a], values[b]) for a, b in combinations(parts, 2)):
        return None
    best: list[str] = []
    for p in parts:
        group = [q for q in parts if close(values[p], values[q])]
        if len(group) > len(best):
            best = group
    if len(best) * 2 > len(parts):
        return sorted(set(parts) - set(best))
    return parts


def _severity(echelon: str | None) -> str:
    from liaison.names.vocab import ECHELON_RANK

    return "high" if echelon and ECHELON_RANK[echelon] <= ECHELON_RANK["division"] else "medium"


def reconcile_many(
    pictures: list[Picture],
    *,
    parse: Callable[[str], Designation] = _parse,
    pivot: str | None = None,
) -> Coalition:
    """Match N partners' pictures at once and list every discrepancy with who disagrees.

    `pivot` matches every picture against that partner's only — how chained two-party meetings
    work, kept to measure what all pairs add."""
    codes = [p.partner for p in pictures]
    if len(pictures) < 2:
        raise ValidationError("a coalition meeting needs at least two pictures")
    if len(set(codes)) != len(codes):
        raise ValidationError(f"each partner's picture once: {', '.join(codes)}")
    by_code = {p.partner: p for p in pictures}
    prepared = {p.partner: _prepare(p, parse) for p in pictures}
    nodes = [(p.partner, uid) for p in pictures for uid in p.units]
    sets = _Sets(nodes)
    edges: list[tuple[float, Node, Node]] = []
    warnings: list[str] = []
    conflicts: list[tuple[str, str, list[tuple[str, str]]]] = []
    for a, b in combinations(pictures, 2):
        if pivot is not None and pivot not in (a.partner, b.partner):
            continue
        r = reconcile(a, b, parse=parse)
        warnings += [w for w in r.warnings if w not in warnings]
        edges += [(m.score, (a.partner, m.ours), (b.partner, m.theirs)) for m in r.matches]
        for d in r.discrepancies:
            if d.kind == "conflict":
                side, uid = (a.partner, d.ours) if d.ours else (b.partner, d.theirs)
                other = b.partner if d.ours else a.partner
                conflicts.append((side, uid or "", [(other, c) for c in d.detail["candidates"]]))
    cut = 0
    for score, x, y in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        if not sets.join(x, y, score):
            cut += 1
    if cut:
        warnings.append(
            f"{cut} pairwise match(es) left out: they would join two units of one partner"
        )
    members: dict[Node, list[Node]] = defaultdict(list)
    for n in nodes:
        members[sets.find(n)].append(n)
    ordered = sorted(members.values(), key=lambda ms: min(ms))
    clusters = [
        Cluster(i, {p: u for p, u in sorted(ms)}, sets.weakest[sets.find(ms[0])])
        for i, ms in enumerate(ordered)
    ]
    where = {(p, u): c.id for c in clusters for p, u in c.units.items()}
    held = {c.id: set(c.units) for c in clusters}
    findings: list[Finding] = []
    for c in clusters:
        findings += _findings(c, codes, by_code, prepared, where, held)
    for side, uid, rivals in conflicts:
        c = clusters[where[(side, uid)]]
        findings.append(
            Finding(
                "conflict",
                c.id,
                {side: uid, **{p: u for p, u in rivals}},
                {"candidates": [f"{p}:{u}" for p, u in rivals]},
                [side],
                "high",
            )
        )
    return Coalition(codes, clusters, findings, warnings)


def _findings(
    c: Cluster,
    codes: list[str],
    pictures: dict[str, Picture],
    prepared: dict[str, dict[str, Any]],
    where: dict[Node, int],
    held: dict[int, set[str]],
) -> list[Finding]:
    views: dict[str, UnitView] = {p: pictures[p].units[u] for p, u in c.units.items()}
    parsed = {p: prepared[p][u] for p, u in c.units.items()}
    echelons = Counter(x.echelon for x in parsed.values() if x.echelon)
    echelon = echelons.most_common(1)[0][0] if echelons else None
    sev = _severity(echelon)
    out: list[Finding] = []

    def add(kind: str, values: dict[str, Any], bad: list[str] | None, severity: str) -> None:
        if bad:
            units = {p: c.units[p] for p in values}
            out.append(Finding(kind, c.id, units, values, bad, severity))

    lacking = [p for p in codes if p not in c.units]
    if lacking:
        designations = {p: views[p].designation for p in c.units}
        out.append(Finding("missing", c.id, dict(c.units), designations, lacking, sev))
    if len(views) < 2:
        return out
    tol = TOLERANCE_KM.get(echelon or "division", 30.0)
    pos = {p: (v.lat, v.lon) for p, v in views.items() if v.has_position}
    if len(pos) >= 2:
        bad = _groups_by_tolerance(pos, lambda a, b: haversine_km(*a, *b) <= tol)
        add("location", {p: list(x) for p, x in pos.items()}, bad, sev)
    items = sorted({k for v in views.values() for k in v.equipment})
    for k in items:
        counts = {p: v.equipment[k] for p, v in views.items() if k in v.equipment}
        if len(counts) >= 2:
            bad = _groups_by_tolerance(
                counts, lambda a, b: abs(a - b) <= max(2, EQUIPMENT_TOLERANCE * max(a, b))
            )
            if bad:
                add("equipment", {p: {k: n} for p, n in counts.items()}, bad, "medium")
    strength = {p: v.strength for p, v in views.items() if v.strength}
    if len(strength) >= 2:
        bad = _groups_by_tolerance(
            strength, lambda a, b: abs(a - b) <= STRENGTH_TOLERANCE * max(a, b)
        )
        add("strength", strength, bad, "medium")
    parents = {
        p: where[(p, v.parent_id)]
        for p, v in views.items()
        if v.parent_id and (p, v.parent_id) in where
    }
    # a partner is compared on a parent only if it holds every parent the others name: one that
    # lacks the parent others give is not disagreeing when it names the next one up
    named = set(parents.values())
    able = {p: cl for p, cl in parents.items() if all(p in held[cl] for cl in named)}
    if len(able) >= 2 and len(set(able.values())) > 1:
        add("subordination", dict(able), _majority(able), "high")
    ech = {p: x.echelon for p, x in parsed.items() if x.echelon}
    if len(set(ech.values())) > 1:
        add("echelon", ech, _majority(ech), "medium")
    fam = {p: _branch_family(x.branch) for p, x in parsed.items() if x.branch}
    if len(set(fam.values())) > 1:
        add("branch", {p: parsed[p].branch for p in fam}, _majority(fam), "medium")
    seen = {p: v.observed_at for p, v in views.items() if v.observed_at}
    if len(seen) >= 2:
        newest = max(seen.values())
        old = sorted(
            p for p, t in seen.items() if (newest - t).total_seconds() > STALE_DAYS * 86400
        )
        add("stale", {p: t.isoformat() for p, t in seen.items()}, old, "low")
    return out
