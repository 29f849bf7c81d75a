"""The one capital rule (osint/tie.py, Tier._capital) in every language: the country the words
name, a news dateline's capital, a capital named before, a language's default; by-names and a
region's "capital" are none. Sentences are written for these tests, not taken from the
evaluation set."""

from __future__ import annotations

from datetime import UTC, datetime

from liaison.osint.tie import _COUNTRIES, _country_of
from tests.osint.helpers import by_number, near

PUB = datetime(2025, 5, 3, tzinfo=UTC)
VILNIUS = (54.69, 25.28)
MINSK = (53.90, 27.57)
KYIV = (50.45, 30.52)


def test_one_country_table_names_each_country_in_each_language() -> None:
    for word, lang in [
        ("Lithuanian", "en"),
        ("litewskiej", "pl"),
        ("Litwy", "pl"),
        ("litauischen", "de"),
        ("Litauens", "de"),
        ("литовской", "ru"),
        ("Литвы", "ru"),
        ("литовської", "uk"),
    ]:
        c = _country_of(word, lang)
        assert c is not None and c.capital == "Vilnius", (word, lang)
    assert _country_of("Bawarii", "pl") is None
    assert len({c.code for c in _COUNTRIES}) == len(_COUNTRIES)


def test_english_the_adjectives_country_and_the_datelines_capital() -> None:
    ms = by_number(
        "Officials said the 11th Brigade moved into the Lithuanian capital in May.", "en"
    )
    assert near(ms[11].place, *VILNIUS)
    text = "MINSK, May 3 (Reuters) - The 5th Brigade was moved to the capital on Friday."
    ms = by_number(text, "en", PUB)
    assert near(ms[5].place, *MINSK)
    # a dateline town that is no capital is not "the capital": only the story's region
    text = "KHARKIV, May 3 (Reuters) - The 5th Brigade was moved to the capital on Friday."
    p = by_number(text, "en", PUB)[5].place
    assert p is None or p.precision == 3


def test_polish_and_german_the_genitives_and_the_adjectives_country() -> None:
    ms = by_number("9 Brygada stacjonuje w stolicy Litwy.", "pl")
    assert near(ms[9].place, *VILNIUS)
    # a genitive that names no country of the table: no capital we know
    assert by_number("9 Brygada stacjonuje w stolicy Bawarii.", "pl")[9].place is None
    text = "Die 4. Brigade ist seit Mai in der belarussischen Hauptstadt stationiert."
    assert near(by_number(text, "de")[4].place, *MINSK)


def test_russian_a_countrys_adjective_which_the_old_rule_did_not_read() -> None:
    ms = by_number("5-я бригада вошла в литовскую столицу.", "ru")
    assert near(ms[5].place, *VILNIUS)
    # "столица Донбасса" is a region's, "северная столица" a by-name: neither is a capital
    ms = by_number("Бои шли под Минском. 5-я армия вошла в столицу Донбасса.", "ru")
    p = ms[5].place
    assert p is not None and p.precision == 2


def test_ukrainian_a_datelines_capital_beats_the_default_kyiv() -> None:
    assert near(by_number("5-та бригада прикривала столицю.", "uk")[5].place, *KYIV)
    ms = by_number("ВІЛЬНЮС, 3 травня — 5-та бригада прикривала столицю.", "uk", PUB)
    assert near(ms[5].place, *VILNIUS)
    ms = by_number("5-та бригада увійшла до литовської столиці.", "uk")
    assert near(ms[5].place, *VILNIUS)
    ms = by_number("Бої йшли під Харковом. 5-та бригада прикривала північну столицю.", "uk")
    assert not near(ms[5].place, *KYIV)
