"""Ciphers looked up by name, with keys as plain values: one door for intercepts and the school.

The functions in ``ciphers`` share one shape — ``f(text, *key_params, lang, decrypt=False)`` — so a
cipher added there later is usable here by its name without a change: key parameters are read from
the signature (an ``int`` parameter takes a number, anything else text). ``beaufort`` is Vigenère
with the Beaufort tableau. Random keys for exercises follow the same rule, with a few ciphers whose
keys have structure (a permuted alphabet, digits) generated properly.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable
from typing import Any

from liaison.codebreak import ciphers
from liaison.codebreak.alphabets import alphabet, language_of, normalise
from liaison.core.errors import LiaisonError, ValidationError

ALIASES: dict[str, tuple[str, dict[str, Any]]] = {"beaufort": ("vigenere", {"beaufort": True})}

#: Keywords for keyed alphabets, Vigenère and transposition keys (period-plausible words).
KEYWORDS: dict[str, list[str]] = {
    "ru": ["ВИСЛА", "ЗАРЯ", "КРЕПОСТЬ", "ГРАНИЦА", "СТЕПЬ", "БУРЯ", "МОСКВА", "ПОБЕДА", "ВЕТЕР"],
    "pl": ["WISŁA", "ORZEŁ", "GRANICA", "KRAKÓW", "BURZA", "ZWYCIĘSTWO", "WARTA", "ŚWIT"],
    "de": ["WEICHSEL", "ADLER", "GRENZE", "STURM", "FESTUNG", "MORGEN", "SIEG", "WINTER"],
    "en": ["VISTULA", "EAGLE", "FRONTIER", "STORM", "FORTRESS", "DAWN", "VICTORY", "WINTER"],
}


def _resolve(name: str) -> tuple[Callable[..., str], dict[str, Any]]:
    base, extra = ALIASES.get(name, (name, {}))
    fn = getattr(ciphers, base, None)
    if name.startswith("_") or not callable(fn) or not key_params(fn):
        raise ValidationError(f"unknown cipher {name!r}; use one of {', '.join(names())}")
    return fn, extra


def key_params(fn: Callable[..., str]) -> list[inspect.Parameter]:
    """The key parameters of a cipher function: those between ``text`` and ``lang``."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return []
    if len(params) < 3 or params[0].name != "text":
        return []
    names_ = [p.name for p in params]
    if "lang" not in names_ or "decrypt" not in names_:
        return []
    return params[1 : names_.index("lang")]


def names() -> list[str]:
    """Every cipher ``ciphers`` offers (encrypt and decrypt), plus the aliases."""
    found = [
        n
        for n, fn in vars(ciphers).items()
        if not n.startswith("_")
        and inspect.isfunction(fn)
        and fn.__module__ == ciphers.__name__
        and key_params(fn)
    ]
    return sorted(set(found) | {a for a, (b, _) in ALIASES.items() if b in found})


def _is_int(p: inspect.Parameter) -> bool:
    ann = p.annotation
    return ann is int or ann == "int"


def parse_key(name: str, key: Any) -> list[Any]:
    """A key as given (text like ``3``, ``5,7``, ``KEYWORD``, ``A,B`` or a JSON list) → arguments."""
    fn, _ = _resolve(name)
    params = key_params(fn)
    if isinstance(key, (list, tuple)):
        parts = list(key)
    elif len(params) == 1:
        parts = [key]
    else:
        parts = [s.strip() for s in str(key).split(",")]
    if len(parts) != len(params):
        want = ",".join(p.name for p in params)
        raise ValidationError(f"{name} key needs {len(params)} part(s) ({want}), got {key!r}")
    out: list[Any] = []
    for p, v in zip(params, parts, strict=True):
        if _is_int(p):
            try:
                out.append(int(v))
            except (TypeError, ValueError):
                raise ValidationError(
                    f"{name} key part {p.name} must be a number, got {v!r}"
                ) from None
        else:
            s = str(v).strip()
            if not s:
                raise ValidationError(f"{name} key part {p.name} is empty")
            out.append(s)
    return out


def apply(name: str, text: str, key: Any, lang: str, decrypt: bool = False) -> str:
    """Encrypt or decrypt ``text`` with the named cipher; any key or cipher error → ValidationError."""
    alphabet(lang)
    fn, extra = _resolve(name)
    args = parse_key(name, key)
    try:
        return fn(text, *args, lang=lang, decrypt=decrypt, **extra)
    except LiaisonError as exc:
        raise ValidationError(f"{name}: {exc}") from None
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(f"{name}: key {key!r} does not fit this text ({exc})") from None


def _keyword(lang: str, rng: random.Random, length: int) -> str:
    """A keyword of exactly ``length`` letters: a period word, padded or cut."""
    # ß upper-cases to SS, which would change a transposition key's width: pad without it
    pad = [c for c in alphabet(lang) if c.upper() == c]
    w = normalise(rng.choice(KEYWORDS[language_of(lang)]), lang)
    while len(w) < length:
        w += rng.choice(pad)
    return w[:length]


def _keyed_alphabet(lang: str, rng: random.Random) -> str:
    """Keyword first (repeats dropped), then the rest of the alphabet: the classic mixed alphabet."""
    a = alphabet(lang)
    seen: list[str] = []
    for ch in normalise(rng.choice(KEYWORDS[language_of(lang)]), lang) + a:
        if ch not in seen:
            seen.append(ch)
    return "".join(seen)


def random_key(name: str, lang: str, difficulty: int, rng: random.Random) -> list[Any]:
    """A key for an exercise; ``difficulty`` 1–5 lengthens periods and widths, mixes alphabets."""
    fn, _ = _resolve(name)
    a = alphabet(lang)
    n = len(a)
    base = ALIASES.get(name, (name, {}))[0]
    if base == "substitution":
        if difficulty <= 2:
            return [_keyed_alphabet(lang, rng)]
        perm = list(a)
        rng.shuffle(perm)
        return ["".join(perm)]
    if base == "affine":
        mul = rng.choice([m for m in range(3, n) if _coprime(m, n)])
        return [mul, rng.randrange(n)]
    if base == "caesar":
        return [rng.randrange(1, n)]
    if base in ("vigenere",):
        return [_keyword(lang, rng, 2 + difficulty)]
    if base == "columnar":
        return [_keyword(lang, rng, 4 + difficulty)]
    if base == "double_columnar":
        return [_keyword(lang, rng, 3 + difficulty), _keyword(lang, rng, 4 + difficulty)]
    if base == "checkerboard":
        # fewest blank rows that hold the alphabet: 2 for 26–28 letters, 3 for 30–32
        rows = 2 if n <= 8 + 20 else 3
        blanks = "".join(str(d) for d in sorted(rng.sample(range(10), rows)))
        return [_keyword(lang, rng, 3 + difficulty), blanks]
    if base == "keyed_vigenere":
        return [_keyword(lang, rng, 2 + difficulty), rng.choice(KEYWORDS[language_of(lang)])]
    if base == "two_digit_table":  # a keyword table and additive digits
        digits = "".join(str(rng.randrange(10)) for _ in range(3 + difficulty))
        return [_keyword(lang, rng, 3 + difficulty), digits]
    if "additive" in base:
        return ["".join(str(rng.randrange(10)) for _ in range(3 + difficulty))]
    # a cipher added later: numbers for int parameters, keywords for the rest
    out: list[Any] = []
    for p in key_params(fn):
        out.append(rng.randrange(1, n) if _is_int(p) else _keyword(lang, rng, 3 + difficulty))
    return out


def _coprime(a: int, b: int) -> bool:
    from math import gcd

    return gcd(a, b) == 1


def key_text(key: list[Any]) -> str:
    """A key as the CLI prints and reads it back (``5,7``, ``KEYWORD``)."""
    return ",".join(str(k) for k in key)
