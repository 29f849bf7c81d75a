"""The Russian models mix in running prose (data/prose/): folded per alphabet, kept apart from
the benchmark's text, and sharpening the score of real running text."""

from __future__ import annotations

import numpy as np
import pytest

from liaison.codebreak import model
from liaison.codebreak.alphabets import alphabet, normalise


def test_prose_never_saw_the_benchmarks_novel() -> None:
    """Dead Souls is the real-text benchmark's plaintext: its landowners' names are nowhere in
    the prose the model counts, while the commonest narrative forms are."""
    words = model.prose_words("ru")
    assert words["СКАЗАЛ"] > 1000 and words["МАТУШКА"] > 100
    for name in ("СОБАКЕВИЧ", "МАНИЛОВ", "МАНИЛОВА", "СОБАКЕВИЧА"):
        assert name not in words


def test_quadgram_counts_fold_into_the_31_letter_alphabet() -> None:
    full, merged = model.prose_quadgrams("ru"), model.prose_quadgrams("ru31")
    assert full is not None and merged is not None
    assert full.shape == (32,) * 4 and merged.shape == (31,) * 4
    assert merged.sum() == pytest.approx(full.sum())
    a, a31 = alphabet("ru"), alphabet("ru31")
    hard, soft = a.index("Ъ"), a.index("Ь")
    # Ъ is written Ь in 31 letters: СЪЕЛ's quadgram lands on СЬЕЛ's, beside СЬЕЛ's own count
    s_, e_, l_ = (a.index(x) for x in "СЕЛ")
    c31, soft31, e31, l31 = (a31.index(x) for x in "СЬЕЛ")
    assert merged[c31, soft31, e31, l31] == pytest.approx(
        full[s_, hard, e_, l_] + full[s_, soft, e_, l_]
    )


def test_a_transliteration_takes_the_prose_words_only() -> None:
    assert model.prose_quadgrams("ru26") is None  # Щ is SHCH: no letter-for-letter fold
    words = model.prose_words("ru26")
    assert "SKAZAL" in words and all(w.isascii() for w in list(words)[:1000])
    assert model.prose_quadgrams("en") is None and model.prose_words("en") == {}


def test_word_frequencies_mix_the_prose_in_as_a_share() -> None:
    mixed = dict(model.word_frequencies("ru", n_words=20_000))
    plain = dict(model.word_frequencies("ru", n_words=20_000, prose=False))
    assert sum(mixed.values()) == pytest.approx(1.0)
    # a narrative form weighs more once prose is in; a form only prose has is now known
    total = sum(plain.values())
    assert mixed["СКАЗАЛ"] > 1.5 * plain["СКАЗАЛ"] / total
    only_prose = [w for w in model.prose_words("ru") if w not in plain]
    assert only_prose and all(w in mixed for w in only_prose[:100])


def test_running_text_reads_better_with_the_prose_quadgrams(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Per letter, a sentence of ordinary narrative (written for this test) is likelier under the
    mixed quadgrams than under the word-list ones, and letter salad is not."""
    text = normalise(
        "Когда он вернулся домой, матушка уже спала, и только в кухне горела свеча. "
        "Он сел у окна и долго смотрел, как по улице шли солдаты.",
        "ru",
    )
    salad = "".join(sorted(text))
    a = alphabet("ru")
    codes = np.array([a.index(c) for c in text])
    sc = np.array([a.index(c) for c in salad])

    def per_letter(table: np.ndarray, c: np.ndarray) -> float:
        return float(np.mean([table[tuple(c[i : i + 4])] for i in range(len(c) - 3)]))

    mixed = model.build("ru")
    monkeypatch.setitem(model.PROSE_QUAD_WEIGHT, "ru", 0.0)
    plain = model.build("ru")
    assert per_letter(mixed, codes) > per_letter(plain, codes) + 0.1
    assert per_letter(mixed, sc) < per_letter(mixed, codes) - 3
