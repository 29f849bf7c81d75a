"""Substitution solver on period-style texts (never in the model's word sample as sentences)."""

from __future__ import annotations

import random
import time

import pytest

from liaison.codebreak import ciphers
from liaison.codebreak.alphabets import alphabet
from liaison.codebreak.solve import CONFIDENT, crack

TEXTS = {
    "ru": "ПРИКАЗЫВАЮДИВИЗИИНАСТУПАТЬНАПРАВЛЕНИИСТАНЦИИКОРОСТЕНЬКУТРУЧАСАМСЕГОДНЯПРОТИВНИКОТХОДИТ",
    "en": "THEDIVISIONWILLADVANCEONTHEBRIDGEATSIXHOURSANDHOLDTHEROADUNTILRELIEVEDBYTHESECOND",
}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_breaks_substitution_within_budget(lang: str) -> None:
    pt = TEXTS[lang]
    key = list(alphabet(lang))
    random.Random(7).shuffle(key)
    ct = ciphers.substitution(pt, "".join(key), lang)
    crack(ct[:10], lang=lang, cipher="substitution", budget=0.1)  # builds the model once
    t = time.monotonic()
    sol = crack(ct, lang=lang, cipher="substitution", budget=2.0)
    assert time.monotonic() - t < 2.5
    right = sum(x == y for x, y in zip(sol.plaintext, pt, strict=True)) / len(pt)
    assert right >= 0.95
    assert sol.cipher == "substitution" and len(sol.plaintext) == len(ct)


def test_phase2_heat_grows_with_the_text_within_bounds() -> None:
    """A swap moves the score by about the letters it touches: longer texts anneal hotter, but
    neither a scrap nor a long intercept leaves the range the schedule was measured on."""
    from liaison.codebreak import substitution

    temps = [substitution.phase2_temperature(n) for n in (10, 60, 80, 100, 400)]
    assert temps == sorted(temps) and temps[1] < temps[2] < temps[3]
    assert temps[0] == substitution.T2_MIN and temps[-1] == substitution.T2_MAX


def test_screened_restarts_agree_on_the_key_of_a_clear_text() -> None:
    """With screening, a 100-letter text still is read whole and above the confidence threshold."""
    pt = TEXTS["ru"]
    key = list(alphabet("ru"))
    random.Random(11).shuffle(key)
    ct = ciphers.substitution(pt, "".join(key), "ru")
    from liaison.codebreak import substitution

    got, _, _, conf = substitution.solve(ct, "ru", budget=5.0, seed=3)
    assert got == pt and conf >= CONFIDENT


@pytest.mark.parametrize(("lam", "lam_end"), [(0.0, 0.0), (1.0, 1.0), (1.0, 2.0)])
def test_annealer_score_matches_a_fresh_rescoring_of_its_key(lam: float, lam_end: float) -> None:
    """The annealer keeps each quadgram's value in a cache and scores proposals against it; the
    score it reports for a key must be what scoring that key's plaintext from scratch gives, under
    the word weight of its final polish (lam_end). It looks quadgrams up in the int16 table, so
    the two may differ by the rounding of each quadgram (half a step of 1/Q16) and no more."""
    import numpy as np

    from liaison.codebreak import fast, model, substitution

    lang = "ru"
    a = alphabet(lang)
    n = len(a)
    pt = TEXTS[lang]
    key = list(a)
    random.Random(8).shuffle(key)
    codes = substitution._codes(ciphers.substitution(pt, "".join(key), lang), a)
    q = model.load(lang).ravel()
    q16 = model.quad16(lang)
    w = model.words(lang)
    plp = model.prefixes(lang)
    keys = np.empty((3, n), dtype=np.int64)
    scores = np.empty(3)
    start = substitution._start_key(codes, lang, n)
    fast.anneal_substitution(
        codes, n, q16, w.children, w.logp, substitution.UNK, plp, lam, lam_end, start, n, 3,
        2000, 5.0, 4000, 8.0, substitution.WGAIN, 3, keys, scores,
    )  # fmt: skip
    for k in range(3):
        plain = keys[k][codes]
        fresh = fast.quad_score(plain, q, n)
        if lam_end:
            fresh += lam_end * fast.word_score_open(
                plain, w.children, w.logp, substitution.UNK, plp
            )
        assert sorted(keys[k].tolist()) == list(range(n))  # still a permutation
        assert abs(scores[k] - fresh) <= (len(plain) - 3) / (2 * fast.Q16) + 1e-6


@pytest.mark.parametrize("lang", ["ru", "pl", "de", "en"])
def test_int16_quadgram_table_rounds_the_float_one(lang: str) -> None:
    """The annealer's int16 table is the float table × Q16, rounded: no entry clips or moves by
    more than half a step, so keys are searched on the same model the solvers rank them with."""
    import numpy as np

    from liaison.codebreak import fast, model

    q, q16 = model.load(lang).ravel(), model.quad16(lang)
    assert q16.dtype == np.int16 and q16.shape == q.shape
    assert np.abs(q16 / fast.Q16 - q).max() <= 0.5 / fast.Q16 + 1e-6
    assert q16.min() > np.iinfo(np.int16).min  # the floor is far from the type's limit


def test_keys_are_ranked_by_the_heavier_word_weight() -> None:
    """A text whose phrase repeats is in effect half as long, and at that length the annealing
    objective (LAM) can prefer word salad to the truth: here «THE BAG AIRY HAS … OF GLINA» over
    «THE CAVALRY HAS … OF VILNA», by 1.6. Ranked with LAM_END the truth comes first."""
    from liaison.codebreak import substitution

    truth = "ARMYHEADQUARTERSREPORTSTHECAVALRYHASTAKENTHETOWNOFVILNAARMYHEADQUARTERSREPORTSTH"
    salad = truth.replace("CAVALRY", "BAGAIRY").replace("VILNA", "GLINA")
    assert substitution.LAM_END > substitution.LAM
    assert substitution.score(salad, "en") > substitution.score(truth, "en")
    lam_end = substitution.LAM_END
    assert substitution.score(truth, "en", lam_end) > substitution.score(salad, "en", lam_end) + 5


def test_reported_score_stays_on_the_annealing_scale() -> None:
    """Confidences and `solve.PLAIN_LEVEL` are calibrated on quadgrams + LAM × words per letter:
    ranking at LAM_END must not leak into the score `solve` reports."""
    from liaison.codebreak import substitution

    pt = TEXTS["en"]
    key = list(alphabet("en"))
    random.Random(5).shuffle(key)
    got, _, per, _ = substitution.solve(ciphers.substitution(pt, "".join(key), "en"), "en", 2.0)
    assert sum(x == y for x, y in zip(got, pt, strict=True)) >= 0.95 * len(pt)
    assert per == round(substitution.score(got, "en") / len(got), 4)
    assert per > substitution.score(got, "en", substitution.LAM_END) / len(got) + 0.5


def test_a_repeated_stretch_is_solved_once() -> None:
    """Later copies of a stretch of REPEAT_MIN letters or more are dropped; everything else stays,
    so every cipher letter is still there to be keyed."""
    import numpy as np

    from liaison.codebreak import substitution

    k = substitution.REPEAT_MIN
    rng = np.random.default_rng(2)
    head, phrase, tail = (rng.integers(0, 26, m) for m in (30, k + 3, 25))
    sep = (tail[:5] + 1) % 26  # unlike what follows the first copy: the second copy ends there
    text = np.concatenate([head, phrase, tail, phrase, sep, phrase])
    got = substitution.unrepeated(text, k)
    assert got.tolist() == np.concatenate([head, phrase, tail, sep]).tolist()
    assert set(got.tolist()) == set(text.tolist())
    short = np.concatenate([head, phrase[: k - 1], tail, phrase[: k - 1]])
    assert substitution.unrepeated(short, k).tolist() == short.tolist()  # below the threshold
    periodic = np.tile(np.arange(7), 9)
    assert set(substitution.unrepeated(periodic, k).tolist()) == set(range(7))


def test_a_text_repeating_its_phrase_is_read_whole() -> None:
    """The key found on the text without its copy is applied to all of it, copy included."""
    from liaison.codebreak import substitution

    phrase = "THEENEMYISWITHDRAWINGTOTHEWEST"
    pt = TEXTS["en"] + phrase + "ANDTHEREARENOTANKS" + phrase
    key = list(alphabet("en"))
    random.Random(9).shuffle(key)
    got, _, _, conf = substitution.solve(ciphers.substitution(pt, "".join(key), "en"), "en", 3.0)
    assert len(got) == len(pt) and conf >= CONFIDENT
    assert sum(x == y for x, y in zip(got, pt, strict=True)) >= 0.95 * len(pt)
    assert got.endswith(phrase) and got.count(phrase) == 2


def test_russian_word_model_knows_rare_inflections_and_the_older_instrumental() -> None:
    """Russian prose is full of inflected forms beyond the 100,000 commonest words (окопался,
    отступавшего) and of the older feminine instrumental in -ою (переправою), which wordfreq's
    modern usage lacks: the trie has them, the -ою form rarer than its -ой original."""
    from liaison.codebreak import model

    a = alphabet("ru")
    wm = model.words("ru")

    def node(word: str) -> int:
        n = 0
        for ch in word:
            n = int(wm.children[n, a.index(ch)])
            assert n >= 0, word
        return n

    for word in ("ОКОПАЛСЯ", "ОТСТУПАВШЕГО", "ПЕРЕПРАВОЮ", "КАВАЛЕРИЙСКОЮ"):
        assert wm.contains([a.index(ch) for ch in word]), word
    assert wm.logp[node("ПЕРЕПРАВОЮ")] < wm.logp[node("ПЕРЕПРАВОЙ")] < 0


def test_pair_polish_undoes_two_swaps_that_single_swaps_cannot() -> None:
    """A key two swaps from the truth, which no single swap improves (the annealer's own polish
    stays on a wrong reading), is climbed back to the true plaintext by the pair polish; the
    score it returns is a fresh rescoring of the key it leaves (within the int16 rounding), and
    with no pairs to try it leaves the key as it was."""
    import itertools

    import numpy as np

    from liaison.codebreak import fast, model, substitution

    lang = "ru"
    a = alphabet(lang)
    n = len(a)
    codes = substitution._codes(TEXTS[lang], a)  # identity cipher: the true key is the identity
    q16 = model.quad16(lang)
    w = model.words(lang)
    plp = model.prefixes(lang)
    lam, unk, gain = substitution.LAM_END, substitution.UNK, substitution.WGAIN
    common = [int(c) for c in np.argsort(-np.bincount(codes, minlength=n), kind="stable")[:10]]
    keys = np.empty((1, n), dtype=np.int64)
    scores = np.empty(1)
    stuck, fixed = 0, 0
    for x, y, u, v in itertools.combinations(common, 4):
        wrong = np.arange(n)
        wrong[[x, y]] = wrong[[y, x]]
        wrong[[u, v]] = wrong[[v, u]]
        fast.anneal_substitution(
            codes, n, q16, w.children, w.logp, unk, plp, lam, lam, wrong, 0, 1,
            0, 1.0, 0, 1.0, gain, 0, keys, scores,
        )  # fmt: skip
        if keys[0][codes].tolist() == codes.tolist():
            continue  # single swaps find the way back: not the case in question
        stuck += 1
        key = wrong.copy()
        sc = fast.polish_pairs(codes, n, q16, w.children, w.logp, unk, plp, lam, key, gain, 10**6)
        plain = key[codes]
        fresh = fast.quad_score(plain, model.load(lang).ravel(), n) + lam * fast.word_score_open(
            plain, w.children, w.logp, unk, plp
        )
        assert abs(sc - fresh) <= (len(codes) - 3) / (2 * fast.Q16) + 1e-6
        assert sc >= scores[0] - 1e-6  # never below the single-swap optimum's score
        fixed += plain.tolist() == codes.tolist()
        same = wrong.copy()
        fast.polish_pairs(codes, n, q16, w.children, w.logp, unk, plp, lam, same, gain, 0)
        assert same.tolist() == wrong.tolist()
        if stuck == 5:
            break
    assert stuck >= 1 and fixed >= 1
