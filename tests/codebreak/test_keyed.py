"""Keyed-alphabet Vigenère solver: equivalent keys, solves at a measured length, hostile input."""

from __future__ import annotations

import json
import random
from math import gcd

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.codebreak import ciphers, identify, keyed
from liaison.codebreak.alphabets import ALPHABETS, alphabet
from liaison.codebreak.solve import SOLVERS, crack
from liaison.codebreak.templates import message
from liaison.core.errors import LiaisonError


def _right(a: str, b: str) -> float:
    assert len(a) == len(b)
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(b)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(ALPHABETS)), st.data())
def test_normalised_key_decrypts_the_same_and_finds_the_keyword(lang: str, data) -> None:  # type: ignore[no-untyped-def]
    """Any affine change of positions (rotation r, unit u) is an equivalent key; normalising
    must give a key that `ciphers.keyed_vigenere` decrypts with to the same plaintext, with an
    alphabet keyword no longer than the one the alphabet was made from."""
    a = ALPHABETS[lang]
    n = len(a)
    kw = data.draw(st.text(alphabet=a, min_size=1, max_size=10))
    key = data.draw(st.text(alphabet=a, min_size=1, max_size=7))
    text = data.draw(st.text(alphabet=a, min_size=1, max_size=80))
    u = data.draw(st.sampled_from([x for x in range(1, n) if gcd(x, n) == 1]))
    r = data.draw(st.integers(0, n - 1))
    m = ciphers.mixed_alphabet(kw, lang)
    ct = ciphers.keyed_vigenere(text, key, kw, lang)
    # the equivalent (alphabet, shifts): new position u·(pos − r), shifts u·k
    alph = np.empty(n, dtype=np.int64)
    for i, c in enumerate(m):
        alph[(u * (i - r)) % n] = a.index(c)
    shifts = np.array([(u * m.index(c)) % n for c in key], dtype=np.int64)
    order = "".join(a[x] for x in alph)
    assert keyed.decrypt(ct, "".join(order[x] for x in shifts), order, lang) == text
    ks, kw2 = keyed.normalise_key(alph, shifts, lang)
    assert ciphers.keyed_vigenere(ct, ks, kw2, lang, True) == text
    assert len(kw2) <= max(1, len(dict.fromkeys(kw)))


def test_keyword_of_and_explicit_alphabet() -> None:
    m = ciphers.mixed_alphabet("KRYPTOS", "en")
    assert keyed.keyword_of(m, "en") == "KRYPTOS"
    assert keyed.keyword_of(ALPHABETS["en"], "en") == "A"
    assert keyed.decrypt(ciphers.keyed_vigenere("ATTACKATDAWN", "LANCER", "KRYPTOS", "en"),
                         "LANCER", m, "en") == "ATTACKATDAWN"  # fmt: skip
    with pytest.raises(LiaisonError, match="permutation"):
        keyed.decrypt("ABC", "K", "ABC", "en")


# Lengths and budgets where benchmarks/crack_keyed.py measured high success (docs/codebreak.md).
@pytest.mark.parametrize(
    "lang,key,alpha_key,seed",
    [("ru", "ШТАБ", "ЗАРЯ", 1), ("ru", "КОННИЦА", "БРОНЕПОЕЗД", 2), ("en", "DRAGOON", "SABRE", 3)],
)
def test_keyed_vigenere_solved(lang: str, key: str, alpha_key: str, seed: int) -> None:
    pt = message(lang, 300, random.Random(seed))
    ct = ciphers.keyed_vigenere(pt, key, alpha_key, lang)
    sol = crack(ct, lang=lang, cipher="keyed_vigenere", budget=4.0)
    assert sol.cipher == "keyed_vigenere"
    assert _right(sol.plaintext, pt) >= 0.95
    assert sol.confidence > 0  # language-like; how many restarts agreed depends on the load
    # the key is usable as given: key letters, alphabet keyword
    ks, kw = str(sol.key).split(",")
    assert ciphers.keyed_vigenere(ct, ks, kw, lang, True) == sol.plaintext
    assert len(ks) == len(key)  # the period, found without being told


def test_plain_vigenere_routes_on_to_keyed() -> None:
    pt = message("ru", 120, random.Random(5))
    ident = identify.identify(ciphers.keyed_vigenere(pt, "ШТАБ", "ЗАРЯ", "ru"))
    names = ident.ciphers
    assert "keyed_vigenere" in names
    assert names.index("vigenere") < names.index("keyed_vigenere") < names.index("substitution")
    assert "keyed_vigenere" in SOLVERS


def test_noise_gets_low_confidence() -> None:
    rng = random.Random(7)
    noise = "".join(rng.choice(alphabet("en")) for _ in range(200))
    sol = crack(noise, lang="en", cipher="keyed_vigenere", budget=1.0)
    assert sol.confidence < 0.2


@pytest.mark.parametrize(
    "bad,needle",
    [
        ("ATTACK AT DAWN", "too few"),
        ("12345 67890 12345 67890 12345 67890", "expects letters"),
        ("", "empty"),
    ],
)
def test_keyed_garbage_gives_clear_errors(bad: str, needle: str) -> None:
    with pytest.raises(LiaisonError, match=needle):
        crack(bad, lang="en", cipher="keyed_vigenere", budget=0.5)


def test_cli_crack_keyed_json(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    from liaison.cli.app import main
    from liaison.cli.codebreak import apply

    pt = message("en", 300, random.Random(11))
    ct = ciphers.keyed_vigenere(pt, "HORSE", "CAVALRY", "en")
    monkeypatch.setattr("sys.stdin", io.StringIO(ct))
    with pytest.raises(SystemExit) as exc:
        main(["crack", "--cipher", "keyed_vigenere", "--lang", "en", "--json", "--budget", "3"])
    assert exc.value.code in (0, None)
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"cipher", "language", "key", "plaintext", "score", "confidence", "alphabet"}
    assert out["cipher"] == "keyed_vigenere" and out["language"] == "en"
    assert _right(out["plaintext"], pt) >= 0.95
    assert apply("keyed_vigenere", ct, out["key"], "en", True) == out["plaintext"]
