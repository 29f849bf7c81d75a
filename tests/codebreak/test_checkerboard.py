"""Straddling-checkerboard solver: blank digits, solves at a measured length, keys, hostile input."""

from __future__ import annotations

import json
import random

import pytest

from liaison.codebreak import checkerboard, ciphers, identify
from liaison.codebreak.alphabets import alphabet
from liaison.codebreak.solve import DIGIT_CIPHERS, SOLVERS, crack
from liaison.codebreak.templates import message
from liaison.core.errors import LiaisonError


def _right(a: str, b: str) -> float:
    assert len(a) == len(b)
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(b)


def test_blanks_needed_matches_the_board() -> None:
    assert checkerboard.blanks_needed("en") == 2
    assert checkerboard.blanks_needed("ru") == 3
    assert checkerboard.blanks_needed("pl") == 3
    assert checkerboard.blanks_needed("de") == 3
    with pytest.raises(LiaisonError):  # one blank too few, as the board itself says
        ciphers.checkerboard("ПРИКАЗ", "ШТАБ", "26", "ru")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_true_blanks_rank_first(lang: str) -> None:
    """Digit statistics alone find the blank digits: the parse they give fits the board's layout
    and the language's letter frequencies best (ten random boards and messages)."""
    a = alphabet(lang)
    b = checkerboard.blanks_needed(lang)
    first = 0
    for seed in range(10):
        rng = random.Random(seed)
        pt = message(lang, 150, rng)
        kw = "".join(rng.choice(a) for _ in range(rng.randint(4, 10)))
        blanks = rng.sample(range(10), b)
        ct = ciphers.checkerboard(pt, kw, "".join(map(str, blanks)), lang)
        ranked = checkerboard.rank_blanks(checkerboard.digits_of(ct), lang)
        sets = [r[1] for r in ranked]
        assert tuple(sorted(blanks)) in sets[: checkerboard.SCREEN]
        first += sets[0] == tuple(sorted(blanks))
        # a set that leaves the text ending on a blank digit is never offered
        assert all(checkerboard.parse(checkerboard.digits_of(ct), r[1]) for r in ranked)
    assert first >= 9


def test_board_key_round_trip() -> None:
    pt = "THEDIVISIONWILLATTACKATONCE"
    ct = ciphers.checkerboard(pt, "ZEBRAS", "62", "en")
    enc, _ = ciphers._board("ZEBRAS", "62", "en")
    mapping = {checkerboard.parse([int(x) for x in code], (6, 2))[0]: c for c, code in enc.items()}
    key = checkerboard.board_key(mapping, (2, 6), "en")
    assert key == "ZEBRAS,62"  # the row order and the keyword come back
    assert ciphers.checkerboard(ct, *str(key).split(","), "en", True) == pt


# Lengths where benchmarks/crack_keyed.py measured high success (docs/codebreak.md).
@pytest.mark.parametrize(
    "lang,kw,blanks,seed",
    [("ru", "ДИВИЗИЯ", "369", 1), ("ru", "ЖИТОМИР", "814", 2), ("en", "CAVALRY", "73", 3)],
)
def test_checkerboard_solved(lang: str, kw: str, blanks: str, seed: int) -> None:
    pt = message(lang, 200, random.Random(seed))
    ct = ciphers.checkerboard(pt, kw, blanks, lang)
    grouped = " ".join(ct[i : i + 5] for i in range(0, len(ct), 5))
    sol = crack(grouped, lang=lang, cipher="checkerboard", budget=3.0)
    assert sol.cipher == "checkerboard"
    assert _right(sol.plaintext, pt) >= 0.95
    assert sol.confidence > 0
    key, got_blanks = str(sol.key).split(",")
    assert got_blanks == blanks  # the row digits, in the board's order
    assert ciphers.checkerboard(ct, key, got_blanks, lang, True) == sol.plaintext


def test_odd_digit_stream_is_identified_and_solved() -> None:
    pt = message("en", 200, random.Random(4))
    ct = ciphers.checkerboard(pt, "LANCER", "48", "en")
    if len(ct) % 2 == 0:
        pt, ct = pt[:-1], ciphers.checkerboard(pt[:-1], "LANCER", "48", "en")
    if len(ct) % 2 == 0:  # the last letter had a two-digit code: drop one more
        pt, ct = pt[:-1], ciphers.checkerboard(pt[:-1], "LANCER", "48", "en")
    assert len(ct) % 2 == 1
    assert identify.identify(ct).ciphers == ["checkerboard"]
    sol = crack(ct, lang="en", budget=2.0)
    assert sol.cipher == "checkerboard" and _right(sol.plaintext, pt) >= 0.95


def test_registered_as_a_digit_cipher() -> None:
    assert "checkerboard" in SOLVERS and "checkerboard" in DIGIT_CIPHERS
    assert identify.identify("1234567890" * 5).ciphers == [
        "two_digit_additive",
        "two_digit_table",
        "checkerboard",
    ]


def test_random_digits_get_low_confidence() -> None:
    rng = random.Random(9)
    digits = "".join(str(rng.randrange(10)) for _ in range(301))
    sol = crack(digits, lang="en", cipher="checkerboard", budget=1.0)
    assert sol.confidence < 0.2


ALL_PAIRS = "".join(f"{i:02d}" for i in range(100)) * 2  # every blank set: too many codes


@pytest.mark.parametrize(
    "bad,lang,needle",
    [
        ("12345 67890 1234", "en", "too few"),
        ("ATTACK AT DAWN ATTACK AT DAWN", "en", "expects digits"),
        ("12345 67890 1", "en", "odd"),  # identification: odd, too short for a checkerboard
        (ALL_PAIRS, "ru", "not a ru straddling checkerboard"),
    ],
)
def test_checkerboard_garbage_gives_clear_errors(bad: str, lang: str, needle: str) -> None:
    with pytest.raises(LiaisonError, match=needle):
        crack(bad, lang=lang, cipher="checkerboard", budget=0.5)


def test_cli_crack_checkerboard_json(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    from liaison.cli.app import main
    from liaison.cli.codebreak import apply

    pt = message("ru", 200, random.Random(12))
    ct = ciphers.checkerboard(pt, "КАВАЛЕРИЯ", "052", "ru")
    monkeypatch.setattr("sys.stdin", io.StringIO(ct))
    with pytest.raises(SystemExit) as exc:
        main(["crack", "--cipher", "checkerboard", "--lang", "ru", "--json", "--budget", "2"])
    assert exc.value.code in (0, None)
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"cipher", "language", "key", "plaintext", "score", "confidence", "alphabet"}
    assert out["cipher"] == "checkerboard" and out["language"] == "ru" and out["alphabet"] == "ru"
    assert _right(out["plaintext"], pt) >= 0.95
    assert apply("checkerboard", ct, out["key"], "ru", True) == out["plaintext"]
