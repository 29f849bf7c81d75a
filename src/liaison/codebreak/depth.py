"""Codebook traffic under one long additive: depth alignment and stripping, book known or not.

Real traffic: many messages enciphered with one long additive sequence (an additive book), each
from its own starting group, the indicator unknown or garbled. Where two messages cover the same
additive groups, the same code group gives the same cipher group (false addition keeps equality),
so repeated cipher groups at one relative offset show an overlap. `align` merges messages into
depths by the Poisson significance of such coincidences (against a 1-in-10,000 chance rate,
corrected for every offset tried), then lets a depth that can already be stripped draw in further
messages whose stripped groups fall on its commonest groups — far stronger than pairwise repeats,
because letter and common-word groups recur across all columns, not only within one. With the
book known, the whole distribution of cipher differences (not only the zero difference, the
repeat) pairs lone messages, and thin depths can be stripped with the book's frequencies.

Without the book (`strip_unknown`) the columns' additives are fixed relative to each other:
columns sharing two code groups are linked first, then each further group of linked columns takes
the digitwise shift whose stripped groups are likeliest under the frequency table of the groups
stripped so far (the posterior over all 10,000 shifts must favour one), then every column is
re-checked against the others. One group constant c common to all columns stays unknown: the
relative additive is A − c (c = the reference column's additive) and the stripped groups are
code + c. A crib (known code groups at a place) or a book, whole or partial, fixes c
(`fix_constant`, `fix_with_book`); with the book the groups decode to words (`solve_known`, used
by `crack --cipher codebook`).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from scipy.special import gammainc

from liaison.codebreak import codebook
from liaison.core.errors import LiaisonError

N = 10_000  # four-digit groups
MAX_MESSAGES = 500
MAX_GROUPS = 50_000
REPEAT_MARGIN = 3.0  # nats beyond the multiple-testing correction for a merge by repeats
DRAW_MARGIN = 5.0  # the same for drawing a message into a stripped depth (a likelihood ratio)
FIX_POSTERIOR = 0.8  # a column's (or linked columns') additive is taken from this posterior
MAX_SAME_GROUP = 1_000  # additive traffic cannot repeat one cipher group this often
SAME_START_MAX = 20  # with no overlap found, up to this many messages are assumed in depth
BOOK_PRIOR = 50.0  # the book's frequencies count as this many stripped groups
PAIR_MARGIN = 5.0  # nats beyond the multiple-testing correction for pairing by differences
PAIR_CELLS = 5_000_000  # group pairs the difference test may look at (about a second)

_T2 = np.arange(100)
_SUB2 = ((_T2[:, None] // 10 - _T2[None, :] // 10) % 10) * 10 + (_T2[:, None] - _T2[None, :]) % 10
_ADD2 = ((_T2[:, None] // 10 + _T2[None, :] // 10) % 10) * 10 + (_T2[:, None] + _T2[None, :]) % 10
_ALL = np.arange(N)
_ALL_HI, _ALL_LO = _ALL // 100, _ALL % 100
_SUB2L, _ADD2L = _SUB2.tolist(), _ADD2.tolist()


def dsub(x: np.ndarray | int, y: np.ndarray | int) -> np.ndarray:
    """Digit-by-digit x − y without borrow, on group numbers 0–9999 (broadcasting)."""
    x, y = np.asarray(x), np.asarray(y)
    return _SUB2[x // 100, y // 100] * 100 + _SUB2[x % 100, y % 100]


def dadd(x: np.ndarray | int, y: np.ndarray | int) -> np.ndarray:
    """Digit-by-digit x + y without carry."""
    x, y = np.asarray(x), np.asarray(y)
    return _ADD2[x // 100, y // 100] * 100 + _ADD2[x % 100, y % 100]


def _sub1(x: int, y: int) -> int:
    """dsub for two plain ints (no numpy overhead: union–find walks call it often)."""
    return _SUB2L[x // 100][y // 100] * 100 + _SUB2L[x % 100][y % 100]


def _add1(x: int, y: int) -> int:
    return _ADD2L[x // 100][y // 100] * 100 + _ADD2L[x % 100][y % 100]


@lru_cache(maxsize=2048)
def _minus_row(v: int) -> np.ndarray:
    row = _SUB2[v // 100, _ALL_HI] * 100 + _SUB2[v % 100, _ALL_LO]
    return row.astype(np.int16)


def _minus_all(vals: np.ndarray) -> np.ndarray:
    """dsub(v, b) for every value v and every group b: shape (len(vals), N). Rows are cached:
    the same cipher groups are stripped again and again while a depth is built."""
    return np.stack([_minus_row(int(v)) for v in np.asarray(vals).tolist()])


def fmt(v: int | None) -> str:
    return "????" if v is None else f"{int(v):04d}"


def parse(messages: Sequence[str] | str) -> list[np.ndarray]:
    """One message per line (or list item), any grouping; the digits must make whole groups."""
    if isinstance(messages, str):
        messages = [ln for ln in messages.splitlines() if ln.strip()]
    out = []
    for i, m in enumerate(messages, 1):
        digits = "".join(c for c in m if c.isdigit())
        if not digits:
            raise LiaisonError(f"message {i} has no digits")
        if len(digits) % 4:
            raise LiaisonError(
                f"message {i} has {len(digits)} digits, not a multiple of 4 (four-digit groups)"
            )
        out.append(np.array([int(digits[k : k + 4]) for k in range(0, len(digits), 4)]))
    if len(out) < 2:
        raise LiaisonError("depth work needs at least two messages, one per line")
    if len(out) > MAX_MESSAGES:
        raise LiaisonError(f"{len(out)} messages; the limit is {MAX_MESSAGES}")
    if sum(map(len, out)) > MAX_GROUPS:
        raise LiaisonError(f"more than {MAX_GROUPS} groups in all")
    return out


# --- alignment ------------------------------------------------------------------------------


class NoOverlapError(LiaisonError):
    """No two messages could be shown to share additive groups."""


@dataclass(frozen=True)
class Alignment:
    """Where each message starts. `depth[i]` numbers the depth message i belongs to (0 is the
    largest; None: it overlaps nothing we could find) and `offset[i]` is its first group's column
    in that depth (the earliest start is 0). Offsets are relative: depths are not placed against
    each other or in the additive book."""

    groups: list[np.ndarray]
    depth: list[int | None]
    offset: list[int | None]
    evidence: list[str]  # how each message was placed

    @property
    def depths(self) -> list[list[int]]:
        n = 1 + max((d for d in self.depth if d is not None), default=-1)
        return [[i for i, d in enumerate(self.depth) if d == k] for k in range(n)]

    @property
    def unaligned(self) -> list[int]:
        return [i for i, d in enumerate(self.depth) if d is None]

    def as_dict(self) -> dict:
        return {
            "depth": self.depth,
            "offset": self.offset,
            "evidence": self.evidence,
            "unaligned": self.unaligned,
        }


def _repeats(msgs: list[np.ndarray]) -> dict[tuple[int, int], Counter[int]]:
    """For each pair i < j, how many identical cipher groups each relative start d gives."""
    where: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i, m in enumerate(msgs):
        for p, v in enumerate(m.tolist()):
            where[v].append((i, p))
    worst = max(where, key=lambda v: len(where[v]))
    if len(where[worst]) > MAX_SAME_GROUP:
        raise LiaisonError(
            f"group {fmt(worst)} occurs {len(where[worst])} times: not traffic under an additive"
        )
    co: dict[tuple[int, int], Counter[int]] = defaultdict(Counter)
    for occ in where.values():
        for a in range(len(occ)):
            i, p = occ[a]
            for b in range(a + 1, len(occ)):
                j, q = occ[b]
                if i != j:
                    co[(i, j)][p - q] += 1  # i < j by construction
    return co


def _surprise(k: int, lam: float) -> float:
    """−log P(Poisson(lam) ≥ k): how surprising k repeats are by chance."""
    if k <= 0 or lam <= 0:
        return 0.0 if k <= 0 else math.inf
    p = float(gammainc(k, lam))
    return -math.log(p) if p > 0 else 700.0


class _Clusters:
    def __init__(self, n: int) -> None:
        self.of = list(range(n))
        self.members: dict[int, dict[int, int]] = {i: {i: 0} for i in range(n)}
        self.how = ["" for _ in range(n)]

    def merge(self, cx: int, cy: int, shift: int, how: str) -> None:
        """Put depth cy into cx with cy's origin `shift` columns after cx's."""
        for j, oj in self.members.pop(cy).items():
            self.members[cx][j] = oj + shift
            self.of[j] = cx
            self.how[j] = self.how[j] or how


def _merge_by_repeats(msgs: list[np.ndarray], co: dict, cl: _Clusters, threshold: float) -> None:
    """Merge depths (lone messages included) whose repeats at one relative start are too many
    for chance: Poisson surprise at least `threshold`, strongest first, in rounds."""
    while True:
        agg: dict[tuple[int, int, int], int] = defaultdict(int)
        for (i, j), cnt in co.items():
            ci, cj = cl.of[i], cl.of[j]
            if ci == cj:
                continue
            oi, oj = cl.members[ci][i], cl.members[cj][j]
            for d, k in cnt.items():
                s = d + oi - oj  # origin of cj minus origin of ci
                if ci < cj:
                    agg[(ci, cj, s)] += k
                else:
                    agg[(cj, ci, -s)] += k
        found: list[tuple[float, int, int, int, int]] = []
        cells: dict[int, dict[int, set[int]]] = {}
        for (cx, cy, s), k in agg.items():
            if k < 2:
                continue
            # Count distinct values shared column by column: two messages with the same group in
            # one column of a depth would otherwise count one chance repeat twice (or four times).
            for c in (cx, cy):
                if c not in cells:
                    cells[c] = _cells(msgs, cl.members[c])
            vx, vy = cells[cx], cells[cy]
            k, pairs = 0, 0
            for col, ys in vy.items():
                xs = vx.get(col + s)
                if xs:
                    k += len(xs & ys)
                    pairs += len(xs) * len(ys)
            if k < 2:
                continue
            sig = _surprise(k, pairs / N)
            if sig >= threshold:
                found.append((sig, cx, cy, s, k))
        if not found:
            return
        # strongest first; a depth changed in this round waits for the next (its repeats with
        # the others must be counted again)
        used: set[int] = set()
        for sig, cx, cy, s, k in sorted(found, reverse=True):
            if cx in used or cy in used:
                continue
            used.update((cx, cy))
            a, b = (cx, cy) if len(cl.members[cx]) >= len(cl.members[cy]) else (cy, cx)
            cl.merge(a, b, s if a == cx else -s, f"{k} repeated groups (surprise {sig:.0f})")


def _cells(msgs: list[np.ndarray], members: Mapping[int, int]) -> dict[int, set[int]]:
    """A depth's distinct cipher groups per column (columns counted from its origin)."""
    out: dict[int, set[int]] = defaultdict(set)
    for i, o in members.items():
        for p, v in enumerate(msgs[i].tolist()):
            out[o + p].add(v)
    return out


def _columns(msgs: list[np.ndarray], members: Mapping[int, int]) -> tuple[int, list[np.ndarray]]:
    lo = min(members.values())
    width = max(o - lo + len(msgs[i]) for i, o in members.items())
    cols: list[list[int]] = [[] for _ in range(width)]
    for i, o in members.items():
        for p, v in enumerate(msgs[i].tolist()):
            cols[o - lo + p].append(v)
    return lo, [np.array(c, dtype=np.int64) for c in cols]


def _log_autocorr(p: np.ndarray, sample: bool = False) -> np.ndarray:
    """log(R(δ)·N) for the difference δ of two code groups drawn from p (digitwise, so the
    group Z₁₀⁴: a 10×10×10×10 FFT). Two messages at their true relative offset show cipher
    differences distributed as R in every shared column (the additive cancels); at a wrong one,
    uniformly. δ = 0 is the repeat (κ); the rest is what repeat counting throws away. With
    `sample`, p is a table of counts and each group's pairing with itself is left out. R is
    mixed with a tenth of uniform so a wrong model cannot make the test overconfident."""
    f = np.fft.fftn(p.reshape(10, 10, 10, 10))
    r = np.maximum(np.fft.ifftn(f * np.conj(f)).real.ravel(), 0.0)
    if sample:
        r[0] = max(0.0, r[0] - float(p.sum()))
    r = 0.9 * r / max(r.sum(), 1e-12) + 0.1 / N
    return np.log(r * N)


def _merge_pairs(msgs: list[np.ndarray], cl: _Clusters, log_r: np.ndarray, margin: float) -> None:
    """Pair lone messages by the difference test (see _log_autocorr), strongest pair first.

    Each pair's score at an offset is a log likelihood ratio whose exponential has mean 1 at a
    wrong offset, so the best of T tried offsets passes log T + margin by chance with probability
    below e^−margin."""
    alone = [i for i in range(len(msgs)) if len(cl.members[cl.of[i]]) == 1]
    # the test costs one cell per pair of groups: keep to the longest messages within PAIR_CELLS
    alone.sort(key=lambda i: -len(msgs[i]))
    total = 0
    for k, i in enumerate(alone):
        total += len(msgs[i]) * sum(len(msgs[j]) for j in alone[:k])
        if total > PAIR_CELLS:
            alone = alone[:k]
            break
    if len(alone) < 2:
        return
    found = []
    tests = 0
    for x, i in enumerate(alone):
        for j in alone[x + 1 :]:
            mi, mj = msgs[i], msgs[j]
            llr = log_r[dsub(mi[:, None], mj[None, :])]
            # diagonal p − q = d (j starts d groups after i) at index d + len(j) − 1
            diag = (np.arange(len(mi))[:, None] - np.arange(len(mj))[None, :]) + len(mj) - 1
            sums = np.bincount(diag.ravel(), weights=llr.ravel(), minlength=len(mi) + len(mj) - 1)
            tests += len(sums)
            b = int(np.argmax(sums))
            found.append((float(sums[b]), i, j, b - len(mj) + 1))
    threshold = math.log(max(tests, 1)) + margin
    for score, i, j, d in sorted(found, reverse=True):
        if score < threshold:
            break
        if len(cl.members[cl.of[i]]) == 1 and len(cl.members[cl.of[j]]) == 1:
            cl.merge(
                cl.of[i], cl.of[j], d, f"cipher differences fit the book (log-odds {score:.0f})"
            )


def _draw(msgs: list[np.ndarray], cl: _Clusters, extra: float, book: np.ndarray | None) -> bool:
    """Draw smaller depths (and lone messages) into each strippable depth where their stripped
    groups are likely under its table (and the book's frequencies, when known). Returns whether
    anything moved."""
    moved = False
    for cx in sorted(cl.members, key=lambda c: -len(cl.members[c])):
        if cx not in cl.members or len(cl.members[cx]) < 2:
            continue
        lo, cols = _columns(msgs, cl.members[cx])
        if book is None:
            add, _, _ = _strip_columns(cols)
            known = add >= 0
            table = _table(cols, add)
            logp = _model(table)
            log_r = _log_autocorr(table, sample=True) if table.sum() >= 30 else None
        else:
            add, post = _strip_known(cols, book)
            known = post >= FIX_POSTERIOR
            logp = _known_model(_table(cols, np.where(known, add, -1)), book)
            log_r = _log_autocorr(book)
        if known.sum() < 2:
            continue
        # where X's additive is unknown, one of its groups stands for the column: a group of Y
        # there differs from it as two code groups do (R) at the right offset
        rep = np.array(
            [-1 if k or not len(c) else int(c[0]) for c, k in zip(cols, known, strict=True)]
        )
        width = len(cols)
        others = [c for c in cl.members if c != cx and len(cl.members[c]) <= len(cl.members[cx])]
        tests = sum(
            sum(width + len(msgs[j]) for j in cl.members[c]) for c in others
        )  # offsets tried
        threshold = math.log(max(1, tests)) + extra
        accepted = []
        for cy in others:
            mem = cl.members[cy]
            # Y's distinct groups per column (a group repeated in one column is one event),
            # scored with Y's origin at each column s of X that makes them overlap
            pairs = sorted(
                {(o + p, v) for j, o in mem.items() for p, v in enumerate(msgs[j].tolist())}
            )
            ycol = np.array([c for c, _ in pairs])
            yval = np.array([v for _, v in pairs])
            span = np.arange(-int(ycol.max()), width - int(ycol.min()))
            col = span[:, None] + ycol[None, :]
            colc = np.clip(col, 0, width - 1)
            ok = (col >= 0) & (col < width) & known[colc]
            vals = dsub(yval[None, :], np.where(ok, add[colc], 0))
            total = np.where(ok, logp[vals], 0.0).sum(axis=1)
            if log_r is not None:  # one group of Y per column against X's representative
                first = np.unique(ycol, return_index=True)[1]
                c1 = span[:, None] + ycol[first][None, :]
                c1c = np.clip(c1, 0, width - 1)
                ok1 = (c1 >= 0) & (c1 < width) & (rep[c1c] >= 0)
                d = dsub(yval[first][None, :], np.where(ok1, rep[c1c], 0))
                total += np.where(ok1, log_r[d], 0.0).sum(axis=1)
            b = int(np.argmax(total))
            if total[b] >= threshold:
                accepted.append((cy, int(span[b]) + lo, float(total[b])))
        for cy, s, score in accepted:
            cl.merge(cx, cy, s, f"stripped groups fit the depth's table (log-odds {score:.0f})")
            moved = True
        if moved:
            return True
    return moved


def align(messages: Sequence[str] | str, lang: str | None = None) -> Alignment:
    """Relative start of each message in the additive: depths from repeated cipher groups, grown
    by stripping. With `lang` the generated book of that language is taken as known, which adds
    the difference test for lone pairs and lets thin depths be stripped with the book's
    frequencies. Raises LiaisonError when no two messages can be shown to overlap."""
    msgs = parse(messages)
    book = traffic_model(lang) if lang else None
    log_r = _log_autocorr(book) if book is not None else None
    co = _repeats(msgs)
    lens = [len(m) for m in msgs]
    tests = sum(lens[i] + lens[j] - 1 for i in range(len(msgs)) for j in range(i + 1, len(msgs)))
    threshold = math.log(tests) + REPEAT_MARGIN
    cl = _Clusters(len(msgs))
    for _ in range(len(msgs)):
        _merge_by_repeats(msgs, co, cl, threshold)
        if log_r is not None:
            _merge_pairs(msgs, cl, log_r, PAIR_MARGIN)
        if not _draw(msgs, cl, DRAW_MARGIN, book):
            break
    groups = sorted((c for c in cl.members.values() if len(c) > 1), key=lambda c: (-len(c), min(c)))
    if not groups:
        raise NoOverlapError(
            f"none of the {len(msgs)} messages could be shown to overlap another: no depth "
            "(too few repeated groups; more or longer messages are needed)"
        )
    depth: list[int | None] = [None] * len(msgs)
    offset: list[int | None] = [None] * len(msgs)
    for k, mem in enumerate(groups):
        lo = min(mem.values())
        for i, o in mem.items():
            depth[i], offset[i] = k, o - lo
    evidence = [
        "overlaps nothing found"
        if depth[i] is None
        else (cl.how[i] or "reference message of its depth")
        for i in range(len(msgs))
    ]
    return Alignment(msgs, depth, offset, evidence)


# --- stripping ------------------------------------------------------------------------------


def _table(cols: list[np.ndarray], add: np.ndarray) -> np.ndarray:
    """Counts of stripped values, each column's distinct groups once (as _strip_columns does)."""
    f = np.zeros(N, dtype=np.int64)
    for c, a in zip(cols, add, strict=True):
        if a >= 0 and len(c):
            np.add.at(f, dsub(np.unique(c), a), 1)
    return f


def _model(f: np.ndarray) -> np.ndarray:
    """Log-odds against a uniform group of every value given a count table: seen values in
    proportion, the unseen sharing a Good–Turing mass (values seen once + 1, over total + 2)."""
    total = int(f.sum())
    seen = f > 0
    unseen_mass = (int((f == 1).sum()) + 1) / (total + 2)
    p = np.where(
        seen,
        (1 - unseen_mass) * f / max(total, 1),
        unseen_mass / max(1, N - int(seen.sum())),
    )
    return np.log(p * N)  # log-odds against a uniform group


def _posterior(col: np.ndarray, logp: np.ndarray) -> tuple[int, float]:
    """Best additive for a column under the model, and its posterior (uniform prior)."""
    s = logp[_minus_all(col)].sum(axis=0)
    b = int(np.argmax(s))
    z = np.exp(s - s[b]).sum()
    return b, float(1.0 / z)


def _linked(cols: list[np.ndarray]) -> list[dict[int, int]]:
    """Columns tied together by shared code groups, with additives relative to each other.

    Two columns whose groups differ by the same Δ in two or more distinct pairs probably share
    two code groups, and then their additives differ by Δ. Links are taken strongest first into
    components (union–find keeping each column's additive relative to its root); a link inside a
    component adds nothing. Returns every component (single columns too), additives relative to
    the component's first column, the one with the most groups first."""
    width = len(cols)
    links: list[tuple[int, int, int, int]] = []
    ids = np.concatenate([np.full(len(c), t) for t, c in enumerate(cols)])
    vals = np.concatenate(cols)
    for t in range(width - 1):
        later = ids > t
        if len(cols[t]) < 2 or not later.any():
            continue
        u_ids, u_vals = ids[later], vals[later]
        d = dsub(cols[t][:, None], u_vals[None, :])
        key = (np.broadcast_to(u_ids[None, :], d.shape) * N + d).ravel()
        uniq, cnt = np.unique(key, return_counts=True)
        for k, c in zip(uniq[cnt >= 2].tolist(), cnt[cnt >= 2].tolist(), strict=True):
            links.append((c, t, k // N, k % N))
    links.sort(key=lambda x: (-x[0], x[1], x[2]))
    parent = list(range(width))
    pot = [0] * width  # additive of the column minus that of its parent

    def find(t: int) -> tuple[int, int]:
        if parent[t] == t:
            return t, 0
        r, acc = find(parent[t])
        parent[t], pot[t] = r, _add1(acc, pot[t])  # path compression
        return r, pot[t]

    for _, t, u, delta in links:  # B[t] − B[u] = delta
        rt, pt = find(t)
        ru, pu = find(u)
        if rt != ru:  # B[t] = B[rt] + pt, B[u] = B[ru] + pu  →  B[ru] − B[rt] = pt − delta − pu
            parent[ru] = rt
            pot[ru] = _sub1(_sub1(pt, delta), pu)
    comp: dict[int, dict[int, int]] = defaultdict(dict)
    for t in range(width):
        r, p = find(t)
        comp[r][t] = p
    out = []
    for c in comp.values():
        first = min(c)
        out.append({t: int(dsub(a, c[first])) for t, a in c.items()})
    out.sort(key=lambda c: (-sum(len(cols[t]) for t in c), -len(c), min(c)))
    return out


def _strip_columns(cols: list[np.ndarray], passes: int = 2) -> tuple[np.ndarray, np.ndarray, int]:
    """Relative additive per column (−1 where undetermined), its posterior, and the reference
    column (additive 0000).

    The largest linked component (see _linked) is the start; every other component, with its
    own relative additives, is then a candidate as a whole: the one whose best digitwise shift
    has the highest posterior under the frequency table stripped so far joins, the table grows,
    and so on while some component reaches FIX_POSTERIOR. Then each column is re-checked alone
    against the others' table (leave one out)."""
    # identical groups in one column (often two messages with the same opening from the same
    # start) say nothing about the additive: each column counts each value once
    cols = [np.unique(c) for c in cols]
    width = len(cols)
    depth = np.array([len(c) for c in cols])
    add = np.full(width, -1, dtype=np.int64)
    post = np.zeros(width)
    comps = [c for c in _linked(cols) if sum(depth[t] for t in c)]
    main = comps[0]
    ref = min(main)
    f = np.zeros(N, dtype=np.int64)
    for t, a in main.items():
        add[t], post[t] = a, 1.0
        np.add.at(f, dsub(cols[t], a), 1)
    pend = [c for c in comps[1:] if sum(depth[t] for t in c) >= 2]
    if pend:
        rows = np.concatenate([np.full(sum(depth[t] for t in c), r) for r, c in enumerate(pend)])
        # each component's groups stripped with its own relative additives
        ys = np.concatenate([dsub(cols[t], a) for c in pend for t, a in c.items()])
        logf_sum = np.zeros((len(pend), N))  # Σ log count over groups landing on seen values
        hits = np.zeros((len(pend), N))  # how many groups land on seen values
        active = np.ones(len(pend), dtype=bool)

        def bump(vals: np.ndarray, old: np.ndarray, new: np.ndarray) -> None:
            live = active[rows]
            r, y = rows[live], ys[live]
            idx = dsub(y[:, None], vals[None, :])  # shift that maps y onto each value
            d_log = np.log(np.maximum(new, 1)) - np.log(np.maximum(old, 1))
            d_hit = (old == 0).astype(float)
            rr = np.broadcast_to(r[:, None], idx.shape)
            np.add.at(logf_sum, (rr, idx), np.broadcast_to(d_log[None, :], idx.shape))
            np.add.at(hits, (rr, idx), np.broadcast_to(d_hit[None, :], idx.shape))

        vals = np.flatnonzero(f)
        bump(vals, np.zeros_like(vals), f[vals])
        while active.any():
            total = int(f.sum())
            nseen = int((f > 0).sum())
            unseen = (int((f == 1).sum()) + 1) / (total + 2)
            # log p(seen v) − log p(unseen) = log f[v] + bonus
            bonus = math.log((1 - unseen) / total) - math.log(unseen / (N - nseen))
            idx_act = np.flatnonzero(active)
            s = logf_sum[idx_act] + hits[idx_act] * bonus
            best = s.argmax(axis=1)
            top = s[np.arange(len(idx_act)), best]
            z = np.exp(s - top[:, None]).sum(axis=1)
            p_best = 1.0 / z
            r = int(np.argmax(p_best))
            if p_best[r] < FIX_POSTERIOR:
                break
            chosen = [r] + [q for q in np.flatnonzero(p_best >= 0.999) if q != r]
            newvals: list[np.ndarray] = []
            for q in chosen:
                row = int(idx_act[q])
                for t, a in pend[row].items():
                    add[t], post[t] = int(dadd(a, best[q])), float(p_best[q])
                    newvals.append(dsub(cols[t], add[t]))
                active[row] = False
            nv = np.concatenate(newvals)
            old_f = f.copy()
            np.add.at(f, nv, 1)
            u = np.unique(nv)
            bump(u, old_f[u], f[u])
    # re-check every column against the others' table (leave one out), and try the rest
    for _ in range(passes):
        changed = False
        for t in range(width):
            if depth[t] == 0:
                continue
            own = dsub(cols[t], add[t]) if add[t] >= 0 else np.array([], dtype=np.int64)
            f_loo = f.copy()
            np.subtract.at(f_loo, own, 1)
            b, p = _posterior(cols[t], _model(f_loo))
            if p < FIX_POSTERIOR:
                if add[t] >= 0 and p < 0.5:
                    add[t], post[t] = -1, p
                    f = f_loo
                    changed = True
                continue
            if b != add[t]:
                changed = True
                f = f_loo
                np.add.at(f, dsub(cols[t], b), 1)
                add[t] = b
            post[t] = p
        if not changed:
            break
    # the reference column is re-checked like the others (a wrong link may have put it, not the
    # rest, off): state the additives relative to the deepest column still determined
    if (add >= 0).any():
        ref = int(max(np.flatnonzero(add >= 0), key=lambda t: (depth[t], -t)))
        add = np.where(add >= 0, dsub(add, add[ref]), -1)
    return add, post, ref


@lru_cache(maxsize=8)
def traffic_model(lang: str) -> np.ndarray:
    """Probability of each code group in running text under the generated book: the 30,000
    commonest words by frequency, a word in the book as its group, any other spelt letter by
    letter. The book's own word frequencies would put letters at almost nothing, yet spelt
    words make most of the groups of real traffic."""
    from wordfreq import get_frequency_list

    from liaison.codebreak.alphabets import normalise

    bk = codebook.book(lang)
    words: list[tuple[str, float]] = []
    for i, bucket in enumerate(get_frequency_list(lang)):  # bucket i: frequency 10^(−i/100)
        words += [(w, 10 ** (-i / 100)) for w in bucket]
        if len(words) >= 30_000:
            break
    p = np.zeros(N)
    for w, f in words:
        n = normalise(w, lang)
        if n in bk.code:
            p[int(bk.code[n])] += f
        elif n and all(c in bk.code for c in n):
            for c in n:
                p[int(bk.code[c])] += f
    return p / p.sum()


def prepare() -> None:
    """Build every language's book and traffic model once (language_posterior needs them all)."""
    from liaison.codebreak.alphabets import ALPHABETS

    for lg in ALPHABETS:
        traffic_model(lg)


def _known_model(f: np.ndarray, book: np.ndarray) -> np.ndarray:
    """log(p·N) with the book as a prior worth BOOK_PRIOR groups, updated by the stripped table
    (a Dirichlet mean), floored so unknown groups are never impossible."""
    p = (f + BOOK_PRIOR * book) / (f.sum() + BOOK_PRIOR)
    return np.log((0.95 * p + 0.05 / N) * N)


def _strip_known(cols: list[np.ndarray], book: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Absolute additive per column with the book known, and its posterior: first each column
    alone under the book, then again under the book updated with the other columns' stripped
    groups (leave one out), which learns this traffic's own frequencies."""
    cols = [np.unique(c) for c in cols]
    width = len(cols)
    add = np.full(width, -1, dtype=np.int64)
    post = np.zeros(width)
    logp = _known_model(np.zeros(N), book)
    for t, c in enumerate(cols):
        if len(c):
            add[t], post[t] = _posterior(c, logp)
    for _ in range(2):
        sure = np.where(post >= FIX_POSTERIOR, add, -1)
        f = _table(cols, sure)
        for t, c in enumerate(cols):
            if not len(c):
                continue
            f_loo = f.copy()
            if sure[t] >= 0:
                np.subtract.at(f_loo, dsub(c, sure[t]), 1)
            add[t], post[t] = _posterior(c, _known_model(f_loo, book))
    return add, post


def _period(add: np.ndarray, sure: np.ndarray) -> int | None:
    """The smallest period p the stripped additive repeats with (a periodic additive, such as
    `codebook.encrypt` uses): at least three pairs of sure columns p apart, 80 % of them equal.
    A random additive group repeats p columns later one time in 10,000."""
    width = len(add)
    for p in range(1, width // 2 + 1):
        pairs = [t for t in range(width - p) if sure[t] and sure[t + p]]
        if len(pairs) >= 3 and sum(add[t] == add[t + p] for t in pairs) >= 0.8 * len(pairs):
            return p
    return None


def _fold(cols: list[np.ndarray], p: int) -> list[np.ndarray]:
    """Columns p apart under one periodic additive, as one deeper column each."""
    return [np.concatenate(cols[r::p]) for r in range(p)]


def _strip_unknown_columns(cols: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, int]:
    """_strip_columns, again over folded columns when the additive turns out periodic."""
    add, post, ref = _strip_columns(cols)
    p = _period(add, add >= 0)
    if p is None or p == len(cols):
        return add, post, ref
    fa, fp, fr = _strip_columns(_fold(cols, p))
    idx = np.arange(len(cols)) % p
    return fa[idx], fp[idx], fr


def _strip_known_columns(cols: list[np.ndarray], book: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """_strip_known, again over folded columns when the additive turns out periodic."""
    add, post = _strip_known(cols, book)
    p = _period(add, post >= FIX_POSTERIOR)
    if p is None or p == len(cols):
        return add, post
    fa, fp = _strip_known(_fold(cols, p), book)
    idx = np.arange(len(cols)) % p
    return fa[idx], fp[idx]


@dataclass(frozen=True)
class Stripping:
    """One depth stripped. Columns count from the earliest start. Until `constant` is set the
    additive is relative (A − c, c the reference column's true additive, which reads 0000) and
    the stripped groups are code + c; after fixing, both are absolute."""

    members: list[int]  # message indices (as given to align)
    start: dict[int, int]  # message → its first column
    additive: list[int | None]
    posterior: list[float]  # how sure each column's additive is
    depth: list[int]  # messages covering each column
    reference: int  # the column whose additive defines c
    stripped: dict[int, list[int | None]]
    constant: int | None = None  # c once fixed (then additive and stripped are absolute)
    fix: str = ""  # how c was fixed

    def table(self) -> list[tuple[str, int]]:
        """Stripped groups, commonest first (the analyst's frequency table)."""
        c: Counter[int] = Counter(v for s in self.stripped.values() for v in s if v is not None)
        return [(fmt(v), n) for v, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]

    @property
    def determined(self) -> float:
        """Share of the depth's groups (columns of depth ≥ 2) whose additive is determined."""
        tot = sum(d for d in self.depth if d >= 2)
        ok = sum(
            d for d, a in zip(self.depth, self.additive, strict=True) if d >= 2 and a is not None
        )
        return ok / tot if tot else 0.0

    def as_dict(self, top: int = 40) -> dict:
        return {
            "messages": self.members,
            "start": {str(k): v for k, v in self.start.items()},
            "additive": [None if a is None else fmt(a) for a in self.additive],
            "posterior": [round(p, 3) for p in self.posterior],
            "depth": self.depth,
            "reference_column": self.reference,
            "relative": self.constant is None,
            "constant": None if self.constant is None else fmt(self.constant),
            "fixed_by": self.fix,
            "stripped": {
                str(k): [None if v is None else fmt(v) for v in s] for k, s in self.stripped.items()
            },
            "table": self.table()[:top],
        }


def _stripping(al: Alignment, k: int) -> tuple[Stripping, list[np.ndarray]]:
    deps = al.depths
    if not 0 <= k < len(deps):
        raise LiaisonError(f"no depth {k}: the alignment has {len(deps)}")
    mem = {i: int(al.offset[i]) for i in deps[k]}  # type: ignore[arg-type]
    _, cols = _columns(al.groups, mem)
    add, post, ref = _strip_unknown_columns(cols)
    stripped = {
        i: [
            None if add[o + p] < 0 else int(dsub(v, add[o + p]))
            for p, v in enumerate(al.groups[i].tolist())
        ]
        for i, o in mem.items()
    }
    st = Stripping(
        deps[k],
        mem,
        [None if a < 0 else int(a) for a in add],
        [float(p) for p in post],
        [len(c) for c in cols],
        ref,
        stripped,
    )
    return st, cols


def strip_unknown(aligned: Alignment, depth: int = 0) -> Stripping:
    """Strip one depth without the book: the additive up to one group constant (see Stripping)."""
    return _stripping(aligned, depth)[0]


def _shift(st: Stripping, c: int, how: str) -> Stripping:
    """Turn a relative stripping absolute with constant c (A = relative + c, code = s − c)."""
    if st.constant is not None:
        raise LiaisonError(f"the constant is already fixed ({fmt(st.constant)}, {st.fix})")
    return replace(
        st,
        additive=[None if a is None else int(dadd(a, c)) for a in st.additive],
        stripped={
            i: [None if v is None else int(dsub(v, c)) for v in s] for i, s in st.stripped.items()
        },
        constant=c,
        fix=how,
    )


def fix_constant(
    st: Stripping, message: int, position: int, group: str | int | Sequence[str | int]
) -> Stripping:
    """Fix c from a crib: `message`'s groups from `position` on (indices from 0) are the code
    group(s) `group` — one group, or several (a spelt word such as «ДИВИЗИЯ» is seven letter
    groups). With several, every place whose additive is determined gives a c; the commonest
    wins, and how many agreed is recorded in `fix`."""
    if st.constant is not None:
        raise LiaisonError(f"the constant is already fixed ({fmt(st.constant)}, {st.fix})")
    groups = [group] if isinstance(group, str | int) else list(group)
    if not groups:
        raise LiaisonError("a crib needs at least one code group")
    codes = [g if isinstance(g, int) else _group(g) for g in groups]
    # messages and groups are named as printed: #1 is index 0
    if message not in st.stripped:
        members = ", ".join(f"#{i + 1}" for i in st.members)
        raise LiaisonError(f"message #{message + 1} is not in this depth ({members})")
    row = st.stripped[message]
    last = position + len(codes)  # one past the crib's last group
    if position < 0 or last > len(row):
        missing = position + 1 if position < 0 else last
        raise LiaisonError(
            f"message #{message + 1} has {len(row)} groups; there is no group {missing}"
        )
    votes = Counter(
        int(dsub(row[position + k], g))
        for k, g in enumerate(codes)
        if row[position + k] is not None
    )
    if not votes:
        raise LiaisonError(
            f"the additive under message #{message + 1}, group {position + 1} is not determined; "
            "put the crib where the depth is deeper"
        )
    c, agree = votes.most_common(1)[0]
    how = f"crib {' '.join(fmt(g) for g in codes)} at message #{message + 1}, group {position + 1}"
    if len(codes) > 1:
        how += f" ({agree} of {sum(votes.values())} determined places agree)"
    return _shift(st, c, how)


def _group(text: str) -> int:
    digits = text.strip()
    if len(digits) != 4 or not digits.isdigit():
        raise LiaisonError(f"a code group is four digits, got {text!r}")
    return int(digits)


def fix_with_book(st: Stripping, book: str | Mapping[str, str]) -> tuple[Stripping, float]:
    """Fix c with a book — a language code for the generated book (its traffic model), or a
    partial book {word: group} — as the constant that puts the stripped groups on the book's
    likeliest groups. Returns the stripping and the posterior of that constant (low: the book
    fits no better than another shift)."""
    if isinstance(book, str):
        p = traffic_model(book)
    else:
        if not book:
            raise LiaisonError("a partial book needs at least one word and its group")
        p = np.zeros(N)
        for g in book.values():
            p[_group(g)] += 1.0
        p /= p.sum()
    # under the book, unseen groups still happen (spellings, words outside a partial book)
    logp = np.log(0.8 * p + 0.2 / N)
    c = Counter(v for s in st.stripped.values() for v in s if v is not None)
    if not c:
        raise LiaisonError("nothing stripped in this depth: no column's additive is determined")
    vals = np.array(list(c))
    wts = np.array([c[v] for v in vals], dtype=float)
    score = (logp[_minus_all(vals)] * wts[:, None]).sum(axis=0)
    best = int(np.argmax(score))
    post = float(1.0 / np.exp(score - score[best]).sum())
    return _shift(st, best, f"book fit (posterior {post:.2f})"), post


# --- the known book --------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownSolve:
    alignment: Alignment
    strippings: list[Stripping]  # one per depth, absolute
    plaintext: list[str]  # per message; "" for messages not aligned
    decoded: int  # groups read as book entries in columns whose additive is sure
    groups: int  # all groups of all messages
    assumed: bool = False  # no overlap was found: all messages taken to start together

    def additives(self) -> list[str]:
        """Each depth's additive from its first column, ???? where not sure."""
        return [
            " ".join(
                fmt(a if p >= SURE else None)
                for a, p in zip(st.additive, st.posterior, strict=True)
            )
            for st in self.strippings
        ]


def language_posterior(ks: KnownSolve) -> dict[str, float]:
    """How well the stripped groups fit each language's traffic model (uniform prior).

    The generated books of all four languages draw their groups from one seeded sequence, so
    every book holds the same groups in the same order (letters first, then words) and any
    traffic decodes to book entries in every language; only the frequencies tell the language.
    """
    from liaison.codebreak.alphabets import ALPHABETS

    vals = [v for st in ks.strippings for i in st.members for v in st.stripped[i] if v is not None]
    if not vals:
        return {lg: 1.0 / len(ALPHABETS) for lg in ALPHABETS}
    ll = {lg: float(np.log(traffic_model(lg)[vals] + 1e-7).sum()) for lg in ALPHABETS}
    top = max(ll.values())
    z = sum(math.exp(v - top) for v in ll.values())
    return {lg: math.exp(v - top) / z for lg, v in ll.items()}


SURE = 0.5  # a column's additive is shown (and its words counted as read) from this posterior


def decode(st: Stripping, bk: codebook.Book, message: int, sure: float = SURE) -> str:
    """A member's words: book entries, [gggg] for groups not in the book, ? where the column's
    additive is not determined or less sure than `sure`."""
    if st.constant is None:
        raise LiaisonError("fix the constant first (a crib or the book)")
    start = st.start[message]
    out = []
    for p, v in enumerate(st.stripped[message]):
        if v is None or st.posterior[start + p] < sure:
            out.append("?")
        else:
            out.append(bk.word.get(fmt(v), f"[{fmt(v)}]"))
    return " ".join(out)


def solve_known(messages: Sequence[str] | str, lang: str) -> KnownSolve:
    """The generated book known: align with the book's help, strip every depth column by column
    under the book's traffic model updated with the depth's own stripped groups, and decode.
    When no overlap is found at all, up to SAME_START_MAX messages are taken to be in depth from
    the same first group (the classic case) and `assumed` says so; more raise NoOverlapError."""
    bk = codebook.book(lang)
    book = traffic_model(lang)
    msgs = parse(messages)
    assumed = False
    try:
        al = align(messages, lang)
    except NoOverlapError:
        n = len(msgs)
        if n > SAME_START_MAX:
            raise
        al = Alignment(msgs, [0] * n, [0] * n, ["assumed to start with the others"] * n)
        assumed = True
    sts = []
    plain = [""] * len(al.groups)
    decoded = 0
    for members in al.depths:
        mem = {i: int(al.offset[i]) for i in members}  # type: ignore[arg-type]
        _, cols = _columns(al.groups, mem)
        add, post = _strip_known_columns(cols, book)
        ref = int(np.argmax([len(c) for c in cols]))
        st = Stripping(
            members,
            mem,
            [None if a < 0 else int(a) for a in add],
            [float(p) for p in post],
            [len(c) for c in cols],
            ref,
            {
                i: [int(dsub(v, add[o + p])) for p, v in enumerate(al.groups[i].tolist())]
                for i, o in mem.items()
            },
            int(add[ref]),
            "the book (each column's likeliest additive)",
        )
        sts.append(st)
        for i in st.members:
            plain[i] = decode(st, bk, i)
            o = st.start[i]
            decoded += sum(
                st.posterior[o + p] >= SURE and fmt(v) in bk.word
                for p, v in enumerate(st.stripped[i])
                if v is not None
            )
    return KnownSolve(al, sts, plain, decoded, sum(len(g) for g in al.groups), assumed)


# --- making traffic ---------------------------------------------------------------------------


def additive_book(length: int, rng: random.Random) -> list[str]:
    """A random additive sequence of `length` four-digit groups."""
    return [f"{rng.randrange(N):04d}" for _ in range(length)]


def encipher_at(groups: Sequence[str], additive: Sequence[str], offset: int) -> str:
    """Code groups enciphered from additive group `offset` on (no wrap-around: an additive book
    is used once through)."""
    if offset < 0 or offset + len(groups) > len(additive):
        raise LiaisonError(
            f"{len(groups)} groups from offset {offset} run past the additive's {len(additive)}"
        )
    return " ".join(fmt(int(dadd(int(g), int(additive[offset + i])))) for i, g in enumerate(groups))


def encrypt_at(text: str, additive: Sequence[str] | str, offset: int, lang: str) -> str:
    """Encode `text` with the generated book and encipher it from additive group `offset`."""
    add = codebook._groups(additive) if isinstance(additive, str) else list(additive)
    return encipher_at(codebook.encode(text, lang), add, offset)


@dataclass
class Traffic:
    additive: list[str]
    offsets: list[int]
    codes: list[list[str]]  # code groups per message
    ciphertexts: list[str]
    texts: list[str] = field(default_factory=list)


def traffic(
    lang: str,
    count: int,
    rng: random.Random,
    lengths: tuple[int, int] = (15, 40),
    additive_length: int = 500,
    window: int | None = None,
) -> Traffic:
    """`count` period-style messages (liaison.codebreak.messages) of `lengths` groups, enciphered
    at random offsets of one random additive; with `window`, every start lies within `window`
    groups of the first (a depth), else anywhere."""
    from liaison.codebreak import messages

    add = additive_book(additive_length, rng)
    offsets, codes, cts, texts = [], [], [], []
    base = rng.randrange(max(1, additive_length - lengths[1] - (window or 0)))
    for _ in range(count):
        n = rng.randint(*lengths)
        groups: list[str] = []
        words: list[str] = []
        while len(groups) < n:
            m = messages.message(lang, 8 * n, rng, kind=rng.choice(messages.KINDS))
            groups += codebook.encode(m.text, lang)
            words.append(m.text)
        groups = groups[:n]
        if window is None:
            o = rng.randrange(additive_length - n + 1)
        else:
            o = base + rng.randrange(window + 1)
        offsets.append(o)
        codes.append(groups)
        cts.append(encipher_at(groups, add, o))
        texts.append(" ".join(words))
    return Traffic(add, offsets, codes, cts, texts)


# --- the analyst's report (the `liaison depth` command) --------------------------------------


def _crib(text: str, lang: str | None) -> tuple[int, int, list[int]]:
    """'M:P:X' — message M, group P (both counted from 1 as printed), then a code group, or a
    plain word encoded with the `lang` book (a word outside the book is its letter groups)."""
    parts = text.split(":")
    if len(parts) != 3 or not parts[0].strip().isdigit() or not parts[1].strip().isdigit():
        raise LiaisonError(
            f"a crib is MESSAGE:GROUP:CODE (e.g. 3:1:4821 or 3:1:ДИВИЗИЯ), got {text!r}"
        )
    m, p, x = int(parts[0]) - 1, int(parts[1]) - 1, parts[2].strip()
    if x.isdigit():
        return m, p, [_group(x)]
    if lang is None:
        raise LiaisonError("a crib given as a word needs --lang (it is encoded with the book)")
    codes = codebook.encode(x, lang)
    if not codes or any(c not in codebook.book(lang).word for c in codes):
        raise LiaisonError(f"{x!r} cannot be written with the {lang} book; give code groups")
    return m, p, [int(c) for c in codes]


def read_partial_book(text: str) -> dict[str, str]:
    """A partial book as 'GROUP WORD' lines (either order; # starts a comment)."""
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        grp = [p for p in parts if p.isdigit() and len(p) == 4]
        words = [p for p in parts if not p.isdigit()]
        if len(grp) != 1 or len(words) != 1 or len(parts) != 2:
            raise LiaisonError(f"partial book line {n}: expected 'GROUP WORD', got {line!r}")
        out[words[0].upper()] = grp[0]
    if not out:
        raise LiaisonError("the partial book has no entries")
    return out


def analyse(
    text: str,
    lang: str | None = None,
    book: bool = False,
    partial: Mapping[str, str] | None = None,
    crib: str | None = None,
    which: int = 0,
) -> dict:
    """Align the messages, strip depth `which` without the book, and fix the constant when a
    crib, a partial book or (with `book`) the generated book for `lang` is given; with the book
    also decode. The dict is what `liaison depth --json` prints."""
    if book and lang is None:
        raise LiaisonError("--book needs --lang (the generated book of that language)")
    al = align(text)
    st = strip_unknown(al, which)
    post = None
    if crib is not None:
        m, p, codes = _crib(crib, lang)
        st = fix_constant(st, m, p, codes)
    elif partial:
        st, post = fix_with_book(st, partial)
    elif book:
        st, post = fix_with_book(st, lang)  # type: ignore[arg-type]
    out = {
        "messages": len(al.groups),
        "alignment": al.as_dict(),
        "depths": [len(d) for d in al.depths],
        "depth": which,
        "stripping": st.as_dict(),
        "determined": round(st.determined, 3),
    }
    if post is not None:
        out["constant_posterior"] = round(post, 3)
    if book and st.constant is not None:
        bk = codebook.book(lang)  # type: ignore[arg-type]
        out["decoded"] = {str(i): decode(st, bk, i, sure=0.0) for i in st.members}
    return out


def format_report(rep: dict, top: int = 30) -> str:
    """The analyst's text view of `analyse`: alignment, additive in rows of ten, frequency table."""
    al, st = rep["alignment"], rep["stripping"]
    lines = [
        f"{rep['messages']} messages; depths of {', '.join(map(str, rep['depths']))} messages; "
        f"not aligned: {', '.join(f'#{i + 1}' for i in al['unaligned']) or 'none'}",
        "",
        f"depth {rep['depth'] + 1}: start column of each message",
    ]
    for i in st["messages"]:
        lines.append(f"  #{i + 1:<3} column {st['start'][str(i)]:>3}  ({al['evidence'][i]})")
    add = st["additive"]
    if st["relative"]:
        title = (
            f"relative additive (A − c; column {st['reference_column']} reads 0000), "
            f"???? = not determined; {rep['determined']:.0%} of the groups in columns of depth ≥ 2"
        )
    else:
        title = f"additive (constant {st['constant']} fixed by {st['fixed_by']})"
    lines += ["", title]
    for r in range(0, len(add), 10):
        row = " ".join(fmt(None) if a is None else a for a in add[r : r + 10])
        lines.append(f"  {r:>4}: {row}")
    what = "code + c" if st["relative"] else "code groups"
    lines += ["", f"stripped groups, commonest first ({what}):"]
    table = st["table"][:top]
    for r in range(0, len(table), 8):
        lines.append("  " + "  ".join(f"{g} ×{n:<3}" for g, n in table[r : r + 8]))
    if "decoded" in rep:
        lines += ["", "decoded:"]
        lines += [f"  #{int(i) + 1:<3} {t}" for i, t in rep["decoded"].items()]
    return "\n".join(lines)
