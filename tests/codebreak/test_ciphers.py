"""Round trips for every cipher in every alphabet, and the solvers on known cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.codebreak import ciphers
from liaison.codebreak.alphabets import ALPHABETS, normalise
from liaison.codebreak.solve import crack
from liaison.core.errors import LiaisonError

LANGS = list(ALPHABETS)


@st.composite
def lang_text(draw):  # type: ignore[no-untyped-def]
    lang = draw(st.sampled_from(LANGS))
    text = draw(st.text(alphabet=ALPHABETS[lang], min_size=1, max_size=80))
    return lang, text


@settings(max_examples=60, deadline=None)
@given(lang_text(), st.integers(0, 40), st.text(alphabet="ABCDEFGHIJ", min_size=2, max_size=10))
def test_round_trips(lt, shift, word):  # type: ignore[no-untyped-def]
    lang, text = lt
    a = ALPHABETS[lang]
    key = normalise(word.replace("A", a[0]), lang) or a[:3]
    assert ciphers.caesar(ciphers.caesar(text, shift, lang), shift, lang, True) == text
    assert ciphers.affine(ciphers.affine(text, 1, shift, lang), 1, shift, lang, True) == text
    rev = a[::-1]
    assert ciphers.substitution(ciphers.substitution(text, rev, lang), rev, lang, True) == text
    assert ciphers.vigenere(ciphers.vigenere(text, key, lang), key, lang, True) == text
    b = ciphers.vigenere(text, key, lang, beaufort=True)
    assert ciphers.vigenere(b, key, lang, True, beaufort=True) == text
    assert ciphers.columnar(ciphers.columnar(text, word, lang), word, lang, True) == text
    dbl = ciphers.double_columnar(text, word, word[::-1] + "Z", lang)
    assert ciphers.double_columnar(dbl, word, word[::-1] + "Z", lang, True) == text
    digits = ciphers.two_digit_additive(text, "31415", lang)
    assert digits.isdigit() and len(digits) == 2 * len(text)
    assert ciphers.two_digit_additive(digits, "31415", lang, True) == text


def test_yo_folds_into_ye() -> None:
    assert normalise("Ёж ещё", "ru") == "ЕЖЕЩЕ"


def test_columnar_changes_order() -> None:
    assert ciphers.columnar("ATTACKATDAWN", "ZEBRA", "en") != "ATTACKATDAWN"


RU = "ПРИКАЗЫВАЮДИВИЗИИНАСТУПАТЬНАПРАВЛЕНИИСТАНЦИИКОРОСТЕНЬКУТРУЧАСАМСЕГОДНЯ"
EN = "THEDIVISIONWILLADVANCEONTHEBRIDGEATSIXHOURSANDHOLDTHEROADUNTILRELIEVED"


@pytest.mark.parametrize("lang,pt", [("ru", RU), ("en", EN)])
def test_crack_caesar_and_affine(lang: str, pt: str) -> None:
    sol = crack(ciphers.caesar(pt, 7, lang), budget=3.0)
    assert (sol.plaintext, sol.language) == (pt, lang)
    assert sol.confidence > 0.5
    assert crack(ciphers.affine(pt, 5, 3, lang), cipher="affine", budget=2.0).plaintext == pt


def test_crack_vigenere_russian() -> None:
    sol = crack(ciphers.vigenere(RU, "ЛЕС", "ru"), budget=3.0)
    assert (sol.cipher, sol.key, sol.plaintext) == ("vigenere", "ЛЕС", RU)


@pytest.mark.parametrize("bad", ["", "   \n", "1234 5678", "!!!"])
def test_garbage_is_a_clear_error(bad: str) -> None:
    with pytest.raises(LiaisonError):
        crack(bad)


def test_cli_crack_json(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from liaison.cli.app import main

    path = tmp_path / "c.txt"
    path.write_text(ciphers.caesar(RU, 3, "ru"), encoding="utf-8")
    try:
        main(["crack", str(path), "--json"])
    except SystemExit as exc:
        assert exc.code in (0, None)
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"cipher", "language", "key", "plaintext", "score", "confidence", "alphabet"}
    assert out["plaintext"] == RU


def test_cli_error_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from liaison.cli.app import main

    f = tmp_path / "d.txt"
    f.write_text("0000 1111")
    with pytest.raises(SystemExit) as exc:
        main(["crack", str(f)])
    assert exc.value.code == 2


def test_columnar_key_with_sharp_s_keeps_its_width() -> None:
    """str.upper turns ß into SS; the key STRAßE must stay six columns, ß sorting as one letter."""
    text = "DIEDIVISIONGREIFTSOFORTAN"
    ct = ciphers.columnar(text, "straße", "de")
    assert ciphers.columnar(ct, "STRAẞE", "de", True) == text
    # six columns: the read-out order matches an equivalent six-letter key of the same ranks
    assert ct == ciphers.columnar(text, "STRAZE", "de")
    assert ciphers._order("straße") == [3, 5, 2, 0, 1, 4]
