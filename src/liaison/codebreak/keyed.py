"""Keyed-alphabet Vigenère solver (the Quagmire III shape: one mixed alphabet for plain and cipher).

Decryption is plain = m[(pos(cipher) − k[i mod p]) mod n] for a mixed alphabet m and key shifts k.
Annealing the alphabet directly on quadgrams does not work: a letter out of place spoils both the
cipher letters it reads and the plain letters it writes, in every column, so the score is noise
until nearly all of m is right (from the true alphabet with eight random swaps, 20,000-step
annealing found its way back in 2 runs of 8; from random alphabets, on none of 6 Russian texts
of 300 letters in 3 s each). So, per restart:

1. Stage 1 searches keyword-mixed alphabets (a keyword's letters, then the rest in order — how
   `ciphers.mixed_alphabet` and period practice made them) by simulated annealing over the
   keyword (replace, swap, insert or delete a letter), scoring the letter log-likelihood with
   each column's best shift plus half the bigram log-likelihood of the text those shifts give.
   Unigrams credit a partly right alphabet in proportion to what it gets right; bigrams keep
   over-fitted garbage from outscoring the truth. Each step costs p·n² multiply-adds, not a pass
   of quadgram lookups over the text.
2. Stage 2 anneals the alphabet as a free permutation and the shifts jointly on quadgrams + words
   (`substitution.LAM`) at a low temperature, then polishes greedily: it finishes what stage 1
   found, and frees the alphabet from the keyword form.

Periods: the likeliest three by mean column IoC (each column is a monoalphabetic substitution, so
the IoC behaves as for plain Vigenère), tried in turn until restarts agree on a plaintext;
answers ranked by score less KEY_LETTER_COST per key letter.

The key is only defined up to an affine change of positions: any rotation of the alphabet with the
same shifts, or positions multiplied by a unit u with the shifts multiplied by u, decrypt the same
text. `normalise_key` picks, among all of them, the one whose alphabet has the shortest keyword,
so the keyword usually comes back too; `ciphers.keyed_vigenere(ct, key, keyword, lang, True)`
with the returned key reproduces the plaintext.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from math import gcd

import numpy as np
from numba import njit

from liaison.codebreak import ciphers, fast, model
from liaison.codebreak.alphabets import alphabet, normalise
from liaison.core.errors import LiaisonError

MIN_LETTERS = 20
MAX_PERIOD = 12
KEY_LETTER_COST = 6.0  # log-score per key letter, as for Vigenère: longer keys fit anything better
MAX_SOLVE_LETTERS = 400  # longer texts: solve on a prefix, apply the key to all
KW_ITERS, KW_T = 30_000, 8.0  # stage 1: keyword annealing on letters + bigrams
KW_BI = 0.5  # weight of the bigram log-likelihood in stage 1
KW_T_LETTERS = 150  # KW_T is for this many letters; scores (and so temperatures) scale with length
KW_COST, KW_MAX = 1.0, 14  # log-likelihood charged per keyword letter; longest keyword tried
ITERS1, T1 = 2000, 1.0  # stage 2, phase 1 (quadgrams) proposals and start temperature
ITERS2, T2 = 4000, 2.0  # stage 2, phase 2 (quadgrams + words)
P_KEY = 0.1  # share of proposals that reset one column's shift instead of swapping two letters
WGAIN = 15.0  # largest word-score gain one proposal is credited with (skips hopeless DPs)
AGREE = 3  # restarts that must reach the same plaintext before we stop early
CANON_TRIED = 24  # equivalent keys given the exact (slower) free-letter placement
PERIODS_TRIED = 3  # the likeliest periods by IoC (the right one is among them 95 % of the time)


@njit(cache=True)
def _decode(ct, p, A, alph, pos, key, pt):  # type: ignore[no-untyped-def]
    for i in range(len(ct)):
        pt[i] = alph[(pos[ct[i]] - key[i % p] + A) % A]


@njit(cache=True)
def _keyword_alphabet(kw, nk, A, alph, pos, used):  # type: ignore[no-untyped-def]
    """alph = the keyword's nk letters, then every other letter in order; pos = its inverse."""
    used[:] = 0
    for i in range(nk):
        alph[i] = kw[i]
        used[kw[i]] = 1
    t = nk
    for x in range(A):
        if used[x] == 0:
            alph[t] = x
            t += 1
    for i in range(A):
        pos[alph[i]] = i


@njit(cache=True)
def _unigram_fit(counts, p, A, alph, pos, logf, lf2, cp, key):  # type: ignore[no-untyped-def]
    """Best shift per column by letter log-likelihood, for the alphabet alph; returns the summed
    log-likelihood and writes the shifts to key. A circular correlation per column of the counts
    in alphabet order with the log-frequencies in alphabet order (p·A² multiply-adds)."""
    for u in range(A):
        lf2[u] = logf[alph[u]]
        lf2[u + A] = lf2[u]
    for j in range(p):
        for t in range(A):
            cp[j, t] = counts[j, alph[t]]
    tot = 0.0
    for j in range(p):
        bs = -1e300
        bk = 0
        for s in range(A):
            ll = 0.0
            off = A - s
            for t in range(A):
                ll += cp[j, t] * lf2[t + off]
            if ll > bs:
                bs = ll
                bk = s
        key[j] = bk
        tot += bs
    return tot


@njit(cache=True)
def _stage1_score(counts, ct, bi, lam_bi, p, A, alph, pos, logf, lf2, cp, key):  # type: ignore[no-untyped-def]
    """Letter log-likelihood with each column's best shift, plus lam_bi × the bigram
    log-likelihood of the text those shifts decrypt to."""
    s = _unigram_fit(counts, p, A, alph, pos, logf, lf2, cp, key)
    if lam_bi > 0.0:
        b = 0.0
        prev = alph[(pos[ct[0]] - key[0] + A) % A]
        for i in range(1, len(ct)):
            cur = alph[(pos[ct[i]] - key[i % p] + A) % A]
            b += bi[prev, cur]
            prev = cur
        s += lam_bi * b
    return s


@njit(cache=True)
def anneal_keyword(counts, ct, bi, lam_bi, p, A, logf, cost, kw, nk, kmax, iters, t0, seed, key):  # type: ignore[no-untyped-def]
    """Stage 1: simulated annealing over alphabet keywords (replace, swap, insert or delete a
    letter; kw has room for kmax letters) on the letter log-likelihood with each column's best
    shift, less `cost` per keyword letter. Unigrams score a partly right alphabet in proportion
    to the letters it gets right, where quadgrams see noise until nearly all are right — so this
    stage finds the alphabet and the quadgram stage finishes it. Leaves the best keyword in kw
    and its shifts in key; returns (score, keyword length)."""
    np.random.seed(seed)
    alph = np.empty(A, dtype=np.int64)
    pos = np.empty(A, dtype=np.int64)
    used = np.zeros(A, dtype=np.int64)
    lf2 = np.empty(2 * A)
    cp = np.zeros((p, A))
    _keyword_alphabet(kw, nk, A, alph, pos, used)
    cur = _stage1_score(counts, ct, bi, lam_bi, p, A, alph, pos, logf, lf2, cp, key) - cost * nk
    best = cur
    best_kw = kw.copy()
    best_k = nk
    old = kw.copy()
    for step in range(iters):
        temp = t0 * (1.0 - step / iters)
        old[:] = kw
        old_nk = nk
        r = np.random.random()
        if r < 0.5 or (r < 0.7 and nk < 2):  # replace a letter by one outside the keyword
            i = np.random.randint(nk)
            y = np.random.randint(A)
            while used[y] == 1:
                y = np.random.randint(A)
            kw[i] = y
        elif r < 0.7:  # swap two keyword letters
            i = np.random.randint(nk)
            j = np.random.randint(nk)
            kw[i], kw[j] = kw[j], kw[i]
        elif r < 0.85:  # insert a letter
            if nk >= kmax:
                continue
            i = np.random.randint(nk + 1)
            y = np.random.randint(A)
            while used[y] == 1:
                y = np.random.randint(A)
            for t in range(nk, i, -1):
                kw[t] = kw[t - 1]
            kw[i] = y
            nk += 1
        else:  # delete a letter
            if nk <= 1:
                continue
            i = np.random.randint(nk)
            for t in range(i, nk - 1):
                kw[t] = kw[t + 1]
            nk -= 1
        _keyword_alphabet(kw, nk, A, alph, pos, used)
        s = _stage1_score(counts, ct, bi, lam_bi, p, A, alph, pos, logf, lf2, cp, key) - cost * nk
        if s >= cur or (temp > 0.0 and np.random.random() < np.exp((s - cur) / temp)):
            cur = s
            if cur > best:
                best = cur
                best_kw[:] = kw
                best_k = nk
        else:
            kw[:] = old
            nk = old_nk
            _keyword_alphabet(kw, nk, A, alph, pos, used)
    kw[:] = best_kw
    _keyword_alphabet(kw, best_k, A, alph, pos, used)
    _unigram_fit(counts, p, A, alph, pos, logf, lf2, cp, key)
    return best, best_k


@njit(cache=True)
def anneal(  # type: ignore[no-untyped-def]
    ct, p, A, q, children, wlp, unk, plp, lam, iters1, t1, iters2, t2, wgain, p_key, seed, alph, key
):
    """Anneal (alphabet, shifts) in place from the given start: `iters1` proposals on quadgrams
    from temperature t1 to 0, then `iters2` on quadgrams + lam × words from t2, then a greedy
    polish over every swap and every shift. Returns the final score. The text is rescored whole
    (every column moves when two alphabet places swap), but the word DP only for proposals whose
    quadgram change leaves them a chance to pass the pre-drawn acceptance threshold."""
    np.random.seed(seed)
    n = len(ct)
    pos = np.empty(A, dtype=np.int64)
    for i in range(A):
        pos[alph[i]] = i
    pt = np.empty(n, dtype=np.int64)
    best_alph = alph.copy()
    best_key = key.copy()
    cur = 0.0
    for phase in range(2):
        use_w = phase == 1 and lam > 0.0
        n_it = iters1 if phase == 0 else iters2
        tp = t1 if phase == 0 else t2
        if phase == 1:
            alph[:] = best_alph
            key[:] = best_key
            for i in range(A):
                pos[alph[i]] = i
        _decode(ct, p, A, alph, pos, key, pt)
        quad = fast.quad_score(pt, q, A)
        wsc = fast.word_score_open(pt, children, wlp, unk, plp) if use_w else 0.0
        cur = quad + lam * wsc
        best = cur
        for step in range(n_it):
            temp = tp * (1.0 - step / n_it)
            is_key = np.random.random() < p_key
            if is_key:
                j = np.random.randint(p)
                old = key[j]
                key[j] = (old + 1 + np.random.randint(A - 1)) % A
                a = 0
                b = 0
            else:
                j = 0
                old = 0
                a = np.random.randint(A)
                b = np.random.randint(A - 1)
                if b >= a:
                    b += 1
                la, lb = alph[a], alph[b]
                alph[a], alph[b] = lb, la
                pos[lb], pos[la] = a, b
            _decode(ct, p, A, alph, pos, key, pt)
            nq = fast.quad_score(pt, q, A)
            u = np.random.random()
            thr = temp * np.log(u) if temp > 0.0 and u > 0.0 else (0.0 if temp <= 0.0 else -1e30)
            dq = nq - quad
            if use_w:
                if dq + lam * wgain < thr:
                    nw = wsc - 1e30
                else:
                    nw = fast.word_score_open(pt, children, wlp, unk, plp)
            else:
                nw = 0.0
            d = dq + lam * (nw - wsc)
            if d >= thr:
                quad = nq
                wsc = nw
                cur = quad + lam * wsc
                if cur > best:
                    best = cur
                    best_alph[:] = alph
                    best_key[:] = key
            elif is_key:
                key[j] = old
            else:
                la, lb = alph[a], alph[b]
                alph[a], alph[b] = lb, la
                pos[lb], pos[la] = a, b
    # greedy polish from the best state seen
    alph[:] = best_alph
    key[:] = best_key
    for i in range(A):
        pos[alph[i]] = i
    _decode(ct, p, A, alph, pos, key, pt)
    cur = fast.quad_score(pt, q, A)
    if lam > 0.0:
        cur += lam * fast.word_score_open(pt, children, wlp, unk, plp)
    improved = True
    while improved:
        improved = False
        for a in range(A):
            for b in range(a + 1, A):
                la, lb = alph[a], alph[b]
                alph[a], alph[b] = lb, la
                pos[lb], pos[la] = a, b
                _decode(ct, p, A, alph, pos, key, pt)
                s = fast.quad_score(pt, q, A)
                if lam > 0.0:
                    s += lam * fast.word_score_open(pt, children, wlp, unk, plp)
                if s > cur + 1e-9:
                    cur = s
                    improved = True
                else:
                    alph[a], alph[b] = la, lb
                    pos[la], pos[lb] = a, b
        for j in range(p):
            keep = key[j]
            for sh in range(A):
                if sh == keep:
                    continue
                key[j] = sh
                _decode(ct, p, A, alph, pos, key, pt)
                s = fast.quad_score(pt, q, A)
                if lam > 0.0:
                    s += lam * fast.word_score_open(pt, children, wlp, unk, plp)
                if s > cur + 1e-9:
                    cur = s
                    keep = sh
                    improved = True
            key[j] = keep
    return cur


@lru_cache(maxsize=8)
def bigram(lang: str) -> np.ndarray:
    """log P(b | a), marginalised from the quadgram table."""
    t = model.load(lang).astype(np.float64)
    joint = np.log(np.exp(t).sum(axis=(2, 3)))
    return joint - np.log(np.exp(joint).sum(axis=1, keepdims=True))


_WARM: list[bool] = []


def warm() -> None:
    """Compile (or load from numba's cache) the kernels before a budget starts counting."""
    if _WARM:
        return
    fast.warm()
    A = 4
    ct = np.array([0, 1, 2, 3, 0, 1, 2, 3, 1, 0], dtype=np.int64)
    q = np.zeros(A**4, dtype=np.float32)
    children = np.full((1, A), -1, dtype=np.int32)
    wlp = np.ones(1, dtype=np.float32)
    alph = np.arange(A, dtype=np.int64)
    key = np.zeros(2, dtype=np.int64)
    anneal(ct, 2, A, q, children, wlp, -5.0, wlp, 1.0, 5, 1.0, 5, 1.0, 15.0, 0.1, 0, alph, key)
    kw = np.zeros(A, dtype=np.int64)
    kw[0] = 2
    counts = np.ones((2, A))
    anneal_keyword(
        counts, ct, np.zeros((A, A)), 1.0, 2, A, np.full(A, -1.0), 1.0, kw, 1, A, 5, 1.0, 0, key
    )
    _keyword_alphabet(kw, 1, A, alph, np.empty(A, dtype=np.int64), np.zeros(A, dtype=np.int64))
    _WARM.append(True)


def decrypt(text: str, key: str, alphabet_order: str, lang: str) -> str:
    """Keyed Vigenère decryption with an explicit mixed alphabet (any permutation, not only a
    keyword-mixed one; `ciphers.keyed_vigenere` builds its alphabet from a keyword)."""
    a = alphabet(lang)
    m = normalise(alphabet_order, lang)
    if sorted(m) != sorted(a):
        raise LiaisonError(f"the mixed alphabet must be a permutation of the {lang} alphabet")
    n = len(m)
    idx = {c: i for i, c in enumerate(m)}
    k = [idx[c] for c in normalise(key, lang)]
    if not k:
        raise LiaisonError("empty Vigenère key")
    return "".join(m[(idx[c] - k[i % len(k)]) % n] for i, c in enumerate(normalise(text, lang)))


def keyword_of(order: str, lang: str) -> str:
    """The shortest keyword whose keyword-mixed alphabet is `order`: everything before the longest
    tail in alphabetical order (the keyword's letters come first, the rest follow in order). At
    least one letter, so it can be passed on as a key part."""
    a = alphabet(lang)
    idx = [a.index(c) for c in order]
    j = len(idx) - 1
    while j > 0 and idx[j - 1] < idx[j]:
        j -= 1
    return order[: max(1, j)]


def fill_holes(seq: list[int | None], spare: list[int]) -> list[int]:
    """Fill the holes (None) of a sequence with the spare values so that its increasing tail is
    as long as possible; spares the tail does not need go into the earlier holes in order.

    Letters a text never shows can sit anywhere in an alphabet or on a board; keyword-mixed
    alphabets end in alphabetical order, so this puts them back where the keyword put them."""
    spare = sorted(spare)
    for j in range(len(seq) + 1):
        fixed = [(i, v) for i, v in enumerate(seq) if i >= j and v is not None]
        if any(b <= a for (_, a), (_, b) in zip(fixed, fixed[1:], strict=False)):
            continue
        out = list(seq)
        free = list(spare)
        lo, start = -1, j
        for i, v in [*fixed, (len(seq), float("inf"))]:
            holes = [k for k in range(start, i) if seq[k] is None]
            fits = [x for x in free if lo < x < v][: len(holes)]
            if len(fits) < len(holes):
                break
            for k, x in zip(holes, fits, strict=True):
                out[k] = x
                free.remove(x)
            lo, start = v, i + 1
        else:
            for k in range(j):
                if out[k] is None:
                    out[k] = free.pop(0)
            return [int(x) for x in out]  # type: ignore[arg-type]
    raise AssertionError("an empty tail always fits")  # pragma: no cover


def normalise_key(
    alph: np.ndarray, shifts: np.ndarray, lang: str, free: np.ndarray | None = None
) -> tuple[str, str]:
    """(key letters, alphabet keyword) of the equivalent key whose alphabet has the shortest
    keyword; ties go to the key letters first in alphabetical order (deterministic).

    Equivalent keys: new position u·(pos − r) with shifts u·k, for every rotation r and unit u.
    `free` marks letters the text never shows (neither in the ciphertext nor the plaintext):
    their places are arbitrary, so they are put back where a keyword would have put them
    (`fill_holes`), which lets the keyword come out as it was."""
    a = alphabet(lang)
    n = len(a)
    alph = np.asarray(alph, dtype=np.int64)
    shifts = np.asarray(shifts, dtype=np.int64)
    is_free = np.zeros(n, dtype=bool) if free is None else np.asarray(free, dtype=bool)
    i = np.arange(n)
    cands: list[tuple[int, int, int]] = []
    for u in range(1, n):
        if gcd(u, n) != 1:
            continue
        inv = pow(u, -1, n)
        for r in range(n):
            order = alph[(inv * i + r) % n]  # new position i' holds old position u⁻¹·i' + r
            fixed = order[~is_free[order]]  # a quick bound: the fixed letters' rising tail
            falls = np.nonzero(np.diff(fixed) < 0)[0]
            rise = len(fixed) - (int(falls[-1]) + 1 if len(falls) else 0)
            cands.append((-rise, u, r))
    cands.sort()
    best: tuple[int, str, str] | None = None
    for _, u, r in cands[:CANON_TRIED] if is_free.any() else cands:
        inv = pow(u, -1, n)
        order = alph[(inv * i + r) % n]
        if is_free.any():
            holes = [None if is_free[c] else int(c) for c in order]
            order = np.array(fill_holes(holes, [int(c) for c in order[is_free[order]]]))
        falls = np.nonzero(np.diff(order) < 0)[0]
        j = int(falls[-1]) + 1 if len(falls) else 0  # 0: the plain alphabet, keyword "A"
        ks = "".join(a[order[(u * int(s)) % n]] for s in shifts)
        cand = (j, ks, "".join(a[c] for c in order[: max(1, j)]))
        if best is None or cand < best:
            best = cand
    if best is None:  # internal invariant: the loop above always runs
        raise RuntimeError("keyed alphabet search produced no candidate")
    return best[1], best[2]


def _ioc_periods(codes: np.ndarray, n: int, max_period: int, lang: str) -> list[int]:
    """Periods to try, likeliest first: the smallest whose mean column IoC is near the
    language's, then the rest by decreasing mean column IoC. (Each column is a monoalphabetic
    substitution, so the IoC behaves as for plain Vigenère; the threshold sits nearer the
    language's than `solve._period`'s: on 300 test texts of 150 letters it put the right period
    first 84 % of the time in Russian against 69 %, and among the first three 95 %.)"""
    from liaison.codebreak.solve import lang_ioc

    top = max(1, min(max_period, len(codes) // 4))
    iocs = {}
    for p in range(1, top + 1):
        vals = []
        for c in range(p):
            col = codes[c::p]
            m = len(col)
            if m < 2:
                continue
            cnt = np.bincount(col, minlength=n)
            vals.append(float((cnt * (cnt - 1)).sum()) / (m * (m - 1)))
        iocs[p] = sum(vals) / max(1, len(vals))
    threshold = 0.8 * lang_ioc(lang) + 0.2 / n
    ok = [p for p, v in iocs.items() if v >= threshold]
    first = min(ok) if ok else max(iocs, key=lambda p: iocs[p])
    rest = sorted((p for p in iocs if p != first), key=lambda p: -iocs[p])
    return [first, *rest]


def _shortest(key: np.ndarray) -> np.ndarray:
    """The key without repeats: a period-6 key that is a period-3 key twice is the period-3 key."""
    p = len(key)
    for d in range(1, p):
        if p % d == 0 and np.array_equal(key, np.tile(key[:d], p // d)):
            return key[:d].copy()
    return key


@dataclass(frozen=True)
class _Models:
    """Everything a restart scores with, loaded once before the budget starts."""

    q: np.ndarray
    children: np.ndarray
    wlp: np.ndarray
    plp: np.ndarray
    uni: np.ndarray
    bi: np.ndarray

    @classmethod
    def of(cls, lang: str) -> _Models:
        w = model.words(lang)
        return cls(
            model.load(lang).ravel(), w.children, w.logp, model.prefixes(lang),
            model.unigram(lang), bigram(lang),
        )  # fmt: skip


def _restart(
    codes: np.ndarray, p: int, n: int, m: _Models, seed: int
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """One restart: keyword annealing on letters + bigrams from a random keyword (stage 1), then
    the alphabet and shifts annealed on quadgrams + words (stage 2). Returns (score, alphabet,
    shifts, plaintext codes)."""
    from liaison.codebreak.substitution import LAM, UNK

    rng = np.random.default_rng(seed)
    counts = np.zeros((p, n))
    np.add.at(counts, (np.arange(len(codes)) % p, codes), 1.0)
    kw = np.zeros(n, dtype=np.int64)
    k0 = int(rng.integers(3, 9))
    kw[:k0] = rng.permutation(n)[:k0]
    key = np.zeros(p, dtype=np.int64)
    _, k = anneal_keyword(
        counts, codes, m.bi, KW_BI, p, n, m.uni, KW_COST, kw, k0, min(KW_MAX, n), KW_ITERS,
        KW_T * len(codes) / KW_T_LETTERS, seed, key,
    )  # fmt: skip
    alph = np.empty(n, dtype=np.int64)
    pos = np.empty(n, dtype=np.int64)
    _keyword_alphabet(kw, k, n, alph, pos, np.zeros(n, dtype=np.int64))
    sc = anneal(
        codes, p, n, m.q, m.children, m.wlp, UNK, m.plp, LAM, ITERS1, T1, ITERS2, T2, WGAIN,
        P_KEY, seed, alph, key,
    )  # fmt: skip
    pos[alph] = np.arange(n)
    pt = alph[(pos[codes] - np.resize(key, len(codes))) % n]
    return float(sc), alph, key, pt


def solve(
    ct: str,
    lang: str,
    budget: float = 5.0,
    seed: int = 0,
    max_period: int = MAX_PERIOD,
) -> tuple[str, str, float, float]:
    """Return (plaintext, key 'KEY LETTERS,ALPHABET KEYWORD', score per letter, confidence).

    The key string is what `liaison decrypt --cipher keyed_vigenere --key` takes. The likeliest
    periods by IoC are tried in turn (half of what is left each, the last gets the rest) until
    AGREE restarts reach the best plaintext; answers are ranked by score less KEY_LETTER_COST
    per key letter. Confidence: restart agreement × fit (score per letter) × margin over the
    best different plaintext."""
    a = alphabet(lang)
    n = len(a)
    text = normalise(ct, lang)
    if len(text) < MIN_LETTERS:
        raise LiaisonError(
            f"{len(text)} letters are too few to break a keyed Vigenère (at least {MIN_LETTERS})"
        )
    warm()
    models = _Models.of(lang)
    deadline = time.monotonic() + budget
    lut = {c: i for i, c in enumerate(a)}
    full = np.array([lut[c] for c in text], dtype=np.int64)
    codes = full[:MAX_SOLVE_LETTERS]
    cands = _ioc_periods(codes, n, max_period, lang)[:PERIODS_TRIED]
    # every plaintext reached: its best (score − key cost, alphabet, shifts) and how many
    # restarts reached it, over all periods (a multiple of the period decrypts the same)
    found: dict[bytes, tuple[float, np.ndarray, np.ndarray]] = {}
    hits: dict[bytes, int] = {}
    top = b""
    t_run = 0.0
    r = 0
    for pi, p in enumerate(cands):
        left = deadline - time.monotonic()
        if found and left <= t_run:
            break
        stop = time.monotonic() + (left / 2 if pi < len(cands) - 1 else left)
        while not found or (time.monotonic() + t_run < stop and hits[top] < AGREE):
            t0 = time.monotonic()
            sc, alph, key, pt = _restart(codes, p, n, models, seed * 1_000_003 + r)
            r += 1
            key = _shortest(key)
            tag = pt.tobytes()
            adj = sc - KEY_LETTER_COST * len(key)
            hits[tag] = hits.get(tag, 0) + 1
            if tag not in found or adj > found[tag][0]:
                found[tag] = (adj, alph, key)
            if not top or adj > found[top][0]:
                top = tag
            t_run = max(t_run, time.monotonic() - t0)
        if hits[top] >= AGREE:
            break
    total, alph, key = found[top]
    pos = np.empty(n, dtype=np.int64)
    pos[alph] = np.arange(n)
    plain = alph[(pos[full] - np.resize(key, len(full))) % n]
    free = np.ones(n, dtype=bool)
    free[full] = False
    free[plain] = False
    ks, kw = normalise_key(alph, key, lang, free)
    pt = ciphers.keyed_vigenere(text, ks, kw, lang, True)
    per = (total + KEY_LETTER_COST * len(key)) / max(1, len(codes))
    agreement = min(1.0, (hits[top] - 1) / (AGREE - 1)) if hits[top] > 1 else 0.1
    rivals = [v[0] for t, v in found.items() if t != top]
    margin = float(np.clip((total - max(rivals)) / 10.0, 0.0, 1.0)) if rivals else 1.0
    fit = float(np.clip((per + 14.0) / 3.0, 0.0, 1.0))
    conf = round(agreement * fit * margin, 3)
    return pt, f"{ks},{kw}", round(float(per), 4), conf
