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
