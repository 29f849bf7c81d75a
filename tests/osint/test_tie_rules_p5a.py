"""Place rules for German, Ukrainian and Russian found on the fifth development set, one test
each, with sentences written for these tests (classes of construction, not single towns)."""

from __future__ import annotations

from liaison.osint.extract import extract
from liaison.osint.places import forms, lookup
from tests.osint.helpers import by_number, doc, near


def test_uk_town_in_iv_keeps_its_stem_in_the_locative() -> None:
    # "у Яворові" is Yavoriv (Яворів), not the Polish Jawor its bare stem "Явор" would be
    assert "Яворів" in forms("Яворові", "uk")
    place, _c, _ok = lookup("Яворові", "uk")
    assert place is not None and place.country == "UA"
    ms = by_number("Навчання провела 24-та бригада, що стоїть у Яворові.", "uk")
    assert near(ms[24].place, 49.94, 23.38)


def test_uk_neuter_town_in_o_genitive_and_plural_town_genitive() -> None:
    # neuter -о towns: "від Мукачева" → Мукачево; a plural town: "біля Кринок" → Кринки
    assert "Мукачево" in forms("Мукачева", "uk")
    assert "Кринки" in forms("Кринок", "uk")
    ms = by_number("Взимку 5-та бригада наступала від Мукачева на схід.", "uk")
    assert near(ms[5].place, 48.44, 22.72)
    ms = by_number("Біля Кринок закріпилася 7-ма бригада морської піхоти.", "uk")
    assert near(ms[7].place, 46.73, 33.09)


def test_north_and_balkan_campaign_towns_are_known() -> None:
    # the 1940–41 campaigns' small towns (Norway, the Balkans) are in the gazetteer
    ms = by_number("Im Mai 1940 lag das Gebirgsjäger-Regiment 137 in Narvik.", "de")
    assert near(ms[137].place, 68.44, 17.43)


def test_city_word_does_not_point_at_a_name_passed_through() -> None:
    # "über X … in die Stadt", "через X … города": the city is the one named before, not the
    # town or river crossed on the way
    ms = by_number(
        "Die 5. Armee erreichte Saloniki; die 9. Division war über Kilkis in die Stadt gelangt.",
        "de",
    )
    assert near(ms[9].place, 40.64, 22.94)
    ms = by_number(
        "Бои шли под Ростовом. Наш 12-й корпус переправился через Аксай восточнее города.", "ru"
    )
    assert near(ms[12].place, 47.23, 39.72)


def test_big_city_is_not_given_up_for_a_small_namesake_near_the_theatre() -> None:
    # "Belgrad" is also an old name of Berat (Albania), nearer Thessaloniki and Skopje; the
    # capital the gazetteer chose by its population stays
    text = (
        "Die 2. Armee stand bei Skopje, die 3. Armee bei Saloniki. "
        "Die 7. Division zog am 13. April in Belgrad ein."
    )
    ms = by_number(text, "de")
    assert near(ms[7].place, 44.80, 20.47)


def test_de_town_before_a_final_participle_of_taking() -> None:
    # the perfect puts the participle last ("hatte … Nisch genommen"): the town taken is the
    # unit's, before where it turned next; a noun with its article is no town
    ms = by_number("Die 4. Division hatte am 3. Mai Nisch genommen und zog dann auf Belgrad.", "de")
    assert near(ms[4].place, 43.32, 21.90)
    ms = by_number("Die 6. Division hatte die Brücke genommen und zog dann nach Minsk.", "de")
    assert near(ms[6].place, 53.90, 27.57)


def test_from_there_is_where_the_unit_came_from() -> None:
    # "von dort" (from there): the town named before is the start, the unit is where it went
    ms = by_number(
        "Die 3. Division landete in Bergen. Von dort zog die 8. Division nach Stavanger.", "de"
    )
    assert near(ms[8].place, 58.97, 5.73)


def test_place_of_an_in_order_to_clause_is_where_the_unit_goes() -> None:
    # "um … bei X zu entsetzen": the unit moved on Y to relieve X, it is not at X (yet)
    ms = by_number(
        "Die 5. Division stieß nach Bodø vor, um die Truppen bei Narvik zu entsetzen.", "de"
    )
    assert near(ms[5].place, 67.28, 14.38)


def test_town_before_a_verb_of_holding_and_a_gapped_second_clause() -> None:
    # object first: "Охтирку обороняла …", and "…, а X — B" with the verb left out
    ms = by_number("Восени Охтирку обороняла 3-тя бригада, а Лубни — 9-й полк.", "uk")
    assert near(ms[3].place, 50.31, 34.90)
    assert near(ms[9].place, 50.02, 32.99)
    ms = by_number("Летом Брянск обороняла 50-я армия, а Орёл — 3-я армия.", "ru")
    assert near(ms[50].place, 53.25, 34.37)
    assert near(ms[3].place, 52.97, 36.08)


def test_unit_number_in_brackets_shares_its_units_place() -> None:
    # "9-й полк (в/ч А4321)": the number in brackets is the same unit, with the same place
    text = "Восени Охтирку обороняла 3-тя бригада, а Лубни — 9-й полк (в/ч А4321)."
    ms = [m for m in extract(doc(text, "uk")) if m.unit.number is None]
    assert ms and all(near(m.place, 50.02, 32.99) for m in ms)


def test_quoted_names_sharing_one_plural_noun_are_each_a_unit() -> None:
    # "батальйони «A» та «B»": B is a battalion too (names with digits as well)
    text = "Під Маріуполем билися батальйони «Сокіл», «Вовк-2» та «Беркут»."
    found = [m for m in extract(doc(text, "uk")) if m.unit.echelon == "battalion"]
    assert len(found) == 3
    assert all(near(m.place, 47.10, 37.55) for m in found)
    ms = extract(doc("Под Донецком воевали бригады «Восток» и «Запад».", "ru"))
    assert len([m for m in ms if m.unit.echelon == "brigade"]) == 2


def test_city_word_skips_a_heading_that_lists_several_towns() -> None:
    # a heading of several towns names the theatre; "в місто" is the town the sentence left
    text = (
        "Весна 2016: Бахмут, Краматорськ, Дружківка\n"
        "1 жовтня з Бахмута відійшли загони противника; в місто увійшла 81-ша бригада."
    )
    ms = by_number(text, "uk")
    assert near(ms[81].place, 48.59, 38.00)


def test_de_town_said_to_house_troops_and_here() -> None:
    # "war X die wichtigste Garnison … Hier lag …", "X beherbergte … den Standort": the town of
    # a copula or housing sentence, and "hier" / "den Standort" pointing back at it
    text = (
        "Lange war Demmin die wichtigste Garnison des Bezirks. "
        "Hier lag der Stab der 8. Division, während die 4. Division in Potsdam stand."
    )
    ms = by_number(text, "de")
    assert near(ms[8].place, 53.91, 13.04)
    assert near(ms[4].place, 52.40, 13.07)
    ms = by_number(
        "Strausberg beherbergte die Schule; das Wachregiment 7 sicherte den Standort.", "de"
    )
    assert near(ms[7].place, 52.58, 13.89)


def test_town_adjective_before_a_numbered_unit_is_its_home() -> None:
    # "Мукачівський 15-й батальйон" (a neuter town in -ево: мукачівський → Мукачево), "Псковская
    # 76-я дивизия"; a nation's adjective is no town ("Українська 3-тя армія", not Ukrainsk)
    ms = by_number("Мукачівський 15-й батальйон набирає добровольців.", "uk")
    assert near(ms[15].place, 48.44, 22.72)
    ms = by_number("Псковская 76-я дивизия провела учения.", "ru")
    assert near(ms[76].place, 57.82, 28.33)
    ms = by_number("Українська 3-тя армія перейшла в наступ.", "uk")
    assert ms[3].place is None
