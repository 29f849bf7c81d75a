"""Two-digit letter codes under a periodic numeric additive — the «дивизия» systems of 1919–20.

This module assumes the code table is KNOWN: letters become codes 10.. (letter index + 10,
ciphers.two_digit_additive), then a repeating additive is added digit by digit without carry.
Attack: (1) the period — at the right one every tens-digit column takes only as many values as
there are tens digits in the code table (four for Russian); (2) per column, the additive digit —
tens columns must land in the table's tens range, units columns are fitted by coordinate ascent on
the quadgram score of the decoded letters, with restarts. A table the analyst does not have (the
general case, ciphers.two_digit_table) is broken by table.py; `crack` tries this solver first.
"""

from __future__ import annotations

import time

import numpy as np

from liaison.codebreak import fast, model
from liaison.codebreak.alphabets import alphabet
from liaison.core.errors import LiaisonError

MIN_DIGITS = 20
BAD = -25.0  # log-cost of a digit pair that is not a letter code


def _digits(text: str) -> np.ndarray:
    d = np.array([int(c) for c in text if c.isdigit()], dtype=np.int64)
    if len(d) < MIN_DIGITS:
        raise LiaisonError(
            f"{len(d)} digits are too few to break two-digit codes under an additive "
            f"(at least {MIN_DIGITS})"
        )
    if len(d) % 2:
        raise LiaisonError(f"two-digit ciphertext has an odd number of digits ({len(d)})")
    return d


def periods(d: np.ndarray, n_letters: int, max_period: int = 20, keep: int = 6) -> list[int]:
    """Candidate additive periods (in digits), smallest first: those at which every tens column
    stays within the code table's tens range (the tens test cannot see units-only differences, so
    the caller scores several)."""
    tens_values = (n_letters + 9) // 10
    bads = []
    for p in range(1, max_period + 1):
        span = p if p % 2 == 0 else 2 * p
        bad = sum(max(0, len(set(d[c::span].tolist())) - tens_values) for c in range(0, span, 2))
        bads.append((bad, p))
    ok = [p for bad, p in bads if bad == 0]
    if not ok:
        ok = [min(bads)[1]]
    return ok[:keep]


PERIOD_COST = 3.0  # log-score charged per additive digit: longer additives fit anything better


def solve(
    text: str, lang: str, budget: float = 5.0, seed: int = 0
) -> tuple[str, str, float, float]:
    """Return (plaintext, additive digits, score per letter, confidence)."""
    start = time.monotonic()
    d = _digits(text)
    a = alphabet(lang)
    cands = periods(d, len(a))
    results = []
    for i, p in enumerate(cands):
        share = (budget - (time.monotonic() - start)) / (len(cands) - i)
        results.append(_solve_period(d, p, lang, max(0.05, share), seed))
    results.sort(key=lambda r: -(r[4] - PERIOD_COST * len(r[1])))
    return results[0][:4]


def _score(d: np.ndarray, shifts: np.ndarray, A: int, q: np.ndarray) -> tuple[float, np.ndarray]:
    span = len(shifts)
    plain = (d - np.resize(shifts, len(d))) % 10
    codes = plain[0::2] * 10 + plain[1::2] - 10
    ok = (codes >= 0) & (codes < A)
    letters = np.where(ok, codes, 0)
    s = fast.ngram_score(letters, q, A) + BAD * float((~ok).sum())
    del span
    return s, letters


def _solve_period(
    d: np.ndarray, p: int, lang: str, budget: float, seed: int
) -> tuple[str, str, float, float, float]:
    deadline = time.monotonic() + budget
    a = alphabet(lang)
    A = len(a)
    q = model.load(lang).ravel()
    span = p if p % 2 == 0 else 2 * p
    tens_hi = (A + 9) // 10  # tens digits 1..tens_hi
    rng = np.random.default_rng(seed)
    uni = model.unigram(lang)
    best, best_shifts = -np.inf, np.zeros(span, dtype=np.int64)
    restarts = 0
    hits = 0
    while restarts == 0 or (time.monotonic() < deadline and restarts < 60):
        shifts = np.zeros(span, dtype=np.int64)
        for c in range(0, span, 2):  # tens: a shift putting every digit into 1..tens_hi
            col = d[c::span]
            misses = [
                int(np.sum(((col - s) % 10 < 1) | ((col - s) % 10 > tens_hi))) for s in range(10)
            ]
            ok = [s for s in range(10) if misses[s] == min(misses)]
            shifts[c] = ok[0] if restarts == 0 else int(rng.choice(ok))
        for c in range(1, span, 2):
            if restarts == 0:  # units by letter frequency given the tens already chosen
                scores = []
                for s in range(10):
                    tens = (d[c - 1 :: span] - shifts[c - 1]) % 10
                    code = tens * 10 + (d[c::span] - s) % 10 - 10
                    okc = (code >= 0) & (code < A)
                    scores.append(float(np.where(okc, uni[np.clip(code, 0, A - 1)], BAD).sum()))
                shifts[c] = int(np.argmax(scores))
            else:
                shifts[c] = rng.integers(10)
        cur, _ = _score(d, shifts, A, q)
        improved = True
        while improved:
            improved = False
            for c in range(span):
                keep = shifts[c]
                for s in range(10):
                    if s == keep:
                        continue
                    shifts[c] = s
                    v, _ = _score(d, shifts, A, q)
                    if v > cur + 1e-9:
                        cur, keep, improved = v, s, True
                shifts[c] = keep
        if cur > best + 1e-6:
            best, best_shifts, hits = cur, shifts.copy(), 1
        elif cur > best - 1e-6:
            hits += 1
        restarts += 1
        if hits >= 3:
            break
    _, letters = _score(d, best_shifts, A, q)
    plain = "".join(a[k] for k in letters)
    per = best / max(1, len(letters))
    conf = float(np.clip((per + 13.0) / 4.0, 0, 1)) * min(1.0, (hits - 1) / 2 if hits > 1 else 0.2)
    key = "".join(str(int(s)) for s in best_shifts[:p])
    return plain, key, round(float(per), 4), round(conf, 3), float(best)
