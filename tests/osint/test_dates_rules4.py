"""Date rules found from the dev4 set's misses (round 4), in all five languages. Every sentence is
written for these tests, not taken from any evaluation file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liaison.osint.dates import other_clause
from tests.osint.helpers import date_of, values

PUB = datetime(2024, 3, 13, 9, 0, tzinfo=UTC)  # a Wednesday


# ---- a book's year, a life's span: not the story's period ----------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "number", "want"),
    [
        (
            "ru",
            "Записки связиста (Л., 1965)\n\nВ июле 1942 года 3-я армия отходила к Дону.\n"
            "Потом 7-я дивизия прикрывала переправу.",
            7,
            "1942-07",
        ),
        (
            "uk",
            "Оборона Одеси (з шкільного підручника, 2015)\n\nУ серпні 1941 року 9-та армія "
            "відходила. Далі 4-та армія тримала місто.",
            4,
            "1941-08",
        ),
        (
            "de",
            "Tagebuch eines Funkers (Eigenverlag, 1961)\n\nIm Mai 1940 stand die 2. Armee an "
            "der Maas. Die 6. Armee folgte.",
            6,
            "1940-05",
        ),
    ],
)
def test_a_cited_books_year_is_no_heading_period(
    lang: str, text: str, number: int, want: str
) -> None:
    assert date_of(text, lang, number) == want


def test_a_cited_year_gives_no_year_to_days() -> None:
    # the story never names its year: a day is not dated by the book's
    t = "Записки связиста (Л., 1965)\n\n12 июля 3-я армия отходила к Дону."
    assert date_of(t, "ru", 3) is None


def test_a_lifes_span_in_a_heading_does_not_rule_the_story() -> None:
    t = (
        "Colonel Jan Nowak, engineer, 1920–2019\n"
        "He fought with the 1st Armoured Division at Falaise in August 1944.\n"
        "Later the 10th Infantry Regiment, his unit, crossed into Belgium."
    )
    assert date_of(t, "en", 10) == "1944-08"


# ---- a heading's year gives the story its year ---------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "number", "want"),
    [
        (
            "de",
            "Startseite › Verbände\n2. Gebirgs-Division: Norwegen 1940\n"
            "Am 9. April landete die 3. Division in Narvik. Fünf Jahre später, am 8. Mai 1945, "
            "ergab sich die 20. Armee.",
            3,
            "1940-04-09",
        ),
        (
            "pl",
            "Strona główna\nObrona Lwowa 1939\n12 września 10 Brygada Kawalerii stanęła "
            "pod miastem. W 1944 roku wróciła tu 1 Armia.",
            10,
            "1939-09-12",
        ),
    ],
)
def test_a_heading_year_dates_the_days_before_any_year(
    lang: str, text: str, number: int, want: str
) -> None:
    assert date_of(text, lang, number) == want


# ---- "N years later, in YEAR": the story before it is N years earlier ----------------------------
@pytest.mark.parametrize(
    ("lang", "text", "number", "want"),
    [
        (
            "de",
            "Am 3. Juli erreichte die 4. Panzer-Division den Fluss.\nZwei Jahre später, im März "
            "1943, lag sie bei Orel.",
            4,
            "1941-07-03",
        ),
        (
            "en",
            "On 3 July the 4th Armoured Division reached the river.\nThree years later, in March "
            "1947, it was disbanded.",
            4,
            "1944-07-03",
        ),
        (
            "ru",
            "3 июля 4-я танковая дивизия вышла к реке.\nЧерез два года, в марте 1943 года, "
            "она стояла под Орлом.",
            4,
            "1941-07-03",
        ),
    ],
)
def test_years_later_dates_the_story_before_it(
    lang: str, text: str, number: int, want: str
) -> None:
    assert date_of(text, lang, number) == want


# ---- a news heading's stamp dates the report -----------------------------------------------------
def test_a_heading_stamp_dates_the_report_not_the_publication() -> None:
    t = (
        "Frontline update, March 12, 2024\n"
        "Fighting continued near the river.\nThe 47th Mechanized Brigade held its positions."
    )
    assert date_of(t, "en", 47, PUB) == "2024-03-12"
    t = "12 марта: сводка\nБои продолжались.\nЗа сутки 3-я бригада отразила пять атак."
    assert date_of(t, "ru", 3, PUB) == "2024-03-12"
    # a stamp of an older day is a story's subject, not the report's day
    t = (
        "Russian Offensive Campaign Assessment, February 12, 2024\n"
        "Fighting continued near the river.\nThe 47th Mechanized Brigade held its positions."
    )
    assert date_of(t, "en", 47, PUB) == "2024-03-13"


# ---- a date after the mention in a clause of its own ---------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "number", "want"),
    [
        (
            "ru",
            "В начале мая 1943 года 5-я армия держала рубеж у реки, а 20 мая противник начал "
            "наступление.",
            5,
            "1943-05",
        ),
        (
            "uk",
            "На початку травня 1943 року 5-та армія тримала рубіж, а 20 травня ворог пішов у "
            "наступ.",
            5,
            "1943-05",
        ),
        (
            "en",
            "In early May 1943 the 5th Army held the line on the river, but on 20 May the "
            "enemy attacked.",
            5,
            "1943-05",
        ),
        (
            "de",
            "Anfang Mai 1943 hielt die 5. Armee den Fluss, während am 20. Mai der Gegner angriff.",
            5,
            "1943-05",
        ),
    ],
)
def test_a_date_in_the_next_clause_is_not_the_mentions(
    lang: str, text: str, number: int, want: str
) -> None:
    assert date_of(text, lang, number) == want


def test_a_relative_clause_on_another_noun_is_not_the_units() -> None:
    t = (
        "W połowie lipca 1944 roku 8 Brygada podeszła pod miasto i zajęła most na rzece, "
        "który Niemcy wysadzili 30 lipca."
    )
    assert date_of(t, "pl", 8) == "1944-07"
    # the sentence's only date, in the same subject's next clause, is still the sentence's
    t = "3-я армия перешла реку, и 5 мая 1944 года вошла в город."
    assert date_of(t, "ru", 3) == "1944-05-05"
    t = (
        "Командир 8-й бригады говорил, что бойцы вышли к мосту, который немцы взорвали "
        "30 июля 1944 года."
    )
    assert date_of(t, "ru", 8) == "1944-07-30"


def test_other_clause_keeps_a_list_of_units_and_the_units_own_clause() -> None:
    # "…, and the 10th Brigade will join in mid-March": the 10th (at offset 8) is listed
    assert not other_clause(", and the 10th Brigade will join the drills in ", "en", (8,))
    assert other_clause(", and a spokesman said that the town fell on ", "en")
    # a relative word right after the mention's words is the unit's own clause
    assert not other_clause(" der Russen, das am ", "de")
    assert other_clause(" zog in die Stadt ein und besetzte den Markt, der am ", "de")


def test_a_month_gives_way_to_a_day_of_it() -> None:
    t = "Наприкінці квітня 1944 року 4-та армія вийшла до річки й 28 квітня звільнила місто."
    assert date_of(t, "uk", 4) == "1944-04-28"
    t = "At the end of April 1944 the 4th Army reached the river and on 28 April took the town."
    assert date_of(t, "en", 4) == "1944-04-28"


# ---- news: an aside tells the unit's past; "currently" is the publication's ----------------------
def test_in_news_an_aside_with_a_main_clause_after_it_gives_way() -> None:
    t = (
        "Officials said the 33rd Brigade, which left the town at the start of the month, "
        "still holds the hills."
    )
    assert date_of(t, "en", 33, PUB) == "2024-03-13"
    t = "Die Panzerbrigade 12, die seit Januar in Rukla steht, übte am Montag."
    assert date_of(t, "de", 12, PUB) == "2024-03-11"


@pytest.mark.parametrize(
    ("lang", "text", "number"),
    [
        ("de", "Die Kaserne ist seit 2017 belegt und wird derzeit von der Brigade 37 genutzt.", 37),
        (
            "en",
            "The base has been in use since 2017 and is currently held by the 37th Brigade.",
            37,
        ),
        ("pl", "Koszary od 2017 r. są zajęte, a obecnie stacjonuje tam 37 Brygada.", 37),
    ],
)
def test_currently_is_the_publication_day(lang: str, text: str, number: int) -> None:
    assert date_of(text, lang, number, PUB) == "2024-03-13"


# ---- new date forms ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        ("en", "In June 1920 the line held; by the middle of the month it broke.", "1920-06"),
        ("ru", "В июне 1920 года фронт держался, но в середине месяца рухнул.", "1920-06"),
        ("uk", "У червні 1920 року фронт тримався, але в середині місяця впав.", "1920-06"),
        ("pl", "W czerwcu 1920 r. front trwał, ale w połowie miesiąca pękł.", "1920-06"),
        ("de", "Im Juni 1920 hielt die Front; Mitte des Monats brach sie.", "1920-06"),
    ],
)
def test_the_middle_of_the_month_last_named(lang: str, text: str, want: str) -> None:
    assert values(text, lang)[-1] == want


def test_the_end_of_the_month_in_news_is_the_publications() -> None:
    assert values("By the end of the month the 3rd Army had withdrawn.", "en", PUB) == ["2024-03"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "uk",
            "Наступ почався 4 березня 1944 року. Уже за кілька днів 3-тя армія вийшла до міста.",
        ),
        (
            "ru",
            "Наступление началось 4 марта 1944 года. Через несколько дней 3-я армия вышла к городу.",
        ),
        ("pl", "Natarcie ruszyło 4 marca 1944 r. Kilka dni później 3 Armia doszła do miasta."),
        (
            "de",
            "Der Angriff begann am 4. März 1944. Wenige Tage später erreichte die 3. Armee die Stadt.",
        ),
        (
            "en",
            "The offensive began on 4 March 1944. A few days later the 3rd Army reached the town.",
        ),
    ],
)
def test_a_few_days_later_keeps_only_the_month(lang: str, text: str) -> None:
    assert date_of(text, lang, 3) == "1944-03"


def test_a_german_day_alone_before_a_lower_case_word() -> None:
    t = "Im Juni 1941 lag das 21. Korps bei Dünaburg, das am 28. mit Panzern angriff."
    assert date_of(t, "de", 21) == "1941-06-28"
    # an ordinal before a noun is no day
    assert values("Im Juni 1941 kam am 3. Tag die 21. Division an.", "de") == ["1941-06"]


def test_a_capitalised_unit_name_after_by_the_nth_is_no_day() -> None:
    t = "In August 1920 the town was held by the 31st Kaniów Rifle Regiment."
    assert values(t, "en") == ["1920-08"]


def test_the_next_sentence_going_on_about_the_unit_dates_it() -> None:
    t = "The 9th Tank Army was a Soviet formation. It was formed in March 1943 near Tula."
    assert date_of(t, "en", 9) == "1943-03"
    t = "Die 9. Panzerarmee war ein sowjetischer Großverband. Sie wurde im März 1943 aufgestellt."
    assert date_of(t, "de", 9) == "1943-03"
    # not when the next sentence is about another unit
    t = "The 9th Tank Army was a Soviet formation. On 5 March 1943 the 4th Army was formed."
    assert date_of(t, "en", 9) is None


def test_in_news_a_past_year_in_another_units_clause_is_background() -> None:
    t = "Named were the 5th and 38th Army, whose marines had already lost heavily there in 2022."
    assert date_of(t, "en", 5, PUB) == "2024-03-13"
    # in a history the sentence's only date still dates it
    assert date_of(t, "en", 5) == "2022"
    t = "Вчера 3-я бригада отбила атаку."
    assert date_of(t, "ru", 3, PUB) == "2024-03-12"


def test_now_gives_way_to_a_written_day() -> None:
    t = "Am Montag eroberte die Brigade 12 das Dorf und hält es jetzt."
    assert date_of(t, "de", 12, PUB) == "2024-03-11"
    t = "12 Brygada Zmechanizowana obecnie broni miasta."
    assert date_of(t, "pl", 12, PUB) == "2024-03-13"


def test_english_is_now_but_not_a_place_now_named() -> None:
    t = "In February the 110th Brigade withdrew. The 25th Airborne Brigade is now covering it."
    assert date_of(t, "en", 25, PUB) == "2024-03-13"
    t = "In February the 110th Brigade withdrew. The 25th Brigade, from Lwów, now Lviv, covered it."
    assert date_of(t, "en", 25, PUB) == "2024-02"


def test_a_citation_with_a_place_and_a_few_days_after_a_month() -> None:
    t = "Bitwa nad Bzurą (fragment monografii, Warszawa 1979)\n12 września 14 Dywizja Piechoty zdobyła Łęczycę."
    assert date_of(t, "pl", 14) is None  # the story names no year of its own
    t = "У січні 1944 року 5-та армія оточила ворога. Через кілька днів 27-ма армія перейшла в наступ."
    assert date_of(t, "uk", 27) == "1944-01"


def test_a_bare_year_going_back_is_background() -> None:
    t = (
        "Obrona Modlina, wrzesień 1939\n13 września do twierdzy dotarła Armia „Modlin”. "
        "8 Dywizja Piechoty, sformowana w 1921 r., broniła północnych fortów. "
        "28 Dywizja Piechoty złożyła broń 29 września."
    )
    assert date_of(t, "pl", 28) == "1939-09-29"
    assert date_of(t, "pl", 8) == "1939-09-13"
    # a story moving on to a later year still dates its days by it
    t = "In May 1944 the 2nd Corps took Cassino. In 1945 the 3rd Division was at Bologna on 21 April."
    assert date_of(t, "en", 3) == "1945-04-21"


def test_in_news_a_past_year_in_another_nouns_aside_is_background() -> None:
    t = (
        "The battalion left on Monday. The battalion, which trained in Poland last year, "
        "belongs to the 12th Armoured Brigade."
    )
    assert date_of(t, "en", 12, PUB) == "2024-03-11"
    t = "In 2022, the 12th Armoured Brigade fought near Izium."
    assert date_of(t, "en", 12, PUB) == "2022"


def test_a_summary_for_a_day_dates_its_report() -> None:
    t = "Сводка за 12 марта\nПодразделения 20-й армии за сутки улучшили положение."
    assert date_of(t, "ru", 20, PUB) == "2024-03-12"


@pytest.mark.parametrize(
    ("lang", "text", "number"),
    [
        (
            "uk",
            "Він загинув 10 березня під Бахмутом. Поховали його у Полтаві, де розташована "
            "179-та бригада.",
            179,
        ),
        (
            "de",
            "Er fiel am 10. März. Beigesetzt wurde er in Münster, wo die Panzerbrigade 21 "
            "stationiert ist.",
            21,
        ),
        ("en", "He died on 10 March. He was buried in Tapa, where the 1st Brigade is based.", 1),
    ],
)
def test_in_news_a_base_told_in_the_present_is_of_the_publication(
    lang: str, text: str, number: int
) -> None:
    assert date_of(text, lang, number, PUB) == "2024-03-13"
