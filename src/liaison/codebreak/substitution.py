"""Simple-substitution solver: hill climbing with random restarts on a quadgram model, in budget."""

from __future__ import annotations

import time

import numpy as np

from liaison.codebreak import model
from liaison.codebreak.alphabets import alphabet


def _score(table: np.ndarray, pt: np.ndarray) -> float:
    return float(table[pt[:-3], pt[1:-2], pt[2:-1], pt[3:]].sum())


def solve(
    ct: str, lang: str, budget: float = 5.0, seed: int = 0, max_restarts: int = 200
) -> tuple[str, str, float, float]:
    """Return (plaintext, cipher alphabet key, score per quadgram, confidence)."""
    deadline = time.monotonic() + budget
    a = alphabet(lang)
    n = len(a)
    table = model.load(lang)
    codes = np.array([a.index(c) for c in ct], dtype=np.int64)
    rng = np.random.default_rng(seed)
    # start from frequency order: most common cipher letter -> most common plain letter
    uni = np.exp(table).sum(axis=(1, 2, 3))
    plain_rank = np.argsort(-uni)
    counts = np.bincount(codes, minlength=n)
    best_key, best = None, -np.inf
    results: list[float] = []
    restart = 0
    while (restart == 0 or time.monotonic() < deadline) and restart < max_restarts:
        key = np.empty(n, dtype=np.int64)  # cipher code -> plain code
        key[np.argsort(-counts, kind="stable")] = plain_rank
        if restart:
            for _ in range(restart % 12 + 4):
                i, j = rng.integers(0, n, 2)
                key[i], key[j] = key[j], key[i]
        cur = _score(table, key[codes])
        if best_key is None:
            best, best_key = cur, key.copy()
        improved = True
        while improved and time.monotonic() < deadline:
            improved = False
            for i in range(n):
                for j in range(i + 1, n):
                    key[i], key[j] = key[j], key[i]
                    s = _score(table, key[codes])
                    if s > cur:
                        cur, improved = s, True
                    else:
                        key[i], key[j] = key[j], key[i]
        results.append(cur)
        if cur > best:
            best, best_key = cur, key.copy()
        restart += 1
    assert best_key is not None
    pt = "".join(a[k] for k in best_key[codes])
    inv = {int(p): a[c] for c, p in enumerate(best_key)}
    cipher_alpha = "".join(inv[p] for p in range(n))
    per = best / max(1, len(ct) - 3)
    # confidence: how often restarts agree on the best, and per-quadgram score vs a random baseline
    hits = sum(1 for r in results if r >= best - 1e-6)
    conf = min(1.0, hits / 3) * float(np.clip((per + 12.0) / 2.5, 0, 1))
    return pt, cipher_alpha, round(per, 4), round(conf, 3)
