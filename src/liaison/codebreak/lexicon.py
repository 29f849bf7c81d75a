"""Word-segmentation scores for short texts that may start and end mid-word.

A Caesar or affine key on an 8-letter intercept leaves a few n-gram-plausible candidates; what
tells the real one is that it splits into dictionary words. An intercept is cut wherever the
message was cut, so its first letters are usually the *end* of a word and its last ones the
*start* of one: the segmentation here credits a leading stretch with log P(a word ends with it)
(a trie of the reversed words, each node carrying the mass of the words below it) and a trailing
stretch with log P(a word starts with it) (`model.prefixes`). Both tries come from `model.words`
(wordfreq's lists folded to the alphabet), so nothing is read but the cached word model; the
suffix trie is built once per alphabet (about a second) and cached beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from liaison.codebreak import model
from liaison.codebreak.alphabets import alphabet

VERSION = 1
UNK = -5.0  # log-cost of a letter outside any word (as substitution.UNK)
MAX_SUFFIX = 12  # longest word end credited at the start of a text
NEG = -1e30


@dataclass(frozen=True)
class Lexicon:
    """Forward trie (`model.Words`) with prefix masses, and the reversed-word trie with suffix
    masses: rchildren[node, letter] → child; rmass[node] = log P(a word ends with the letters on
    the path from the root, read backwards)."""

    children: np.ndarray
    logp: np.ndarray
    prefix: np.ndarray
    rchildren: np.ndarray
    rmass: np.ndarray


def _word_codes(children: np.ndarray, logp: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Every word of the trie as letter codes, with its log-probability."""
    nodes = children.shape[0]
    parent = np.full(nodes, -1, dtype=np.int64)
    letter = np.full(nodes, -1, dtype=np.int64)
    src, let = np.nonzero(children >= 0)
    dst = children[src, let]
    parent[dst] = src
    letter[dst] = let
    ends = np.nonzero(logp < 0)[0]
    words = []
    for e in ends.tolist():
        out = []
        node = e
        while node > 0:
            out.append(int(letter[node]))
            node = int(parent[node])
        words.append(np.array(out[::-1], dtype=np.int64))
    return words, logp[ends].astype(np.float64)


def build_suffixes(lang: str) -> tuple[np.ndarray, np.ndarray]:
    """The reversed-word trie of `model.words(lang)` and each node's log suffix mass."""
    wm = model.words(lang)
    n = len(alphabet(lang))
    words, lps = _word_codes(wm.children, wm.logp)
    cap = 1 + sum(min(len(w), MAX_SUFFIX) for w in words)
    children = np.full((cap, n), -1, dtype=np.int32)
    mass = np.zeros(cap, dtype=np.float64)
    used = _insert_reversed(words, np.exp(lps), children, mass)
    return children[:used].copy(), np.log(np.maximum(mass[:used], 1e-300)).astype(np.float32)


def _insert_reversed(
    words: list[np.ndarray], probs: np.ndarray, children: np.ndarray, mass: np.ndarray
) -> int:
    flat = np.concatenate(words) if words else np.zeros(0, dtype=np.int64)
    lens = np.array([len(w) for w in words], dtype=np.int64)
    return _insert_kernel(flat, lens, probs, children, mass, MAX_SUFFIX)


@njit(cache=True)
def _insert_kernel(flat, lens, probs, children, mass, max_suffix):  # type: ignore[no-untyped-def]
    used = 1
    pos = 0
    mass[0] = probs.sum()
    for k in range(len(lens)):
        ln = lens[k]
        node = 0
        for j in range(min(ln, max_suffix)):
            c = flat[pos + ln - 1 - j]
            nxt = children[node, c]
            if nxt < 0:
                nxt = used
                children[node, c] = nxt
                used += 1
            node = nxt
            mass[node] += probs[k]
        pos += ln
    return used


@lru_cache(maxsize=8)
def load(lang: str) -> Lexicon:
    """The lexicon of `lang`, its suffix trie built on first use and cached under the models."""
    wm = model.words(lang)
    path = model.cache_dir() / f"{lang}-suffix-v{model.VERSION}.{VERSION}.npz"
    if path.is_file():
        z = np.load(path)
        rch, rmass = z["children"], z["mass"]
    else:
        rch, rmass = build_suffixes(lang)
        model._atomic_save(path, children=rch, mass=rmass)
    lex = Lexicon(wm.children, wm.logp, model.prefixes(lang), rch, rmass)
    score(np.zeros(2, dtype=np.int64), lex)  # compile the kernel now, not inside a solve's budget
    return lex


def score(codes: np.ndarray, lex: Lexicon, unk: float = UNK, word: float = 0.0) -> float:
    """Best segmentation of `codes` into words, open at both ends (see the module docstring);
    `word` is added per whole word (a cost when negative)."""
    return float(
        _segment_open(codes, lex.children, lex.logp, lex.prefix, lex.rchildren, lex.rmass,
                      unk, word, MAX_SUFFIX)
    )  # fmt: skip


@njit(cache=True)
def _segment_open(pt, children, wlp, plp, rch, rmass, unk, word, max_suffix):  # type: ignore[no-untyped-def]
    n = len(pt)
    best = np.full(n + 1, NEG)
    best[0] = 0.0
    # a leading stretch pt[:i] as the end of a word: walk the reversed trie along pt[i-1], …, pt[0]
    for i in range(1, min(n, max_suffix) + 1):
        node = 0
        for j in range(i - 1, -1, -1):
            node = rch[node, pt[j]]
            if node < 0:
                break
        if node >= 0 and rmass[node] > best[i]:
            best[i] = rmass[node]
    open_end = NEG
    for i in range(n):
        b = best[i]
        if b <= NEG:
            continue
        if b + unk > best[i + 1]:
            best[i + 1] = b + unk
        node = 0
        for j in range(i, n):
            node = children[node, pt[j]]
            if node < 0:
                break
            lp = wlp[node]
            if lp < 0.0 and b + lp + word > best[j + 1]:
                best[j + 1] = b + lp + word
            if j == n - 1 and b + plp[node] > open_end:
                open_end = b + plp[node]
    return max(best[n], open_end)
