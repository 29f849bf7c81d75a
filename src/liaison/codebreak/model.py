"""N-gram language models built on first use from wordfreq's word lists and cached as .npz.

wordfreq's data is CC BY-SA, so nothing derived is committed: the tables live under
${LIAISON_CACHE:-~/.cache/liaison}/lm/. Text is a frequency-weighted sample of word sequences,
so n-grams cross word boundaries as they do in unspaced ciphertext.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from liaison.codebreak.alphabets import alphabet, normalise
from liaison.core.errors import LiaisonError

ORDER = 4


def cache_dir() -> Path:
    base = os.environ.get("LIAISON_CACHE") or str(Path.home() / ".cache" / "liaison")
    return Path(base) / "lm"


def _sample_text(lang: str, n_words: int, seed: int = 1) -> str:
    try:
        from wordfreq import top_n_list, word_frequency
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        raise LiaisonError("the wordfreq package is needed to build language models") from None
    words = [normalise(w, lang) for w in top_n_list(lang, 30000)]
    freqs = np.array([word_frequency(w, lang) for w in top_n_list(lang, 30000)], dtype=float)
    keep = [i for i, w in enumerate(words) if w]
    words = [words[i] for i in keep]
    p = freqs[keep] / freqs[keep].sum()
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(words), size=n_words, p=p)
    return "".join(words[i] for i in idx)


def build(lang: str, order: int = ORDER, n_words: int = 400_000) -> np.ndarray:
    """Log-probability table of shape (A,)*order with add-0.5 smoothing."""
    a = alphabet(lang)
    text = _sample_text(lang, n_words)
    codes = np.frombuffer(np.array([a.index(c) for c in text], dtype=np.int64).tobytes(), np.int64)
    n = len(a)
    flat = np.zeros(n**order, dtype=np.float64)
    idx = np.zeros(len(codes) - order + 1, dtype=np.int64)
    for k in range(order):
        idx = idx * n + codes[k : len(codes) - order + 1 + k]
    np.add.at(flat, idx, 1.0)
    flat += 0.5
    logp = np.log(flat / flat.sum()).astype(np.float32)
    return logp.reshape((n,) * order)


@lru_cache(maxsize=8)
def load(lang: str, order: int = ORDER) -> np.ndarray:
    path = cache_dir() / f"{lang}-{order}.npy"
    if path.is_file():
        return np.load(path)
    table = build(lang, order)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, table)
    tmp.replace(path)
    return table
