"""The open-ended word segmentation (lexicon.py) and the Caesar solver that ranks shifts by it."""

from __future__ import annotations

from math import gcd

import numpy as np
import pytest

from liaison.codebreak import ciphers, lexicon, model
from liaison.codebreak.alphabets import alphabet
from liaison.codebreak.solve import CONFIDENT, crack, crack_affine, crack_caesar, lm_score


def _codes(text: str, lang: str) -> np.ndarray:
    a = alphabet(lang)
    return np.array([a.index(c) for c in text], dtype=np.int64)


# short messages as an operator might send them (made up here, not from any benchmark text); some
# start or stop mid-word, as a cut intercept does
MESSAGES = {
    "en": ["SENDHELP", "HOLDFAST", "ATDAWNWE", "ESTANKSAT", "TIONWILLMOVE"],
    "ru": ["ЖДИТЕНАС", "ОТХОДИМ", "ТАНКИВЛЕСУ", "ЕМСЯКРЕКЕ", "ЕТЕНАЗАПАД"],
    "pl26": ["IDZIEMYDO", "RANOATAK", "CZEKAJCIE", "OWANIEWSCHOD", "ADEMNAWARSZ"],
    "de26": ["WIRKOMMEN", "WARTETAUFUNS", "SCHICKTHILFE", "UNGMORGENFRUEH", "ENDETDERKRIEG"],
}


@pytest.mark.parametrize("lang", list(MESSAGES))
def test_short_messages_read_right_under_every_shift(lang: str) -> None:
    n = len(alphabet(lang))
    for msg in MESSAGES[lang]:
        confs = []
        for k in range(1, n):
            sol = crack_caesar(ciphers.caesar(msg, k, lang), lang)
            assert (sol.plaintext, sol.key) == (msg, k), (msg, k, sol.plaintext)
            confs.append(sol.confidence)
        if msg != "ATDAWNWE":  # the one close call (see below)
            assert min(confs) >= CONFIDENT, msg


def test_words_read_what_quadgrams_alone_misread() -> None:
    """ATDAWNWE: the best shift by quadgrams alone is another one; the words put it right."""
    msg, lang = "ATDAWNWE", "en"
    ct = _codes(ciphers.caesar(msg, 5, lang), lang)
    by_quad = max(range(26), key=lambda s: lm_score((ct - s) % 26, lang))
    assert by_quad != 5
    assert crack_caesar(ciphers.caesar(msg, 5, lang), lang).plaintext == msg


@pytest.mark.parametrize(
    "lang,pair",
    [("en", ("HIDE", "STOP")), ("en", ("MEET", "WOOD")), ("ru", ("ЕДВА", "УТРО"))],
)
def test_two_readings_that_are_both_words_get_low_confidence(
    lang: str, pair: tuple[str, str]
) -> None:
    """Each of these pairs is one Caesar shift apart and both are common words: the solver picks
    one of them and says it is not sure."""
    for word in pair:
        sol = crack(ciphers.caesar(word, 3, lang), lang=lang, cipher="caesar", budget=1)
        assert sol.plaintext in pair
        assert sol.confidence < CONFIDENT


def test_noise_is_not_confident() -> None:
    rng = np.random.default_rng(4)
    a = alphabet("en")
    for _ in range(5):
        ct = "".join(a[i] for i in rng.integers(0, 26, size=30))
        assert crack_caesar(ct, "en").confidence < CONFIDENT


def test_a_word_tail_at_the_start_is_credited() -> None:
    """A text cut off inside a word: its first letters are credited as the end of a word, so the
    open segmentation scores above the closed-start one (which charges them as stray letters)."""
    lang = "en"
    lex = lexicon.load(lang)
    text = _codes("TIONWILLMOVE", lang)
    assert lexicon.score(text, lex) > lexicon.score(text, lex, open_start=False) + 5
    # a whole-word start gains next to nothing (WILL as the tail of GOODWILL, …)
    whole = _codes("WILLMOVE", lang)
    closed = lexicon.score(whole, lex, open_start=False)
    assert closed - 1e-6 <= lexicon.score(whole, lex) < closed + 0.1
    # a text of no words costs about UNK a letter (the last letters may start a rare word)
    noise = lexicon.score(_codes("QXZJQXZJ", lang), lex)
    assert 8 * lexicon.UNK - 1e-6 <= noise <= 7 * lexicon.UNK
    assert lexicon.score(whole, lex) > noise + 10
    # the roots carry all the words' mass: log 1
    assert float(lex.rmass[0]) == pytest.approx(0.0, abs=1e-3)
    assert float(lex.prefix[0]) == pytest.approx(0.0, abs=1e-3)


def test_suffix_trie_is_cached_beside_the_models() -> None:
    lang = "de26"
    lexicon.load.cache_clear()
    first = lexicon.load(lang)
    files = list(model.cache_dir().glob(f"{lang}-lexicon-*.npz"))
    assert len(files) == 1
    lexicon.load.cache_clear()
    again = lexicon.load(lang)  # read back from the file
    for field in ("off", "child", "logp", "rchild", "rmass"):
        assert np.array_equal(getattr(first, field), getattr(again, field))


@pytest.mark.parametrize(
    "lang,msg",
    [
        ("en", "ATDAWNWEMOVE"),
        ("ru", "ТАНКИВЛЕСУ"),
        ("pl26", "RANOATAKUJEMY"),
        ("de26", "SCHICKTHILFE"),
    ],
)
def test_short_affine_messages_read_right_under_every_multiplier(lang: str, msg: str) -> None:
    """Affine keys are re-ranked with the same words: a 10–13-letter message reads back under
    every multiplier coprime with the alphabet (three shifts each), confidently."""
    n = len(alphabet(lang))
    for m in (m for m in range(1, n) if gcd(m, n) == 1):
        for k in (0, 5, 17):
            sol = crack_affine(ciphers.affine(msg, m, k, lang), lang)
            assert (sol.plaintext, sol.key) == (msg, [m, k])
            assert sol.confidence >= CONFIDENT
