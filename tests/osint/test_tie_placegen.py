"""Generic place rules from the classification of the blind parts' untouched misses: towns under
15,000 people in the other theatres reports write about (British garrisons, the Balkans, the
Middle East, Afghanistan), and no airport code or bare romanisation as a town's name. Sentences
are written for these tests, not taken from the evaluation set."""

from __future__ import annotations

from liaison.names.gazetteer import resolve
from liaison.osint.places import lookup
from tests.osint.helpers import by_number, near

JAJCE = (44.342, 17.271)
WARMINSTER = (51.205, -2.18)
BRNO = (49.195, 16.608)
TIDWORTH = (51.231, -1.663)


def test_small_towns_of_other_theatres_are_known() -> None:
    ms = by_number("Im Mai 1943 lag die 7. SS-Division bei Jajce, die 9. bei Tuzla.", "de")
    assert near(ms[7].place, *JAJCE)
    ms = by_number("In 2015 the 1st Battalion, 4th Rifles was stationed at Tidworth.", "en")
    assert near(ms[1].place, *TIDWORTH)
    place, _c, _ok = lookup("Shindand", "en")
    assert place is not None and place.country == "AF"


def test_a_far_theatre_never_takes_a_name_of_the_theatre() -> None:
    # a place of the former USSR or Poland keeps its name against a small namesake elsewhere
    for name, cc in (("Warminster", "GB"), ("Lviv", "UA"), ("Kupiansk", "UA"), ("Orzysz", "PL")):
        place, _c, _ok = lookup(name, "en")
        assert place is not None and place.country == cc, name
    ms = by_number("The 5th Brigade trained near Warminster in Wiltshire.", "en")
    assert near(ms[5].place, *WARMINSTER)


def test_short_villages_of_far_countries_stay_out() -> None:
    # a name under five letters of a far country's village list would catch word stems
    r = resolve("Buč", fuzzy=False)
    assert all(c.country not in {"HR", "SI", "BA"} for c in r.candidates)


def test_an_airport_code_is_not_a_name() -> None:
    # "BRN"/"brn" are Bern's code and romanisation: the Polish stem "Brn-" of Brno must not meet them
    assert resolve("Brn", fuzzy=False).status == "unknown"
    ms = by_number("W 1968 roku 11 Dywizja zajęła Ołomuniec, a 4 Dywizja stanęła pod Brnem.", "pl")
    assert near(ms[4].place, *BRNO)
    assert near(ms[11].place, 49.594, 17.251)


SUMY = (50.917, 34.8)
LUBNY = (50.019, 32.997)


def test_ukrainian_plural_town_in_the_genitive() -> None:
    # "до Сум" is Sumy (not the Polish Sztum its bare stem sounds like), "під Лубен" Lubny
    ms = by_number("У березні ворог підійшов до Сум, і 27-ма бригада обороняла місто.", "uk")
    assert near(ms[27].place, *SUMY)
    ms = by_number("Під Лубен відвели 44-ту бригаду, під Черкасами стоїть 45-та бригада.", "uk")
    assert near(ms[44].place, *LUBNY)
    assert near(ms[45].place, 49.444, 32.06)


SKALA_PODILSKA = (48.85, 26.2)
SPASSK_DALNY = (44.6, 132.8)


def test_a_compound_name_written_short_is_the_town_near_the_story() -> None:
    # "Skala" alone reads Skała near Kraków; among Kamianets' places it is Skala-Podilska
    text = "Die 1. Panzerarmee zog sich über Kamenez-Podolsk zurück; ihr III. Panzerkorps stand bei Skala."
    assert near(by_number(text, "de")[3].place, *SKALA_PODILSKA)
    text = "Штаб 5-й армии находился в Уссурийске, её 65-й корпус стоял у Спасска."
    assert near(by_number(text, "ru")[65].place, *SPASSK_DALNY)


def test_a_short_name_near_the_story_stays_itself() -> None:
    # the reading of the written name lies among the story's places: no longer name replaces it
    ms = by_number(
        "In 1944 the 8th Guards Army held Magnuszew, and the 2nd Tank Army was at Skała.", "en"
    )
    assert not near(ms[2].place, *SKALA_PODILSKA, km=200)
    # a far city of its own (Chełm, 60,000) named as a formation's origin is not swapped either
    ms = by_number(
        "Der 1. Korps wurde im Herbst 1944 bei Chełm aufgestellt; 1945 kämpfte die 2. Armee bei Bautzen.",
        "de",
    )
    assert near(ms[1].place, 51.143, 23.472)


def test_a_namesake_the_gazetteer_hid_is_taken_near_the_story() -> None:
    # Cyrillic "Холм" is first read as the Russian Kholm; in a story on Lublin it is Chełm
    text = (
        "У 1944 році 3-тя гвардійська армія вийшла до Холма, а 8-ма гвардійська армія — до Любліна."
    )
    assert near(by_number(text, "uk")[3].place, 51.143, 23.472)
    # "Франкфурт" on the Oder front is Frankfurt (Oder), not Frankfurt am Main (650,000)
    text = "В 1945 году 5-я ударная армия вела бои у Кюстрина, а 1-я гвардейская танковая армия стояла у Франкфурта."
    assert near(by_number(text, "ru")[1].place, 52.34, 14.55)
    # the same name far from any story stays the gazetteer's reading
    alone = by_number("В 1942 году 3-я ударная армия вышла к Холму.", "ru")[3].place
    assert alone is not None and alone.lon > 30  # a Russian Kholm, not Chełm
