"""Solvers with a time budget: Caesar, affine and Vigenère by chi² against letter frequencies.

This is the first increment: n-gram models and substitution/transposition search are not yet built.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from math import gcd

import numpy as np

from liaison.codebreak import ciphers
from liaison.codebreak.alphabets import FREQ, alphabet, detect_language, normalise
from liaison.core.errors import LiaisonError

MAX_LETTERS = 100_000


@dataclass
class Solution:
    cipher: str
    language: str
    key: object
    plaintext: str
    score: float
    confidence: float

    def as_dict(self) -> dict:
        return asdict(self)


def chi2(text: str, lang: str) -> float:
    """Chi² distance of the text's letter counts from the language's (lower is better)."""
    a = alphabet(lang)
    n = len(text) or 1
    freq = FREQ[lang]
    total = sum(freq.values())
    s = 0.0
    for ch in a:
        exp = n * freq.get(ch, 0.01) / total
        s += (text.count(ch) - exp) ** 2 / max(exp, 1e-3)
    return s / n


def ioc(text: str) -> float:
    n = len(text)
    if n < 2:
        return 0.0
    return sum(text.count(c) * (text.count(c) - 1) for c in set(text)) / (n * (n - 1))


def _confidence(best: float, second: float, n: int) -> float:
    """Margin between best and runner-up, shrunk for short texts: a rough, honest measure."""
    if second <= 0:
        return 0.0
    margin = max(0.0, (second - best) / second)
    return round(min(1.0, margin * 2) * min(1.0, n / 20), 3)


def lm_score(codes: np.ndarray, lang: str) -> float:
    """Quadgram log-probability per letter (unigram marginals for texts under 4 letters)."""
    from liaison.codebreak import model

    t = model.load(lang)
    if len(codes) < 4:
        uni = np.log(np.exp(t).sum(axis=(1, 2, 3)))
        return float(uni[codes].sum() / max(1, len(codes)))
    return float(t[codes[:-3], codes[1:-2], codes[2:-1], codes[3:]].sum() / len(codes))


def crack_caesar(ct: str, lang: str) -> Solution:
    a = alphabet(lang)
    n = len(a)
    codes = np.array([a.index(c) for c in ct], dtype=np.int64)
    scored = sorted((-lm_score((codes - s) % n, lang), s) for s in range(n))
    (b, s), (b2, _) = scored[0], scored[1]
    pt = ciphers.caesar(ct, s, lang, True)
    conf = round(float(np.clip((b2 - b) * len(ct) / 8.0, 0, 1)), 3)
    return Solution("caesar", lang, s, pt, round(-b, 4), conf)


def crack_affine(ct: str, lang: str) -> Solution:
    n = len(alphabet(lang))
    scored = sorted(
        (chi2(ciphers.affine(ct, m, k, lang, True), lang), m, k)
        for m in range(1, n)
        if gcd(m, n) == 1
        for k in range(n)
    )
    (b, m, k), (b2, _, _) = scored[0], scored[1]
    pt = ciphers.affine(ct, m, k, lang, True)
    return Solution("affine", lang, [m, k], pt, round(-b, 4), _confidence(b, b2, len(ct)))


def lang_ioc(lang: str) -> float:
    f = FREQ[lang]
    t = sum(f.values())
    return sum((v / t) ** 2 for v in f.values())


def _period(ct: str, lang: str, max_period: int) -> int:
    """Smallest period whose mean column IoC is nearer the language's than random's."""
    top = max(1, min(max_period, len(ct) // 3))
    iocs = {p: sum(ioc(ct[c::p]) for c in range(p)) / p for p in range(1, top + 1)}
    threshold = 0.6 * lang_ioc(lang) + 0.4 / len(alphabet(lang))
    ok = [p for p, v in iocs.items() if v >= threshold]
    return min(ok) if ok else max(iocs, key=lambda p: iocs[p])


def crack_vigenere(ct: str, lang: str, max_period: int = 12) -> Solution:
    """Each period: per-column unigram fit, then column-shift refinement on quadgrams; best wins."""
    from liaison.codebreak import model

    a = alphabet(lang)
    n = len(a)
    codes = np.array([a.index(c) for c in ct], dtype=np.int64)
    uni = np.log(np.exp(model.load(lang)).sum(axis=(1, 2, 3)))
    shifts_all = np.arange(n)
    cands = []
    for p in range(1, min(max_period, max(1, len(ct) // 2)) + 1):
        key = np.zeros(p, dtype=np.int64)
        for col in range(p):
            c = codes[col::p]
            ll = uni[(c[None, :] - shifts_all[:, None]) % n].sum(axis=1)
            key[col] = int(np.argmax(ll))
        ks = np.resize(key, len(codes))
        cur = lm_score((codes - ks) % n, lang)
        for _ in range(2):
            for col in range(p):
                for sh in range(n):
                    old_k = key[col]
                    key[col] = sh
                    sc = lm_score((codes - np.resize(key, len(codes))) % n, lang)
                    if sc > cur:
                        cur = sc
                    else:
                        key[col] = old_k
        cands.append((cur - 0.012 * p, p, "".join(a[k] for k in key)))
    cands.sort(reverse=True)
    best, _, key_s = cands[0]
    second = cands[1][0] if len(cands) > 1 else best - 1
    pt = ciphers.vigenere(ct, key_s, lang, True)
    conf = round(float(np.clip((best - second) * 10 + (best + 11) / 3, 0, 1)), 3)
    return Solution("vigenere", lang, key_s, pt, round(best, 4), conf)


def crack_substitution(ct: str, lang: str, budget: float = 5.0) -> Solution:
    from liaison.codebreak import substitution

    pt, key, per, conf = substitution.solve(ct, lang, budget=budget)
    return Solution("substitution", lang, key, pt, per, conf)


SOLVERS = {
    "caesar": crack_caesar,
    "affine": crack_affine,
    "vigenere": crack_vigenere,
    "substitution": crack_substitution,
}


def crack(
    text: str, lang: str | None = None, cipher: str | None = None, budget: float = 10.0
) -> Solution:
    """Try the solvers (or the named one) within `budget` seconds; best by chi²."""
    start = time.monotonic()
    if not text.strip():
        raise LiaisonError("empty ciphertext")
    lang = lang or detect_language(text)
    ct = normalise(text, lang)
    if not ct:
        raise LiaisonError(
            f"no {lang} letters in the ciphertext (digits need --cipher two_digit_additive)"
        )
    if len(ct) > MAX_LETTERS:
        raise LiaisonError(f"ciphertext has {len(ct)} letters; the limit is {MAX_LETTERS}")
    names = [cipher] if cipher else ["vigenere"]
    if not cipher and ioc(ct) >= 0.6 * lang_ioc(lang) + 0.4 / len(alphabet(lang)):
        names = ["caesar", "affine", "substitution"]  # monoalphabetic: letter statistics survive
    for nm in names:
        if nm not in SOLVERS:
            raise LiaisonError(f"no solver for cipher {nm!r} yet; available: {', '.join(SOLVERS)}")
    best: Solution | None = None
    for nm in names:
        if time.monotonic() - start > budget:
            break
        if nm == "substitution":
            if best is not None and best.confidence >= 0.9:
                break  # Caesar/affine already certain
            left = budget - (time.monotonic() - start)
            sol = crack_substitution(ct, lang, budget=max(0.1, left * 0.9))
        else:
            sol = SOLVERS[nm](ct, lang)
        if best is None or sol.confidence > best.confidence:
            best = sol
    assert best is not None
    return best
