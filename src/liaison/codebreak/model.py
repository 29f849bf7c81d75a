"""Language models built on first use from wordfreq's word lists and cached under $LIAISON_CACHE.

wordfreq's data is CC BY-SA, so nothing derived is committed: the tables live under
${LIAISON_CACHE:-~/.cache/liaison}/lm/. Two models per language:

- n-gram log-probabilities (quadgrams by default) from a frequency-weighted sample of word sequences,
  so n-grams cross word boundaries as they do in unspaced ciphertext;
- a word model (a trie over the 100,000 commonest words with their log-frequencies), which scores a
  candidate plaintext by its best segmentation into words. Short ciphertexts have many n-gram-plausible
  decryptions (the unicity problem); the word score is what separates the real one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from liaison.codebreak.alphabets import alphabet, fold, language_of, normalise
from liaison.core.errors import LiaisonError

ORDER = 4
VERSION = 3  # bump when the build changes so stale caches are rebuilt
N_WORDS = 100_000
MAX_WORD = 20
SAMPLE_WORDS = 4_000_000  # words sampled for the n-gram counts (LIAISON_LM_SAMPLE overrides)
# Languages whose models take more of wordfreq's list than N_WORDS (LIAISON_LM_WORDS overrides
# for all). Russian inflects every noun, adjective and verb into many forms, so its 100,000
# commonest words left out forms running prose is full of (расспросил, бричку, поворачивал, ...):
# their letters were charged as stray and wrong keys that read as commoner words won.
WORDS_BY_LANG = {"ru": 1_000_000}
# Older spellings still current in period traffic and prose, added beside each word that ends in
# the modern form, at VARIANT_WEIGHT of its frequency: Russian's feminine instrumental in -ою/-ею
# (зеленою, краскою, нею) for -ой/-ей. wordfreq's modern usage barely has them, and a text full
# of them read better as -ой with Ю and Й swapped.
VARIANTS: dict[str, tuple[tuple[str, str], ...]] = {"ru": (("ой", "ою"), ("ей", "ею"))}
VARIANT_WEIGHT = 0.1
# a build tag in the cache names of the languages above, so their stale tables are rebuilt
# while every other language keeps its cache
LANG_TAG = {"ru": "-w1"}


def cache_dir() -> Path:
    base = os.environ.get("LIAISON_CACHE") or str(Path.home() / ".cache" / "liaison")
    return Path(base) / "lm"


def _tag(lang: str) -> str:
    """The cache-name tag of the language's build (LANG_TAG; LIAISON_LM_WORDS appends its size)."""
    tag = LANG_TAG.get(language_of(lang), "")
    words = os.environ.get("LIAISON_LM_WORDS")
    return f"{tag}-n{int(words)}" if words else tag


def word_frequencies(
    lang: str, n_words: int | None = None, variants: bool = True
) -> list[tuple[str, float]]:
    """(normalised word, frequency) for the commonest words made only of the alphabet's letters
    (words that fold to the same letters, as «łas» and «las» do in 26 letters, add up); with
    `variants`, the language's older endings beside their modern forms (VARIANTS). n_words:
    the language's default (or LIAISON_LM_WORDS) unless given; the lexicon takes its own."""
    try:
        from wordfreq import get_frequency_dict, top_n_list
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        raise LiaisonError("the wordfreq package is needed to build language models") from None
    alpha = set(alphabet(lang))
    base = language_of(lang)
    freq = get_frequency_dict(base, "large")
    out: dict[str, float] = {}
    if n_words is None:
        n_words = int(os.environ.get("LIAISON_LM_WORDS", WORDS_BY_LANG.get(base, N_WORDS)))
    endings = VARIANTS.get(base, ()) if variants else ()
    for w in top_n_list(base, n_words, wordlist="large"):
        f = freq.get(w, 0.0)
        forms = [(w, f)]
        forms += [(w[: -len(e)] + v, VARIANT_WEIGHT * f) for e, v in endings if w.endswith(e)]
        for form, ff in forms:
            # a traffic alphabet's model is the language's words as they were sent (ą→A, ä→AE, …)
            up = fold(form, lang)
            if not up or any(ch not in alpha for ch in up) or len(up) > MAX_WORD:
                continue  # words with foreign letters, digits or apostrophes: false n-grams
            out[up] = out.get(up, 0.0) + ff
    return [(w, f) for w, f in out.items() if f > 0]


def _sample_text(lang: str, n_words: int, seed: int = 1) -> str:
    pairs = word_frequencies(lang)
    words = [w for w, _ in pairs]
    p = np.array([f for _, f in pairs], dtype=float)
    p /= p.sum()
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(words), size=n_words, p=p)
    return "".join(words[i] for i in idx)


def build(lang: str, order: int = ORDER, n_words: int | None = None) -> np.ndarray:
    """Log-probability table of shape (A,)*order with add-0.5 smoothing."""
    a = alphabet(lang)
    if n_words is None:
        n_words = int(os.environ.get("LIAISON_LM_SAMPLE", SAMPLE_WORDS))
    text = normalise(_sample_text(lang, n_words), lang)
    lut = {c: i for i, c in enumerate(a)}
    codes = np.fromiter((lut[c] for c in text), dtype=np.int64, count=len(text))
    n = len(a)
    m = len(codes) - order + 1
    idx = np.zeros(m, dtype=np.int64)
    for k in range(order):
        idx = idx * n + codes[k : k + m]
    flat = np.bincount(idx, minlength=n**order).astype(np.float64) + 0.5
    logp = np.log(flat / flat.sum()).astype(np.float32)
    return logp.reshape((n,) * order)


def _atomic_save(path: Path, **arrays: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)


@lru_cache(maxsize=8)
def load(lang: str, order: int = ORDER) -> np.ndarray:
    """The n-gram table for `lang`, built and cached on first use (a few seconds)."""
    alphabet(lang)
    path = cache_dir() / f"{lang}-{order}-v{VERSION}{_tag(lang)}.npz"
    if path.is_file():
        return np.load(path)["logp"]
    table = build(lang, order)
    _atomic_save(path, logp=table)
    return table


@lru_cache(maxsize=8)
def quad16(lang: str) -> np.ndarray:
    """The quadgram table flattened as int16 (log-probability × `fast.Q16`) for the substitution
    annealer: half the bytes of float32, so more of it stays in cache while proposals look up
    quadgrams at random (steps of 0.001 against the temperatures of 1–12 the search works at)."""
    from liaison.codebreak.fast import Q16

    q = np.rint(load(lang).ravel().astype(np.float64) * Q16)
    out = np.clip(q, np.iinfo(np.int16).min, np.iinfo(np.int16).max).astype(np.int16)
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class Words:
    """A trie: children[node, letter] → child node or -1; logp[node] < 0 when a word ends there."""

    children: np.ndarray  # int32 (nodes, A)
    logp: np.ndarray  # float32 (nodes,), +1.0 where no word ends

    def contains(self, codes: list[int]) -> bool:
        node = 0
        for c in codes:
            node = int(self.children[node, c])
            if node < 0:
                return False
        return bool(self.logp[node] < 0)


def build_words(lang: str) -> Words:
    a = alphabet(lang)
    lut = {c: i for i, c in enumerate(a)}
    pairs = word_frequencies(lang)
    total = sum(f for _, f in pairs)
    children = [[-1] * len(a)]
    logp = [1.0]
    for w, f in pairs:
        node = 0
        for ch in w:
            c = lut[ch]
            nxt = children[node][c]
            if nxt < 0:
                nxt = len(children)
                children[node][c] = nxt
                children.append([-1] * len(a))
                logp.append(1.0)
            node = nxt
        logp[node] = float(np.log(f / total))
    return Words(np.array(children, dtype=np.int32), np.array(logp, dtype=np.float32))


@lru_cache(maxsize=8)
def words(lang: str) -> Words:
    """The word trie for `lang`, built and cached on first use."""
    alphabet(lang)
    path = cache_dir() / f"{lang}-words-v{VERSION}{_tag(lang)}.npz"
    if path.is_file():
        z = np.load(path)
        return Words(z["children"], z["logp"])
    wm = build_words(lang)
    _atomic_save(path, children=wm.children, logp=wm.logp)
    return wm


@lru_cache(maxsize=8)
def unigram(lang: str) -> np.ndarray:
    """Letter log-probabilities, marginalised from the n-gram table. Cached (read-only): the
    marginal over a million quadgrams took 15 ms, and the Vigenère solver asked for it once per
    period tried — most of its time on a 40-letter text."""
    t = load(lang)
    out = np.log(np.exp(t.astype(np.float64)).sum(axis=tuple(range(1, t.ndim))))
    out.flags.writeable = False
    return out


@lru_cache(maxsize=8)
def prefixes(lang: str) -> np.ndarray:
    """log P(a word starts with the letters leading to each trie node): what a text cut off
    mid-word is worth at its end. Summed bottom-up (a child's index is always above its parent's)."""
    wm = words(lang)
    parent = np.full(len(wm.logp), -1, dtype=np.int64)
    src, _ = np.nonzero(wm.children >= 0)
    parent[wm.children[wm.children >= 0]] = src
    mass = np.where(wm.logp < 0, np.exp(wm.logp.astype(np.float64)), 0.0)
    return np.log(np.maximum(_subtree_sums(mass, parent), 1e-300)).astype(np.float32)


def _subtree_sums(mass: np.ndarray, parent: np.ndarray) -> np.ndarray:
    from liaison.codebreak.fast import subtree_sums

    return subtree_sums(mass, parent)
