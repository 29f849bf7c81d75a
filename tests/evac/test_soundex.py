import pytest

from liaison.evac.soundex import dm_soundex
from liaison.evac.translit import to_icao

# Examples published with the Daitch–Mokotoff system (Mokotoff; JewishGen/Avotaynu).
PUBLISHED = [
    ("Peterson", "739460"),
    ("Peters", "739400"),
    ("Moskowitz", "645740"),
    ("Moskovitz", "645740"),
    ("Auerbach", "097500"),
    ("Auerbach", "097400"),
    ("Ohrbach", "097500"),
    ("Lipshitz", "874400"),
    ("Alpert", "087930"),
    ("Breuer", "791900"),
    ("Haber", "579000"),
    ("Manheim", "665600"),
    ("Topf", "370000"),
]


@pytest.mark.parametrize(("name", "code"), PUBLISHED)
def test_published_examples(name: str, code: str) -> None:
    assert code in dm_soundex(name)


def test_several_codes_for_ambiguous_letters() -> None:
    assert dm_soundex("Auerbach") == {"097500", "097400"}


@pytest.mark.parametrize("name", ["Szapiro", "Shapiro", "Шапиро", "שפירא", "シャピロ"])
def test_same_block_across_scripts(name: str) -> None:
    assert dm_soundex(name) & dm_soundex("Shapiro")


def test_icao_transliteration() -> None:
    assert to_icao("Łukasz Wąsowicz") == "LUKASZ WASOWICZ"
    assert to_icao("Müller") == "MUELLER"
    assert to_icao("Щукин Юрий") == "SHCHUKIN IURII"
    assert to_icao("スギハラ チウネ") == "SUGIHARA CHIUNE"
