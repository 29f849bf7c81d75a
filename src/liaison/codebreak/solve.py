"""Solvers with a time budget: Caesar, affine and Vigenère by chi² against letter frequencies.

This is the first increment: n-gram models and substitution/transposition search are not yet built.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from math import gcd

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


def crack_caesar(ct: str, lang: str) -> Solution:
    a = alphabet(lang)
    scored = sorted((chi2(ciphers.caesar(ct, s, lang, True), lang), s) for s in range(len(a)))
    (b, s), (b2, _) = scored[0], scored[1]
    pt = ciphers.caesar(ct, s, lang, True)
    return Solution("caesar", lang, s, pt, round(-b, 4), _confidence(b, b2, len(ct)))


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
    a = alphabet(lang)
    p = _period(ct, lang, max_period)
    key = ""
    margins = []
    for col in range(p):
        c = ct[col::p]
        sc = sorted((chi2(ciphers.caesar(c, sh, lang, True), lang), sh) for sh in range(len(a)))
        key += a[sc[0][1]]
        margins.append(_confidence(sc[0][0], sc[1][0], len(c) * 2))
    pt = ciphers.vigenere(ct, key, lang, True)
    conf = round(min(margins), 3)
    return Solution("vigenere", lang, key, pt, round(-chi2(pt, lang), 4), conf)


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
