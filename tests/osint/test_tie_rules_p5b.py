"""English and Polish place rules of the dev5 round, one class of construction each (osint/tie.py,
osint/places.py, osint/extract.py, names/data/places_extra.csv). Sentences are written for these
tests, not taken from the evaluation set."""

from __future__ import annotations

from liaison.core.geo import haversine_km
from liaison.osint.extract import extract
from liaison.osint.places import lookup
from tests.osint.helpers import by_number, doc, near

POZNAN = (52.41, 16.93)
LODZ = (51.76, 19.46)


# ---- English ------------------------------------------------------------------------------------


def test_english_drops_diacritics_of_a_city() -> None:
    # a village spelled exactly "Poznan" must not beat Poznań in an English text
    for name, (lat, lon) in (("Poznan", POZNAN), ("Lodz", LODZ)):
        place, _c, ok = lookup(name, "en")
        assert ok and place is not None and haversine_km(place.lat, place.lon, lat, lon) < 25
    # German keeps the exact spelling: Munster is its own garrison town, not Münster
    place, _c, _ok = lookup("Munster", "de")
    assert place is not None and place.name == "Munster"


def test_british_garrison_towns_are_known() -> None:
    ms = by_number("In 2016 the 5th Armoured Brigade moved to Catterick from Bulford.", "en")
    assert near(ms[5].place, 54.38, -1.70)
    for town in ("Tidworth", "Larkhill", "Sennelager", "Amari"):
        assert lookup(town, "en")[0] is not None


def test_parent_after_a_comma_is_part_of_the_name() -> None:
    text = (
        "The 2nd Battalion, 7th Marine Regiment sailed from Okinawa, and the 3rd Division, "
        "the 4th Division and the 1st, 2nd and 3rd Battalions stayed ashore."
    )
    ms = extract(doc(text, "en"))
    names = [text[m.start : m.end] for m in ms]
    assert "2nd Battalion, 7th Marine Regiment" in names
    assert "7th Marine Regiment" not in names
    # a list of equals stays apart
    assert "3rd Division" in names and "4th Division" in names


def test_village_near_a_known_city_is_kept() -> None:
    # a small town 40 km from the city it is placed by is still that town, not the city
    ms = by_number("The 2nd Battalion is stationed at Pabrade, near Vilnius.", "en")
    assert near(ms[2].place, 54.98, 25.76)
    assert not near(ms[2].place, 54.69, 25.28)


def test_arrival_from_origin_takes_the_place_before() -> None:
    text = (
        "The 20th Tank Division entered Gori on Monday.\n"
        "Troops of the 98th Airborne Division were brought in from Ivanovo to reinforce them."
    )
    ms = by_number(text, "en")
    assert near(ms[98].place, 41.98, 44.11)


def test_stay_ended_by_until_gives_way_to_the_move() -> None:
    ms = by_number(
        "The 3rd Royal Tank Regiment was stationed at Fallingbostel until 1990, when it moved "
        "to Tidworth.",
        "en",
    )
    assert near(ms[3].place, 51.24, -1.66)
    ms = by_number("The 3rd Brigade held Sennelager until May.", "en")
    assert near(ms[3].place, 51.77, 8.72)


def test_short_form_of_a_town_named_in_full_before() -> None:
    text = (
        "The 9th Battalion trained at Drawsko Pomorskie last spring.\n"
        "This summer the 11th Brigade will join it at Drawsko."
    )
    ms = by_number(text, "en")
    assert near(ms[11].place, 53.53, 15.81)


# ---- Polish -------------------------------------------------------------------------------------


def test_polish_plural_town_genitive() -> None:
    for written, lat, lon in (("Bartoszyc", 54.25, 20.81), ("Puław", 51.42, 21.97)):
        place, _c, _ok = lookup(written, "pl")
        assert place is not None and haversine_km(place.lat, place.lon, lat, lon) < 25
    ms = by_number("Na wschód od Gliwic ćwiczy 6 Brygada Powietrznodesantowa.", "pl")
    assert near(ms[6].place, 50.29, 18.67)


def test_polish_adjective_between_preposition_and_town() -> None:
    ms = by_number("Po walkach pod Kerczem 4 Dywizja Piechoty stała w oblężonym Sewastopolu.", "pl")
    assert near(ms[4].place, 44.6, 33.52)


def test_polish_persons_places_are_no_units() -> None:
    ms = by_number(
        "Gen. Kowalski, pochodzący z Opola pod Wrocławiem, poprowadził 3 Brygadę do Gdańska.",
        "pl",
    )
    assert near(ms[3].place, 54.35, 18.65)
    ms = by_number("12 Dywizja, której dowódca pochodzi z Lublina, ćwiczyła w Orzyszu.", "pl")
    assert near(ms[12].place, 53.81, 21.95)


def test_polish_arrival_from_origin_takes_the_place_before() -> None:
    text = (
        "Na poligon w Orzyszu przybyła w poniedziałek 15 Brygada Zmechanizowana.\n"
        "Z Opola przyjechali żołnierze 10 Brygady Logistycznej."
    )
    ms = by_number(text, "pl")
    assert near(ms[10].place, 53.81, 21.95)


def test_semicolon_ends_the_opening_place() -> None:
    text = (
        "Pod Lublinem nacierała 2 Dywizja Piechoty; w sierpniu pod Radomiem walczyła "
        "1 Brygada Pancerna u boku 8 Armii."
    )
    ms = by_number(text, "pl")
    assert near(ms[8].place, 51.40, 21.15)


def test_cavalry_squadron_with_its_parent() -> None:
    text = (
        "Tanks of the 1st Armored Brigade reached Skwierzyna, "
        "and the 6th Squadron, 8th Cavalry Regiment went on to Orzysz."
    )
    ms = extract(doc(text, "en"))
    names = {text[m.start : m.end]: m for m in ms}
    squadron = names["6th Squadron, 8th Cavalry Regiment"]
    assert (squadron.unit.number, squadron.unit.echelon) == (6, "battalion")
    assert not any(m.unit.number == 8 for m in ms)


def test_capitalised_function_word_or_programme_is_no_army() -> None:
    text = "Under Army 2030 the 7th Brigade moved to Tidworth; the Narew Army of 1939 is history."
    names = [text[m.start : m.end] for m in extract(doc(text, "en"))]
    assert not any("Under" in n for n in names)
    assert "Narew Army" in names


def test_polish_later_units_home_beats_the_opening_place() -> None:
    text = (
        "W Mińsku dowództwo 5 Korpusu planuje manewry, w których weźmie udział "
        "7 Dywizja Pancerna z Borysowa."
    )
    ms = by_number(text, "pl")
    assert near(ms[7].place, 54.23, 28.51)
    assert near(ms[5].place, 53.9, 27.57)


def test_polish_named_unit_with_a_lower_case_noun() -> None:
    text = "W sierpniu na Woli walczył batalion „Wigry”, a pułk „Waligóra” stał na Ochocie."
    names = [text[m.start : m.end] for m in extract(doc(text, "pl"))]
    assert names == ["batalion „Wigry”", "pułk „Waligóra”"]
