"""The same report twice: reposts by MinHash over word shingles, translations by what survives
translation (the numbers, in order, and the facts extracted).

Corroboration must count independent reports, and the commonest false corroboration in open
sources is one report copied: a channel reposting a news item, an aggregator trimming it, a
foreign outlet translating it. Reposts share most of their word 3-grams, so a 128-permutation
MinHash with LSH banding finds them in near-linear time; a pair is a copy when its estimated
Jaccard is at least REPOST_JACCARD *and* its numbers agree in order (a channel's daily template
shares its words with yesterday's post, not its numbers). Translations share no words, but they
keep the report's numbers in the same order (unit numbers, dates, counts) and the same extracted
facts; two documents in different languages whose number sequences and fact sets agree are one
report. Clusters are the connected components of both links; the earliest document stands for
the cluster.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

PERMUTATIONS = 128
BANDS, ROWS = 32, 4  # LSH: pairs with Jaccard ≳ (1/32)^(1/4) ≈ 0.42 become candidates
REPOST_JACCARD = 0.6  # estimated word-3-gram Jaccard at or above which a pair is one report
TRANSLATION_NUMBERS = 0.8  # number-sequence similarity for a translation
TRANSLATION_FACTS = 0.5  # fact-set Jaccard for a translation
MIN_NUMBERS = 4  # too few numbers say nothing about a translation
MAX_NUMBERS = 200
_PRIME = (1 << 31) - 1
_rng = np.random.default_rng(20_1939)  # fixed: signatures are stored, so they must not change
_A = _rng.integers(1, _PRIME, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, size=PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+")


def shingles(text: str, k: int = 3) -> set[int]:
    """Hashed word k-grams of the lower-cased text (words only, punctuation and spacing ignored)."""
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {zlib.crc32(" ".join(words[i : i + k]).encode()) for i in range(len(words) - k + 1)}


def signature(text: str) -> list[int]:
    """A MinHash signature of the text's word 3-grams (PERMUTATIONS values below 2^31)."""
    sh = shingles(text)
    if not sh:
        return [_PRIME] * PERMUTATIONS
    x = np.fromiter((h % _PRIME for h in sh), dtype=np.uint64, count=len(sh))
    hashed = (_A[:, None] * x[None, :] + _B[:, None]) % _PRIME
    return [int(v) for v in hashed.min(axis=1)]


def numbers(text: str) -> list[str]:
    """The text's numbers in order (they survive translation), at most MAX_NUMBERS."""
    return _NUMBER.findall(text)[:MAX_NUMBERS]


def fingerprint(text: str) -> dict[str, object]:
    """What is stored beside a document for dedupe: its signature and its number sequence."""
    return {"v": 1, "sig": signature(text), "numbers": numbers(text)}


def jaccard_estimate(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b or len(a) != len(b):
        return 0.0
    same = sum(1 for x, y in zip(a, b, strict=True) if x == y and x != _PRIME)
    return same / len(a)


@dataclass
class Doc:
    """What dedupe needs of a document."""

    id: str
    order: tuple[object, ...]  # sort key: the earliest stands for its cluster
    language: str | None
    chars: int
    sig: list[int]
    numbers: list[str]
    facts: frozenset[tuple[object, ...]]


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _union(parent: dict[str, str], a: str, b: str) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[rb] = ra


def same_numbers(a: Doc, b: Doc, threshold: float = TRANSLATION_NUMBERS) -> bool:
    """A copy keeps the report's numbers (units, dates, counts) in order; a templated report of
    another day or unit shares the words but not the numbers, and is not a copy."""
    if not a.numbers and not b.numbers:
        return True
    return SequenceMatcher(None, a.numbers, b.numbers, autojunk=False).ratio() >= threshold


def is_translation(a: Doc, b: Doc) -> bool:
    """Different languages, similar length, the same numbers in the same order, the same facts."""
    if not a.language or not b.language or a.language == b.language:
        return False
    if min(a.chars, b.chars) * 2 < max(a.chars, b.chars):
        return False
    if min(len(a.numbers), len(b.numbers)) < MIN_NUMBERS:
        return False
    if not same_numbers(a, b):
        return False
    if not a.facts or not b.facts:
        return False
    return len(a.facts & b.facts) / len(a.facts | b.facts) >= TRANSLATION_FACTS


def clusters(docs: Iterable[Doc]) -> dict[str, str]:
    """Document id → the id of the document standing for its cluster (itself when alone)."""
    docs = sorted(docs, key=lambda d: d.order)
    parent = {d.id: d.id for d in docs}
    by_id = {d.id: d for d in docs}
    # reposts: LSH buckets, then the signature estimate decides
    buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)
    for d in docs:
        if len(d.sig) != PERMUTATIONS or d.sig[0] == _PRIME:
            continue
        arr = np.asarray(d.sig, dtype=np.uint32)
        for band in range(BANDS):
            buckets[(band, arr[band * ROWS : (band + 1) * ROWS].tobytes())].append(d.id)
    seen: set[tuple[str, str]] = set()
    for ids in buckets.values():
        if len(ids) < 2:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair in seen:
                    continue
                seen.add(pair)
                if jaccard_estimate(by_id[a].sig, by_id[b].sig) >= REPOST_JACCARD and same_numbers(
                    by_id[a], by_id[b]
                ):
                    _union(parent, a, b)
    # translations: documents sharing a fact are compared (a fact index keeps this sparse)
    by_fact: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for d in docs:
        for f in d.facts:
            by_fact[f].append(d.id)
    compared: set[tuple[str, str]] = set()
    for ids in by_fact.values():
        if len(ids) < 2 or len(ids) > 500:  # a fact in hundreds of documents is no fingerprint
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair in compared or _find(parent, a) == _find(parent, b):
                    continue
                compared.add(pair)
                if is_translation(by_id[a], by_id[b]):
                    _union(parent, a, b)
    # the earliest document of each cluster stands for it
    head: dict[str, str] = {}
    for d in docs:  # sorted: the first one seen per root is the earliest
        head.setdefault(_find(parent, d.id), d.id)
    return {d.id: head[_find(parent, d.id)] for d in docs}
