"""Two-digit codes from a SECRET table under a periodic additive (the general «дивизия» system).

The Red Army's 1919–20 systems coded each letter as two digits from a table the analyst did not
have, then added a repeating additive digit by digit without carry. `additive.py` breaks the case
of the known table (letter index + 10); this module breaks the secret table, in three steps:

1. **Period** (kappa test on pairs). Pairs whose additive digits are the same repeat whenever the
   letter repeats, so at the right span the code pairs of each class (pair index mod classes)
   coincide as often as the language's letters do, and at a wrong span far less. An additive of p
   digits repeats over span = p pairs' worth of digits when p is odd (pairs straddle the period),
   p digits when even; classes = span / 2.
2. **Alignment**. Each class is the table shifted digitwise by that class's additive pair. Every
   class's offset relative to class 0 (100 digitwise offsets) is fitted so that the stripped pair
   stream looks like one monoalphabetic source — Σ n log n of its symbol counts, a sharper cousin
   of the mutual IoC used for Vigenère columns — by coordinate ascent from several greedy starts,
   for every candidate span; alignments are ranked by that likelihood less a description-length
   charge per class (a right one leaves one symbol per letter used; a wrong offset or a period
   that mixes classes adds more), and the best few polished with symbol bigrams. What is left is
   the table plus one global offset: a simple substitution, where that offset is moot.
3. **Substitution**. The stripped symbols are mapped to letters by substitution's annealing
   kernel (quadgrams, then quadgrams + words) with a schedule for longer texts, from random keys
   until independent runs agree on a key that reads as words. Each class's offset is then refitted
   by the quadgrams of the text it decodes to under the letters found (`_refit`), and re-solved if
   it moved; the next alignments get a solve only while the answer does not read, the best
   quadgram + word score winning.

The key returned is the table with class 0's additive pair folded in and the additive relative to
class 0 (its first two digits 00, or first digit 0 for an odd period): decrypting with it gives the
plaintext. Letters absent from the plaintext get spare codes (the text says nothing about them).
"""

from __future__ import annotations

import time

import numpy as np

from liaison.codebreak import substitution
from liaison.codebreak.alphabets import alphabet, language_of
from liaison.codebreak.identify import lang_ioc
from liaison.core.errors import LiaisonError

MIN_DIGITS = 40
MAX_PERIOD = 20  # additive digits (as additive.py); odd periods span twice as many
MIN_PAIRS_PER_CLASS = 12  # below this a class's counts cannot be aligned
RANDOM_IOC = 0.01  # two-digit pairs with no structure
POLISH = 4  # alignments polished with bigrams
ALTERNATIVES = 4  # alignments given a substitution solve at most
FIRST_SHARE = 0.7  # of the budget for the likeliest alignment when there are others
GOOD = 0.5  # a confidence that ends the search over alignments
BAD = -25.0  # log-cost of a code pair with no letter yet, when refitting offsets (as additive.py)
FULL_LETTERS = 100  # shorter texts get a damped confidence
AGREE = 3  # restarts reaching the same best key that end a substitution solve
ITERS1, ITERS2 = 50_000, 10_000  # annealing proposals: quadgrams alone, then with words
# word score per letter that right solutions reach and wrong ones stay under (from 20 template
# messages of 150 letters per language and the solver's wrong answers; Polish rechecked once its
# templates had their diacritics: right answers −1.97 at worst, as Russian's −2.01)
WORD_FIT = {"ru": (-2.1, -2.6), "en": (-2.0, -2.6), "de": (-2.0, -2.6), "pl": (-2.1, -2.6)}

_T, _U = np.divmod(np.arange(100), 10)
# SUB[d, y]: cipher pair y with the digitwise offset d taken off (no carry)
SUB = ((_T[None, :] - _T[:, None]) % 10) * 10 + (_U[None, :] - _U[:, None]) % 10
# ADD[d, x]: symbol x with offset d added
ADD = ((_T[None, :] + _T[:, None]) % 10) * 10 + (_U[None, :] + _U[:, None]) % 10


def _pairs(text: str) -> np.ndarray:
    d = [int(c) for c in text if c.isdigit()]
    if len(d) < MIN_DIGITS:
        raise LiaisonError(
            f"{len(d)} digits are too few to break a secret two-digit table under an additive "
            f"(at least {MIN_DIGITS}; a few hundred to be likely)"
        )
    if len(d) % 2:
        raise LiaisonError(f"two-digit ciphertext has an odd number of digits ({len(d)})")
    a = np.array(d, dtype=np.int64)
    return a[0::2] * 10 + a[1::2]


def kappa(pairs: np.ndarray, classes: int) -> float:
    """Pooled coincidence rate of pairs within each class (pair index mod `classes`)."""
    same = total = 0
    for c in range(classes):
        n = np.bincount(pairs[c::classes], minlength=100)
        m = int(n.sum())
        same += int((n * (n - 1)).sum())
        total += m * (m - 1)
    return same / total if total else 0.0


def spans(pairs: np.ndarray, lang: str, max_period: int = MAX_PERIOD) -> list[int]:
    """Candidate class counts (span / 2), likeliest first: those whose kappa is near the
    language's IoC, smallest first (multiples of the right count pass too, with less data per
    class; a divisor mixes classes and can pass by luck — the caller's distinct-symbol test
    rejects it), then the rest by kappa."""
    cands = sorted({p if p % 2 == 0 else 2 * p for p in range(1, max_period + 1)})
    ks = {}
    for span in cands:
        m = span // 2
        if len(pairs) // m >= MIN_PAIRS_PER_CLASS or m == 1:
            ks[m] = kappa(pairs, m)
    line = 0.6 * lang_ioc(lang) + 0.4 * RANDOM_IOC
    ok = sorted(m for m, k in ks.items() if k >= line)
    return ok + sorted((m for m in ks if m not in ok), key=lambda m: -ks[m])


def _xlogx(n: np.ndarray) -> np.ndarray:
    return n * np.log(np.maximum(n, 1.0))


def _objective(counts: np.ndarray, offs: np.ndarray) -> float:
    """Σ n log n of the stripped symbol counts: the log-likelihood of a single monoalphabetic
    source up to a constant. Unlike Σ n² (the IoC) it charges every needless extra symbol, which
    is what a wrong offset makes; the IoC let frequent letters' chance overlaps win."""
    tot = np.zeros(100)
    for c in range(len(offs)):
        tot += counts[c][ADD[offs[c]]]
    return float(_xlogx(tot).sum())


def align(
    counts: np.ndarray, rng: np.random.Generator, starts: int = 8
) -> list[tuple[float, np.ndarray]]:
    """Offsets (0..99, digitwise tens/units) per class maximising `_objective` of the stripped
    stream, class 0 fixed at 0: distinct local optima from `starts` greedy starts, best first."""
    m = len(counts)
    # aligned[c][d] = class c's counts with offset d taken off, as a (100 offsets, 100 symbols) table
    aligned = [counts[c][ADD] for c in range(m)]
    found: dict[tuple[int, ...], float] = {}
    for s in range(starts):
        order = list(range(1, m))
        if s:
            rng.shuffle(order)
        offs = np.zeros(m, dtype=np.int64)
        tot = counts[0].astype(np.float64).copy()
        for c in order:  # greedy: each class against those placed so far
            gain = _xlogx(aligned[c] + tot).sum(axis=1)
            offs[c] = int(np.argmax(gain)) if s == 0 else _pick(gain, rng)
            tot += aligned[c][offs[c]]
        improved = True
        while improved:  # coordinate ascent: each class against all the others
            improved = False
            for c in range(1, m):
                rest = tot - aligned[c][offs[c]]
                gain = _xlogx(aligned[c] + rest).sum(axis=1)
                best = int(np.argmax(gain))
                if best != offs[c] and gain[best] > gain[offs[c]] + 1e-9:
                    offs[c] = best
                    improved = True
                tot = rest + aligned[c][offs[c]]
        found[tuple(int(o) for o in offs)] = _objective(counts, offs)
    return sorted(((v, np.array(k)) for k, v in found.items()), key=lambda r: -r[0])


def _pick(scores: np.ndarray, rng: np.random.Generator) -> int:
    """One of the three best offsets at random: a different start for the ascent."""
    top = np.argsort(-scores)[:3]
    return int(rng.choice(top))


def _strip(pairs: np.ndarray, offs: np.ndarray) -> np.ndarray:
    m = len(offs)
    return SUB[offs[np.arange(len(pairs)) % m], pairs]


def _fold(offs: np.ndarray) -> tuple[str, int]:
    """The relative additive as digits (class c's offset is its tens/units additive pair) and the
    units shift to take off the table. For an odd period q the span holds 2q digits whose even and
    odd positions are relative to different digits of the additive; shifting the table's units
    by the difference gives the q-digit additive itself (up to one constant)."""
    span = [int(d) for o in offs for d in f"{int(o):02d}"]
    p = len(span)
    q = p // 2
    if q % 2 == 1 and q > 1:
        for e in range(10):
            s = [(v + (e if i % 2 else 0)) % 10 for i, v in enumerate(span)]
            if all(s[i] == s[i % q] for i in range(p)):
                return "".join(map(str, s[:q])), e
    return "".join(map(str, span)), 0


def _table(symbols: np.ndarray, plain: str, a: str) -> str:
    """Recovered codes in alphabet order; letters the plaintext lacks take spare codes."""
    code: dict[str, int] = {}
    for s, ch in zip(symbols.tolist(), plain, strict=True):
        code.setdefault(ch, s)
    spare = iter(sorted(set(range(100)) - set(code.values())))
    return "".join(f"{code[ch] if ch in code else next(spare):02d}" for ch in a)


def candidates(pairs: np.ndarray, lang: str, seed: int = 0) -> list[tuple[int, int, np.ndarray]]:
    """(distinct symbols, classes, offsets) of the alignments worth a substitution solve, best
    first. Every candidate span is aligned (its two best local optima) and ranked by `_mdl`: a
    right alignment leaves one symbol per letter used, while a wrong offset or a span that mixes
    classes adds symbols and spreads the counts, and needless classes pay for their freedom
    (ranking by the distinct-symbol count alone let 9 classes of 16 pairs merge rare letters and
    win). The first POLISH are polished with bigrams. Identical streams are kept once."""
    rng = np.random.default_rng(seed)
    out = []
    seen: set[bytes] = set()
    for m in spans(pairs, lang):  # all of them: aligning every span costs ~0.1 s
        counts = np.stack([np.bincount(pairs[c::m], minlength=100) for c in range(m)])
        for _, offs in align(counts.astype(np.float64), rng)[:2]:
            sym = _strip(pairs, offs)
            if sym.tobytes() in seen:
                continue
            seen.add(sym.tobytes())
            out.append((-_mdl(sym, m), len(np.unique(sym)), m, offs))
    out.sort(key=lambda c: c[:3])
    # the likeliest few polished with bigrams, in the same order (ranking by bigrams too would
    # favour many classes of few pairs: they overfit bigrams far more than symbol counts)
    ranked: list[tuple[int, int, np.ndarray]] = []
    streams: set[bytes] = set()
    for k, (_, n, m, offs) in enumerate(out):
        if k < POLISH:
            offs = _polish(pairs, offs)
            sym = _strip(pairs, offs)
            if sym.tobytes() in streams:
                continue
            streams.add(sym.tobytes())
            n = len(np.unique(sym))
        ranked.append((n, m, offs))
    return ranked


def _mdl(sym: np.ndarray, m: int) -> float:
    """Log-likelihood of the stripped stream as one monoalphabetic source, less what its free
    parameters buy (a description-length penalty: log 100 per class offset, ½ log N per symbol
    frequency). Without it many classes of few pairs each "align" by merging rare letters."""
    n = np.bincount(sym, minlength=100).astype(np.float64)
    N = float(n.sum())
    ll = float(_xlogx(n).sum()) - N * np.log(N)
    used = int((n > 0).sum())
    return ll - (m - 1) * np.log(100.0) - 0.5 * (used - 1) * np.log(N)


def _polish(pairs: np.ndarray, offs: np.ndarray, passes: int = 3) -> np.ndarray:
    """Coordinate ascent on the class offsets by Σ n log n of symbol counts plus that of symbol
    bigrams. Counts alone cannot place a class whose shifted codes land on other letters' codes —
    the rule for keyword tables, whose full rows of ten map onto themselves under any units
    shift — but the shifted class then breaks the bigrams it takes part in."""
    m = len(offs)
    if m == 1:
        return offs
    N = len(pairs)
    cls = np.arange(N) % m
    offs = offs.copy()
    sym = SUB[offs[cls], pairs]
    rows = np.arange(100)[:, None]
    for _ in range(passes):
        improved = False
        for c in range(m):
            pos = np.nonzero(cls == c)[0]
            cand = SUB[:, pairs[pos]]  # (offset, position): the class's symbols under each offset
            uni = np.bincount(sym[cls != c], minlength=100).astype(np.float64)
            u_cnt = np.bincount((rows * 100 + cand).ravel(), minlength=10_000).reshape(100, 100)
            gain = _xlogx(uni[None, :] + u_cnt).sum(axis=1)
            big = sym[:-1] * 100 + sym[1:]
            keep = np.ones(N - 1, dtype=bool)
            keep[pos[pos < N - 1]] = False
            keep[pos[pos > 0] - 1] = False
            base = np.bincount(big[keep], minlength=10_000).astype(np.float64)
            lp, rp = pos > 0, pos < N - 1
            idx = np.concatenate(
                [
                    sym[pos[lp] - 1][None, :] * 100 + cand[:, lp],
                    cand[:, rp] * 100 + sym[pos[rp] + 1],
                ],
                axis=1,
            )
            # the change in Σ n log n over the bigrams each offset touches (sparse: a few hundred)
            u, cnt = np.unique((rows * 10_000 + idx).ravel(), return_counts=True)
            d, b = np.divmod(u, 10_000)
            delta = _xlogx(base[b] + cnt) - _xlogx(base[b])
            gain += np.bincount(d, weights=delta, minlength=100)
            best = int(np.argmax(gain))
            if best != offs[c] and gain[best] > gain[offs[c]] + 1e-9:
                offs[c] = best
                sym[pos] = cand[best]
                improved = True
        if not improved:
            break
    return SUB[offs[0], offs]


def _anneal_params(n: int) -> tuple[int, float, int, float]:
    """Annealing schedule for n letters. substitution.solve's is tuned for 60–100-letter texts; a
    stripped stream is usually longer, and score changes grow with the letter count, so the
    temperature must too. Single runs from random keys on stripped ru template messages reached
    the plaintext 37 % of the time at 100 letters (150 runs; substitution's schedule 29 %), 64 % at
    150 (120 runs; substitution's 35 %) and 90 % at 300 (90 runs; 53 % at a fixed t1 = 8)."""
    t1 = float(np.clip(0.1 * n, 6.0, 30.0))
    return ITERS1, t1, ITERS2, 0.2 * t1


def _substitute(
    codes: np.ndarray, lang: str, deadline: float, seed: int
) -> tuple[np.ndarray, float, int, int]:
    """Symbols (0..A-1) → letters: restarts of substitution's annealing kernel from random keys
    until AGREE runs reach the same best key or the deadline nears. Returns (key, score, hits,
    runs); hits = runs that reached the best key (independent starts agreeing). Agreement on a
    key that does not read as words (a shared wrong basin) does not stop the search."""
    from liaison.codebreak import fast, model

    A = len(alphabet(lang))
    q = model.quad16(lang)
    w = model.words(lang)
    plp = model.prefixes(lang)
    head = codes[: substitution.MAX_SOLVE_LETTERS]
    start = substitution._start_key(head, lang, A)
    i1, t1, i2, t2 = _anneal_params(len(head))
    keys = np.empty((1, A), dtype=np.int64)
    scores = np.empty(1)
    pres = np.unique(head)
    best, best_key, hits, runs, slowest = -np.inf, start.copy(), 0, 0, 0.0
    while runs == 0 or time.monotonic() + slowest < deadline:
        t = time.monotonic()
        # after a few fresh runs every other one perturbs the best key and re-anneals it on
        # quadgrams + words (as substitution.solve does): it repairs the 3-cycles of letters
        # that single swaps cannot, which repeated phrases in long texts often leave
        fresh = runs < substitution.FRESH or runs % 2 == 0
        rs = seed * 1_000_003 + runs
        if fresh:
            fast.anneal_substitution(
                head, A, q, w.children, w.logp, substitution.UNK, plp, substitution.LAM,
                substitution.LAM, start,
                A - 1, 1, i1, t1, i2, t2, substitution.WGAIN, rs, keys, scores,
            )  # fmt: skip
        else:
            fast.anneal_substitution(
                head, A, q, w.children, w.logp, substitution.UNK, plp, substitution.LAM,
                substitution.LAM, best_key, substitution.KICK, 1, 0, t1, substitution.ITERS_K, t2,
                substitution.WGAIN, rs, keys, scores,
            )  # fmt: skip
        runs += 1
        sc = float(scores[0])
        if sc > best + 1e-6:
            same = best_key[pres].tolist() == keys[0][pres].tolist()
            best, best_key = sc, keys[0].copy()
            hits = (hits + 1 if same else 1) if fresh else 0
        elif sc > best - 1e-6 and fresh:
            hits += 1
        slowest = max(slowest, time.monotonic() - t)
        if hits >= AGREE and _word_fit(best_key[codes], lang) >= 0.5:
            break
    return best_key, best / len(head), hits, runs


def _word_fit(plain: np.ndarray, lang: str) -> float:
    """How much of the text reads as dictionary words: the per-letter word-segmentation score
    between that of wrong solutions (0) and of right ones (1)."""
    from liaison.codebreak import fast, model

    w = model.words(lang)
    per_word = fast.word_score(plain, w.children, w.logp, substitution.UNK) / max(1, len(plain))
    right, wrong = WORD_FIT.get(language_of(lang), WORD_FIT["en"])
    return float(np.clip((per_word - wrong) / (right - wrong), 0.0, 1.0))


def _confidence(hits: int, plain: np.ndarray, lang: str) -> float:
    """The word fit (wrong keys read as stray letters, even when several runs agree on them),
    discounted when few independent restarts reached the key (one found by perturbing the best
    key counts as none: it is less proven, though it reads) and for texts under FULL_LETTERS,
    where a free table and free class offsets let random digits read as words (30 random pairs
    fitted 0.3–0.6 before this damping)."""
    agreement = 0.4 + 0.6 * min(1.0, hits / AGREE)
    length = min(1.0, len(plain) / FULL_LETTERS) ** 2
    return round(agreement * length * _word_fit(plain, lang), 3)


def _attempt(
    pairs: np.ndarray, offs: np.ndarray, lang: str, deadline: float, seed: int
) -> tuple[float, float, np.ndarray, np.ndarray, np.ndarray]:
    """Strip with `offs` and solve the substitution: (score per letter, confidence, plaintext
    codes, offsets, stripped symbols)."""
    sym = _strip(pairs, offs)
    uniq, idx = np.unique(sym, return_inverse=True)
    freq = np.bincount(idx)
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[np.argsort(-freq, kind="stable")] = np.arange(len(uniq))
    codes = rank[idx]
    key, per, hits, _ = _substitute(codes, lang, deadline, seed)
    plain = key[codes]
    return per, _confidence(hits, plain, lang), plain, offs, sym


def _refit(
    pairs: np.ndarray, sym: np.ndarray, plain: np.ndarray, offs: np.ndarray, lang: str
) -> np.ndarray:
    """Re-choose each class's offset by the quadgram score of the text it decodes to under the
    letters found so far (a symbol with no letter costs BAD). Where counts and bigrams leave a
    keyword table's class a units shift off (`_polish`), the language can place it once the other
    classes have given most letters. Returns offsets renormalised to class 0 = 0."""
    from liaison.codebreak import fast, model

    A = len(alphabet(lang))
    q = model.load(lang).ravel()
    letter = np.full(100, -1, dtype=np.int64)
    letter[sym] = plain
    m = len(offs)
    cls = np.arange(len(pairs)) % m
    offs = offs.copy()

    def score(o: np.ndarray) -> float:
        let = letter[SUB[o[cls], pairs]]
        bad = let < 0
        return float(fast.ngram_score(np.where(bad, 0, let), q, A)) + BAD * float(bad.sum())

    cur = score(offs)
    for _ in range(3):  # passes of coordinate ascent
        improved = False
        for c in range(m):
            keep = offs[c]
            for d in range(100):
                offs[c] = d
                v = score(offs)
                if v > cur + 1e-9:
                    cur, keep, improved = v, d, True
            offs[c] = keep
        if not improved:
            break
    return SUB[offs[0], offs]


def solve(
    text: str, lang: str, budget: float = 5.0, seed: int = 0
) -> tuple[str, str, float, float]:
    """Return (plaintext, key 'table,additive', score per letter, confidence in [0, 1])."""
    deadline = time.monotonic() + budget
    a = alphabet(lang)
    A = len(a)
    pairs = _pairs(text)
    cands = [c for c in candidates(pairs, lang, seed) if c[0] <= A]
    if not cands:
        raise LiaisonError(
            f"after stripping the additive every alignment leaves more distinct code pairs than "
            f"the {A} letters of {lang}: the period or the alignment is wrong, or the table is "
            "homophonic (several codes per letter), which this solver does not break"
        )
    best: tuple[float, float, np.ndarray, np.ndarray, np.ndarray] | None = None
    for k, (_, _, offs) in enumerate(cands[:ALTERNATIVES]):
        left = deadline - time.monotonic()
        if best is not None and (left <= 0.05 or best[1] >= GOOD):
            break
        # the first alignment is nearly always right: it gets most of the budget
        share = left * (FIRST_SHARE if k == 0 and len(cands) > 1 else 0.5 if k else 1.0)
        end = time.monotonic() + share
        # most of the share; what a quick agreement leaves goes to a refitted re-solve
        res = _attempt(pairs, offs, lang, time.monotonic() + 0.8 * share, seed + k)
        if len(offs) > 1:
            better = _refit(pairs, res[4], res[2], offs, lang)
            if not np.array_equal(better, offs):
                res2 = _attempt(pairs, better, lang, end, seed + k + 100)
                res = res2 if res2[0] > res[0] else res
        if best is None or res[0] > best[0]:
            best = res
    if best is None:  # internal invariant: at least one attempt always runs
        raise RuntimeError("table search produced no attempt")
    k = 0
    while best[1] < GOOD and deadline - time.monotonic() > 0.1:  # time left: search on
        k += 1
        res = _attempt(pairs, best[3], lang, deadline, seed + 1000 * k)
        if res[0] > best[0]:
            best = res
    per, conf, plain, offs, sym = best
    pt = "".join(a[i] for i in plain)
    additive, e = _fold(offs)
    key_s = f"{_table(SUB[e, sym], pt, a)},{additive}"
    return pt, key_s, round(per, 4), conf
