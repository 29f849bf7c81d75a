"""Numba kernels for the solvers' hot loops (n-gram and word scoring, annealing, climbing).

Kept apart so the pure-Python modules stay readable; every kernel is `@njit(cache=True)`, compiled
once per machine into __pycache__. Arrays: plaintext/ciphertext as int64 letter codes; the n-gram
table flattened (float32, index ((a*A+b)*A+c)*A+d; the substitution annealer's is the int16
`model.quad16`, scaled by `Q16`); the word trie as in `model.Words`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

NEG = -1e30
Q16 = 1024.0  # the annealer's quadgram table is log-probabilities × Q16 as int16 (`model.quad16`)
PREFIX = 1500  # transposition search scores this many plaintext letters at most


@njit(cache=True)
def quad_score(pt: np.ndarray, q: np.ndarray, A: int) -> float:
    s = 0.0
    for i in range(len(pt) - 3):
        s += q[((pt[i] * A + pt[i + 1]) * A + pt[i + 2]) * A + pt[i + 3]]
    return s


@njit(cache=True)
def word_score(pt: np.ndarray, children: np.ndarray, wlp: np.ndarray, unk: float) -> float:
    """Best segmentation of pt into dictionary words; a letter outside any word costs `unk`."""
    return _segmentation(pt, children, wlp, unk, wlp, False)


@njit(cache=True)
def word_score_open(
    pt: np.ndarray, children: np.ndarray, wlp: np.ndarray, unk: float, plp: np.ndarray
) -> float:
    """`word_score` for a text cut off mid-word: the last letters may instead be the start of a
    dictionary word, worth that prefix's log-probability `plp[node]` (`model.prefixes`).
    Intercepts and exercises end wherever the message was cut."""
    return _segmentation(pt, children, wlp, unk, plp, True)


@njit(cache=True)
def _segmentation(pt, children, wlp, unk, plp, open_tail):  # type: ignore[no-untyped-def]
    n = len(pt)
    best = np.full(n + 1, NEG)
    best[0] = 0.0
    open_end = NEG
    for i in range(n):
        b = best[i]
        if b <= NEG:
            continue
        v = b + unk
        if v > best[i + 1]:
            best[i + 1] = v
        node = 0
        for j in range(i, n):
            node = children[node, pt[j]]
            if node < 0:
                break
            lp = wlp[node]
            if lp < 0.0:
                v = b + lp
                if v > best[j + 1]:
                    best[j + 1] = v
            if open_tail and j == n - 1 and b + plp[node] > open_end:
                open_end = b + plp[node]
    return max(best[n], open_end)


@njit(cache=True)
def subtree_sums(mass: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Each trie node's mass plus all its descendants' (children are numbered after parents)."""
    out = mass.copy()
    for i in range(len(out) - 1, 0, -1):
        out[parent[i]] += out[i]
    return out


@njit(cache=True)
def segment(pt: np.ndarray, children: np.ndarray, wlp: np.ndarray, unk: float) -> np.ndarray:
    """Word boundaries (end indices) of the best segmentation, for display."""
    n = len(pt)
    best = np.full(n + 1, NEG)
    back = np.zeros(n + 1, dtype=np.int64)
    best[0] = 0.0
    for i in range(n):
        b = best[i]
        if b <= NEG:
            continue
        if b + unk > best[i + 1]:
            best[i + 1] = b + unk
            back[i + 1] = i
        node = 0
        for j in range(i, n):
            node = children[node, pt[j]]
            if node < 0:
                break
            lp = wlp[node]
            if lp < 0.0 and b + lp > best[j + 1]:
                best[j + 1] = b + lp
                back[j + 1] = i
    ends = []
    k = n
    while k > 0:
        ends.append(k)
        k = back[k]
    out = np.empty(len(ends), dtype=np.int64)
    for i in range(len(ends)):
        out[i] = ends[len(ends) - 1 - i]
    return out


@njit(cache=True)
def ngram_score(pt: np.ndarray, q: np.ndarray, A: int) -> float:
    """Sum of n-gram log-probabilities; the order is read from the table's size (A**order)."""
    size = len(q)
    order = 0
    m = 1
    while m < size:
        m *= A
        order += 1
    if order == 4:
        return quad_score(pt, q, A)
    s = 0.0
    idx = 0
    for i in range(len(pt)):
        idx = (idx * A + pt[i]) % size
        if i >= order - 1:
            s += q[idx]
    return s


@njit(cache=True)
def _score(pt, q, A, children, wlp, unk, lam):  # type: ignore[no-untyped-def]
    s = ngram_score(pt, q, A)
    if lam > 0.0:
        s += lam * word_score(pt, children, wlp, unk)
    return s


@njit(cache=True)
def _occurrences(ct: np.ndarray, A: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of each cipher letter, grouped by letter (CSR): letter c occurs at
    occ[counts[c]:counts[c + 1]], so a swap touches only those positions."""
    n = len(ct)
    counts = np.zeros(A + 1, dtype=np.int64)
    for i in range(n):
        counts[ct[i] + 1] += 1
    for c in range(A):
        counts[c + 1] += counts[c]
    occ = np.empty(max(n, 1), dtype=np.int64)
    fill = counts[:A].copy()
    for i in range(n):
        occ[fill[ct[i]]] = i
        fill[ct[i]] += 1
    return counts, occ


@njit(cache=True)
def _windows(
    n: int,
    occ: np.ndarray,
    counts: np.ndarray,
    a: int,
    b: int,
    stamp: np.ndarray,
    tick: int,
    starts: np.ndarray,
) -> int:
    """Collect (once each) the starts of the quadgrams touching cipher letters a and b."""
    m = 0
    for c in (a, b):
        for k in range(counts[c], counts[c + 1]):
            p = occ[k]
            for s in range(max(0, p - 3), min(p, n - 4) + 1):
                if stamp[s] != tick:
                    stamp[s] = tick
                    starts[m] = s
                    m += 1
    return m


@njit(cache=True)
def _delta_quad(
    pt: np.ndarray,
    ct: np.ndarray,
    q: np.ndarray,
    A: int,
    starts: np.ndarray,
    m: int,
    a: int,
    b: int,
    va: int,
    vb: int,
    qv: np.ndarray,
    newv: np.ndarray,
) -> float:
    """Change in quadgram score if plain va were at cipher letter a's places and vb at b's,
    without writing pt: old values come from the cache qv (one per quadgram start), so a
    proposal costs one table lookup per touched quadgram instead of four (do and undo). q and
    the cache are in int16 units (`Q16`); the change is returned in log-probability."""
    d = 0.0
    for k in range(m):
        s = starts[k]
        idx = 0
        for t in range(4):
            c = ct[s + t]
            v = va if c == a else (vb if c == b else pt[s + t])
            idx = idx * A + v
        nv = q[idx]
        newv[k] = nv
        d += nv - qv[s]
    return d / Q16


@njit(cache=True)
def _write(pt: np.ndarray, occ: np.ndarray, counts: np.ndarray, c: int, v: int) -> None:
    for k in range(counts[c], counts[c + 1]):
        pt[occ[k]] = v


@njit(cache=True)
def _fill_qv(pt: np.ndarray, q: np.ndarray, A: int, qv: np.ndarray) -> float:
    """Cache every quadgram's table value (int16 units) in qv; return the score (log-probability)."""
    s = 0.0
    for i in range(len(pt) - 3):
        v = q[((pt[i] * A + pt[i + 1]) * A + pt[i + 2]) * A + pt[i + 3]]
        qv[i] = v
        s += v
    return s / Q16


@njit(cache=True)
def anneal_substitution(
    ct: np.ndarray,
    A: int,
    q: np.ndarray,
    children: np.ndarray,
    wlp: np.ndarray,
    unk: float,
    plp: np.ndarray,
    lam: float,
    lam_end: float,
    start: np.ndarray,
    kick: int,
    restarts: int,
    iters: int,
    t0: float,
    iters2: int,
    t1: float,
    wgain: float,
    seed: int,
    keys_out: np.ndarray,
    scores_out: np.ndarray,
) -> int:
    """Simulated annealing over substitution keys (cipher code → plain code), `restarts` times.

    Each restart begins at `start` with `kick` random swaps (restart 0 of a full kick, kick == A,
    keeps `start` as is), anneals `iters` proposals on quadgrams alone from temperature t0 to 0,
    then `iters2` on quadgrams + words from t1, then climbs to a local optimum. Quadgrams are
    delta-scored (only those touching the swapped letters), which makes phase 1 several times
    cheaper than rescoring, against a cache of each quadgram's current value, so a proposal is
    scored without writing the text and a rejected one costs no undo (a fifth off a 100-letter
    restart, with identical keys and scores). The word segmentation is recomputed whole, but
    only for proposals that could pass: the acceptance threshold is drawn first, and a swap whose quadgram loss exceeds it
    by more than `wgain` (the largest word-score gain we allow a swap) is rejected unscored —
    most proposals late in a run, so phase 2 costs a fraction of its DP. The best key of each
    restart goes to keys_out/scores_out; returns how many were written. The final polish climbs
    with the words weighted `lam_end`, and the scores written are at that weight (the
    substitution solver ranks keys with heavier words than it anneals with). The word score
    lets the text end mid-word (`plp`, `model.prefixes`; all NEG for a text known to end on a word).
    """
    np.random.seed(seed)
    n = len(ct)
    counts, occ = _occurrences(ct, A)
    pres = np.empty(A, dtype=np.int64)
    npres = 0
    for c in range(A):
        if counts[c + 1] > counts[c]:
            pres[npres] = c
            npres += 1
    stamp = np.zeros(max(n, 1), dtype=np.int64)
    starts = np.empty(8 * n + 8, dtype=np.int64)
    newv = np.empty(8 * n + 8)
    qv = np.zeros(max(n, 1))
    tick = 0
    pt = np.empty(n, dtype=np.int64)
    for r in range(restarts):
        key = start.copy()
        if r > 0 or kick < A:
            for _ in range(kick):
                a = np.random.randint(A)
                b = np.random.randint(A)
                key[a], key[b] = key[b], key[a]
        best_key = key.copy()
        best = -1e300
        # phase 1: n-grams only (cheap, finds the neighbourhood); phase 2: n-grams + words
        for phase in range(2):
            use_w = phase == 1 and lam > 0.0
            n_it = iters if phase == 0 else iters2
            tp = t0 if phase == 0 else t1
            if phase == 1:
                key[:] = best_key
            for i in range(n):
                pt[i] = key[ct[i]]
            quad = _fill_qv(pt, q, A, qv)
            wsc = word_score_open(pt, children, wlp, unk, plp) if use_w else 0.0
            cur = quad + lam * wsc
            best = cur
            best_key[:] = key
            for step in range(n_it):
                temp = tp * (1.0 - step / n_it)
                a = pres[np.random.randint(npres)]
                b = np.random.randint(A)
                if a == b:
                    continue
                ka, kb = key[a], key[b]
                tick += 1
                m = _windows(n, occ, counts, a, b, stamp, tick, starts)
                dq = _delta_quad(pt, ct, q, A, starts, m, a, b, kb, ka, qv, newv)
                u = np.random.random()
                thr = temp * np.log(u) if temp > 0.0 and u > 0.0 else (0.0 if temp <= 0.0 else NEG)
                written = False
                if use_w:
                    if dq + lam * wgain < thr:
                        nw = wsc - 1e30  # cannot pass: skip the segmentation
                    else:
                        _write(pt, occ, counts, a, kb)
                        _write(pt, occ, counts, b, ka)
                        written = True
                        nw = word_score_open(pt, children, wlp, unk, plp)
                else:
                    nw = 0.0
                d = dq + lam * (nw - wsc)
                if d >= thr:
                    if not written:
                        _write(pt, occ, counts, a, kb)
                        _write(pt, occ, counts, b, ka)
                    for k in range(m):
                        qv[starts[k]] = newv[k]
                    key[a], key[b] = kb, ka
                    quad += dq
                    wsc = nw
                    cur = quad + lam * wsc
                    if cur > best:
                        best = cur
                        best_key[:] = key
                elif written:
                    _write(pt, occ, counts, a, ka)
                    _write(pt, occ, counts, b, kb)
        # final steepest-ascent polish from the best key seen
        key[:] = best_key
        for i in range(n):
            pt[i] = key[ct[i]]
        quad = _fill_qv(pt, q, A, qv)
        wsc = word_score_open(pt, children, wlp, unk, plp) if lam_end > 0.0 else 0.0
        cur = quad + lam_end * wsc
        improved = True
        while improved:
            improved = False
            for ia in range(npres):
                a = pres[ia]
                for b in range(A):
                    if a == b:
                        continue
                    ka, kb = key[a], key[b]
                    tick += 1
                    m = _windows(n, occ, counts, a, b, stamp, tick, starts)
                    dq = _delta_quad(pt, ct, q, A, starts, m, a, b, kb, ka, qv, newv)
                    _write(pt, occ, counts, a, kb)
                    _write(pt, occ, counts, b, ka)
                    if lam_end > 0.0 and dq + lam_end * wgain > 0.0:
                        nw = word_score_open(pt, children, wlp, unk, plp)
                    elif lam_end > 0.0:
                        nw = wsc - 1e30  # cannot improve: skip the segmentation
                    else:
                        nw = 0.0
                    if dq + lam_end * (nw - wsc) > 1e-9:
                        for k in range(m):
                            qv[starts[k]] = newv[k]
                        key[a], key[b] = kb, ka
                        quad += dq
                        wsc = nw
                        cur = quad + lam_end * wsc
                        improved = True
                    else:
                        _write(pt, occ, counts, a, ka)
                        _write(pt, occ, counts, b, kb)
        keys_out[r, :] = key
        scores_out[r] = cur
    return restarts


@njit(cache=True)
def climb_substitution_quad(
    ct: np.ndarray,
    A: int,
    q: np.ndarray,
    start: np.ndarray,
    kicks: int,
    seed: int,
    key_out: np.ndarray,
) -> float:
    """Plain quadgram hill climber with delta scoring: only quadgrams touching a swapped letter are
    rescored. Restart 0 climbs from `start`; each later restart from `start` with random swaps.
    Returns the best total score; the best key goes to key_out. The benchmark's anchor."""
    np.random.seed(seed)
    n = len(ct)
    counts, occ = _occurrences(ct, A)
    stamp = np.zeros(max(n, 1), dtype=np.int64)
    starts = np.empty(8 * n + 8, dtype=np.int64)
    pt = np.empty(n, dtype=np.int64)
    tick = 0
    best_all = -1e300
    for r in range(kicks):
        key = start.copy()
        if r > 0:
            for _ in range(A):
                a = np.random.randint(A)
                b = np.random.randint(A)
                key[a], key[b] = key[b], key[a]
        for i in range(n):
            pt[i] = key[ct[i]]
        cur = quad_score(pt, q, A)
        improved = True
        while improved:
            improved = False
            for a in range(A):
                if counts[a + 1] == counts[a]:
                    continue
                for b in range(A):
                    if a == b:
                        continue
                    tick += 1
                    m = _windows(n, occ, counts, a, b, stamp, tick, starts)
                    old = 0.0
                    for k in range(m):
                        s = starts[k]
                        old += q[((pt[s] * A + pt[s + 1]) * A + pt[s + 2]) * A + pt[s + 3]]
                    ka, kb = key[a], key[b]
                    for c in (a, b):
                        for k in range(counts[c], counts[c + 1]):
                            pt[occ[k]] = kb if c == a else ka
                    new = 0.0
                    for k in range(m):
                        s = starts[k]
                        new += q[((pt[s] * A + pt[s + 1]) * A + pt[s + 2]) * A + pt[s + 3]]
                    if new > old + 1e-9:
                        key[a], key[b] = kb, ka
                        cur += new - old
                        improved = True
                    else:
                        for c in (a, b):
                            for k in range(counts[c], counts[c + 1]):
                                pt[occ[k]] = ka if c == a else kb
        if cur > best_all:
            best_all = cur
            key_out[:] = key
    return best_all


@njit(cache=True)
def columnar_decrypt(ct: np.ndarray, w: int, order: np.ndarray, out: np.ndarray) -> None:
    """Undo an irregular columnar transposition (columns were read out in `order`); fills only
    len(out) letters, so a search can score a prefix of a long text."""
    n = len(ct)
    rows = n // w
    extra = n % w
    start = np.empty(w, dtype=np.int64)
    pos = 0
    for k in range(w):
        c = order[k]
        start[c] = pos
        pos += rows + (1 if c < extra else 0)
    for i in range(len(out)):
        out[i] = ct[start[i % w] + i // w]


@njit(cache=True)
def climb_columnar(
    ct: np.ndarray, w: int, A: int, q: np.ndarray, restarts: int, seed: int, order_out: np.ndarray
) -> float:
    """Hill climbing over column orders (swap two columns, or move one to another place), from
    `restarts` random orders; exhaustive search is used by the caller for small widths."""
    np.random.seed(seed)
    pt = np.empty(min(len(ct), PREFIX), dtype=np.int64)
    best_all = -1e300
    trial = np.empty(w, dtype=np.int64)
    for _ in range(restarts):
        order = np.random.permutation(w)
        columnar_decrypt(ct, w, order, pt)
        cur = ngram_score(pt, q, A)
        improved = True
        while improved:
            improved = False
            for i in range(w):
                for j in range(w):
                    if i == j:
                        continue
                    for kind in range(2):
                        if kind == 0:
                            if j < i:
                                continue
                            trial[:] = order
                            trial[i], trial[j] = order[j], order[i]
                        else:  # move the column at i to position j
                            m = 0
                            v = order[i]
                            for k in range(w):
                                if k == i:
                                    continue
                                if m == j:
                                    trial[m] = v
                                    m += 1
                                trial[m] = order[k]
                                m += 1
                            if m == j:
                                trial[m] = v
                        columnar_decrypt(ct, w, trial, pt)
                        s = ngram_score(pt, q, A)
                        if s > cur + 1e-9:
                            cur = s
                            order[:] = trial
                            improved = True
        if cur > best_all:
            best_all = cur
            order_out[:] = order
    return best_all


@njit(cache=True)
def all_orders_columnar(
    ct: np.ndarray, w: int, A: int, q: np.ndarray, order_out: np.ndarray
) -> float:
    """Exhaustive search over all w! column orders (Heap's algorithm), for w ≤ 8."""
    pt = np.empty(min(len(ct), PREFIX), dtype=np.int64)
    order = np.arange(w)
    c = np.zeros(w, dtype=np.int64)
    columnar_decrypt(ct, w, order, pt)
    best = ngram_score(pt, q, A)
    order_out[:] = order
    i = 1
    while i < w:
        if c[i] < i:
            if i % 2 == 0:
                order[0], order[i] = order[i], order[0]
            else:
                order[c[i]], order[i] = order[i], order[c[i]]
            columnar_decrypt(ct, w, order, pt)
            s = ngram_score(pt, q, A)
            if s > best:
                best = s
                order_out[:] = order
            c[i] += 1
            i = 1
        else:
            c[i] = 0
            i += 1
    return best


_WARM: list[bool] = []


def warm() -> None:
    """Compile (or load from numba's on-disk cache) every kernel once per process."""
    if _WARM:
        return
    A = 4
    ct = np.array([0, 1, 2, 3, 0, 1, 2, 3, 1, 0], dtype=np.int64)
    q = np.zeros(A**4, dtype=np.float32)
    q16 = np.zeros(A**4, dtype=np.int16)
    children = np.full((1, A), -1, dtype=np.int32)
    wlp = np.ones(1, dtype=np.float32)
    keys = np.empty((1, A), dtype=np.int64)
    sc = np.empty(1)
    start = np.arange(A, dtype=np.int64)
    anneal_substitution(
        ct, A, q16, children, wlp, -5.0, wlp, 1.0, 1.0, start, A, 1, 5, 1.0, 5, 1.0, 20.0, 0, keys,
        sc,
    )  # fmt: skip
    climb_substitution_quad(ct, A, q, start, 1, 0, keys[0])
    order = np.empty(3, dtype=np.int64)
    all_orders_columnar(ct, 3, A, q, order)
    climb_columnar(ct, 3, A, q, 1, 0, order)
    segment(ct, children, wlp, -5.0)
    word_score_open(ct, children, wlp, -5.0, wlp)
    subtree_sums(np.zeros(2), np.array([-1, 0], dtype=np.int64))
    _WARM.append(True)


@njit(cache=True)
def polish_pairs(
    ct: np.ndarray,
    A: int,
    q: np.ndarray,
    children: np.ndarray,
    wlp: np.ndarray,
    unk: float,
    plp: np.ndarray,
    lam: float,
    key: np.ndarray,
    wgain: float,
    max_evals: int,
) -> float:
    """Climb from `key` (in place) over single swaps and pairs of swaps (3-cycles and double
    transpositions) on quadgrams (int16 `q`) + lam × words; return the final score.

    The annealer's polish stops at keys no single swap improves, and on short texts a wrong key
    is often two swaps from the truth with every single one of them worse (ХОРОШО read as
    ДОРОГО: neither Х→Д nor Ш→Г alone makes words). A pair is word-scored only when its
    quadgram change leaves room for a `wgain` word gain; at most `max_evals` pairs are tried."""
    n = len(ct)
    present = np.zeros(A, dtype=np.bool_)
    for i in range(n):
        present[ct[i]] = True
    sa = np.empty(A * A, dtype=np.int64)
    sb = np.empty(A * A, dtype=np.int64)
    ns = 0
    for a in range(A):
        for b in range(a + 1, A):
            if present[a] or present[b]:
                sa[ns] = a
                sb[ns] = b
                ns += 1
    pt = np.empty(n, dtype=np.int64)
    for i in range(n):
        pt[i] = key[ct[i]]
    quad = 0.0
    for i in range(n - 3):
        quad += q[((pt[i] * A + pt[i + 1]) * A + pt[i + 2]) * A + pt[i + 3]]
    quad /= Q16
    wsc = word_score_open(pt, children, wlp, unk, plp)
    cur = quad + lam * wsc
    trial = key.copy()
    evals = 0
    improved = True
    while improved and evals < max_evals:
        improved = False
        for i in range(ns):
            for j in range(i, ns):
                evals += 1
                trial[:] = key
                a, b = sa[i], sb[i]
                trial[a], trial[b] = trial[b], trial[a]
                if j > i:
                    c, d = sa[j], sb[j]
                    trial[c], trial[d] = trial[d], trial[c]
                for k in range(n):
                    pt[k] = trial[ct[k]]
                qd = 0.0
                for k in range(n - 3):
                    qd += q[((pt[k] * A + pt[k + 1]) * A + pt[k + 2]) * A + pt[k + 3]]
                qd /= Q16
                if qd + lam * (wsc + wgain) <= cur + 1e-9:
                    continue
                nw = word_score_open(pt, children, wlp, unk, plp)
                if qd + lam * nw > cur + 1e-9:
                    key[:] = trial
                    quad, wsc = qd, nw
                    cur = quad + lam * wsc
                    improved = True
            if evals >= max_evals:
                break
    return cur
