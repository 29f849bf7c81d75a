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
    """Column read-out order: columns sorted by key letter (case-blind), ties left to right.

    Letters are upper-cased one by one, keeping the key's length: str.upper would turn ß into SS
    and so add a column (ß and ẞ sort as one letter, as in `normalise`)."""
    up = ["ß" if ch in "ßẞ" else ch.upper() if len(ch.upper()) == 1 else ch for ch in key]
    return sorted(range(len(up)), key=lambda i: (up[i], i))


def columnar(text: str, key: str, lang: str, decrypt: bool = False) -> str:
    """Irregular columnar transposition (last row may be short); complete when len % width == 0."""
    t = normalise(text, lang)
    w = len(key)
    if w < 2:
        raise LiaisonError("columnar key needs at least 2 letters")
    order = _order(key)
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


def mixed_alphabet(keyword: str, lang: str) -> str:
    """Keyword-mixed alphabet: the keyword's letters (first occurrence) then the rest in order."""
    a = alphabet(lang)
    seen: list[str] = []
    for c in normalise(keyword, lang) + a:
        if c not in seen:
            seen.append(c)
    return "".join(seen)


def keyed_vigenere(text: str, key: str, alpha_key: str, lang: str, decrypt: bool = False) -> str:
    """Vigenère over a keyword-mixed alphabet (both the plain and the cipher alphabet mixed)."""
    m = mixed_alphabet(alpha_key, lang)
    n = len(m)
    k = [m.index(c) for c in normalise(key, lang)]
    if not k:
        raise LiaisonError("empty Vigenère key")
    sign = -1 if decrypt else 1
    return "".join(
        m[(m.index(c) + sign * k[i % len(k)]) % n] for i, c in enumerate(normalise(text, lang))
    )


def beaufort(text: str, key: str, lang: str, decrypt: bool = False) -> str:
    """Beaufort (cipher = key − plain); its own inverse."""
    return vigenere(text, key, lang, decrypt, beaufort=True)


def _board(key: str, blanks: str, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """Straddling checkerboard: top row of 10 − b letters, b blank columns prefix two-digit rows."""
    a = alphabet(lang)
    mixed = mixed_alphabet(key, lang)
    b = [int(d) for d in blanks if d.isdigit()]
    if len(set(b)) != len(b) or not b:
        raise LiaisonError("checkerboard blanks must be distinct digits, e.g. 26")
    if (10 - len(b)) + 10 * len(b) < len(a):
        raise LiaisonError(f"{len(b)} blank digits are too few for {len(a)} letters; use {3}")
    enc: dict[str, str] = {}
    it = iter(mixed)
    for d in range(10):
        if d not in b:
            c = next(it, None)
            if c is not None:
                enc[c] = str(d)
    for row in b:
        for d in range(10):
            c = next(it, None)
            if c is not None:
                enc[c] = f"{row}{d}"
    return enc, {v: k for k, v in enc.items()}


def checkerboard(text: str, key: str, blanks: str, lang: str, decrypt: bool = False) -> str:
    """Straddling checkerboard over a keyword-mixed alphabet; `blanks` are the row digits."""
    enc, dec = _board(key, blanks, lang)
    if not decrypt:
        return "".join(enc[c] for c in normalise(text, lang))
    rows = {int(d) for d in blanks if d.isdigit()}
    digits = [c for c in text if c.isdigit()]
    out, i = [], 0
    while i < len(digits):
        d = digits[i]
        if int(d) in rows:
            if i + 1 >= len(digits):
                raise LiaisonError(f"checkerboard text ends inside a two-digit code at digit {i}")
            d += digits[i + 1]
            i += 1
        if d not in dec:
            raise LiaisonError(f"code {d} at digit {i} is not on the board")
        out.append(dec[d])
        i += 1
    return "".join(out)


def add_digits(a: str, b: str) -> str:
    """Digit-by-digit addition without carry (the period's 'false addition')."""
    return "".join(str((int(x) + int(y)) % 10) for x, y in zip(a, b, strict=True))


def sub_digits(a: str, b: str) -> str:
    return "".join(str((int(x) - int(y)) % 10) for x, y in zip(a, b, strict=True))


def keyword_table(keyword: str, lang: str) -> str:
    """A secret two-digit table from a keyword, as codes in alphabet order (2 digits per letter).

    The keyword-mixed alphabet is written in rows of ten; column i is labelled with the rank of
    the i-th letter of the keyword (repeats kept, ties left to right, padded with the alphabet)
    and the rows take those labels from the end, so neither the codes' order nor their digits
    follow the alphabet."""
    a = alphabet(lang)
    mixed = mixed_alphabet(keyword, lang)
    order = _order((normalise(keyword, lang) + a)[:10])
    ranks = [0] * 10
    for r, c in enumerate(order):
        ranks[c] = r
    rows = ranks[::-1]
    code = {ch: f"{rows[i // 10]}{ranks[i % 10]}" for i, ch in enumerate(mixed)}
    return "".join(code[ch] for ch in a)


def random_table(lang: str, seed: int | str, spread: str = "all") -> str:
    """A random secret table (codes in alphabet order): distinct codes drawn from 00–99, or from
    10–99 with spread="high" (no leading zero, as some period tables avoided)."""
    import random

    low = {"all": 0, "high": 10}.get(spread)
    if low is None:
        raise LiaisonError(f"table spread must be 'all' or 'high', got {spread!r}")
    codes = random.Random(f"table/{lang}/{seed}").sample(range(low, 100), len(alphabet(lang)))
    return "".join(f"{c:02d}" for c in codes)


def table_codes(table: str, lang: str) -> list[str]:
    """A table key → the code of each letter in alphabet order. Digits are the codes themselves
    (two per letter, in alphabet order, spaces allowed); letters are a keyword (`keyword_table`)."""
    a = alphabet(lang)
    if any(c.isdigit() for c in table):
        digits = "".join(table.split())
        if not digits.isdigit() or len(digits) != 2 * len(a):
            raise LiaisonError(
                f"a {lang} code table needs {2 * len(a)} digits (one two-digit code per letter, in "
                f"alphabet order) or a keyword; got {len(digits)} characters"
            )
        codes = [digits[i : i + 2] for i in range(0, len(digits), 2)]
        if len(set(codes)) != len(codes):
            dup = next(c for c in codes if codes.count(c) > 1)
            raise LiaisonError(f"code table gives {dup} to more than one letter")
        return codes
    if not normalise(table, lang):
        raise LiaisonError(f"code table keyword has no {lang} letters")
    t = keyword_table(table, lang)
    return [t[i : i + 2] for i in range(0, len(t), 2)]


def two_digit_table(text: str, table: str, additive: str, lang: str, decrypt: bool = False) -> str:
    """Letters → two-digit codes from a secret `table` (see `table_codes`), then non-carrying
    addition of a periodic additive — the general «дивизия» system; `two_digit_additive` is the
    case of the table 10 + letter index."""
    a = alphabet(lang)
    codes = table_codes(table, lang)
    add = [int(d) for d in additive if d.isdigit()]
    if not add:
        raise LiaisonError("additive needs digits")
    if not decrypt:
        digits = "".join(codes[a.index(c)] for c in normalise(text, lang))
        return "".join(str((int(d) + add[i % len(add)]) % 10) for i, d in enumerate(digits))
    digits = [c for c in text if c.isdigit()]
    if len(digits) % 2:
        raise LiaisonError("two-digit ciphertext has an odd number of digits")
    plain = "".join(str((int(d) - add[i % len(add)]) % 10) for i, d in enumerate(digits))
    letter = dict(zip(codes, a, strict=True))
    out = []
    for i in range(0, len(plain), 2):
        ch = letter.get(plain[i : i + 2])
        if ch is None:
            raise LiaisonError(f"code group {plain[i : i + 2]} at digit {i} is not in the table")
        out.append(ch)
    return "".join(out)
