"""Word-segmentation scores for short texts that may start and end mid-word.

A Caesar or affine key on an 8-letter intercept leaves a few n-gram-plausible candidates; what
tells the real one is that it splits into dictionary words. An intercept is cut wherever the
message was cut, so its first letters are usually the *end* of a word and its last ones the
*start* of one: the segmentation here credits a leading stretch with log P(a word ends with it)
(a trie of the reversed words, each node carrying the mass of the words below it) and a trailing
stretch with log P(a word starts with it) (the forward trie's node masses).

The words are wordfreq's list for the language folded to the alphabet as `model.word_frequencies` folds
them, but N_WORDS of them rather than the n-gram model's 100,000: Russian and Polish inflect, and
a real 8-letter stretch is often the tail or head of a form the shorter list lacks. Both tries are
built once per alphabet (a few seconds) and cached under the models' directory (wordfreq's data is
CC BY-SA, so nothing derived is committed).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from liaison.codebreak import model
from liaison.codebreak.alphabets import alphabet

VERSION = 1
N_WORDS = 300_000
UNK = -5.0  # log-cost of a letter outside any word (as substitution.UNK)
MAX_SUFFIX = 12  # longest word end credited at the start of a text
NEG = -1e30


@dataclass(frozen=True)
class Lexicon:
    """Two tries over the same words, stored sparse (a dense node × letter table of 300,000
    words took 130 MB per alphabet): node i's edges are off[i]:off[i+1] of `letter` (ascending)
    and `child`. logp[node] < 0 where a word ends (+1 elsewhere), prefix[node] = log P(a word
    starts with the path's letters); the r… arrays are the reversed words' trie, rmass[node] =
    log P(a word ends with the path's letters, read backwards)."""

    off: np.ndarray
    letter: np.ndarray
    child: np.ndarray
    logp: np.ndarray
    prefix: np.ndarray
    roff: np.ndarray
    rletter: np.ndarray
    rchild: np.ndarray
    rmass: np.ndarray

    @classmethod
    def from_arrays(cls, z: dict[str, np.ndarray]) -> Lexicon:
        return cls(*(z[f] for f in cls.__dataclass_fields__))


def _words(lang: str, n_words: int) -> tuple[list[str], np.ndarray]:
    """The commonest n_words words folded to the alphabet as the n-gram model folds them (no
    older variant endings), with their probabilities."""
    pairs = model.word_frequencies(lang, n_words, variants=False)
    p = np.array([f for _, f in pairs], dtype=np.float64)
    return [w for w, _ in pairs], p / p.sum()


def build(lang: str, n_words: int = N_WORDS) -> dict[str, np.ndarray]:
    """Both tries of `lang` as arrays (see Lexicon). Words are inserted in sorted order, so each
    shares its path with the previous one up to their common prefix and the tries grow as edge
    lists (a dense node × letter table while building took over a gigabyte)."""
    a = alphabet(lang)
    lut = {c: i for i, c in enumerate(a)}
    words, p = _words(lang, n_words)
    out: dict[str, np.ndarray] = {}
    for name, rev, cap in (("", False, model.MAX_WORD), ("r", True, MAX_SUFFIX)):
        keys = [(w[::-1] if rev else w)[:cap] for w in words]
        order = sorted(range(len(words)), key=keys.__getitem__)
        flat = np.fromiter((lut[c] for i in order for c in keys[i]), dtype=np.int8)
        lens = np.array([len(keys[i]) for i in order], dtype=np.int64)
        whole = np.array([len(words[i]) <= cap for i in order], dtype=np.bool_)
        size = 1 + int(lens.sum())
        parent = np.zeros(size, dtype=np.int32)
        letter = np.zeros(size, dtype=np.int8)
        mass = np.zeros(size, dtype=np.float64)
        end = np.zeros(size, dtype=np.float64)
        used = _insert_sorted(flat, lens, whole, p[order], parent, letter, mass, end, cap)
        edges = np.lexsort((letter[1:used], parent[1:used])) + 1  # by parent, then letter
        off = np.concatenate(([0], np.cumsum(np.bincount(parent[edges], minlength=used))))
        out[name + "off"] = off.astype(np.int32)
        out[name + "letter"] = letter[edges]
        out[name + "child"] = edges.astype(np.int32)
        lm = np.log(np.maximum(mass[:used], 1e-300)).astype(np.float32)
        out["rmass" if rev else "prefix"] = lm
        if not rev:
            logp = np.where(end[:used] > 0, np.log(np.maximum(end[:used], 1e-300)), 1.0)
            out["logp"] = logp.astype(np.float32)
    return out


@njit(cache=True)
def _insert_sorted(flat, lens, whole, probs, parent, letter, mass, end, cap):  # type: ignore[no-untyped-def]
    """Insert the sorted words (letter codes back to back in `flat`): a word reuses the previous
    one's nodes along their common prefix and adds new ones after it, recording each node's
    parent and letter; its probability goes to every node on its path (mass) and, when the word
    is whole (not cut at `cap`), to the node it ends on (end)."""
    path = np.zeros(cap + 1, dtype=np.int64)  # the previous word's nodes by depth
    prev = np.full(cap, -1, dtype=np.int64)
    prev_len = 0
    used = 1
    mass[0] = probs.sum()
    pos = 0
    for k in range(len(lens)):
        ln = lens[k]
        same = 0
        while same < ln and same < prev_len and prev[same] == flat[pos + same]:
            same += 1
        for d in range(same, ln):
            c = flat[pos + d]
            parent[used] = path[d]
            letter[used] = c
            path[d + 1] = used
            prev[d] = c
            used += 1
        prev_len = ln
        for d in range(1, ln + 1):
            mass[path[d]] += probs[k]
        if whole[k]:
            end[path[ln]] += probs[k]
        pos += ln
    return used


@lru_cache(maxsize=8)
def load(lang: str) -> Lexicon:
    """The lexicon of `lang`, built on first use and cached beside the language models."""
    alphabet(lang)
    path = model.cache_dir() / f"{lang}-lexicon-{N_WORDS}-v{VERSION}.npz"
    if path.is_file():
        z = dict(np.load(path))
    else:
        z = build(lang)
        model._atomic_save(path, **z)
    lex = Lexicon.from_arrays(z)
    score(np.zeros(2, dtype=np.int64), lex)  # compile the kernel now, not inside a solve's budget
    return lex


def score(
    codes: np.ndarray, lex: Lexicon, unk: float = UNK, word: float = 0.0, open_start: bool = True
) -> float:
    """Best segmentation of `codes` into words, open at both ends (see the module docstring;
    open_start=False: the text starts on a word); `unk` is charged per letter in no word, `word`
    added per whole word (a cost when negative)."""
    return float(
        _segment_open(
            codes, lex.off, lex.letter, lex.child, lex.logp, lex.prefix,
            lex.roff, lex.rletter, lex.rchild, lex.rmass,
            unk, word, MAX_SUFFIX if open_start else 0,
        )
    )  # fmt: skip


@njit(cache=True)
def _step(off, letter, child, node, c):  # type: ignore[no-untyped-def]
    """The child of `node` along letter c, or -1."""
    for e in range(off[node], off[node + 1]):
        if letter[e] == c:
            return child[e]
        if letter[e] > c:
            break
    return -1


@njit(cache=True)
def _segment_open(
    pt, off, letter, child, wlp, plp, roff, rletter, rchild, rmass, unk, word, max_suffix
):  # type: ignore[no-untyped-def]
    n = len(pt)
    best = np.full(n + 1, NEG)
    best[0] = 0.0
    # a leading stretch pt[:i] as the end of a word: walk the reversed trie along pt[i-1], …, pt[0]
    for i in range(1, min(n, max_suffix) + 1):
        node = 0
        for j in range(i - 1, -1, -1):
            node = _step(roff, rletter, rchild, node, pt[j])
            if node < 0:
                break
        if node >= 0 and rmass[node] > best[i]:
            best[i] = rmass[node]
    open_end = NEG  # a trailing stretch as the start of a word
    for i in range(n):
        b = best[i]
        if b <= NEG:
            continue
        if b + unk > best[i + 1]:
            best[i + 1] = b + unk
        node = 0
        for j in range(i, n):
            node = _step(off, letter, child, node, pt[j])
            if node < 0:
                break
            lp = wlp[node]
            if lp < 0.0 and b + lp + word > best[j + 1]:
                best[j + 1] = b + lp + word
            if j == n - 1 and b + plp[node] > open_end:
                open_end = b + plp[node]
    return max(best[n], open_end)
