"""Depth alignment and additive stripping for codebook traffic (liaison.codebreak.depth)."""

from __future__ import annotations

import json
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.codebreak import ciphers, codebook, depth
from liaison.codebreak.solve import crack
from liaison.core.errors import LiaisonError


def _far(tr: depth.Traffic, lang: str, rng: random.Random, count: int) -> tuple[list[str], list]:
    """Messages on the same additive but far from every message of the depth."""
    lo = min(tr.offsets)
    hi = max(o + len(c) for o, c in zip(tr.offsets, tr.codes, strict=True))
    free = [o for o in range(0, len(tr.additive) - 40) if o + 40 < lo or o > hi + 5]
    out, codes = [], []
    for k in range(count):
        o = free[len(free) * k // count]
        g = depth.traffic(lang, 1, rng, lengths=(20, 30)).codes[0]
        out.append(depth.encipher_at(g, tr.additive, o))
        codes.append((o, g))
    # far messages must not overlap each other either
    assert all(b[0] >= a[0] + len(a[1]) for a, b in zip(codes, codes[1:], strict=False))
    return out, codes


def _consistent(al: depth.Alignment, true: list[int], members: list[int]) -> int:
    """Members placed consistently with the true offsets (relative to the commonest placement)."""
    diffs = Counter(true[i] - al.offset[i] for i in members)  # type: ignore[operator]
    return diffs.most_common(1)[0][1]


@pytest.mark.parametrize("lang,seed", [("ru", 1), ("en", 2), ("de", 3)])
def test_align_finds_true_offsets_and_reports_loners(lang: str, seed: int) -> None:
    rng = random.Random(seed)
    tr = depth.traffic(lang, 14, rng, lengths=(15, 40), additive_length=500, window=25)
    far, _ = _far(tr, lang, rng, 2)
    al = depth.align(tr.ciphertexts + far)
    main = al.depths[0]
    assert set(main) <= set(range(14))  # the far messages never join the depth
    assert al.unaligned[-2:] == [14, 15] and al.depth[14] is None and al.depth[15] is None
    assert "overlaps nothing" in al.evidence[14]
    assert _consistent(al, tr.offsets, main) == len(main)  # every placement right
    assert len(main) >= 12  # and nearly all found
    assert min(al.offset[i] for i in main) == 0  # type: ignore[type-var]


def test_align_scattered_traffic_places_nothing_wrong() -> None:
    """20 messages anywhere in a 500-group additive: sparse overlaps, so not all are found, but
    every depth it reports is consistent with the truth."""
    rng = random.Random(7)
    tr = depth.traffic("ru", 20, rng, lengths=(15, 40), additive_length=500)
    try:
        al = depth.align(tr.ciphertexts)
    except LiaisonError as exc:  # no overlap found at all is an honest answer
        assert "overlap" in str(exc)
        return
    for members in al.depths:
        assert _consistent(al, tr.offsets, members) == len(members)
        # members of one depth really overlap something of it
        spans = [(tr.offsets[i], tr.offsets[i] + len(tr.codes[i])) for i in members]
        for a, b in spans:
            assert any(a < d and c < b for c, d in spans if (c, d) != (a, b))


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_strip_unknown_recovers_additive_up_to_a_constant(lang: str) -> None:
    rng = random.Random(11)
    tr = depth.traffic(lang, 12, rng, window=20)
    al = depth.align(tr.ciphertexts)
    members = al.depths[0]
    assert _consistent(al, tr.offsets, members) == len(members)
    s = depth.strip_unknown(al)
    assert s.constant is None and s.additive[s.reference] == 0  # relative: reference reads 0000
    base = tr.offsets[members[0]] - al.offset[members[0]]  # type: ignore[operator]
    true = [int(tr.additive[base + t]) for t in range(len(s.additive))]
    # relative additive: differences between determined columns are the true differences
    known = [t for t, a in enumerate(s.additive) if a is not None]
    c = Counter(int(depth.dsub(true[t], s.additive[t])) for t in known).most_common(1)[0][0]
    assert c == true[s.reference]
    # one crib in the deepest column fixes the constant
    t = max(known, key=lambda t: s.depth[t])
    i = next(i for i in members if s.start[i] <= t < s.start[i] + len(tr.codes[i]))
    fixed = depth.fix_constant(s, i, t - s.start[i], tr.codes[i][t - s.start[i]])
    assert fixed.constant == c
    right = {t for t in known if fixed.additive[t] == true[t]}
    assert len(right) >= 0.9 * len(known)
    deep = [t for t in known if s.depth[t] >= 5]  # five messages or more over the column
    assert len(deep) >= 10 and len(right.intersection(deep)) >= 0.95 * len(deep)
    assert s.determined >= 0.85
    # the stripped groups are the code groups where the additive is right
    for m in members:
        for p, v in enumerate(fixed.stripped[m]):
            if fixed.additive[s.start[m] + p] == true[s.start[m] + p]:
                assert depth.fmt(v) == tr.codes[m][p]
    # the frequency table puts the commonest true code group (shifted by c) on top
    commonest = Counter(g for m in members for g in tr.codes[m]).most_common(3)
    top = s.table()[0][0]
    assert depth.fmt(int(depth.dsub(int(top), c))) in {g for g, _ in commonest}


def test_constant_from_the_book_and_from_a_partial_book() -> None:
    rng = random.Random(5)
    tr = depth.traffic("ru", 12, rng, window=20)
    al = depth.align(tr.ciphertexts)
    s = depth.strip_unknown(al)
    members = al.depths[0]
    base = tr.offsets[members[0]] - al.offset[members[0]]  # type: ignore[operator]
    c_true = int(tr.additive[base + s.reference])
    fixed, post = depth.fix_with_book(s, "ru")
    assert fixed.constant == c_true and post > 0.9
    # a partial book: the groups of a dozen letters the analyst has recovered
    bk = codebook.book("ru")
    partial = {ch: bk.code[ch] for ch in "ОЕАИНТСРВЛКД"}
    fixed2, post2 = depth.fix_with_book(s, partial)
    assert fixed2.constant == c_true and post2 > 0.9
    with pytest.raises(LiaisonError, match="already fixed"):
        depth.fix_constant(fixed, members[0], 0, "1234")
    # a crib of several groups (a spelt word is one group per letter), one of them wrong
    m = members[0]
    p = next(p for p in range(len(tr.codes[m]) - 5) if None not in s.stripped[m][p : p + 6])
    crib = list(tr.codes[m][p : p + 6])
    crib[2] = f"{(int(crib[2]) + 1111) % 10_000:04d}"
    fixed3 = depth.fix_constant(s, m, p, crib)
    assert fixed3.constant == c_true and "5 of 6" in fixed3.fix


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_crack_known_book_aligns_first_and_decodes_most_words(lang: str) -> None:
    rng = random.Random(21)
    tr = depth.traffic(lang, 10, rng, window=20)
    far, far_codes = _far(tr, lang, rng, 1)
    sol = crack("\n".join(tr.ciphertexts + far), lang=lang, cipher="codebook", budget=2.0)
    key = sol.key
    assert isinstance(key, dict)
    assert key["depth"][10] is None and key["offset"][10] is None
    members = [i for i, d in enumerate(key["depth"]) if d == 0]
    assert len(members) >= 9
    al = depth.Alignment([], key["depth"], key["offset"], [])
    assert _consistent(al, tr.offsets, members) == len(members)
    lines = sol.plaintext.splitlines()
    assert len(lines) == 11 and lines[10] == "(not aligned)"
    bk = codebook.book(lang)
    right = total = 0
    for i in members:
        words = lines[i].split()
        truth = [bk.word[g] for g in tr.codes[i]]
        assert len(words) == len(truth)
        right += sum(w == t for w, t in zip(words, truth, strict=True))
        total += len(truth)
    assert right >= 0.85 * total
    assert 0.6 <= sol.confidence <= 1.0
    # the reported additive is the true one where it is shown
    i0 = members[0]
    base = tr.offsets[i0] - key["offset"][i0]
    shown = key["additive"][0].split()
    shown_right = sum(g == tr.additive[base + t] for t, g in enumerate(shown) if g != "????")
    assert shown_right >= 0.9 * sum(g != "????" for g in shown)


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_crack_codebook_tells_the_language_by_group_frequencies(lang: str) -> None:
    """All generated books hold the same groups in the same order, so every language's book
    'decodes' any traffic; only the language whose frequencies fit may be confident."""
    tr = depth.traffic(lang, 10, random.Random(8), window=20)
    sol = crack("\n".join(tr.ciphertexts), cipher="codebook", budget=5.0)
    assert sol.language == lang and sol.confidence >= 0.8
    wrong = crack("\n".join(tr.ciphertexts), lang="ru", cipher="codebook", budget=5.0)
    assert wrong.confidence < 0.2


def test_crack_codebook_same_start_still_works_when_no_repeats() -> None:
    """Two short messages from the same group with no repeated group: nothing to align on, so
    the classic same-start assumption is used and said."""
    add = "1111 2222 3333 4444 5555 6666"
    cts = [
        codebook.encrypt("the enemy attacks", add, "en"),
        codebook.encrypt("send more guns now", add, "en"),
    ]
    sol = crack("\n".join(cts), lang="en", cipher="codebook", budget=1.0)
    assert sol.key["assumed_same_start"] is True and sol.key["offset"] == [0, 0]  # type: ignore[index]


def test_periodic_additive_is_folded() -> None:
    """`liaison encrypt --cipher codebook` repeats a short additive: once stripping shows the
    period, columns a period apart are stripped as one (deeper) column."""
    rng = random.Random(12)
    add = depth.additive_book(7, rng)
    texts = depth.traffic("ru", 8, rng, lengths=(20, 35)).codes
    cts = [" ".join(depth.encipher_at(g, add * 6, 0).split()) for g in texts]
    s = depth.strip_unknown(depth.align(cts))
    known = [(t, a) for t, a in enumerate(s.additive) if a is not None]
    assert len(known) >= 0.9 * len(s.additive)
    assert all(a == s.additive[t % 7] for t, a in known)  # the relative additive has period 7
    fixed = depth.fix_constant(s, 0, 0, texts[0][0])
    start = fixed.start[0]
    assert [depth.fmt(fixed.additive[start + k]) for k in range(7)] == add


@pytest.mark.parametrize(
    "bad,needle",
    [
        (["1234 5678 9", "1234 5678"], "not a multiple of 4"),
        (["1234 5678 9012"], "at least two"),
        (["1234 5678", "no digits here"], "no digits"),
    ],
)
def test_garbage_gives_clear_errors(bad: list[str], needle: str) -> None:
    with pytest.raises(LiaisonError, match=needle):
        depth.align(bad)


def test_no_overlap_is_a_clear_error() -> None:
    rng = random.Random(3)
    add = depth.additive_book(500, rng)
    gen = depth.traffic("en", 3, rng, lengths=(20, 30))
    cts = [depth.encipher_at(g, add, o) for g, o in zip(gen.codes, (0, 150, 300), strict=True)]
    with pytest.raises(LiaisonError, match="overlap"):
        depth.align(cts)
    rand = [" ".join(f"{rng.randrange(10_000):04d}" for _ in range(30)) for _ in range(6)]
    with pytest.raises(LiaisonError, match="overlap"):
        depth.align(rand)
    with pytest.raises(LiaisonError, match="at least two"):
        crack(cts[0], lang="en", cipher="codebook")
    with pytest.raises(LiaisonError, match="run past"):
        depth.encipher_at(gen.codes[0], add, 490)
    with pytest.raises(LiaisonError, match="not traffic under an additive"):
        depth.align(["0000 " * 600, "0000 " * 600])  # refused before any pair is counted


def test_crib_errors_are_clear() -> None:
    rng = random.Random(4)
    tr = depth.traffic("ru", 10, rng, window=20)
    s = depth.strip_unknown(depth.align(tr.ciphertexts))
    outsider = next(i for i in range(20) if i not in s.members)
    with pytest.raises(LiaisonError, match="not in this depth"):
        depth.fix_constant(s, outsider, 0, "1234")
    with pytest.raises(LiaisonError, match="no group 100"):
        depth.fix_constant(s, s.members[0], 99, "1234")
    with pytest.raises(LiaisonError, match="four digits"):
        depth.fix_constant(s, s.members[0], 0, "12a4")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 9999), st.integers(0, 9999))
def test_digitwise_arithmetic_matches_the_ciphers(x: int, y: int) -> None:
    a, b = f"{x:04d}", f"{y:04d}"
    assert depth.fmt(int(depth.dadd(x, y))) == ciphers.add_digits(a, b)
    assert depth.fmt(int(depth.dsub(x, y))) == ciphers.sub_digits(a, b)
    assert int(depth.dadd(depth.dsub(x, y), y)) == x


def test_encrypt_at_matches_codebook_encrypt() -> None:
    add = depth.additive_book(50, random.Random(2))
    text = "the division will attack"
    assert depth.encrypt_at(text, add, 0, "en") == codebook.encrypt(text, " ".join(add), "en")
    shifted = depth.encrypt_at(text, " ".join(add), 7, "en")
    assert codebook.decrypt(shifted, " ".join(add[7:]), "en").startswith("THE DIVISION WILL")
    groups = np.array([int(g) for g in shifted.split()])
    codes = depth.dsub(groups, np.array([int(g) for g in add[7 : 7 + len(groups)]]))
    assert [depth.fmt(v) for v in codes] == codebook.encode(text, "en")


def test_cli_depth_text_json_and_crib(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from liaison.cli.app import main

    rng = random.Random(9)
    tr = depth.traffic("ru", 12, rng, window=20)
    f = tmp_path / "traffic.txt"
    f.write_text("\n".join(tr.ciphertexts) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["depth", str(f)])
    assert exc.value.code in (0, None)
    out = capsys.readouterr().out
    assert "relative additive" in out and "commonest first" in out
    with pytest.raises(SystemExit):
        main(["depth", str(f), "--json"])
    rep = json.loads(capsys.readouterr().out)
    s = rep["stripping"]
    assert s["relative"] is True and rep["alignment"]["depth"][0] == 0
    # crib: message #1's first group is its first code group (as printed: counted from 1)
    start = s["start"]["0"]
    assert s["additive"][start] is not None
    with pytest.raises(SystemExit):
        main(["depth", str(f), "--json", "--crib", f"1:1:{tr.codes[0][0]}"])
    fixed = json.loads(capsys.readouterr().out)["stripping"]
    base = tr.offsets[0] - start
    shown = [(t, a) for t, a in enumerate(fixed["additive"]) if a is not None]
    assert sum(a == tr.additive[base + t] for t, a in shown) >= 0.9 * len(shown)
    word = codebook.book("ru").word[tr.codes[0][0]]
    with pytest.raises(SystemExit):
        main(["depth", str(f), "--json", "--lang", "ru", "--crib", f"1:1:{word.lower()}"])
    by_word = json.loads(capsys.readouterr().out)["stripping"]
    assert by_word["constant"] == fixed["constant"] and by_word["additive"] == fixed["additive"]
    with pytest.raises(SystemExit):
        main(["depth", str(f), "--lang", "ru", "--book"])
    out = capsys.readouterr().out
    assert "decoded:" in out and word in out.split("decoded:")[1]
    with pytest.raises(SystemExit) as exc:
        main(["depth", str(f), "--crib", "1:1:XYZ"])
    assert exc.value.code == 2
