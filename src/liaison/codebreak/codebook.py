"""A one-part codebook of four-digit groups under a periodic additive, and the depth attack.

The book is generated from a seed over the language's commonest words (a stand-in for a captured
book; nothing derived from wordfreq is stored). Words not in the book are spelt with letter groups.
Every language's book draws its groups from the same seeded sequence, so all four books hold the
same groups in the same order (letters first): only group frequencies tell the language apart.
Enciphering adds a repeating sequence of four-digit additive groups without carry. Given several
messages enciphered from the same additive position (in depth) and the book, `strip` recovers each
additive group as the one that makes the column's groups decode to the likeliest words.

Traffic under one long additive at unknown starting points — alignment into depths, stripping
without the book up to one group constant, fixing it by a crib or a (partial) book, and the
known-book solve that `crack --cipher codebook` uses — is in `depth.py`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from liaison.codebreak.alphabets import alphabet, normalise
from liaison.codebreak.ciphers import add_digits, sub_digits
from liaison.core.errors import LiaisonError

BOOK_WORDS = 3000


@dataclass(frozen=True)
class Book:
    code: dict[str, str]  # word or single letter → 4-digit group
    word: dict[str, str]  # group → word
    logf: np.ndarray  # log-frequency of each of the 10,000 groups (−30 where unused)


@lru_cache(maxsize=8)
def book(lang: str, seed: int = 1920) -> Book:
    from wordfreq import top_n_list, word_frequency

    a = alphabet(lang)
    words = []
    for w in top_n_list(lang, BOOK_WORDS * 2):
        n = normalise(w, lang)
        if len(n) > 1 and n not in words and len(n) == len(w):
            words.append(n)
        if len(words) >= BOOK_WORDS:
            break
    entries = list(a) + words
    groups = random.Random(seed).sample(range(10_000), len(entries))
    code = {e: f"{g:04d}" for e, g in zip(entries, groups, strict=True)}
    logf = np.full(10_000, -30.0)
    for e, g in zip(entries, groups, strict=True):
        f = word_frequency(e.lower(), lang) if len(e) > 1 else 1e-4
        logf[g] = np.log(max(f, 1e-8))
    return Book(code, {v: k for k, v in code.items()}, logf)


def _groups(text: str) -> list[str]:
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) % 4:
        raise LiaisonError(f"codebook text has {len(digits)} digits, not a multiple of 4")
    return [digits[i : i + 4] for i in range(0, len(digits), 4)]


def _additive(additive: str) -> list[str]:
    g = _groups(additive)
    if not g:
        raise LiaisonError("additive needs at least one four-digit group")
    return g


def encode(text: str, lang: str) -> list[str]:
    bk = book(lang)
    out: list[str] = []
    for w in text.split():
        n = normalise(w, lang)
        if not n:
            continue
        out.extend([bk.code[n]] if n in bk.code else [bk.code[c] for c in n])
    return out


def encrypt(text: str, additive: str, lang: str) -> str:
    add = _additive(additive)
    groups = encode(text, lang)
    return " ".join(add_digits(g, add[i % len(add)]) for i, g in enumerate(groups))


def decode(groups: list[str], lang: str) -> str:
    bk = book(lang)
    return " ".join(bk.word.get(g, f"[{g}]") for g in groups)


def decrypt(text: str, additive: str, lang: str) -> str:
    add = _additive(additive)
    return decode([sub_digits(g, add[i % len(add)]) for i, g in enumerate(_groups(text))], lang)


def strip(messages: list[str], lang: str) -> list[str]:
    """Recover the additive groups of messages in depth (same additive from the same start) with a
    known book: for each column the additive whose stripped groups are jointly likeliest."""
    bk = book(lang)
    rows = [_groups(m) for m in messages]
    width = max(len(r) for r in rows)
    cand = np.arange(10_000)
    digits = np.stack([(cand // 10**k) % 10 for k in (3, 2, 1, 0)], axis=1)
    out = []
    for j in range(width):
        col = [r[j] for r in rows if j < len(r)]
        total = np.zeros(10_000)
        for g in col:
            gd = np.array([int(c) for c in g])
            plain = (gd[None, :] - digits) % 10
            idx = ((plain[:, 0] * 10 + plain[:, 1]) * 10 + plain[:, 2]) * 10 + plain[:, 3]
            total += bk.logf[idx]
        out.append(f"{int(np.argmax(total)):04d}")
    return out
