"""Reconciliation: match two partners' pictures unit to unit and list every discrepancy.

Candidates come from identity blocks (same number, echelon within one step) and from geography
(a KD-tree on unit positions, radius by echelon) for units without a number — never from exact
grid cells, so a unit 6 km away is always a candidate. Each candidate pair gets a log-likelihood
score (Fellegi–Sunter style: agreement and disagreement weights per field), parents' matches feed
back into their children's scores, a one-to-one assignment is solved per connected component
(Hungarian algorithm), and the score becomes a probability through a logistic calibration.
A unit that fits two others equally well is reported as a `conflict`, never guessed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from liaison.core.clock import iso
from liaison.core.geo import EARTH_RADIUS_KM, haversine_km
from liaison.names import Designation, parse_designation
from liaison.names.vocab import AVIATION, ECHELON_RANK
from liaison.orbat.model import Picture, UnitView

# Location tolerance by echelon (km): two reports of one unit farther apart than this disagree.
TOLERANCE_KM = {
    "front": 150.0,
    "army": 80.0,
    "corps": 50.0,
    "division": 30.0,
    "brigade": 25.0,
    "regiment": 20.0,
    "battalion": 15.0,
    "squadron": 15.0,
    "company": 10.0,
}
STALE_DAYS = 90
EQUIPMENT_TOLERANCE = 0.15  # relative; plus an absolute floor of 2
STRENGTH_TOLERANCE = 0.15
ACCEPT = 0.6  # probability above which a pair is matched
TIE = 1.0  # log-odds: two candidates closer than this are a tie
# Logistic calibration of the log-likelihood score (fitted on the benchmark generator; see docs/meeting.md).
CAL_A, CAL_B = 0.9, -4.0

KINDS = (
    "location",
    "equipment",
    "strength",
    "subordination",
    "echelon",
    "branch",
    "only_ours",
    "only_theirs",
    "conflict",
    "stale",
)


@dataclass
class Match:
    ours: str
    theirs: str
    score: float  # calibrated probability
    confirmed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"ours": self.ours, "theirs": self.theirs, "score": round(self.score, 4)}


@dataclass
class Discrepancy:
    kind: str
    ours: str | None
    theirs: str | None
    detail: dict[str, Any]
    severity: str
    ours_source: dict[str, Any] | None = None
    theirs_source: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ours or '-'}:{self.theirs or '-'}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["detail"] = {
            k: (iso(v) if isinstance(v, datetime) else v) for k, v in self.detail.items()
        }
        return d


@dataclass
class Result:
    ours_partner: str
    theirs_partner: str
    matches: list[Match]
    discrepancies: list[Discrepancy]
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, Any]:
        by_kind = {k: 0 for k in KINDS}
        for d in self.discrepancies:
            by_kind[d.kind] += 1
        return {
            "ours": self.ours_partner,
            "theirs": self.theirs_partner,
            "matched": len(self.matches),
            "discrepancies": len(self.discrepancies),
            "by_kind": by_kind,
            "warnings": self.warnings,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "matches": [m.to_dict() for m in self.matches],
            "discrepancies": [d.to_dict() for d in self.discrepancies],
            "summary": self.summary,
        }


class _U:
    """A unit prepared for matching.

    The parsed designation and the position vector are computed when first read: a meeting that
    starts from the last one searches only the changed and unmatched units, so most units are
    never parsed (a third of a full match's time), and a unit whose echelon and branch were
    reported needs no parse to be compared."""

    __slots__ = ("view", "_parse", "_d", "_xyz", "_echelon", "_branch")

    _UNSET: Any = object()

    def __init__(self, view: UnitView, parse: Callable[[str], Designation]) -> None:
        self.view = view
        self._parse = parse
        self._d: Designation | None = None
        self._xyz: Any = _U._UNSET
        self._echelon: Any = _U._UNSET
        self._branch: Any = _U._UNSET

    @property
    def d(self) -> Designation:
        if self._d is None:
            self._d = self._parse(self.view.designation or "")
        return self._d

    @property
    def echelon(self) -> str | None:
        if self._echelon is _U._UNSET:
            self._echelon = self.view.echelon or self.d.echelon
        return self._echelon  # type: ignore[no-any-return]

    @property
    def branch(self) -> str | None:
        if self._branch is _U._UNSET:
            self._branch = self.view.branch or self.d.branch
        return self._branch  # type: ignore[no-any-return]

    @property
    def xyz(self) -> np.ndarray | None:
        if self._xyz is _U._UNSET:
            u = self.view
            xyz = None
            if u.has_position:
                la, lo = math.radians(u.lat), math.radians(u.lon)  # type: ignore[arg-type]
                xyz = np.array(
                    [math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)]
                )
            self._xyz = xyz
        return self._xyz  # type: ignore[no-any-return]


#: Designations parsed in this process, by text (`designations.prime` fills it from the store).
PARSED: dict[str, Designation] = {}
#: At most this many kept; past it the memo starts again.
PARSED_MAX = 400_000


def _parse(text: str) -> Designation:
    d = PARSED.get(text)
    if d is None:
        d = parse_designation(text)
        if len(PARSED) >= PARSED_MAX:
            PARSED.clear()
        PARSED[text] = d
    return d


def _prepare(p: Picture, parse: Callable[[str], Designation]) -> dict[str, _U]:
    return {uid: _U(u, parse) for uid, u in p.units.items()}


def _branch_family(b: str | None) -> str | None:
    return "aviation" if b in AVIATION else b


def _pair_score(a: _U, b: _U) -> float:
    s = 0.0
    na, nb = a.d.number, b.d.number
    if na is not None and nb is not None:
        s += 6.0 if na == nb else -9.0
    if a.d.name or b.d.name:
        s += 5.0 if a.d.name == b.d.name else -6.0
    ea, eb = a.echelon, b.echelon
    if ea and eb:
        gap = abs(ECHELON_RANK[ea] - ECHELON_RANK[eb])
        s += 2.0 if gap == 0 else -2.0 if gap == 1 else -7.0
    ba, bb = a.branch, b.branch
    if ba and bb:
        if ba == bb:
            s += 2.0
        elif _branch_family(ba) == _branch_family(bb):
            s += 0.5
        else:
            s -= 6.0
    elif ba or bb:
        s -= 0.5
    ha, hb = a.d.honorifics, b.d.honorifics
    s += 0.5 if ha == hb else -1.5 * len(ha ^ hb)
    if a.xyz is not None and b.xyz is not None:
        km = haversine_km(a.view.lat, a.view.lon, b.view.lat, b.view.lon)  # type: ignore[arg-type]
        tol = TOLERANCE_KM.get(ea or eb or "division", 30.0)
        s += 2.0 if km <= tol else -min(5.0, 1.0 + math.log2(km / tol))
    ea_eq, eb_eq = a.view.equipment, b.view.equipment
    if ea_eq and eb_eq:
        keys = set(ea_eq) | set(eb_eq)
        sim = sum(min(ea_eq.get(k, 0), eb_eq.get(k, 0)) for k in keys) / max(
            1, sum(max(ea_eq.get(k, 0), eb_eq.get(k, 0)) for k in keys)
        )
        s += 1.0 * (sim - 0.5)
    return s


def probability(score: float) -> float:
    return 1.0 / (1.0 + math.exp(-(CAL_A * score + CAL_B)))


def _candidates(ours: dict[str, _U], theirs: dict[str, _U]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    blocks: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for tid, t in theirs.items():
        if t.d.number is not None:
            blocks[("n", t.d.number)].append(tid)
        if t.d.name:
            blocks[("name", t.d.name)].append(tid)
    for oid, o in ours.items():
        keys = []
        if o.d.number is not None:
            keys.append(("n", o.d.number))
        if o.d.name:
            keys.append(("name", o.d.name))
        for k in keys:
            for tid in blocks.get(k, ()):
                t = theirs[tid]
                if (
                    o.echelon
                    and t.echelon
                    and abs(ECHELON_RANK[o.echelon] - ECHELON_RANK[t.echelon]) > 1
                ):
                    continue
                pairs.add((oid, tid))
    # geography: units lacking a number or a name on one side are found by where they are
    t_ids = [tid for tid, t in theirs.items() if t.xyz is not None]
    if t_ids:
        tree = cKDTree(np.vstack([theirs[t].xyz for t in t_ids]))
        for oid, o in ours.items():
            if o.xyz is None:
                continue
            radius = 3 * TOLERANCE_KM.get(o.echelon or "division", 30.0) / EARTH_RADIUS_KM
            for j in tree.query_ball_point(o.xyz, radius):
                t = theirs[t_ids[j]]
                if (o.d.number is None or t.d.number is None) and (
                    o.d.name is None or t.d.name is None or o.d.name == t.d.name
                ):
                    if (
                        o.echelon
                        and t.echelon
                        and abs(ECHELON_RANK[o.echelon] - ECHELON_RANK[t.echelon]) > 1
                    ):
                        continue
                    pairs.add((oid, t_ids[j]))
    return pairs


def _assign(
    scores: dict[tuple[str, str], float], confirmed: set[tuple[str, str]]
) -> tuple[dict[str, str], list[tuple[str, list[str], str]]]:
    """One-to-one assignment per connected component; returns matches and conflicts."""
    matched: dict[str, str] = {o: t for o, t in confirmed}
    taken_t = set(matched.values())
    live = {
        p: s
        for p, s in scores.items()
        if probability(s) >= ACCEPT and p[0] not in matched and p[1] not in taken_t
    }
    if not live:
        return matched, []
    o_ids = sorted({o for o, _ in live})
    t_ids = sorted({t for _, t in live})
    oi = {o: i for i, o in enumerate(o_ids)}
    ti = {t: i for i, t in enumerate(t_ids)}
    rows = [oi[o] for o, _ in live]
    cols = [len(o_ids) + ti[t] for _, t in live]
    n = len(o_ids) + len(t_ids)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    comps: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for p in live:
        comps[labels[oi[p[0]]]].append(p)
    conflicts: list[tuple[str, list[str], str]] = []
    for pairs in comps.values():
        co = sorted({o for o, _ in pairs})
        ct = sorted({t for _, t in pairs})
        m = np.full((len(co), len(ct)), -1e6)
        for o, t in pairs:
            m[co.index(o), ct.index(t)] = live[(o, t)]
        r, c = linear_sum_assignment(-m)
        chosen = {co[i]: ct[j] for i, j in zip(r, c, strict=True) if m[i, j] > -1e5}
        # ties: a unit with two candidates scoring alike is a conflict, not a guess
        for o, t in list(chosen.items()):
            rivals = [
                t2
                for t2 in ct
                if t2 != t and (o, t2) in live and abs(live[(o, t2)] - live[(o, t)]) < TIE
            ]
            rivals_o = [
                o2
                for o2 in co
                if o2 != o
                and (o2, t) in live
                and abs(live[(o2, t)] - live[(o, t)]) < TIE
                and chosen.get(o2) is None
            ]
            # a rival that the assignment gave to another unit is not a tie: the other unit explains it
            if rivals and not any(t2 in chosen.values() for t2 in rivals):
                conflicts.append((o, sorted([t, *rivals]), "ours"))
                del chosen[o]
            elif rivals_o:
                conflicts.append((t, sorted([o, *rivals_o]), "theirs"))
                del chosen[o]
        matched.update(chosen)
    return matched, conflicts


def _source(u: UnitView) -> dict[str, Any]:
    return {
        "partner": u.partner,
        "unit_id": u.unit_id,
        "source": u.source,
        "reliability": u.reliability,
        "credibility": u.credibility,
        "observed_at": iso(u.observed_at),
        "designation": u.designation,
    }


def reconcile(
    ours: Picture,
    theirs: Picture,
    *,
    confirmed: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
    parse: Callable[[str], Designation] = _parse,
    keep: dict[tuple[str, str], float] | None = None,
    changed: tuple[set[str], set[str]] | None = None,
    carry: dict[tuple[str | None, str | None], list[Discrepancy]] | None = None,
) -> Result:
    """Match `ours` against `theirs`. Confirmed links are kept as they are; rejected ones are never proposed.

    Incremental (a meeting that starts from the last one): `keep` are the last meeting's matches
    with their probabilities and `changed` the units of each side with a fact recorded since.
    A kept pair whose two units are unchanged stays matched without being scored again; only
    the changed units and those left unmatched are searched and assigned. Discrepancies are
    listed over every match, as always.

    `carry` (with `keep` and `changed`): the last meeting's discrepancies by (ours, theirs) unit
    pair, (ours, None) or (None, theirs). A kept pair whose parents are matched as they were
    (so nothing its discrepancies are computed from has changed) takes the last meeting's
    discrepancies instead of comparing the two units again, as does an unchanged unit that is
    still unmatched; only the rest is compared. The result is what a full comparison gives."""
    warnings = _check(ours) + _check(theirs)
    po, pt = _prepare(ours, parse), _prepare(theirs, parse)
    confirmed_set = {(o, t) for o, t in confirmed if o in po and t in pt}
    rejected_set = set(rejected)
    kept: dict[tuple[str, str], float] = {}
    if keep and changed is not None:
        busy_o = {o for o, _ in confirmed_set} | changed[0]
        busy_t = {t for _, t in confirmed_set} | changed[1]
        kept = {
            (o, t): p
            for (o, t), p in keep.items()
            if o in po
            and t in pt
            and o not in busy_o
            and t not in busy_t
            and (o, t) not in rejected_set
        }
    if kept:
        kept = _contest(po, pt, kept, changed, rejected_set)  # type: ignore[arg-type]
    if kept:
        fixed_o, fixed_t = {o for o, _ in kept}, {t for _, t in kept}
        fo = {o: u for o, u in po.items() if o not in fixed_o}
        ft = {t: u for t, u in pt.items() if t not in fixed_t}
        cands = _candidates(fo, ft) - rejected_set
        confirmed_set = confirmed_set | set(kept)
    else:
        cands = _candidates(po, pt) - rejected_set
    base = {p: _pair_score(po[p[0]], pt[p[1]]) for p in cands}
    matched, _ = _assign(base, confirmed_set)
    # parents' matches raise their children's scores (and mismatched parents lower them) …
    # A parent one side skips is no contradiction: a partner that does not know the division
    # puts the regiment under the corps, so a parent matched to an ancestor of the other side's
    # parent (or the reverse) counts half, not against.
    scores = dict(base)
    rev = {t: o for o, t in matched.items()}
    for (o, t), s in base.items():
        op, tp = po[o].view.parent_id, pt[t].view.parent_id
        if op and tp and op in matched:
            if matched[op] == tp:
                scores[(o, t)] = s + 2.0
            elif _above(pt, matched[op], tp) or (tp in rev and _above(po, rev[tp], op)):
                scores[(o, t)] = s + 1.0
            else:
                scores[(o, t)] = s - 1.0
    # … and children's matches support their parents
    kids_o: dict[str, list[str]] = defaultdict(list)
    for o, u in po.items():
        if u.view.parent_id:
            kids_o[u.view.parent_id].append(o)
    kids_t: dict[str, set[str]] = defaultdict(set)
    for t, u in pt.items():
        if u.view.parent_id:
            kids_t[u.view.parent_id].add(t)
    for (o, t), s in list(scores.items()):
        agree = sum(1 for k in kids_o.get(o, ()) if matched.get(k) in kids_t.get(t, ()))
        if agree:
            scores[(o, t)] = s + min(3.0, 1.0 * agree)
    matched, conflicts = _assign(scores, confirmed_set)
    matches = [
        Match(o, t, kept[(o, t)], False)
        if (o, t) in kept
        else Match(
            o,
            t,
            1.0 if (o, t) in confirmed_set else probability(scores.get((o, t), 0.0)),
            (o, t) in confirmed_set,
        )
        for o, t in sorted(matched.items())
    ]
    reuse = None
    if carry is not None and kept and changed is not None:
        reuse = _Reuse(carry, kept, keep or {}, changed)
    discs = _discrepancies(po, pt, matched, conflicts, scores, reuse)
    return Result(ours.partner, theirs.partner, matches, discs, warnings)


#: The most the parents' and children's matches add to a pair's score (+2 parent, +3 children).
_BONUS = 5.0


def _contest(
    po: dict[str, _U],
    pt: dict[str, _U],
    kept: dict[tuple[str, str], float],
    changed: tuple[set[str], set[str]],
    rejected: set[tuple[str, str]],
) -> dict[tuple[str, str], float]:
    """The kept pairs no changed unit contests. A changed or new unit that could be matched to
    a unit of a kept pair (its score, with the most its family can add, reaches the acceptance
    line) may take it or tie with it, as a full match would find: that pair is searched again."""
    fixed_o, fixed_t = {o for o, _ in kept}, {t for _, t in kept}
    new_o = {o: po[o] for o in changed[0] if o in po and o not in fixed_o}
    new_t = {t: pt[t] for t in changed[1] if t in pt and t not in fixed_t}
    if not new_o and not new_t:
        return kept
    pairs = set(_reach(new_o, {t: pt[t] for t in fixed_t}))
    pairs |= {(o, t) for t, o in _reach(new_t, {o: po[o] for o in fixed_o})}
    drop_o, drop_t = set(), set()
    for o, t in pairs - rejected:
        if probability(_pair_score(po[o], pt[t]) + _BONUS) >= ACCEPT:
            drop_o.add(o)
            drop_t.add(t)
    if not drop_o and not drop_t:
        return kept
    return {(o, t): p for (o, t), p in kept.items() if o not in drop_o and t not in drop_t}


def _reach(new: dict[str, _U], fixed: dict[str, _U]) -> list[tuple[str, str]]:
    """(new, fixed) pairs that `_candidates` could pair in either direction: the same blocks
    (number, name) and, by position, within the larger of the two echelons' search radii; the
    new units are few, so they are the ones looked up."""
    if not new:
        return []
    out: list[tuple[str, str]] = []
    blocks: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for nid, n in new.items():
        if n.d.number is not None:
            blocks[("n", n.d.number)].append(nid)
        if n.d.name:
            blocks[("name", n.d.name)].append(nid)

    def near(a: _U, b: _U) -> bool:
        return not (
            a.echelon and b.echelon and abs(ECHELON_RANK[a.echelon] - ECHELON_RANK[b.echelon]) > 1
        )

    if blocks:
        # the fixed units are many: test their number and name against the new ones' first
        nums = {k[1] for k in blocks if k[0] == "n"}
        named = {k[1] for k in blocks if k[0] == "name"}
        for fid, f in fixed.items():
            d = f.d
            if d.number is not None and d.number in nums:
                out += [(nid, fid) for nid in blocks[("n", d.number)] if near(new[nid], f)]
            if d.name is not None and d.name in named:
                out += [(nid, fid) for nid in blocks[("name", d.name)] if near(new[nid], f)]
    ids = [fid for fid, f in fixed.items() if f.view.has_position]
    if not ids:
        return out
    views = [fixed[i].view for i in ids]
    la = np.radians(np.array([v.lat for v in views], dtype=float))
    lo = np.radians(np.array([v.lon for v in views], dtype=float))
    tree = cKDTree(np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)]))
    widest = max(TOLERANCE_KM.values())
    units = [fixed[i] for i in ids]
    for nid, n in new.items():
        if n.xyz is None:
            continue
        number, name = n.d.number, n.d.name
        if n.echelon:
            rank = ECHELON_RANK[n.echelon]
            km = max(
                [TOLERANCE_KM.get(e, 30.0) for e, r in ECHELON_RANK.items() if abs(r - rank) <= 1]
                + [TOLERANCE_KM["division"]]
            )
        else:
            km = widest
        for j in tree.query_ball_point(n.xyz, 3 * km / EARTH_RADIUS_KM):
            f = units[j]
            fd = f.d
            if (
                (number is None or fd.number is None)
                and (name is None or fd.name is None or name == fd.name)
                and near(n, f)
            ):
                out.append((nid, ids[j]))
    return out


class _Reuse:
    """Which of the last meeting's discrepancies still hold without comparing again.

    A pair's discrepancies are computed from its two units (unchanged when the pair is kept) and
    from how their parents are matched (subordination): they carry when both parents are matched
    as in the last meeting. An unmatched unit's `only_*` item carries when the unit is unchanged."""

    def __init__(
        self,
        carry: dict[tuple[str | None, str | None], list[Discrepancy]],
        kept: dict[tuple[str, str], float],
        before: dict[tuple[str, str], float],
        changed: tuple[set[str], set[str]],
    ) -> None:
        self.carry = carry
        self.kept = kept
        self.before_o = {o: t for o, t in before}
        self.before_t = {t: o for o, t in before}
        self.changed = changed

    def pair(
        self, o: str, t: str, a: UnitView, b: UnitView, matched: dict[str, str], rev: dict[str, str]
    ) -> list[Discrepancy] | None:
        if (o, t) not in self.kept:
            return None
        op, tp = a.parent_id, b.parent_id
        if op and matched.get(op) != self.before_o.get(op):
            return None
        if tp and rev.get(tp) != self.before_t.get(tp):
            return None
        return self.carry.get((o, t), [])

    def only(self, o: str | None, t: str | None) -> Discrepancy | None:
        uid, side, kind = (o, 0, "only_ours") if o is not None else (t, 1, "only_theirs")
        if uid in self.changed[side]:
            return None
        found = [d for d in self.carry.get((o, t), ()) if d.kind == kind]
        return found[0] if len(found) == 1 else None


def _above(units: dict[str, _U], ancestor: str, node: str, depth: int = 6) -> bool:
    """Whether `ancestor` is above `node` (its parent's parent or higher) in one picture."""
    u = units.get(node)
    seen = 0
    cur = u.view.parent_id if u is not None else None
    while cur is not None and seen < depth:
        if cur == ancestor:
            return True
        nxt = units.get(cur)
        cur = nxt.view.parent_id if nxt is not None else None
        seen += 1
    return False


def _check(p: Picture) -> list[str]:
    """Pictures with missing parents, cycles or unplaced units are reported, never a crash."""
    from liaison.orbat.csvio import find_cycles

    out = []
    missing = [u.unit_id for u in p.units.values() if u.parent_id and u.parent_id not in p.units]
    if missing:
        out.append(
            f"{p.partner}: {len(missing)} unit(s) name a parent not in the picture: {', '.join(missing[:5])}"
        )
    for cyc in find_cycles({u.unit_id: u.parent_id for u in p.units.values()}):
        out.append(f"{p.partner}: parent links make a cycle: {' → '.join(cyc)}")
    unplaced = [u.unit_id for u in p.units.values() if not u.has_position]
    if unplaced:
        out.append(
            f"{p.partner}: {len(unplaced)} unit(s) without position: {', '.join(unplaced[:5])}"
        )
    return out


def _severity_rank(echelon: str | None) -> str:
    return "high" if echelon and ECHELON_RANK[echelon] <= ECHELON_RANK["division"] else "medium"


def _discrepancies(
    po: dict[str, _U],
    pt: dict[str, _U],
    matched: dict[str, str],
    conflicts: list[tuple[str, list[str], str]],
    scores: dict[tuple[str, str], float],
    reuse: _Reuse | None = None,
) -> list[Discrepancy]:
    out: list[Discrepancy] = []
    in_conflict_o = {c[0] for c in conflicts if c[2] == "ours"} | {
        x for c in conflicts if c[2] == "theirs" for x in c[1]
    }
    in_conflict_t = {c[0] for c in conflicts if c[2] == "theirs"} | {
        x for c in conflicts if c[2] == "ours" for x in c[1]
    }
    for unit_id, rivals, side in conflicts:
        if side == "ours":
            u = po[unit_id].view
            out.append(
                Discrepancy(
                    "conflict",
                    unit_id,
                    None,
                    {
                        "candidates": rivals,
                        "scores": [round(probability(scores[(unit_id, r)]), 3) for r in rivals],
                    },
                    "high",
                    _source(u),
                    None,
                )
            )
        else:
            u = pt[unit_id].view
            out.append(
                Discrepancy(
                    "conflict",
                    None,
                    unit_id,
                    {
                        "candidates": rivals,
                        "scores": [round(probability(scores[(r, unit_id)]), 3) for r in rivals],
                    },
                    "high",
                    None,
                    _source(u),
                )
            )
    rev = {t: o for o, t in matched.items()}
    for o, t in sorted(matched.items()):
        a, b = po[o], pt[t]
        ua, ub = a.view, b.view
        if reuse is not None:
            same = reuse.pair(o, t, ua, ub, matched, rev)
            if same is not None:
                out.extend(same)
                continue
        sa, sb = _source(ua), _source(ub)
        ech = a.echelon or b.echelon
        if ua.has_position and ub.has_position:
            km = haversine_km(ua.lat, ua.lon, ub.lat, ub.lon)  # type: ignore[arg-type]
            tol = TOLERANCE_KM.get(ech or "division", 30.0)
            if km > tol:
                out.append(
                    Discrepancy(
                        "location",
                        o,
                        t,
                        {
                            "distance_km": round(km, 1),
                            "tolerance_km": tol,
                            "ours_place": ua.place,
                            "theirs_place": ub.place,
                        },
                        "high" if km > 3 * tol else "medium",
                        sa,
                        sb,
                    )
                )
        if ua.equipment and ub.equipment:
            diffs = {}
            for k in sorted(set(ua.equipment) | set(ub.equipment)):
                x, y = ua.equipment.get(k), ub.equipment.get(k)
                if x is None or y is None:
                    continue
                if abs(x - y) > max(2, EQUIPMENT_TOLERANCE * max(x, y)):
                    diffs[k] = {"ours": x, "theirs": y}
            if diffs:
                worst = max(
                    abs(v["ours"] - v["theirs"]) / max(v["ours"], v["theirs"])
                    for v in diffs.values()
                )
                out.append(
                    Discrepancy(
                        "equipment",
                        o,
                        t,
                        {"items": diffs},
                        "high" if worst > 0.4 else "medium",
                        sa,
                        sb,
                    )
                )
        if (
            ua.strength
            and ub.strength
            and abs(ua.strength - ub.strength) > STRENGTH_TOLERANCE * max(ua.strength, ub.strength)
        ):
            out.append(
                Discrepancy(
                    "strength", o, t, {"ours": ua.strength, "theirs": ub.strength}, "medium", sa, sb
                )
            )
        if (
            ua.parent_id
            and ub.parent_id
            and ua.parent_id in matched
            and matched[ua.parent_id] != ub.parent_id
        ):
            out.append(
                Discrepancy(
                    "subordination",
                    o,
                    t,
                    {
                        "ours_parent": ua.parent_id,
                        "theirs_parent": ub.parent_id,
                        "ours_parent_matches": matched[ua.parent_id],
                        "theirs_parent_matches": rev.get(ub.parent_id),
                    },
                    "high",
                    sa,
                    sb,
                )
            )
        if a.echelon and b.echelon and a.echelon != b.echelon:
            out.append(
                Discrepancy(
                    "echelon", o, t, {"ours": a.echelon, "theirs": b.echelon}, "medium", sa, sb
                )
            )
        if a.branch and b.branch and _branch_family(a.branch) != _branch_family(b.branch):
            out.append(
                Discrepancy(
                    "branch", o, t, {"ours": a.branch, "theirs": b.branch}, "medium", sa, sb
                )
            )
        if ua.observed_at and ub.observed_at:
            days = (ua.observed_at - ub.observed_at).total_seconds() / 86400
            if abs(days) > STALE_DAYS:
                out.append(
                    Discrepancy(
                        "stale",
                        o,
                        t,
                        {
                            "ours_observed_at": ua.observed_at,
                            "theirs_observed_at": ub.observed_at,
                            "older": "theirs" if days > 0 else "ours",
                            "days": round(abs(days)),
                        },
                        "low",
                        sa,
                        sb,
                    )
                )
    for o in sorted(set(po) - set(matched) - in_conflict_o):
        if reuse is not None and (same_o := reuse.only(o, None)) is not None:
            out.append(same_o)
            continue
        out.append(
            Discrepancy(
                "only_ours",
                o,
                None,
                {"designation": po[o].view.designation, "place": po[o].view.place},
                _severity_rank(po[o].echelon),
                _source(po[o].view),
                None,
            )
        )
    for t in sorted(set(pt) - set(rev) - in_conflict_t):
        if reuse is not None and (same_t := reuse.only(None, t)) is not None:
            out.append(same_t)
            continue
        out.append(
            Discrepancy(
                "only_theirs",
                None,
                t,
                {"designation": pt[t].view.designation, "place": pt[t].view.place},
                _severity_rank(pt[t].echelon),
                None,
                _source(pt[t].view),
            )
        )
    return out
