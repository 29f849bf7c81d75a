"""Classical ciphers, encrypt and decrypt, over a language alphabet (letters only, no spacing)."""

from __future__ import annotations

from math import gcd

from liaison.codebreak.alphabets import alphabet, normalise
from liaison.core.errors import LiaisonError


def caesar(text: str, shift: int, lang: str, decrypt: bool = False) -> str:
    a = alphabet(lang)
    n = len(a)
    s = -shift if decrypt else shift
    return "".join(a[(a.index(c) + s) % n] for c in normalise(text, lang))


def affine(text: str, mul: int, add: int, lang: str, decrypt: bool = False) -> str:
    a = alphabet(lang)
    n = len(a)
    if gcd(mul, n) != 1:
        raise LiaisonError(f"affine multiplier {mul} is not coprime with alphabet size {n}")
    if decrypt:
        inv = pow(mul, -1, n)
        return "".join(a[(inv * (a.index(c) - add)) % n] for c in normalise(text, lang))
    return "".join(a[(mul * a.index(c) + add) % n] for c in normalise(text, lang))


def substitution(text: str, key: str, lang: str, decrypt: bool = False) -> str:
    """`key` is the cipher alphabet: plain letter i → key[i]."""
    a = alphabet(lang)
    key = normalise(key, lang)
    if sorted(key) != sorted(a):
        raise LiaisonError(f"substitution key must be a permutation of the {lang} alphabet")
    table = dict(zip(key, a, strict=True)) if decrypt else dict(zip(a, key, strict=True))
    return "".join(table[c] for c in normalise(text, lang))


def vigenere(text: str, key: str, lang: str, decrypt: bool = False, beaufort: bool = False) -> str:
    a = alphabet(lang)
    n = len(a)
    k = [a.index(c) for c in normalise(key, lang)]
    if not k:
        raise LiaisonError("empty Vigenère key")
    out = []
    for i, c in enumerate(normalise(text, lang)):
        p, s = a.index(c), k[i % len(k)]
        if beaufort:
            out.append(a[(s - p) % n])  # Beaufort is its own inverse
        else:
            out.append(a[(p - s) % n] if decrypt else a[(p + s) % n])
    return "".join(out)


def _order(key: str) -> list[int]:
    """Column read-out order: columns sorted by key letter, ties left to right."""
    return sorted(range(len(key)), key=lambda i: (key[i], i))


def columnar(text: str, key: str, lang: str, decrypt: bool = False) -> str:
    """Irregular columnar transposition (last row may be short); complete when len % width == 0."""
    t = normalise(text, lang)
    w = len(key)
    if w < 2:
        raise LiaisonError("columnar key needs at least 2 letters")
    order = _order(key.upper())
    n = len(t)
    rows, extra = divmod(n, w)
    heights = [rows + (1 if c < extra else 0) for c in range(w)]
    if not decrypt:
        return "".join(t[c::w] for c in order)
    cols: dict[int, str] = {}
    pos = 0
    for c in order:
        cols[c] = t[pos : pos + heights[c]]
        pos += heights[c]
    return "".join(cols[i % w][i // w] for i in range(n))


def double_columnar(text: str, key1: str, key2: str, lang: str, decrypt: bool = False) -> str:
    if decrypt:
        return columnar(columnar(text, key2, lang, True), key1, lang, True)
    return columnar(columnar(text, key1, lang), key2, lang)


def two_digit_additive(text: str, additive: str, lang: str, decrypt: bool = False) -> str:
    """Letters → two-digit codes (position+10), then non-carrying addition of a periodic additive."""
    a = alphabet(lang)
    add = [int(d) for d in additive if d.isdigit()]
    if not add:
        raise LiaisonError("additive needs digits")
    if not decrypt:
        digits = "".join(f"{a.index(c) + 10:02d}" for c in normalise(text, lang))
        return "".join(str((int(d) + add[i % len(add)]) % 10) for i, d in enumerate(digits))
    digits = [c for c in text if c.isdigit()]
    if len(digits) % 2:
        raise LiaisonError("two-digit ciphertext has an odd number of digits")
    plain = "".join(str((int(d) - add[i % len(add)]) % 10) for i, d in enumerate(digits))
    out = []
    for i in range(0, len(plain), 2):
        code = int(plain[i : i + 2]) - 10
        if not 0 <= code < len(a):
            raise LiaisonError(f"code group {plain[i : i + 2]} at digit {i} is not a letter")
        out.append(a[code])
    return "".join(out)
