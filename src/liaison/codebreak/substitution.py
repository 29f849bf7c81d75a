"""Simple-substitution solver: two-phase simulated annealing (n-grams, then n-grams + words).

Phase 1 anneals on quadgrams alone (cheap: it finds the neighbourhood of a good key); each fresh
restart runs it `SCREEN` times and sends only the best end point (by quadgrams + words) on to phase
2, which anneals on quadgrams plus the best word segmentation (`model.words`), the part that
separates the real plaintext from the many n-gram-plausible ones a short text allows (the unicity
problem). Phase 2 is the costly part, so screening its starts paid: on the 22 Russian 100-letter
texts the solver missed, runs reaching the true key per CPU second rose by half. After
`FRESH` fresh restarts, every other run instead perturbs the best key so far (`KICK` swaps) and
re-anneals it on quadgrams + words at a low temperature: the best key is usually partly right.
Runs continue until the budget is spent or `agree` fresh restarts have reached the same best key —
agreement is also the confidence. A stretch the text repeats is solved once (`unrepeated`) and the
key applied to all of it. Keys are ranked (final polish, kicks, comparison between runs)
with the words weighted LAM_END, twice what the annealing uses: at LAM, texts that are in effect
short scored word salad above the truth, and annealing at LAM_END throughout searched worse.
The best key is finally climbed over pairs of swaps (`fast.polish_pairs`): a wrong key two
swaps from the truth, with each swap alone worse, is a local optimum no single-swap polish leaves
(on the Gogol development passages, ru 80 letters: 54 of 60 read against 52).
`baseline` is the plain quadgram hill-climber the benchmark compares against.
"""

from __future__ import annotations

import time

import numpy as np

from liaison.codebreak import fast, model
from liaison.codebreak.alphabets import alphabet

LAM = 1.0  # weight of the word score against the quadgram score
LAM_END = 2.0  # word weight of the final polish and the kicks (the objective keys are ranked by)
UNK = -5.0  # log-cost of a letter outside any dictionary word
ITERS1, T1 = 3000, 5.0  # phase 1 proposals and start temperature
ITERS2 = 32000  # phase 2 proposals (long: most of the gain over short runs came from here)
T2_PER_LETTER, T2_MIN, T2_MAX = 0.12, 6.0, 12.0  # phase 2 start temperature per ciphertext letter
SCREEN = 4  # phase-1 runs per fresh restart; only the best (quadgrams + words) goes on to phase 2
FRESH, KICK = 4, 4  # fresh restarts before perturbing the best key; swaps per perturbation
ITERS_K, T_K = 4000, 3.0  # annealing of a perturbed key (quadgrams + words)
WGAIN = 15.0  # largest word-score gain a single swap is credited with (skips hopeless DPs)
MAX_SOLVE_LETTERS = 400  # longer texts: solve on a prefix, apply the key to all
PAIR_WORK = 40_000_000  # pairs of swaps × letters the final pair polish may try (a pass over
# the ~120,000 pairs of a 100-letter text is 12 million)
POLISH_SHARE = 0.05  # share of the budget kept for it (it takes ~30 ms on 100 letters)
REPEAT_MIN = 12  # a repeated stretch this long or longer is solved once (`unrepeated`)


def _codes(ct: str, a: str) -> np.ndarray:
    lut = {c: i for i, c in enumerate(a)}
    return np.fromiter((lut[c] for c in ct), dtype=np.int64, count=len(ct))


def unrepeated(codes: np.ndarray, k: int = REPEAT_MIN) -> np.ndarray:
    """The text with every later copy of a stretch of k or more letters that already occurred
    dropped. Under a substitution a repeated cipher stretch is a repeated plain one, so the copy
    says nothing new about the key; it only doubled the score's swing on its letters (a colder,
    more rugged landscape) and the cost of every proposal. On the 37 Russian 100-letter benchmark
    texts that repeat a 20-letter phrase (1 s, four solver seeds run side by side) solving without
    the copy read 125 of 148 against 108; lowering k from 20 to 12 gained on the texts whose
    repeats are 12–19 letters (ru 60: 13 of 36 against 5; en 60: 23 of 27 against 16)."""
    text = "".join(chr(0x4E00 + int(c)) for c in codes)
    n = len(text)
    keep = []
    i = 0
    while i < n:
        j = text.find(text[i : i + k], 0, i) if i + k <= n else -1
        if j < 0:
            keep.append(i)
            i += 1
            continue
        length = k  # the copy runs on while it matches what came before it
        while i + length < n and j + length < i and text[j + length] == text[i + length]:
            length += 1
        i += length
    return codes[np.array(keep, dtype=np.int64)]


def _start_key(codes: np.ndarray, lang: str, n: int) -> np.ndarray:
    """Frequency order: commonest cipher letter → commonest plain letter."""
    counts = np.bincount(codes, minlength=n)
    key = np.empty(n, dtype=np.int64)
    key[np.argsort(-counts, kind="stable")] = np.argsort(-model.unigram(lang), kind="stable")
    return key


def _cipher_alphabet(key: np.ndarray, a: str) -> str:
    """The key as a cipher alphabet: plain letter i → cipher letter (ciphers.substitution's form)."""
    inv = {int(p): a[c] for c, p in enumerate(key)}
    return "".join(inv[p] for p in range(len(a)))


def _tail(lang: str) -> np.ndarray:
    """What a cut-off last word is worth (`model.prefixes`): intercepts end where they were cut,
    and a closed word score charged the cut word as stray letters, favouring wrong keys that end
    on a short word (measured on 80 seeds: ru 80 letters 70 vs 68 solved, en 80 72 vs 71)."""
    return model.prefixes(lang)


def score(pt: str, lang: str, lam: float = LAM) -> float:
    """Quadgrams + lam × word segmentation: with LAM, the scale every solver's confidence and
    `solve.PLAIN_LEVEL` are calibrated on; with LAM_END, what `solve` ranks its keys by."""
    a = alphabet(lang)
    codes = _codes(pt, a)
    w = model.words(lang)
    return float(
        fast.ngram_score(codes, model.load(lang).ravel(), len(a))
        + lam * fast.word_score_open(codes, w.children, w.logp, UNK, _tail(lang))
    )


def solve(
    ct: str,
    lang: str,
    budget: float = 5.0,
    seed: int = 0,
    max_restarts: int = 100_000,
    agree: int = 4,
) -> tuple[str, str, float, float]:
    """Return (plaintext, cipher alphabet key, score per letter, confidence in [0, 1])."""
    deadline = time.monotonic() + budget
    a = alphabet(lang)
    n = len(a)
    q = model.quad16(lang)
    w = model.words(lang)
    plp = _tail(lang)
    full = _codes(ct, a)
    head = full[:MAX_SOLVE_LETTERS]
    codes = unrepeated(head, REPEAT_MIN)
    start = _start_key(codes, lang, n)
    pres = np.unique(codes)
    t2 = phase2_temperature(len(codes))
    chunk = 1
    keys = np.empty((chunk, n), dtype=np.int64)
    scores = np.empty(chunk)
    best, best_key, hits, runs = -np.inf, start.copy(), 0, 0

    def offer(key: np.ndarray, sc: float, fresh: bool) -> None:
        """Keep the best key; count fresh restarts that reach it (perturbations of it would
        trivially return to it, so they improve the key but never count as agreement)."""
        nonlocal best, best_key, hits, runs
        runs += 1
        if sc > best + 1e-6:
            same = best_key[pres].tolist() == key[pres].tolist()
            best, best_key = sc, key.copy()
            hits = (hits + 1 if same else 1) if fresh else 0
        elif sc > best - 1e-6 and fresh:
            hits += 1

    r = 0
    # two-phase restarts (quadgrams, then quadgrams + words) until agreement or budget; every
    # other restart after the first few instead perturbs the best key so far and re-anneals it on
    # quadgrams + words only (the best key is usually partly right: cheaper than starting afresh)
    t_run = 0.0  # slowest restart so far: stop when another would overrun the budget
    stop = deadline - POLISH_SHARE * budget  # the rest is the pair polish's
    while runs < max_restarts and (runs == 0 or time.monotonic() + t_run < stop):
        t_start = time.monotonic()
        fresh = not (r >= FRESH and r % 2 == 1)
        if not fresh:
            fast.anneal_substitution(
                codes, n, q, w.children, w.logp, UNK, plp, LAM_END, LAM_END, best_key, KICK, chunk,
                0, T1, ITERS_K, T_K, WGAIN, seed * 1_000_003 + r, keys, scores,
            )  # fmt: skip
        else:
            seed_key, seed_sc = start, -np.inf
            for m in range(SCREEN if SCREEN > 1 else 0):
                fast.anneal_substitution(
                    codes, n, q, w.children, w.logp, UNK, plp, LAM, LAM, start, n, chunk,
                    ITERS1, T1, 0, t2, WGAIN, (seed * 1_000_003 + r) * 64 + m, keys, scores,
                )  # fmt: skip
                if scores[0] > seed_sc:
                    seed_key, seed_sc = keys[0].copy(), float(scores[0])
            fast.anneal_substitution(
                codes, n, q, w.children, w.logp, UNK, plp, LAM, LAM_END, seed_key,
                n if SCREEN <= 1 else 0,
                chunk, ITERS1 if SCREEN <= 1 else 0, T1, ITERS2, t2, WGAIN, seed * 1_000_003 + r,
                keys, scores,
            )  # fmt: skip
        r += 1
        for k in range(chunk):
            offer(keys[k], float(scores[k]), fresh)
        t_run = max(t_run, time.monotonic() - t_start)
        if hits >= agree:
            break
    if time.monotonic() < deadline:
        evals = PAIR_WORK // max(1, len(codes))
        fast.polish_pairs(
            codes, n, q, w.children, w.logp, UNK, plp, LAM_END, best_key, WGAIN, evals
        )
    pt = "".join(a[k] for k in best_key[full])
    per = score(pt[: len(head)], lang) / max(1, len(head))
    conf = _confidence(hits, runs, per, len(codes), lang)
    return pt, _cipher_alphabet(best_key, a), round(float(per), 4), conf


def phase2_temperature(n: int) -> float:
    """Phase 2's start temperature grows with the text: a swap moves the score by about the number
    of letters it touches, so a longer text needs more heat to leave a wrong basin (200 seeds,
    1 s: ru 100 letters solved 184 at 12 against 176 at 8; ru 60 letters 100 at 12 against 115
    at 8). Capped at 12, the hottest start measured to help; longer texts are easy anyway."""
    return float(np.clip(T2_PER_LETTER * n, T2_MIN, T2_MAX))


def _confidence(hits: int, runs: int, per: float, n: int, lang: str) -> float:
    """Restart agreement (how many independent runs reached the best key), damped for texts below
    ~50 letters where several keys fit equally well, and zero for per-letter scores like noise."""
    agreement = min(1.0, (hits - 1) / 3) if hits > 1 else 0.1
    length = min(1.0, n / 50)
    fit = float(np.clip((per + 14.0) / 4.0, 0.0, 1.0))
    return round(agreement * length * fit, 3)


def baseline(ct: str, lang: str, budget: float = 1.0, seed: int = 0) -> str:
    """Plain quadgram hill climbing with random restarts (delta scoring) for the given budget."""
    deadline = time.monotonic() + budget
    a = alphabet(lang)
    n = len(a)
    q = model.load(lang).ravel()
    codes = _codes(ct, a)
    start = _start_key(codes, lang, n)
    key = np.empty(n, dtype=np.int64)
    best, best_key, r = -np.inf, start, 0
    while r == 0 or time.monotonic() < deadline:
        s = fast.climb_substitution_quad(codes, n, q, start, 20, seed * 7919 + r, key)
        if s > best:
            best, best_key = s, key.copy()
        r += 1
    return "".join(a[k] for k in best_key[codes])
