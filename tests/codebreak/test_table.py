"""Two-digit codes from a secret table under an additive: cipher, period, alignment, solver, CLI."""

from __future__ import annotations

import io
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.codebreak import ciphers, identify, table
from liaison.codebreak.alphabets import ALPHABETS, alphabet
from liaison.codebreak.solve import CONFIDENT, crack
from liaison.codebreak.templates import message
from liaison.core.errors import LiaisonError


def _right(got: str, want: str) -> float:
    assert len(got) == len(want)
    return sum(x == y for x, y in zip(got, want, strict=True)) / len(want)


def _codes(table_key: str, lang: str) -> dict[str, str]:
    return dict(zip(alphabet(lang), ciphers.table_codes(table_key, lang), strict=True))


# --- the cipher ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(ALPHABETS)), st.data())
def test_round_trip_with_random_and_keyword_tables(lang: str, data) -> None:  # type: ignore[no-untyped-def]
    a = ALPHABETS[lang]
    text = data.draw(st.text(alphabet=a, min_size=1, max_size=80))
    additive = data.draw(st.text(alphabet="0123456789", min_size=1, max_size=12))
    keyword = data.draw(st.text(alphabet=a, min_size=1, max_size=10))
    for tab in (ciphers.random_table(lang, data.draw(st.integers(0, 10**6))), keyword):
        codes = ciphers.table_codes(tab, lang)
        assert len(set(codes)) == len(a) and all(len(c) == 2 and c.isdigit() for c in codes)
        ct = ciphers.two_digit_table(text, tab, additive, lang)
        assert ct.isdigit() and len(ct) == 2 * len(text)
        assert ciphers.two_digit_table(ct, tab, additive, lang, True) == text


def test_the_known_table_is_a_special_case() -> None:
    """With the table 10 + letter index the secret-table cipher is two_digit_additive."""
    lang = "ru"
    known = "".join(f"{i + 10:02d}" for i in range(len(alphabet(lang))))
    text = message(lang, 60, random.Random(1))
    assert ciphers.two_digit_table(text, known, "3917", lang) == ciphers.two_digit_additive(
        text, "3917", lang
    )


def test_keyword_tables_are_keyed_and_deterministic() -> None:
    a = ciphers.keyword_table("ДИВИЗИЯ", "ru")
    assert a == ciphers.keyword_table("дивизия", "ru")
    assert a != ciphers.keyword_table("КРЕПОСТЬ", "ru")
    codes = ciphers.table_codes(a, "ru")
    assert codes != sorted(codes)  # not in alphabet order
    assert ciphers.random_table("en", 5) == ciphers.random_table("en", 5)
    assert all(
        int(c) >= 10 for c in ciphers.table_codes(ciphers.random_table("en", 5, "high"), "en")
    )


@pytest.mark.parametrize(
    "tab,needle",
    [
        ("1234", "needs 52 digits"),
        ("10" * 26, "more than one letter"),
        ("12345", "needs 52 digits"),
        ("ДИВИЗИЯ", "no en letters"),
    ],
)
def test_bad_tables_are_refused(tab: str, needle: str) -> None:
    with pytest.raises(LiaisonError, match=needle):
        ciphers.two_digit_table("ATTACK", tab, "123", "en")


def test_decrypting_with_the_wrong_key_says_which_group() -> None:
    ct = ciphers.two_digit_table("ATTACK", ciphers.random_table("en", 1), "123", "en")
    with pytest.raises(LiaisonError, match="not in the table"):
        ciphers.two_digit_table(ct, ciphers.random_table("en", 2, "high"), "123", "en", True)
    with pytest.raises(LiaisonError, match="odd number"):
        ciphers.two_digit_table(ct + "1", ciphers.random_table("en", 1), "123", "en", True)
    with pytest.raises(LiaisonError, match="additive needs digits"):
        ciphers.two_digit_table("ATTACK", "VISTULA", "", "en")


# --- period and alignment -------------------------------------------------------------------


def _case(lang: str, letters: int, seed: int, additive: str, tab: str | None = None):  # type: ignore[no-untyped-def]
    pt = message(lang, letters, random.Random(seed))
    tab = tab or ciphers.random_table(lang, seed)
    return pt, tab, ciphers.two_digit_table(pt, tab, additive, lang)


@pytest.mark.parametrize(
    "lang,additive,classes",
    [("ru", "4821", 2), ("ru", "27183", 5), ("en", "905", 3), ("en", "314159", 3)],
)
def test_period_and_alignment_from_counts_alone(lang: str, additive: str, classes: int) -> None:
    """An odd period of p digits spans 2p digits (p pair classes); the best alignment strips the
    stream to one symbol per plaintext letter."""
    pt, _, ct = _case(lang, 200, 3, additive)
    pairs = table._pairs(ct)
    assert table.spans(pairs, lang)[0] == classes
    n, m, offs = table.candidates(pairs, lang)[0]
    assert m == classes
    sym = table._strip(pairs, offs).tolist()
    assert n == len(set(pt)) and len(set(zip(sym, pt, strict=True))) == len(set(pt))


# --- the solver -----------------------------------------------------------------------------

CASES = [  # lengths where the benchmark measured ≥ 95 % (see docs/codebreak.md)
    ("ru", 200, 15, "27183", None),  # 400 digits, random table, odd period
    ("en", 150, 12, "4096", "VISTULA"),  # 300 digits, keyword table
    ("ru", 300, 16, "314159", "ДИВИЗИЯ"),  # 600 digits, keyword table
]


@pytest.mark.parametrize("lang,letters,seed,additive,tab", CASES)
def test_solver_recovers_plaintext_table_and_relative_additive(
    lang: str, letters: int, seed: int, additive: str, tab: str | None
) -> None:
    pt, tab, ct = _case(lang, letters, seed, additive, tab)
    grouped = " ".join(ct[i : i + 5] for i in range(0, len(ct), 5))
    sol = crack(grouped, lang=lang, cipher="two_digit_table", budget=4.0)
    assert sol.cipher == "two_digit_table" and sol.language == lang
    assert _right(sol.plaintext, pt) >= 0.95
    assert sol.confidence >= CONFIDENT
    key_table, key_add = str(sol.key).split(",")
    # the key decrypts the ciphertext to the answer
    assert ciphers.two_digit_table(ct, key_table, key_add, lang, True) == sol.plaintext
    # the additive is the true one relative to its first digit (odd period) or first pair
    k = [int(d) for d in additive]
    r = [int(d) for d in key_add]
    if len(k) % 2:
        assert len(r) == len(k) and len({(x - y) % 10 for x, y in zip(k, r, strict=True)}) == 1
    else:
        assert r[:2] == [0, 0] and len(r) == len(k)
        assert len({(x - y) % 10 for x, y in zip(k[0::2], r[0::2], strict=True)}) == 1
        assert len({(x - y) % 10 for x, y in zip(k[1::2], r[1::2], strict=True)}) == 1
    # the table is the true one shifted by one digitwise constant, for every letter used
    true_codes, got_codes = _codes(tab, lang), _codes(key_table, lang)
    shifts = {
        (
            (int(got_codes[c][0]) - int(true_codes[c][0])) % 10,
            (int(got_codes[c][1]) - int(true_codes[c][1])) % 10,
        )
        for c in set(sol.plaintext) & set(pt)
    }
    assert len(shifts) == 1


def test_crack_tries_the_secret_table_after_the_known_one() -> None:
    assert identify.identify("1234 5678 9012 3456 7890 12").ciphers == [
        "two_digit_additive",
        "two_digit_table",
        "checkerboard",  # 20 digits or more may also be a straddling checkerboard
    ]
    pt, _, ct = _case("en", 150, 21, "8264")
    sol = crack(ct, lang="en", budget=6.0)
    assert sol.cipher == "two_digit_table" and _right(sol.plaintext, pt) >= 0.95


# --- hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad,needle",
    [
        ("1234 5678 9012", "too few"),
        ("12345 67890 12345 67890 12345 67890 12345 67890 1", "odd"),
        ("ATTACK AT DAWN", "expects digits"),
    ],
)
def test_garbage_gives_clear_errors(bad: str, needle: str) -> None:
    with pytest.raises(LiaisonError, match=needle):
        crack(bad, lang="en", cipher="two_digit_table", budget=1.0)


def test_random_digits_are_refused_or_unconfident() -> None:
    rng = random.Random(7)
    noise = "".join(str(rng.randrange(10)) for _ in range(400))
    with pytest.raises(LiaisonError, match="more distinct code pairs than the 32 letters"):
        crack(noise, lang="ru", cipher="two_digit_table", budget=1.0)
    short = "".join(str(rng.randrange(10)) for _ in range(60))  # few pairs: anything "aligns"
    assert crack(short, lang="en", cipher="two_digit_table", budget=0.5).confidence < CONFIDENT


# --- CLI ----------------------------------------------------------------------------------


def test_cli_encrypt_crack_json_decrypt(cli_env, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from liaison.cli.app import main

    pt = message("ru", 200, random.Random(31))

    def run(args: list[str], stdin: str) -> str:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code in (0, None)
        return capsys.readouterr().out.strip()

    ct = run(["encrypt", "--cipher", "two_digit_table", "--key", "ШТАБ,31415", "--lang", "ru"], pt)
    assert ct.isdigit() and len(ct) == 400
    out = json.loads(
        run(["crack", "--cipher", "two_digit_table", "--lang", "ru", "--json", "--budget", "4"], ct)
    )
    assert set(out) == {"cipher", "language", "key", "plaintext", "score", "confidence", "alphabet"}
    assert out["cipher"] == "two_digit_table" and out["language"] == "ru"
    assert out["plaintext"].isalpha() and _right(out["plaintext"], pt) >= 0.95
    back = run(["decrypt", "--cipher", "two_digit_table", "--key", out["key"], "--lang", "ru"], ct)
    assert back == out["plaintext"]
