"""Date rules found from the dev5 set's misses (round 5). Every sentence is written for these
tests, not taken from any evaluation file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liaison.osint.dates import DateHit, since_date, until_date
from tests.osint.helpers import date_of, values

PUB = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)


# ---- "until" a month bounds the action; the action's date is the sentence's other one -------------
@pytest.mark.parametrize(
    ("lang", "text", "number", "want"),
    [
        (
            "pl",
            "Latem 1943 r. 5 Dywizja Piechoty zajęła miasto, gdzie utrzymała się do listopada.",
            5,
            "1943",
        ),
        (
            "ru",
            "Летом 1943 года 5-я стрелковая дивизия заняла город и удерживала его до конца ноября.",
            5,
            "1943",
        ),
        (
            "en",
            "In June 1951 the 5th Infantry Division reached the river.\n"
            "The 7th Infantry Regiment held the bridge until the thaw of November.",
            7,
            "1951-06",
        ),
        (
            "de",
            "Im Juni 1942 bezog die 5. Infanterie-Division Stellungen am Fluss.\n"
            "Das Infanterie-Regiment 14 hielt die Brücke bis Ende Oktober.",
            14,
            "1942-06",
        ),
    ],
)
def test_until_month_does_not_date_the_action(lang: str, text: str, number: int, want: str) -> None:
    assert date_of(text, lang, number) == want


def test_until_day_stays_the_sentence_date() -> None:
    # a day the action ended on is a day the text gives for the unit
    text = "The 9th Armored Brigade held out in the town until 14 March 1945, when it withdrew."
    assert date_of(text, "en", 9) == "1945-03-14"


def test_until_and_since_words() -> None:
    text = "do grudnia 1943"
    assert until_date(text, DateHit(3, len(text), "1943-12", 3), "pl")
    assert not until_date("w grudniu 1943", DateHit(2, 14, "1943-12", 3), "pl")
    text = "з жовтня"
    assert since_date(text, DateHit(0, len(text), "2023-10", 3), "uk")


# ---- in news, "since" a month: the state holds at publication --------------------------------------
def test_news_since_month_is_the_publication_state() -> None:
    text = (
        "Навесні 2022 р. 12-та бригада обороняла місто.\n"
        "Біля мосту з лютого тримає оборону 14-та механізована бригада."
    )
    assert date_of(text, "uk", 14, PUB) == "2024-05-20"


def test_news_since_year_stays() -> None:
    text = "С 2016 г. в городе базируется 15-я мотострелковая бригада."
    assert date_of(text, "ru", 15, PUB) == "2016"


# ---- a heading's span of years is no period to clamp to ------------------------------------------
def test_heading_span_does_not_clamp_carried_dates() -> None:
    text = (
        "Історія корпусу 1941–1944\n"
        "У вересні 1941 р. 9-й корпус відходив на схід.\n"
        "Навесні 1943 р. корпус переформували. У березні 1944 р. 4-та дивізія вийшла до Дністра."
    )
    assert date_of(text, "uk", 4) == "1944-03"


# ---- German years a preposition does not announce ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Das Bataillon wurde 1962 von Kassel nach Fulda verlegt.", ["1962"]),
        ("Um 1980 lag in Fulda ein Regiment.", ["1980"]),
        ("Gegen 1975 änderte sich das.", ["1975"]),
        ("Zwischen 1995 und 2001 bestand das Lager.", ["1995"]),
        # a distance or a unit's number is no year
        ("Der Marsch führte 1900 km weit.", []),
        ("Das Panzerregiment 1939 wurde genannt.", []),
    ],
)
def test_german_bare_years(text: str, want: list[str]) -> None:
    assert values(text, "de") == want


def test_german_year_in_sentence_dates_unit() -> None:
    text = "Im Juli 1961 lag die 4. Division in Erfurt. Das Regiment 22 wurde 1963 verlegt."
    assert date_of(text, "de", 22) == "1963"


def test_german_already_year_is_background_in_news() -> None:
    text = (
        "Genannt wird die 8. Armee, deren Truppen schon 2022 dort kämpften.\n"
        "Verteidigt wird die Stadt von der 31. Brigade."
    )
    assert date_of(text, "de", 31, PUB) == "2024-05-20"


# ---- month forms ---------------------------------------------------------------------------------
def test_polish_last_days_of_month() -> None:
    assert values(
        "Latem 1943 r. armia stała nad Donem. W ostatnich dniach lipca ruszyła.", "pl"
    ) == [
        "1943",
        "1943-07",
    ]


@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        ("en", "In November 1942 the army attacked. In February it stood at the river.", "1943-02"),
        ("ru", "В декабре 1941 года армия наступала. В январе она вышла к реке.", "1942-01"),
        # going forward within a year stays in the year
        ("en", "In May 1942 the army attacked. In July it stood at the river.", "1942-07"),
    ],
)
def test_month_after_year_end_rolls_over(lang: str, text: str, want: str) -> None:
    assert values(text, lang)[-1] == want


# ---- a sentence cut inside the mention ("Das XVIII. | Korps …") runs on to its end ----------------
def test_split_inside_mention_keeps_its_sentence_date() -> None:
    text = "Am 3. Mai 1942 begann der Angriff. Das XIV. Armeekorps erreichte am 7. Mai den Fluss."
    assert date_of(text, "de", 14) == "1942-05-07"


# ---- a "whereas" clause after the mention is another subject's: its date is not the mention's -----
def test_whereas_clause_date_is_not_the_mention_s() -> None:
    text = (
        "В июне 1944 года 5-я армия вышла к реке.\n"
        "12-я бригада стояла у переправы, а партизаны 20 июня взорвали мост."
    )
    assert date_of(text, "ru", 12) == "1944-06"


def test_but_clause_still_goes_on_about_the_unit() -> None:
    text = (
        "Latem 1944 r. armia stała nad rzeką.\n"
        "Nad rzekę wyszła 4 DP, ale 3 sierpnia jej bataliony zostały odrzucone."
    )
    assert date_of(text, "pl", 4) == "1944-08-03"


# ---- a season named alone dates a history's sentence by its year ---------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        ("pl", "Latem 1943 r. armia stała nad Donem. Zimą korpus odpoczywał.", ["1943", "1943"]),
        ("ru", "В мае 1942 года армия наступала. Осенью корпус отошёл.", ["1942-05", "1942"]),
        ("en", "In May 1951 the corps attacked. In the winter it rested.", ["1951-05", "1951"]),
    ],
)
def test_season_alone(lang: str, text: str, want: list[str]) -> None:
    assert values(text, lang) == want


def test_season_alone_in_news_is_no_date() -> None:
    # in a news item it is mostly a plan ("will move in the autumn"): the item's day stands
    assert values("The 4th Brigade will move to the border in the autumn.", "en", PUB) == []


def test_season_beats_a_day_carried_from_the_sentence_before() -> None:
    text = "Dnia 12 maja 1943 r. 3 Dywizja zajęła miasto.\nJesienią 5 Brygada odpoczywała."
    assert date_of(text, "pl", 5) == "1943"


# ---- a purpose clause's date ("…, by w styczniu wejść") is what the unit aimed at -----------------
@pytest.mark.parametrize(
    ("lang", "text", "number", "want"),
    [
        (
            "pl",
            "Latem 1943 r. armia stała nad Donem.\n"
            "Jesienią 7 Brygada Kawalerii czekała pod miastem, by w lutym 1944 ruszyć na zachód.",
            7,
            "1943",
        ),
        (
            "ru",
            "Летом 1943 года армия стояла на Дону.\n"
            "Осенью 7-я кавалерийская дивизия ждала у города, чтобы в феврале 1944 года "
            "двинуться на запад.",
            7,
            "1943",
        ),
    ],
)
def test_purpose_clause_date_is_not_the_mention_s(
    lang: str, text: str, number: int, want: str
) -> None:
    assert date_of(text, lang, number) == want
