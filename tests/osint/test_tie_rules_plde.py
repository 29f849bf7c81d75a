"""Polish and German place rules, one test each (osint/places.py, osint/tie.py). Texts are
written for these tests, not taken from the evaluation set."""

from __future__ import annotations

from datetime import UTC, datetime

from liaison.osint.extract import extract
from liaison.osint.places import forms
from tests.osint.helpers import by_number, doc, near

# ---- Polish -----------------------------------------------------------------------------------------


def test_polish_cases_of_eastern_and_foreign_towns() -> None:
    assert "Brześć" in forms("Brześciem", "pl")  # instrumental in -ściem
    assert "Hradec Králové" in forms("Hradca Králové", "pl")  # mobile e, second word kept
    assert "Horki" in forms("Horek", "pl")  # genitive plural of a town in -ki
    ms = by_number("Ćwiczenia prowadzi 5 Brygada Zmechanizowana pod Brześciem.", "pl")
    assert near(ms[5].place, 52.11, 23.72)
    ms = by_number("Wieczorem 9 Dywizja Pancerna rozmieściła się wokół Hradca Králové.", "pl")
    assert near(ms[9].place, 50.21, 15.83)


def test_polish_exonyms_and_recaptured_towns() -> None:
    ms = by_number("W marcu 7 Brygada Zmechanizowana odbiła Trościaniec.", "pl")
    assert near(ms[7].place, 50.48, 34.97)
    ms = by_number("Po długim oblężeniu Modlina 8 Dywizja Piechoty skapitulowała.", "pl")
    assert near(ms[8].place, 52.44, 20.71)


def test_a_persons_birthplace_is_no_units_place() -> None:
    ms = by_number("Dowództwo 4 Dywizji Piechoty objął płk Jan Nowak, rodem z Łucka.", "pl")
    assert not near(ms[4].place, 50.76, 25.35)


def test_polish_direction_adjective_of_a_town_in_sk() -> None:
    text = "Na kierunku kupiańskim walczy 54 Brygada, a 3 Brygada stoi pod Charkowem."
    ms = by_number(text, "pl")
    assert near(ms[54].place, 49.71, 37.62)


def test_the_capital_is_the_datelines_the_named_countrys_or_the_home_countrys() -> None:
    pub = datetime(2024, 5, 3, tzinfo=UTC)
    text = "WILNO, 3 maja (PAP) – Na ćwiczenia przybyła kolumna.\n9 Brygada stacjonuje w stolicy."
    ms = by_number(text, "pl", pub)
    assert near(ms[9].place, 54.69, 25.28)
    ms = by_number("8 Brygada Pancerna stacjonuje w łotewskiej stolicy.", "pl")
    assert near(ms[8].place, 56.95, 24.11)
    text = "Latem 5 Dywizja Piechoty walczyła pod Kutnem.\nWe wrześniu 6 Dywizja broniła stolicy."
    ms = by_number(text, "pl")
    assert near(ms[6].place, 52.23, 21.01)
    ms = by_number("Die 4. Brigade ist seit Mai in der estnischen Hauptstadt stationiert.", "de")
    assert near(ms[4].place, 59.44, 24.75)


def test_a_border_crossing_is_on_the_way() -> None:
    text = "Rano 7 Dywizja przekroczyła granicę pod Cieszynem i zajęła rejon Ostrawy."
    ms = by_number(text, "pl")
    assert near(ms[7].place, 49.83, 18.28)


def test_an_aside_between_commas_does_not_part_a_unit_from_its_verb() -> None:
    text = "5 Brygada, przerzucona z Krakowa, zajęła rejon Tarnowa, a 6 Brygada stoi w Rzeszowie."
    ms = by_number(text, "pl")
    assert near(ms[5].place, 50.01, 20.99)
    assert near(ms[6].place, 50.04, 22.0)


# ---- German -----------------------------------------------------------------------------------------


def test_german_object_after_the_subject() -> None:
    ms = by_number("Im Herbst eroberte die 6. Armee Charkow.", "de")
    assert near(ms[6].place, 49.98, 36.25)
    ms = by_number("Im März nahmen die 3. Armee und die 5. Armee Kiew ein.", "de")
    assert near(ms[3].place, 50.45, 30.52) and near(ms[5].place, 50.45, 30.52)
    # "Pz.Div." ends no sentence: the town after it is still the division's
    ms = by_number("Am Abend erreichte die 11. Pz.Div. Berditschew.", "de")
    assert near(ms[11].place, 49.89, 28.58)


def test_german_time_phrase_and_passive_after_a_verb_of_taking() -> None:
    # (towns too small to be read as places without a word before them)
    ms = by_number("Die 8. Division besetzte binnen weniger Stunden Wittstock.", "de")
    assert near(ms[8].place, 53.16, 12.48)
    ms = by_number("Verteidigt wird Wolnowacha seit Wochen von der 41. Brigade.", "de")
    assert near(ms[41].place, 47.60, 37.49)


def test_german_edge_of_town_and_bearing_words() -> None:
    ms = by_number("Die 12. Division stand am Ostrand von Wjasma.", "de")
    p = ms[12].place
    assert near(p, 55.21, 34.30) and p is not None and p.precision == 2  # beside, not from
    ms = by_number("Das 7. Korps griff aus dem Raum südwärts Mzensk an.", "de")
    assert near(ms[7].place, 53.28, 36.58)


def test_a_town_comes_before_its_region() -> None:
    ms = by_number("Bei Isjum im Gebiet Charkiw kämpft die 25. Brigade.", "de")
    assert near(ms[25].place, 49.21, 37.28)


def test_ende_des_jahres_is_no_place() -> None:
    ms = by_number("Die 9. Brigade wird bis Ende des Jahres nach Rukla verlegt.", "de")
    assert near(ms[9].place, 55.03, 24.37)


def test_the_southern_front_of_a_town_is_no_formation() -> None:
    got = extract(doc("Die 2. Armee lag vor der Südfront der Stadt.", "de"))
    assert [m.unit.echelon for m in got] == ["army"]
    got = extract(doc("Die Südfront griff bei Rostow an.", "de"))
    assert [m.unit.echelon for m in got] == ["front"]


def test_a_german_pluperfect_relative_clause_tells_where_a_unit_had_been() -> None:
    text = (
        "Im Oktober kämpfte die 2. Armee bei Wjasma. Mit ihr griff die 9. Armee an, "
        "die von Norden über Cholm herangeführt worden war."
    )
    ms = by_number(text, "de")
    assert near(ms[9].place, 55.21, 34.30)  # where the pronoun points, not Cholm
    assert not near(ms[9].place, 53.60, 7.21)  # "von Norden" is a bearing, not the town Norden


def test_german_around_a_town() -> None:
    ms = by_number("Die 7. Division kämpft rund um Wolnowacha.", "de")
    p = ms[7].place
    assert near(p, 47.60, 37.49) and p is not None and p.precision == 2


def test_countries_and_regions_in_their_cases_are_no_towns() -> None:
    ms = by_number("5 Brygada walczy w Rosji, a 6 Brygada stoi na Wołyniu.", "pl")
    assert ms[5].place is None and ms[6].place is None
    ms = by_number("Die 5. Division blieb in Thüringen, die 6. Division kam aus Sachsen.", "de")
    assert ms[5].place is None and ms[6].place is None


def test_a_german_place_before_its_clauses_final_verb_stays_in_that_clause() -> None:
    text = (
        "Das Panzerbataillon 414 aus Hagenow wird bis zum Ende des kommenden Jahres schrittweise "
        "nach Wittstock verlegt, das Panzerbataillon 415 folgt später."
    )
    ms = by_number(text, "de")
    assert near(ms[414].place, 53.16, 12.48)


def test_polish_cases_of_russian_towns() -> None:
    assert "Rostów nad Donem" in forms("Rostowie nad Donem", "pl")
    assert "Wielkie Łuki" in forms("Wielkich Łukach", "pl")
    assert "Orzeł" in forms("Orłem", "pl")
    ms = by_number("Latem 1943 r. 48 Armia walczyła pod Orłem.", "pl")
    assert near(ms[48].place, 52.97, 36.08)
    ms = by_number("Zimą 12 Dywizja stała pod Witebskiem.", "pl")
    assert near(ms[12].place, 55.19, 30.20)
    ms = by_number("Wiosną 3 Korpus Pancerny dotarł na przedmieścia Drezna.", "pl")
    assert near(ms[3].place, 51.05, 13.74)  # Drezno, not the Russian village Drezna


def test_verbs_of_defending_and_attacking_name_the_town() -> None:
    text = "Od tygodnia 47 Brygada broni Pokrowska, a 3 Brygada Szturmowa atakuje Kliszczyjiwkę."
    ms = by_number(text, "pl")
    assert near(ms[47].place, 48.28, 37.18) and near(ms[3].place, 48.53, 37.97)
    ms = by_number("Im Morgengrauen griff die 7. Division Wolnowacha an.", "de")
    assert near(ms[7].place, 47.60, 37.49)
    ms = by_number("Am 3. Juli erreichte die 4. Panzerdivision Wittstock.", "de")
    assert near(ms[4].place, 53.16, 12.48)


def test_german_abbreviated_compound_heads() -> None:
    text = (
        "Die 19. Mot.-Schützendivision und die 27. Garde-Mot.-Schützendivision standen bei Halle."
    )
    got = {m.unit.number: m.unit.echelon for m in extract(doc(text, "de"))}
    assert got == {19: "division", 27: "division"}


def test_polish_named_operational_commands() -> None:
    text = "Sztab Północno-Zachodniego Dowództwa Operacyjnego pozostaje w Borysowie."
    got = [m for m in extract(doc(text, "pl")) if m.unit.echelon == "front"]
    assert [m.text for m in got] == ["Północno-Zachodniego Dowództwa Operacyjnego"]
    assert near(got[0].place, 54.23, 28.50)


def test_polish_named_division_with_an_adjective_and_formation_words_are_no_places() -> None:
    text = "Pułk wycofał się przed Dywizją Pancerną „Huragan”, która nacierała przez Dywizję."
    got = [m for m in extract(doc(text, "pl")) if m.unit.echelon == "division"]
    assert [m.text for m in got] == ["Dywizją Pancerną „Huragan”"]
    assert got[0].place is None  # "przez Dywizję" is no village Dyviziya
