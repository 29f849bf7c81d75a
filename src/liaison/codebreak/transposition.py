"""Columnar transposition solver: every width up to 10, exhaustive orders up to width 7, hill
climbing with restarts above, quadgram scoring; the finalists of each width are ranked with the
word score as well (wider keys fit short texts by chance, words do not). An irregular rectangle
has "shifted twins": adding a constant to every column index can decrypt exactly to the same text
rotated by a letter or two, which n-grams cannot tell apart; `_unrotate` settles them by where the
words start and end."""

from __future__ import annotations

import time

import numpy as np

from liaison.codebreak import fast, model
from liaison.codebreak.alphabets import alphabet
from liaison.codebreak.substitution import LAM, UNK, _codes

EXHAUSTIVE = 7
TWIN_MAX = 5000  # longer texts: a rotation by a letter is immaterial, skip the check


def solve(
    ct: str, lang: str, budget: float = 5.0, max_width: int = 10, seed: int = 0
) -> tuple[str, list[int], float, float]:
    """Return (plaintext, column read-out order, score per letter, confidence)."""
    deadline = time.monotonic() + budget
    a = alphabet(lang)
    n_a = len(a)
    q = model.load(lang).ravel()
    w_model = model.words(lang)
    codes = _codes(ct, a)
    n = len(codes)
    top = max(2, min(max_width, n // 2))
    widths = list(range(2, top + 1))
    cands: list[tuple[float, int, np.ndarray]] = []
    order = np.empty(top, dtype=np.int64)
    pt = np.empty(min(n, fast.PREFIX), dtype=np.int64)
    from liaison.codebreak.solve import PLAIN_LEVEL

    reads = PLAIN_LEVEL.get(lang, -99.0) * min(n, fast.PREFIX)
    for i, w in enumerate(widths):
        left = deadline - time.monotonic()
        if left <= 0 and cands:
            break
        if w > EXHAUSTIVE and cands and max(c[0] for c in cands) >= reads:
            # an exhaustive width already reads at the language's plaintext level (a wrong width
            # scores 0.7 a letter below it at least): the climbs of the wider ones cannot win
            break
        o = order[:w]
        if w <= EXHAUSTIVE:
            fast.all_orders_columnar(codes, w, n_a, q, o)
        else:
            share = max(0.02, left / (len(widths) - i))
            t_end = time.monotonic() + share
            best, best_o, r = -np.inf, o.copy(), 0
            while r == 0 or time.monotonic() < t_end:
                s = fast.climb_columnar(codes, w, n_a, q, 4, seed * 131 + w * 17 + r, o)
                if s > best:
                    best, best_o = s, o.copy()
                r += 1
            o[:] = best_o
        fast.columnar_decrypt(codes, w, o, pt)
        total = fast.ngram_score(pt, q, n_a) + LAM * fast.word_score(
            pt, w_model.children, w_model.logp, UNK
        )
        cands.append((float(total), w, o.copy()))
    cands.sort(key=lambda c: -c[0])
    best_total, w, o = cands[0]
    full = np.empty(n, dtype=np.int64)
    fast.columnar_decrypt(codes, w, o, full)
    if n <= TWIN_MAX:
        o, full = _unrotate(codes, w, o, full, w_model, model.prefixes(lang))
    plain = "".join(a[k] for k in full)
    m = len(pt)
    per = best_total / max(1, m)
    second = cands[1][0] / max(1, m) if len(cands) > 1 else per - 1
    # a width and its multiples can both decrypt; the margin to the runner-up is the evidence
    conf = float(np.clip((per - second) * 2 + (per + 13.0) / 4.0, 0.0, 1.0)) * min(1.0, n / 40)
    return plain, [int(x) for x in o], round(per, 4), round(conf, 3)


def _unrotate(
    codes: np.ndarray,
    w: int,
    o: np.ndarray,
    full: np.ndarray,
    wm: model.Words,
    plp: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Among the orders o+s (mod w) that decrypt to a rotation of `full`, keep the one whose text
    starts on a word and may end mid-word (messages are cut at the end, not the start)."""

    def score(pt: np.ndarray) -> float:
        # words only: twins share every n-gram but the three across the cut, and those favour
        # cutting before a common quadgram, not at a word boundary (measured: 97% of twins
        # settled right with words alone, 92% with n-grams added)
        return float(fast.word_score_open(pt, wm.children, wm.logp, UNK, plp))

    n = len(full)
    doubled = np.concatenate([full, full]).tobytes()
    best = (score(full), o, full)
    for s in range(1, w):
        o2 = (o + s) % w
        pt = np.empty(n, dtype=np.int64)
        fast.columnar_decrypt(codes, w, o2, pt)
        b = pt.tobytes()
        k = doubled.find(b)
        # a rotation: found at a whole-letter offset (8-byte codes)
        while k > 0 and k % 8:
            k = doubled.find(b, k + 1)
        if k <= 0:
            continue
        sc = score(pt)
        if sc > best[0]:
            best = (sc, o2, pt)
    return best[1], best[2]
