"""English tying and extraction rules, one test each (osint/tie.py, osint/places.py,
osint/extract.py, names/gazetteer.py). Sentences are written for these tests, not taken from the
evaluation set."""

from __future__ import annotations

from datetime import UTC, datetime

from liaison.osint.documents import Document
from liaison.osint.extract import Mention, extract
from liaison.osint.places import lookup
from tests.osint import helpers
from tests.osint.helpers import near


def doc(text: str, published: datetime | None = None) -> Document:
    return helpers.doc(text, "en", published)


def by_number(text: str, published: datetime | None = None) -> dict[int, Mention]:
    return helpers.by_number(text, "en", published)


KRAMATORSK = (48.72, 37.56)


# ---- places ---------------------------------------------------------------------------------------


def test_suburbs_of_a_town_put_the_unit_there() -> None:
    ms = by_number("By nightfall the 12th Brigade was still fighting in the suburbs of Marinka.")
    assert near(ms[12].place, 47.95, 37.51)


def test_the_town_area_is_the_town() -> None:
    # "the X area" names the town; "the town" after it is the same one
    ms = by_number(
        "Shelling hit Kostiantynivka overnight. In the Tetkino area the 93rd Brigade "
        "is holding a line west of the town."
    )
    assert near(ms[93].place, 51.28, 34.29)


def test_a_weapon_named_like_a_town_is_no_place() -> None:
    assert lookup("Iskander", "en") == (None, (), False)
    ms = by_number(
        "Officials said an Iskander missile struck a Zaporizhzhia-based headquarters "
        "of the 65th Brigade."
    )
    assert near(ms[65].place, 47.84, 35.14)


def test_a_commanders_birthplace_is_not_the_units_place() -> None:
    ms = by_number(
        "The 24th Brigade, whose commander was born in Lutsk, is defending Chasiv Yar.",
    )
    assert near(ms[24].place, 48.59, 37.83)


def test_where_a_person_lived_gives_way_to_the_units_garrison() -> None:
    ms = by_number(
        "The veteran lived in Poltava for forty years and often visited the 92nd Brigade, "
        "garrisoned at Chuhuiv."
    )
    assert near(ms[92].place, 49.84, 36.69)


def test_a_village_placed_by_a_bearing_from_a_town() -> None:
    # Oleksandriia is also a large town far to the west: the one meant is near Kramatorsk
    ms = by_number("The 53rd Brigade held positions near Oleksandriia, west of Kramatorsk.")
    assert near(ms[53].place, *KRAMATORSK)


def test_an_opening_clause_of_earlier_time_is_not_where_the_unit_is() -> None:
    ms = by_number(
        "After three months of fighting outside Vuhledar, the 72nd Brigade was pulled back, "
        "reequipped with Western vehicles and finally sent to a training range near Pavlohrad."
    )
    assert near(ms[72].place, 48.53, 35.87)


def test_a_town_held_by_units_is_where_they_are() -> None:
    ms = by_number(
        "Russian troops turned towards Vovchansk, held by the 57th Brigade and the 125th Brigade, "
        "whose commander was born in Odesa."
    )
    assert near(ms[57].place, 50.29, 36.94)
    assert near(ms[125].place, 50.29, 36.94)


def test_the_capital_of_a_dateline() -> None:
    published = datetime(2025, 6, 2, tzinfo=UTC)
    ms = by_number(
        "WARSAW, June 2 (Reuters) - Soldiers of the 18th Division near Lublin were on standby, "
        "and the 6th Brigade, which has been based in the capital since March, joined the drill.",
        published,
    )
    assert near(ms[18].place, 51.25, 22.57)
    assert near(ms[6].place, 52.23, 21.01)


# ---- gazetteer --------------------------------------------------------------------------------------


def test_a_historical_name_of_the_shipped_list_beats_a_namesake() -> None:
    place, _cands, _ok = lookup("Port Arthur", "en")
    assert place is not None and place.country == "CN"
    ms = by_number(
        "In August 1945 the 39th Army reached Dalian, and the 7th Corps entered Port Arthur."
    )
    assert near(ms[7].place, 38.80, 121.26)


def test_a_polish_village_named_without_its_seat_suffix() -> None:
    # GeoNames calls it "Komarów-Osada"; sources write "Komarów"
    ms = by_number("On 31 August the 1st Division fought near Komarów, south of Zamość.")
    assert near(ms[1].place, 50.63, 23.48)


# ---- mentions -----------------------------------------------------------------------------------------


def _spans(text: str) -> list[tuple[str, int | None, str | None]]:
    return [(m.text, m.unit.number, m.unit.echelon) for m in extract(doc(text))]


def test_named_english_brigades_and_regiments() -> None:
    got = _spans(
        "Troops of the Grand Duke Mechanised Brigade and the Falcon Regiment joined the drill."
    )
    assert ("Grand Duke Mechanised Brigade", None, "brigade") in got
    assert ("Falcon Regiment", None, "regiment") in got


def test_a_country_adjective_is_not_part_of_a_units_name() -> None:
    got = _spans("Behind the tanks came the Hungarian Falcon Battalion.")
    assert ("Falcon Battalion", None, "battalion") in got


def test_descriptive_brigades_are_no_names() -> None:
    got = _spans("The Polish Armoured Brigade and the Joint Brigade left the range.")
    assert got == []


def test_a_named_field_army() -> None:
    got = _spans("The staff of the Kwantung Army surrendered at Mukden.")
    assert ("Kwantung Army", None, "army") in got


def test_a_regiment_named_after_a_town_with_diacritics() -> None:
    got = _spans("The 14th Łódź Rifle Regiment held the bridge.")
    assert ("14th Łódź Rifle Regiment", 14, "regiment") in got


def test_a_sector_called_front_is_a_place_not_a_formation() -> None:
    ms = extract(doc("The 3rd Assault Brigade is fighting on the Kupiansk front."))
    assert [m.unit.echelon for m in ms] == ["brigade"]
    assert near(ms[0].place, 49.71, 37.62)


def test_from_its_garrison_is_where_the_unit_came_from() -> None:
    ms = by_number(
        "The 4th Guards Tank Division, from its garrison at Naro-Fominsk, was sent to Izium."
    )
    assert near(ms[4].place, 49.21, 37.26)


def test_a_town_beside_a_region_is_where_the_unit_is() -> None:
    ms = by_number(
        "Elements of the 58th Army are deployed in occupied Zaporizhzhia Oblast, near Tokmak."
    )
    assert near(ms[58].place, 47.25, 35.71)


def test_a_bearing_far_from_a_town_does_not_put_the_unit_in_it() -> None:
    # "some 400 km east of Moscow" places the village; the unit is not in Moscow
    ms = by_number("Images show the 6th Tank Regiment near Mulino, some 400 km east of Moscow.")
    assert ms[6].place is not None and not near(ms[6].place, 55.75, 37.62, 100)


def test_where_a_person_settled_is_never_the_units_place() -> None:
    ms = by_number(
        "His uncle, who served with the 1st Armoured Division in Germany, later settled in Winnipeg."
    )
    assert ms[1].place is None


def test_a_region_after_a_town_only_qualifies_it() -> None:
    ms = by_number("Since 2015 the 150th Division has been based in Novocherkassk, Rostov region.")
    assert near(ms[150].place, 47.42, 40.09)


def test_a_town_near_a_city_is_not_the_city() -> None:
    # Naro-Fominsk lies 70 km from Moscow: "near Moscow" places the town, it is not Moscow
    ms = by_number("The 4th Guards Tank Division is based at Naro-Fominsk near Moscow.")
    assert near(ms[4].place, 55.39, 36.73)


def test_present_tense_verbs_of_holding_put_a_unit_in_the_town() -> None:
    ms = by_number("The 3rd Separate Assault Brigade (3rd SAB) holds Robotyne.")
    assert near(ms[3].place, 47.44, 35.84)


def test_a_bare_ordinal_subject_is_a_unit_of_the_kind_named_before() -> None:
    got = _spans("The 3rd Brigade holds Robotyne while the 47th attacks Verbove.")
    assert ("47th", 47, "brigade") in got
    # a date is no unit: "on the 5th", and a sentence of its own about a day
    got = _spans("On the 5th the 3rd Brigade attacked. The 20th was a quiet day.")
    assert [n for _t, n, _e in got] == [3]


def test_a_bearing_in_brackets_after_a_village_of_two_words() -> None:
    ms = by_number(
        "Elements of the 76th Division are operating near Zelenyi Shlyakh (southwest of Sudzha)."
    )
    assert near(ms[76].place, 51.19, 35.27)


def test_usually_garrisoned_around_a_city_is_the_home() -> None:
    ms = by_number(
        "The 1st Tank Army, usually garrisoned around Moscow, has been fighting near Kupiansk."
    )
    assert near(ms[1].place, 49.71, 37.62)


def test_a_name_after_the_is_a_river_not_a_town() -> None:
    # Nysa is called Neisse too, but "the Neisse" is the river
    ms = by_number(
        "The 2nd Army crossed the Neisse on 16 April and took positions opposite Görlitz."
    )
    assert near(ms[2].place, 51.15, 14.99)
    # a town's name before a noun is still the town
    ms = by_number("The 110th Brigade fought for the Avdiivka coke plant.")
    assert near(ms[110].place, 48.14, 37.74)


def test_formed_at_is_where_the_unit_came_from() -> None:
    ms = by_number(
        "In the spring of 1944 the 1st Army was formed at Sumy and then moved to Zhytomyr."
    )
    assert near(ms[1].place, 50.25, 28.66)


def test_a_country_is_no_town_of_its_name() -> None:
    # GeoNames gives "Iraq" to Arāk in Iran and "Kazakhstan" to a village: neither is meant
    assert lookup("Iraq", "en")[0] is None
    ms = by_number("Deported to Kazakhstan in 1940, he reached Iraq in 1942 with the 3rd Division.")
    assert ms[3].place is None


def test_a_countrys_capital_named_by_its_adjective() -> None:
    ms = by_number("Officials in the Latvian capital said the 11th Brigade would arrive in 2026.")
    assert near(ms[11].place, 56.95, 24.11)


def test_a_dateline_with_city_country_and_date() -> None:
    published = datetime(2025, 5, 3, tzinfo=UTC)
    ms = by_number("BELGOROD, Russia, May 3 (AP) — The 11th Corps has been moved up.", published)
    assert near(ms[11].place, 50.61, 36.58)


def test_a_part_of_a_town_is_the_town() -> None:
    ms = by_number("The 3rd Brigade is fighting in southern Robotyne.")
    assert near(ms[3].place, 47.44, 35.84)


def test_a_units_own_losses_and_short_lives_are_no_persons_places() -> None:
    ms = by_number("Soldiers of the 5th Brigade died in Bakhmut.")
    assert near(ms[5].place, 48.59, 38.00)
    ms = by_number("The short-lived 9th Army in Kupiansk was disbanded.")
    assert near(ms[9].place, 49.71, 37.62)


def test_a_town_placed_by_a_bearing_from_a_city_is_the_town() -> None:
    ms = by_number("The 14th Brigade is holding Kupiansk, east of Kharkiv.")
    assert near(ms[14].place, 49.71, 37.62)
