"""Designations, transliteration keys and the gazetteer, against tables written independently."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.core.geo import haversine_km
from liaison.names import format_designation, parse_designation
from liaison.names.translit import name_keys, to_latin
from liaison.names.vocab import BRANCHES as VOCAB_BRANCHES
from liaison.names.vocab import ECHELONS

HERE = Path(__file__).parent


def test_designation_table_parses_at_least_98_percent() -> None:
    rows = list(csv.DictReader((HERE / "designations.csv").open(encoding="utf-8")))
    assert len(rows) >= 200
    assert {r["language"] for r in rows} == {"en", "pl", "ru", "de", "ja"}
    failures = []
    for r in rows:
        d = parse_designation(r["designation"])
        expected = (
            int(r["number"]) if r["number"] else None,
            r["echelon"],
            r["branch"] or None,
            frozenset(h for h in r["honorifics"].split(";") if h),
            r["name"] or None,
            r["language"],
        )
        got = (d.number, d.echelon, d.branch, d.honorifics, d.name, d.language)
        if got != expected:
            failures.append(f"{r['designation']}: expected {expected}, got {got}")
    rate = 1 - len(failures) / len(rows)
    print(f"designations: {rate:.1%} of {len(rows)} fully right", *failures, sep="\n")
    assert rate >= 0.98, "\n".join(failures)


BRANCHES = [b for b in VOCAB_BRANCHES if b not in ("combined_arms", "naval_infantry")]
AIR = ["aviation", "aviation_fighter", "aviation_bomber", "aviation_assault"]


@st.composite
def unit_identity(draw):  # type: ignore[no-untyped-def]
    echelon = draw(st.sampled_from([e for e in ECHELONS if e != "front"]))
    if echelon == "army":
        branch = draw(st.sampled_from([None, "aviation", "armour", "cavalry", "combined_arms"]))
    elif echelon == "squadron":
        branch = draw(st.sampled_from(AIR))
    else:
        branch = draw(st.sampled_from(BRANCHES))
    hon = draw(
        st.sampled_from(
            [
                frozenset(),
                {"guards"},
                {"red_banner"},
                {"guards", "red_banner"},
                {"special"},
                {"separate"},
            ]
        )
    )
    return draw(st.integers(1, 99_999)), echelon, branch, frozenset(hon)


@settings(max_examples=400, deadline=None)
@given(unit_identity(), st.sampled_from(["en", "pl", "ru", "de", "ja"]), st.booleans())
def test_format_then_parse_round_trips(ident, lang: str, abbreviated: bool) -> None:  # type: ignore[no-untyped-def]
    n, e, b, h = ident
    text = format_designation(n, e, b, h, lang=lang, abbreviated=abbreviated)
    d = parse_designation(text)
    assert (d.number, d.echelon, d.branch, d.honorifics) == (n, e, b, h), text


@pytest.mark.parametrize("name", ["far_eastern", "transbaikal", "belorussian", "kiev", "leningrad"])
@pytest.mark.parametrize("lang", ["en", "pl", "ru", "de", "ja"])
def test_named_formations_round_trip(name: str, lang: str) -> None:
    for echelon, hon in (("front", frozenset()), ("army", frozenset({"special", "red_banner"}))):
        d = parse_designation(format_designation(None, echelon, None, hon, name, lang=lang))
        assert (d.number, d.echelon, d.honorifics, d.name) == (None, echelon, hon, name)


@pytest.mark.parametrize(
    "text", ["", "   ", "???", "12345", "x" * 10_000, "第", "Дивизия", "🙂 division", "\x00"]
)
def test_odd_input_never_raises(text: str) -> None:
    d = parse_designation(text)
    assert d.raw == text


def test_kanji_and_fullwidth_numbers() -> None:
    assert parse_designation("第二十七狙撃師団").number == 27
    assert parse_designation("第百五狙撃師団").number == 105
    assert parse_designation("第２７狙撃師団").number == 27


@pytest.mark.parametrize(
    "spellings",
    [
        ["Władywostok", "Wladiwostok", "Vladivostok", "Владивосток"],
        ["Chabarowsk", "Khabarovsk", "Хабаровск"],
        ["Czyta", "Tschita", "Chita", "Чита"],
        ["Woroszyłow", "Voroshilov", "Ворошилов"],
        ["Mińsk", "Minsk", "Минск"],
    ],
)
def test_cross_script_spellings_share_a_key(spellings: list[str]) -> None:
    sets = [set(name_keys(s)) for s in spellings]
    common = set.intersection(*sets)
    assert common, {s: name_keys(s) for s in spellings}


def test_to_latin() -> None:
    assert to_latin("Хабаровск") == "khabarovsk"
    assert to_latin("ハバロフスク") == "habarofusuku"
    assert to_latin("Łódź") == "lodz"


def test_place_table_resolves_95_percent_within_10_km() -> None:
    from liaison.names import gazetteer

    rows = list(csv.DictReader((HERE / "places.csv").open(encoding="utf-8")))
    assert len(rows) >= 150
    assert {r["language"] for r in rows} >= {"pl", "de", "en", "ru", "ja"}
    ok, failures = 0, []
    for r in rows:
        res = gazetteer.resolve(r["name"])
        if res.status == "ok" and res.place is not None:
            d = haversine_km(res.place.lat, res.place.lon, float(r["lat"]), float(r["lon"]))
            if d <= 10:
                ok += 1
                continue
            failures.append(f"{r['name']}: {res.place.name} is {d:.0f} km off")
        else:
            failures.append(f"{r['name']}: {res.status} {[c.name for c in res.candidates[:3]]}")
    rate = ok / len(rows)
    print(f"places: {rate:.1%} of {len(rows)} within 10 km", *failures, sep="\n")
    assert rate >= 0.95, "\n".join(failures)


def test_ambiguous_place_needs_context() -> None:
    from liaison.names import gazetteer

    res = gazetteer.resolve("Błagowieszczeńsk")
    assert res.status == "ambiguous" and len(res.candidates) == 2
    amur = gazetteer.resolve("Błagowieszczeńsk", near=(48.48, 135.08))  # context: Khabarovsk
    bash = gazetteer.resolve("Blagoveshchensk", near=(54.7, 55.9))  # context: Ufa
    assert amur.status == bash.status == "ok"
    assert amur.place and bash.place
    assert abs(amur.place.lon - 127.5) < 0.5 and abs(bash.place.lon - 56.0) < 0.5


def test_unknown_place_is_unknown_not_a_guess() -> None:
    from liaison.names import gazetteer

    assert gazetteer.resolve("Nowhereville-upon-Nothing").status == "unknown"
    assert gazetteer.resolve("").status == "unknown"
