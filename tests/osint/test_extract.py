"""Unit mentions in ru, uk, pl, de, en (and ja): every case, abbreviation, ordinal, list and
numbering style the issue names; counts that are not names; places and dates tied."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liaison.osint.documents import Document
from liaison.osint.extract import Dictionary, extract, find_units


def units(text: str, lang: str) -> list[tuple[int | None, str | None]]:
    return [(f.number, f.echelon) for f in find_units(text, [lang])]


def doc(text: str, lang: str, published: datetime | None = None) -> Document:
    return Document("d" * 64, "x.txt", "d" * 64, "text", None, published, lang, text)


@pytest.mark.parametrize(
    "text",
    [
        "27-я стрелковая дивизия",
        "27-й стрелковой дивизии",
        "27-ю стрелковую дивизию",
        "27-й стрелковой дивизией",
        "о 27-й стрелковой дивизии",
        "27 сд",
        "27-я сд",
    ],
)
def test_russian_division_in_every_case(text: str) -> None:
    assert units(f"Штаб: {text} отошла.", "ru") == [(27, "division")]


def test_russian_forms_guards_abbreviations_lists_and_unit_numbers() -> None:
    text = (
        "1-й гвардейской танковой армии, 4-я гв. тд, 150 мсд и 3-й армейский корпус. "
        "54-й и 18-й дивизий было мало. Служит в в/ч 12345, а раньше — в войсковой части 61899."
    )
    found = find_units(text, ["ru"])
    got = [(f.number, f.echelon, f.unit_number) for f in found]
    assert got == [
        (1, "army", None),
        (4, "division", None),
        (150, "division", None),
        (3, "corps", None),
        (54, "division", None),
        (18, "division", None),
        (None, None, "12345"),
        (None, None, "61899"),
    ]
    first, second = found[0], found[1]
    assert first.guards and first.branch == "armour"
    assert second.guards and second.branch == "armour"
    assert found[2].branch == "motorised"


def test_named_groups_of_forces_and_years_that_are_not_numbers() -> None:
    text = (
        "В ночь на 21 августа 1968 года войска Группы советских войск в Германии, Северной "
        "группы войск и Прикарпатского военного округа вошли в Чехословакию."
    )
    got = [(f.text, f.number, f.echelon) for f in find_units(text, ["ru"])]
    assert got == [
        ("Группы советских войск в Германии", None, "front"),
        ("Северной группы войск", None, "front"),
        ("Прикарпатского военного округа", None, "front"),
    ]


def test_counts_are_not_names() -> None:
    assert units("Противник сосредоточил 5 дивизий и 2 бригады.", "ru") == []
    assert units("Es standen 5 Divisionen bereit.", "de") == []
    assert units("Wróg miał 5 pułków i 2 brygady.", "pl") == []
    assert units("They had 5 divisions and 20,000 Army reservists.", "en") == []
    # but a bare number with a singular noun in the genitive names one
    assert units("штаб 5 армии", "ru") == [(5, "army")]


def test_ukrainian_forms_and_unit_numbers() -> None:
    text = (
        "Бійці 93-ї окремої механізованої бригади, 3-тя окрема штурмова бригада, 47-ма ОМБр, "
        "25-та ОПДБр та 1-ша танкова армія. Військовослужбовці в/ч А0989 і військової частини А4010."
    )
    got = [(f.number, f.echelon, f.unit_number) for f in find_units(text, ["uk"])]
    assert got == [
        (93, "brigade", None),
        (3, "brigade", None),
        (47, "brigade", None),
        (25, "brigade", None),
        (1, "army", None),
        (None, None, "А0989"),
        (None, None, "А4010"),
    ]


def test_polish_forms_abbreviations_and_names() -> None:
    text = (
        "W bitwie walczyły 14, 17 i 25 Dywizja Piechoty, 10 BK, 10 BKZmot, 4 DP, 12 Dywizji "
        "Zmechanizowanej, 9 pułku piechoty oraz Armia „Poznań” i Wielkopolska Brygada Kawalerii. "
        "I Korpus Polski stał w rezerwie."
    )
    got = units(text, "pl")
    assert got == [
        (14, "division"),
        (17, "division"),
        (25, "division"),
        (10, "brigade"),
        (10, "brigade"),
        (4, "division"),
        (12, "division"),
        (9, "regiment"),
        (None, "army"),
        (None, "brigade"),
        (1, "corps"),
    ]


def test_german_forms_lists_abbreviations_and_numbers_after_the_noun() -> None:
    text = (
        "Die 5., 37. und 38. Armee griffen an; das XIV. Panzerkorps und die 16. Pz.Div. folgten. "
        "Die 1. Garde-Panzerarmee, das II. SS-Panzerkorps, die Panzerbrigade 45 und das "
        "Panzergrenadierbataillon 122. Die Heeresgruppe Mitte wich."
    )
    assert units(text, "de") == [
        (5, "army"),
        (37, "army"),
        (38, "army"),
        (14, "corps"),
        (16, "division"),
        (1, "army"),
        (2, "corps"),
        (45, "brigade"),
        (122, "battalion"),
        (None, "front"),
    ]


def test_english_forms_roman_numerals_and_districts() -> None:
    text = (
        "The 1st Guards Tank Army, the 27th and 28th Rifle Divisions, III Corps, the 150th MRD "
        "and the Western Military District. I think the army group held."
    )
    found = find_units(text, ["en"])
    assert [(f.number, f.echelon) for f in found] == [
        (1, "army"),
        (27, "division"),
        (28, "division"),
        (3, "corps"),
        (150, "division"),
        (None, "front"),
    ]
    assert found[0].guards and found[0].branch == "armour"


def test_japanese_where_the_parser_reads_it() -> None:
    assert units("第二十七狙撃師団と親衛第1戦車軍", "ja") == [(27, "division"), (1, "army")]


def test_dictionary_names_and_garrison_rank_places() -> None:
    d = Dictionary(
        [
            ("u-kant", "Кантемировская дивизия", (55.39, 36.73)),
            {"unit_id": "u-27", "name": "27th Rifle Division", "lat": 51.73, "lon": 36.19},
        ]
    )
    text = "Танки Кантемировской дивизии и 27-й стрелковой дивизии вышли к Лиману."
    ms = extract(doc(text, "ru"), dictionary=d)
    assert [(m.unit.number, m.unit_ids) for m in ms] == [(None, ("u-kant",)), (27, ("u-27",))]
    # Лиман is ambiguous; the garrison near Kursk makes the Kharkiv-region one win over the
    # others — never a Lyman on the far side of the country
    place = ms[1].place
    assert place is not None and 48.5 < place.lat < 50.5 and 36 < place.lon < 38.5


def test_place_tie_inflected_names_and_precision() -> None:
    cases = [
        ("ru", "27-я стрелковая дивизия заняла оборону под Белгородом.", "Belgorod", 2),
        ("ru", "27-я стрелковая дивизия вошла в Курск.", "Kursk", 1),
        ("uk", "93-тя бригада тримає оборону біля Покровська.", "Pokrovsk", 2),
        ("pl", "4 DP stacjonowała w Kutnie.", "Kutno", 1),
        ("de", "Die 6. Armee stand bei Stalingrad.", "Volgograd", 2),
        ("en", "The 47th Mechanized Brigade attacked near Robotyne and Orikhiv.", "Robotyne", 2),
        ("ru", "Учения 3-й мотострелковой дивизии прошли в Воронежской области.", "Voronezh", 3),
    ]
    for lang, text, name, precision in cases:
        (m,) = extract(doc(text, lang))
        assert m.place is not None and m.place.name == name, (text, m.place)
        assert m.place.precision == precision, (text, m.place)


def test_date_tie_sentence_paragraph_publication_and_relative() -> None:
    pub = datetime(2023, 6, 14, 9, 0, tzinfo=UTC)
    text = (
        "12 марта 1943 г. 27-я сд заняла Курск. 54-я сд подошла позже.\n"
        "Вчера 150-я мсд отошла.\n"
        "20 ноября перешли в наступление 51-я и 57-я армии."
    )
    ms = extract(doc(text, "ru", pub))
    got = {m.unit.number: (m.date, m.date_precision) for m in ms}
    assert got[27] == ("1943-03-12", 1)  # the sentence's date
    assert got[54] == ("1943-03-12", 2)  # the paragraph's, from context
    assert got[150] == ("2023-06-13", 1)  # "yesterday" from publication
    assert got[51] == ("1943-11-20", 1)  # the year the text last named
    m = ms[0]
    assert text[m.start : m.end] == m.text == "27-я сд"
    assert m.quote == "12 марта 1943 г. 27-я сд заняла Курск."


def test_dates_in_every_language_keep_their_precision() -> None:
    from liaison.osint.dates import find_dates

    assert [h.value for h in find_dates("Am 5. Juli 1943 und im März 1944", "de")] == [
        "1943-07-05",
        "1944-03",
    ]
    assert [h.value for h in find_dates("12 marca 1943 r., we wrześniu 1944 r.", "pl")] == [
        "1943-03-12",
        "1944-09",
    ]
    assert [h.value for h in find_dates("10 вересня 2022 року", "uk")] == ["2022-09-10"]
    assert [h.value for h in find_dates("On June 22, 1944 and in 1945. It may 5 be", "en")] == [
        "1944-06-22",
        "1945",
    ]
    assert [h.value for h in find_dates("12.III.1943 и 2023-05-20", "ru")] == [
        "1943-03-12",
        "2023-05-20",
    ]
