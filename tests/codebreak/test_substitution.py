"""Substitution solver on period-style texts (never in the model's word sample as sentences)."""

from __future__ import annotations

import random
import time

import pytest

from liaison.codebreak import ciphers
from liaison.codebreak.alphabets import alphabet
from liaison.codebreak.solve import crack

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
