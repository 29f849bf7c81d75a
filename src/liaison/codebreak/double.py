"""Double (columnar) transposition solver: simulated annealing over both column orders at once,
quadgram scoring, every width pair screened and the likely pairs searched longer.

The cipher is two irregular columnar passes (`ciphers.double_columnar`), so a key is a pair of
widths and a pair of column read-out orders. Lasry, Kopal and Wacker (Cryptologia 2014) break long
keys by searching the second key alone with a score of its own; for widths up to about ten a joint
search is enough, and simpler: with the right widths a short anneal already scores far above every
wrong pair (measured: the true pair ranked first in 13 of 16 texts of 150 letters after 10,000
proposals, widths 2-15 all tried). So every width pair gets a short anneal, successive halving
keeps the best quarter and doubles their proposals, and the last two are annealed afresh until
three full runs agree on the best key or the budget is spent; then every pair is screened again
with twice the proposals (wide pairs need more before they stand out). Finalists are ranked by
quadgrams plus words, as in `transposition`, and shifted twins are settled by where words start.

The kernels live here, not in `fast`: numba's on-disk cache does not notice when a kernel in
another file that a cached kernel calls has changed, so these call only each other.
"""

from __future__ import annotations

import time
from math import lgamma, sqrt

import numpy as np
from numba import njit

from liaison.codebreak import model
from liaison.codebreak.alphabets import alphabet, normalise
from liaison.codebreak.ciphers import _order
from liaison.core.errors import LiaisonError

MIN_LETTERS = 20  # below this a double transposition has too little text to say anything
MIN_ROWS = 4  # a width is tried only when every column of the first pass has this many letters
PREFIX = 1500  # longer texts: the search recovers and scores only this many plaintext letters
T_PER_LETTER = 0.18  # start temperature per scored letter (measured: 0.13-0.2 best at 150-400)
SCREEN = 10_000  # proposals per width pair in the first round (scaled down for small budgets)
FULL = 200_000  # proposals per fresh run once a few pairs are left
KEEP = 4  # successive halving keeps a quarter of the pairs each round
AGREE = 3  # full runs of one pair that reach the same best key: stop early
FINALS = 3  # rounds of full runs on the last two pairs before screening every pair again
# Wider keys fit noise better: the best anneal score of a wrong width pair rises about linearly
# with log(w1!) + log(w2!), by ~1.5 per letter from (2, 2) to (15, 15) at 150 letters and ~1.0 at
# 300 (measured on 16 texts each). Pairs are ranked with that slope taken off.
WIDTH_COST = 0.33  # per letter, per unit of log(w1!) + log(w2!), times 1/sqrt(scored letters)
TWIN_MAX = 5000  # longer texts: a rotation by a letter or two is immaterial, skip the check


@njit(cache=True)
def _starts(n: int, w: int, order: np.ndarray, start: np.ndarray) -> None:
    """Where each column of a width-w pass over n letters begins in that pass's output."""
    rows = n // w
    extra = n % w
    pos = 0
    for k in range(w):
        c = order[k]
        start[c] = pos
        pos += rows + (1 if c < extra else 0)


@njit(cache=True)
def _undo2(
    ct: np.ndarray, w1: int, s1: np.ndarray, w2: int, s2: np.ndarray, out: np.ndarray
) -> None:
    """Undo both passes at once (column starts s1, s2): plaintext letter i sits at j = s1[i % w1]
    + i // w1 of the first pass's output, which the second pass put at s2[j % w2] + j // w2.
    Fills len(out) letters in that many steps, however long the text, column by column of the
    first pass so that j only counts up (no division per letter: it doubled the cost)."""
    m = len(out)
    for c in range(min(w1, m)):
        j = s1[c]
        c2 = j % w2
        r2 = j // w2
        for i in range(c, m, w1):
            out[i] = ct[s2[c2] + r2]
            c2 += 1
            if c2 == w2:
                c2 = 0
                r2 += 1


@njit(cache=True)
def _quad(pt: np.ndarray, q: np.ndarray, A: int) -> float:
    s = 0.0
    for i in range(len(pt) - 3):
        s += q[((pt[i] * A + pt[i + 1]) * A + pt[i + 2]) * A + pt[i + 3]]
    return s


@njit(cache=True)
def _mutate(o: np.ndarray, t: np.ndarray, w: int) -> None:
    """A random neighbour of order o into t: swap two columns, move one, reverse a segment,
    rotate the whole order, move a block of columns elsewhere (segment slide), add a constant to
    every column index (the shifted twin, which decrypts to nearly the same text), or swap two
    pairs at once. The last two leave traps that single moves cannot: measured, a run stuck on a
    twin (150 letters) and two runs agreeing on an order two swaps from the truth (300 letters)."""
    t[:] = o
    kind = np.random.randint(7)
    i = np.random.randint(w)
    j = np.random.randint(w - 1)
    if j >= i:
        j += 1
    if kind == 0:
        t[i], t[j] = o[j], o[i]
    elif kind == 1:
        v = o[i]
        if i < j:
            for k in range(i, j):
                t[k] = o[k + 1]
        else:
            for k in range(i, j, -1):
                t[k] = o[k - 1]
        t[j] = v
    elif kind == 2:
        a, b = min(i, j), max(i, j)
        for k in range(a, b + 1):
            t[k] = o[a + b - k]
    elif kind == 3:
        r = 1 + np.random.randint(w - 1)
        for k in range(w):
            t[k] = o[(k + r) % w]
    elif kind == 4:
        a, b = min(i, j), max(i, j)
        rest = w - (b - a)
        p = np.random.randint(rest + 1)
        m = 0
        for k in range(w):  # the columns outside the block, the block inserted after p of them
            if k < a or k >= b:
                if m == p:
                    for x in range(a, b):
                        t[m + x - a] = o[x]
                    m += b - a
                t[m] = o[k]
                m += 1
        if m == p:
            for x in range(a, b):
                t[m + x - a] = o[x]
    elif kind == 5:
        r = 1 + np.random.randint(w - 1)
        for k in range(w):
            t[k] = (o[k] + r) % w
    else:
        t[i], t[j] = o[j], o[i]
        i = np.random.randint(w)
        j = np.random.randint(w)
        t[i], t[j] = t[j], t[i]


@njit(cache=True)
def anneal(
    ct: np.ndarray,
    w1: int,
    w2: int,
    A: int,
    q: np.ndarray,
    m: int,
    o1: np.ndarray,
    o2: np.ndarray,
    iters: int,
    t0: float,
    seed: int,
) -> float:
    """Anneal both orders from (o1, o2) for `iters` proposals, temperature falling linearly from
    t0 to 0; each proposal changes one key, chosen in proportion to its width. Scores the first
    m letters (in m steps: see `_undo2`); returns the best score and leaves the best orders in
    o1, o2."""
    np.random.seed(seed)
    n = len(ct)
    pt = np.empty(m, dtype=np.int64)
    s1 = np.empty(w1, dtype=np.int64)
    s2 = np.empty(w2, dtype=np.int64)
    ts1 = np.empty(w1, dtype=np.int64)
    ts2 = np.empty(w2, dtype=np.int64)
    _starts(n, w1, o1, s1)
    _starts(n, w2, o2, s2)
    _undo2(ct, w1, s1, w2, s2, pt)
    cur = _quad(pt, q, A)
    best = cur
    b1 = o1.copy()
    b2 = o2.copy()
    t1 = o1.copy()
    t2 = o2.copy()
    p1 = w1 / (w1 + w2)
    for it in range(iters):
        temp = t0 * (1.0 - it / iters)
        first = np.random.random() < p1
        if first:
            _mutate(o1, t1, w1)
            _starts(n, w1, t1, ts1)
            _undo2(ct, w1, ts1, w2, s2, pt)
        else:
            _mutate(o2, t2, w2)
            _starts(n, w2, t2, ts2)
            _undo2(ct, w1, s1, w2, ts2, pt)
        s = _quad(pt, q, A)
        if s >= cur or (temp > 0.0 and np.random.random() < np.exp((s - cur) / temp)):
            cur = s
            if first:
                o1[:] = t1
                s1[:] = ts1
            else:
                o2[:] = t2
                s2[:] = ts2
            if cur > best:
                best = cur
                b1[:] = o1
                b2[:] = o2
    o1[:] = b1
    o2[:] = b2
    return best


def undo(codes: np.ndarray, order1: np.ndarray, order2: np.ndarray) -> np.ndarray:
    """Letter codes with both passes undone."""
    n = len(codes)
    s1 = np.empty(len(order1), dtype=np.int64)
    s2 = np.empty(len(order2), dtype=np.int64)
    _starts(n, len(order1), np.asarray(order1, dtype=np.int64), s1)
    _starts(n, len(order2), np.asarray(order2, dtype=np.int64), s2)
    out = np.empty(n, dtype=np.int64)
    _undo2(codes, len(order1), s1, len(order2), s2, out)
    return out


def decrypt(text: str, order1: list[int], order2: list[int], lang: str) -> str:
    """Undo a double transposition given the two read-out orders (first pass, second pass) —
    the form the solver returns, where `ciphers.double_columnar` takes keywords."""
    a = alphabet(lang)
    ct = normalise(text, lang)
    for o in (order1, order2):
        if sorted(o) != list(range(len(o))) or len(o) < 2:
            raise LiaisonError(f"a column order must be a permutation of 0..w-1 (w ≥ 2), got {o}")
    lut = {c: i for i, c in enumerate(a)}
    codes = np.fromiter((lut[c] for c in ct), dtype=np.int64, count=len(ct))
    return "".join(a[k] for k in undo(codes, np.array(order1), np.array(order2)))


def orders(key1: str, key2: str) -> tuple[list[int], list[int]]:
    """The read-out orders `ciphers.double_columnar` uses for two keywords."""
    return _order(key1), _order(key2)


def keyword(order: list[int]) -> str:
    """A keyword with this read-out order (column c gets the letter of its rank), so a solved key
    can be given to `liaison decrypt --cipher double_columnar --key K1,K2` in any language."""
    if sorted(order) != list(range(len(order))) or not 2 <= len(order) <= 26:
        raise LiaisonError(f"a column order must be a permutation of 0..w-1, 2 ≤ w ≤ 26: {order}")
    letters = [""] * len(order)
    for rank, c in enumerate(order):
        letters[c] = chr(ord("A") + rank)
    return "".join(letters)


_WARM: list[bool] = []


def warm() -> None:
    """Compile (or load from numba's cache) the kernels once per process."""
    if _WARM:
        return
    ct = np.arange(12, dtype=np.int64) % 4
    q = np.zeros(4**4, dtype=np.float32)
    anneal(ct, 3, 2, 4, q, 12, np.arange(3), np.arange(2), 10, 1.0, 0)
    _WARM.append(True)


class _Pair:
    """Search state of one width pair: best score and orders, fresh runs, runs that reached it."""

    def __init__(self, w1: int, w2: int) -> None:
        self.w1, self.w2 = w1, w2
        self.best = -np.inf
        self.o1 = np.arange(w1, dtype=np.int64)
        self.o2 = np.arange(w2, dtype=np.int64)
        self.runs = 0
        self.hits = 0
        self.cost = lgamma(w1 + 1) + lgamma(w2 + 1)

    def offer(self, score: float, o1: np.ndarray, o2: np.ndarray, full: bool) -> None:
        """Keep the best orders; count the full-length runs that reached them. Short runs often
        agree on a strong local optimum (measured: a 200-letter text whose phrase repeats three
        times), so only full runs count as agreement."""
        self.runs += 1
        if score > self.best + 1e-6:
            self.best, self.o1, self.o2, self.hits = score, o1.copy(), o2.copy(), int(full)
        elif score > self.best - 1e-6 and full:
            self.hits += 1  # the same score from a fresh start: the same decryption


def solve(
    ct: str, lang: str, budget: float = 10.0, max_width: int = 12, seed: int = 0
) -> tuple[str, tuple[list[int], list[int]], float, float]:
    """Return (plaintext, (first-pass order, second-pass order), score per letter, confidence)."""
    from liaison.codebreak import fast
    from liaison.codebreak.substitution import LAM, UNK, _codes

    a = alphabet(lang)
    n_a = len(a)
    q = model.load(lang).ravel()
    wm = model.words(lang)
    warm()
    fast.warm()
    deadline = time.monotonic() + budget
    codes = _codes(normalise(ct, lang), a)
    n = len(codes)
    if n < MIN_LETTERS:
        raise LiaisonError(
            f"a double transposition solve needs at least {MIN_LETTERS} letters; got {n}"
        )
    m = min(n, PREFIX)
    t0 = T_PER_LETTER * m
    slope = WIDTH_COST * sqrt(m)  # total-score units per unit of log(w1!) + log(w2!)
    top = max(2, min(max_width, n // MIN_ROWS))
    pairs = [_Pair(w1, w2) for w1 in range(2, top + 1) for w2 in range(2, top + 1)]
    # small widths first: cheap, common, and where a budget too short to screen everything goes
    pairs.sort(key=lambda p: (max(p.w1, p.w2), p.w1 + p.w2))
    rng = np.random.default_rng(seed)
    cost = 3e-9 * m  # seconds per proposal, re-measured as runs complete
    runs = 0

    def run(p: _Pair, iters: int) -> bool:
        """One fresh anneal of pair p, shortened to fit what is left; False when nothing is."""
        nonlocal cost, runs
        left = deadline - time.monotonic()
        if runs and left < 0.5 * iters * cost:
            iters = int(left / cost)
            if iters < 500:
                return False
        o1 = rng.permutation(p.w1).astype(np.int64)
        o2 = rng.permutation(p.w2).astype(np.int64)
        t = time.monotonic()
        s = anneal(codes, p.w1, p.w2, n_a, q, m, o1, o2, iters, t0, seed * 1_000_003 + runs)
        cost = max(cost * 0.5, (time.monotonic() - t) / iters)
        runs += 1
        p.offer(float(s), o1, o2, iters >= FULL)
        return True

    def rank(p: _Pair) -> float:
        return p.best - slope * p.cost

    def total(p: _Pair) -> float:
        """Quadgrams and words, less the width cost: how finalists are ranked."""
        pt = undo(codes, p.o1, p.o2)[:m]
        words = fast.word_score(pt, wm.children, wm.logp, UNK)
        return float(fast.ngram_score(pt, q, n_a) + LAM * words - slope * p.cost)

    def fit(p: _Pair) -> float:
        """How much the pair's best text reads like the language, 0 (noise) to 1. Measured at
        100-400 letters (about 300 solves, ru and en): right answers score -10.7 to -12.8 per
        letter in quadgrams and words, wrong ones -14.2 (at 100 letters) to -17, as does noise."""
        per = (total(p) + slope * p.cost) / m
        return float(np.clip((per + 14.0) / 1.5, 0.0, 1.0))

    # passes of successive halving; each pass screens every pair again with twice the proposals
    # (wide pairs need more before the true one stands out), pairs keep their best across passes
    screen = max(1000, min(SCREEN, int(0.3 * budget / (len(pairs) * cost))))
    spread = sum(p.w1 + p.w2 for p in pairs) / len(pairs)
    done = False
    while not done:
        alive, iters, finals = pairs, screen, 0
        while True:
            for p in alive:
                # wider pairs get more proposals: they have more columns to place
                each = iters if iters >= FULL else max(1000, int(iters * (p.w1 + p.w2) / spread))
                if not run(p, each):
                    done = True
                    break
            alive = sorted((p for p in alive if p.runs), key=lambda p: -rank(p))
            if done or (alive[0].hits >= AGREE and fit(alive[0]) >= 0.5):
                done = True  # agreement alone is not enough: narrow pairs agree on noise
                break
            if len(alive) > 2:
                alive = alive[: max(2, -(-len(alive) // KEEP))]
                iters = min(FULL, 2 * iters)
            elif finals < FINALS:
                finals += 1
                iters = FULL
            else:
                break
        screen = min(FULL, 2 * screen)
    finalists = sorted((p for p in pairs if p.runs), key=lambda p: -rank(p))[:3]

    ranked = sorted(((total(p), i, p) for i, p in enumerate(finalists)), key=lambda c: -c[0])
    best_total, _, win = ranked[0]
    o1, o2 = win.o1, win.o2
    full = undo(codes, o1, o2)
    if n <= TWIN_MAX:
        o1, o2, full = _settle_twins(codes, o1, o2, m, q, wm, model.prefixes(lang))
    plain = "".join(a[k] for k in full)
    per = (best_total + slope * win.cost) / m
    # the fit is the evidence: of the measured wrong answers only those that read as well as the
    # truth pass it (at 100 letters, the message's phrases in another order; or a rotation that
    # starts on a one-letter word); agreement adds a little
    agreed = 1.0 if win.hits >= AGREE else 0.0
    conf = fit(win) * (0.9 + 0.1 * agreed) * min(1.0, n / 100)
    return plain, ([int(x) for x in o1], [int(x) for x in o2]), round(per, 4), round(conf, 3)


def _settle_twins(
    codes: np.ndarray,
    o1: np.ndarray,
    o2: np.ndarray,
    m: int,
    q: np.ndarray,
    wm: model.Words,
    plp: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Choose among the shifted twins of (o1, o2): adding a constant to every column index of
    either order decrypts to nearly the same text — often exactly the same text rotated by a few
    letters, which n-grams cannot tell apart (measured: 2 of 10 texts of 300 letters came back
    rotated), or with the last few letters moved to the front. Twins are compared by quadgrams
    and words with the end allowed to stop mid-word (messages are cut at the end, not the start);
    exact rotations of the winner by words alone, as in `transposition`."""
    from liaison.codebreak import fast
    from liaison.codebreak.substitution import LAM, UNK

    def words(pt: np.ndarray) -> float:
        return float(fast.word_score_open(pt[:m], wm.children, wm.logp, UNK, plp))

    w1, w2 = len(o1), len(o2)
    n_a = wm.children.shape[1]
    scored = []
    for s1 in range(w1):
        for s2 in range(w2):
            t1, t2 = (o1 + s1) % w1, (o2 + s2) % w2
            pt = undo(codes, t1, t2)
            sc = float(fast.ngram_score(pt[:m], q, n_a)) + LAM * words(pt)
            scored.append((sc, t1, t2, pt))
    _, b1, b2, full = max(scored, key=lambda c: c[0])
    doubled = np.concatenate([full, full]).tobytes()
    best = (words(full), b1, b2, full)
    for _, t1, t2, pt in scored:
        b = pt.tobytes()
        k = doubled.find(b)
        while k > 0 and k % 8:  # a rotation: found at a whole-letter offset (8-byte codes)
            k = doubled.find(b, k + 1)
        if k <= 0:
            continue
        sc = words(pt)
        if sc > best[0]:
            best = (sc, t1, t2, pt)
    return best[1], best[2], best[3]
