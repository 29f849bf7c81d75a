"""Date rules of osint/dates.py and the date part of osint/tie.py, in all five languages. The
sentences are written for these tests (not taken from the evaluation set)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.osint.helpers import date_of, values

PUB = datetime(2024, 3, 13, 9, 0, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        ("ru", "К марту 1943 года 3-я армия отошла.", "1943-03"),
        ("ru", "До конца марта 1943 года 3-я армия держала оборону.", "1943-03"),
        ("uk", "До кінця березня 2022 року 3-тя бригада тримала оборону.", "2022-03"),
        ("pl", "Pod koniec września 1939 r. 3 Armia ruszyła.", "1939-09"),
        ("de", "Ab März 1945 lag die 3. Armee in Reserve.", "1945-03"),
        ("en", "Throughout March 1944 the 3rd Army held.", "1944-03"),
        ("en", "In mid-1943 the 3rd Army attacked.", "1943"),
    ],
)
def test_a_month_in_every_case_and_after_more_words(lang: str, text: str, want: str) -> None:
    assert date_of(text, lang, 3) == want


def test_month_forms_in_the_dative_and_instrumental() -> None:
    assert values("к маю 1945 года", "ru") == ["1945-05"]
    assert values("перед березнем 2022 року", "uk")[-1:] == ["2022-03"]
    assert values("przed wrześniem 1939 r.", "pl") == ["1939-09"]


@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        ("ru", "23–24 февраля 2022 года 3-я армия вела бои.", "2022-02-23"),
        ("ru", "С 5 по 12 июля 1943 года 3-я армия вела бои.", "1943-07-05"),
        ("pl", "W dniach 17–19 września 1939 r. 3 Armia ruszyła.", "1939-09-17"),
        ("de", "Vom 5. bis 12. Juli 1943 kämpfte die 3. Armee bei Kursk.", "1943-07-05"),
        ("en", "From 5 to 12 July 1943 the 3rd Army fought at Kursk.", "1943-07-05"),
        ("uk", "У жовтні–листопаді 1943 року 3-тя армія форсувала Дніпро.", "1943-10"),
        ("en", "In September–October 1943 the 3rd Army reached the Dnieper.", "1943-09"),
        # a night is dated by its morning
        ("pl", "W nocy z 23 na 24 lutego 2022 r. 3 Brygada ruszyła.", "2022-02-24"),
        ("en", "On the night of 23–24 February 2022 the 3rd Army crossed.", "2022-02-24"),
        ("ru", "В ночь с 23 на 24 февраля 2022 года 3-я армия перешла границу.", "2022-02-24"),
    ],
)
def test_a_range_is_dated_by_its_first_day_or_month(lang: str, text: str, want: str) -> None:
    assert date_of(text, lang, 3) == want


def test_numeric_dates_in_every_format() -> None:
    assert values("24.02.2022, 24/02/2022, 2022-02-24 и 2022/02/24", "ru") == ["2022-02-24"] * 4
    assert date_of("По данным на 12.03 3-я бригада удерживает позиции.", "ru", 3, PUB) == (
        "2024-03-12"
    )
    # a decimal is no date
    assert values("потери составили 2.05 млн", "ru", PUB) == []
    assert values("Kosten von 12.03 Mio Euro", "de", PUB) == []


@pytest.mark.parametrize(
    ("lang", "text", "want"),
    [
        ("ru", "В этом месяце 3-я бригада отошла.", "2024-03"),
        ("uk", "Минулого місяця 3-тя бригада відійшла.", "2024-02"),
        ("pl", "W tym roku 3 Brygada ruszyła.", "2024"),
        ("de", "Im vergangenen Jahr lag die 3. Brigade bei Bachmut.", "2023"),
        ("en", "Earlier this month the 3rd Brigade attacked.", "2024-03"),
        ("en", "The 3rd Brigade attacked on Tuesday.", "2024-03-12"),
        ("pl", "Wczoraj 3 Brygada ruszyła.", "2024-03-12"),
        ("de", "Die 3. Brigade griff gestern an.", "2024-03-12"),
    ],
)
def test_relative_periods_count_from_publication(lang: str, text: str, want: str) -> None:
    assert date_of(text, lang, 3, PUB) == want


def test_a_dateline_heads_the_paragraphs_of_a_news_item() -> None:
    t = "Сводка на 12 марта\nЗа сутки 3-я бригада отразила пять атак.\n5-я бригада отошла."
    assert date_of(t, "ru", 5, PUB) == "2024-03-12"
    # a title that is more than its date is no dateline: the publication date
    t = "Бои у Работино 12 марта: что известно\nЗа сутки 3-я бригада отразила пять атак."
    assert date_of(t, "ru", 3, PUB) == "2024-03-13"


def test_a_future_date_in_news_is_not_the_unit_s() -> None:
    t = "3-я бригада удерживает позиции у Работино. Наступление ожидается в мае."
    assert date_of(t, "ru", 3, PUB) == "2024-03-13"
    t = "The 3rd Brigade holds Robotyne; the offensive is expected in May."
    assert date_of(t, "en", 3, PUB) == "2024-03-13"


def test_the_sentence_s_finer_date_beats_a_year_in_a_clause() -> None:
    t = "The 3rd Army, which had held the line since 1943, crossed the Vistula on 12 January 1945."
    assert date_of(t, "en", 3) == "1945-01-12"


def test_a_later_date_in_the_paragraph_does_not_reach_back() -> None:
    t = "3-я бригада отразила атаку у Работино. 10 марта 5-я бригада отошла."
    assert date_of(t, "ru", 3, PUB) == "2024-03-13"
    t = "The 3rd Division landed. On 6 June 1944 the 50th Division landed further west."
    assert date_of(t, "en", 3) is None
    assert date_of(t, "en", 50) == "1944-06-06"


def test_a_day_of_the_month_last_named() -> None:
    assert date_of("Kursk, July 1943\nThe 3rd Army attacked on the 12th.", "en", 3) == "1943-07-12"
    t = "Курская битва, июль 1943 года\n12-го числа 3-я армия атаковала."
    assert date_of(t, "ru", 3) == "1943-07-12"


def test_year_words_in_every_case_and_year_ranges() -> None:
    assert date_of("У 1985 році 201-ша дивізія стояла в Кундузі.", "uk", 201) == "1985"
    assert date_of("У 1941–1945 роках 3-тя армія воювала.", "uk", 3) == "1941"
    assert date_of("В 1941—1942 гг. 3-я армия стояла под Москвой.", "ru", 3) == "1941"
    assert date_of("W latach 1939–1945 3 Armia walczyła.", "pl", 3) == "1939"


def test_across_paragraphs_a_year_heading_keeps_the_year() -> None:
    t = (
        "Київська операція 1920 року\n"
        "7 травня 1920 року до Києва увійшли частини польської 3-ї армії генерала Ридза.\n"
        "Фронтом командував Єгоров, а 6-та дивізія стояла в резерві. 29 серпня вона билася."
    )
    assert date_of(t, "uk", 6) == "1920"
    # (when the paragraph does not move on to another month, the month carried is sure)
    assert date_of(t.replace(" 29 серпня вона билася.", ""), "uk", 6) == "1920-05"
    # a heading with its month: the month the story keeps to
    t = (
        "Курская битва. Июль 1943\n12 июля 5-я армия вступила в сражение под Прохоровкой.\n"
        "6-я армия держала рубеж."
    )
    assert date_of(t, "ru", 6) == "1943-07"


def test_weekdays_after_more_prepositions_and_short_numeric_years() -> None:
    assert values("с понедельника и со среды", "ru", PUB) == ["2024-03-11", "2024-03-13"]
    assert values("з понеділка", "uk", PUB) == ["2024-03-11"]
    assert values("od piątku", "pl", PUB) == ["2024-03-08"]
    assert "2024-03-12" in values("am gestrigen Dienstag", "de", PUB)
    assert values("24.02.22", "ru", PUB) == ["2022-02-24"]
    assert values("24.02.22", "ru") == []  # a history: the century is unknown
    assert values("on 02/24/2022", "en") == ["2022-02-24"]


def test_a_night_into_a_weekday() -> None:
    t = "Nach Angaben des Generalstabs hat die 3. Brigade in der Nacht zu Dienstag Angriffe abgewehrt."
    assert date_of(t, "de", 3, PUB) == "2024-03-12"
    t = "По данным Минобороны, 3-я бригада в ночь на вторник отразила атаки."
    assert date_of(t, "ru", 3, PUB) == "2024-03-12"


def test_a_date_in_a_clause_describing_the_unit() -> None:
    # in news, the unit's past in an aside is background: the item's date
    t = "3-я бригада, созданная в 2015 году, удерживает позиции у Работино."
    assert date_of(t, "ru", 3, PUB) == "2024-03-13"
    t = "The 3rd Brigade, formed in 2015, holds positions near Robotyne."
    assert date_of(t, "en", 3, PUB) == "2024-03-13"
    # in a history, the main clause's date first, else the aside's
    t = "3-я армия, сформированная в июле 1941 года, в октябре 1941 года оборонялась под Москвой."
    assert date_of(t, "ru", 3) == "1941-10"
    t = "3-я армия, сформированная в июле 1941 года, оборонялась под Москвой."
    assert date_of(t, "ru", 3) == "1941-07"


def test_a_time_of_day_or_a_measure_is_no_day_and_month() -> None:
    assert values("около 12.05 начался обстрел", "ru", PUB) == []
    assert values("um 14.05 Uhr begann der Angriff", "de", PUB) == []
    assert values("глубина 2.10 м", "ru", PUB) == []


def test_english_and_german_years_after_seasons_and_in_ranges() -> None:
    assert date_of("In spring 1944 the 3rd Army held the line.", "en", 3) == "1944"
    assert values("from 1941 to 1945, winter 1941-42", "en") == ["1941", "1941"]
    assert values("Im Herbst des Jahres 1944, von 1941 bis 1945", "de") == ["1944", "1941"]


def test_ukrainian_and_polish_month_abbreviations() -> None:
    assert values("12 бер. 1943 р. і 5 лист. 1943", "uk") == ["1943-03-12", "1943-11-05"]
    assert values("17 wrz. 1939 r. i 5 paź. 1939", "pl") == ["1939-09-17", "1939-10-05"]


def test_the_sentence_s_date_far_after_a_list_of_units() -> None:
    t = (
        "The 3rd Brigade and the 47th Brigade, supported by artillery and drones of the 155th "
        "Brigade and several territorial defence units from the region, repelled attacks near "
        "Avdiivka on March 10."
    )
    assert date_of(t, "en", 3, PUB) == "2024-03-10"
    # across a semicolon, another unit's clause keeps its date
    t = "The 3rd Brigade held Robotyne; the 47th Brigade, reinforced, withdrew on March 10."
    assert date_of(t, "en", 3, PUB) == "2024-03-13"


def test_a_unit_s_ordinal_is_no_day_and_an_aside_may_run_to_the_sentence_end() -> None:
    t = "July 1943. It was joined by the 3rd Tank Brigade and attacked on the 12th."
    assert values(t, "en") == ["1943-07", "1943-07-12"]
    t = "Западнее Сватово закрепилась 25-я армия, сформированная в прошлом году в Пскове."
    assert date_of(t, "ru", 25, PUB) == "2024-03-13"
