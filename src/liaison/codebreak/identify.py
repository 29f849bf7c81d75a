"""Identify the cipher family and language from the ciphertext alone.

Signals: which alphabet the symbols come from (Cyrillic → ru; Polish or German diacritics), digits
and their grouping (four-digit groups → codebook; an even run of digits → two-digit codes under an
additive; any run long enough may be a straddling checkerboard, the only choice for an odd
count), the index of coincidence (a monoalphabetic cipher or a transposition keeps the
language's; a polyalphabetic one flattens it), and for letters with the language's IoC whether the
letter frequencies themselves fit the language (transposition) or only their shape does
(substitution family).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from liaison.codebreak.alphabets import ALPHABETS, FREQ, alphabet, normalise
from liaison.core.errors import LiaisonError

MIXED_SHARE = 0.15  # a second alphabet above this share of the letters is "mixed alphabets"
CHECKERBOARD_MIN_DIGITS = 20  # fewer digits are not worth a checkerboard solve (checkerboard.py)


@dataclass
class Identification:
    kind: str  # "letters" or "digits"
    languages: list[str]
    ciphers: list[str]  # most likely first
    stats: dict[str, float] = field(default_factory=dict)


def ioc(text: str) -> float:
    n = len(text)
    if n < 2:
        return 0.0
    counts: dict[str, int] = {}
    for c in text:
        counts[c] = counts.get(c, 0) + 1
    return sum(v * (v - 1) for v in counts.values()) / (n * (n - 1))


def lang_ioc(lang: str) -> float:
    f = FREQ[lang]
    t = sum(f.values())
    return sum((v / t) ** 2 for v in f.values())


def chi2(text: str, lang: str) -> float:
    """Chi² distance of the text's letter counts from the language's, per letter (lower = closer)."""
    n = len(text) or 1
    freq = FREQ[lang]
    total = sum(freq.values())
    s = 0.0
    for ch in alphabet(lang):
        exp = n * freq.get(ch, 0.01) / total
        s += (text.count(ch) - exp) ** 2 / max(exp, 1e-3)
    return s / n


def _languages(text: str) -> list[str]:
    """Candidate languages by alphabet; raises on no letters or on a real mix of scripts."""
    up = text.upper()
    cyr = sum(ch in ALPHABETS["ru"] for ch in up)
    lat = sum(ch in ALPHABETS["en"] or ch in ALPHABETS["pl"] or ch in ALPHABETS["de"] for ch in up)
    if cyr + lat == 0:
        raise LiaisonError("no letters of any supported alphabet (ru, pl, de, en) in the input")
    if min(cyr, lat) > MIXED_SHARE * (cyr + lat):
        raise LiaisonError(
            f"mixed alphabets: {cyr} Cyrillic and {lat} Latin letters; "
            "pass --lang to say which alphabet the ciphertext is in"
        )
    if cyr > lat:
        return ["ru"]
    pl_only = set("ĄĆĘŁŃÓŚŹŻ")
    de_only = set("ÄÖÜß")
    if any(ch in pl_only for ch in up):
        return ["pl"]
    if any(ch in de_only for ch in up) or "ẞ" in up:
        return ["de"]
    return ["en", "de", "pl"]  # plain ASCII: any Latin language; the solvers decide


def identify(text: str, lang: str | None = None) -> Identification:
    if not text.strip():
        raise LiaisonError("empty ciphertext")
    digits = sum(c.isdigit() for c in text)
    letters = sum(c.isalpha() for c in text)
    if digits and digits >= 4 * letters:
        groups = re.findall(r"\d+", text)
        four = sum(len(g) == 4 for g in groups)
        langs = [lang] if lang else ["ru", "en", "de", "pl"]
        if groups and four >= 0.9 * len(groups) and len(groups) >= 2:
            names = ["codebook", "two_digit_additive"] if digits % 2 == 0 else ["codebook"]
        else:
            names = ["two_digit_additive"]
        # a straddling checkerboard's one- and two-digit codes make a stream of any length
        if digits >= CHECKERBOARD_MIN_DIGITS:
            names.append("checkerboard")
        if digits % 2:
            names = [n for n in names if n != "two_digit_additive"]
            if not names:
                raise LiaisonError(
                    f"{digits} digits: an odd count fits neither two-digit codes nor code groups "
                    f"(and is too short for a straddling checkerboard)"
                )
        if "two_digit_additive" in names:  # the known table first, then a secret one
            names.insert(names.index("two_digit_additive") + 1, "two_digit_table")
        return Identification("digits", langs, names, {"digits": digits})
    langs = [lang] if lang else _languages(text)
    ct = normalise(text, langs[0])
    if not ct:
        raise LiaisonError(
            f"no {langs[0]} letters in the ciphertext (digit groups need --cipher two_digit_additive)"
        )
    ic = ioc(ct)
    mono_line = 0.6 * lang_ioc(langs[0]) + 0.4 / len(alphabet(langs[0]))
    stats = {"ioc": round(ic, 4), "language_ioc": round(lang_ioc(langs[0]), 4)}
    if len(ct) < 12 or ic >= mono_line:
        x2 = min(chi2(normalise(text, lg), lg) for lg in langs)
        stats["chi2"] = round(x2, 3)
        if x2 < 0.35:  # the plain letters themselves: a transposition (or plaintext)
            names = ["columnar", "double_columnar", "caesar", "affine", "substitution"]
        else:
            names = ["caesar", "affine", "substitution", "columnar"]
    else:  # Caesar is cheap and sure; a keyed alphabet only when plain Vigenère fails
        names = ["caesar", "vigenere", "beaufort", "keyed_vigenere", "substitution"]
    return Identification("letters", langs, names, stats)
